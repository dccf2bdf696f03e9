import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useLocation } from '@remix-run/react';
import type { KpiParams } from '../../queries/params.ts';
import { getUnits, getUnitsPage, type UnitRow } from '../../queries/units.ts';
import { RouteError } from '../root.tsx';
import { cachedLoader } from '../server/answers.server.ts';
import { pageFilters } from '../server/page.server.ts';
import { count, dateTime, formatP, hours, signedHours, withParams } from '../shared/format.ts';
import { useAnswer } from '../shared/packed.ts';
import { definitions, unitColumnDefinitions, unitColumnHelp } from '../shared/tiles.ts';
import {
  applyView,
  outcomeFilters,
  pageSize,
  parseView,
  type UnitColumn,
  type UnitsView,
  unitColumns,
  viewParams,
  weekdayNames,
} from '../shared/unitsView.ts';
import { type Column, DataTable } from '../views/DataTable.tsx';
import { Definitions } from '../views/Definitions.tsx';
import { EmptyPeriod } from '../views/EmptyPeriod.tsx';
import { FilterBar } from '../views/FilterBar.tsx';

export const meta: MetaFunction = () => [{ title: 'Releases · ReleaseLens' }];

async function load({ request }: LoaderFunctionArgs) {
  const filters = await pageFilters(request, viewParams);
  const view = parseView(new URL(request.url).searchParams);
  const { rows, total } = await viewPage(filters.params, view);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return { filters, view: { ...view, page: Math.min(view.page, pages - 1) }, total, pages, rows };
}

/**
 * The page of the view: in SQL (search, outcome, sort, paging), except for
 * the outcome 'excess', whose Poisson test runs on every row in units.ts.
 */
async function viewPage(params: KpiParams, view: UnitsView): Promise<{ rows: UnitRow[]; total: number }> {
  if (view.outcome === 'excess' && view.backlog) return { rows: [], total: 0 }; // the backlog has gone live nowhere
  if (view.outcome === 'excess') {
    const all = applyView(await getUnits(params), view, params.tz);
    const page = Math.min(view.page, Math.max(0, Math.ceil(all.length / pageSize) - 1));
    return { rows: all.slice(page * pageSize, (page + 1) * pageSize), total: all.length };
  }
  const query = {
    q: view.q,
    outcome: view.outcome,
    sort: view.sort,
    dir: view.dir,
    slot: view.slot,
    backlog: view.backlog,
  };
  const first = await getUnitsPage(params, query, { limit: pageSize, offset: view.page * pageSize });
  if (first.rows.length > 0 || view.page === 0) return first;
  // past the last page: the last page (the count came back with no rows, so ask for it)
  const { total } = await getUnitsPage(params, query, { limit: 1, offset: 0 });
  const last = Math.max(0, Math.ceil(total / pageSize) - 1);
  return getUnitsPage(params, query, { limit: pageSize, offset: last * pageSize });
}

export const loader = (args: LoaderFunctionArgs) => cachedLoader('releases', args.request, () => load(args));
export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders;

export default function Releases() {
  const { filters, view, total, pages, rows } = useAnswer<typeof loader>();
  const { search } = useLocation();
  const p = filters.params;
  const help: Record<string, string | undefined> = unitColumnHelp(p);
  const keep = Object.fromEntries(
    [...new URLSearchParams(search)].filter(([k]) => !['q', 'outcome', 'page'].includes(k)),
  );
  return (
    <>
      <h1>{p.unit === 'release' ? 'Releases' : p.unit === 'change' ? 'Changes' : 'Deployments'}</h1>
      <p className="lede">
        Every {p.unit} that went live from {p.from} to {p.to}, or was due then and did not go live. Incidents: confirmed
        = explicit link, likely = same service or CI within {p.window} h.
      </p>
      <FilterBar state={filters.state} options={filters.options} />
      <Definitions items={[...definitions(p), ...unitColumnDefinitions(p)]} />
      {view.slot && (
        <p className="notice" data-slot={`${view.slot.weekday}-${view.slot.hourBand}`}>
          Only {p.unit}s that went live on {weekdayNames[view.slot.weekday - 1]}{' '}
          {String(view.slot.hourBand).padStart(2, '0')}–{String(view.slot.hourBand + 3).padStart(2, '0')}h ({p.tz}), a
          cell of the incident patterns heatmap.{' '}
          <a href={withParams(search, { weekday: null, hour_band: null, page: null })}>Show every {p.unit}</a>
        </p>
      )}
      {view.backlog && (
        <p className="notice" data-backlog={`${view.backlog.at}${view.backlog.overdue ? ':overdue' : ''}`}>
          Only the {total} {p.unit}
          {total === 1 ? '' : 's'} in the backlog at the start of {view.backlog.at} ({p.tz})
          {view.backlog.overdue ? ', past their planned end' : ''}: requested, not live and not cancelled by then,
          whatever period they belong to. A point of the trends page's backlog chart.{' '}
          <a href={withParams(search, { backlog_at: null, backlog_overdue: null, page: null })}>
            Show the period's {p.unit}s
          </a>
        </p>
      )}
      <Form method="get" className="toolbar" aria-label="Search the table">
        {Object.entries(keep).map(([k, v]) => (
          <input key={k} type="hidden" name={k} value={v} />
        ))}
        <label>
          Search <input type="search" name="q" defaultValue={view.q} placeholder="id, title, service, team" />
        </label>
        <label>
          Outcome{' '}
          <select name="outcome" defaultValue={view.outcome}>
            {outcomeFilters.map((o) => (
              <option key={o} value={o}>
                {o.replace('_', ' ')}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Show</button>
        <span>
          {count(total)} {p.unit}s
        </span>
        <a className="button secondary" href={`/releases.csv${search}`} download>
          Download this view (CSV)
        </a>
        <a className="button secondary" href={`/download/units/arrow${search}`}>
          Arrow
        </a>
        <a className="button secondary" href={`/download/units/parquet${search}`}>
          Parquet
        </a>
      </Form>
      {total === 0 && (
        <EmptyPeriod
          filters={filters}
          what={view.q || view.outcome !== 'all' ? `${p.unit}s matching this view` : undefined}
        />
      )}
      <DataTable
        name="units"
        columns={unitTableColumns(p.tz, search, help)}
        rows={rows}
        rowKey={(r) => r.unit_id}
        phone={phoneColumns}
        search={search}
        pager={{ page: view.page, pages }}
      />
    </>
  );
}

/** What a release manager opens the list for on a phone: which, on what service, when, and how it went. */
const phoneColumns = ['unit_id', 'service', 'end_at', 'is_failed'];

/** The releases table's columns: unitColumns' labels (app/shared/unitsView.ts), each with its cell. */
function unitTableColumns(tz: string, search: string, help: Record<string, string | undefined>): Column<UnitRow>[] {
  const cells: Record<UnitColumn, Pick<Column<UnitRow>, 'cell' | 'cellProps'>> = {
    unit_id: {
      cell: (r, i) => (
        <Link to={`/releases/${encodeURIComponent(r.unit_id)}${search}`} id={i === 0 ? 'results' : undefined}>
          {r.unit_id}
        </Link>
      ),
    },
    title: { cell: (r) => r.title ?? '—' },
    unit_type: { cell: (r) => r.unit_type ?? '—' },
    service: { cell: (r) => r.service ?? '—' },
    team: { cell: (r) => r.team ?? '—' },
    record_status: { cell: (r) => r.record_status ?? '—' },
    planned_end: { cell: (r) => dateTime(r.planned_end, tz) },
    end_at: { cell: (r) => dateTime(r.end_at, tz) },
    slip_minutes: { cell: (r) => signedHours(r.slip_minutes) },
    duration_minutes: { cell: (r) => hours(r.duration_minutes === null ? null : r.duration_minutes / 60) },
    overrun_minutes: {
      cell: (r) => signedHours(r.overrun_minutes),
      cellProps: (r) => ({
        title: r.planned_minutes === null ? 'no planned window' : `planned ${hours(r.planned_minutes / 60)}`,
      }),
    },
    lead_time_hours: { cell: (r) => hours(r.lead_time_hours) },
    confirmed_incidents: { cell: (r) => r.confirmed_incidents },
    likely_incidents: { cell: (r) => r.likely_incidents },
    expected_incidents: {
      cell: (r) => (
        <>
          {r.expected_incidents === null ? '—' : r.expected_incidents.toFixed(2)}
          {r.is_excess_fdr ? ' ▲' : r.is_excess ? ' △' : ''}
          {r.too_little_history && r.expected_incidents !== null ? ' ⁺' : ''}
        </>
      ),
      cellProps: (r) => ({
        className: r.is_excess_fdr ? 'failed' : undefined,
        'data-excess': r.is_excess_fdr ? 'significant' : r.is_excess ? 'chance' : undefined,
        title: excessTitle(r),
      }),
    },
    is_failed: {
      cell: (r) =>
        !r.is_completed
          ? r.is_cancelled
            ? 'cancelled'
            : 'not live'
          : r.is_failed
            ? r.is_rolled_back
              ? 'rolled back'
              : 'failed'
            : 'no',
      cellProps: (r) => ({ className: r.is_failed ? 'failed' : 'ok' }),
    },
    policy_failed_checks: {
      cell: (r) => r.policy_failed_checks ?? '—',
      cellProps: () => ({ title: 'applicable release policy checks this unit fails (see its detail page)' }),
    },
  };
  return unitColumns.map((c) => ({
    key: c.key,
    label: c.label,
    numeric: 'numeric' in c,
    sortable: true,
    help: help[c.key],
    ...cells[c.key],
  }));
}

/** The Expected cell's explanation: what was seen, the test, and how far to trust it. */
function excessTitle(r: UnitRow): string {
  if (r.excess_p_value === null || r.excess_p_floored === null) return '';
  const parts = [
    `${r.post_release_incidents} in the window against ${r.expected_incidents?.toFixed(2)} expected: Poisson ${formatP(r.excess_p_value)}`,
  ];
  if (r.background_incidents === 0)
    parts.push(
      `no background incident in the 28 days before; with half an incident as the floor, ${formatP(r.excess_p_floored)}`,
    );
  if (r.too_little_history)
    parts.push('⁺ too little history: the data starts less than 28 days before, so the expectation is too low');
  else if (r.excess_q_value !== null)
    parts.push(
      `${r.is_excess_fdr ? '▲ more than chance explains' : r.is_excess ? '△ may be chance' : 'within chance'} among the period's units (false-discovery q = ${r.excess_q_value.toPrecision(2)})`,
    );
  return parts.join('\n');
}

export function ErrorBoundary() {
  return <RouteError />;
}
