/**
 * The upcoming-changes view's parameters, from its query string: the first
 * day (UTC, default: now), how many days ahead (default 7), which kind of
 * unit, services and teams, and the attribution window and failure severity
 * its service records use. Unknown parameters and bad values are refused
 * with every problem named.
 */

import { z } from 'zod';
import { DEFAULT_WINDOW_HOURS, MAX_WINDOW_HOURS } from '../../lib/units.ts';
import type { UpcomingParams } from '../../queries/agenda.ts';

const known = new Set(['from', 'days', 'kind', 'service', 'team', 'window', 'severity']);

const schema = z.strictObject({
  from: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date, YYYY-MM-DD')
    .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'is not a date')
    .optional(),
  days: z.coerce.number().int('must be a whole number').min(1).max(60).default(7),
  kind: z.enum(['all', 'release', 'change']).default('all'),
  service: z.array(z.string().min(1).max(200)).max(100).default([]),
  team: z.array(z.string().min(1).max(200)).max(100).default([]),
  window: z.coerce.number().int('must be a whole number').min(1).max(MAX_WINDOW_HOURS).default(DEFAULT_WINDOW_HOURS),
  severity: z.coerce.number().int('must be a whole number').min(1).max(4).default(2),
});

export const HISTORY_DAYS = 90;

/** The parameters, or the problems (one line each) that make the query string unusable. */
export function upcomingParams(url: URL, now = new Date()): UpcomingParams | string[] {
  const unknown = [...new Set(url.searchParams.keys())].filter((k) => !known.has(k));
  if (unknown.length > 0) return unknown.map((k) => `${k}: not a parameter of this page (${[...known].join(', ')})`);
  const raw: Record<string, unknown> = {};
  for (const k of known) {
    const values = url.searchParams.getAll(k).filter((v) => v !== '');
    if (values.length === 0) continue;
    raw[k] = k === 'service' || k === 'team' ? values : values[values.length - 1];
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  const p = parsed.data;
  return {
    fromAt: p.from ? `${p.from}T00:00:00.000Z` : new Date(Math.floor(now.getTime() / 60_000) * 60_000).toISOString(),
    days: p.days,
    kind: p.kind,
    services: p.service,
    teams: p.team,
    historyDays: HISTORY_DAYS,
    window: p.window,
    severity: p.severity,
  };
}
