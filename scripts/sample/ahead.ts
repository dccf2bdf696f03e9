/**
 * The change advisory board's next two weeks in the sample organisation: the
 * releases and changes scheduled after its "today" (2026-01-06), with planted
 * cases the upcoming-changes page should find (data/sample/README.md):
 *   - two checkout releases whose windows overlap on Tuesday 13 January;
 *   - a billing release inside a new billing freeze (14-16 January);
 *   - two standalone payments changes on the same database CI that overlap;
 *   - an identity change that needs CAB approval and has none;
 * and a few ordinary ones around them. Its own random stream, so the records
 * before it are the same bytes as before it was added.
 */
import type { Random } from './random.ts';
import { type Cell, DAY_MS, HOUR_MS, iso } from './run.ts';

interface Sink {
  push(row: Cell[]): void;
}

const at = (date: string, hour: number, minute = 0) =>
  Date.parse(`${date}T00:00:00Z`) + hour * HOUR_MS + minute * 60_000;

export interface AheadContext {
  rnd: Random;
  /** "Today" of the sample: the scheduled records start after it. */
  today: number;
  /** The released services and their teams. */
  services: { team: string; service: string }[];
  /** The next release number and change number to use. */
  next: { release: number; change: number };
  sinks: { releases: Sink; changes: Sink; freeze_windows: Sink };
}

interface Planned {
  service: string;
  title: string;
  type: 'major' | 'minor' | 'patch' | 'emergency';
  start: number;
  hours: number;
  approved: boolean;
  rollbackTested: boolean;
  /** The CIs of its changes (one change per CI); suffixes of the service name. */
  cis: string[];
  risk: 'low' | 'medium' | 'high' | 'critical';
}

/** The freeze the billing release runs into. */
export const billingFreeze = { id: 'FRZ-2026-01-BILLING', from: '2026-01-14', to: '2026-01-16' };

export function scheduleAhead(ctx: AheadContext): void {
  const { rnd, today, sinks } = ctx;
  const teamOf = new Map(ctx.services.map((s) => [s.service, s.team]));
  const planted: Planned[] = [
    {
      service: 'checkout',
      title: 'Rework checkout totals',
      type: 'major',
      start: at('2026-01-13', 20),
      hours: 2,
      approved: true,
      rollbackTested: true,
      cis: ['api', 'db'],
      risk: 'high',
    },
    {
      service: 'checkout',
      title: 'Fix checkout coupon rounding',
      type: 'patch',
      start: at('2026-01-13', 21),
      hours: 2,
      approved: true,
      rollbackTested: false,
      cis: ['api'],
      risk: 'medium',
    },
    {
      service: 'billing',
      title: 'Extend billing exports',
      type: 'minor',
      start: at('2026-01-15', 10),
      hours: 2,
      approved: false,
      rollbackTested: true,
      cis: ['worker'],
      risk: 'medium',
    },
  ];
  const releases: Planned[] = [...planted];
  // ordinary ones on weekdays around them
  for (let day = today; day < today + 14 * DAY_MS; day += DAY_MS) {
    const weekday = new Date(day).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    for (let k = rnd.poisson(1.2); k > 0; k--) {
      const { service } = rnd.pick(ctx.services);
      releases.push({
        service,
        title: `${rnd.pick(['Add', 'Improve', 'Harden', 'Simplify'])} ${rnd.pick(['search filters', 'exports', 'rate limits', 'onboarding', 'audit log'])}`,
        type: rnd.pick(['minor', 'minor', 'patch', 'major'] as const),
        start: day + rnd.pick([7, 9, 10, 14, 20]) * HOUR_MS + rnd.pick([0, 30]) * 60_000,
        hours: rnd.int(1, 3),
        approved: rnd.chance(0.75),
        rollbackTested: rnd.chance(0.85),
        cis: [rnd.pick(['api', 'db', 'worker'])],
        risk: rnd.pick(['low', 'low', 'medium', 'high'] as const),
      });
    }
  }
  releases.sort((a, b) => a.start - b.start || a.service.localeCompare(b.service));
  const changeId = () => `CHG${String(ctx.next.change++).padStart(6, '0')}`;
  for (const r of releases) {
    const releaseId = `REL-${String(ctx.next.release++).padStart(5, '0')}`;
    const requested = r.start - rnd.int(3, 12) * DAY_MS;
    const approvedAt = r.approved ? iso(Math.min(requested + rnd.int(1, 3) * DAY_MS, today - HOUR_MS)) : null;
    const end = r.start + r.hours * HOUR_MS;
    const briefed = r.start - today < 3 * DAY_MS ? iso(today - rnd.int(1, 20) * HOUR_MS) : null;
    sinks.releases.push([
      releaseId,
      r.title,
      `${ctx.next.release % 9}.${ctx.next.release % 7}.0`,
      r.type,
      r.approved ? 'approved' : 'planned',
      r.service,
      teamOf.get(r.service) ?? null,
      rnd.pick(['ana', 'bo', 'chen', 'dara']),
      iso(requested),
      approvedAt,
      iso(r.start),
      iso(end),
      null,
      null,
      r.rollbackTested,
      briefed,
      null,
    ]);
    for (const ci of r.cis) {
      const changeType = r.type === 'emergency' ? 'emergency' : 'normal';
      sinks.changes.push([
        changeId(),
        releaseId,
        changeType,
        r.risk,
        r.service,
        `${r.service}-${ci}`,
        iso(requested),
        approvedAt,
        changeType === 'normal' && r.risk !== 'low',
        iso(r.start),
        iso(end),
        null,
        null,
        null,
        null,
        r.rollbackTested,
        briefed,
        null,
      ]);
    }
  }
  // standalone changes: two on the payments database that overlap, and one that waits for the CAB
  const standalone: [string, string, number, number, 'high' | 'critical', boolean][] = [
    ['payments', 'payments-db', at('2026-01-08', 22), 1.5, 'high', true],
    ['payments', 'payments-db', at('2026-01-08', 23), 2, 'critical', true],
    ['identity', 'identity-api', at('2026-01-09', 14), 1, 'high', false],
  ];
  for (const [service, ci, start, hours, risk, approved] of standalone) {
    const requested = start - 5 * DAY_MS;
    sinks.changes.push([
      changeId(),
      null,
      'normal',
      risk,
      service,
      ci,
      iso(requested),
      approved ? iso(requested + DAY_MS) : null,
      true,
      iso(start),
      iso(start + hours * HOUR_MS),
      null,
      null,
      null,
      null,
      true,
      null,
      null,
    ]);
  }
  sinks.freeze_windows.push([
    billingFreeze.id,
    'Billing annual close',
    `${billingFreeze.from}T00:00:00Z`,
    `${billingFreeze.to}T00:00:00Z`,
    'billing',
    'freeze',
  ]);
}
