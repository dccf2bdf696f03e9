import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLocation } from '@remix-run/react';
import { readLinks } from '../../lib/links.ts';
import { getUnitDetail } from '../../queries/detail.ts';
import { RouteError } from '../root.tsx';
import { cachedLoader } from '../server/answers.server.ts';
import { pageFilters } from '../server/page.server.ts';
import { dateTime, hours, signedHours } from '../shared/format.ts';
import { type AnswerOf, type Packed, unpack, useAnswer } from '../shared/packed.ts';
import { policySentence } from '../shared/policy.ts';
import { viewParams } from '../shared/unitsView.ts';
import { excessSentence, verdict } from '../shared/verdict.ts';
import { PlotFigure } from '../views/charts/PlotFigure.tsx';
import { releaseTimeline } from '../views/charts/timeline.ts';
import { DataTable } from '../views/DataTable.tsx';
import { ReviewButtons } from '../views/ReviewButtons.tsx';
import { SourceId, SourceLink } from '../views/SourceId.tsx';
import { useCanReview } from '../views/useCanReview.ts';

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data ? unpack(data as Packed<AnswerOf<typeof loader>>).detail.unit.unit_id : 'Unit'} · ReleaseLens` },
];

async function load({ request, params }: LoaderFunctionArgs) {
  const filters = await pageFilters(request, viewParams);
  const id = params.id ?? '';
  const detail = await getUnitDetail(filters.params, id);
  if (!detail) {
    throw new Response(
      `There is no ${filters.params.unit} with id '${id}'. Check the id, or choose another delivery unit (?unit=release|change|deployment).`,
      {
        status: 404,
      },
    );
  }
  const u = detail.unit;
  const windowEnd = u.end_at
    ? new Date(new Date(u.end_at).getTime() + filters.params.window * 3_600_000).toISOString()
    : null;
  return {
    params: filters.params,
    detail,
    sentence: verdict(detail, filters.params),
    excess: excessSentence(detail, filters.params),
    policy: policySentence(detail.unit, filters.params.unit),
    windowEnd,
    links: readLinks(),
  };
}

/** The id of an incident's row in this page's table, and the link a timeline dot takes to it. */
const incidentRowId = (id: string) => `incident-${id}`;
const incidentAnchor = (id: string) => `#${encodeURIComponent(incidentRowId(id))}`;
const deploymentRowId = (id: string) => `deployment-${id}`;
const deploymentAnchor = (id: string) => `#${encodeURIComponent(deploymentRowId(id))}`;

export const loader = (args: LoaderFunctionArgs) =>
  cachedLoader(`releases/${args.params.id}`, args.request, () => load(args));
export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders;

export default function ReleaseDetail() {
  const { params: p, detail, sentence, excess, policy, windowEnd, links } = useAnswer<typeof loader>();
  const { search, pathname } = useLocation();
  const canReview = useCanReview();
  const back = `${pathname}${search}`;
  const u = detail.unit;
  const changes = detail.records.filter((r) => r.record === 'change');
  const deployments = detail.records.filter((r) => r.record === 'deployment');
  const attributed = detail.incidents.filter(
    (i) => i.attribution === 'confirmed' || i.attribution === 'reviewed' || i.attribution === 'likely',
  );
  return (
    <>
      <p className="no-print">
        <Link to={`/releases${search}`}>← All {p.unit}s</Link>
      </p>
      <h1>
        {u.unit_id} {u.title ? `· ${u.title}` : ''}
        <SourceLink links={links} kind={p.unit} source={detail.source} id={u.unit_id} />
      </h1>
      <p className="lede">
        {u.unit_type ?? '—'} {p.unit} of {u.service ?? '—'} ({u.team ?? 'no team'}), status {u.record_status ?? '—'}
        {'; '}planned {dateTime(u.planned_start, p.tz)} – {dateTime(u.planned_end, p.tz)}, went live{' '}
        {dateTime(u.start_at, p.tz)} – {dateTime(u.end_at, p.tz)} ({p.tz}). Lead time {hours(u.lead_time_hours)}
        {u.slip_minutes !== null ? `, ${u.slip_minutes > 0 ? `${hours(u.slip_minutes / 60)} late` : 'on time'}` : ''}
        {u.is_freeze_violation ? ', inside a freeze window' : ''}
        {u.collides_with ? (
          <>
            , overlapping{' '}
            <Link to={`/releases/${encodeURIComponent(u.collides_with)}${search}`}>{u.collides_with}</Link> on{' '}
            {u.collides_on}
          </>
        ) : (
          ''
        )}
        {u.duration_minutes !== null ? `. The deployment window took ${hours(u.duration_minutes / 60)}` : ''}
        {u.overrun_minutes !== null && u.planned_minutes !== null
          ? ` against ${hours(u.planned_minutes / 60)} planned (${u.overrun_minutes > 0 ? `${signedHours(u.overrun_minutes)} over` : 'within plan'})`
          : ''}
        .
      </p>
      <p className="sentence" data-verdict={u.is_failed ? 'failed' : 'successful'}>
        {sentence}
      </p>
      {policy && (
        <p className="detail" data-policy="sentence">
          {policy}
        </p>
      )}
      {excess && (
        <p className="detail" data-excess={detail.unit.is_excess ? 'yes' : 'no'}>
          {excess}
        </p>
      )}
      <PlotFigure
        build={releaseTimeline}
        data={{
          planned: { start: u.planned_start, end: u.planned_end },
          actual: { start: u.start_at, end: u.end_at },
          windowEnd,
          deployments: deployments.map((d) => ({
            id: d.id,
            environment: d.environment,
            started_at: d.started_at,
            finished_at: d.finished_at,
            status: d.status,
            is_rollback: d.is_rollback,
          })),
          incidents: detail.incidents,
        }}
        options={{ windowHours: p.window, incidentHref: incidentAnchor, deploymentHref: deploymentAnchor }}
        title="Timeline"
        alt={`Planned and actual windows, ${deployments.length} deployments, and ${detail.incidents.length} incidents of the same service or CI nearby: ${attributed.length} attributed to this ${p.unit}.`}
      />
      <h2>Incidents near this {p.unit}</h2>
      <DataTable
        name="unit-incidents"
        columns={[
          {
            key: 'incident',
            label: 'Incident',
            cell: (i) => <SourceId links={links} kind="incident" source={i.source} id={i.incident_id} />,
          },
          {
            key: 'attribution',
            label: 'Attribution',
            cell: (i) => (
              <>
                <span className={`pill ${i.attribution}`}>{i.attribution}</span>
                {i.attributed_to ? ` (${i.attributed_to})` : ''}
                {i.review && (
                  <span className="hint" data-review={i.review}>
                    {' '}
                    {i.review} by {i.reviewed_by}
                    {i.review_reason ? `: ${i.review_reason}` : ''}
                  </span>
                )}
              </>
            ),
          },
          { key: 'priority', label: 'Priority', numeric: true, cell: (i) => `P${i.priority}` },
          { key: 'opened', label: 'Opened', cell: (i) => dateTime(i.opened_at, p.tz) },
          { key: 'hours', label: 'Hours after go-live', numeric: true, cell: (i) => i.hours_after_golive ?? '—' },
          { key: 'service', label: 'Service / CI', cell: (i) => `${i.service ?? '—'} / ${i.ci ?? '—'}` },
          { key: 'title', label: 'Title', cell: (i) => i.title ?? '' },
          {
            key: 'problem',
            label: 'Problem',
            cell: (i) => i.problem_id && <SourceId links={links} kind="problem" source={i.source} id={i.problem_id} />,
          },
          ...(canReview
            ? [
                {
                  key: 'review',
                  label: 'Review',
                  cell: (i: (typeof detail.incidents)[number]) =>
                    i.review ? (
                      <ReviewButtons
                        link={{ incident_id: i.incident_id, unit_kind: p.unit, unit_id: u.unit_id }}
                        verdict={i.review}
                        back={back}
                        label={`incident ${i.incident_id} to ${u.unit_id}`}
                      />
                    ) : i.attribution === 'likely' ? (
                      <ReviewButtons
                        link={{ incident_id: i.incident_id, unit_kind: p.unit, unit_id: u.unit_id }}
                        back={back}
                        label={`incident ${i.incident_id} to ${u.unit_id}`}
                      />
                    ) : i.attribution === 'confirmed' ? (
                      <span className="hint">explicit link</span>
                    ) : null,
                },
              ]
            : []),
        ]}
        rows={detail.incidents}
        rowKey={(i) => i.incident_id}
        rowProps={(i) => ({ id: incidentRowId(i.incident_id), tabIndex: -1, 'data-attribution': i.attribution })}
        phone={['incident', 'attribution', 'priority', 'review']}
      />
      {detail.incidents.length === 0 && <p>No incidents of this service or its CIs around its go-live.</p>}
      <div className="grid2">
        <section>
          <h2>Changes</h2>
          <DataTable
            name="unit-changes"
            columns={[
              {
                key: 'change',
                label: 'Change',
                cell: (c) => <SourceId links={links} kind="change" source={c.source} id={c.id} />,
              },
              { key: 'type', label: 'Type', cell: (c) => c.kind ?? '—' },
              { key: 'risk', label: 'Risk', cell: (c) => c.risk ?? '—' },
              { key: 'ci', label: 'CI', cell: (c) => c.ci ?? '—' },
              { key: 'outcome', label: 'Outcome', cell: (c) => c.status ?? 'open' },
              { key: 'finished', label: 'Finished', cell: (c) => dateTime(c.finished_at, p.tz) },
            ]}
            rows={changes}
            rowKey={(c) => c.id}
            phone={['change', 'outcome', 'finished']}
          />
        </section>
        <section>
          <h2>Deployments</h2>
          <DataTable
            name="unit-deployments"
            columns={[
              {
                key: 'deployment',
                label: 'Deployment',
                cell: (d) => <SourceId links={links} kind="deployment" source={d.source} id={d.id} />,
              },
              { key: 'environment', label: 'Environment', cell: (d) => d.environment ?? '—' },
              {
                key: 'status',
                label: 'Status',
                cell: (d) => (d.is_rollback ? `rollback of ${d.reverts ?? '?'}` : d.status),
                cellProps: (d) => ({ className: d.status === 'succeeded' ? '' : 'failed' }),
              },
              { key: 'strategy', label: 'Strategy', cell: (d) => d.strategy ?? '—' },
              { key: 'finished', label: 'Finished', cell: (d) => dateTime(d.finished_at, p.tz) },
            ]}
            rows={deployments}
            rowKey={(d) => d.id}
            rowProps={(d) => ({ id: deploymentRowId(d.id), tabIndex: -1 })}
            phone={['deployment', 'status', 'finished']}
          />
        </section>
      </div>
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
