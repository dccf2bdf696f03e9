import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, useLocation } from '@remix-run/react';
import { getBacklogSeries, getBuckets } from '../../queries/analysis.ts';
import { getKpis } from '../../queries/kpis.ts';
import { differenceInterval, type Rate } from '../../queries/stats.ts';
import { PlotFigure } from '../components/charts/PlotFigure.tsx';
import { backlogPlot, pChartPlot, segmentsPlot } from '../components/charts/trends.ts';
import { Definitions } from '../components/Definitions.tsx';
import { FilterBar } from '../components/FilterBar.tsx';
import { cachedLoader } from '../lib/answers.server.ts';
import { badRequest } from '../lib/filters.server.ts';
import { pct } from '../lib/format.ts';
import { useAnswer } from '../lib/packed.ts';
import { pageFilters } from '../lib/page.server.ts';
import { series } from '../lib/series.ts';
import { definitions } from '../lib/tiles.ts';
import { pChart, trendMetrics } from '../lib/trends.ts';
import { RouteError } from '../root.tsx';

export const meta: MetaFunction = () => [{ title: 'Trends · ReleaseLens' }];

const compared = [
  { key: 'change_failure_rate', label: 'Change failure rate' },
  { key: 'rollback_rate', label: 'Rollback rate' },
  { key: 'post_release_incident_rate', label: 'Post-release incident rate' },
  { key: 'schedule_adherence', label: 'Schedule adherence' },
  { key: 'success_rate', label: 'Success rate' },
] as const;

function midpoint(from: string, to: string) {
  const a = Date.parse(`${from}T00:00:00Z`);
  const b = Date.parse(`${to}T00:00:00Z`);
  return new Date(a + Math.floor((b - a) / 86_400_000 / 2) * 86_400_000).toISOString().slice(0, 10);
}

async function load({ request }: LoaderFunctionArgs) {
  const filters = await pageFilters(request, ['bucket', 'split']);
  const search = new URL(request.url).searchParams;
  const p = filters.params;
  const bucket = search.get('bucket') ?? 'month';
  if (bucket !== 'week' && bucket !== 'month') throw badRequest([`bucket: '${bucket}' is not one of week, month`]);
  const split = search.get('split') || midpoint(p.from, p.to);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(split) || Number.isNaN(Date.parse(split)) || split <= p.from || split >= p.to) {
    throw badRequest([`split: '${split}' must be a date (YYYY-MM-DD) after ${p.from} and before ${p.to}`]);
  }
  const [rows, backlog, before, after] = await Promise.all([
    getBuckets(p, bucket),
    getBacklogSeries(p, bucket),
    getKpis({ ...p, to: split }),
    getKpis({ ...p, from: split }),
  ]);
  const charts = trendMetrics.map((m) => ({ ...m, points: pChart(rows, m.spark, bucket) }));
  const segments = (['planned', 'emergency'] as const).flatMap((segment) =>
    series(rows, 'failure', bucket, segment).map((s) => ({ bucket_start: s.bucket_start, segment, rate: s.value })),
  );
  const comparison = compared.map(({ key, label }) => {
    const b = before.kpis[key] as Rate | null;
    const a = after.kpis[key] as Rate | null;
    const diff =
      b && a ? differenceInterval({ k: b.numerator, n: b.denominator }, { k: a.numerator, n: a.denominator }) : null;
    return { key, label, before: b, after: a, diff };
  });
  return { filters, bucket, split, charts, segments, comparison, backlog };
}

export const loader = (args: LoaderFunctionArgs) => cachedLoader('trends', args.request, () => load(args));
export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders;

export default function Trends() {
  const { filters, bucket, split, charts, segments, comparison, backlog } = useAnswer<typeof loader>();
  const { search } = useLocation();
  const p = filters.params;
  const keep = Object.fromEntries([...new URLSearchParams(search)].filter(([k]) => !['bucket', 'split'].includes(k)));
  return (
    <>
      <h1>Trends</h1>
      <p className="lede">
        Each {p.unit} rate by {bucket} as a p-chart: the line is the pooled rate over the period, the band its 3-sigma
        limits for each {bucket}'s number of units. Points outside the band (red) are signals; the rest is noise.
      </p>
      <FilterBar state={filters.state} options={filters.options} extra={{ bucket }} />
      <Definitions items={definitions(p)} />
      <Form method="get" className="toolbar" aria-label="Trend options">
        {Object.entries(keep).map(([k, v]) => (
          <input key={k} type="hidden" name={k} value={v} />
        ))}
        <label>
          Bucket{' '}
          <select name="bucket" defaultValue={bucket}>
            <option value="week">week</option>
            <option value="month">month</option>
          </select>
        </label>
        <label>
          Compare before / after <input type="date" name="split" defaultValue={split} />
        </label>
        <button type="submit">Show</button>
        <span>
          Buckets as <a href={`/download/buckets/csv${search}`}>CSV</a>{' '}
          <a href={`/download/buckets/arrow${search}`}>Arrow</a>{' '}
          <a href={`/download/buckets/parquet${search}`}>Parquet</a>
        </span>
      </Form>
      <div className="grid2">
        {charts.map((c) => (
          <PlotFigure
            key={c.spark}
            build={pChartPlot}
            data={c.points}
            options={{ label: c.label }}
            title={`${c.label} by ${bucket}`}
            alt={`${c.label}: pooled ${pct(c.points[0]?.centre)}; ${c.points.filter((x) => x.signal).length} of ${c.points.length} ${bucket}s outside the 3-sigma limits${c.points
              .filter((x) => x.signal)
              .map((x) => ` (${x.bucket_start}: ${pct(x.rate)}, ${x.signal})`)
              .join('')}.`}
          />
        ))}
        <PlotFigure
          build={segmentsPlot}
          data={segments}
          options={{ label: 'Change failure rate' }}
          title={`Planned vs emergency: change failure rate by ${bucket}`}
          alt={`Change failure rate of planned and emergency ${p.unit}s by ${bucket}.`}
        />
        {backlog.length > 0 && (
          <PlotFigure
            build={backlogPlot}
            data={backlog}
            options={{ label: `${p.unit}s` }}
            title={`Backlog at the end of each ${bucket}`}
            alt={`Backlog of ${p.unit}s requested and not yet live or cancelled: ${backlog[0]?.backlog} at ${backlog[0]?.bucket_end}, ${backlog.at(-1)?.backlog} at ${backlog.at(-1)?.bucket_end} (${backlog.at(-1)?.overdue} overdue).`}
          />
        )}
      </div>
      <h2>Before and after {split}</h2>
      <table data-table="comparison">
        <thead>
          <tr>
            <th>KPI</th>
            <th className="num">
              {p.from} – {split}
            </th>
            <th className="num">
              {split} – {p.to}
            </th>
            <th className="num">Difference</th>
            <th className="num">95% interval of the difference</th>
            <th>Reading</th>
          </tr>
        </thead>
        <tbody>
          {comparison.map((c) => (
            <tr key={c.key}>
              <td>{c.label}</td>
              <td className="num">
                {c.before ? `${pct(c.before.value)} (${c.before.numerator}/${c.before.denominator})` : '—'}
              </td>
              <td className="num">
                {c.after ? `${pct(c.after.value)} (${c.after.numerator}/${c.after.denominator})` : '—'}
              </td>
              <td className="num">
                {c.diff ? `${c.diff.difference >= 0 ? '+' : ''}${(c.diff.difference * 100).toFixed(1)} pts` : '—'}
              </td>
              <td className="num">
                {c.diff ? `${(c.diff.low * 100).toFixed(1)} to ${(c.diff.high * 100).toFixed(1)} pts` : '—'}
              </td>
              <td>
                {!c.diff ? 'not enough units' : c.diff.low > 0 || c.diff.high < 0 ? 'a real change' : 'could be noise'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
