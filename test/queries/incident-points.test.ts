/**
 * /incidents.arrow's points (getIncidentPointsArrow: kpi_incident_points,
 * Arrow built from DuckDB's columns) decode to exactly the chart columns of
 * the attributed incidents getAttributedIncidents gives, in the same order,
 * nulls included, for every unit kind, two windows, two time zones and a
 * filtered set; text travels as dictionaries; a result of no rows is a table of no rows.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { tableFromIPC } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Point } from '../../app/components/charts/incidents.ts';
import { resultToArrow } from '../../queries/arrow.ts';
import { getAttributedIncidents, getIncidentPointsArrow } from '../../queries/incidents.ts';
import { kpiParamsSchema } from '../../queries/params.ts';
import { freshSample, sampleSets } from '../helpers.ts';

const chartColumns: (keyof Point)[] = [
  'rule',
  'category',
  'incident_ci',
  'service',
  'unit_type',
  'risk',
  'opened_week',
  'hours_after_golive',
  'golive_weekday',
  'golive_hour',
];

describe('the incident points as Arrow', () => {
  beforeAll(freshSample, 120_000);

  const sets = sampleSets({
    unit: 'change',
    from: '2025-01-01',
    to: '2026-01-01',
    window: 48,
    tz: 'UTC',
    service: ['payments'],
  });

  it.each(sets)('decode to the chart columns of the attributed incidents: %o', async (set) => {
    const p = kpiParamsSchema.parse(set);
    const table = tableFromIPC(await getIncidentPointsArrow(p));
    const expected = (await getAttributedIncidents(p)).map((i) =>
      Object.fromEntries(chartColumns.map((c) => [c, i[c]])),
    );
    expect(expected.length).toBeGreaterThan(20);
    expect(table.schema.fields.map((f) => f.name)).toEqual(chartColumns);
    expect(table.toArray().map((r) => r.toJSON())).toEqual(expected);
    expect(String(table.schema.fields.find((f) => f.name === 'service')?.type)).toMatch(/^Dictionary<Int32, Utf8>/);
  });

  it('keeps nulls, sends a result of no rows, and refuses a column type it does not send', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      const ok = await conn.runAndReadAll(
        "select * from (values ('a', 1.5::double, 2, true), (null, null, null, null)) t(s, d, i, b)",
      );
      const rows = tableFromIPC(resultToArrow(ok))
        .toArray()
        .map((r) => r.toJSON());
      expect(rows).toEqual([
        { s: 'a', d: 1.5, i: 2, b: true },
        { s: null, d: null, i: null, b: null },
      ]);
      const none = await conn.runAndReadAll("select * from (values ('a', 1.5::double)) t(s, d) where false");
      const empty = tableFromIPC(resultToArrow(none));
      expect([empty.numRows, empty.schema.fields.map((f) => f.name)]).toEqual([0, ['s', 'd']]);
      const dated = await conn.runAndReadAll("select date '2025-01-01' as day");
      expect(() => resultToArrow(dated)).toThrow(/column day has type DATE/);
    } finally {
      conn.closeSync();
    }
  });
});
