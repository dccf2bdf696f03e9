/**
 * A pull while the dashboard serves the database: the watermarks are read
 * from the dashboard (/api/pulls), every batch is handed to it, and the Data
 * page shows each pulled source with its last pull, counts, watermark and
 * last error.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeServerInfo, writeServerInfo } from '../../lib/runningServer.ts';
import { writeConfig } from '../pull/helpers.ts';
import { PASSWORD, recordsFromExport, type SnServer, startServiceNow, USER } from '../pull/servicenowServer.ts';
import { build, database, root, type Server, serve } from './server.ts';

const input = path.join(root, 'test', 'fixtures', 'golden', 'input');
const token = `${'p'.repeat(24)}pull-handoff-token-0123456789`;

function pullChild(config: string, db: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'pull/pullCommand.ts', '--config', config, '--db', db], {
      cwd: root,
      env: { ...process.env, SN_USER: USER, SN_PASSWORD: PASSWORD },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    p.stderr.on('data', (c) => (stderr += String(c)));
    p.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('pull while the dashboard serves', () => {
  let server: Server;
  let sn: SnServer;
  let db: string;
  let config: string;

  beforeAll(async () => {
    build();
    db = database(
      'pull',
      fs.readdirSync(input).map((f) => path.join(input, f)),
    );
    server = await serve(db, { RELEASELENS_INGEST_TOKEN: token });
    writeServerInfo(db, { pid: server.pid, port: server.port, token });
    sn = await startServiceNow({
      rm_release: recordsFromExport(
        path.join(root, 'test', 'fixtures', 'exports', 'servicenow', 'releases_fields.csv'),
        'sys_created_on',
      ),
    });
    config = writeConfig({
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
  });
  afterAll(async () => {
    removeServerInfo(db, server.pid);
    await server?.stop();
    await sn?.close();
  });

  it('hands each batch to the dashboard, reads the watermark from it, and the Data page shows the source', async () => {
    const first = await pullChild(config, db);
    expect(first.stderr).toMatch(/pull: the dashboard \(PID \d+, port \d+\) holds .*; handing the files to it/);
    expect(first.stderr).toMatch(/corp-sn rm_release batch 1: 4 fetched, 4 loaded, 0 rejected/);
    expect(first.code).toBe(0);
    const pulls = await (await fetch(`${server.url}/api/pulls`)).json();
    expect(pulls.pulls).toEqual([
      expect.objectContaining({
        source: 'corp-sn',
        target: 'rm_release',
        watermark: '2025-03-20 09:00:00',
        fetched: 4,
      }),
    ]);

    sn.requests.length = 0;
    const second = await pullChild(config, db);
    expect(second.code).toBe(0);
    expect(sn.requests[0]?.searchParams.get('sysparm_query')).toBe(
      'sys_updated_on>=2025-03-20 08:55:00^ORDERBYsys_updated_on^ORDERBYsys_id',
    );

    const page = await (await fetch(`${server.url}/data`)).text();
    expect(page).toContain('data-table="pulls"');
    expect(page).toMatch(/corp-sn \(servicenow\)<\/td><td>rm_release<\/td>/);
    expect(page).toContain('2025-03-20 09:00:00');
  });

  it('shows the last error of a source on the Data page', async () => {
    sn.forbidden.add('rm_release');
    const denied = await pullChild(config, db);
    expect(denied.code).toBe(1);
    const page = await (await fetch(`${server.url}/data`)).text();
    expect(page).toMatch(/403 the user may not read rm_release/);
    expect(page).not.toContain(PASSWORD);
    sn.forbidden.clear();
  });
});
