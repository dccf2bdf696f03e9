import { Link } from '@remix-run/react';
import { withParams } from '../shared/format.ts';

/** A column header that sorts through the URL (works without JavaScript). */
export function SortHeader({
  column,
  label,
  search,
  numeric,
  help,
  sortKey = 'sort',
  dirKey = 'dir',
  className,
}: {
  column: string;
  label: string;
  search: string;
  numeric?: boolean;
  /** What the column means, shown as the header's tooltip. */
  help?: string;
  sortKey?: string;
  dirKey?: string;
  className?: string;
}) {
  const params = new URLSearchParams(search);
  const active = params.get(sortKey) === column;
  const dir = active && params.get(dirKey) !== 'asc' ? 'asc' : 'desc';
  return (
    <th
      className={[numeric ? 'num' : '', className ?? ''].filter(Boolean).join(' ') || undefined}
      aria-sort={active ? (params.get(dirKey) === 'asc' ? 'ascending' : 'descending') : 'none'}
    >
      <Link
        to={withParams(search, { [sortKey]: column, [dirKey]: dir, page: null })}
        preventScrollReset
        title={help ? `${help} Click to sort.` : undefined}
      >
        {label}
        {active ? (params.get(dirKey) === 'asc' ? ' ▲' : ' ▼') : ''}
      </Link>
    </th>
  );
}

export function sortRows<T>(rows: T[], column: keyof T | undefined, dir: string | null): T[] {
  if (!column) return rows;
  const sign = dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = a[column];
    const y = b[column];
    if (x === y) return 0;
    if (x === null || x === undefined) return 1;
    if (y === null || y === undefined) return -1;
    return (x < y ? -1 : 1) * sign;
  });
}
