/**
 * Turns a request URL into validated KPI parameters. Missing period defaults
 * are relative to the newest data (not to today), so the sample always shows
 * something. Invalid parameters become a 400 that names them.
 */

import { describeIssues, fromSearchParams, type KpiParams, kpiParamsSchema } from '../../queries/params.ts';
import { type DataRange, getDataRange } from '../../queries/range.ts';
import { secureHeaders } from './security.server.ts';

export const presets = ['30d', '90d', 'quarter', 'ytd', '12m', 'all', 'custom'] as const;
export type Preset = (typeof presets)[number];

export const presetLabels: Record<Preset, string> = {
  '30d': 'Last 30 days of data',
  '90d': 'Last 90 days of data',
  quarter: 'Last full quarter',
  ytd: 'Year to date',
  '12m': 'Last 12 months of data',
  all: 'All data',
  custom: 'Custom',
};

const day = (d: Date) => d.toISOString().slice(0, 10);
const addDays = (d: Date, n: number) => new Date(d.getTime() + n * 86_400_000);

/** [from, to) as local dates for a preset, relative to the last day with data (and, for all data, the first). */
export function presetPeriod(
  preset: Exclude<Preset, 'custom'>,
  lastAt: Date,
  firstAt: Date = lastAt,
): { from: string; to: string } {
  const last = new Date(Date.UTC(lastAt.getUTCFullYear(), lastAt.getUTCMonth(), lastAt.getUTCDate()));
  const end = addDays(last, 1);
  switch (preset) {
    case '12m':
      return {
        from: day(new Date(Date.UTC(end.getUTCFullYear() - 1, end.getUTCMonth(), end.getUTCDate()))),
        to: day(end),
      };
    case 'all':
      return { from: day(firstAt), to: day(end) };
    case '30d':
      return { from: day(addDays(end, -30)), to: day(end) };
    case '90d':
      return { from: day(addDays(end, -90)), to: day(end) };
    case 'ytd':
      return { from: `${last.getUTCFullYear()}-01-01`, to: day(end) };
    case 'quarter': {
      // The newest quarter that the data covers to its last day.
      let q = Math.floor(end.getUTCMonth() / 3);
      let y = end.getUTCFullYear();
      const quarterStart = (yy: number, qq: number) => new Date(Date.UTC(yy, qq * 3, 1));
      if (end.getTime() < quarterStart(y, q + 1).getTime()) q -= 1;
      if (q < 0) {
        q += 4;
        y -= 1;
      }
      const from = quarterStart(y, q);
      return { from: day(from), to: day(new Date(Date.UTC(y, q * 3 + 3, 1))) };
    }
  }
}

export function previousPeriod(p: KpiParams): KpiParams {
  const from = new Date(`${p.from}T00:00:00Z`);
  const to = new Date(`${p.to}T00:00:00Z`);
  const days = Math.round((to.getTime() - from.getTime()) / 86_400_000);
  return { ...p, from: day(addDays(from, -days)), to: p.from };
}

export interface Filters {
  params: KpiParams;
  preset: Preset;
  range: DataRange;
}

/** A 400 whose body lists each bad parameter and what is allowed. */
export function badRequest(lines: string[]): Response {
  return new Response(lines.join('\n'), {
    status: 400,
    statusText: 'Bad Request',
    headers: secureHeaders({ 'Content-Type': 'text/plain; charset=utf-8' }),
  });
}

const known = new Set([
  'preset',
  'from',
  'to',
  'unit',
  'tz',
  'window',
  'severity',
  'tolerance',
  'as_of',
  'service',
  'team',
  'type',
]);

export async function resolveFilters(url: URL, extraKnown: string[] = []): Promise<Filters> {
  const range = await getDataRange();
  const raw = fromSearchParams(url.searchParams);
  const unknown = [...url.searchParams.keys()].filter((k) => !known.has(k) && !extraKnown.includes(k));
  if (unknown.length > 0) {
    throw badRequest([
      `unknown parameter${unknown.length > 1 ? 's' : ''}: ${[...new Set(unknown)].join(', ')}`,
      `allowed: ${[...known, ...extraKnown].join(', ')}`,
    ]);
  }
  const requested = raw.preset as string | undefined;
  if (requested !== undefined && !presets.includes(requested as Preset)) {
    throw badRequest([`preset: '${requested}' is not one of ${presets.join(', ')}`]);
  }
  const preset: Preset = (requested as Preset | undefined) ?? (raw.from || raw.to ? 'custom' : 'quarter');
  if (preset !== 'custom' || !raw.from || !raw.to) {
    const lastAt = range.last_at ?? new Date();
    const period = presetPeriod(preset === 'custom' ? 'quarter' : preset, lastAt, range.first_at ?? lastAt);
    raw.from ??= period.from;
    raw.to ??= period.to;
    if (preset !== 'custom') Object.assign(raw, period);
  }
  if (raw.unit === undefined && range.releases === 0) raw.unit = 'change';
  delete raw.preset;
  const parsed = kpiParamsSchema.safeParse(raw);
  if (!parsed.success) throw badRequest(describeIssues(parsed.error));
  return { params: parsed.data, preset, range };
}
