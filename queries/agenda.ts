/**
 * The change advisory board's agenda: the releases and changes scheduled in a
 * window ahead, each with the evidence a board weighs, every reason in words,
 * ordered by those reasons (no score): first by how many reasons say
 * "stop" (a freeze it touches, a required approval missing), then by how many
 * say "look" (collisions, open checks, a service that fails or overruns more
 * than the rest), then by planned start. What the data cannot tell is said,
 * not guessed: a source without approval dates, a service without history.
 */

import { INTEGER, LIST, listValue, VARCHAR } from '@duckdb/node-api';
import { z } from 'zod';
import { unitRates } from './measures.ts';
import { isoInstant } from './rowTypes.ts';
import { runQuery } from './run.ts';
import { withModels } from './snapshot.ts';
import { wilson } from './stats.ts';

export interface UpcomingParams {
  /** The agenda's first instant (ISO). */
  fromAt: string;
  days: number;
  kind: 'all' | 'release' | 'change';
  services: string[];
  teams: string[];
  /** The history read for each service: the days before fromAt. */
  historyDays: number;
  window: number;
  severity: number;
}

const instant = isoInstant;
const num = z.union([z.number(), z.bigint()]).transform(Number);

const windowSchema = z.object({ id: z.string(), name: z.string().nullable(), starts: instant, ends: instant });
const collisionSchema = z.object({ id: z.string(), starts: instant, ends: instant, shared: z.string() });

const rowSchema = z.object({
  unit_kind: z.enum(['release', 'change']),
  unit_id: z.string(),
  title: z.string().nullable(),
  unit_type: z.string().nullable(),
  service: z.string().nullable(),
  team: z.string().nullable(),
  record_status: z.string().nullable(),
  release_id: z.string().nullable(),
  source: z.string(),
  planned_start: instant,
  planned_end: instant,
  planned_minutes: z.number().nullable(),
  approved_at: instant,
  rollback_tested: z.boolean().nullable(),
  service_desk_notified_at: instant,
  risk: z.string().nullable(),
  cab_required: z.boolean().nullable(),
  has_approval: z.boolean(),
  has_rollback_test: z.boolean(),
  has_service_desk: z.boolean(),
  cis: z.array(z.string()),
  collisions: z.array(collisionSchema),
  freezes: z.array(windowSchema),
  in_maintenance: z.boolean(),
});
type Row = z.output<typeof rowSchema>;

const historySchema = z.object({
  service: z.string().nullable(),
  is_total: z.boolean(),
  completed: num,
  failed: num,
  incidents: num,
  timed: num,
  overrun_median_minutes: z.number().nullable(),
  overrun_p85_minutes: z.number().nullable(),
});
type History = z.output<typeof historySchema>;

/** A service's record over the history days, for one kind of unit. */
export interface ServiceRecord {
  completed: number;
  failed: number;
  /** failed / completed, with its 95% Wilson interval; null without completed units. */
  failureRate: { value: number; low: number; high: number } | null;
  incidents: number;
  overrunMedianMinutes: number | null;
  overrunP85Minutes: number | null;
  /** Units with both planned and actual windows (the overrun's base). */
  timed: number;
}

export type ReasonLevel = 'stop' | 'look' | 'note';
export interface Reason {
  level: ReasonLevel;
  text: string;
}

export interface UpcomingItem extends Omit<Row, 'has_approval' | 'has_rollback_test' | 'has_service_desk'> {
  record: ServiceRecord | null;
  /** All units of the kind, all services: what a service's record is compared with. */
  overall: ServiceRecord | null;
  reasons: Reason[];
  /** What the data cannot tell about this unit, and why. */
  notJudged: string[];
}

export interface Upcoming {
  fromAt: string;
  toAt: string;
  historyDays: number;
  items: UpcomingItem[];
  /** The next open unit's planned start at or after the agenda's end, and the latest planned start of any open unit. */
  next: { after: string | null; latest: string | null };
}

/** Units with both windows needed before an overrun is read. */
const MIN_TIMED = 5;

function toRecord(h: History | undefined): ServiceRecord | null {
  if (!h || h.completed === 0) return null;
  const [failed, completed] = unitRates.change_failure_rate(h);
  const [low, high] = wilson(failed, completed);
  return {
    completed: h.completed,
    failed: h.failed,
    failureRate: { value: failed / completed, low, high },
    incidents: h.incidents,
    overrunMedianMinutes: h.overrun_median_minutes,
    overrunP85Minutes: h.overrun_p85_minutes,
    timed: h.timed,
  };
}

const asPercent = (v: number) => `${(v * 100).toFixed(0)}%`;
const asDuration = (m: number) => (Math.abs(m) >= 90 ? `${(m / 60).toFixed(1)} h` : `${Math.round(m)} min`);
const asMinute = (iso: string | null) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : '?');

/** Every reason this unit deserves the board's attention, and what cannot be judged. */
export function judge(
  row: Row,
  record: ServiceRecord | null,
  overall: ServiceRecord | null,
  historyDays: number,
  fromAt: string,
): { reasons: Reason[]; notJudged: string[] } {
  const reasons: Reason[] = [];
  const notJudged: string[] = [];
  const kind = row.unit_kind;
  for (const f of row.freezes)
    reasons.push({
      level: 'stop',
      text: `touches the freeze "${f.name ?? f.id}" (${asMinute(f.starts)} to ${asMinute(f.ends)})`,
    });
  if (row.has_approval) {
    if (row.approved_at === null && row.cab_required)
      reasons.push({ level: 'stop', text: 'needs CAB approval and has none yet' });
    else if (row.approved_at === null) reasons.push({ level: 'look', text: 'not approved yet' });
  } else notJudged.push(`approval: its source (${row.source}) sends no approval dates`);
  if (row.planned_end === null) notJudged.push('collisions and freezes: it has no planned end');
  else if (row.collisions.length > 0)
    reasons.push({
      level: 'look',
      text: `overlaps ${row.collisions.length} other open ${kind}${row.collisions.length === 1 ? '' : 's'}: ${row.collisions
        .map((c) => `${c.id} (${c.shared}, ${asMinute(c.starts)} to ${asMinute(c.ends)})`)
        .join('; ')}`,
    });
  if (row.has_rollback_test) {
    if (row.rollback_tested !== true) reasons.push({ level: 'look', text: 'rollback (backout plan) not tested' });
  } else notJudged.push(`backout plan: its source (${row.source}) sends no rollback-tested flag`);
  if (row.has_service_desk) {
    // a briefing is due shortly before the start: said for what starts within two days of the agenda
    const soon = row.planned_start !== null && Date.parse(row.planned_start) - Date.parse(fromAt) <= 2 * 86_400_000;
    if (row.service_desk_notified_at === null && soon)
      reasons.push({ level: 'note', text: 'service desk not briefed yet, and it starts within two days' });
  } else notJudged.push(`service desk briefing: its source (${row.source}) sends no briefing dates`);
  if (row.risk === 'high' || row.risk === 'critical') reasons.push({ level: 'note', text: `risk ${row.risk}` });
  if (row.unit_type === 'emergency') reasons.push({ level: 'note', text: `an emergency ${kind}` });
  const service = row.service ?? 'its service';
  if (!record) notJudged.push(`track record: no ${kind} of ${service} went live in the last ${historyDays} days`);
  else if (record.failureRate) {
    const r = record.failureRate;
    const base = overall?.failureRate;
    const said = `${service}'s ${kind}s failed ${record.failed} of ${record.completed} in the last ${historyDays} days (${asPercent(r.value)}, 95% interval ${asPercent(r.low)}–${asPercent(r.high)})`;
    if (base && r.low > base.value)
      reasons.push({ level: 'look', text: `${said}, above the ${asPercent(base.value)} of all ${kind}s` });
    else if (record.failed > 0) reasons.push({ level: 'note', text: said });
  }
  if (record && record.timed >= MIN_TIMED && record.overrunP85Minutes !== null && row.planned_minutes !== null) {
    if (record.overrunP85Minutes > Math.max(30, row.planned_minutes / 2))
      reasons.push({
        level: 'look',
        text: `${service}'s ${kind}s often overrun: 15% ran ${asDuration(record.overrunP85Minutes)} or more past plan (median ${asDuration(record.overrunMedianMinutes ?? 0)}), against a planned ${asDuration(row.planned_minutes)}`,
      });
  } else if (record)
    notJudged.push(`overrun: fewer than ${MIN_TIMED} of ${service}'s ${kind}s had planned and actual windows`);
  if (row.in_maintenance) reasons.push({ level: 'note', text: 'inside a maintenance window' });
  return { reasons, notJudged };
}

const count = (reasons: Reason[], level: ReasonLevel) => reasons.filter((r) => r.level === level).length;

/** Stop reasons first, then look reasons, then the planned start. */
export const byEvidence = (a: UpcomingItem, b: UpcomingItem) =>
  count(b.reasons, 'stop') - count(a.reasons, 'stop') ||
  count(b.reasons, 'look') - count(a.reasons, 'look') ||
  String(a.planned_start).localeCompare(String(b.planned_start)) ||
  a.unit_id.localeCompare(b.unit_id);

export async function getUpcoming(p: UpcomingParams): Promise<Upcoming> {
  const fromAt = new Date(p.fromAt);
  const toAt = new Date(fromAt.getTime() + p.days * 86_400_000);
  const kinds = p.kind === 'all' ? (['release', 'change'] as const) : ([p.kind] as const);
  const history = async (unit: 'release' | 'change') =>
    withModels(
      async (conn) =>
        (
          await runQuery(
            conn,
            'upcoming_history',
            {
              unit,
              window_hours: p.window,
              failure_max_priority: p.severity,
              from_at: fromAt.toISOString(),
              history_days: p.historyDays,
            },
            { history_days: INTEGER },
          )
        ).map((r) => historySchema.parse(r)),
      { unit, window: p.window },
    );
  const histories = new Map<string, History[]>();
  for (const kind of kinds) histories.set(kind, await history(kind));
  return withModels(async (conn) => {
    const bind = { from_at: fromAt.toISOString(), to_at: toAt.toISOString() };
    const rows = (
      await runQuery(
        conn,
        'upcoming_units',
        { ...bind, services: listValue(p.services), teams: listValue(p.teams), types: listValue([]) },
        {
          services: LIST(VARCHAR),
          teams: LIST(VARCHAR),
          types: LIST(VARCHAR),
        },
      )
    )
      .map((r) => rowSchema.parse(r))
      .filter((r) => kinds.includes(r.unit_kind as never));
    const [next] = await runQuery(conn, 'upcoming_next', bind);
    const items = rows.map((row) => {
      const h = histories.get(row.unit_kind) ?? [];
      const record = toRecord(h.find((x) => !x.is_total && x.service === row.service));
      const overall = toRecord(h.find((x) => x.is_total));
      const { has_approval: _a, has_rollback_test: _r, has_service_desk: _s, ...shown } = row;
      return { ...shown, record, overall, ...judge(row, record, overall, p.historyDays, fromAt.toISOString()) };
    });
    return {
      fromAt: fromAt.toISOString(),
      toAt: toAt.toISOString(),
      historyDays: p.historyDays,
      items: items.sort(byEvidence),
      next: {
        after: next?.next_after instanceof Date ? next.next_after.toISOString() : null,
        latest: next?.latest instanceof Date ? next.latest.toISOString() : null,
      },
    };
  });
}
