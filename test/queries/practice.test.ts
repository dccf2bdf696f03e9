/**
 * Release practice beyond the contract (docs/kpis.md, "Release practice"):
 * calendar collisions, deployment duration and overrun, and the problem view,
 * on a small fixture whose expected values are worked out by hand below.
 * Period March 2025, UTC, release units, 48 h window.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { getBuckets, getCalendar } from '../../queries/analysis.ts';
import { getProblems } from '../../queries/incidents.ts';
import { kpiParamsSchema } from '../../queries/params.ts';
import { getUnits, type UnitRow } from '../../queries/units.ts';
import { csvFolder, freshDatabase, loadFolder } from '../helpers.ts';

type Row = Record<string, string | number | boolean | null>;
const at = (day: number, time: string) => `2025-03-${String(day).padStart(2, '0')}T${time}:00Z`;

/** A deployed release of `service`; every row has the same columns (one CSV header). */
const release = (
  id: string,
  service: string,
  planned: [string, string] | null,
  actual: [string | null, string],
  status = 'deployed',
): Row => ({
  release_id: id,
  release_type: 'minor',
  status,
  service,
  requested_at: '2025-02-01T00:00:00Z',
  planned_start: planned?.[0] ?? null,
  planned_end: planned?.[1] ?? null,
  actual_start: status === 'deployed' ? actual[0] : null,
  actual_end: status === 'deployed' ? actual[1] : null,
});

const change = (id: string, releaseId: string, service: string, ci: string, actual: [string, string]): Row => ({
  change_id: id,
  release_id: releaseId,
  change_type: 'normal',
  service,
  ci,
  requested_at: '2025-02-01T00:00:00Z',
  actual_start: actual[0],
  actual_end: actual[1],
  outcome: 'successful',
});

const incident = (
  id: string,
  opened: string,
  priority: number,
  service: string | null,
  ci: string | null,
  problem: string | null,
  causedBy: string | null = null,
): Row => ({
  incident_id: id,
  opened_at: opened,
  priority,
  service,
  ci,
  caused_by_release_id: causedBy,
  problem_id: problem,
});

// Monday 3 March, service pay:
//   R1 planned 10:00-11:00, ran 10:00-12:00: 120 min, 60 planned, overrun +60;
//   R2 planned 11:00-12:00, ran 11:30-11:45: 15 min, overrun -45; starts while R1 runs: R1 <-> R2;
//   R3 no plan, ran 12:00-12:30: 30 min; starts as R1 ends (touching is no collision);
//   R6 and R7 no start, live at the same instant on 4 March 09:00: duration null; R6 <-> R7;
//   R8 only planned (10:30-11:00, inside R1's run): not live, so no collision.
// Services shop and web share CI db-1 through their changes:
//   R4 (shop) planned 11:00-12:00, ran 11:00-13:00: 120 min, overrun +60;
//   R5 (web) ran 12:59-13:10: 11 min; starts while R4 runs: R4 <-> R5 on db-1.
const releases = [
  release('R1', 'pay', [at(3, '10:00'), at(3, '11:00')], [at(3, '10:00'), at(3, '12:00')]),
  release('R2', 'pay', [at(3, '11:00'), at(3, '12:00')], [at(3, '11:30'), at(3, '11:45')]),
  release('R3', 'pay', null, [at(3, '12:00'), at(3, '12:30')]),
  release('R4', 'shop', [at(3, '11:00'), at(3, '12:00')], [at(3, '11:00'), at(3, '13:00')]),
  release('R5', 'web', null, [at(3, '12:59'), at(3, '13:10')]),
  release('R6', 'pay', null, [null, at(4, '09:00')]),
  release('R7', 'pay', null, [null, at(4, '09:00')]),
  release('R8', 'pay', [at(3, '10:30'), at(3, '11:00')], [null, at(3, '11:00')], 'approved'),
];
const changes = [
  change('C4', 'R4', 'shop', 'db-1', [at(3, '11:00'), at(3, '13:00')]),
  change('C5', 'R5', 'web', 'db-1', [at(3, '12:59'), at(3, '13:10')]),
];
// Attribution (latest start wins among units whose [start, end + 48 h] holds the incident):
//   I1 12:30 pay P2 PRB1 -> R3 (R1, R2, R3 reach it; R3 started last);
//   I2 11:40 pay P3 PRB1 -> R2 (R1 and R2 reach it);
//   I3 13:05 CI db-1 P1 PRB2 -> R5 (R4 and R5 carry db-1; R5 started last);
//   I4 12:45 pay P2 PRB1, caused by R1 -> R1, confirmed;
//   I5 20 March pay P4 PRB1 -> none (no unit reaches it), but one of PRB1's incidents in the period;
//   I6 12:50 pay P3, no problem -> R3, not in the problem view.
const incidents = [
  incident('I1', at(3, '12:30'), 2, 'pay', 'pay-api', 'PRB1'),
  incident('I2', at(3, '11:40'), 3, 'pay', 'pay-api', 'PRB1'),
  incident('I3', at(3, '13:05'), 1, 'other', 'db-1', 'PRB2'),
  incident('I4', at(3, '12:45'), 2, 'pay', null, 'PRB1', 'R1'),
  incident('I5', at(20, '08:00'), 4, 'pay', null, 'PRB1'),
  incident('I6', at(3, '12:50'), 3, 'pay', null, null),
];
const deployments = [
  {
    deployment_id: 'D1',
    release_id: 'R1',
    service: 'pay',
    environment: 'production',
    started_at: at(3, '10:05'),
    finished_at: at(3, '11:55'),
    status: 'succeeded',
  },
];

const params = (unit: 'release' | 'change' | 'deployment' = 'release') =>
  kpiParamsSchema.parse({ from: '2025-03-01', to: '2025-04-01', unit });

describe('release practice on a hand-computed fixture', () => {
  beforeAll(async () => {
    freshDatabase();
    await loadFolder(csvFolder({ releases, changes, incidents, deployments }));
  });

  const byId = (rows: UnitRow[]) => new Map(rows.map((r) => [r.unit_id, r]));

  it('measures each deployment window and its overrun against the plan; an empty end gives null', async () => {
    const units = byId(await getUnits(params()));
    const pick = (id: string) => {
      const u = units.get(id);
      return [u?.duration_minutes, u?.planned_minutes, u?.overrun_minutes];
    };
    expect(pick('R1')).toEqual([120, 60, 60]);
    expect(pick('R2')).toEqual([15, 60, -45]);
    expect(pick('R3')).toEqual([30, null, null]);
    expect(pick('R4')).toEqual([120, 60, 60]);
    expect(pick('R5')).toEqual([11, null, null]);
    expect(pick('R6')).toEqual([null, null, null]);
    expect(pick('R8')).toEqual([null, 30, null]);
    const deployment = byId(await getUnits(params('deployment'))).get('D1');
    expect([deployment?.duration_minutes, deployment?.planned_minutes]).toEqual([110, null]);
  });

  it('trends the overrun rate and the median window by bucket', async () => {
    const [march] = (await getBuckets(params(), 'month')).filter((b) => b.segment === 'all');
    // with both windows: R1 (+60), R2 (-45), R4 (+60): 2 overran of 3; durations 11, 15, 30, 120, 120
    expect([march?.overran, march?.overrun_cohort, march?.duration_median_minutes]).toEqual([2, 3, 30]);
  });

  it('flags go-lives whose windows collide on a shared service or CI, naming the other unit', async () => {
    const units = byId(await getUnits(params()));
    const collisions = Object.fromEntries(
      [...units.values()].map((u) => [u.unit_id, u.collides_with ? `${u.collides_with} on ${u.collides_on}` : null]),
    );
    expect(collisions).toEqual({
      R1: 'R2 on pay',
      R2: 'R1 on pay',
      R3: null,
      R4: 'R5 on db-1',
      R5: 'R4 on db-1',
      R6: 'R7 on pay',
      R7: 'R6 on pay',
      R8: null,
    });
    // changes collide on their own CI too: C4 ran 11:00-13:00, C5 started 12:59
    const changeUnits = byId(await getUnits(params('change')));
    expect(changeUnits.get('C4')?.collides_with).toBe('C5');
    expect(changeUnits.get('C5')?.collides_on).toBe('db-1');
    // the calendar carries the same flags for the period's go-lives (R8 is not live)
    const calendar = await getCalendar(params());
    const flagged = calendar.unit_id.filter((_, i) => calendar.collides_with[i] !== null).sort();
    expect(flagged).toEqual(['R1', 'R2', 'R4', 'R5', 'R6', 'R7']);
  });

  it('ranks problems by attributed incidents with the units and CIs that feed them', async () => {
    const problems = await getProblems(params());
    expect(problems.map(({ first_opened_ms, last_opened_ms, ...p }) => p)).toEqual([
      {
        problem_id: 'PRB1',
        source: 'csv',
        incidents: 3, // I1, I2, I4
        failure_making: 2, // I1 and I4 are P2
        confirmed: 1, // I4
        units: 3,
        problem_incidents: 4, // I5 opened in March but no unit reaches it
        top_units: [
          { id: 'R1', incidents: 1 },
          { id: 'R2', incidents: 1 },
          { id: 'R3', incidents: 1 },
        ],
        cis: 1,
        top_cis: [{ id: 'pay-api', incidents: 2 }],
      },
      {
        problem_id: 'PRB2',
        source: 'csv',
        incidents: 1,
        failure_making: 1,
        confirmed: 0,
        units: 1,
        problem_incidents: 1,
        top_units: [{ id: 'R5', incidents: 1 }],
        cis: 1,
        top_cis: [{ id: 'db-1', incidents: 1 }],
      },
    ]);
    expect(new Date(problems[0]?.last_opened_ms ?? 0).toISOString()).toBe('2025-03-03T12:45:00.000Z');
  });
});
