/** One focused test per attribution and KPI rule of docs/kpis.md, on hand-made data. */
import { describe, expect, it } from 'vitest';
import { getUnitDetail } from '../../queries/detail.ts';
import { getKpis, type KpiReport } from '../../queries/kpis.ts';
import { kpiParamsSchema } from '../../queries/params.ts';
import { withModels } from '../../queries/snapshot.ts';
import { getUnits } from '../../queries/units.ts';
import { csvFolder, freshDatabase, handMadeIncident, handMadeRelease, loadFolder, type Row } from '../helpers.ts';

const [release, incident] = [handMadeRelease, handMadeIncident];

async function load(entities: Record<string, Row[]>) {
  freshDatabase();
  await loadFolder(csvFolder(entities));
}

async function attribution(unit = 'release', window = 48): Promise<Record<string, { unit_id: string; rule: string }>> {
  return withModels(
    async (conn) => {
      const rows = (
        await conn.runAndReadAll('select incident_id, unit_id, rule from fct_attribution($unit, $window)', {
          unit,
          window,
        })
      ).getRowObjectsJS();
      return Object.fromEntries(
        rows.map((r) => [String(r.incident_id), { unit_id: String(r.unit_id), rule: String(r.rule) }]),
      );
    },
    { unit: unit as 'release', window },
  );
}

const march = (extra: Record<string, unknown> = {}): Promise<KpiReport> =>
  getKpis(kpiParamsSchema.parse({ from: '2025-03-01', to: '2025-04-01', as_of: '2025-04-15T00:00:00Z', ...extra }));

describe('incident attribution', () => {
  it('an explicit link beats the window, and the latest start wins among window candidates', async () => {
    await load({
      releases: [
        release('R1', '2025-03-10T10:00:00Z', '2025-03-10T11:00:00Z'),
        release('R2', '2025-03-10T12:00:00Z', '2025-03-10T13:00:00Z'),
      ],
      incidents: [
        incident('LINKED', '2025-03-10T14:00:00Z', { caused_by_release_id: 'R1' }),
        incident('WINDOW', '2025-03-10T14:00:00Z'),
      ],
    });
    const a = await attribution();
    expect(a.LINKED).toEqual({ unit_id: 'R1', rule: 'confirmed' });
    expect(a.WINDOW).toEqual({ unit_id: 'R2', rule: 'likely' });
  });

  it('ties on start go to the greatest id', async () => {
    await load({
      releases: [
        release('R-A', '2025-03-10T10:00:00Z', '2025-03-10T11:00:00Z'),
        release('R-B', '2025-03-10T10:00:00Z', '2025-03-10T11:00:00Z'),
      ],
      incidents: [incident('I', '2025-03-10T12:00:00Z')],
    });
    expect((await attribution()).I?.unit_id).toBe('R-B');
  });

  it('the window [start, end + W] includes both ends', async () => {
    await load({
      releases: [release('R1', '2025-03-10T10:00:00Z', '2025-03-10T11:00:00Z')],
      incidents: [
        incident('AT_START', '2025-03-10T10:00:00Z'),
        incident('AT_END', '2025-03-12T11:00:00Z'),
        incident('AFTER_END', '2025-03-12T11:01:00Z'),
      ],
    });
    const a = await attribution();
    expect(a.AT_START?.unit_id).toBe('R1');
    expect(a.AT_END?.unit_id).toBe('R1');
    expect(a.AFTER_END).toBeUndefined();
    expect((await attribution('release', 24)).AT_END).toBeUndefined();
  });

  it('an incident before the start is not likely, but an explicit link is honoured', async () => {
    await load({
      releases: [release('R1', '2025-03-10T10:00:00Z', '2025-03-10T11:00:00Z')],
      incidents: [
        incident('BEFORE', '2025-03-10T09:59:00Z'),
        incident('BEFORE_LINKED', '2025-03-10T09:00:00Z', { caused_by_release_id: 'R1' }),
      ],
    });
    const a = await attribution();
    expect(a.BEFORE).toBeUndefined();
    expect(a.BEFORE_LINKED).toEqual({ unit_id: 'R1', rule: 'confirmed' });
  });

  it('matches by CI when the service is empty, and falls back to an earlier unit whose window still covers', async () => {
    await load({
      releases: [
        release('LONG', '2025-03-10T00:00:00Z', '2025-03-11T00:00:00Z'),
        release('SHORT', '2025-03-10T06:00:00Z', '2025-03-10T06:10:00Z'),
      ],
      changes: [
        {
          change_id: 'C1',
          release_id: 'LONG',
          change_type: 'normal',
          ci: 'ci-a',
          requested_at: '2025-03-01T00:00:00Z',
        },
        {
          change_id: 'C2',
          release_id: 'SHORT',
          change_type: 'normal',
          ci: 'ci-b',
          requested_at: '2025-03-01T00:00:00Z',
        },
      ],
      incidents: [
        incident('BY_CI', '2025-03-10T07:00:00Z', { service: null, ci: 'ci-b' }),
        incident('NO_KEYS', '2025-03-10T07:00:00Z', { service: null, ci: null }),
        incident('LATE', '2025-03-12T12:00:00Z', { service: 'svc' }),
      ],
    });
    const a = await attribution();
    expect(a.BY_CI?.unit_id).toBe('SHORT');
    expect(a.NO_KEYS).toBeUndefined();
    // SHORT starts later but its window ended 2025-03-12T06:10Z; LONG's reaches 2025-03-13T00:00Z.
    expect(a.LATE?.unit_id).toBe('LONG');
  });

  it('an incident linked only to a release goes to its latest completed change (change unit)', async () => {
    await load({
      releases: [release('R1', '2025-03-10T10:00:00Z', '2025-03-10T11:00:00Z')],
      changes: [
        {
          change_id: 'C1',
          release_id: 'R1',
          change_type: 'normal',
          requested_at: '2025-03-01T00:00:00Z',
          actual_start: '2025-03-10T10:00:00Z',
          actual_end: '2025-03-10T10:30:00Z',
          outcome: 'successful',
        },
        {
          change_id: 'C2',
          release_id: 'R1',
          change_type: 'normal',
          requested_at: '2025-03-01T00:00:00Z',
          actual_start: '2025-03-10T10:20:00Z',
          actual_end: '2025-03-10T11:00:00Z',
          outcome: 'successful',
        },
        {
          change_id: 'C3',
          release_id: 'R1',
          change_type: 'normal',
          requested_at: '2025-03-01T00:00:00Z',
          actual_start: '2025-03-10T10:40:00Z',
          actual_end: null,
          outcome: null,
        },
      ],
      incidents: [incident('I', '2025-03-20T00:00:00Z', { service: null, caused_by_release_id: 'R1' })],
    });
    expect((await attribution('change')).I).toEqual({ unit_id: 'C2', rule: 'confirmed' });
  });
});

describe('periods and time zones', () => {
  const deployment = (id: string, end: string): Row => ({
    deployment_id: id,
    service: 'svc',
    environment: 'production',
    started_at: end,
    finished_at: end,
    status: 'succeeded',
  });

  it('counts a unit by its local go-live date west and east of UTC', async () => {
    await load({
      releases: [
        release('UTC_MARCH_NY_FEB', '2025-03-01T02:00:00Z', '2025-03-01T03:00:00Z'),
        release('UTC_FEB_TOKYO_MARCH', '2025-02-28T15:00:00Z', '2025-02-28T16:00:00Z'),
      ],
    });
    expect((await march()).kpis.completed).toBe(1);
    expect((await march({ tz: 'America/New_York' })).kpis.completed).toBe(0);
    expect((await march({ tz: 'Asia/Tokyo' })).kpis.completed).toBe(2);
  });

  it('measures a period across a DST change in real hours', async () => {
    await load({
      releases: [
        release('IN', '2025-03-30T21:00:00Z', '2025-03-30T21:30:00Z'),
        release('OUT', '2025-03-30T22:00:00Z', '2025-03-30T22:30:00Z'),
      ],
      deployments: [deployment('D_IN', '2025-03-30T21:30:00Z'), deployment('D_OUT', '2025-03-30T22:30:00Z')],
    });
    const day = await getKpis(
      kpiParamsSchema.parse({
        from: '2025-03-30',
        to: '2025-03-31',
        tz: 'Europe/Amsterdam',
        as_of: '2025-04-15T00:00:00Z',
      }),
    );
    expect(day.kpis.completed).toBe(1);
    // one deployment in a 23-hour day
    expect(day.kpis.deployment_frequency_per_week).toBeCloseTo(1 / (23 / 168), 5);
  });
});

describe('schedule adherence', () => {
  it('counts an overdue unit as late and leaves out one not yet due', async () => {
    await load({
      releases: [
        release('ON_TIME', '2025-03-05T10:00:00Z', '2025-03-05T11:00:00Z'),
        release('OPEN', '2025-03-01T00:00:00Z', '2025-03-01T00:00:00Z', {
          status: 'approved',
          actual_start: null,
          actual_end: null,
          planned_end: '2025-03-20T12:00:00Z',
        }),
      ],
    });
    const overdue = await march({ as_of: '2025-03-25T00:00:00Z' });
    expect(overdue.kpis.schedule_adherence).toMatchObject({ numerator: 1, denominator: 2 });
    const notDue = await march({ as_of: '2025-03-15T00:00:00Z' });
    expect(notDue.kpis.schedule_adherence).toMatchObject({ numerator: 1, denominator: 1 });
    const tolerated = await march({ as_of: '2025-03-20T12:30:00Z', tolerance: 60 });
    expect(tolerated.kpis.schedule_adherence).toMatchObject({ numerator: 1, denominator: 1 });
  });
});

describe('rollback deployments', () => {
  it('a reverted deployment is rolled back and failed; the rollback itself is not a unit; recovery ends at the rollback', async () => {
    await load({
      releases: [release('R1', '2025-03-10T10:00:00Z', '2025-03-10T11:00:00Z')],
      deployments: [
        {
          deployment_id: 'D1',
          release_id: 'R1',
          service: 'svc',
          environment: 'production',
          started_at: '2025-03-10T10:00:00Z',
          finished_at: '2025-03-10T11:00:00Z',
          status: 'succeeded',
          is_rollback: false,
          rolls_back_deployment_id: null,
        },
        {
          deployment_id: 'D1B',
          release_id: 'R1',
          service: 'svc',
          environment: 'production',
          started_at: '2025-03-10T13:00:00Z',
          finished_at: '2025-03-10T13:30:00Z',
          status: 'succeeded',
          is_rollback: true,
          rolls_back_deployment_id: 'D1',
        },
      ],
    });
    const byDeployment = await march({ unit: 'deployment' });
    expect(byDeployment.kpis.completed).toBe(1);
    expect(byDeployment.kpis.rollback_rate).toMatchObject({ numerator: 1, denominator: 1 });
    expect(byDeployment.kpis.change_failure_rate).toMatchObject({ numerator: 1 });
    expect(byDeployment.kpis.recovery_time_hours).toMatchObject({ n: 1, median: 2.5 });
    expect(byDeployment.kpis.deployment_frequency_per_week).toBeCloseTo(1 / (31 / 7), 6);
    const byRelease = await march();
    expect(byRelease.kpis.rollback_rate).toMatchObject({ numerator: 1, denominator: 1 });
    expect(byRelease.kpis.recovery_time_hours).toMatchObject({ n: 1, median: 2.5 });
  });
});

describe('which deployments belong to a release', () => {
  const change = (id: string, release: string | null, start: string, end: string): Row => ({
    change_id: id,
    release_id: release,
    change_type: 'normal',
    service: 'svc',
    requested_at: '2025-03-01T00:00:00Z',
    actual_start: start,
    actual_end: end,
    outcome: 'successful',
  });
  const deployment = (id: string, extra: Row): Row => ({
    deployment_id: id,
    release_id: null,
    change_id: null,
    service: 'svc',
    environment: 'production',
    started_at: '2025-03-10T10:00:00Z',
    finished_at: '2025-03-10T11:00:00Z',
    status: 'succeeded',
    is_rollback: false,
    rolls_back_deployment_id: null,
    ...extra,
  });

  it("a deployment without a release_id belongs to its change's release: its failure fails the release", async () => {
    await load({
      releases: [release('R1', '2025-03-10T10:00:00Z', '2025-03-10T11:00:00Z')],
      changes: [change('C1', 'R1', '2025-03-10T10:00:00Z', '2025-03-10T11:00:00Z')],
      deployments: [deployment('D1', { change_id: 'C1', status: 'rolled_back' })],
    });
    const r = await march();
    expect(r.kpis.change_failure_rate).toMatchObject({ numerator: 1, denominator: 1 });
    expect(r.kpis.rollback_rate).toMatchObject({ numerator: 1, denominator: 1 });
    // and the release's detail page lists it with its change
    const detail = await getUnitDetail(kpiParamsSchema.parse({ from: '2025-03-01', to: '2025-04-01' }), 'R1');
    expect(detail?.records.map((x) => [x.record, x.id, x.source])).toEqual([
      ['change', 'C1', 'csv'],
      ['deployment', 'D1', 'csv'],
    ]);
  });

  it("an incident linked to a change with no deployment goes to the latest deployment of the change's release", async () => {
    await load({
      releases: [release('R1', '2025-03-10T10:00:00Z', '2025-03-10T13:00:00Z')],
      changes: [
        change('C1', 'R1', '2025-03-10T10:00:00Z', '2025-03-10T11:00:00Z'),
        change('C2', 'R1', '2025-03-10T12:00:00Z', '2025-03-10T13:00:00Z'),
      ],
      deployments: [
        deployment('D1', { change_id: 'C1' }),
        deployment('D0', { release_id: 'R1', started_at: '2025-03-10T09:00:00Z', finished_at: '2025-03-10T09:30:00Z' }),
      ],
      incidents: [incident('I', '2025-03-25T00:00:00Z', { service: null, caused_by_change_id: 'C2' })],
    });
    expect((await attribution('deployment')).I).toEqual({ unit_id: 'D1', rule: 'confirmed' });
  });
});

describe('excess incidents', () => {
  it("compares the window's incidents with the service's background rate of the 28 days before", async () => {
    // 56 unattributed incidents of svc from 10 Feb 12:00 to 10 Mar 00:00: 2 a day in the 28 days before R1
    const background = Array.from({ length: 56 }, (_, i) =>
      incident(`B${i}`, new Date(Date.UTC(2025, 1, 10, 12) + i * 12 * 3_600_000).toISOString().replace('.000Z', 'Z'), {
        priority: 4,
      }),
    );
    await load({
      releases: [release('R1', '2025-03-10T10:00:00Z', '2025-03-10T11:00:00Z')],
      incidents: [
        ...background,
        incident('IN1', '2025-03-10T12:00:00Z', { priority: 4 }),
        incident('IN2', '2025-03-11T12:00:00Z', { priority: 4 }),
      ],
    });
    const [r1] = (await getUnits(kpiParamsSchema.parse({ from: '2025-03-01', to: '2025-04-01' }))).filter(
      (u) => u.unit_id === 'R1',
    );
    expect(r1?.background_incidents).toBe(56);
    expect(r1?.expected_incidents).toBeCloseTo((2 / 24) * 49, 4); // 2 a day over the 1 h window + 48 h
    expect(r1?.post_release_incidents).toBe(2);
    expect(r1?.is_excess).toBe(false);
  });

  it('judges authorisation only for sources that send approval dates; elsewhere it is not applicable', async () => {
    const day = (d: number) => [`2025-03-${d}T10:00:00Z`, `2025-03-${d}T11:00:00Z`] as const;
    const sheet = () =>
      csvFolder({
        releases: [release('B1', ...day(11), { approved_at: null }), release('B2', ...day(12), { approved_at: null })],
      });
    freshDatabase();
    await loadFolder(
      csvFolder({
        releases: [
          release('A1', ...day(10), { approved_at: null }),
          release('A2', ...day(13)),
          release('A3', ...day(14), { approved_at: '2025-03-14T10:30:00Z' }),
        ],
      }),
      { source: 'itsm' },
    );
    await loadFolder(sheet(), { source: 'sheet' });
    const k = (await march()).kpis;
    expect(k.completed).toBe(5);
    // A1 never approved, A3 approved after its start: 2 of the 3 units whose source has approval data
    expect(k.unauthorized_rate).toMatchObject({ numerator: 2, denominator: 3 });
    freshDatabase();
    await loadFolder(sheet(), { source: 'sheet' });
    expect((await march()).kpis.unauthorized_rate).toBeNull();
  });
});
