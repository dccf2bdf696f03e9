import type { GoneRow } from '../../queries/pulls.ts';
import { count, dateTime } from '../shared/format.ts';
import type { PullView } from '../shared/pulls.ts';

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
      <table data-table="pulls">
        <caption className="sr-only">Each pulled source and table: the last pull, its counts, the next run</caption>
        <thead>
          <tr>
            <th>Source</th>
            <th>Table or entity</th>
            <th>Last pull</th>
            <th className="num">Fetched</th>
            <th className="num">Loaded</th>
            <th className="num">Rejected</th>
            <th>Watermark</th>
            <th>Next run</th>
            <th className="num">Gone upstream</th>
            <th>Last error</th>
          </tr>
        </thead>
        <tbody>
          {pulls.map((p) => (
            <tr key={`${p.source}-${p.target}`}>
              <td>{`${p.source} (${p.type})`}</td>
              <td>{p.target}</td>
              <td>
                {p.startedAt && !p.finishedAt ? `running since ${dateTime(p.startedAt)}` : dateTime(p.finishedAt)}
              </td>
              <td className="num">{n(p.fetched)}</td>
              <td className="num">{n(p.loaded)}</td>
              <td className="num">{n(p.rejected)}</td>
              <td>{p.watermark ?? '—'}</td>
              <td>{p.nextRunAt ? dateTime(p.nextRunAt) : 'not scheduled'}</td>
              <td className="num">{count(p.gone)}</td>
              <td className={p.error ? 'failed' : ''}>{p.error ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {gone.length > 0 && (
        <>
          <p>
            Records a whole re-read (<code>--full</code>) did not find upstream any more: deleted there, or no longer
            matched by the table&apos;s query. They are kept and still counted; the first {gone.length}:
          </p>
          <table data-table="gone">
            <thead>
              <tr>
                <th>Source</th>
                <th>Table or entity</th>
                <th>Entity</th>
                <th>Id</th>
                <th>Noticed</th>
              </tr>
            </thead>
            <tbody>
              {gone.map((g) => (
                <tr key={`${g.source}-${g.target}-${g.id}`}>
                  <td>{g.source}</td>
                  <td>{g.target}</td>
                  <td>{g.entity}</td>
                  <td>{g.id}</td>
                  <td>{dateTime(g.noticed_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}
