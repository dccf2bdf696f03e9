/**
 * An instance that answers what no ServiceNow would: a sign-in page, a
 * redirect, an answer of a gigabyte, none at all, records without ids or out
 * of order, an error that echoes the credentials. Each stops that table's
 * pull with a message that says why, loads nothing, and shows no secret.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshDatabase } from '../helpers.ts';
import { pull, rows } from './helpers.ts';

const PASSWORD = 'hostile-test-password-1234';
let server: http.Server;
let url = '';

async function instance(handler: http.RequestListener) {
  server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const config = () => ({
  sources: [
    {
      name: 'odd',
      type: 'servicenow',
      url,
      auth: { user_env: 'SN_USER', password_env: 'SN_PASSWORD' },
      timeout_seconds: 1,
      tables: [{ table: 'rm_release' }],
    },
  ],
});

const record = (id: string, at: string) => ({
  number: { value: 'RLSE1', display_value: 'RLSE1' },
  sys_id: { value: id, display_value: id },
  sys_updated_on: { value: at, display_value: at },
});

beforeEach(() => {
  freshDatabase();
  process.env.SN_USER = 'svc';
  process.env.SN_PASSWORD = PASSWORD;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

async function failsWith(pattern: RegExp) {
  const result = await pull(config());
  expect(result.failed).toBe(1);
  expect(result.log).toMatch(pattern);
  expect(result.log).not.toContain(PASSWORD);
  expect(
    await rows("select table_name from duckdb_tables() where table_name in ('raw_releases', 'pull_runs')"),
  ).toEqual([]);
  return result.log;
}

describe('a hostile or misconfigured instance', () => {
  it('a sign-in page instead of JSON', async () => {
    await instance((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>Log in</body></html>');
    });
    await failsWith(/odd rm_release: GET rm_release \(1000 from 0\): the answer is not JSON \(text\/html\)/);
  });

  it('a redirect, which is not followed and whose address is not shown whole', async () => {
    let hits = 0;
    await instance((_req, res) => {
      hits++;
      res.writeHead(302, { location: 'https://login.example.com/sso?session=abc123' });
      res.end();
    });
    const log = await failsWith(
      /HTTP 302: the instance sends requests to https:\/\/login\.example\.com \(a sign-in page\?\); pulls follow no redirect/,
    );
    expect(log).not.toContain('abc123');
    expect(hits).toBe(1);
  });

  it('an answer that says it is a gigabyte', async () => {
    await instance((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(1024 ** 3) });
      res.write('{"result": [');
      setTimeout(() => res.destroy(), 200);
    });
    await failsWith(/an answer of 1073741824 bytes \(more than 67108864\)/);
  });

  it('no answer within the time limit, tried again and given up', async () => {
    await instance(() => {
      // never answers
    });
    await failsWith(/no whole answer in 1 s, 5 retries spent/);
  });

  it('records without a valid sys_id, or out of the order asked for', async () => {
    await instance((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ result: [record('../../etc', '2025-01-01 00:00:00')] }));
    });
    await failsWith(/a record's sys_id is not 32 hex digits: '\.\.\/\.\.\/etc'/);
    server.close();
    await instance((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          result: [record('b'.repeat(32), '2025-01-02 00:00:00'), record('a'.repeat(32), '2025-01-01 00:00:00')],
        }),
      );
    });
    await failsWith(/the instance did not keep the order asked for/);
  });

  it('an error that echoes the credentials back, shown without them and not retried', async () => {
    let hits = 0;
    await instance((req, res) => {
      hits++;
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `bad request from ${req.headers.authorization}` } }));
    });
    const log = await failsWith(/HTTP 400: bad request from Basic \*\*\*/);
    expect(log).not.toContain(Buffer.from(`svc:${PASSWORD}`).toString('base64'));
    expect(hits).toBe(1);
  });
});
