/** The trends page's before / after table: each rate on both sides of the compare date, and whether the change is real. */
import type { Rate } from '../../queries/stats.ts';
import { pct } from '../shared/format.ts';
import { DataTable } from './DataTable.tsx';

export interface Compared {
  key: string;
  label: string;
  before: Rate | null;
  after: Rate | null;
  /** The 95% interval of the difference (after - before), null without units on a side. */
  diff: { difference: number; low: number; high: number } | null;
}

export function ComparisonTable({
  rows,
  from,
  split,
  to,
}: {
  rows: Compared[];
  from: string;
  split: string;
  to: string;
}) {
  return (
    <DataTable
      name="comparison"
      columns={[
        { key: 'kpi', label: 'KPI', cell: (c) => c.label },
        {
          key: 'before',
          label: `${from} – ${split}`,
          numeric: true,
          cell: (c) => (c.before ? `${pct(c.before.value)} (${c.before.numerator}/${c.before.denominator})` : '—'),
        },
        {
          key: 'after',
          label: `${split} – ${to}`,
          numeric: true,
          cell: (c) => (c.after ? `${pct(c.after.value)} (${c.after.numerator}/${c.after.denominator})` : '—'),
        },
        {
          key: 'difference',
          label: 'Difference',
          numeric: true,
          cell: (c) =>
            c.diff ? `${c.diff.difference >= 0 ? '+' : ''}${(c.diff.difference * 100).toFixed(1)} pts` : '—',
        },
        {
          key: 'interval',
          label: '95% interval of the difference',
          numeric: true,
          cell: (c) => (c.diff ? `${(c.diff.low * 100).toFixed(1)} to ${(c.diff.high * 100).toFixed(1)} pts` : '—'),
        },
        {
          key: 'reading',
          label: 'Reading',
          cell: (c) =>
            !c.diff ? 'not enough units' : c.diff.low > 0 || c.diff.high < 0 ? 'a real change' : 'could be noise',
        },
      ]}
      rows={rows}
      rowKey={(c) => c.key}
      phone={['kpi', 'difference', 'reading']}
    />
  );
}
