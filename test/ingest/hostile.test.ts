/**
 * Hostile input: adversarial files each end in a clear reject or error that
 * names the file, within bounded time, and nothing already stored changes.
 * Plus seeded random junk (a small deterministic fuzzer, no extra dependency).
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type FileResult, ingestFiles } from '../../ingest/load.ts';
import { getKpis } from '../../queries/kpis.ts';
import { kpiParamsSchema } from '../../queries/params.ts';
import { freshDatabase, goldenInput, loadFolder, tempCsv, withoutGovernance } from '../helpers.ts';

const header =
  'incident_id,opened_at,resolved_at,closed_at,priority,service,ci,category,status,caused_by_change_id,caused_by_release_id,problem_id,title';
/** A valid incident far from the golden period (it cannot change March's KPIs). */
const row = (id: string, over: Partial<Record<'opened' | 'priority' | 'title', string>> = {}) =>
  `${id},${over.opened ?? '2030-01-01T00:00:00Z'},,,${over.priority ?? '3'},elsewhere,,software,open,,,,${over.title ?? 'x'}`;
const expected = JSON.parse(fs.readFileSync(path.join(goldenInput, '..', 'expected', 'release.json'), 'utf8'));
const march = kpiParamsSchema.parse({ from: '2025-03-01', to: '2025-04-01', as_of: '2025-04-15T00:00:00Z' });

function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

type Check = (r: FileResult) => void;
const rejected =
  (column: string, n: number): Check =>
  (r) => {
    expect(r.summary?.rowsRejected).toBe(n);
    expect(r.summary?.firstRejects.map((x) => x.column)).toEqual(Array(n).fill(column));
  };
const any: Check = () => {};

const cases: [string, () => string | Buffer, Check][] = [
  ['binary junk', () => Buffer.from(Array.from({ length: 65_536 }, (_, i) => (i * 7919) % 256)), any],
  [
    'invalid UTF-8',
    () =>
      Buffer.concat([
        Buffer.from(`${header}\n`),
        Buffer.from([0xc3, 0x28, 0xff, 0xfe]),
        Buffer.from(`${row('U1').slice(1)}\n`),
      ]),
    any,
  ],
  ['a 10 MB field', () => `${header}\n${row('BIG', { title: 'y'.repeat(10 * 1024 * 1024) })}\n`, any],
  [
    '10,000 columns',
    () => `${Array.from({ length: 10_000 }, (_, i) => `c${i}`).join(',')}\n${'1,'.repeat(9_999)}1\n`,
    any,
  ],
  ['unbalanced quotes', () => `${header}\n${row('Q1', { title: '"open quote' })}\n${row('Q2')}\n`, any],
  ['a million empty lines', () => `${header}\n${'\n'.repeat(1_000_000)}${row('E1')}\n`, any],
  [
    'formula-looking cells',
    () => `${header}\n${row('F1', { title: '=HYPERLINK("http://x")' })}\n${row('F2', { title: '@SUM(A1)' })}\n`,
    (r) => expect(r.summary?.rowsLoaded).toBe(2),
  ],
  [
    'year 0 and 99999',
    () =>
      `${header}\n${row('Y0', { opened: '0000-01-01T00:00:00Z' })}\n${row('Y9', { opened: '99999-01-01T00:00:00Z' })}\n`,
    rejected('opened_at', 2),
  ],
  [
    'negative and huge priorities',
    () => `${header}\n${row('P1', { priority: '-1' })}\n${row('P2', { priority: '99999999999999999999' })}\n`,
    rejected('priority', 2),
  ],
  ['duplicated headers', () => `${header},title\n${row('D1')},again\n`, any],
  [
    'a header only',
    () => `${header}\n`,
    (r) => expect(r.error?.message).toMatch(/nothing from this file was loaded: the file yields no rows/),
  ],
  [
    'a row of a million fields',
    () => `${header}\nI1${','.repeat(1_000_000)}\n`,
    (r) => expect(r.error?.message).toMatch(/:2: a record with more than 1,000 fields, against 13 in the header/),
  ],
  [
    'a 50 MB file on one line',
    () => 'x'.repeat(50_000_000),
    (r) => expect(r.error?.message).toMatch(/:1: a line longer than 1,048,576 bytes; nothing was loaded/),
  ],
  [
    'a long line after good rows',
    () => `${header}\n${row('L1')}\n${row('L2', { title: 'z'.repeat(2_000_000) })}\n`,
    (r) => expect(r.error?.message).toMatch(/:3: a line longer than 1,048,576 bytes/),
  ],
  ...Array.from({ length: 12 }, (_, k): [string, () => string, Check] => [
    `random junk, seed ${k}`,
    () => {
      const next = random(k + 1);
      const alphabet = ['"', ',', '\n', '\r', ';', 'a', '1', '-', ':', 'T', 'Z', '\u00e9', '\u0000', ' '];
      const body = Array.from({ length: 2000 + k * 500 }, () => alphabet[Math.floor(next() * alphabet.length)]).join(
        '',
      );
      return k % 2 === 0 ? `${header}\n${body}` : body;
    },
    any,
  ]),
];

describe('hostile input', () => {
  beforeAll(async () => {
    freshDatabase();
    await loadFolder(goldenInput);
  });

  it.each(cases)(
    '%s: a clear reject or error naming the file, and nothing stored changes',
    async (name, make, check) => {
      const file = tempCsv(`${name.replace(/[^a-z0-9]+/gi, '-')}.csv`, make());
      const t0 = performance.now();
      const batch = await ingestFiles([file]);
      const seconds = (performance.now() - t0) / 1000;
      const [result] = batch.results;
      expect(seconds).toBeLessThan(30);
      if (result?.error) {
        // an error names the file and is a sentence, not a stack trace
        expect(result.error.message).toContain(path.basename(file));
        expect(result.error.message).not.toMatch(/\n\s+at /);
      } else {
        expect(result?.summary?.file).toBe(file);
        for (const r of result?.summary?.firstRejects ?? []) expect(r.reason.length).toBeGreaterThan(0);
      }
      if (result) check(result);
      expect(withoutGovernance(await getKpis(march)).kpis).toEqual(expected.kpis);
    },
  );
});
