/**
 * Every table and store model declares its grain as a key ("Key: a, b." in
 * its header), and the key holds: no two rows share it, on the golden fixture
 * and on the sample, with windows other than the default held (stores keep
 * one set of rows per window and unit kind, narrowed windows included).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { withConnection } from '../../lib/db.ts';
import { quoteIdent } from '../../lib/sqlText.ts';
import { models } from '../../queries/catalogue.ts';
import { getKpis } from '../../queries/kpis.ts';
import { kpiParamsSchema, units } from '../../queries/params.ts';
import { modelState } from '../../queries/versions.ts';
import { freshDatabase, freshSample, goldenInput, loadFolder } from '../helpers.ts';

/** Transient tables a refresh fills and empties inside its own transaction. */
const transient = ['refresh_incidents', 'refresh_units'];

const keyed = () =>
  models().filter((m) => (m.materialized === 'table' || m.materialized === 'store') && !transient.includes(m.name));

/** The rows of each keyed model whose key another row shares, by model. */
async function duplicates(): Promise<Record<string, number>> {
  return withConnection(async (conn) => {
    const state = await modelState(conn);
    if (!state) throw new Error('no models');
    const out: Record<string, number> = {};
    for (const m of keyed()) {
      const cols = (m.key ?? []).map(quoteIdent).join(', ');
      const rows = await conn.runAndReadAll(
        `select count(*)::integer from (select ${cols} from ${state.schema}.${quoteIdent(m.name)} group by all having count(*) > 1)`,
      );
      out[m.name] = Number(rows.getRows()[0]?.[0]);
    }
    return out;
  });
}

/** Holds windows besides the default (48 h): a wider one in full and narrower ones made from it. */
async function holdWindows(from: string, to: string) {
  for (const unit of units)
    for (const window of [168, 72, 24])
      await getKpis(kpiParamsSchema.parse({ from, to, unit, window, as_of: `${to}T00:00:00Z` }));
}

const none = () => Object.fromEntries(keyed().map((m) => [m.name, 0]));

describe('model keys', () => {
  it('every table and store declares its key', () => {
    const missing = keyed()
      .filter((m) => !m.key || m.key.length === 0)
      .map((m) => m.name);
    expect(missing).toEqual([]);
    expect(keyed().length).toBeGreaterThanOrEqual(15);
  });

  describe('on the golden fixture', () => {
    beforeAll(async () => {
      freshDatabase();
      await loadFolder(goldenInput);
      await holdWindows('2025-03-01', '2025-04-01');
    });
    it('no two rows share a key', async () => expect(await duplicates()).toEqual(none()));
  });

  describe('on the sample', () => {
    beforeAll(async () => {
      await freshSample();
      await holdWindows('2024-01-01', '2025-01-01');
    }, 120_000);
    it('no two rows share a key', async () => expect(await duplicates()).toEqual(none()));
  });
});
