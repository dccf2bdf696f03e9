/**
 * The patterns planted in the sample organisation (data/sample/README.md) are
 * visible in the KPI output.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { getKpis } from '../../queries/kpis.ts';
import { kpiParamsSchema } from '../../queries/params.ts';
import { withModels } from '../../queries/snapshot.ts';
import { getUnits } from '../../queries/units.ts';
import { sampleServices } from '../../scripts/sample/organisation.ts';
import { freshDatabase, loadFolder } from '../helpers.ts';

const twoYears = { from: '2024-01-01', to: '2026-01-01', as_of: '2026-01-06T00:00:00Z' };
const kpis = (extra: Record<string, unknown>) => getKpis(kpiParamsSchema.parse({ ...twoYears, ...extra }));
const value = (r: { value: number } | null) => {
  if (!r) throw new Error('rate is null');
  return r.value;
};

const services: string[] = sampleServices;

describe('sample organisation patterns', () => {
  beforeAll(async () => {
    freshDatabase();
    await loadFolder(path.join(import.meta.dirname, '..', '..', 'data', 'sample'));
  });

  it('has about 2,000 completed releases over two years', async () => {
    const r = await kpis({});
    expect(r.kpis.completed).toBeGreaterThan(1800);
  });

  it('checkout has about 3x the post-release incident rate of a typical service', async () => {
    const rates: Record<string, number> = {};
    for (const service of services) {
      rates[service] = value((await kpis({ service: [service] })).kpis.post_release_incident_rate);
    }
    const others = services
      .filter((s) => s !== 'checkout')
      .map((s) => rates[s] ?? 0)
      .sort((a, b) => a - b);
    const median = others[Math.floor(others.length / 2)] ?? 1;
    expect((rates.checkout ?? 0) / median).toBeGreaterThan(2.5);
    expect(Math.max(...others)).toBeLessThan((rates.checkout ?? 0) / 1.8);
  });

  it('Friday-evening go-lives fail about twice as often', async () => {
    const units = (await getUnits(kpiParamsSchema.parse(twoYears))).filter((u) => u.is_completed);
    const fridayEvening = (u: (typeof units)[number]) => u.golive_weekday === 5 && (u.golive_hour ?? 0) >= 17;
    const cfr = (list: typeof units) => list.filter((u) => u.is_failed).length / list.length;
    const ratio = cfr(units.filter(fridayEvening)) / cfr(units.filter((u) => !fridayEvening(u)));
    expect(ratio).toBeGreaterThan(1.6);
    expect(ratio).toBeLessThan(2.6);
  });

  it('emergency releases roll back about 3x as often', async () => {
    const emergency = value((await kpis({ type: ['emergency'] })).kpis.rollback_rate);
    const planned = value((await kpis({ type: ['major', 'minor', 'patch'] })).kpis.rollback_rate);
    expect(emergency / planned).toBeGreaterThan(2.3);
    expect(emergency / planned).toBeLessThan(4.5);
  });

  it('schedule adherence drops in December 2025, with two freeze violations', async () => {
    const month = (from: string, to: string) => kpis({ from, to });
    const december = await month('2025-12-01', '2026-01-01');
    const october = await month('2025-10-01', '2025-11-01');
    const november = await month('2025-11-01', '2025-12-01');
    expect(value(december.kpis.schedule_adherence)).toBeLessThan(0.7);
    expect(value(october.kpis.schedule_adherence)).toBeGreaterThan(0.8);
    expect(value(november.kpis.schedule_adherence)).toBeGreaterThan(0.8);
    expect(december.kpis.freeze_violations).toBe(2);
    expect((await kpis({})).kpis.freeze_violations).toBe(2);
  });

  it("Team Find's change failure rate halves after it adopts canary deployments in 2025", async () => {
    const cfr = async (team: string, from: string, to: string) =>
      value((await kpis({ team: [team], from, to })).kpis.change_failure_rate);
    const before = await cfr('Team Find', '2024-01-01', '2025-01-01');
    const after = await cfr('Team Find', '2025-01-01', '2026-01-01');
    expect(after / before).toBeLessThan(0.6);
    for (const team of ['Team Ledger', 'Team Edge', 'Team Core']) {
      const ratio = (await cfr(team, '2025-01-01', '2026-01-01')) / (await cfr(team, '2024-01-01', '2025-01-01'));
      expect(ratio, team).toBeGreaterThan(0.65);
    }
  });

  it('explicit links cover only about a third of attributed incidents', async () => {
    const units = await getUnits(kpiParamsSchema.parse(twoYears));
    const confirmed = units.reduce((s, u) => s + u.confirmed_incidents, 0);
    const likely = units.reduce((s, u) => s + u.likely_incidents, 0);
    expect(confirmed / (confirmed + likely)).toBeGreaterThan(0.2);
    expect(confirmed / (confirmed + likely)).toBeLessThan(0.45);
  });

  it('carries data-quality problems: releases requested after go-live', async () => {
    const units = await getUnits(kpiParamsSchema.parse(twoYears));
    const requestedAfter = units.filter((u) => u.requested_at && u.end_at && u.requested_at > u.end_at);
    expect(requestedAfter.length).toBe(3);
    const r = await kpis({});
    expect(r.kpis.lead_time_hours?.n).toBe(r.kpis.completed - 3);
  });

  it('carries data-quality problems: incidents with neither service nor CI', async () => {
    const rows = await withModels(async (conn) =>
      (
        await conn.runAndReadAll(
          'select count(*)::integer as n from stg_incidents where service is null and ci is null',
        )
      ).getRowObjectsJS(),
    );
    expect(Number(rows[0]?.n)).toBeGreaterThan(100);
  });

  it('Team Edge often skips rollback tests, and releases without a tested rollback fail more often', async () => {
    const edge = value((await kpis({ team: ['Team Edge'] })).kpis.policy_checks?.rollback_tested ?? null);
    const rest = value(
      (await kpis({ team: ['Team Ledger', 'Team Find', 'Team Core'] })).kpis.policy_checks?.rollback_tested ?? null,
    );
    expect(edge).toBeLessThan(0.7);
    expect(rest).toBeGreaterThan(0.85);
    const byTest = await withModels(async (conn) =>
      (
        await conn.runAndReadAll(
          `select chk_rollback_tested as tested, avg(is_failed::integer) as cfr
           from fct_scoped_units('release', 48, 2, [], [], []) where is_completed group by all`,
        )
      ).getRowObjectsJS(),
    );
    const cfr = (tested: boolean) => Number(byTest.find((r) => r.tested === tested)?.cfr);
    expect(cfr(false) / cfr(true)).toBeGreaterThan(1.5);
  });

  it('satisfaction dips after failed releases, and some releases get no response', async () => {
    const k = (await kpis({})).kpis;
    expect(k.satisfaction?.responses).toBeGreaterThan(1500);
    expect(k.satisfaction?.units_without_response).toBeGreaterThan(300);
    const byOutcome = await withModels(async (conn) =>
      (
        await conn.runAndReadAll(
          `select u.is_failed as failed, avg((s.score >= 4)::integer) as csat
           from fct_confirmed_links l
           join stg_surveys s on s.response_id = l.record_id
           join fct_scoped_units('release', 48, 2, [], [], []) u on u.unit_id = l.unit_id
           where l.record_kind = 'survey' and l.unit_kind = 'release' and u.is_completed
             and s.responded_at between u.end_at and u.end_at + interval 14 days
           group by all`,
        )
      ).getRowObjectsJS(),
    );
    const csat = (failed: boolean) => Number(byOutcome.find((r) => r.failed === failed)?.csat);
    expect(csat(false)).toBeGreaterThan(0.75);
    expect(csat(true)).toBeLessThan(0.55);
  });

  it('post-release reviews run late in December 2025', async () => {
    const december = value(
      (await kpis({ from: '2025-12-01', to: '2026-01-01' })).kpis.policy_checks?.review_on_time ?? null,
    );
    const year = value(
      (await kpis({ from: '2025-01-01', to: '2025-12-01' })).kpis.policy_checks?.review_on_time ?? null,
    );
    expect(year - december).toBeGreaterThan(0.2);
  });
});
