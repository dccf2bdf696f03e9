/** The overview tiles: which KPI each shows, how it reads, which DORA metric it is. */
import type { TargetStatus } from '../../lib/targets.ts';
import type { KpiReport } from '../../queries/kpis.ts';
import type { Duration, Rate } from '../../queries/stats.ts';
import type { DoraMetric } from './dora.ts';
import { hours, pct } from './format.ts';

export type TileKey =
  | 'success_rate'
  | 'change_failure_rate'
  | 'rollback_rate'
  | 'schedule_adherence'
  | 'lead_time_hours'
  | 'post_release_incident_rate'
  | 'deployment_frequency_per_week'
  | 'recovery_time_hours';

export interface TileSpec {
  key: TileKey;
  label: string;
  kind: 'rate' | 'duration' | 'frequency';
  higherIsBetter: boolean;
  dora?: DoraMetric;
  /** Which monthly bucket series feeds the sparkline. */
  spark:
    | 'success'
    | 'failure'
    | 'rollback'
    | 'schedule'
    | 'lead'
    | 'incidents'
    | 'deployments'
    | 'recovery'
    | 'overrun';
}

/** Why a tile's KPI is empty by definition for this unit kind (the contract leaves them null), or null. */
export function notApplicable(key: TileKey, unit: string): string | null {
  if (unit === 'deployment' && (key === 'lead_time_hours' || key === 'schedule_adherence'))
    return 'does not apply to deployments (they carry no request or planned window): see releases or changes';
  return null;
}

export const tiles: TileSpec[] = [
  { key: 'success_rate', label: 'Success rate', kind: 'rate', higherIsBetter: true, spark: 'success' },
  {
    key: 'change_failure_rate',
    label: 'Change failure rate',
    kind: 'rate',
    higherIsBetter: false,
    dora: 'change_failure_rate',
    spark: 'failure',
  },
  { key: 'rollback_rate', label: 'Rollback rate', kind: 'rate', higherIsBetter: false, spark: 'rollback' },
  { key: 'schedule_adherence', label: 'Schedule adherence', kind: 'rate', higherIsBetter: true, spark: 'schedule' },
  {
    key: 'lead_time_hours',
    label: 'Lead time',
    kind: 'duration',
    higherIsBetter: false,
    dora: 'lead_time_hours',
    spark: 'lead',
  },
  {
    key: 'post_release_incident_rate',
    label: 'Post-release incident rate',
    kind: 'rate',
    higherIsBetter: false,
    spark: 'incidents',
  },
  {
    key: 'deployment_frequency_per_week',
    label: 'Deployment frequency',
    kind: 'frequency',
    higherIsBetter: true,
    dora: 'deployment_frequency_per_week',
    spark: 'deployments',
  },
  {
    key: 'recovery_time_hours',
    label: 'Recovery time',
    kind: 'duration',
    higherIsBetter: false,
    dora: 'recovery_time_hours',
    spark: 'recovery',
  },
];

/** A tile's number as people read it: 15.9%, 36.5 h, 2.8/wk. */
export function showTileValue(spec: Pick<TileSpec, 'kind'>, v: number | null): string {
  if (v === null) return '—';
  if (spec.kind === 'rate') return pct(v);
  if (spec.kind === 'duration') return hours(v);
  return `${v.toFixed(1)}/wk`;
}

/** The single number a tile compares and bands: rate value, median hours, or per week. */
export function headline(k: KpiReport['kpis'], key: TileKey): number | null {
  const v = k[key];
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  if ('value' in v) return v.value;
  if ('median' in v) return v.median;
  return null;
}

export interface Definition {
  term: string;
  text: string;
}

export function definitions(p: {
  window: number;
  severity: number;
  tolerance: number;
  tz: string;
  unit: string;
}): Definition[] {
  const unit = p.unit;
  return [
    {
      term: 'Completed unit',
      text: `A ${unit} that went live (its end time) inside the period, counted by its local date in ${p.tz}. Cancelled and still-open ${unit}s are not counted.`,
    },
    {
      term: 'Success rate / change failure rate',
      text: `A ${unit} failed when its own record says failed or rolled back, or when an incident of priority P1${p.severity > 1 ? `-P${p.severity}` : ''} is attributed to it. Success rate = not failed / completed; change failure rate = failed / completed.`,
    },
    {
      term: 'Incident attribution',
      text: `Confirmed: the incident names the ${unit} (or its change / release) as its cause, whatever the time gap. Likely: otherwise, the ${unit} of the same service or CI that went live most recently, when the incident opened between its start and ${p.window} hours after its end. Incidents with neither service nor CI can only be confirmed.`,
    },
    {
      term: 'Rollback rate',
      text: `${unit}s whose record says rolled back, or one of whose production deployments was rolled back or reverted by a rollback deployment, divided by completed.`,
    },
    {
      term: 'Post-release incident rate',
      text: `${unit}s with at least one attributed incident opened within ${p.window} hours after go-live, divided by completed.`,
    },
    {
      term: 'Schedule adherence',
      text: `Of the ${unit}s planned to finish in the period (not cancelled): those that went live no later than ${p.tolerance} minutes after the planned end. Overdue ${unit}s count as late; those not yet due are left out.`,
    },
    {
      term: 'Lead time',
      text: 'From the request (record created) to go-live, in hours; median and 85th percentile. Negative values (requested after go-live: a data problem) are left out.',
    },
    {
      term: 'Recovery time',
      text: 'For failed units: from go-live to the latest of the failure-making incidents being resolved and a rollback deployment finishing; 0 when service was restored before the unit finished.',
    },
    {
      term: 'Deployment frequency',
      text: 'Production deployments (not rollbacks) that finished in the period, per week of the period.',
    },
    {
      term: '95% interval',
      text: 'Wilson score interval for each rate: the range the true rate plausibly lies in, given how few units there are. When the intervals of two periods overlap, the change may be noise.',
    },
    {
      term: 'DORA band',
      text: "Where the value falls in the DORA performance bands of the report year shown. Lead time here runs from request to go-live, longer than DORA's commit to production.",
    },
  ];
}

const slipText = 'Go-live against the planned end: + late, − early.';

/** The releases table's columns that are statistics or derived figures, in plain words. */
export function unitColumnDefinitions(p: { window: number; tolerance: number; unit: string }): Definition[] {
  const unit = p.unit;
  return [
    {
      term: 'Confirmed / Likely',
      text: `Incidents attributed to the ${unit}: by an explicit "caused by" link, or by the same service or CI within ${p.window} hours of go-live (the latest ${unit} wins).`,
    },
    {
      term: 'Expected',
      text: `Incidents the ${unit}'s service would have had anyway in its window (start to ${p.window} h after the end): its unattributed incidents per hour over the 28 days before, times the window's hours.`,
    },
    {
      term: '▲ / △ / ⁺',
      text: `▲: more incidents than chance explains, after false-discovery control over the period's ${unit}s (q < 0.05). △: more than expected by a single Poisson test (p < 0.05), which among many ${unit}s may be chance. ⁺: less than 28 days of incident history before it, so the expectation is too low.`,
    },
    {
      term: 'Poisson p / q',
      text: 'p: the chance of at least this many incidents if only the background rate were at work (with half an incident as the floor where the background was zero). q: the same reading corrected for testing every unit of the period (Benjamini-Hochberg).',
    },
    {
      term: 'Slip',
      text: slipText,
    },
    {
      term: 'Duration / Overrun',
      text: `How long the deployment window took (actual start to end), and how much longer than the planned window (− shorter). Empty where a start or a plan is missing. The trends page counts a window as overrun when it ran more than ${p.tolerance} minutes over.`,
    },
    {
      term: 'Policy checks failed',
      text: 'How many applicable release policy checks the unit fails (authorised before start, rollback tested, service desk notified, outside freezes, review within five business days); see its detail page.',
    },
  ];
}

/**
 * One line per releases-table column that is a figure, for its header's tooltip;
 * the longer definition of each is in the drawer (unitColumnDefinitions).
 */
export function unitColumnHelp(p: { window: number; unit: string }): Record<string, string> {
  const unit = p.unit;
  return {
    record_status: `The ${unit}'s own status in its source system.`,
    planned_end: 'When the plan said it would go live.',
    end_at: 'When it went live: the end of its production deployment window.',
    slip_minutes: slipText,
    duration_minutes: 'How long the deployment window took, actual start to end.',
    overrun_minutes: 'How much longer the deployment window took than planned (− shorter).',
    lead_time_hours: 'From the request to go-live.',
    confirmed_incidents: `Incidents with an explicit "caused by" link to the ${unit}.`,
    likely_incidents: `Incidents of the same service or CI within ${p.window} hours of go-live, where this was the latest ${unit}.`,
    expected_incidents: `Incidents the service would have had anyway in the ${unit}'s window, from its background rate over the 28 days before. ▲ more than chance explains across the table (q < 0.05), △ by a single test only (p < 0.05), ⁺ under 28 days of history.`,
    is_failed:
      'Failed: its own record says failed or rolled back, or an attributed incident is of a failure-making priority.',
    policy_failed_checks: 'How many applicable release policy checks the unit fails; see its detail page.',
  };
}

/** One point of a tile's sparkline: a bucket and the KPI's value in it. */
export interface SparkPoint {
  bucket_start: string;
  value: number | null;
}

/** What a KPI tile shows (components/KpiTile.tsx), as the overview's loader makes it (overview.server.ts). */
export interface TileData {
  spec: TileSpec;
  current: Rate | Duration | number | null;
  previous: Rate | Duration | number | null;
  value: number | null;
  previousValue: number | null;
  spark: SparkPoint[];
  /** Why the KPI is empty by definition for this unit kind (then no comparison and no band), or null. */
  notApplicable?: string | null;
  /** When the DORA band is rated on another figure than the tile's value, that figure and what it is. */
  dora?: { value: number | null; basis: string };
  /** The target in force (targets file) and how the value stands against it; null when it has none or no value. */
  target?: { text: string; status: TargetStatus; scope: string } | null;
}
