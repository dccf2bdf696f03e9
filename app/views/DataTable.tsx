/**
 * The one table every page draws: columns declared once (label, how a cell
 * reads, whether it is a number, whether it sorts, whether a phone keeps it),
 * headers that sort through the URL, a pager under it and its downloads above
 * it. Works without JavaScript: sorting and paging are links.
 *
 * Phone (700 px and narrower): `phone` names the columns a phone keeps; the
 * others get the class `phone-hide` (app/styles.css). Without `phone` every
 * column stays and the table scrolls in its own box.
 */
import type { HTMLAttributes, ReactNode, TdHTMLAttributes } from 'react';
import { Pager } from './Pager.tsx';
import { SortHeader } from './SortHeader.tsx';

type DataAttributes = { [name: `data-${string}`]: string | undefined };

export interface Column<R> {
  key: string;
  label: string;
  /** Right-aligned, and sorted as a number by whoever sorts the rows. */
  numeric?: boolean;
  /** Its header sorts the table through the URL (`sort=key&dir=`); the loader sorts the rows. */
  sortable?: boolean;
  /** What the column means: the header's tooltip. */
  help?: string;
  /** The row's cell; a header cell (<th scope="row">) when `rowHeader`. */
  cell: (row: R, index: number) => ReactNode;
  cellProps?: (row: R) => TdHTMLAttributes<HTMLTableCellElement> & DataAttributes;
  rowHeader?: boolean;
}

export interface DataTableProps<R> {
  /** The table's name: its data-table attribute, which tests and styles select. */
  name: string;
  columns: readonly Column<R>[];
  rows: readonly R[];
  rowKey: (row: R, index: number) => string;
  rowProps?: (row: R, index: number) => HTMLAttributes<HTMLTableRowElement> & DataAttributes;
  /** The column keys a phone keeps; all when absent. */
  phone?: readonly string[];
  /** The page's query string: sortable headers and the pager link from it. */
  search?: string;
  /** The query parameters the headers sort by, when the page has two sortable tables. */
  sortParams?: { sort: string; dir: string };
  pager?: { page: number; pages?: number; hasNext?: boolean; param?: string; label?: string };
  downloads?: readonly { href: string; label: string; download?: boolean }[];
  caption?: ReactNode;
  className?: string;
  /** Rows after the body (totals). */
  foot?: ReactNode;
  tableProps?: HTMLAttributes<HTMLTableElement> & DataAttributes;
}

const classes = (...names: (string | false | undefined)[]) => names.filter(Boolean).join(' ') || undefined;

export function DataTable<R>({
  name,
  columns,
  rows,
  rowKey,
  rowProps,
  phone,
  search,
  sortParams,
  pager,
  downloads,
  caption,
  className,
  foot,
  tableProps,
}: DataTableProps<R>) {
  const hidden = (c: Column<R>) => phone !== undefined && !phone.includes(c.key);
  return (
    <>
      {downloads && downloads.length > 0 && (
        <p className="toolbar downloads">
          {downloads.map((d) => (
            <a key={d.href} className="button secondary" href={d.href} download={d.download || undefined}>
              {d.label}
            </a>
          ))}
        </p>
      )}
      <table data-table={name} className={className} {...tableProps}>
        {caption && <caption>{caption}</caption>}
        <thead>
          <tr>
            {columns.map((c) =>
              c.sortable && search !== undefined ? (
                <SortHeader
                  key={c.key}
                  column={c.key}
                  label={c.label}
                  search={search}
                  numeric={c.numeric}
                  help={c.help}
                  className={classes(hidden(c) && 'phone-hide')}
                  {...(sortParams ? { sortKey: sortParams.sort, dirKey: sortParams.dir } : {})}
                />
              ) : (
                <th
                  key={c.key}
                  scope="col"
                  className={classes(c.numeric && 'num', hidden(c) && 'phone-hide')}
                  title={c.help}
                >
                  {c.label}
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={rowKey(row, i)} {...rowProps?.(row, i)}>
              {columns.map((c) => {
                const { className: own, ...props } = c.cellProps?.(row) ?? {};
                const className = classes(c.numeric && 'num', own, hidden(c) && 'phone-hide');
                return c.rowHeader ? (
                  <th key={c.key} scope="row" className={className} {...props}>
                    {c.cell(row, i)}
                  </th>
                ) : (
                  <td key={c.key} className={className} {...props}>
                    {c.cell(row, i)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
        {foot && <tfoot>{foot}</tfoot>}
      </table>
      {pager && search !== undefined && <Pager search={search} {...pager} />}
    </>
  );
}
