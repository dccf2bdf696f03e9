/**
 * The named conditions on hand-built data whose answer is known: a release
 * followed by six incidents on a quiet service (excess_incidents), a week in
 * which eight of ten releases failed after twelve weeks of one in ten
 * (trend_signal), and a go-live inside a freeze (freeze_violation).
 */
import { describe, expect, it } from 'vitest';
import { alertsConfigSchema } from '../../app/server/alerts/config.ts';
import { readRule } from '../../app/server/alerts/readings.server.ts';
import { csvFolder, freshDatabase, loadFolder } from '../helpers.ts';

const base = 'https://rl.example.com';
const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');

function release(id: string, service: string, liveAt: number, status = 'deployed') {
  return {
    release_id: id,
    title: id,
    version: '1.0',
    release_type: 'minor',
    status,
    service,
    team: 'Team A',
    owner: 'ana',
    requested_at: iso(liveAt - 10 * DAY),
    approved_at: iso(liveAt - 5 * DAY),
    planned_start: iso(liveAt - 3_600_000),
    planned_end: iso(liveAt),
    actual_start: iso(liveAt - 3_600_000),
    actual_end: iso(liveAt),
  };
}

function incident(id: string, service: string, at: number) {
  return {
    incident_id: id,
    opened_at: iso(at),
    resolved_at: iso(at + 3_600_000),
    closed_at: iso(at + 7_200_000),
    priority: 3,
    service,
    ci: '',
    category: 'software',
    status: 'closed',
    caused_by_change_id: '',
    caused_by_release_id: '',
    problem_id: '',
    title: id,
  };
}

const rule = (when: string, from: string, to: string) =>
  alertsConfigSchema.parse({ channels: { x: { webhook: { url_env: 'X' } } }, rules: [{ when, period: { from, to } }] })
    .rules[0] as Parameters<typeof readRule>[0];

describe('named alert conditions', () => {
  it('excess_incidents: six incidents in the window of a release on a quiet service', async () => {
    freshDatabase();
    const live = Date.parse('2025-06-10T10:00:00Z');
    await loadFolder(
      csvFolder({
        releases: [release('R-QUIET', 'pay', Date.parse('2025-05-20T10:00:00Z')), release('R-LOUD', 'pay', live)],
        incidents: [
          incident('I-OLD', 'pay', Date.parse('2025-03-01T10:00:00Z')),
          ...[1, 2, 3, 5, 8, 13].map((h) => incident(`I-${h}`, 'pay', live + h * 3_600_000)),
        ],
      }),
    );
    const r = await readRule(rule('excess_incidents', '2025-05-01', '2025-07-01'), base);
    expect(r.firing).toBe(true);
    expect(r.summary).toBe("1 release caused more incidents than its service's baseline");
    expect(r.items.map((i) => i.id)).toEqual(['R-LOUD']);
    // no incident on the service in the 28 days before: the background is floored at half an incident per 28 days,
    // over the 1 h go-live and the 48 h window: 0.5 / 672 h x 49 h = 0.0365
    expect(r.items[0]?.text).toBe('R-LOUD (pay): 6 incidents in the window where 0.0365 were expected (q < 0.001)');
    expect(r.items[0]?.link).toBe(`${base}/releases/R-LOUD?unit=release&from=2025-05-01&to=2025-07-01`);

    const quiet = await readRule(rule('excess_incidents', '2025-05-01', '2025-06-01'), base);
    expect(quiet).toMatchObject({ firing: false, items: [] });
  });

  it('trend_signal: the newest week far above twelve weeks of one failure in ten', async () => {
    freshDatabase();
    const monday = Date.parse('2025-01-06T00:00:00Z');
    const releases = [];
    for (let week = 0; week < 13; week++) {
      for (let i = 0; i < 10; i++) {
        const failed = week === 12 ? i < 8 : i === 0;
        releases.push(
          release(
            `R-${week}-${i}`,
            `svc${i}`,
            monday + week * 7 * DAY + 2 * DAY + i * 3_600_000,
            failed ? 'failed' : 'deployed',
          ),
        );
      }
    }
    await loadFolder(csvFolder({ releases, incidents: [incident('I-0', 'other', monday - 40 * DAY)] }));
    const r = await readRule(rule('trend_signal', '2025-01-06', '2025-04-07'), base);
    expect(r.firing).toBe(true);
    const cfr = r.items.find((i) => i.id === 'Change failure rate');
    expect(cfr?.text).toMatch(
      /^Change failure rate: the week of 2025-03-31 is 0\.8, above its 3-sigma limit 0\.\d+ \(centre 0\.154, n 10\)$/,
    );
    expect(cfr?.link).toBe(`${base}/trends?unit=release&from=2025-01-06&to=2025-04-07`);

    const before = await readRule(rule('trend_signal', '2025-01-06', '2025-03-31'), base);
    expect(before.items.find((i) => i.id === 'Change failure rate')).toBeUndefined();
  });

  it('freeze_violation: a go-live inside a freeze window', async () => {
    freshDatabase();
    await loadFolder(
      csvFolder({
        releases: [
          release('R-IN', 'pay', Date.parse('2025-12-24T10:00:00Z')),
          release('R-OUT', 'pay', Date.parse('2025-12-10T10:00:00Z')),
        ],
        incidents: [incident('I-0', 'pay', Date.parse('2025-10-01T10:00:00Z'))],
        freeze_windows: [
          {
            window_id: 'F1',
            name: 'Holidays',
            starts_at: '2025-12-20T00:00:00Z',
            ends_at: '2026-01-02T00:00:00Z',
            service: '',
            kind: 'freeze',
          },
        ],
      }),
    );
    const r = await readRule(rule('freeze_violation', '2025-12-01', '2026-01-01'), base);
    expect(r).toMatchObject({ firing: true, summary: '1 release went live inside a freeze window', value: 1 });
    expect(r.items.map((i) => i.id)).toEqual(['R-IN']);
  });
});
