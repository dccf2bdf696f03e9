/**
 * An ingest killed with SIGKILL at a random moment (50 runs, from process
 * start to after the model build) never leaves a half-loaded database: it
 * opens, it holds the state before the run or the state after it, and running
 * the ingest again finishes the job.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFiles } from '../../ingest/load.ts';
import { closeDatabase, setDatabasePath, withConnection, writesSettled } from '../../lib/db.ts';
import { getKpis, type KpiReport } from '../../queries/kpis.ts';
import { kpiParamsSchema } from '../../queries/params.ts';

const root = path.join(import.meta.dirname, '..', '..');
const sample = path.join(root, 'data', 'sample');
const incidents = path.join(sample, 'incidents.csv');
const runs = 50;
const params = kpiParamsSchema.parse({ from: '2025-01-01', to: '2025-07-01', as_of: '2025-07-15T00:00:00Z' });

/**
 * A deterministic sequence of kill moments, as fractions of an uninterrupted
 * run's wall time (measured first, so the kills land across the run on a fast
 * machine as on a slow one): ten anywhere in it, forty over the load, the
 * commit and the model build.
 */
function fractions(): number[] {
  let seed = 20261130;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  return Array.from({ length: runs }, (_, i) => (i < 10 ? next() * 1.1 : 0.35 + next() * 0.6));
}

async function state(db: string): Promise<{ rows: number; kpis: KpiReport['kpis'] }> {
  setDatabasePath(db);
  try {
    const rows = await withConnection(async (c) =>
      Number((await c.runAndReadAll('select count(*) from raw_incidents')).getRows()[0]?.[0]),
    );
    return { rows, kpis: (await getKpis(params)).kpis };
  } finally {
    await closeDatabase();
  }
}

describe('an ingest killed with SIGKILL', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-kill-'));
  const base = path.join(dir, 'base.duckdb');
  let before: Awaited<ReturnType<typeof state>>;
  let after: Awaited<ReturnType<typeof state>>;
  const found = { before: 0, after: 0 };
  /** The wall time of an ingest of incidents.csv that is not killed. */
  let runMs = 0;
  const ingestChild = (db: string) =>
    spawn(process.execPath, ['--import', 'tsx', 'ingest/ingestCommand.ts', '--db', db, incidents], {
      cwd: root,
      stdio: 'ignore',
    });

  beforeAll(async () => {
    setDatabasePath(base);
    const others = fs
      .readdirSync(sample)
      .filter((f) => f.endsWith('.csv') && f !== 'incidents.csv')
      .map((f) => path.join(sample, f));
    await ingestFiles(others, { archive: false });
    await writesSettled(); // the writer's checkpoint: the copies below start from a database without a WAL
    await closeDatabase();
    before = await state(base);
    const full = path.join(dir, 'full.duckdb');
    fs.copyFileSync(base, full);
    setDatabasePath(full);
    await ingestFiles([incidents], { archive: false });
    await closeDatabase();
    after = await state(full);
    expect(before.rows).toBe(0);
    expect(after.rows).toBe(14872);
    expect(after.kpis).not.toEqual(before.kpis);
    const timed = path.join(dir, 'timed.duckdb');
    fs.copyFileSync(base, timed);
    const t0 = performance.now();
    const child = ingestChild(timed);
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    runMs = performance.now() - t0;
    expect(code).toBe(0);
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    // the kills landed on both sides of the commit, so both outcomes were checked
    expect(found.before).toBeGreaterThanOrEqual(3);
    expect(found.after).toBeGreaterThanOrEqual(3);
  });

  it.each(fractions().map((f, i) => [i + 1, Math.round(f * 100) / 100]))(
    'run %i, killed at %f of a run',
    async (i, f) => {
      const db = path.join(dir, `run${i}.duckdb`);
      fs.copyFileSync(base, db);
      const child = ingestChild(db);
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await Promise.race([exited, new Promise((r) => setTimeout(r, f * runMs))]);
      child.kill('SIGKILL');
      await exited;

      const killed = await state(db);
      expect([before.rows, after.rows]).toContain(killed.rows);
      found[killed.rows === after.rows ? 'after' : 'before']++;
      // rows loaded but the build killed: the next read rebuilds the models, so the state is the new one
      expect(killed.kpis).toEqual(killed.rows === after.rows ? after.kpis : before.kpis);

      setDatabasePath(db);
      const batch = await ingestFiles([incidents], { archive: false });
      await closeDatabase();
      expect(batch.results[0]?.error).toBeUndefined();
      expect(await state(db)).toEqual(after);
      for (const f of [db, `${db}.wal`]) fs.rmSync(f, { force: true });
      fs.rmSync(`${db}.archive`, { recursive: true, force: true });
    },
  );
});
