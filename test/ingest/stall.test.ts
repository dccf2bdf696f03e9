/**
 * Files built to stall a load, as the commands meet them: a row of a million
 * fields and a 50 MB file on one line are refused by the command line and by
 * `--watch` within seconds, naming file, line and reason, with little memory;
 * SIGTERM ends a load under way within 5 s and nothing of it is committed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, setDatabasePath, withConnection } from '../../lib/db.ts';

const root = path.join(import.meta.dirname, '..', '..');
const header =
  'incident_id,opened_at,resolved_at,closed_at,priority,service,ci,category,status,caused_by_change_id,caused_by_release_id,problem_id,title';

interface Finished {
  code: number | null;
  stderr: string;
  seconds: number;
  /** The process's peak resident memory, read from /proc while it ran. */
  peakMiB: number;
}

/** Runs a command, sampling its peak memory; `signal` is sent after `afterMs` (or when stderr matches `when`). */
function run(
  args: string[],
  options: { signal?: { afterMs?: number; when?: RegExp }; timeoutMs?: number } = {},
): Promise<Finished & { signalledAfter: number | null }> {
  const t0 = performance.now();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: root });
  let stderr = '';
  let peak = 0;
  let signalledAt: number | null = null;
  const signal = () => {
    if (signalledAt === null) {
      signalledAt = performance.now();
      child.kill('SIGTERM');
    }
  };
  child.stderr?.on('data', (d) => {
    stderr += d;
    if (options.signal?.when?.test(stderr)) signal();
  });
  const sampler = setInterval(() => {
    try {
      const kb = Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
      peak = Math.max(peak, kb / 1024);
    } catch {
      // exited
    }
  }, 25);
  if (options.signal?.afterMs !== undefined) setTimeout(signal, options.signal.afterMs);
  const killer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      clearInterval(sampler);
      clearTimeout(killer);
      const now = performance.now();
      resolve({
        code,
        stderr,
        seconds: (now - t0) / 1000,
        peakMiB: peak,
        signalledAfter: signalledAt === null ? null : (now - signalledAt) / 1000,
      });
    });
  });
}

async function incidentRows(db: string): Promise<number> {
  setDatabasePath(db);
  try {
    return await withConnection(async (c) =>
      Number((await c.runAndReadAll('select count(*) from raw_incidents')).getRows()[0]?.[0]),
    );
  } finally {
    await closeDatabase();
  }
}

describe('files built to stall a load', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-stall-'));
  const million = path.join(dir, 'million-fields.csv');
  const oneLine = path.join(dir, 'one-line.csv');
  const big = path.join(dir, 'incidents.csv');

  beforeAll(() => {
    fs.writeFileSync(million, `${header}\nI1${','.repeat(1_000_000)}\n`);
    fs.writeFileSync(oneLine, 'x'.repeat(50_000_000));
    // a legitimate export large enough to be stopped mid-load
    const rows: string[] = [header];
    for (let i = 0; i < 1_000_000; i++)
      rows.push(
        `INC${i},2024-0${1 + (i % 9)}-1${i % 10}T10:00:00Z,,,${1 + (i % 4)},svc${i % 40},ci${i % 900},software,open,,,,t`,
      );
    fs.writeFileSync(big, `${rows.join('\n')}\n`);
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([
    [
      'a row of a million fields',
      () => million,
      /million-fields\.csv:2: a record with more than 1,000 fields, against 13 in the header/,
    ],
    ['a 50 MB file on one line', () => oneLine, /one-line\.csv:1: a line longer than 1,048,576 bytes/],
  ])('the command line refuses %s in under 10 s with under 500 MiB', async (_name, file, message) => {
    const db = path.join(dir, `cli-${path.basename(file())}.duckdb`);
    const r = await run(['ingest/ingestCommand.ts', '--db', db, file()]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.seconds).toBeLessThan(10);
    expect(r.peakMiB).toBeLessThan(500);
    console.log(`${path.basename(file())}: refused in ${r.seconds.toFixed(1)} s, peak ${r.peakMiB.toFixed(0)} MiB`);
  });

  it('--watch refuses it too, keeps watching, and SIGTERM ends it within 5 s', async () => {
    const drop = fs.mkdtempSync(path.join(dir, 'drop-'));
    const db = path.join(dir, 'watch.duckdb');
    setTimeout(() => fs.copyFileSync(million, path.join(drop, 'million-fields.csv')), 500);
    const r = await run(['ingest/ingestCommand.ts', '--db', db, '--watch', drop, '--interval-seconds', '0.2'], {
      signal: { when: /a record with more than 1,000 fields[\s\S]*watch: 1 file\(s\) failed/ },
      timeoutMs: 30_000,
    });
    expect(r.stderr).toMatch(/million-fields\.csv:2: a record with more than 1,000 fields/);
    expect(r.signalledAfter).not.toBeNull();
    expect(r.signalledAfter as number).toBeLessThan(5);
    expect(r.peakMiB).toBeLessThan(500);
  });

  it('SIGTERM during a load ends the command within 5 s with nothing of the file committed', async () => {
    const db = path.join(dir, 'term.duckdb');
    const r = await run(['ingest/ingestCommand.ts', '--db', db, big], { signal: { afterMs: 1_500 } });
    expect(r.signalledAfter).not.toBeNull();
    expect(r.signalledAfter as number).toBeLessThan(5);
    const rows = fs.existsSync(db) ? await incidentRows(db).catch(() => 0) : 0;
    // all of the file or none of it: the load is one transaction
    expect([0, 1_000_000]).toContain(rows);
  });

  it('SIGTERM during a load under --watch interrupts it, rolls back and ends within 5 s', async () => {
    const drop = fs.mkdtempSync(path.join(dir, 'drop-'));
    const db = path.join(dir, 'watch-term.duckdb');
    setTimeout(() => fs.copyFileSync(big, path.join(drop, 'incidents.csv')), 300);
    const r = await run(['ingest/ingestCommand.ts', '--db', db, '--watch', drop, '--interval-seconds', '0.2'], {
      signal: { when: /watch: loading 1 new or changed file/ },
      timeoutMs: 60_000,
    });
    expect(r.signalledAfter).not.toBeNull();
    expect(r.signalledAfter as number).toBeLessThan(5);
    const rows = await incidentRows(db).catch(() => 0);
    expect([0, 1_000_000]).toContain(rows);
  });
});
