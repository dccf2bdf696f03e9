import { Link } from '@remix-run/react';
import type { BreakdownRow } from '../../queries/analysis.ts';
import { fraction, policyRates, unitRates } from '../../queries/measures.ts';
import { hours, pct, withParams } from '../shared/format.ts';
import { SortHeader, sortRows } from './SortHeader.tsx';

type Row = BreakdownRow & {
  failure_rate: number | null;
  incident_rate: number | null;
  rollback_rate: number | null;
  compliance_rate: number | null;
};

const columns: { key: keyof Row; label: string; numeric?: boolean }[] = [
  { key: 'name', label: 'Name' },
  { key: 'completed', label: 'Completed', numeric: true },
  { key: 'failure_rate', label: 'Change failure rate', numeric: true },
  { key: 'incident_rate', label: 'Post-release incident rate', numeric: true },
  { key: 'post_release_incidents', label: 'Post-release incidents', numeric: true },
  { key: 'rollback_rate', label: 'Rollback rate', numeric: true },
  { key: 'emergency', label: 'Emergency', numeric: true },
  { key: 'freeze_violations', label: 'Freeze violations', numeric: true },
  { key: 'lead_time_median_hours', label: 'Median lead time', numeric: true },
  { key: 'compliance_rate', label: 'Policy compliance', numeric: true },
];

/**
 * Breakdown by service and by team, sortable by any column through the URL. A
 * name filters the page to that service or team; a count opens its units.
 */
export function BreakdownTable({ rows, search }: { rows: BreakdownRow[]; search: string }) {
  const params = new URLSearchParams(search);
  const sort = columns.find((c) => c.key === params.get('sort'))?.key;
  const enriched: Row[] = rows.map((r) => ({
    ...r,
    failure_rate: fraction(unitRates.change_failure_rate(r)),
    incident_rate: fraction(unitRates.post_release_incident_rate(r)),
    rollback_rate: fraction(unitRates.rollback_rate(r)),
    compliance_rate: fraction(policyRates.policy_compliance(r)),
  }));
  return (
    <div className="stack">
      {(['service', 'team'] as const).map((dimension) => (
        <table key={dimension} aria-label={`By ${dimension}`} data-table={`breakdown-${dimension}`}>
          <caption className="sr-only">{`KPIs by ${dimension}`}</caption>
          <thead>
            <tr>
              {columns.map((c) => (
                <SortHeader
                  key={c.key}
                  column={c.key}
                  label={c.key === 'name' ? dimension[0]?.toUpperCase() + dimension.slice(1) : c.label}
                  search={search}
                  numeric={c.numeric}
                />
              ))}
            </tr>
          </thead>
          <tbody>
            {sortRows(
              enriched.filter((r) => r.dimension === dimension),
              sort,
              params.get('dir'),
            ).map((r) => (
              <tr key={r.name}>
                <td>
                  {/* a row filters the page to its service or team */}
                  <Link to={withParams(search, { [dimension]: r.name })} title={`only ${dimension} ${r.name}`}>
                    {r.name}
                  </Link>
                </td>
                <td className="num">
                  <Link
                    to={`/releases${withParams(search, { [dimension]: r.name, sort: null, dir: null })}`}
                    title={`the completed units of ${dimension} ${r.name}`}
                  >
                    {r.completed}
                  </Link>
                </td>
                <td className="num">{pct(r.failure_rate)}</td>
                <td className="num">{pct(r.incident_rate)}</td>
                <td className="num">{r.post_release_incidents}</td>
                <td className="num">{pct(r.rollback_rate)}</td>
                <td className="num">{r.emergency}</td>
                <td className="num">{r.freeze_violations}</td>
                <td className="num">{hours(r.lead_time_median_hours)}</td>
                <td className="num">{pct(r.compliance_rate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </div>
  );
}
