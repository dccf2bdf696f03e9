/**
 * Sign-in as people meet it: the built dashboard behind OpenID Connect with a
 * real provider started in this process (oidc-provider, its own login and
 * consent pages), driven in chromium; behind a signing-in proxy (header
 * mode); and API tokens made with `npm run token`. Every route refuses an
 * unknown caller, roles decide uploads before a byte is written, sessions
 * expire, sign-out ends them, and a forged header from an untrusted address
 * counts for nothing. Also: a server asked to listen beyond loopback without
 * sign-in refuses to start.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import Provider from 'oidc-provider';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverCommand } from '../../scripts/serve.ts';
import { browserAvailable, build, database, freePort, launchBrowser, root, type Server, serve } from './server.ts';

const haveBrowser = browserAvailable();

const golden = path.join(root, 'test', 'fixtures', 'golden', 'input');
const march = 'from=2025-03-01&to=2025-04-01&as_of=2025-04-15T00:00:00Z';

/** Every kind of route: pages, their data requests, downloads, APIs, the report. */
const routes = [
  '/',
  '/releases',
  '/releases/REL-1',
  '/incidents',
  '/trends',
  '/data',
  '/_root.data',
  '/releases.data',
  `/api/kpis?${march}`,
  `/api/units?${march}`,
  `/api/incident-charts?${march}`,
  `/api/sensitivity?${march}`,
  `/api/calendar?${march}`,
  `/download/units/csv?${march}`,
  '/download/ingest_runs/parquet',
  `/releases.csv?${march}`,
  `/report?${march}`,
  `/review?${march}`,
  '/api/reviews',
  '/download/reviews/csv',
  '/upcoming?from=2025-03-01',
  '/upcoming.csv?from=2025-03-01',
  '/upcoming.html?from=2025-03-01',
];

/** Temporary upload folders the server made (it shares this process's temp folder). */
const uploadDirs = () => fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('releaselens-upload-'));

/** A multipart upload sent chunked (no Content-Length), as a script or a proxy may send it. */
function chunkedUpload(fields: [string, string][], fileBytes: number, headers: Record<string, string> = {}) {
  const boundary = 'releaselens-test-boundary';
  const head = fields
    .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
    .join('');
  const fileHead = `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="incidents.csv"\r\nContent-Type: text/csv\r\n\r\n`;
  const line = 'incident_id,opened_at,priority,service\n';
  let sent = 0;
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(encoder.encode(head + fileHead + line));
    },
    pull(c) {
      if (sent >= fileBytes) {
        c.enqueue(encoder.encode(`\r\n--${boundary}--\r\n`));
        c.close();
        return;
      }
      const chunk = 'I1,2025-03-01T00:00:00Z,3,payments\n'.repeat(2000);
      sent += chunk.length;
      c.enqueue(encoder.encode(chunk));
    },
  });
  return {
    method: 'POST',
    body,
    duplex: 'half',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, ...headers },
  } as RequestInit;
}

describe.skipIf(!haveBrowser)('sign-in with OpenID Connect against a real provider', () => {
  let provider: http.Server;
  let issuer = '';
  let server: Server;
  let shortServer: Server;
  let browser: Browser;
  let db = '';
  const consoleErrors: string[] = [];

  async function startProvider(redirects: string[]) {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    const groups: Record<string, string[]> = { alice: ['release-managers'], bob: ['staff'] };
    const oidc = new Provider(issuer, {
      clients: [
        {
          client_id: 'releaselens',
          client_secret: 'a-client-secret-for-the-tests',
          redirect_uris: redirects.map((r) => `${r}/auth/callback`),
          post_logout_redirect_uris: redirects.map((r) => `${r}/auth/signed-out`),
          grant_types: ['authorization_code'],
          response_types: ['code'],
        },
      ],
      pkce: { required: () => true },
      claims: { openid: ['sub'], email: ['email', 'email_verified'], groups: ['groups'] },
      findAccount: (_ctx, id) => ({
        accountId: id,
        claims: () => ({ sub: id, email: `${id}@example.com`, email_verified: true, groups: groups[id] ?? [] }),
      }),
      cookies: { keys: ['cookie-key-for-the-tests'] },
      features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    });
    oidc.proxy = false;
    provider = oidc.listen(port);
    await new Promise((r) => provider.once('listening', r));
  }

  /** Signs in through the provider's own pages (any login is accepted there; the login becomes the user). */
  async function signIn(context: BrowserContext, base: string, login: string, start = '/'): Promise<Page> {
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' && page.url().startsWith(base)) consoleErrors.push(`${login}: ${m.text()}`);
    });
    await page.goto(`${base}${start}`);
    await page.waitForURL((u) => u.href.startsWith(issuer));
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('any');
    await page.locator('button[type="submit"]').click();
    // consent, the first time
    await page.waitForLoadState();
    if (page.url().startsWith(issuer)) await page.locator('button[type="submit"]').click();
    await page.waitForURL((u) => u.href.startsWith(base) && !u.pathname.startsWith('/auth/'));
    return page;
  }

  const sessionCookie = async (context: BrowserContext) =>
    (await context.cookies()).find((c) => c.name === 'rl_session');

  beforeAll(async () => {
    build();
    db = database('golden', [golden]);
    const [port, shortPort] = [await freePort(), await freePort()];
    const base = `http://127.0.0.1:${port}`;
    const shortBase = `http://127.0.0.1:${shortPort}`;
    await startProvider([base, shortBase]);
    const rolesFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-roles-')), 'roles.yaml');
    fs.writeFileSync(rolesFile, 'default: viewer\ngroups:\n  release-managers: uploader\n');
    const env = {
      RELEASELENS_AUTH: 'oidc',
      OIDC_ISSUER: issuer,
      OIDC_CLIENT_ID: 'releaselens',
      OIDC_CLIENT_SECRET: 'a-client-secret-for-the-tests',
      OIDC_SCOPES: 'openid email groups',
      RELEASELENS_ROLES: rolesFile,
    };
    server = await serve(db, { ...env, RELEASELENS_URL: base }, port);
    // a second server on a copy, whose sessions last four seconds
    const copy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-short-')), 'short.duckdb');
    fs.copyFileSync(db, copy);
    shortServer = await serve(
      copy,
      { ...env, RELEASELENS_URL: shortBase, RELEASELENS_SESSION_HOURS: String(4 / 3600) },
      shortPort,
    );
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await shortServer?.stop();
    provider?.close();
  });

  it('refuses every route to a caller who has not signed in: pages go to sign-in, the rest get 401', async () => {
    for (const route of routes) {
      const page = await fetch(`${server.url}${route}`, { redirect: 'manual', headers: { accept: 'text/html' } });
      const data = await fetch(`${server.url}${route}`, { redirect: 'manual' });
      // a browser navigating anywhere is sent to sign in; a page's own data requests and scripts get 401
      if (!route.includes('.data')) {
        expect(page.status, route).toBe(302);
        expect(page.headers.get('location'), route).toMatch(/^\/auth\/login\?back=/);
      } else expect(page.status, route).toBe(401);
      expect(data.status, route).toBe(401);
      const body = await data.text();
      expect(body, route).not.toMatch(/change_failure_rate|REL-|incident_id/);
    }
    const upload = await fetch(`${server.url}/data`, chunkedUpload([['source', 'csv']], 200_000));
    expect(upload.status).toBe(401);
  });

  it('signs a release manager in through the provider and back to the page asked for; the group makes them an uploader', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, server.url, 'alice', '/releases?team=Team+Ledger');
    expect(new URL(page.url()).pathname).toBe('/releases');
    expect(new URL(page.url()).searchParams.get('team')).toBe('Team Ledger');
    await expect.poll(() => page.locator('main h1').count()).toBe(1);
    const cookie = await sessionCookie(context);
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Lax');
    await page.goto(`${server.url}/data`);
    expect(await page.locator('main').textContent()).toContain('Signed in as alice@example.com (uploader)');
    // an uploader uploads without the admin token field
    expect(await page.locator('input[name="token"]').count()).toBe(0);
    const csv = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-up-')), 'incidents.csv');
    fs.writeFileSync(
      csv,
      // far from the golden March, so the other tests' figures stay the contract's
      'incident_id,opened_at,resolved_at,priority,service,title\nUP-1,2030-03-05T10:00:00Z,2030-03-05T12:00:00Z,2,elsewhere,Upload by alice\n',
    );
    await page.locator('input[type="file"]').setInputFiles(csv);
    await page.locator('button[type="submit"]', { hasText: 'Upload and load' }).click();
    await expect.poll(() => page.locator('[data-upload="result"]').textContent()).toMatch(/1 loaded/);
    await page.goto(`${server.url}/data`);
    const audit = page.locator('[data-table="audit"] tbody tr');
    await expect
      .poll(() => audit.first().textContent())
      .toMatch(/alice@example\.comupload.*incidents\.csv: 1 incidents loaded/);
    expect(await page.locator('[data-table="audit"]').textContent()).toMatch(/alice@example\.comsign-in/);
    await context.close();
    expect(consoleErrors).toEqual([]);
  });

  it('a viewer sees the pages but an upload is refused with 403 before anything is written, chunked or not', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, server.url, 'bob');
    await expect.poll(() => page.locator('[data-kpi="success_rate"] svg').count()).toBeGreaterThan(0);
    const cookie = await sessionCookie(context);
    const before = uploadDirs();
    const refused = await fetch(
      `${server.url}/data`,
      chunkedUpload([['source', 'csv']], 5_000_000, { cookie: `rl_session=${cookie?.value}` }),
    );
    expect(refused.status).toBe(403);
    expect((await refused.json()).error).toMatch(/bob@example\.com is a viewer; this needs the uploader role/);
    expect(uploadDirs()).toEqual(before);
    // and the data page says why there is no form
    await page.goto(`${server.url}/data`);
    expect(await page.locator('main').textContent()).toContain('Uploads need the uploader role');
    await context.close();
  });

  it('a signed-in uploader reviews a link in their own name; a viewer reads the queue but may not review', async () => {
    const period = 'from=2025-03-01&to=2025-04-01&as_of=2025-04-15T00:00:00Z';
    const alice = await browser.newContext();
    const page = await signIn(alice, server.url, 'alice', `/review?${period}`);
    const first = page.locator('[data-table="review-queue"] tbody tr').first();
    await first.locator('input[name="reason"]').fill('seen in the deploy log');
    await first.locator('button[value="confirmed"]').click();
    await expect.poll(() => page.locator('[data-table="reviews"]').textContent()).toMatch(/alice@example\.com/);
    expect(await page.locator('[data-table="reviews"]').textContent()).toMatch(/confirmed.*seen in the deploy log/);
    const bob = await browser.newContext();
    const viewer = await signIn(bob, server.url, 'bob', `/review?${period}`);
    await viewer.waitForSelector('[data-notice="read-only"]');
    expect(await viewer.locator('button[value="confirmed"]').count()).toBe(0);
    const cookie = await sessionCookie(bob);
    const refused = await fetch(`${server.url}/api/reviews`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: `rl_session=${cookie?.value}` },
      body: JSON.stringify({ incident_id: 'X', unit_kind: 'release', unit_id: 'Y', verdict: 'confirmed' }),
    });
    expect(refused.status).toBe(403);
    expect((await refused.json()).error).toMatch(/bob@example\.com is a viewer/);
    // withdrawn again, so the golden figures of the other tests stand
    await page.locator('[data-table="reviews"] button[value="withdrawn"]').first().click();
    await expect.poll(() => page.locator('[data-table="reviews"] tbody tr').count()).toBe(0);
    await alice.close();
    await bob.close();
  });

  it('a session expires: the next page goes back to sign-in', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, shortServer.url, 'carol');
    const cookie = await sessionCookie(context);
    expect(cookie).toBeDefined();
    const headers = { cookie: `rl_session=${cookie?.value}` };
    expect((await fetch(`${shortServer.url}/api/kpis?${march}`, { headers })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 4500));
    expect((await fetch(`${shortServer.url}/api/kpis?${march}`, { headers })).status).toBe(401);
    // the page goes through sign-in again (the provider still knows carol, so it comes straight back)
    const visited: string[] = [];
    page.on('request', (r) => visited.push(r.url()));
    await page.goto(`${shortServer.url}/trends`);
    await page.waitForURL(`${shortServer.url}/trends`);
    expect(visited.some((u) => u.startsWith(`${shortServer.url}/auth/login`))).toBe(true);
    expect(visited.some((u) => u.startsWith(`${shortServer.url}/auth/callback`))).toBe(true);
    const renewed = await sessionCookie(context);
    expect(renewed?.value).not.toBe(cookie?.value);
    await context.close();
  });

  it('sign-out ends the session here and at the provider', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, server.url, 'dave');
    const cookie = await sessionCookie(context);
    await page.goto(`${server.url}/auth/logout`);
    // the provider asks to confirm its own sign-out, then sends the browser to our signed-out page
    await page.waitForURL((u) => u.href.startsWith(issuer));
    await page.locator('button[name="logout"]').click();
    await page.waitForURL(`${server.url}/auth/signed-out`);
    expect(await page.locator('h1').textContent()).toBe('Signed out');
    expect(await sessionCookie(context)).toBeUndefined();
    // the old cookie value still verifies until it expires, so sign-out must also have removed it from the browser
    await page.goto(`${server.url}/`);
    await page.waitForURL((u) => u.href.startsWith(issuer));
    expect(cookie).toBeDefined();
    await context.close();
  });

  it('an API token from npm run token reads like a viewer, cannot upload, and stops when revoked', async () => {
    const run = (args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'token.ts'), ...args, '--db', db], {
        cwd: root,
        encoding: 'utf8',
      });
    const created = run(['create', '--role', 'viewer', '--name', 'powerbi']);
    expect(created.status, created.stderr).toBe(0);
    const secret = created.stdout.trim();
    const auth = { authorization: `Bearer ${secret}` };
    const kpis = await fetch(`${server.url}/api/kpis?${march}`, { headers: auth });
    expect(kpis.status).toBe(200);
    expect((await kpis.json()).kpis.change_failure_rate.value).toBeCloseTo(0.666667, 5);
    expect((await fetch(`${server.url}/download/units/csv?${march}`, { headers: auth })).status).toBe(200);
    const before = uploadDirs();
    expect((await fetch(`${server.url}/data`, chunkedUpload([], 1_000_000, auth))).status).toBe(403);
    expect(uploadDirs()).toEqual(before);
    expect(run(['list']).stdout).toMatch(/powerbi\s+viewer/);
    expect(run(['revoke', 'powerbi']).status).toBe(0);
    expect((await fetch(`${server.url}/api/kpis?${march}`, { headers: auth })).status).toBe(401);
    expect(run(['create', '--role', 'root', '--name', 'x']).status).toBe(2);
  });
});

describe.skipIf(!haveBrowser)('behind a signing-in proxy (header mode)', () => {
  let trusted: Server;
  let untrusted: Server;

  beforeAll(async () => {
    build();
    const db = database('golden', [golden]);
    const env = { RELEASELENS_AUTH: 'header', RELEASELENS_GROUPS_HEADER: 'X-Forwarded-Groups' };
    trusted = await serve(db, env);
    const copy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-hdr-')), 'h.duckdb');
    fs.copyFileSync(db, copy);
    // this proxy address is not ours: a header from 127.0.0.1 is then a forgery
    untrusted = await serve(copy, { ...env, RELEASELENS_TRUSTED_PROXIES: '10.255.0.1' });
  });

  afterAll(async () => {
    await trusted?.stop();
    await untrusted?.stop();
  });

  it('believes the header from a trusted proxy and refuses a request without it', async () => {
    const ok = await fetch(`${trusted.url}/api/kpis?${march}`, {
      headers: { 'X-Forwarded-Email': 'erin@example.com' },
    });
    expect(ok.status).toBe(200);
    for (const route of routes) expect((await fetch(`${trusted.url}${route}`)).status, route).toBe(401);
  });

  it('a forged header from an address that is not a trusted proxy counts for nothing', async () => {
    for (const route of routes) {
      const forged = await fetch(`${untrusted.url}${route}`, {
        headers: { 'X-Forwarded-Email': 'admin@example.com', 'X-Forwarded-Groups': 'platform-admins' },
      });
      expect(forged.status, route).toBe(401);
    }
  });
});

describe.skipIf(!haveBrowser)('listening beyond loopback', () => {
  const start = (env: Record<string, string>) =>
    new Promise<{ code: number | null; output: string }>((resolve) => {
      const [node, args] = serverCommand();
      const child = spawn(node, [...args], {
        cwd: root,
        env: { ...process.env, NODE_ENV: 'production', RELEASELENS_DB: database('golden', [golden]), ...env },
      });
      let output = '';
      child.stdout.on('data', (d) => {
        output += d;
      });
      child.stderr.on('data', (d) => {
        output += d;
        if (/\[releaselens\] http/.test(output)) child.kill('SIGTERM');
      });
      child.stdout.on('data', () => {
        if (/\[releaselens\] http/.test(output)) child.kill('SIGTERM');
      });
      child.on('exit', (code) => resolve({ code, output }));
    });

  beforeAll(() => build());

  it('refuses to start on 0.0.0.0 without sign-in, saying what to set', async () => {
    const port = String(await freePort());
    const r = await start({ HOST: '0.0.0.0', PORT: port });
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/not starting: HOST=0\.0\.0\.0 .*RELEASELENS_AUTH=oidc.*RELEASELENS_AUTH=none/);
  });

  it('starts with RELEASELENS_AUTH=none set on purpose, and warns', async () => {
    const port = String(await freePort());
    const r = await start({ HOST: '0.0.0.0', PORT: port, RELEASELENS_AUTH: 'none' });
    expect(r.output).toMatch(/warning: RELEASELENS_AUTH=none on HOST=0\.0\.0\.0/);
    expect(r.output).toMatch(/\[releaselens\] http:\/\/0\.0\.0\.0:/);
  });
});
