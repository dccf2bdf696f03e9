/**
 * Release governance KPIs (docs/kpis.md): backlog, policy checks with
 * per-source applicability, compliance and satisfaction, on a small fixture
 * whose expected values are worked out by hand in the comments.
 * Period March 2025, UTC, as of 2025-04-15T00:00:00Z.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { getBacklogSeries } from '../../queries/analysis.ts';
import { getKpis, type KpiReport } from '../../queries/kpis.ts';
import { kpiParamsSchema } from '../../queries/params.ts';
import { getUnits } from '../../queries/units.ts';
import { csvFolder, freshDatabase, loadFolder } from '../helpers.ts';

type Row = Record<string, string | number | boolean | null>;

/** A release of the governed source, live on `day` (YYYY-MM-DD) 10:00-11:00 UTC. */
const governed = (id: string, day: string, extra: Row = {}): Row => ({
  release_id: id,
  release_type: 'minor',
  status: 'deployed',
  service: 'svc',
  requested_at: '2025-02-01T00:00:00Z',
  approved_at: '2025-02-15T00:00:00Z',
  planned_end: `${day}T11:00:00Z`,
  actual_start: `${day}T10:00:00Z`,
  actual_end: `${day}T11:00:00Z`,
  rollback_tested: true,
  service_desk_notified_at: '2025-02-20T00:00:00Z',
  review_completed_at: null,
  ...extra,
});

/** A release of a source that sends no governance columns and no approvals. */
const plain = (id: string, day: string, extra: Row = {}): Row => ({
  release_id: id,
  release_type: 'minor',
  status: 'deployed',
  service: 'svc',
  requested_at: '2025-02-01T00:00:00Z',
  planned_end: `${day}T11:00:00Z`,
  actual_start: `${day}T10:00:00Z`,
  actual_end: `${day}T11:00:00Z`,
  ...extra,
});

const open = (id: string, status: string, requested: string, extra: Row = {}): Row =>
  plain(id, '2025-01-01', {
    status,
    requested_at: requested,
    planned_end: null,
    actual_start: null,
    actual_end: null,
    ...extra,
  });

const change = (id: string, extra: Row = {}): Row => ({
  change_id: id,
  release_id: null,
  change_type: 'normal',
  requested_at: '2025-03-01T00:00:00Z',
  planned_end: null,
  actual_start: null,
  actual_end: null,
  outcome: null,
  closed_at: null,
  ...extra,
});

const survey = (id: string, release: string | null, changeId: string | null, at: string, score: number): Row => ({
  response_id: id,
  release_id: release,
  change_id: changeId,
  responded_at: at,
  score,
  comment: null,
});

const report = async (unit = 'release'): Promise<KpiReport['kpis']> =>
  (await getKpis(kpiParamsSchema.parse({ unit, from: '2025-03-01', to: '2025-04-01', as_of: '2025-04-15T00:00:00Z' })))
    .kpis;

describe('release governance KPIs', () => {
  let rejected = 0;
  beforeAll(async () => {
    freshDatabase();
    await loadFolder(
      csvFolder({
        releases: [
          // Monday; review on the 5th business day after (Monday 10th): passes every check
          governed('R1', '2025-03-03', { review_completed_at: '2025-03-10T09:00:00Z' }),
          // Monday 12:00-13:00; rollback not tested, desk told after the start, review on the 6th business day
          governed('R2', '2025-03-03', {
            actual_start: '2025-03-03T12:00:00Z',
            actual_end: '2025-03-03T13:00:00Z',
            planned_end: '2025-03-03T13:00:00Z',
            rollback_tested: false,
            service_desk_notified_at: '2025-03-03T12:30:00Z',
            review_completed_at: '2025-03-11T09:00:00Z',
          }),
          // Friday; never approved, rollback test and desk empty (applicable: the source sends them): fail;
          // review the next Friday, the last day: passes
          governed('R3', '2025-03-07', {
            approved_at: null,
            rollback_tested: null,
            service_desk_notified_at: null,
            review_completed_at: '2025-03-14T20:00:00Z',
          }),
          // Saturday; review on the Saturday after (last day was Friday 14th): fails
          governed('R4', '2025-03-08', { review_completed_at: '2025-03-15T08:00:00Z' }),
          // Sunday; review on Friday 14th, the 5th business day: passes every check
          governed('R5', '2025-03-09', { review_completed_at: '2025-03-14T12:00:00Z' }),
          // review before go-live: fails
          governed('R6', '2025-03-10', { review_completed_at: '2025-03-10T09:00:00Z' }),
        ],
      }),
      { source: 'itsm' },
    );
    await loadFolder(
      csvFolder({
        releases: [
          plain('S1', '2025-03-11'),
          // inside a freeze window
          plain('S2', '2025-03-12'),
          // the backlog at 2025-04-15: B0 and B1 requested at the same instant (B0 first), B1 overdue
          open('B0', 'approved', '2025-03-01T00:00:00Z'),
          open('B1', 'planned', '2025-03-01T00:00:00Z', { planned_end: '2025-04-01T00:00:00Z' }),
          open('B2', 'in_progress', '2025-04-01T00:00:00Z', { planned_end: '2025-05-01T00:00:00Z' }),
          // cancelled, latest own timestamp 2025-02-20: left the backlog before
          open('B3', 'cancelled', '2025-02-01T00:00:00Z', { planned_end: '2025-02-20T00:00:00Z' }),
          // cancelled, latest own timestamp 2025-05-10 (after as_of): still in the backlog at 2025-04-15
          open('B4', 'cancelled', '2025-04-10T00:00:00Z', { planned_end: '2025-05-10T00:00:00Z' }),
          // went live after as_of: in the backlog then, and overdue
          plain('B5', '2025-04-20', { requested_at: '2025-03-20T00:00:00Z', planned_end: '2025-04-10T00:00:00Z' }),
          // requested after as_of: not yet
          open('B6', 'planned', '2025-04-20T00:00:00Z'),
        ],
        changes: [
          // the change of R5 (a survey names it); live Sunday 9th 10:00-11:00
          change('C9', {
            release_id: 'R5',
            actual_start: '2025-03-09T10:00:00Z',
            actual_end: '2025-03-09T11:00:00Z',
            outcome: 'successful',
          }),
          // cancelled and closed on 2025-04-01, though planned to end in May: out of the backlog
          change('C1', {
            outcome: 'cancelled',
            closed_at: '2025-04-01T00:00:00Z',
            planned_end: '2025-05-01T00:00:00Z',
          }),
          change('C2', { requested_at: '2025-04-02T00:00:00Z' }),
        ],
        freeze_windows: [
          {
            window_id: 'F1',
            name: 'freeze',
            starts_at: '2025-03-12T00:00:00Z',
            ends_at: '2025-03-12T23:59:00Z',
            service: 'svc',
            kind: 'freeze',
          },
        ],
        surveys: [
          survey('V1', 'R1', null, '2025-03-04T00:00:00Z', 5),
          survey('V2', 'R1', null, '2025-03-10T00:00:00Z', 3),
          // exactly 14 days after R2's go-live: counts
          survey('V3', 'R2', null, '2025-03-17T13:00:00Z', 4),
          // 14 days and an hour after R3's go-live: does not count
          survey('V4', 'R3', null, '2025-03-21T12:00:00Z', 5),
          // about change C9: counts for its release R5, and for C9 as a change
          survey('V5', null, 'C9', '2025-03-10T00:00:00Z', 1),
          // before R2's go-live: does not count
          survey('V6', 'R2', null, '2025-03-02T00:00:00Z', 5),
          // names nothing: rejected
          survey('V7', null, null, '2025-03-05T00:00:00Z', 5),
        ],
      }),
      { source: 'sheet' },
    ).then((summaries) => {
      rejected = summaries.find((s) => s.entity === 'surveys')?.rowsRejected ?? -1;
    });
  });

  it('rejects a survey response that names neither a release nor a change', () => {
    expect(rejected).toBe(1);
  });

  it('rates each policy check over the units it applies to, and leaves the rest out', async () => {
    const k = await report();
    expect(k.completed).toBe(8);
    const checks = k.policy_checks;
    // the governed source only (6 units): R3 never approved
    expect(checks?.authorised_before_start).toMatchObject({ numerator: 5, denominator: 6 });
    // R2 false, R3 empty
    expect(checks?.rollback_tested).toMatchObject({ numerator: 4, denominator: 6 });
    // R2 told after the start, R3 never
    expect(checks?.service_desk_notified).toMatchObject({ numerator: 4, denominator: 6 });
    // every unit: S2 overlaps the freeze
    expect(checks?.outside_freeze).toMatchObject({ numerator: 7, denominator: 8 });
    // R1, R3 (Friday -> next Friday), R5 (Sunday -> Friday) on time; R2 (6th day), R4 (Saturday after), R6 (before) not
    expect(checks?.review_on_time).toMatchObject({ numerator: 3, denominator: 6 });
    // passing every applicable check: R1, R5, S1 (only the freeze check applies to it)
    expect(k.policy_compliance).toMatchObject({ numerator: 3, denominator: 8, value: 0.375 });
    // the unauthorised rate leaves the source without approvals out
    expect(k.unauthorized_rate).toMatchObject({ numerator: 1, denominator: 6 });
  });

  it('counts the policy checks each unit fails, for the releases table', async () => {
    const units = await getUnits(
      kpiParamsSchema.parse({ from: '2025-03-01', to: '2025-04-01', as_of: '2025-04-15T00:00:00Z' }),
    );
    const failed = Object.fromEntries(units.map((u) => [u.unit_id, u.policy_failed_checks]));
    // R2: rollback, desk, review; R3: approval, rollback, desk; S2: freeze; not live: none
    expect(failed).toMatchObject({ R1: 0, R2: 3, R3: 3, R4: 1, R5: 0, R6: 1, S1: 0, S2: 1 });
  });

  it('counts the backlog as of as_of: cancelled units leave it, later go-lives are still in it', async () => {
    const k = await report();
    // B0 45 d, B1 45 d (overdue), B2 14 d, B4 5 d, B5 26 d (overdue)
    expect(k.backlog).toEqual({
      count: 5,
      overdue: 2,
      age_days: { n: 5, median: 26, p85: 45, mean: 27 },
      oldest: ['B0', 'B1', 'B5', 'B2', 'B4'],
    });
    // changes: C1 closed before as_of (its closed_at wins over its later planned end), C9 live: only C2
    expect((await report('change')).backlog).toMatchObject({ count: 1, overdue: 0, oldest: ['C2'] });
  });

  it('gives the backlog at each bucket end, so a retrospective sees whether it grows', async () => {
    const p = kpiParamsSchema.parse({ from: '2025-03-01', to: '2025-04-01' });
    // at 2025-04-01: B0, B1 (planned end not before), B2 (requested at that instant), B5 (live on the 20th)
    expect(await getBacklogSeries(p, 'month')).toEqual([{ bucket_end: '2025-04-01', backlog: 4, overdue: 0 }]);
    const weeks = await getBacklogSeries(p, 'week');
    expect(weeks.map((w) => w.bucket_end)).toEqual([
      '2025-03-03',
      '2025-03-10',
      '2025-03-17',
      '2025-03-24',
      '2025-03-31',
      '2025-04-01',
    ]);
    // at Monday 3 March 00:00 every release of the month is still to go live: R1-R6, S1, S2, B0, B1
    expect(weeks[0]).toEqual({ bucket_end: '2025-03-03', backlog: 10, overdue: 0 });
  });

  it('scores satisfaction from responses within 14 days after go-live', async () => {
    // V1 5, V2 3 (R1), V3 4 (R2), V5 1 (R5 via C9); V4 late, V6 early
    expect((await report()).satisfaction).toEqual({
      responses: 4,
      csat: expect.objectContaining({ numerator: 2, denominator: 4, value: 0.5 }),
      mean_score: 3.25,
      units_with_responses: 3,
      units_without_response: 5,
    });
    expect((await report('change')).satisfaction).toEqual({
      responses: 1,
      csat: expect.objectContaining({ numerator: 0, denominator: 1 }),
      mean_score: 1,
      units_with_responses: 1,
      units_without_response: 0,
    });
  });

  it('is null for deployments, and satisfaction is null without surveys', async () => {
    const d = await report('deployment');
    expect([d.backlog, d.policy_compliance, d.policy_checks, d.satisfaction]).toEqual([null, null, null, null]);
    freshDatabase();
    await loadFolder(csvFolder({ releases: [plain('S1', '2025-03-11')] }));
    const k = await report();
    expect(k.satisfaction).toBeNull();
    expect(k.policy_checks?.authorised_before_start).toBeNull();
    expect(k.policy_compliance).toMatchObject({ numerator: 1, denominator: 1 });
  });
});
