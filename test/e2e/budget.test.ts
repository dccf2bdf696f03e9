/**
 * The request budget over HTTP, on the built server: GETs with ever new
 * `window` values cannot grow the database past a bound (the stores hold the
 * default window, the sensitivity set and MAX_OTHER_WINDOWS more, the least
 * recently read dropped), and the expensive endpoints have a per-client rate
 * limit that answers 429 with the standard headers while pages still answer.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setDatabasePath, withConnection } from '../../lib/db.ts';
import { SENSITIVITY_WINDOWS } from '../../queries/catalogue.ts';
import { modelState } from '../../queries/versions.ts';
import { MAX_OTHER_WINDOWS } from '../../queries/windowBudget.ts';
import { build, database, root, type Server, serve } from './server.ts';

const golden = path.join(root, 'test', 'fixtures', 'golden', 'input');
const march = 'from=2025-03-01&to=2025-04-01&as_of=2025-04-15T00:00:00Z';

describe('windows held per data version', () => {
  let server: Server;
  let db = '';

  beforeAll(async () => {
    build();
    db = database('windows', [path.join(root, 'data', 'sample')]);
    server = await serve(db);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('40 GETs with new windows each answer, and the database holds at most the bound', async () => {
    const sizeBefore = fs.statSync(db).size;
    const windows = Array.from({ length: 40 }, (_, i) => 200 + 37 * i);
    for (const window of windows) {
      const res = await fetch(`${server.url}/api/kpis?${march}&window=${window}`);
      expect(res.status, `window ${window}`).toBe(200);
      expect((await res.json()).parameters.window_hours).toBe(window);
    }
    // a window read again recently is kept over older ones
    const last = windows.at(-1);
    expect((await fetch(`${server.url}/api/kpis?${march}&window=${last}`)).status).toBe(200);
    expect(server.log()).toMatch(/window \d+ h for release units dropped to make room \(least recently read\)/);
    await server.stop();
    setDatabasePath(db);
    const held = await withConnection(async (conn) => {
      const state = await modelState(conn);
      const rows = await conn.runAndReadAll(`select window_hours from ${state?.schema}.mat_windows`);
      return rows.getRows().map(([w]) => Number(w));
    });
    const others = held.filter((w) => !(SENSITIVITY_WINDOWS as readonly number[]).includes(w));
    expect(others.length).toBeLessThanOrEqual(MAX_OTHER_WINDOWS);
    expect(others).toContain(last);
    // the sample's database with 40 windows asked for: a bound, not 40 windows' worth of rows
    const growthMiB = (fs.statSync(db).size - sizeBefore) / 2 ** 20;
    console.log(`40 new windows: ${held.length} held, database grew ${growthMiB.toFixed(1)} MiB`);
    expect(growthMiB).toBeLessThan(64);
  });
});

describe('the rate limit on expensive endpoints', () => {
  let server: Server;

  beforeAll(async () => {
    build();
    server = await serve(database('limit', [golden]), { RELEASELENS_RATE_LIMIT_PER_MINUTE: '5' });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('answers 429 with the standard headers past the limit, names it, and leaves pages alone', async () => {
    // serve() asked /api/kpis once while it waited for the server
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await fetch(`${server.url}/api/kpis?${march}&i=${i}`)).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(2);
    const limited = await fetch(`${server.url}/download/units/csv?${march}`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('ratelimit-policy')).toMatch(/q=5; w=60/);
    expect(limited.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect((await limited.json()).error).toMatch(/at most 5 a minute/);
    expect((await fetch(`${server.url}/?${march}`)).status).toBe(200);
  });
});
