/**
 * The upcoming-changes agenda (queries/agenda.ts) on hand-made data:
 * which units are on it, what collides, which freezes are touched, the order
 * by evidence, and what it says it cannot judge when a source sends only
 * planned dates (as Jira's default layout does).
 */
import { describe, expect, it } from 'vitest';
import { getUpcoming, type UpcomingParams } from '../../queries/agenda.ts';
import { csvFolder, freshDatabase, loadFolder } from '../helpers.ts';

type Row = Record<string, string | number | boolean | null>;

const change = (id: string, start: string, end: string | null, extra: Row = {}): Row => ({
  change_id: id,
  change_type: 'normal',
  risk: 'medium',
  service: 'svc',
  ci: 'svc-db',
  requested_at: '2026-01-01T00:00:00Z',
  approved_at: '2026-01-02T00:00:00Z',
  cab_required: true,
  planned_start: start,
  planned_end: end,
  rollback_tested: true,
  service_desk_notified_at: '2026-01-02T00:00:00Z',
  outcome: null,
  ...extra,
});

const params = (extra: Partial<UpcomingParams> = {}): UpcomingParams => ({
  fromAt: '2026-01-05T00:00:00.000Z',
  days: 7,
  kind: 'all',
  services: [],
  teams: [],
  historyDays: 90,
  window: 48,
  severity: 2,
  ...extra,
});

describe('the upcoming-changes agenda', () => {
  it('finds collisions on service or CI and the freezes a planned window touches, and orders by evidence', async () => {
    freshDatabase();
    await loadFolder(
      csvFolder({
        changes: [
          change('A', '2026-01-06T10:00:00Z', '2026-01-06T12:00:00Z'),
          change('B', '2026-01-06T11:00:00Z', '2026-01-06T13:00:00Z', { service: 'other', ci: 'svc-db' }), // same CI
          change('C', '2026-01-06T12:00:00Z', '2026-01-06T13:00:00Z', { ci: 'svc-api' }), // touches A's end only: no collision with A
          change('D', '2026-01-08T10:00:00Z', '2026-01-08T11:00:00Z', { approved_at: null }), // in the global freeze, no approval
          change('E', '2026-01-09T10:00:00Z', '2026-01-09T11:00:00Z', { service: 'quiet', ci: 'quiet-api' }), // in a freeze of another service
          change('GONE', '2026-01-06T10:00:00Z', '2026-01-06T12:00:00Z', { outcome: 'cancelled' }),
          change('LATER', '2026-01-20T10:00:00Z', '2026-01-20T11:00:00Z'),
        ],
        freeze_windows: [
          {
            window_id: 'F1',
            name: 'Stock-take',
            starts_at: '2026-01-08T00:00:00Z',
            ends_at: '2026-01-09T00:00:00Z',
            service: null,
            kind: 'freeze',
          },
          {
            window_id: 'F2',
            name: 'Svc only',
            starts_at: '2026-01-09T00:00:00Z',
            ends_at: '2026-01-10T00:00:00Z',
            service: 'svc',
            kind: 'freeze',
          },
        ],
      }),
    );
    const u = await getUpcoming(params());
    expect(u.items.map((i) => i.unit_id)).toEqual(['D', 'A', 'B', 'C', 'E']);
    const by = Object.fromEntries(u.items.map((i) => [i.unit_id, i]));
    expect(by.A?.collisions.map((c) => `${c.id} ${c.shared}`)).toEqual(['B CI svc-db']);
    expect(by.B?.collisions.map((c) => `${c.id} ${c.shared}`)).toEqual(['A CI svc-db']);
    // C starts as A ends (windows that only touch do not collide) and shares no key with B
    expect(by.C?.collisions).toEqual([]);
    expect(by.D?.reasons.filter((r) => r.level === 'stop').map((r) => r.text)).toEqual([
      'touches the freeze "Stock-take" (2026-01-08 00:00 to 2026-01-09 00:00)',
      'needs CAB approval and has none yet',
    ]);
    expect(by.E?.freezes).toEqual([]);
  });

  it('says what it cannot judge when a source sends planned dates only', async () => {
    freshDatabase();
    const bare = (id: string, start: string, end: string | null) =>
      change(id, start, end, {
        approved_at: null,
        cab_required: null,
        rollback_tested: null,
        service_desk_notified_at: null,
      });
    await loadFolder(
      csvFolder({
        changes: [bare('J1', '2026-01-06T10:00:00Z', '2026-01-06T11:00:00Z'), bare('J2', '2026-01-07T10:00:00Z', null)],
      }),
    );
    const u = await getUpcoming(params());
    expect(u.items.map((i) => i.unit_id)).toEqual(['J1', 'J2']);
    const [j1, j2] = u.items;
    expect(j1?.reasons).toEqual([]);
    expect(j1?.notJudged).toEqual([
      expect.stringMatching(/^approval: its source .* sends no approval dates$/),
      expect.stringMatching(/^backout plan: /),
      expect.stringMatching(/^service desk briefing: /),
      'track record: no change of svc went live in the last 90 days',
    ]);
    expect(j2?.notJudged).toContain('collisions and freezes: it has no planned end');
  });

  it('an empty agenda says where the scheduled work is', async () => {
    freshDatabase();
    await loadFolder(csvFolder({ changes: [change('X', '2026-02-02T10:00:00Z', '2026-02-02T11:00:00Z')] }));
    const u = await getUpcoming(params());
    expect(u.items).toEqual([]);
    expect(u.next).toEqual({ after: '2026-02-02T10:00:00.000Z', latest: '2026-02-02T10:00:00.000Z' });
  });
});
