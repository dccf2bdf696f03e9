/**
 * The incidents table's filters as a contract of their own (no database
 * here, so the page's browser code may use it): priority, rule and the record
 * filters every chart mark of the incidents page leads through, with their
 * URL parameters and how a query string is checked. queries/incidents.ts
 * binds them to fct_record_incidents.
 */
import { z } from 'zod';

/**
 * Which incidents of the period (fct_record_incidents; null: any): their own
 * service, CI, category and problem; the week they opened in (its Monday);
 * hours after go-live in [hoursFrom, hoursTo); their unit's risk, and its
 * go-live weekday (1 = Monday) and 3-hour band. Each chart mark of the
 * incidents page leads to its records through these.
 */
export interface IncidentRecordFilter {
  service: string | null;
  ci: string | null;
  category: string | null;
  problem: string | null;
  week: string | null;
  hoursFrom: number | null;
  hoursTo: number | null;
  risk: string | null;
  weekday: number | null;
  hourBand: number | null;
}

export const anyRecord: IncidentRecordFilter = {
  service: null,
  ci: null,
  category: null,
  problem: null,
  week: null,
  hoursFrom: null,
  hoursTo: null,
  risk: null,
  weekday: null,
  hourBand: null,
};

export interface IncidentFilter extends Partial<IncidentRecordFilter> {
  priority: number | null;
  rule: 'confirmed' | 'reviewed' | 'likely' | null;
}

/** The URL parameter of each record filter (the incidents page, its download and its charts' links). */
export const recordParamOf = {
  service: 'incident_service',
  ci: 'ci',
  category: 'category',
  problem: 'problem',
  week: 'week',
  hoursFrom: 'hours_from',
  hoursTo: 'hours_to',
  risk: 'risk',
  weekday: 'weekday',
  hourBand: 'hour_band',
} as const satisfies Record<keyof IncidentRecordFilter, string>;

const text = z.string().trim().max(200, 'at most 200 characters');
const recordParamSchemas = {
  service: text,
  ci: text,
  category: text,
  problem: text,
  week: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date, YYYY-MM-DD')
    .refine(
      (d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).getUTCDay() === 1,
      'must be a Monday',
    ),
  hoursFrom: z.coerce.number().finite().min(-100_000).max(100_000),
  hoursTo: z.coerce.number().finite().min(-100_000).max(100_000),
  risk: z.enum(['low', 'medium', 'high', 'critical', 'unknown']),
  weekday: z.coerce.number().int().min(1).max(7),
  hourBand: z.coerce
    .number()
    .int()
    .min(0)
    .max(21)
    .refine((h) => h % 3 === 0, 'must be 0, 3, .., 21'),
} satisfies Record<keyof IncidentRecordFilter, z.ZodType>;

/** The record filters a query string asks for, or the problems (one line each) that make it unusable. */
export function parseRecordFilter(search: URLSearchParams): IncidentRecordFilter | string[] {
  const out: Record<string, unknown> = { ...anyRecord };
  const problems: string[] = [];
  for (const [key, param] of Object.entries(recordParamOf) as [keyof IncidentRecordFilter, string][]) {
    const raw = (search.get(param) ?? '').trim();
    if (raw === '') continue;
    const parsed = recordParamSchemas[key].safeParse(raw);
    if (parsed.success) out[key] = parsed.data;
    else problems.push(`${param}: ${parsed.error.issues[0]?.message ?? 'not allowed'}`);
  }
  const f = out as unknown as IncidentRecordFilter;
  if (f.hoursFrom !== null && f.hoursTo !== null && f.hoursFrom >= f.hoursTo)
    problems.push('hours_from: must be less than hours_to');
  return problems.length > 0 ? problems : f;
}

/** The incidents table's filters (priority, rule and the record filters), or the problems that make them unusable. */
export function parseIncidentFilter(search: URLSearchParams): IncidentFilter | string[] {
  const priority = search.get('priority') || 'all';
  const rule = search.get('rule') || 'all';
  const problems: string[] = [];
  if (!['all', '1', '2', '3', '4'].includes(priority))
    problems.push(`priority: '${priority.slice(0, 40)}' is not one of all, 1, 2, 3, 4`);
  if (!['all', 'confirmed', 'reviewed', 'likely'].includes(rule))
    problems.push(`rule: '${rule.slice(0, 40)}' is not one of all, confirmed, reviewed, likely`);
  const records = parseRecordFilter(search);
  if (Array.isArray(records)) problems.push(...records);
  if (problems.length > 0 || Array.isArray(records)) return problems;
  return {
    priority: priority === 'all' ? null : Number(priority),
    rule: rule === 'all' ? null : (rule as 'confirmed' | 'reviewed' | 'likely'),
    ...records,
  };
}

/** The URL parameters of the incidents table's own filters. */
export const incidentFilterParams = ['priority', 'rule', ...Object.values(recordParamOf)];
