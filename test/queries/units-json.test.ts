/**
 * /api/units' text, written mostly by DuckDB (getUnitsJson), holds exactly the
 * values of the rows getUnits gives, in the same order and with the same keys,
 * for every unit kind, two windows, two time zones and a filtered set; and its
 * pages, followed by `next`, hold the same rows as the whole, with the excess
 * readings of the whole period's family.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { kpiParamsSchema } from '../../queries/params.ts';
import { getUnits, getUnitsJson } from '../../queries/units.ts';
import { freshSample, sampleSets } from '../helpers.ts';

describe('the units as JSON text', () => {
  beforeAll(freshSample, 120_000);

  const sets = sampleSets({
    unit: 'release',
    from: '2025-04-01',
    to: '2025-07-01',
    window: 48,
    tz: 'Asia/Tokyo',
    service: ['payments'],
  });

  const whole = { limit: 10_000, offset: 0, hrefAt: (at: number) => `next:${at}` };

  it.each(sets)('equal the rows as objects: %o', async (set) => {
    const p = kpiParamsSchema.parse(set);
    const text = Buffer.from(await getUnitsJson(p, whole)).toString('utf8');
    const rows = await getUnits(p);
    expect(rows.length).toBeGreaterThan(0);
    const parsed = JSON.parse(text);
    expect(parsed).toEqual(
      JSON.parse(
        JSON.stringify({
          unit: p.unit,
          period: { from: p.from, to: p.to, timezone: p.tz },
          total: rows.length,
          offset: 0,
          limit: whole.limit,
          next: null,
          units: rows,
        }),
      ),
    );
    expect(Object.keys(parsed.units[0])).toEqual(Object.keys(rows[0] ?? {}));
    expect(parsed.units.map((u: { unit_id: string }) => u.unit_id)).toEqual(rows.map((u) => u.unit_id));
  });

  it.each([sets[0], sets[5], sets[6]])('in pages followed by next, equal the whole: %o', async (set) => {
    const p = kpiParamsSchema.parse(set);
    const rows = await getUnits(p);
    const limit = Math.max(1, Math.ceil(rows.length / 4) - 1);
    const seen: unknown[] = [];
    const offsets: number[] = [];
    let at: number | null = 0;
    while (at !== null) {
      const page = { limit, offset: at, hrefAt: (o: number) => `next:${o}` };
      const body = JSON.parse(Buffer.from(await getUnitsJson(p, page)).toString('utf8'));
      expect(body.total).toBe(rows.length);
      expect(body.units.length).toBeLessThanOrEqual(limit);
      offsets.push(at);
      seen.push(...body.units);
      at = body.next === null ? null : Number(String(body.next).slice('next:'.length));
    }
    expect(offsets.length).toBe(Math.ceil(rows.length / limit));
    expect(offsets.length).toBeGreaterThan(3);
    expect(seen).toEqual(JSON.parse(JSON.stringify(rows)));
  });

  it('past the last row, a page is empty, with the total and no next', async () => {
    const p = kpiParamsSchema.parse(sets[0]);
    const rows = await getUnits(p);
    const page = { limit: 5, offset: rows.length + 3, hrefAt: (o: number) => `next:${o}` };
    const body = JSON.parse(Buffer.from(await getUnitsJson(p, page)).toString('utf8'));
    expect(body).toMatchObject({ total: rows.length, offset: rows.length + 3, limit: 5, next: null, units: [] });
  });
});
