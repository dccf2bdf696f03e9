/**
 * The KPI parameters, validated once with zod. The `kpis` command, the API and
 * every dashboard loader parse their input with these schemas, so a parameter
 * means the same everywhere.
 */
import { z } from 'zod';
import { isTimeZone } from '../lib/timeZone.ts';
import { DEFAULT_WINDOW_HOURS, MAX_WINDOW_HOURS, type UnitKind, unitKinds } from '../lib/units.ts';

/** The unit kinds (lib/units.ts), under the name the parameters use. */
export const units = unitKinds;
export type Unit = UnitKind;

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), 'not a real calendar date');

const timeZone = z
  .string()
  .refine(isTimeZone, 'expected an IANA time zone such as UTC, Europe/Amsterdam or America/New_York');

const instant = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/,
    'expected an ISO timestamp with Z or an offset, e.g. 2025-04-15T00:00:00Z',
  )
  .refine((s) => !Number.isNaN(Date.parse(s)), 'not a real timestamp');

export const kpiParamsSchema = z
  .object({
    unit: z.enum(units).default('release'),
    from: isoDate,
    to: isoDate,
    tz: timeZone.default('UTC'),
    window: z.coerce
      .number()
      .int('must be a whole number of hours')
      .min(1, 'must be at least 1 hour')
      .max(MAX_WINDOW_HOURS, `at most ${MAX_WINDOW_HOURS} hours (90 days)`)
      .default(DEFAULT_WINDOW_HOURS),
    severity: z.coerce.number().int('must be a whole number').min(1).max(4).default(2),
    tolerance: z.coerce
      .number()
      .int('must be a whole number of minutes')
      .min(0)
      .max(60 * 24 * 30)
      .default(0),
    as_of: instant.optional(),
    service: z.array(z.string().min(1)).default([]),
    team: z.array(z.string().min(1)).default([]),
    type: z.array(z.string().min(1)).default([]),
  })
  .refine((p) => p.from < p.to, { message: 'from must be before to', path: ['to'] });

export type KpiParams = z.infer<typeof kpiParamsSchema>;

/** The parameters as a query string the dashboard's routes read back to the same values. */
export function kpiSearchParams(p: KpiParams): URLSearchParams {
  const q = new URLSearchParams({
    from: p.from,
    to: p.to,
    unit: p.unit,
    tz: p.tz,
    window: String(p.window),
    severity: String(p.severity),
    tolerance: String(p.tolerance),
  });
  if (p.as_of) q.set('as_of', p.as_of);
  for (const key of ['service', 'team', 'type'] as const) for (const v of p[key]) q.append(key, v);
  return q;
}

/** One readable line per problem: "window: must be at least 1 hour". */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.join('.') || 'parameters'}: ${i.message}`);
}

/** Turns URL search params (repeatable service/team/type) into the raw object the schema parses. */
export function fromSearchParams(search: URLSearchParams): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const key of new Set(search.keys())) {
    const values = search.getAll(key).filter((v) => v !== '');
    if (values.length === 0) continue;
    raw[key] = ['service', 'team', 'type'].includes(key) ? values : values[values.length - 1];
  }
  return raw;
}

/** The command-line options (node:util parseArgs) that carry the KPI parameters: npm run kpis and npm run report. */
export const kpiParamOptions = {
  from: { type: 'string' },
  to: { type: 'string' },
  unit: { type: 'string' },
  tz: { type: 'string' },
  window: { type: 'string' },
  severity: { type: 'string' },
  tolerance: { type: 'string' },
  'as-of': { type: 'string' },
  service: { type: 'string', multiple: true },
  team: { type: 'string', multiple: true },
  type: { type: 'string', multiple: true },
} as const;
