/**
 * Nothing is lost: every loaded file is archived, `npm run rebuild` recreates
 * the same database from the archive, and `--watch` loads each new export once.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readManifest } from '../../ingest/archive.ts';
import { readAudit } from '../../lib/access/audit.ts';
import { goldenInput, withoutGovernance } from '../helpers.ts';

const root = path.join(import.meta.dirname, '..', '..');
const run = (script: string, args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, TZ: 'UTC' },
  });
const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-ops-'));
const march = ['--from', '2025-03-01', '--to', '2025-04-01', '--as-of', '2025-04-15T00:00:00Z', '--json'];
const kpis = (db: string, extra: string[] = []) => {
  const r = run('queries/kpisCommand.ts', ['--db', db, ...march, ...extra]);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout);
};

describe('stored data is the owner’s alone', () => {
  it('creates the database, its WAL, the archive and its files 0600 / 0700 under a permissive umask, and narrows older files', () => {
    const dir = tempDir();
    const db = path.join(dir, 'private.duckdb');
    const r = spawnSync(
      'sh',
      [
        '-c',
        `umask 022 && exec "${process.execPath}" --import tsx ingest/ingestCommand.ts --db "${db}" "${goldenInput}"`,
      ],
      { cwd: root, encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    const mode = (p: string) => (fs.statSync(p).mode & 0o777).toString(8);
    expect(mode(db)).toBe('600');
    const archive = `${db}.archive`;
    expect(mode(archive)).toBe('700');
    const stored = fs.readdirSync(archive);
    expect(stored.length).toBeGreaterThan(3);
    for (const name of stored) expect(mode(path.join(archive, name)), name).toBe('600');
    for (const extra of fs
      .readdirSync(dir)
      .filter((n) => n.startsWith('private.duckdb') && n !== 'private.duckdb.archive'))
      expect(mode(path.join(dir, extra)), extra).toBe('600');
    fs.chmodSync(db, 0o644);
    fs.chmodSync(archive, 0o755);
    const again = run('queries/kpisCommand.ts', ['--db', db, ...march]);
    expect(again.status, again.stderr).toBe(0);
    expect(mode(db)).toBe('600');
    expect(mode(archive)).toBe('700');
  });
});

describe('archive and rebuild', () => {
  it('archives each loaded file by sha256 and rebuilds a database with the same KPIs', () => {
    const db = path.join(tempDir(), 'ops.duckdb');
    expect(run('ingest/ingestCommand.ts', ['--db', db, goldenInput]).status).toBe(0);
    // a second load of one file with other options is replayed as it was made
    const incidents = path.join(goldenInput, 'incidents.csv');
    expect(run('ingest/ingestCommand.ts', ['--db', db, '--source', 'csv', '--tz', 'UTC', incidents]).status).toBe(0);
    const manifest = readManifest(db);
    expect(manifest.map((e) => path.basename(e.name))).toEqual([
      'changes.csv',
      'deployments.csv',
      'freeze_windows.csv',
      'incidents.csv',
      'releases.csv',
      'incidents.csv',
    ]);
    expect(manifest[5]?.options).toMatchObject({ source: 'csv', timezone: 'UTC' });
    for (const e of manifest) {
      expect(fs.readFileSync(path.join(`${db}.archive`, `${e.sha256}.csv`))).toEqual(fs.readFileSync(e.name));
    }
    const before = [kpis(db), kpis(db, ['--unit', 'deployment']), kpis(db, ['--unit', 'change', '--window', '24'])];

    const r = run('ingest/rebuild.ts', ['--db', db]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/rebuilt from 6 file\(s\)/);
    expect(fs.existsSync(`${db}.before-rebuild`)).toBe(true);
    expect([kpis(db), kpis(db, ['--unit', 'deployment']), kpis(db, ['--unit', 'change', '--window', '24'])]).toEqual(
      before,
    );
    // the rebuild reads the archive only: it did not add to it
    expect(readManifest(db)).toHaveLength(6);
    // and it is in the audit trail, with who ran it
    expect(readAudit(db)[0]).toMatchObject({ action: 'rebuild', actor: expect.stringMatching(/^cli:/) });
  });

  it('refuses to rebuild a database without an archive, and leaves it alone', () => {
    const r = run('ingest/rebuild.ts', ['--db', path.join(tempDir(), 'none.duckdb')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/has no archive to rebuild from/);
  });
});

function waitFor(child: ChildProcess, output: () => string, pattern: RegExp, ms = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (pattern.test(output())) {
        clearInterval(timer);
        resolve();
      } else if (child.exitCode !== null || Date.now() > deadline) {
        clearInterval(timer);
        reject(new Error(`waited for ${pattern} in:\n${output()}`));
      }
    }, 100);
    const deadline = Date.now() + ms;
  });
}

describe('ingest --watch', () => {
  it('loads each new file once by content, skips a copy under another name, and stops on SIGTERM', async () => {
    const dir = tempDir();
    const db = path.join(tempDir(), 'watch.duckdb');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'ingest/ingestCommand.ts', '--db', db, '--watch', '--interval-seconds', '0.3', dir],
      { cwd: root, env: { ...process.env, TZ: 'UTC' } },
    );
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
    });
    child.stderr?.on('data', (d) => {
      out += d;
    });
    try {
      await waitFor(child, () => out, /watch: watching/);
      for (const f of fs.readdirSync(goldenInput)) fs.copyFileSync(path.join(goldenInput, f), path.join(dir, f));
      await waitFor(child, () => out, /watch: done/);
      expect(out.match(/ loaded \(/g)).toHaveLength(5);
      fs.copyFileSync(path.join(goldenInput, 'incidents.csv'), path.join(dir, 'incidents-again.csv'));
      await waitFor(child, () => out, /incidents-again.csv has loaded before/);
      expect(out.match(/ loaded \(/g)).toHaveLength(5);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    expect(out).toMatch(/watch: stopped/);
    expect(child.exitCode).toBe(0);
    // between loads the database is closed: the KPIs can be read while it still watches
    const expected = JSON.parse(fs.readFileSync(path.join(goldenInput, '..', 'expected', 'release.json'), 'utf8'));
    expect(withoutGovernance(kpis(db)).kpis).toEqual(expected.kpis);
  });
});
