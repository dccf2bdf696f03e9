import { Link } from '@remix-run/react';
import type { LinkTemplates } from '../../lib/links.ts';
import type { ProblemRow } from '../../queries/incidents.ts';
import { count, dateTime, pct, withParams } from '../shared/format.ts';
import { DataTable } from './DataTable.tsx';
import { SourceLink } from './SourceId.tsx';

/**
 * The problem view: problem records ranked by the incidents attributed to the
 * period's units, with the units and CIs that feed each. A problem, unit or CI
 * leads to the incidents or the unit behind it, with the page's filters.
 */
export function ProblemTable({
  rows,
  search,
  unit,
  tz,
  links,
}: {
  rows: ProblemRow[];
  search: string;
  unit: string;
  tz: string;
  links: LinkTemplates;
}) {
  if (rows.length === 0)
    return <p className="lede">No incident attributed to a {unit} of this period is linked to a problem record.</p>;
  // the incidents list with the page's filters, less its own priority, rule and page
  const list = withParams(search, { priority: null, rule: null, page: null });
  return (
    <DataTable
      name="problems"
      caption={<span className="sr-only">Problems ranked by attributed incidents</span>}
      columns={[
        {
          key: 'problem',
          label: 'Problem',
          cell: (r) => (
            <>
              <Link to={withParams(list, { problem: r.problem_id })} title="the incidents of this problem">
                {r.problem_id}
              </Link>
              <SourceLink links={links} kind="problem" source={r.source} id={r.problem_id} />
            </>
          ),
        },
        {
          key: 'incidents',
          label: 'Attributed incidents',
          numeric: true,
          help: "incidents attributed to this period's units and linked to the problem",
          cell: (r) => count(r.incidents),
        },
        {
          key: 'failure_making',
          label: 'Failure-making',
          numeric: true,
          help: 'of them, priority at or above the failure threshold',
          cell: (r) => count(r.failure_making),
        },
        {
          key: 'share',
          label: 'Share after go-lives',
          numeric: true,
          help: "attributed incidents of all the problem's incidents opened in the period",
          cell: (r) => (r.problem_incidents > 0 ? pct(r.incidents / r.problem_incidents, 0) : '—'),
          cellProps: (r) => ({ title: `${r.incidents} of ${r.problem_incidents}` }),
        },
        {
          key: 'units',
          label: `${unit[0]?.toUpperCase() + unit.slice(1)}s feeding it (incidents)`,
          cell: (r) => (
            <>
              {r.top_units.map((u, i) => (
                <span key={u.id}>
                  {i > 0 ? ', ' : ''}
                  <Link to={`/releases/${encodeURIComponent(u.id)}${list}`}>{u.id}</Link> ({u.incidents})
                </span>
              ))}
              {r.units > r.top_units.length ? ` and ${r.units - r.top_units.length} more` : ''}
            </>
          ),
        },
        {
          key: 'cis',
          label: 'CIs (incidents)',
          cell: (r) => (
            <>
              {r.top_cis.map((c, i) => (
                <span key={c.id}>
                  {i > 0 ? ', ' : ''}
                  <Link to={withParams(list, { ci: c.id })}>{c.id}</Link> ({c.incidents})
                </span>
              ))}
              {r.cis > r.top_cis.length ? ` and ${r.cis - r.top_cis.length} more` : ''}
              {r.cis === 0 ? '—' : ''}
            </>
          ),
        },
        { key: 'last', label: 'Last incident', cell: (r) => dateTime(new Date(r.last_opened_ms).toISOString(), tz) },
      ]}
      rows={rows}
      rowKey={(r) => r.problem_id}
      phone={['problem', 'incidents', 'units']}
    />
  );
}
