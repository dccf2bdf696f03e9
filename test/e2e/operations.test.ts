/**
 * Ingest while the dashboard serves: `npm run ingest` finds the running server
 * by the file `npm start` writes beside the database and hands the files to it;
 * the server's ingest endpoint refuses anyone without the token.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeServerInfo, writeServerInfo } from '../../lib/handoff.ts';
import { build, database, root, type Server, serve } from './server.ts';

const golden = path.join(root, 'test', 'fixtures', 'golden');
const input = path.join(golden, 'input');
const expected = JSON.parse(fs.readFileSync(path.join(golden, 'expected', 'release.json'), 'utf8'));
const march = 'from=2025-03-01&to=2025-04-01&as_of=2025-04-15T00:00:00Z';
const token = `${'a'.repeat(24)}handoff-test-token-0123456789`;

describe('ingest while the dashboard serves', () => {
  let server: Server;
  let db: string;

  beforeAll(async () => {
    build();
    const all = fs.readdirSync(input).map((f) => path.join(input, f));
    db = database(
      'handoff',
      all.filter((f) => !f.endsWith('incidents.csv')),
    );
    server = await serve(db, { RELEASELENS_INGEST_TOKEN: token });
    writeServerInfo(db, { pid: server.pid, port: server.port, token });
  });
  afterAll(async () => {
    removeServerInfo(db, server.pid);
    await server?.stop();
  });

  it('hands the files to the server, which loads them and serves the new data version', async () => {
    const before = await (await fetch(`${server.url}/api/kpis?${march}`)).json();
    expect(before.kpis.post_release_incidents).toBe(0);
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'ingest/cli.ts', '--db', db, path.join(input, 'incidents.csv')],
      { cwd: root, encoding: 'utf8' },
    );
    expect(r.stderr).toMatch(/ingest: the dashboard \(PID \d+, port \d+\) holds .*; handing the files to it/);
    expect(r.stderr).toMatch(/models: data version \d+ built/);
    expect(r.stdout).toMatch(/incidents.csv: incidents from csv \(canonical\): 11 read, 11 loaded, 0 rejected/);
    expect(r.status).toBe(0);
    const after = await (await fetch(`${server.url}/api/kpis?${march}`)).json();
    expect(after.kpis).toEqual(expected.kpis);
  });

  it('keeps the exit code 1 for a file the server could not load', () => {
    const bad = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-handoff-')), 'bad.csv');
    fs.writeFileSync(bad, 'no,such,entity\n1,2,3\n');
    try {
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'ingest/cli.ts', '--db', db, bad], {
        cwd: root,
        encoding: 'utf8',
      });
      expect(r.stderr).toMatch(/handing the files to it/);
      expect(r.stderr).toMatch(/error: .*bad.csv/);
      expect(r.status).toBe(1);
    } finally {
      fs.rmSync(path.dirname(bad), { recursive: true, force: true });
    }
  });

  it('refuses an ingest without the token (401), with a wrong one (403), and a bad body (400)', async () => {
    const post = (headers: Record<string, string>, body: string) =>
      fetch(`${server.url}/api/ingest`, { method: 'POST', headers, body });
    const files = JSON.stringify({ files: [path.join(input, 'incidents.csv')] });
    expect((await post({}, files)).status).toBe(401);
    expect((await post({ authorization: 'Bearer wrong' }, files)).status).toBe(403);
    const bad = await post({ authorization: `Bearer ${token}` }, JSON.stringify({ files: ['relative.csv'] }));
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/absolute path/);
    expect((await fetch(`${server.url}/api/ingest`)).status).toBe(405);
  });
});
