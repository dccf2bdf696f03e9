/**
 * The retrospective report as one self-contained HTML document (styles
 * inline, charts as inline SVG, no script, no external request), from the
 * data app/server/reportData.server.ts gathers. Served by /report (the
 * "Download report" buttons), written by `npm run report`, attached to a
 * report digest. Long because it is one document: each section is a few
 * lines of JSX over the data, read top to bottom.
 */

import { renderToStaticMarkup } from 'react-dom/server';
import type { ReportData } from '../../server/reportData.server.ts';
import { count, dateTime, describeScope, formatP, pct } from '../../shared/format.ts';
import { reportQualityNotes } from '../../shared/quality.ts';
import { reportStyles } from '../../shared/reportStyles.ts';
import { definitions, showTileValue } from '../../shared/tiles.ts';
import type { PPoint } from '../../shared/trends.ts';
import { pareto, serviceWeekHeatmap, weekdayHourHeatmap } from '../charts/incidents.ts';
import { staticChart } from '../charts/static.server.ts';
import { pChartPlot } from '../charts/trends.ts';
import { DataTable } from '../DataTable.tsx';
import { GovernancePanel } from '../GovernancePanel.tsx';

/** The report as one HTML document. */
export function renderReport(data: ReportData): string {
  return `<!doctype html>\n${renderToStaticMarkup(<ReportDocument data={data} />)}\n`;
}

function Chart({ svg, title, alt }: { svg: string; title: string; alt: string }) {
  return (
    <figure>
      <figcaption>{title}</figcaption>
      {/* biome-ignore lint/security/noDangerouslySetInnerHtml: the chart builders' own SVG, serialised by jsdom (text from the data is escaped there), never markup taken from the data */}
      <div role="img" aria-label={alt} dangerouslySetInnerHTML={{ __html: svg }} />
    </figure>
  );
}

function ReportDocument({ data }: { data: ReportData }) {
  const p = data.params;
  const { headline, status } = data;
  const kpis = headline.report.kpis;
  const scope = describeScope(p);
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`Release report · ${p.from} to ${p.to}`}</title>
        <style>{reportStyles}</style>
      </head>
      <body>
        <header>
          <h1>Release report</h1>
          <p className="scope" data-scope="">
            {scope}
          </p>
          <p className="muted">
            Made {data.generatedAt.slice(0, 16).replace('T', ' ')} UTC by ReleaseLens; compared with{' '}
            {headline.previousPeriod.from} to {headline.previousPeriod.to}. {data.freshness.text}
            {data.freshness.surveysTo ? ` Survey responses to ${data.freshness.surveysTo}.` : ''}
          </p>
        </header>

        <section>
          <h2>Headline</h2>
          <p className="sentence">
            {kpis.completed === 0 ? `No ${p.unit} went live in this period.` : headline.summary}
          </p>
          <DataTable
            name="kpis"
            columns={[
              { key: 'kpi', label: 'KPI', cell: (t) => t.spec.label },
              {
                key: 'value',
                label: 'Value',
                numeric: true,
                cell: (t) => (t.notApplicable ? 'n/a' : showTileValue(t.spec, t.value)),
                cellProps: (t) => ({ 'data-kpi': t.spec.key, 'data-value': String(t.value ?? '') }),
              },
              { key: 'interval', label: '95% interval', cell: (t) => intervalText(t) },
              {
                key: 'previous',
                label: 'Previous period',
                numeric: true,
                cell: (t) => (t.notApplicable ? '—' : showTileValue(t.spec, t.previousValue)),
              },
              {
                key: 'target',
                label: 'Target',
                cell: (t) => (t.target ? `${t.target.text}: ${t.target.status}` : '—'),
              },
            ]}
            rows={headline.tiles}
            rowKey={(t) => t.spec.key}
          />
          <p>
            {count(kpis.completed)} completed {p.unit}s, {count(kpis.post_release_incidents)} attributed incidents,{' '}
            <span data-kpi="freeze_violations" data-value={kpis.freeze_violations}>
              {kpis.freeze_violations}
            </span>{' '}
            freeze violations, emergency rate {pct(kpis.emergency_rate?.value)}, unauthorised rate{' '}
            {pct(kpis.unauthorized_rate?.value)}.
          </p>
          <p data-links="">
            Incident links: {count(headline.links.links)}: {count(headline.links.explicit_links)} explicit,{' '}
            {count(headline.links.confirmed_reviews)} confirmed by a review, {count(headline.links.inferred_links)}{' '}
            inferred (same service or CI within {p.window} h); {count(headline.links.rejected_reviews)} rejected by a
            review.
          </p>
          <h3>Release governance</h3>
          <GovernancePanel kpis={kpis} unit={p.unit} asOf={headline.report.parameters.as_of} />
        </section>

        <section>
          <h2>Trends by {data.bucket}</h2>
          <p className="muted">
            p-charts: the line is the pooled rate of each phase, the band its 3-sigma limits for each {data.bucket}'s
            number of units. Red points are outside the limits, orange ones part of a run on one side of the line:
            signals; the rest is noise.
            {data.events.length > 0
              ? ` Events start new phases: ${data.events.map((e) => `${e.date} ${e.label}`).join('; ')}.`
              : ''}
          </p>
          <div className="grid">
            {data.trends.map((t) => (
              <Chart
                key={t.spark}
                title={t.label}
                alt={describeTrend(t.label, t.points)}
                svg={
                  t.points.length === 0
                    ? '<p class="muted">No data in this period.</p>'
                    : staticChart(pChartPlot, t.points, {
                        label: t.label,
                        width: 520,
                        events: data.events,
                        target: t.target,
                        freezes: data.freezes.map((f) => ({
                          from: f.starts_at,
                          to: f.ends_at,
                          label: f.name ?? 'freeze',
                        })),
                      })
                }
              />
            ))}
          </div>
        </section>

        <section>
          <h2>
            Failed and rolled-back {p.unit}s ({count(data.failed.total)})
          </h2>
          {data.failed.total > data.failed.listed.length && (
            <p className="muted">
              The first {data.failed.listed.length} by go-live; the releases table and its CSV download list all{' '}
              {count(data.failed.total)}.
            </p>
          )}
          {data.failed.listed.length === 0 && <p>None.</p>}
          {data.failed.listed.map(({ unit, sentence, incidents }) => (
            <article key={unit.unit_id} className="unit" data-unit={unit.unit_id}>
              <h3>
                {unit.unit_id}
                {unit.title ? ` · ${unit.title}` : ''}{' '}
                <span className="muted">
                  {unit.service ?? '—'}, live {dateTime(unit.end_at, p.tz)}
                  {unit.is_rolled_back ? ', rolled back' : ''}
                </span>
              </h3>
              <p>{sentence}</p>
              {incidents.length > 0 && (
                <DataTable
                  name="unit-incidents"
                  columns={[
                    { key: 'incident', label: 'Incident', cell: (i) => i.incident_id },
                    { key: 'rule', label: 'Rule', cell: (i) => i.rule },
                    { key: 'priority', label: 'Priority', numeric: true, cell: (i) => `P${i.priority}` },
                    {
                      key: 'opened',
                      label: 'Opened',
                      cell: (i) => dateTime(new Date(i.opened_ms).toISOString(), p.tz),
                    },
                    {
                      key: 'hours',
                      label: 'Hours after go-live',
                      numeric: true,
                      cell: (i) => i.hours_after_golive.toFixed(1),
                    },
                    { key: 'title', label: 'Title', cell: (i) => i.title ?? '' },
                  ]}
                  rows={incidents}
                  rowKey={(i) => i.incident_id}
                />
              )}
            </article>
          ))}
        </section>

        <section>
          <h2>Incident patterns</h2>
          <div className="grid">
            <Chart
              title="Change failure rate by weekday and hour of go-live"
              alt="Failed of completed units by the weekday and 3-hour band of go-live."
              svg={staticChart(weekdayHourHeatmap, data.cells, { width: 520 })}
            />
            <Chart
              title="Attributed incidents by service and week"
              alt="Attributed incidents by the service of the unit they are attributed to and the week they were opened."
              svg={
                data.charts.incidents === 0
                  ? '<p class="muted">No attributed incident.</p>'
                  : staticChart(serviceWeekHeatmap, data.charts.service_week, { width: 520 })
              }
            />
            <Chart
              title="Pareto of attributed incidents by configuration item"
              alt="Attributed incidents by the incident's CI, largest first, with the cumulative share."
              svg={
                data.charts.incidents === 0
                  ? '<p class="muted">No attributed incident.</p>'
                  : staticChart(pareto, data.charts.by_ci, { label: 'Configuration item', width: 520 })
              }
            />
          </div>
          <h3>Problems behind the go-lives</h3>
          {data.problems.length === 0 ? (
            <p>No attributed incident is linked to a problem record.</p>
          ) : (
            <DataTable
              name="problems"
              columns={[
                { key: 'problem', label: 'Problem', cell: (r) => r.problem_id },
                { key: 'incidents', label: 'Attributed incidents', numeric: true, cell: (r) => r.incidents },
                { key: 'failure_making', label: 'Failure-making', numeric: true, cell: (r) => r.failure_making },
                {
                  key: 'units',
                  label: `${capital(p.unit)}s feeding it`,
                  cell: (r) => r.top_units.map((u) => `${u.id} (${u.incidents})`).join(', '),
                },
                {
                  key: 'cis',
                  label: 'CIs',
                  cell: (r) => r.top_cis.map((c) => `${c.id} (${c.incidents})`).join(', ') || '—',
                },
              ]}
              rows={data.problems}
              rowKey={(r) => r.problem_id}
            />
          )}
          <h3>{capital(p.unit)}s with more incidents than chance explains</h3>
          {data.excess.length === 0 ? (
            <p>
              None: no {p.unit} of the period has significantly more incidents than its service's background rate, after
              false-discovery control over the period's {p.unit}s.
            </p>
          ) : (
            <DataTable
              name="excess"
              columns={[
                { key: 'unit', label: capital(p.unit), cell: (u) => u.unit_id },
                { key: 'service', label: 'Service', cell: (u) => u.service ?? '—' },
                { key: 'incidents', label: 'Incidents', numeric: true, cell: (u) => u.post_release_incidents },
                {
                  key: 'expected',
                  label: 'Expected',
                  numeric: true,
                  cell: (u) => u.expected_incidents?.toFixed(2) ?? '—',
                },
                {
                  key: 'p',
                  label: 'Poisson p',
                  cell: (u) => (u.excess_p_floored === null ? '—' : formatP(u.excess_p_floored)),
                },
                { key: 'q', label: 'q', numeric: true, cell: (u) => u.excess_q_value?.toPrecision(2) ?? '—' },
              ]}
              rows={data.excess}
              rowKey={(u) => u.unit_id}
            />
          )}
        </section>

        <section>
          <h2>Definitions and parameters</h2>
          <dl>
            {definitions(p).map((d) => (
              <div key={d.term}>
                <dt>{d.term}</dt>
                <dd>{d.text}</dd>
              </div>
            ))}
          </dl>
          <p>
            Window {p.window} hours; incidents of priority P1-P{p.severity} make a unit failed; schedule tolerance{' '}
            {p.tolerance} minutes; reporting time zone {p.tz}; as of {headline.report.parameters.as_of}.
          </p>
        </section>

        <section>
          <h2>Data quality</h2>
          <DataTable
            name="freshness"
            columns={[
              { key: 'entity', label: 'Records', cell: (c) => c.entity },
              { key: 'source', label: 'Source', cell: (c) => c.source },
              { key: 'count', label: 'Count', numeric: true, cell: (c) => count(c.records) },
              { key: 'newest', label: 'Newest', cell: (c) => (c.newest_at ? dateTime(c.newest_at, p.tz) : '—') },
            ]}
            rows={status.counts}
            rowKey={(c) => `${c.entity}/${c.source}`}
          />
          <ul>
            {reportQualityNotes(status).map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        </section>
      </body>
    </html>
  );
}

const capital = (s: string) => `${s[0]?.toUpperCase() ?? ''}${s.slice(1)}`;

function intervalText(t: ReportData['headline']['tiles'][number]): string {
  const c = t.current;
  if (t.notApplicable) return t.notApplicable;
  if (c && typeof c === 'object' && 'ci95_low' in c)
    return `${pct(c.ci95_low)}–${pct(c.ci95_high)} (${c.numerator} of ${c.denominator})`;
  if (c && typeof c === 'object' && 'p85' in c) return `p85 ${showTileValue(t.spec, c.p85)}, n = ${c.n}`;
  return '—';
}

function describeTrend(label: string, points: PPoint[]): string {
  const signals = points.filter((q) => q.signal || q.run).length;
  return `${label}: ${points.length} buckets, ${signals} of them signals (outside the limits or in a run).`;
}
