/**
 * /api/units' text, written mostly by DuckDB (getUnitsJson), holds exactly the
 * values of the rows getUnits gives, in the same order and with the same keys,
 * for every unit kind, two windows, two time zones and a filtered set.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kpiParamsSchema, units } from '../../queries/params.ts';
import { getUnits, getUnitsJson } from '../../queries/units.ts';
import { freshDatabase, loadFolder } from '../helpers.ts';

const sample = path.join(import.meta.dirname, '..', '..', 'data', 'sample');

describe('the units as JSON text', () => {
  beforeAll(async () => {
    freshDatabase();
    await loadFolder(sample);
  }, 120_000);

  const sets = units.flatMap((unit) => [
    { unit, from: '2025-07-01', to: '2025-10-01', window: 48, tz: 'UTC' },
    { unit, from: '2025-01-01', to: '2026-01-01', window: 24, tz: 'America/New_York' },
  ]);
  sets.push({
    unit: 'release',
    from: '2025-04-01',
    to: '2025-07-01',
    window: 48,
    tz: 'Asia/Tokyo',
    service: ['payments'],
  } as never);

  it.each(sets)('equal the rows as objects: %o', async (set) => {
    const p = kpiParamsSchema.parse(set);
    const text = Buffer.from(await getUnitsJson(p)).toString('utf8');
    const rows = await getUnits(p);
    expect(rows.length).toBeGreaterThan(0);
    const parsed = JSON.parse(text);
    expect(parsed).toEqual(
      JSON.parse(JSON.stringify({ unit: p.unit, period: { from: p.from, to: p.to, timezone: p.tz }, units: rows })),
    );
    expect(Object.keys(parsed.units[0])).toEqual(Object.keys(rows[0] ?? {}));
    expect(parsed.units.map((u: { unit_id: string }) => u.unit_id)).toEqual(rows.map((u) => u.unit_id));
  });
});
