/** `npm run pull -- --every`: the first run at once, the next on the schedule (on the Data page too), a clean stop on SIGTERM. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStatus } from '../../pull/status.ts';
import { fixtures } from '../helpers.ts';
import { writeConfig } from './helpers.ts';
import { PASSWORD, recordsFromExport, type SnServer, startServiceNow, USER } from './servicenowServer.ts';

const root = path.join(import.meta.dirname, '..', '..');
let sn: SnServer;

beforeAll(async () => {
  sn = await startServiceNow({
    rm_release: recordsFromExport(
      path.join(fixtures, 'exports', 'servicenow', 'releases_fields.csv'),
      'sys_created_on',
    ),
  });
});
afterAll(() => sn.close());

describe('pull on a schedule', () => {
  it('pulls at once, names the next run, and stops cleanly on SIGTERM', async () => {
    const db = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-every-')), 'every.duckdb');
    const config = writeConfig({
      sources: [
        {
          name: 'corp-sn',
          type: 'servicenow',
          url: sn.url,
          auth: { user_env: 'SN_USER', password_env: 'SN_PASSWORD' },
          tables: [{ table: 'rm_release' }],
        },
      ],
    });
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'pull/pullCommand.ts', '--config', config, '--db', db, '--every', '1h'],
      {
        cwd: root,
        env: { ...process.env, SN_USER: USER, SN_PASSWORD: PASSWORD },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    const started = Date.now();
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (c) => {
        stderr += String(c);
        if (/pull: done; next at/.test(stderr)) resolve();
      });
    });
    const status = readStatus(db).sources['corp-sn'];
    expect(status?.targets.rm_release).toMatchObject({ fetched: 4, loaded: 4, rejected: 0, error: null });
    const next = Date.parse(status?.nextRunAt ?? '');
    // an hour after the schedule was set (croner counts in whole seconds), which was just before the first run
    expect(next - started).toBeGreaterThan(59 * 60_000);
    expect(next - started).toBeLessThan(61 * 60_000);
    // between runs the database is free: another process may open it
    const code = await new Promise<number | null>((resolve) => {
      child.on('exit', (c) => resolve(c));
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
    expect(stderr).toMatch(/pull: every 1h, the first run now/);
  });
});
