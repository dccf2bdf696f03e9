import type { GoneRow } from '../../queries/pulls.ts';
import { count, dateTime } from '../shared/format.ts';
import type { PullView } from '../shared/pulls.ts';
import { DataTable } from './DataTable.tsx';

const n = (v: number | null) => (v === null ? '—' : count(v));

/** The Data page's pulled sources (npm run pull): one row per source and table or entity, then what is gone upstream. */
export function PullsTable({ pulls, gone }: { pulls: PullView[]; gone: GoneRow[] }) {
  if (pulls.length === 0)
    return (
      <p>
        No source is pulled. <code>npm run pull -- --config sources.yaml</code> pulls ServiceNow and Jira Service
        Management records on a schedule (docs/pull.md).
      </p>
    );
  return (
    <>
      <DataTable
        name="pulls"
        caption={<span className="sr-only">Each pulled source and table: the last pull, its counts, the next run</span>}
        columns={[
          { key: 'source', label: 'Source', cell: (p) => `${p.source} (${p.type})` },
          { key: 'target', label: 'Table or entity', cell: (p) => p.target },
          {
            key: 'last',
            label: 'Last pull',
            cell: (p) =>
              p.startedAt && !p.finishedAt ? `running since ${dateTime(p.startedAt)}` : dateTime(p.finishedAt),
          },
          { key: 'fetched', label: 'Fetched', numeric: true, cell: (p) => n(p.fetched) },
          { key: 'loaded', label: 'Loaded', numeric: true, cell: (p) => n(p.loaded) },
          { key: 'rejected', label: 'Rejected', numeric: true, cell: (p) => n(p.rejected) },
          { key: 'watermark', label: 'Watermark', cell: (p) => p.watermark ?? '—' },
          { key: 'next', label: 'Next run', cell: (p) => (p.nextRunAt ? dateTime(p.nextRunAt) : 'not scheduled') },
          { key: 'gone', label: 'Gone upstream', numeric: true, cell: (p) => count(p.gone) },
          {
            key: 'error',
            label: 'Last error',
            cell: (p) => p.error ?? '—',
            cellProps: (p) => ({ className: p.error ? 'failed' : '' }),
          },
        ]}
        rows={pulls}
        rowKey={(p) => `${p.source}-${p.target}`}
        phone={['source', 'target', 'last', 'error']}
      />
      {gone.length > 0 && (
        <>
          <p>
            Records a whole re-read (<code>--full</code>) did not find upstream any more: deleted there, or no longer
            matched by the table&apos;s query. They are kept and still counted; the first {gone.length}:
          </p>
          <DataTable
            name="gone"
            columns={[
              { key: 'source', label: 'Source', cell: (g) => g.source },
              { key: 'target', label: 'Table or entity', cell: (g) => g.target },
              { key: 'entity', label: 'Entity', cell: (g) => g.entity },
              { key: 'id', label: 'Id', cell: (g) => g.id },
              { key: 'noticed', label: 'Noticed', cell: (g) => dateTime(g.noticed_at) },
            ]}
            rows={gone}
            rowKey={(g) => `${g.source}-${g.target}-${g.id}`}
          />
        </>
      )}
    </>
  );
}
