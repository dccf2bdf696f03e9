/**
 * The access rules on their own: what each path needs, roles from the roles
 * file, API tokens, signed cookies, the listen policy, and the gate's
 * decisions in each mode (the browser flows against a real OpenID provider
 * are in test/e2e/access.test.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gate, neededRole } from '../../app/server/access.server.ts';
import { seal, unseal } from '../../app/server/session.server.ts';
import { audit, auditPath, MAX_AUDIT_BYTES, readAudit } from '../../lib/access/audit.ts';
import { isLoopback, listenProblem, openWarning } from '../../lib/access/listen.ts';
import { readRoles, roleOf } from '../../lib/access/roles.ts';
import { createToken, readTokens, revokeToken, tokenFor, tokensPath } from '../../lib/access/tokens.ts';
import { config, reloadConfig } from '../../lib/config.ts';
import { setDatabasePath } from '../../lib/db.ts';

const dir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-access-'));
const saved = { ...process.env };

function withEnv(vars: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  reloadConfig();
}

afterEach(() => {
  process.env = { ...saved };
  reloadConfig();
});

describe('what each request needs', () => {
  it.each([
    ['GET', '/', 'viewer'],
    ['GET', '/releases/REL-1', 'viewer'],
    ['GET', '/api/units', 'viewer'],
    ['GET', '/download/units/csv', 'viewer'],
    ['GET', '/report', 'viewer'],
    ['GET', '/_root.data', 'viewer'],
    ['GET', '/incidents.data', 'viewer'],
    ['HEAD', '/data', 'viewer'],
    ['POST', '/data', 'uploader'],
    ['POST', '/data.data', 'uploader'],
    ['POST', '/review', 'uploader'],
    ['POST', '/review.data', 'uploader'],
    ['POST', '/api/reviews', 'uploader'],
    ['GET', '/api/reviews', 'viewer'],
    ['DELETE', '/api/reviews', 'admin'],
    ['POST', '/', 'admin'],
    ['PUT', '/data', 'admin'],
    ['DELETE', '/api/units', 'admin'],
    ['POST', '/api/ingest', 'handoff'],
    ['GET', '/api/ingest', 'handoff'],
    ['GET', '/auth/login', 'public'],
    ['GET', '/auth/callback', 'public'],
  ])('%s %s needs %s', (method, pathname, needed) => {
    expect(neededRole(method, pathname)).toBe(needed);
  });
});

describe('roles', () => {
  it('gives the highest of the default, the user’s own and their groups’, names compared without case', () => {
    const file = path.join(dir(), 'roles.yaml');
    fs.writeFileSync(
      file,
      'default: viewer\nusers:\n  Alice@Example.com: admin\ngroups:\n  release-managers: uploader\n',
    );
    const roles = readRoles(file);
    expect(roleOf(roles, 'alice@example.com', [])).toBe('admin');
    expect(roleOf(roles, 'bob@example.com', ['Release-Managers'])).toBe('uploader');
    expect(roleOf(roles, 'carol@example.com', ['other'])).toBe('viewer');
  });

  it('lets only listed users in with default: none', () => {
    const file = path.join(dir(), 'roles.yaml');
    fs.writeFileSync(file, 'default: none\ngroups: { ops: viewer }\n');
    expect(roleOf(readRoles(file), 'x@example.com', [])).toBeNull();
    expect(roleOf(readRoles(file), 'x@example.com', ['ops'])).toBe('viewer');
  });

  it('everyone signed in is a viewer without a roles file', () => {
    expect(roleOf(readRoles(undefined), 'anyone', [])).toBe('viewer');
  });

  it.each([
    ['default: owner\n', /default: Invalid input/],
    ['users: { a@b.c: root }\n', /users\.a@b\.c: Invalid option/],
    ['admins: [a]\n', /Unrecognized key.*admins/],
    ['users: [\n', /not valid YAML/],
  ])('refuses a bad roles file with the file and key: %s', (text, message) => {
    const file = path.join(dir(), 'roles.yaml');
    fs.writeFileSync(file, text);
    expect(() => readRoles(file)).toThrow(message);
    expect(() => readRoles(file)).toThrow(file);
  });
});

describe('API tokens', () => {
  it('are shown once, kept as a hash in a 0600 file, found by their secret, and stop working when revoked', () => {
    const db = path.join(dir(), 'x.duckdb');
    const { token, secret } = createToken(db, { name: 'powerbi', role: 'viewer', by: 'test' });
    expect(secret).toMatch(/^rl_[A-Za-z0-9_-]{43}$/);
    const stored = fs.readFileSync(tokensPath(db), 'utf8');
    expect(stored).not.toContain(secret);
    expect(stored).toContain(token.sha256);
    expect(fs.statSync(tokensPath(db)).mode & 0o777).toBe(0o600);
    expect(tokenFor(db, secret)?.name).toBe('powerbi');
    for (const wrong of [`${secret}x`, secret.slice(0, -1), 'rl_', '', 'Bearer', 'x'.repeat(10_000)])
      expect(tokenFor(db, wrong)).toBeNull();
    expect(() => createToken(db, { name: 'powerbi', role: 'admin', by: 'test' })).toThrow(/exists/);
    for (const bad of ['', 'a b', 'x'.repeat(61), '../x', 'ä'])
      expect(() => createToken(db, { name: bad, role: 'viewer', by: 'test' })).toThrow(/token name/);
    expect(revokeToken(db, 'powerbi')?.revoked_at).not.toBeNull();
    expect(tokenFor(db, secret)).toBeNull();
    expect(revokeToken(db, 'powerbi')).toBeNull();
    expect(readTokens(db)).toHaveLength(1);
  });
});

describe('signed cookies', () => {
  it('read back only when untouched and not expired', () => {
    const exp = Math.floor(Date.now() / 1000) + 60;
    const sealed = seal({ name: 'alice', exp });
    expect(unseal<{ name: string; exp: number }>(sealed)?.name).toBe('alice');
    const [payload, mac] = sealed.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ name: 'mallory', exp })).toString('base64url');
    for (const bad of [
      `${forged}.${mac}`,
      `${payload}.${mac.slice(1)}`,
      payload,
      '',
      '.',
      `${payload}.`,
      'a'.repeat(9000),
    ])
      expect(unseal(bad)).toBeNull();
    expect(unseal(sealed, exp + 1)).toBeNull();
  });
});

describe('listening', () => {
  it('knows loopback addresses', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1', 'localhost', '[::1]'])
      expect(isLoopback(a)).toBe(true);
    for (const a of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.2', '::ffff:10.0.0.1', '', undefined])
      expect(isLoopback(a)).toBe(false);
  });

  it('refuses another address than loopback without sign-in, and says what to set', () => {
    withEnv({ HOST: '0.0.0.0', RELEASELENS_AUTH: undefined });
    expect(listenProblem(config())).toMatch(
      /HOST=0\.0\.0\.0 .* RELEASELENS_AUTH=oidc .* RELEASELENS_AUTH=header .* RELEASELENS_AUTH=none/,
    );
    withEnv({ HOST: '0.0.0.0', RELEASELENS_AUTH: 'none' });
    expect(listenProblem(config())).toBeNull();
    expect(openWarning(config())).toMatch(/everyone who reaches this port/);
    withEnv({ HOST: '127.0.0.1', RELEASELENS_AUTH: undefined });
    expect(listenProblem(config())).toBeNull();
    expect(openWarning(config())).toBeNull();
  });

  it('refuses an incomplete or plain-http sign-in configuration', () => {
    withEnv({ RELEASELENS_AUTH: 'oidc', OIDC_ISSUER: 'https://id.example.com' });
    expect(listenProblem(config())).toMatch(/needs OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, RELEASELENS_URL/);
    withEnv({
      RELEASELENS_AUTH: 'oidc',
      OIDC_ISSUER: 'http://id.example.com',
      OIDC_CLIENT_ID: 'c',
      OIDC_CLIENT_SECRET: 's',
      RELEASELENS_URL: 'https://lens.example.com',
    });
    expect(listenProblem(config())).toMatch(/OIDC_ISSUER must be https/);
    withEnv({ OIDC_ISSUER: 'https://id.example.com', RELEASELENS_URL: 'http://lens.example.com' });
    expect(listenProblem(config())).toMatch(/RELEASELENS_URL must be https/);
    withEnv({ RELEASELENS_URL: 'http://127.0.0.1:3000' });
    expect(listenProblem(config())).toBeNull();
    withEnv({ RELEASELENS_AUTH: 'header', RELEASELENS_TRUSTED_PROXIES: '127.0.0.1,proxy.local' });
    expect(listenProblem(config())).toMatch(/not IP addresses: proxy\.local/);
  });

  it('refuses a short admin token and a bad mode', () => {
    withEnv({ RELEASELENS_ADMIN_TOKEN: 'short-1' });
    expect(() => config()).toThrow(/RELEASELENS_ADMIN_TOKEN: must be at least 24 characters/);
    withEnv({ RELEASELENS_ADMIN_TOKEN: undefined, RELEASELENS_AUTH: 'basic' });
    expect(() => config()).toThrow(/RELEASELENS_AUTH/);
  });
});

describe('the gate', () => {
  let db = '';
  const req = (over: Partial<Parameters<typeof gate>[0]> = {}) => ({
    method: 'GET',
    url: '/',
    headers: {},
    remoteAddress: '127.0.0.1',
    ...over,
  });

  beforeEach(() => {
    db = path.join(dir(), 'gate.duckdb');
    setDatabasePath(db);
  });

  it('none: a viewer; an upload only with the admin token configured; the hand-off from loopback only', async () => {
    withEnv({ RELEASELENS_AUTH: undefined, RELEASELENS_ADMIN_TOKEN: undefined });
    expect(await gate(req())).toMatchObject({ principal: { name: 'local', role: 'viewer' } });
    expect(await gate(req({ method: 'POST', url: '/data' }))).toMatchObject({ status: 403 });
    withEnv({ RELEASELENS_ADMIN_TOKEN: 'a'.repeat(24) });
    expect(await gate(req({ method: 'POST', url: '/data' }))).toMatchObject({ principal: { via: 'local' } });
    expect(await gate(req({ method: 'POST', url: '/api/ingest' }))).toMatchObject({ principal: { via: 'handoff' } });
    expect(await gate(req({ method: 'POST', url: '/api/ingest', remoteAddress: '10.1.2.3' }))).toMatchObject({
      status: 403,
    });
    expect(await gate(req({ method: 'DELETE', url: '/' }))).toMatchObject({ status: 403 });
  });

  it('none: a review of a link is the person at this machine, and only while the port is this machine alone', async () => {
    withEnv({ RELEASELENS_AUTH: undefined, RELEASELENS_ADMIN_TOKEN: undefined, HOST: '127.0.0.1' });
    for (const url of ['/review', '/review.data', '/api/reviews'])
      expect(await gate(req({ method: 'POST', url }))).toMatchObject({ principal: { name: 'local' } });
    // a form another site posts to this port: its Origin gives it away
    expect(
      await gate(
        req({ method: 'POST', url: '/review', headers: { origin: 'http://evil.example', host: '127.0.0.1:3000' } }),
      ),
    ).toMatchObject({ status: 403 });
    expect(
      await gate(
        req({ method: 'POST', url: '/review', headers: { origin: 'http://127.0.0.1:3000', host: '127.0.0.1:3000' } }),
      ),
    ).toMatchObject({ principal: { name: 'local' } });
    // everyone on the network reads (RELEASELENS_AUTH=none on purpose), but no one of them reviews
    withEnv({ RELEASELENS_AUTH: 'none', HOST: '0.0.0.0' });
    expect(await gate(req({ method: 'POST', url: '/review', remoteAddress: '10.1.2.3' }))).toMatchObject({
      status: 403,
    });
    expect(await gate(req({ method: 'POST', url: '/review' }))).toMatchObject({ status: 403 });
  });

  it('header: a viewer may read the review queue but not review; an uploader may', async () => {
    withEnv({ RELEASELENS_AUTH: 'header', RELEASELENS_TRUSTED_PROXIES: '10.0.0.9' });
    const headers = { 'x-forwarded-email': 'alice@example.com' };
    expect(await gate(req({ url: '/review', headers, remoteAddress: '10.0.0.9' }))).toMatchObject({
      principal: { role: 'viewer' },
    });
    expect(await gate(req({ method: 'POST', url: '/api/reviews', headers, remoteAddress: '10.0.0.9' }))).toMatchObject({
      status: 403,
    });
    const { secret } = createToken(db, { name: 'pm', role: 'uploader', by: 'test' });
    expect(
      await gate(req({ method: 'POST', url: '/api/reviews', headers: { authorization: `Bearer ${secret}` } })),
    ).toMatchObject({ principal: { name: 'token:pm', role: 'uploader' } });
  });

  it('header: believed only from a trusted proxy; a forged header from anywhere else is 401', async () => {
    withEnv({
      RELEASELENS_AUTH: 'header',
      RELEASELENS_TRUSTED_PROXIES: '10.0.0.9',
      RELEASELENS_GROUPS_HEADER: 'X-Forwarded-Groups',
    });
    const headers = { 'x-forwarded-email': 'alice@example.com', 'x-forwarded-groups': 'a, b' };
    expect(await gate(req({ headers, remoteAddress: '10.0.0.9' }))).toMatchObject({
      principal: { name: 'alice@example.com', role: 'viewer', via: 'header' },
    });
    expect(await gate(req({ headers, remoteAddress: '::ffff:10.0.0.9' }))).toMatchObject({
      principal: { via: 'header' },
    });
    for (const remoteAddress of ['10.0.0.8', '127.0.0.1', undefined])
      expect(await gate(req({ headers, remoteAddress }))).toMatchObject({ status: 401 });
    expect(await gate(req({ remoteAddress: '10.0.0.9' }))).toMatchObject({ status: 401 });
    expect(
      await gate(req({ headers: { 'x-forwarded-email': 'x'.repeat(201) }, remoteAddress: '10.0.0.9' })),
    ).toMatchObject({
      status: 401,
    });
    // a viewer may not upload
    expect(await gate(req({ method: 'POST', url: '/data', headers, remoteAddress: '10.0.0.9' }))).toMatchObject({
      status: 403,
    });
  });

  it('oidc: a page sends the browser to sign in, data gets 401, and a forged session cookie counts for nothing', async () => {
    withEnv({
      RELEASELENS_AUTH: 'oidc',
      OIDC_ISSUER: 'https://id.example.com',
      OIDC_CLIENT_ID: 'c',
      OIDC_CLIENT_SECRET: 's',
      RELEASELENS_URL: 'https://lens.example.com',
    });
    const page = await gate(req({ url: '/releases?team=a', headers: { accept: 'text/html' } }));
    expect(page).toMatchObject({ status: 302, headers: { location: '/auth/login?back=%2Freleases%3Fteam%3Da' } });
    // a script (or the page's own data requests) gets 401, not a sign-in page
    for (const url of ['/api/kpis', '/download/units/csv', '/report', '/_root.data', '/'])
      expect(await gate(req({ url, headers: { accept: 'application/json' } }))).toMatchObject({ status: 401 });
    expect(await gate(req({ url: '/_root.data', headers: { accept: 'text/html' } }))).toMatchObject({ status: 401 });
    expect(await gate(req({ method: 'POST', url: '/data', headers: { accept: 'text/html' } }))).toMatchObject({
      status: 401,
    });
    const forged = `${Buffer.from(JSON.stringify({ name: 'x', groups: [], exp: 9e9 })).toString('base64url')}.AAAA`;
    expect(await gate(req({ url: '/api/kpis', headers: { cookie: `rl_session=${forged}` } }))).toMatchObject({
      status: 401,
    });
  });

  it('an API token stands for its role in every mode; a wrong one is 401', async () => {
    withEnv({ RELEASELENS_AUTH: 'header' });
    const { secret } = createToken(db, { name: 'bi', role: 'uploader', by: 'test' });
    const auth = (s: string) => ({ authorization: `Bearer ${s}` });
    expect(await gate(req({ url: '/api/kpis', headers: auth(secret) }))).toMatchObject({
      principal: { name: 'token:bi', role: 'uploader' },
    });
    expect(await gate(req({ method: 'POST', url: '/data', headers: auth(secret) }))).toMatchObject({
      principal: { via: 'token' },
    });
    expect(await gate(req({ url: '/api/kpis', headers: auth(`${secret}x`) }))).toMatchObject({ status: 401 });
  });
});

describe('the audit trail', () => {
  it('appends one line per event to a 0600 file, reads newest first, and starts a new file past its bound', () => {
    const db = path.join(dir(), 'a.duckdb');
    audit(db, { actor: 'alice', action: 'upload', detail: 'incidents.csv: 3 loaded' });
    audit(db, { actor: 'cli:root', action: 'handoff', detail: 'x' });
    expect(readAudit(db).map((e) => e.actor)).toEqual(['cli:root', 'alice']);
    expect(fs.statSync(auditPath(db)).mode & 0o777).toBe(0o600);
    fs.appendFileSync(auditPath(db), `${'x'.repeat(MAX_AUDIT_BYTES)}\n`);
    audit(db, { actor: 'bob', action: 'token-create', detail: 'y' });
    expect(fs.statSync(auditPath(db)).size).toBeLessThan(1000);
    expect(fs.existsSync(`${auditPath(db)}.1`)).toBe(true);
    expect(readAudit(db)[0]?.actor).toBe('bob');
  });
});
