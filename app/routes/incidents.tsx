/**
 * The incident patterns page, for problem managers: which incidents followed
 * go-lives and by which rule, where they cluster (weekday and hour, service
 * and week, configuration item, category), the problems behind them, and the
 * records themselves with their filters. (Over 300 lines: a dozen figures and
 * one records table, each a few lines of JSX over one loader's answer.)
 */

import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useLocation } from '@remix-run/react';
import { useCallback, useMemo } from 'react';
import { readLinks } from '../../lib/links.ts';
import {
  getGoliveCells,
  getIncidentCounts,
  getIncidentPage,
  getProblems,
  type IncidentCharts,
  type IncidentCount,
} from '../../queries/incidents.ts';
import { type IncidentRecordFilter, parseIncidentFilter, recordParamOf } from '../../queries/recordFilter.ts';
import { RouteError } from '../root.tsx';
import { cachedLoader } from '../server/answers.server.ts';
import { badRequest } from '../server/filters.server.ts';
import { pageFilters } from '../server/page.server.ts';
import { count, dateTime, withParams } from '../shared/format.ts';
import { useAnswer } from '../shared/packed.ts';
import { definitions } from '../shared/tiles.ts';
import {
  goliveIncidentHeatmap,
  hoursHistogram,
  pareto,
  serviceWeekHeatmap,
  typeRiskBars,
  weekdayHourHeatmap,
} from '../views/charts/incidents.ts';
import { PlotFigure } from '../views/charts/PlotFigure.tsx';
import { DataTable } from '../views/DataTable.tsx';
import { Definitions } from '../views/Definitions.tsx';
import { FetchState, useJson } from '../views/Fetched.tsx';
import { FilterBar } from '../views/FilterBar.tsx';
import { ProblemTable } from '../views/ProblemTable.tsx';
import { ReviewButtons } from '../views/ReviewButtons.tsx';
import { SourceId, SourceLink } from '../views/SourceId.tsx';
import { useCanReview } from '../views/useCanReview.ts';
import { WindowSensitivity } from '../views/WindowSensitivity.tsx';

export const meta: MetaFunction = () => [{ title: 'Incident patterns · ReleaseLens' }];

const pageSize = 50;

async function load({ request }: LoaderFunctionArgs) {
  const filters = await pageFilters(request, ['priority', 'rule', 'page', ...recordParams]);
  const search = new URL(request.url).searchParams;
  const priority = search.get('priority') || 'all';
  const rule = search.get('rule') || 'all';
  const filter = parseIncidentFilter(search);
  if (Array.isArray(filter)) throw badRequest(filter);
  const { priority: _p, rule: _r, ...records } = filter as Required<typeof filter>;
  // (no period has a million pages: a larger number is read as the last page)
  const asked = Math.min(Math.max(0, Number.parseInt(search.get('page') ?? '0', 10) || 0), 1_000_000);
  const pageAt = (page: number) =>
    getIncidentPage(filters.params, filter, { limit: pageSize, offset: page * pageSize });
  // The page asked for is read beside the counts; only a page past the end is read again, as the last one.
  // the headline counts every attributed incident of the period (as the charts do); the table's own count its filters
  const recordFiltered = Object.values(records).some((v) => v !== null);
  const [counts, allCounts, cells, problems, askedRows] = await Promise.all([
    getIncidentCounts(filters.params, records),
    recordFiltered ? getIncidentCounts(filters.params) : null,
    getGoliveCells(filters.params),
    getProblems(filters.params),
    pageAt(asked),
  ]);
  const sumOf = (rows: IncidentCount[], keep: (c: IncidentCount) => boolean) =>
    rows.filter(keep).reduce((s, c) => s + c.incidents, 0);
  const sum = (keep: (c: IncidentCount) => boolean) => sumOf(counts, keep);
  const all = (keep: (c: IncidentCount) => boolean) => sumOf(allCounts ?? counts, keep);
  const matching = sum(
    (c) =>
      (filter.priority === null || c.priority === filter.priority) && (filter.rule === null || c.rule === filter.rule),
  );
  const pages = Math.max(1, Math.ceil(matching / pageSize));
  const page = Math.min(asked, pages - 1);
  const rows = page === asked ? askedRows : await pageAt(page);
  return {
    filters,
    priority,
    rule,
    records,
    // the table's totals (its record filters applied)
    total: sum(() => true),
    confirmed: sum((c) => c.rule === 'confirmed'),
    reviewed: sum((c) => c.rule === 'reviewed'),
    inWindow: sum((c) => c.is_in_window),
    // the period's, as the headline and the charts count them
    period: {
      total: all(() => true),
      confirmed: all((c) => c.rule === 'confirmed'),
      reviewed: all((c) => c.rule === 'reviewed'),
      inWindow: all((c) => c.is_in_window),
    },
    tableFiltered: recordFiltered || filter.priority !== null || filter.rule !== null,
    cells,
    problems,
    matching,
    page,
    pages,
    rows: rows.map(({ opened_ms, golive_ms, ...r }) => ({ ...r, opened_at: new Date(opened_ms).toISOString() })),
    links: readLinks(),
  };
}

const recordParams: string[] = Object.values(recordParamOf);
/**
 * The table's own filters. The charts and the window comparison describe every
 * attributed incident of the period, so their requests leave these out (their
 * APIs refuse them, and one answer serves every page and filter of the table).
 */
const tableOnly = Object.fromEntries(['priority', 'rule', 'page', ...recordParams].map((k) => [k, null]));

/** How a record filter set by a chart mark reads in its removable chip. */
function chipText(key: keyof IncidentRecordFilter, r: IncidentRecordFilter): string | null {
  const dayNames = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
  switch (key) {
    case 'week':
      return r.week && `opened in the week of ${r.week}`;
    case 'hoursFrom':
      return r.hoursFrom === null ? null : `at least ${r.hoursFrom} h after go-live`;
    case 'hoursTo':
      return r.hoursTo === null ? null : `less than ${r.hoursTo} h after go-live`;
    case 'risk':
      return r.risk && `unit risk ${r.risk}`;
    case 'weekday':
      return r.weekday === null ? null : `unit went live on a ${dayNames[r.weekday - 1]}`;
    case 'hourBand':
      return r.hourBand === null
        ? null
        : `unit went live ${String(r.hourBand).padStart(2, '0')}–${String(r.hourBand + 3).padStart(2, '0')}h`;
    default:
      return null;
  }
}
const chipKeys = ['week', 'hoursFrom', 'hoursTo', 'risk', 'weekday', 'hourBand'] as const;

export const loader = (args: LoaderFunctionArgs) => cachedLoader('incidents', args.request, () => load(args));
export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders;

const dayNames = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** Text alternative: the cell (with at least 10 go-lives) with the highest failure rate, against the overall rate. */
function describeCells(cells: { weekday: number; hour_band: number; completed: number; failed: number }[]) {
  const total = cells.reduce((s, c) => s + c.completed, 0);
  const failed = cells.reduce((s, c) => s + c.failed, 0);
  const worst = cells
    .filter((c) => c.completed >= 10)
    .sort((a, b) => b.failed / b.completed - a.failed / a.completed)[0];
  const overall = total ? `${((failed / total) * 100).toFixed(0)}% of ${total} go-lives failed overall` : 'no go-lives';
  return worst
    ? `${overall}; the worst slot with 10 or more go-lives is ${dayNames[worst.weekday - 1]} ${worst.hour_band}:00-${worst.hour_band + 3}:00 with ${worst.failed} of ${worst.completed} failed.`
    : `${overall}.`;
}

function Charts({ search, windowHours }: { search: string; windowHours: number }) {
  const { data: charts, error } = useJson<IncidentCharts>(`/api/incident-charts${withParams(search, tableOnly)}`);
  // a chart counts every attributed incident of the page's filters: a mark leads to its own, the table's other filters cleared
  const recordsOf = useCallback(
    (set: Record<string, string | null>) => `/incidents${withParams(search, { ...tableOnly, ...set })}#incidents`,
    [search],
  );
  // a Pareto bar leads to the incidents with its CI or category
  const paretoOptions = useMemo(() => {
    const byValue = (label: string, param: string) => ({
      label,
      barHref: (name: string) => recordsOf({ [param]: name }),
    });
    return {
      ci: byValue('Configuration item', recordParamOf.ci),
      category: byValue('Category', recordParamOf.category),
    };
  }, [recordsOf]);
  const histogramOptions = useMemo(
    () => ({
      windowHours,
      barHref: (from: number | null, to: number | null, rule: string) =>
        recordsOf({ hours_from: from === null ? null : String(from), hours_to: to === null ? null : String(to), rule }),
    }),
    [windowHours, recordsOf],
  );
  const markOptions = useMemo(
    () => ({
      serviceWeek: { cellHref: (service: string, week: string) => recordsOf({ service, week }) },
      golive: {
        cellHref: (weekday: number, band: number) => recordsOf({ weekday: String(weekday), hour_band: String(band) }),
      },
      typeRisk: { barHref: (type: string, risk: string) => recordsOf({ type, risk }) },
    }),
    [recordsOf],
  );
  return (
    <FetchState error={error} loading={charts === null} what="incident charts">
      {charts && (
        <div className="grid2">
          <PlotFigure
            build={serviceWeekHeatmap}
            data={charts.service_week}
            options={markOptions.serviceWeek}
            title="Attributed incidents by service and week"
            alt={`${charts.incidents} attributed incidents by the service of the unit they are attributed to and the week they were opened.`}
          />
          <PlotFigure
            build={hoursHistogram}
            data={charts.hours}
            options={histogramOptions}
            title="Hours from go-live to incident"
            alt={`Distribution of hours from go-live to incident; ${charts.after_window} incidents (all confirmed) came after the ${windowHours}-hour window.`}
          />
          <PlotFigure
            build={pareto}
            data={charts.by_ci}
            options={paretoOptions.ci}
            title="Pareto by configuration item"
            alt="Attributed incidents by the incident's CI, largest first, with the cumulative share."
          />
          <PlotFigure
            build={pareto}
            data={charts.by_category}
            options={paretoOptions.category}
            title="Pareto by category"
            alt="Attributed incidents by incident category, largest first, with the cumulative share."
          />
          <PlotFigure
            build={goliveIncidentHeatmap}
            data={charts.golive}
            options={markOptions.golive}
            title="Attributed incidents by weekday and hour of go-live"
            alt="Attributed incidents counted by the weekday and 3-hour band in which the unit they are attributed to went live."
          />
          <PlotFigure
            build={typeRiskBars}
            data={charts.type_risk}
            options={markOptions.typeRisk}
            title="By type and risk of the unit"
            alt="Attributed incidents by the release or change type, coloured by risk."
          />
        </div>
      )}
    </FetchState>
  );
}

export default function Incidents() {
  const d = useAnswer<typeof loader>();
  const { search, pathname } = useLocation();
  const canReview = useCanReview();
  const p = d.filters.params;
  // the form's hidden fields: every parameter it has no control of its own for (a repeated one as often as given)
  const keep = [...new URLSearchParams(search)].filter(
    ([k]) =>
      ![
        'priority',
        'rule',
        'page',
        ...(['service', 'ci', 'category', 'problem'] as const).map((f) => recordParamOf[f]),
      ].includes(k),
  );
  /** A table cell that filters the table to its value. */
  const filterLink = (field: keyof typeof recordParamOf, value: string | null) =>
    value ? (
      <Link
        to={withParams(search, { [recordParamOf[field]]: value, page: null })}
        title={`only incidents with this ${field}`}
      >
        {value}
      </Link>
    ) : (
      '—'
    );
  // a heatmap cell leads to the units that went live in its slot, with the page's filters
  const cellOptions = useMemo(
    () => ({
      cellHref: (weekday: number, hourBand: number) =>
        `/releases${withParams(search, { ...tableOnly, weekday: String(weekday), hour_band: String(hourBand) })}`,
    }),
    [search],
  );
  return (
    <>
      <h1>Incident patterns</h1>
      <p className="lede">
        {count(d.period.total)} incidents attributed to {p.unit}s that went live from {p.from} to {p.to}:{' '}
        {count(d.period.confirmed)} confirmed by an explicit link,{' '}
        {d.period.reviewed > 0 ? `${count(d.period.reviewed)} confirmed by a person's review, ` : ''}
        {count(d.period.total - d.period.confirmed - d.period.reviewed)} likely (same service or CI within {p.window}{' '}
        h); {count(d.period.inWindow)} opened inside the window. The charts count all of them
        {d.tableFiltered ? (
          <>
            ; the table below keeps the <a href="#incidents">{count(d.matching)} that match its filters</a>.
          </>
        ) : (
          '.'
        )}
      </p>
      <FilterBar state={d.filters.state} options={d.filters.options} />
      <Definitions items={definitions(p)} />
      <PlotFigure
        build={weekdayHourHeatmap}
        data={d.cells}
        options={cellOptions}
        title="Change failure rate by weekday and hour of go-live"
        alt={describeCells(d.cells)}
      />
      <Charts search={search} windowHours={p.window} />
      <h2>Why {p.window} hours? The window compared</h2>
      <WindowSensitivity search={withParams(search, tableOnly)} windowHours={p.window} />
      <h2>Problems behind the go-lives</h2>
      <ProblemTable rows={d.problems} search={search} unit={p.unit} tz={p.tz} links={d.links} />
      <h2 id="incidents">Attributed incidents</h2>
      <Form method="get" className="toolbar" aria-label="Filter the incidents">
        {keep.map(([k, v]) => (
          <input key={`${k}=${v}`} type="hidden" name={k} value={v} />
        ))}
        <label>
          Priority{' '}
          <select name="priority" defaultValue={d.priority}>
            {['all', '1', '2', '3', '4'].map((v) => (
              <option key={v} value={v}>
                {v === 'all' ? 'all' : `P${v}`}
              </option>
            ))}
          </select>
        </label>
        <label>
          Rule{' '}
          <select name="rule" defaultValue={d.rule}>
            {['all', 'confirmed', 'reviewed', 'likely'].map((v) => (
              <option key={v}>{v}</option>
            ))}
          </select>
        </label>
        {(['service', 'ci', 'category', 'problem'] as const).map((field) => (
          <label key={field}>
            {field === 'ci' ? 'CI' : field[0]?.toUpperCase() + field.slice(1)}{' '}
            <input type="text" name={recordParamOf[field]} defaultValue={d.records[field] ?? ''} size={12} />
          </label>
        ))}
        {chipKeys.map((key) => {
          const text = chipText(key, d.records);
          return text ? (
            <Link
              key={key}
              className="chip"
              to={`${withParams(search, { [recordParamOf[key]]: null, page: null })}#incidents`}
              aria-label={`Remove the filter: ${text}`}
              data-record-chip={recordParamOf[key]}
            >
              {text} ×
            </Link>
          ) : null;
        })}
        <button type="submit">Show</button>
        <span data-matching={d.matching}>{count(d.matching)} incidents</span>
        <a className="button secondary" href={`/download/incidents/csv${search}`}>
          CSV
        </a>
        <a className="button secondary" href={`/download/incidents/arrow${search}`}>
          Arrow
        </a>
        <a className="button secondary" href={`/download/incidents/parquet${search}`}>
          Parquet
        </a>
      </Form>
      <DataTable
        name="incidents"
        columns={[
          {
            key: 'incident',
            label: 'Incident',
            cell: (r) => <SourceId links={d.links} kind="incident" source={r.source} id={r.incident_id} />,
            cellProps: (r) => ({ title: r.title ?? '' }),
          },
          { key: 'rule', label: 'Rule', cell: (r) => <span className={`pill ${r.rule}`}>{r.rule}</span> },
          { key: 'priority', label: 'Priority', numeric: true, cell: (r) => `P${r.priority}` },
          { key: 'opened', label: 'Opened', cell: (r) => dateTime(r.opened_at, p.tz) },
          { key: 'hours', label: 'Hours after go-live', numeric: true, cell: (r) => r.hours_after_golive.toFixed(1) },
          {
            key: 'unit',
            label: p.unit,
            cell: (r) => (
              <Link
                to={`/releases/${encodeURIComponent(r.unit_id)}${withParams(search, { priority: null, rule: null, page: null })}`}
              >
                {r.unit_id}
              </Link>
            ),
          },
          { key: 'service', label: 'Incident service', cell: (r) => filterLink('service', r.incident_service || null) },
          { key: 'ci', label: 'CI', cell: (r) => filterLink('ci', r.incident_ci || null) },
          { key: 'category', label: 'Category', cell: (r) => filterLink('category', r.category) },
          {
            key: 'problem',
            label: 'Problem',
            cell: (r) => (
              <>
                {filterLink('problem', r.problem_id)}
                <SourceLink links={d.links} kind="problem" source={r.source} id={r.problem_id} />
              </>
            ),
          },
          ...(canReview
            ? [
                {
                  key: 'review',
                  label: 'Review',
                  cell: (r: (typeof d.rows)[number]) =>
                    r.rule === 'likely' ? (
                      <ReviewButtons
                        link={{ incident_id: r.incident_id, unit_kind: p.unit, unit_id: r.unit_id }}
                        back={`${pathname}${search}`}
                        label={`incident ${r.incident_id} to ${r.unit_id}`}
                      />
                    ) : (
                      <span className="hint">{r.rule === 'reviewed' ? 'reviewed' : 'explicit link'}</span>
                    ),
                },
              ]
            : []),
        ]}
        rows={d.rows}
        rowKey={(r) => r.incident_id}
        search={search}
        pager={{ page: d.page, pages: d.pages }}
        phone={['incident', 'rule', 'priority', 'unit', 'review']}
      />
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
