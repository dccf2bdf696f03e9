import { Link } from '@remix-run/react';
import type { BreakdownRow } from '../../queries/analysis.ts';
import { fraction, policyRates, unitRates } from '../../queries/measures.ts';
import { hours, pct, withParams } from '../shared/format.ts';
import { type Column, DataTable } from './DataTable.tsx';
import { sortRows } from './SortHeader.tsx';

type Row = BreakdownRow & {
  failure_rate: number | null;
  incident_rate: number | null;
  rollback_rate: number | null;
  compliance_rate: number | null;
};

type Dimension = 'service' | 'team';

const columns = (dimension: Dimension, search: string): Column<Row>[] => [
  {
    key: 'name',
    label: dimension === 'service' ? 'Service' : 'Team',
    sortable: true,
    // a row filters the page to its service or team
    cell: (r) => (
      <Link to={withParams(search, { [dimension]: r.name })} title={`only ${dimension} ${r.name}`}>
        {r.name}
      </Link>
    ),
  },
  {
    key: 'completed',
    label: 'Completed',
    numeric: true,
    sortable: true,
    cell: (r) => (
      <Link
        to={`/releases${withParams(search, { [dimension]: r.name, sort: null, dir: null })}`}
        title={`the completed units of ${dimension} ${r.name}`}
      >
        {r.completed}
      </Link>
    ),
  },
  {
    key: 'failure_rate',
    label: 'Change failure rate',
    numeric: true,
    sortable: true,
    cell: (r) => pct(r.failure_rate),
  },
  {
    key: 'incident_rate',
    label: 'Post-release incident rate',
    numeric: true,
    sortable: true,
    cell: (r) => pct(r.incident_rate),
  },
  {
    key: 'post_release_incidents',
    label: 'Post-release incidents',
    numeric: true,
    sortable: true,
    cell: (r) => r.post_release_incidents,
  },
  { key: 'rollback_rate', label: 'Rollback rate', numeric: true, sortable: true, cell: (r) => pct(r.rollback_rate) },
  { key: 'emergency', label: 'Emergency', numeric: true, sortable: true, cell: (r) => r.emergency },
  {
    key: 'freeze_violations',
    label: 'Freeze violations',
    numeric: true,
    sortable: true,
    cell: (r) => r.freeze_violations,
  },
  {
    key: 'lead_time_median_hours',
    label: 'Median lead time',
    numeric: true,
    sortable: true,
    cell: (r) => hours(r.lead_time_median_hours),
  },
  {
    key: 'compliance_rate',
    label: 'Policy compliance',
    numeric: true,
    sortable: true,
    cell: (r) => pct(r.compliance_rate),
  },
];

const sortable = new Set(columns('service', '').map((c) => c.key));

/**
 * Breakdown by service and by team, sortable by any column through the URL. A
 * name filters the page to that service or team; a count opens its units.
 */
export function BreakdownTable({ rows, search }: { rows: BreakdownRow[]; search: string }) {
  const params = new URLSearchParams(search);
  const sortKey = params.get('sort');
  const sort = sortKey && sortable.has(sortKey) ? (sortKey as keyof Row) : undefined;
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
        <DataTable
          key={dimension}
          name={`breakdown-${dimension}`}
          caption={<span className="sr-only">{`KPIs by ${dimension}`}</span>}
          tableProps={{ 'aria-label': `By ${dimension}` }}
          columns={columns(dimension, search)}
          rows={sortRows(
            enriched.filter((r) => r.dimension === dimension),
            sort,
            params.get('dir'),
          )}
          rowKey={(r) => r.name}
          search={search}
          phone={['name', 'completed', 'failure_rate']}
        />
      ))}
    </div>
  );
}
