/**
 * The contract: ingest test/fixtures/golden/input into a fresh database and
 * reproduce every expected/*.json through the `kpis` command's code path.
 * Integers exact, rates within 1e-6, hours within 1e-4.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { getKpis } from '../../queries/kpis.ts';
import { kpiParamsSchema } from '../../queries/params.ts';
import { fixtures, freshDatabase, goldenInput, loadFolder, withoutGovernance } from '../helpers.ts';

const expectedDir = path.join(fixtures, 'golden', 'expected');
const expectedFiles = fs.readdirSync(expectedDir).filter((f) => f.endsWith('.json'));

const counts = new Set(['numerator', 'denominator', 'n', 'completed', 'post_release_incidents', 'freeze_violations']);
const hours = new Set(['median', 'p85', 'mean']);

/** Same keys everywhere; counts exact, hours within 1e-4, rates within 1e-6. */
function compare(actual: unknown, expected: unknown, where: string, tolerance: number): void {
  if (typeof expected === 'number') {
    expect(actual, where).toBeTypeOf('number');
    expect(Math.abs((actual as number) - expected), where).toBeLessThanOrEqual(tolerance);
    return;
  }
  if (expected === null || typeof expected !== 'object') {
    expect(actual, where).toEqual(expected);
    return;
  }
  expect(actual, where).toBeTypeOf('object');
  expect(actual, where).not.toBeNull();
  expect(Object.keys(actual as object).sort(), where).toEqual(Object.keys(expected).sort());
  for (const [key, value] of Object.entries(expected)) {
    const tol = counts.has(key) ? 0 : hours.has(key) || key.endsWith('_hours') ? 1e-4 : 1e-6;
    compare((actual as Record<string, unknown>)[key], value, `${where}.${key}`, tol);
  }
}

describe('golden data set', () => {
  beforeAll(async () => {
    freshDatabase();
    await loadFolder(goldenInput);
  });

  it('has five expected files', () => {
    expect(expectedFiles.length).toBe(5);
  });

  for (const file of expectedFiles) {
    it(`reproduces ${file}`, async () => {
      const expected = JSON.parse(fs.readFileSync(path.join(expectedDir, file), 'utf8'));
      const params = kpiParamsSchema.parse({
        unit: expected.unit,
        from: expected.period.from,
        to: expected.period.to,
        tz: expected.period.timezone,
        window: expected.parameters.window_hours,
        severity: expected.parameters.failure_max_priority,
        tolerance: expected.parameters.schedule_tolerance_minutes,
        as_of: expected.parameters.as_of,
      });
      // every key exactly as in the file (the governance KPIs came after it; see withoutGovernance)
      compare(withoutGovernance(await getKpis(params)), expected, file, 0);
    });
  }
});
