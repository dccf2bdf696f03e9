import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useSearchParams } from '@remix-run/react';
import { useMemo } from 'react';
import type { CalendarColumns } from '../../queries/analysis.ts';
import { RouteError } from '../root.tsx';
import { cachedLoader } from '../server/answers.server.ts';
import { overview } from '../server/overview.server.ts';
import { pageFilters } from '../server/page.server.ts';
import { count, withParams } from '../shared/format.ts';
import { useAnswer } from '../shared/packed.ts';
import { definitions } from '../shared/tiles.ts';
import { BreakdownTable } from '../views/BreakdownTable.tsx';
import { type CalendarWindow, calendarUnits, releaseCalendar } from '../views/charts/calendar.ts';
import { PlotFigure } from '../views/charts/PlotFigure.tsx';
import { Definitions } from '../views/Definitions.tsx';
import { EmptyPeriod } from '../views/EmptyPeriod.tsx';
import { FetchState, useJson } from '../views/Fetched.tsx';
import { FilterBar } from '../views/FilterBar.tsx';
import { GovernancePanel } from '../views/GovernancePanel.tsx';
import { KpiTile } from '../views/KpiTile.tsx';

export const meta: MetaFunction = () => [{ title: 'Overview · ReleaseLens' }];

async function load({ request }: LoaderFunctionArgs) {
  const filters = await pageFilters(request, ['sort', 'dir']);
  return { filters, ...(await overview(filters.params)) };
}

export const loader = (args: LoaderFunctionArgs) => cachedLoader('overview', args.request, () => load(args));
export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders;

export default function Overview() {
  const { filters, summary, report, tiles, breakdown, calendar, previousPeriod, links } = useAnswer<typeof loader>();
  const [search] = useSearchParams();
  const p = filters.params;
  // a sparkline month leads to the units that went live that month, with the page's filters
  const monthHref = (start: string) => {
    const d = new Date(`${start}T00:00:00Z`);
    const next = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
    return `/releases${withParams(`?${search.toString()}`, { preset: null, page: null, from: start, to: next })}`;
  };
  return (
    <>
      <h1>Overview</h1>
      <p className="lede">
        {count(report.kpis.completed)} completed {p.unit}s from {p.from} to {p.to} ({p.tz}); compared with{' '}
        {previousPeriod.from} to {previousPeriod.to}. Newest data: {filters.lastDataAt?.slice(0, 10) ?? 'none'}.
      </p>
      <FilterBar state={filters.state} options={filters.options} />
      <p className="no-print">
        <a className="button secondary" href={`/report?${search.toString()}`} data-report="">
          Download report
        </a>{' '}
        <span className="hint">
          one HTML file for a retrospective: these KPIs, trends, failed {p.unit}s and patterns
        </span>
      </p>
      <Definitions items={definitions(p)} />
      {report.kpis.completed === 0 ? (
        <EmptyPeriod filters={filters} />
      ) : (
        <p className="sentence" data-summary="">
          {summary}
        </p>
      )}
      <section className="tiles" aria-label="Key figures">
        {tiles.map((t) => (
          <KpiTile key={t.spec.key} t={t} monthHref={monthHref} />
        ))}
      </section>
      <p className="detail">
        Freeze violations: <strong data-kpi="freeze_violations">{report.kpis.freeze_violations}</strong> · emergency
        rate: {report.kpis.emergency_rate ? `${(report.kpis.emergency_rate.value * 100).toFixed(1)}%` : '—'} ·
        unauthorised rate:{' '}
        {report.kpis.unauthorized_rate
          ? `${(report.kpis.unauthorized_rate.value * 100).toFixed(1)}% of ${report.kpis.unauthorized_rate.denominator} with approval data`
          : report.unit === 'deployment' || report.kpis.completed === 0
            ? '—'
            : 'not applicable (no approval dates in the data)'}{' '}
        · post-release incidents: {report.kpis.post_release_incidents}
      </p>
      <p className="detail" data-links="">
        Incident links: {count(links.links)} — {count(links.explicit_links)} explicit,{' '}
        <span data-links-reviewed={links.confirmed_reviews}>
          {count(links.confirmed_reviews)} confirmed by a review
        </span>
        , {count(links.inferred_links)} inferred (same service or CI within {p.window} h);{' '}
        <span data-links-rejected={links.rejected_reviews}>{count(links.rejected_reviews)} rejected by a review</span>{' '}
        (each incident went to another {p.unit}, or to none).{' '}
        {links.inferred_links > 0 && <Link to={`/review?${search.toString()}`}>Review the inferred links</Link>}
      </p>
      <h2>Release governance</h2>
      <GovernancePanel kpis={report.kpis} unit={p.unit} asOf={report.parameters.as_of} />
      <h2>By service and team</h2>
      <p className="toolbar">
        Download: <a href={`/download/breakdown/csv?${search.toString()}`}>CSV</a>{' '}
        <a href={`/download/breakdown/arrow?${search.toString()}`}>Arrow</a>{' '}
        <a href={`/download/breakdown/parquet?${search.toString()}`}>Parquet</a>
      </p>
      <BreakdownTable rows={breakdown} search={search.toString()} />
      <h2>Release calendar</h2>
      <ReleaseCalendar
        search={search.toString()}
        from={p.from}
        to={p.to}
        windows={calendar.windows}
        alt={`${report.kpis.completed} go-lives; ${report.kpis.change_failure_rate?.numerator ?? 0} failed; ${report.kpis.freeze_violations} inside a freeze window; ${calendar.windows.length} freeze or maintenance windows.`}
      />
    </>
  );
}

/** The calendar's go-lives come from /api/calendar after the page loads: a quarter holds thousands. */
function ReleaseCalendar(props: { search: string; from: string; to: string; windows: CalendarWindow[]; alt: string }) {
  const { data, error } = useJson<CalendarColumns>(`/api/calendar?${props.search}`);
  const goLives = useMemo(() => (data ? calendarUnits(data) : []), [data]);
  const services = [...new Set(goLives.map((u) => u.service).filter((s): s is string => Boolean(s)))].sort();
  const collisions = goLives.filter((u) => u.collides_with).length;
  // a go-live's tick opens its unit, with the page's filters
  const options = useMemo(
    () => ({
      from: props.from,
      to: props.to,
      unitHref: (id: string) => `/releases/${encodeURIComponent(id)}?${props.search}`,
    }),
    [props.from, props.to, props.search],
  );
  return (
    <FetchState error={error} loading={data === null} what="go-lives">
      <PlotFigure
        build={releaseCalendar}
        data={{ units: goLives, windows: props.windows, services }}
        options={options}
        title={`Go-lives by service, ${props.from} to ${props.to}${data ? ` · ◆ ${collisions} of ${goLives.length} overlapped another go-live on a shared service or CI` : ''}`}
        alt={`${props.alt} ${collisions} go-lives overlapped another go-live's window on a shared service or CI.`}
      />
    </FetchState>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
