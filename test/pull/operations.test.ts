/**
 * Pulls of the whole sample organisation from an in-process ServiceNow
 * instance: the KPIs equal those of the same records loaded as exports; a
 * pull killed with SIGKILL between batches resumes with nothing lost or
 * doubled; `npm run rebuild` gives the same database back, watermarks too.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, setDatabasePath } from '../../lib/db.ts';
import { getKpis, type KpiReport } from '../../queries/kpis.ts';
import { kpiParamsSchema } from '../../queries/params.ts';
import { loadFolder, sampleFolder } from '../helpers.ts';
import { writeServiceNowExports } from '../servicenow-export.ts';
import { pull, rows, writeConfig } from './helpers.ts';
import { PASSWORD, recordsFromExport, type SnServer, startServiceNow, USER } from './servicenowServer.ts';

const root = path.join(import.meta.dirname, '..', '..');
const parameterSets = [
  { unit: 'release', from: '2024-01-01', to: '2026-01-01' },
  { unit: 'change', from: '2025-01-01', to: '2025-07-01', tz: 'America/New_York' },
  { unit: 'deployment', from: '2025-10-01', to: '2026-01-01', window: 24, severity: 3 },
  { unit: 'release', from: '2025-07-01', to: '2026-01-01', service: ['checkout'] },
];

async function kpisOf(db: string): Promise<KpiReport[]> {
  setDatabasePath(db);
  const out: KpiReport[] = [];
  for (const p of parameterSets)
    out.push(await getKpis(kpiParamsSchema.parse({ ...p, as_of: '2026-01-06T00:00:00Z' })));
  await closeDatabase();
  return out;
}

async function contents(db: string) {
  setDatabasePath(db);
  const out = {
    releases: await rows('select * exclude (loaded_at) from raw_releases order by release_id'),
    changes: await rows('select * exclude (loaded_at) from raw_changes order by change_id'),
    cis: await rows('select * from raw_change_cis order by all'),
    incidents: await rows('select * exclude (loaded_at) from raw_incidents order by incident_id'),
    pulls: await rows('select * exclude (pulled_at) from pull_runs order by run_id'),
  };
  await closeDatabase();
  return out;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-pull-ops-'));
const exportsDir = path.join(dir, 'exports');
const filesDir = path.join(dir, 'files'); // what ServiceNow does not hold: deployments, freeze windows
let sn: SnServer;
let exported: KpiReport[];
let config: Record<string, unknown>;

beforeAll(async () => {
  writeServiceNowExports(sampleFolder, exportsDir);
  fs.mkdirSync(filesDir);
  for (const f of ['deployments.csv', 'freeze_windows.csv'])
    fs.renameSync(path.join(exportsDir, f), path.join(filesDir, f));
  const exportDb = path.join(dir, 'export.duckdb');
  setDatabasePath(exportDb);
  await loadFolder(exportsDir);
  await loadFolder(filesDir);
  await closeDatabase();
  exported = await kpisOf(exportDb);
  sn = await startServiceNow({
    rm_release: recordsFromExport(path.join(exportsDir, 'rm_release.csv'), 'sys_created_on'),
    change_request: recordsFromExport(path.join(exportsDir, 'change_request.csv'), 'opened_at'),
    incident: recordsFromExport(path.join(exportsDir, 'incident_event_log.csv'), 'sys_updated_at'),
  });
  config = {
    sources: [
      {
        name: 'corp-sn',
        type: 'servicenow',
        url: sn.url,
        auth: { user_env: 'SN_USER', password_env: 'SN_PASSWORD' },
        batch_records: 2500,
        tables: [{ table: 'rm_release' }, { table: 'change_request' }, { table: 'incident' }],
      },
    ],
  };
  process.env.SN_USER = USER;
  process.env.SN_PASSWORD = PASSWORD;
}, 300_000);
afterAll(() => sn?.close());

describe('pulling the sample organisation from ServiceNow', () => {
  const pulledDb = path.join(dir, 'pulled.duckdb');

  it('gives the KPIs of the same records loaded as exports', async () => {
    setDatabasePath(pulledDb);
    await loadFolder(filesDir);
    const result = await pull(config);
    expect(result.failed).toBe(0);
    expect(result.log).toMatch(/corp-sn incident: 14872 fetched, 14872 loaded, 0 rejected in 6 batches/);
    await closeDatabase();
    expect(await kpisOf(pulledDb)).toEqual(exported);
  });

  it('npm run rebuild gives the same database back, watermarks included', async () => {
    const before = await contents(pulledDb);
    expect(before.pulls).toHaveLength(1 + 2 + 6);
    execFileSync(process.execPath, ['--import', 'tsx', 'ingest/rebuild.ts', '--db', pulledDb], {
      cwd: root,
      stdio: 'pipe',
    });
    expect(await contents(pulledDb)).toEqual(before);
    expect(await kpisOf(pulledDb)).toEqual(exported);
  });

  it('a pull killed with SIGKILL between batches resumes with nothing lost or doubled', async () => {
    const db = path.join(dir, 'killed.duckdb');
    setDatabasePath(db);
    await loadFolder(filesDir);
    await closeDatabase();
    const file = writeConfig(config);
    const child = () =>
      spawn(process.execPath, ['--import', 'tsx', 'pull/pullCommand.ts', '--config', file, '--db', db], {
        cwd: root,
        env: { ...process.env, SN_USER: USER, SN_PASSWORD: PASSWORD },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
    // killed once the second incident batch committed, while it fetches the third
    const killed = await new Promise<string>((resolve) => {
      const p = child();
      let text = '';
      p.stderr.on('data', (c) => {
        text += String(c);
        if (/corp-sn incident batch 2:/.test(text)) p.kill('SIGKILL');
      });
      p.on('exit', () => resolve(text));
    });
    expect(killed).not.toMatch(/corp-sn incident: \d+ fetched/);
    const partial = await contents(db);
    expect(partial.incidents.length).toBe(5000);
    const resumed = await new Promise<{ code: number | null; text: string }>((resolve) => {
      const p = child();
      let text = '';
      p.stderr.on('data', (c) => (text += String(c)));
      p.on('exit', (code) => resolve({ code, text }));
    });
    expect(resumed.code).toBe(0);
    // it started at the second batch's watermark less the overlap, not from the beginning
    expect(resumed.text).toMatch(/corp-sn incident: records updated since \S+ \S+ \(watermark/);
    const done = await contents(db);
    expect(done.incidents.length).toBe(14872);
    expect(new Set(done.incidents.map((r) => r.incident_id)).size).toBe(14872);
    expect(await kpisOf(db)).toEqual(exported);
  });
});
