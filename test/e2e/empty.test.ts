/**
 * Starting on an empty database, as `npm start -- --empty` does: every page
 * and API answers (200, or 404 for a release that is not there) with its
 * empty state, and the Data page says how to load data.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, root, type Server, serve } from './server.ts';

const routes = [
  '/',
  '/releases',
  '/incidents',
  '/trends',
  '/data',
  '/api/kpis?from=2025-01-01&to=2025-04-01',
  '/api/units?from=2025-01-01&to=2025-04-01',
  '/api/incident-charts',
  '/api/sensitivity',
  '/api/calendar',
  '/report',
  '/download/units/csv',
  '/releases.csv',
  '/?window=24',
  '/incidents?unit=deployment&window=72',
];

describe('an empty database', () => {
  let server: Server;

  beforeAll(async () => {
    build();
    const db = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-empty-')), 'empty.duckdb');
    server = await serve(db);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('answers every page and API with its empty state, never a 500', async () => {
    for (const route of routes) {
      const res = await fetch(`${server.url}${route}`);
      expect(res.status, route).toBe(200);
    }
    expect((await fetch(`${server.url}/releases/REL-1`)).status).toBe(404);
    expect(await (await fetch(`${server.url}/`)).text()).toContain('No data loaded.');
    expect(server.log()).not.toMatch(/Error/);
  });

  it('the Data page says how to load data', async () => {
    const html = await (await fetch(`${server.url}/data`)).text();
    expect(html).toContain('data-empty="data"');
    expect(html).toContain('No records are loaded yet.');
    expect(html).toContain('npm run ingest -- path/to/exports/');
  });

  it('npm start -- --empty serves an empty database without loading the sample', async () => {
    const db = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-empty-start-')), 'start.duckdb');
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const env: NodeJS.ProcessEnv = { ...process.env, RELEASELENS_DB: db, PORT: String(port) };
    for (const key of Object.keys(env)) if (key.startsWith('VITEST')) delete env[key];
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'start.ts'), '--empty'], {
      cwd: root,
      env,
    });
    let output = '';
    child.stderr.on('data', (d) => {
      output += d;
    });
    child.stdout.on('data', (d) => {
      output += d;
    });
    try {
      const deadline = Date.now() + 90_000;
      let status = 0;
      while (Date.now() < deadline) {
        status = await fetch(`http://127.0.0.1:${port}/data`).then(
          (r) => r.status,
          () => 0,
        );
        if (status !== 0) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(status, output).toBe(200);
      expect(output).toContain('--empty: not loading the sample');
      expect(output).toContain(`serving the dashboard on http://127.0.0.1:${port}`);
      expect(await (await fetch(`http://127.0.0.1:${port}/data`)).text()).toContain('No records are loaded yet.');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });
});
