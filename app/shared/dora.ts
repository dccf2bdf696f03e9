/**
 * DORA performance bands, kept as data: one rule set per State of DevOps
 * report year. Each metric lists its bands from best to worst with the upper
 * bound (inclusive) of the band in the metric's own unit. Lead time here is
 * request-to-go-live, which is longer than DORA's commit-to-production: the
 * band is an indication, not a certification.
 */
export type Band = 'elite' | 'high' | 'medium' | 'low';
export type DoraMetric =
  | 'deployment_frequency_per_week'
  | 'lead_time_hours'
  | 'change_failure_rate'
  | 'recovery_time_hours';

interface Rule {
  band: Band;
  /** Upper bound for "lower is better" metrics, lower bound for deployment frequency. */
  limit: number;
  text: string;
}

export interface DoraRules {
  year: number;
  source: string;
  metrics: Record<DoraMetric, { higherIsBetter: boolean; rules: Rule[] }>;
}

export const doraRules: DoraRules[] = [
  {
    year: 2023,
    source: 'Accelerate State of DevOps Report 2023',
    metrics: {
      deployment_frequency_per_week: {
        higherIsBetter: true,
        rules: [
          { band: 'elite', limit: 7, text: 'on demand (several a day)' },
          { band: 'high', limit: 1, text: 'daily to weekly' },
          { band: 'medium', limit: 12 / 52, text: 'weekly to monthly' },
          { band: 'low', limit: 0, text: 'less than monthly' },
        ],
      },
      lead_time_hours: {
        higherIsBetter: false,
        rules: [
          { band: 'elite', limit: 24, text: 'under a day' },
          { band: 'high', limit: 24 * 7, text: 'a day to a week' },
          { band: 'medium', limit: 24 * 30, text: 'a week to a month' },
          { band: 'low', limit: Number.POSITIVE_INFINITY, text: 'more than a month' },
        ],
      },
      change_failure_rate: {
        higherIsBetter: false,
        rules: [
          { band: 'elite', limit: 0.05, text: 'about 5%' },
          { band: 'high', limit: 0.1, text: 'about 10%' },
          { band: 'medium', limit: 0.15, text: 'about 15%' },
          { band: 'low', limit: 1, text: 'more than 15%' },
        ],
      },
      recovery_time_hours: {
        higherIsBetter: false,
        rules: [
          { band: 'elite', limit: 1, text: 'under an hour' },
          { band: 'high', limit: 24, text: 'under a day' },
          { band: 'medium', limit: 24 * 7, text: 'a day to a week' },
          { band: 'low', limit: Number.POSITIVE_INFINITY, text: 'more than a week' },
        ],
      },
    },
  },
  {
    year: 2022,
    source: 'Accelerate State of DevOps Report 2022',
    metrics: {
      deployment_frequency_per_week: {
        higherIsBetter: true,
        rules: [
          { band: 'high', limit: 7, text: 'on demand' },
          { band: 'medium', limit: 12 / 52, text: 'weekly to monthly' },
          { band: 'low', limit: 0, text: 'monthly to every six months' },
        ],
      },
      lead_time_hours: {
        higherIsBetter: false,
        rules: [
          { band: 'high', limit: 24 * 7, text: 'a day to a week' },
          { band: 'medium', limit: 24 * 30 * 6, text: 'a week to six months' },
          { band: 'low', limit: Number.POSITIVE_INFINITY, text: 'more than six months' },
        ],
      },
      change_failure_rate: {
        higherIsBetter: false,
        rules: [
          { band: 'high', limit: 0.15, text: '0-15%' },
          { band: 'medium', limit: 0.3, text: '16-30%' },
          { band: 'low', limit: 1, text: 'more than 30%' },
        ],
      },
      recovery_time_hours: {
        higherIsBetter: false,
        rules: [
          { band: 'high', limit: 24, text: 'under a day' },
          { band: 'medium', limit: 24 * 7, text: 'a day to a week' },
          { band: 'low', limit: Number.POSITIVE_INFINITY, text: 'more than a week' },
        ],
      },
    },
  },
];

export const latestDoraYear = Math.max(...doraRules.map((r) => r.year));

export function doraBand(metric: DoraMetric, value: number | null | undefined, year = latestDoraYear) {
  if (value === null || value === undefined) return null;
  const rules = doraRules.find((r) => r.year === year) ?? doraRules[0];
  if (!rules) return null;
  const m = rules.metrics[metric];
  const rule =
    m.rules.find((r) => (m.higherIsBetter ? value >= r.limit : value <= r.limit)) ?? m.rules[m.rules.length - 1];
  return rule ? { band: rule.band, text: rule.text, year: rules.year } : null;
}
