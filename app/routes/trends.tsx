import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, useLocation } from '@remix-run/react';
import { readTargets, targetFor } from '../../lib/targets.ts';
import { getBacklogSeries, getBuckets, getFreezes } from '../../queries/analysis.ts';
import { getKpis } from '../../queries/kpis.ts';
import { differenceInterval, type Rate } from '../../queries/stats.ts';
import { RouteError } from '../root.tsx';
import { cachedLoader } from '../server/answers.server.ts';
import { badRequest } from '../server/filters.server.ts';
import { pageFilters } from '../server/page.server.ts';
import { dateField } from '../shared/dateField.ts';
import { pct, withParams } from '../shared/format.ts';
import { useAnswer } from '../shared/packed.ts';
import { series } from '../shared/series.ts';
import { definitions } from '../shared/tiles.ts';
import { MAX_EVENTS, type PPoint, parseEvents, pChart, RUN_LENGTH, trendMetrics } from '../shared/trends.ts';
import { ComparisonTable } from '../views/ComparisonTable.tsx';
import { PlotFigure } from '../views/charts/PlotFigure.tsx';
import { backlogPlot, pChartPlot, segmentsPlot } from '../views/charts/trends.ts';
import { Definitions } from '../views/Definitions.tsx';
import { EmptyPeriod } from '../views/EmptyPeriod.tsx';
import { FilterBar } from '../views/FilterBar.tsx';

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

/** A p-chart over fewer points than this says little about a process: the page says so. */
export const MIN_CHART_POINTS = 20;

async function load({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  // Trends need a long view: without a period in the URL, the last 12 months (52 weekly points), not a quarter.
  if (!url.searchParams.has('preset') && !url.searchParams.has('from') && !url.searchParams.has('to'))
    url.searchParams.set('preset', '12m');
  const filters = await pageFilters(new Request(url), ['bucket', 'split', 'event']);
  const search = url.searchParams;
  const p = filters.params;
  const days = (Date.parse(p.to) - Date.parse(p.from)) / 86_400_000;
  // weekly unless the period is over three years (then monthly still gives 36 points)
  const bucket = search.get('bucket') ?? (days > 3 * 366 ? 'month' : 'week');
  if (bucket !== 'week' && bucket !== 'month') throw badRequest([`bucket: '${bucket}' is not one of week, month`]);
  // An explicit compare date starts a new phase on the charts; the default (the midpoint) only splits the table.
  // One outside a newly chosen period is set aside (and said so), so a filter change never ends in an error.
  const notes: string[] = [];
  const asked = search.get('split') || null;
  if (asked !== null && (!/^\d{4}-\d{2}-\d{2}$/.test(asked) || Number.isNaN(Date.parse(asked))))
    throw badRequest([`split: '${asked}' must be a date (YYYY-MM-DD)`]);
  const chosenSplit = asked !== null && asked > p.from && asked < p.to ? asked : null;
  if (asked !== null && chosenSplit === null)
    notes.push(`The compare date ${asked} is outside ${p.from} to ${p.to}: not used.`);
  const split = chosenSplit ?? midpoint(p.from, p.to);
  const { events, problems, outside } = parseEvents(search.getAll('event'), p.from, p.to);
  if (problems.length > 0) throw badRequest(problems);
  if (outside.length > 0)
    notes.push(`Outside ${p.from} to ${p.to}, not marked: ${outside.map((e) => `${e.date} (${e.label})`).join(', ')}.`);
  const [rows, backlog, before, after, freezeRows] = await Promise.all([
    getBuckets(p, bucket),
    getBacklogSeries(p, bucket),
    getKpis({ ...p, to: split }),
    getKpis({ ...p, from: split }),
    getFreezes(p),
  ]);
  const boundaries = [...(chosenSplit ? [chosenSplit] : []), ...events.map((e) => e.date)];
  const targets = readTargets();
  const charts = trendMetrics.map((m) => ({
    ...m,
    points: pChart(rows, m.spark, bucket, 'all', boundaries),
    target: m.kpi ? (targetFor(targets, m.kpi, p)?.target ?? null) : null,
  }));
  const marks = {
    split: chosenSplit,
    events,
    freezes: freezeRows
      .filter((f) => f.kind === 'freeze' && (p.service.length === 0 || !f.service || p.service.includes(f.service)))
      .map((f) => ({
        from: String(f.starts_at),
        to: String(f.ends_at),
        label: `${f.name ?? 'freeze'}${f.service ? ` (${f.service})` : ''}`,
      })),
  };
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
  const points = Math.max(0, ...charts.map((c) => c.points.length));
  if (points > 0 && points < MIN_CHART_POINTS)
    notes.push(
      `Only ${points} ${bucket}${points === 1 ? '' : 's'} with units: limits over fewer than ${MIN_CHART_POINTS} points say little about the process. Choose a longer period${bucket === 'month' ? ' or weekly buckets' : ''}.`,
    );
  // carried along by the filter bar, so a filter change keeps the compare date, the events and the bucket
  const carry = {
    bucket,
    ...(chosenSplit ? { split: chosenSplit } : {}),
    event: [...events, ...outside].map((e) => `${e.date}:${e.label}`),
  };
  return { filters, bucket, split, chosenSplit, events, marks, charts, segments, comparison, backlog, notes, carry };
}

export const loader = (args: LoaderFunctionArgs) => cachedLoader('trends', args.request, () => load(args));
export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders;

export default function Trends() {
  const { filters, bucket, split, chosenSplit, events, marks, charts, segments, comparison, backlog, notes, carry } =
    useAnswer<typeof loader>();
  const { search } = useLocation();
  const p = filters.params;
  const keep = [...new URLSearchParams(search)].filter(([k]) => !['bucket', 'split', 'event'].includes(k));
  // a point leads to the units of its bucket (within the period), with the page's filters
  const unitsOf = (start: string, types?: string[]) => {
    const d = new Date(`${start}T00:00:00Z`);
    const next =
      bucket === 'week'
        ? new Date(d.getTime() + 7 * 86_400_000)
        : new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
    const day = (x: Date) => x.toISOString().slice(0, 10);
    // ISO dates order as strings: the later start and the earlier end
    const [from, to] = [[start, p.from].sort()[1] as string, [day(next), p.to].sort()[0] as string];
    return `/releases${withParams(search, { bucket: null, split: null, event: null, preset: null, from, to, ...(types ? { type: types } : {}) })}`;
  };
  // a backlog point leads to the units in the backlog then (overdue: those past their planned end)
  const backlogUnits = (end: string, series: string) =>
    `/releases${withParams(search, {
      bucket: null,
      split: null,
      event: null,
      backlog_at: end,
      backlog_overdue: series === 'overdue' ? '1' : null,
    })}`;
  // planned: every type but emergency (of those the filter allows)
  const chosenTypes = p.type.length > 0 ? p.type : filters.options.types;
  const segmentUnits = (start: string, segment: string) =>
    unitsOf(start, segment === 'emergency' ? ['emergency'] : chosenTypes.filter((t) => t !== 'emergency'));
  return (
    <>
      <h1>Trends</h1>
      <p className="lede">
        Each {p.unit} rate by {bucket} as a p-chart: the line is the pooled rate, the band its 3-sigma limits for each{' '}
        {bucket}'s number of units. Points outside the band (red) are signals, and so are runs of {bucket}s on one side
        of the line that chance would produce no more often than {RUN_LENGTH} coin tosses landing alike (orange: a
        sustained shift too small for the limits; small {bucket}s of rare events need longer runs); the rest is noise.{' '}
        {chosenSplit || events.length > 0
          ? 'The compare date and each event start a new phase, with its own pooled rate and limits.'
          : 'Set a compare date or add an event (a new CAB process, a freeze) to judge each phase against its own level.'}
      </p>
      <FilterBar state={filters.state} options={filters.options} extra={carry} />
      {notes.map((n) => (
        <p key={n} className="notice" data-trend-note="">
          {n}
        </p>
      ))}
      <p className="no-print">
        <a className="button secondary" href={`/report${search}`} data-report="">
          Download report
        </a>{' '}
        <span className="hint">with these events and this bucket</span>
      </p>
      <Definitions items={definitions(p)} />
      {charts.every((c) => c.points.length === 0) && <EmptyPeriod filters={filters} />}
      <Form method="get" className="toolbar" aria-label="Trend options">
        {keep.map(([k, v], i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the URL's own order; a key may repeat (event=), and the list is rebuilt per URL
          <input key={`${k}-${i}`} type="hidden" name={k} value={v} />
        ))}
        <label>
          Bucket{' '}
          <select name="bucket" defaultValue={bucket}>
            <option value="week">week</option>
            <option value="month">month</option>
          </select>
        </label>
        <label>
          Compare before / after <input {...dateField} name="split" defaultValue={split} />
        </label>
        {events.map((e) => (
          <input key={`${e.date}:${e.label}`} type="hidden" name="event" value={`${e.date}:${e.label}`} />
        ))}
        {events.length < MAX_EVENTS && (
          <label>
            Add an event{' '}
            <input
              type="text"
              name="event"
              placeholder="2025-03-01:New CAB process"
              pattern="\d{4}-\d{2}-\d{2}:.{1,80}"
              title="A date and a label: YYYY-MM-DD:label"
              size={28}
            />
          </label>
        )}
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
            options={{ label: c.label, ...marks, target: c.target, pointHref: unitsOf }}
            title={`${c.label} by ${bucket}`}
            alt={pChartSummary(c.label, c.points, bucket)}
          />
        ))}
        <PlotFigure
          build={segmentsPlot}
          data={segments}
          options={{ label: 'Change failure rate', pointHref: segmentUnits }}
          title={`Planned vs emergency: change failure rate by ${bucket}`}
          alt={`Change failure rate of planned and emergency ${p.unit}s by ${bucket}.`}
        />
        {backlog.length > 0 && (
          <PlotFigure
            build={backlogPlot}
            data={backlog}
            options={{ label: `${p.unit}s`, pointHref: backlogUnits }}
            title={`Backlog at the end of each ${bucket}`}
            alt={`Backlog of ${p.unit}s requested and not yet live or cancelled: ${backlog[0]?.backlog} at ${backlog[0]?.bucket_end}, ${backlog.at(-1)?.backlog} at ${backlog.at(-1)?.bucket_end} (${backlog.at(-1)?.overdue} overdue).`}
          />
        )}
      </div>
      <h2>Before and after {split}</h2>
      <ComparisonTable rows={comparison} from={p.from} split={split} to={p.to} />
    </>
  );
}

/** What a p-chart shows, in words (its accessible name and the text under it). */
function pChartSummary(label: string, points: PPoint[], bucket: string): string {
  const phases = [...new Set(points.map((x) => x.phase))].map((phase) => {
    const inPhase = points.filter((x) => x.phase === phase);
    return `${pct(inPhase[0]?.centre)} from ${inPhase[0]?.bucket_start}`;
  });
  const outside = points.filter((x) => x.signal);
  const runs = points.filter((x) => x.run);
  return `${label}: pooled ${phases.join(', then ')}; ${outside.length} of ${points.length} ${bucket}s outside the 3-sigma limits${outside
    .map((x) => ` (${x.bucket_start}: ${pct(x.rate)}, ${x.signal})`)
    .join(
      '',
    )}; ${runs.length > 0 ? `${runs.length} ${bucket}s in runs on one side of the line (a sustained shift), from ${runs[0]?.bucket_start}` : 'no sustained shift'}.`;
}

export function ErrorBoundary() {
  return <RouteError />;
}
