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
import { removeServerInfo, writeServerInfo } from '../../lib/runningServer.ts';
import { withoutGovernance } from '../helpers.ts';
import { build, database, root, type Server, serve } from './server.ts';

const golden = path.join(root, 'test', 'fixtures', 'golden');
const input = path.join(golden, 'input');
const expected = JSON.parse(fs.readFileSync(path.join(golden, 'expected', 'release.json'), 'utf8'));
const adminToken = 'ops-admin-token-for-the-tests';
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
    server = await serve(db, {
      RELEASELENS_INGEST_TOKEN: token,
      RELEASELENS_ADMIN_TOKEN: adminToken,
      // the hostile-parameter test sends thousands of API requests from here; the limit has its own test
      RELEASELENS_RATE_LIMIT_PER_MINUTE: '1000000',
    });
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
      ['--import', 'tsx', 'ingest/ingestCommand.ts', '--db', db, path.join(input, 'incidents.csv')],
      { cwd: root, encoding: 'utf8' },
    );
    expect(r.stderr).toMatch(/ingest: the dashboard \(PID \d+, port \d+\) holds .*; handing the files to it/);
    expect(r.stderr).toMatch(/models: data version \d+ built whole in/); // every incident is new
    expect(r.stdout).toMatch(
      /incidents.csv: incidents from csv \(canonical\): 11 read, 11 loaded \(11 new, 0 changed, 0 unchanged\), 0 rejected/,
    );
    expect(r.status).toBe(0);
    const after = await (await fetch(`${server.url}/api/kpis?${march}`)).json();
    expect(withoutGovernance(after).kpis).toEqual(expected.kpis);
  });

  it('refreshes the models in place when few records changed, and says so', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-handoff-'));
    const changed = path.join(dir, 'incidents.csv');
    const lines = fs.readFileSync(path.join(input, 'incidents.csv'), 'utf8').split('\n');
    fs.writeFileSync(changed, [lines[0], lines[1]?.replace('Synonym results empty', 'Synonyms empty')].join('\n'));
    try {
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'ingest/ingestCommand.ts', '--db', db, changed], {
        cwd: root,
        encoding: 'utf8',
      });
      expect(r.stdout).toMatch(/1 read, 1 loaded \(0 new, 1 changed, 0 unchanged\)/);
      expect(r.stderr).toMatch(/models: data version \d+ refreshed in place in/);
      expect(r.status).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the exit code 1 for a file the server could not load', () => {
    const bad = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-handoff-')), 'bad.csv');
    fs.writeFileSync(bad, 'no,such,entity\n1,2,3\n');
    try {
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'ingest/ingestCommand.ts', '--db', db, bad], {
        cwd: root,
        encoding: 'utf8',
      });
      expect(r.stderr).toMatch(/handing the files to it/);
      expect(r.stderr).toMatch(/error: .*bad.csv/);
      expect(r.status).toBe(1);
      // the server only reads: no starter mapping beside the source file
      expect(fs.readdirSync(path.dirname(bad))).toEqual(['bad.csv']);
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

  it('the hand-off reads only export files of the user running the server, outside system folders', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-paths-'));
    const link = path.join(dir, 'innocent.csv');
    fs.symlinkSync('/etc/hostname', link);
    const key = path.join(dir, 'id_ed25519');
    fs.writeFileSync(key, 'secret');
    const post = (files: string[], options = {}) =>
      fetch(`${server.url}/api/ingest`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: JSON.stringify({ files, options }),
      });
    for (const [file, reason] of [
      ['/etc/passwd', 'in a system folder'],
      ['/proc/self/environ', 'in a system folder'],
      [link, 'in a system folder'],
      [key, 'not a .csv, .txt, .tsv file'],
      [path.join(dir, 'missing.csv'), 'no such file'],
      [dir, 'not a regular file'],
    ] as const) {
      const res = await post([file]);
      expect(res.status, file).toBe(403);
      expect(await res.text()).toContain(`${file}: ${reason}`);
    }
    const mapping = await post([path.join(input, 'incidents.csv')], { mappingFile: '/etc/shadow' });
    expect(mapping.status).toBe(403);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('npm run kpis, its gates and the report work while the dashboard holds the database, with the same numbers', async () => {
    const period = ['--from', '2025-03-01', '--to', '2025-04-01', '--as-of', '2025-04-15T00:00:00Z'];
    const cli = (script: string, args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', script, '--db', db, ...args], { cwd: root, encoding: 'utf8' });
    const json = cli('queries/kpisCommand.ts', [...period, '--json']);
    expect(json.status, json.stderr).toBe(0);
    expect(json.stderr).toMatch(/the dashboard holds .*: asked it for the KPIs/);
    const served = await (await fetch(`${server.url}/api/kpis?${march}`)).json();
    expect(JSON.parse(json.stdout)).toEqual(served);
    const gate = cli('queries/kpisCommand.ts', [...period, '--fail-if', 'change_failure_rate>0.15']);
    expect(gate.status).toBe(3);
    expect(gate.stderr).toMatch(/breach: change_failure_rate = 0\.6666\d+ .*> 0\.15/);
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-report-')), 'r.html');
    const report = cli('scripts/report.ts', [...period, '--out', out]);
    expect(report.status, report.stderr).toBe(0);
    expect(report.stderr).toMatch(/asking it for the report/);
    expect(fs.readFileSync(out, 'utf8')).toContain(
      `data-kpi="change_failure_rate" data-value="${served.kpis.change_failure_rate.value}"`,
    );
  });

  it('answers hostile URL parameters on every route with 400 or safe output, never a 500, and changes no data', async () => {
    const before = await (await fetch(`${server.url}/api/kpis?${march}`)).text();
    const routes = [
      '/',
      '/releases',
      '/releases/R0001',
      '/incidents',
      '/trends',
      '/data',
      '/api/kpis',
      '/api/units',
      '/api/calendar',
      '/api/sensitivity',
      '/api/incident-charts',
      '/releases.csv',
      '/download/units/csv',
      '/download/constructor/csv',
      '/download/__proto__/csv',
      '/download/units/..%2f..%2fetc%2fpasswd',
      '/download/toString/parquet',
    ];
    const names = ['from', 'to', 'unit', 'tz', 'window', 'severity', 'tolerance', 'as_of', 'service', 'team'];
    const more = ['type', 'preset', 'priority', 'rule', 'page', 'bucket', 'split', 'q', 'outcome', 'sort', 'dir'];
    const values = [
      "' or 1=1 --",
      '"; drop table raw_incidents; --',
      '<script>alert(1)</script>',
      '../../../etc/passwd',
      'x'.repeat(5000),
      '1e309',
    ];
    const requests: string[] = [];
    for (const route of routes) {
      for (const name of [...names, ...more, 'constructor', '__proto__']) {
        for (const value of values) requests.push(`${route}?${march}&${name}=${encodeURIComponent(value)}`);
      }
      requests.push(`${route}?${march}&unit=release&unit=change&unit=deployment`);
    }
    const failures: string[] = [];
    const queue = [...requests];
    const worker = async () => {
      for (let url = queue.shift(); url !== undefined; url = queue.shift()) {
        const res = await fetch(`${server.url}${url}`);
        const body = await res.text();
        if (![200, 400, 404, 405].includes(res.status)) failures.push(`${res.status} ${url.slice(0, 160)}`);
        // a document must escape it; text/plain, JSON, CSV and Arrow (nosniff, no CSP sources) cannot run it
        const html = res.headers.get('content-type')?.startsWith('text/html');
        if (html && body.includes('<script>alert(1)</script>')) failures.push(`unescaped HTML in ${url.slice(0, 160)}`);
        if (
          !html &&
          body.includes('<script>') &&
          !/^(text\/plain|application\/json|text\/csv)/.test(res.headers.get('content-type') ?? '')
        )
          failures.push(`markup in ${res.headers.get('content-type')} at ${url.slice(0, 160)}`);
        if (!res.headers.get('content-security-policy')?.includes("frame-ancestors 'none'"))
          failures.push(`no CSP on ${res.status} ${url.slice(0, 160)}`);
        if (res.headers.get('x-content-type-options') !== 'nosniff')
          failures.push(`no nosniff on ${url.slice(0, 160)}`);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    expect(failures.slice(0, 20)).toEqual([]);
    expect(requests.length).toBeGreaterThan(1000);
    expect(await (await fetch(`${server.url}/api/kpis?${march}`)).text()).toEqual(before);
  }, 300_000);

  it('answers a repeated page from the kept document with a fresh nonce that matches its policy', async () => {
    const url = `${server.url}/?${march}&unit=change`;
    const nonceOf = (csp: string | null) => /'nonce-([^']+)'/.exec(csp ?? '')?.[1] ?? '';
    const first = await fetch(url);
    const second = await fetch(url);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.headers.get('ETag')).toBe(first.headers.get('ETag'));
    const [n1, n2] = [
      nonceOf(first.headers.get('Content-Security-Policy')),
      nonceOf(second.headers.get('Content-Security-Policy')),
    ];
    expect(n1).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(n2).not.toBe(n1);
    const [h1, h2] = [await first.text(), await second.text()];
    // every inline script carries its own response's nonce, and nothing else differs
    expect(h1).toContain(`nonce="${n1}"`);
    expect(h2).toContain(`nonce="${n2}"`);
    expect(h2).not.toContain(n1);
    expect(h2.replaceAll(n2, 'N')).toBe(h1.replaceAll(n1, 'N'));
    // the browser's copy is current: 304 without a body
    const again = await fetch(url, { headers: { 'If-None-Match': first.headers.get('ETag') ?? '' } });
    expect(again.status).toBe(304);
  });

  it('neutralises formula-looking text cells in CSV downloads', async () => {
    const csv = await (await fetch(`${server.url}/download/units/csv?${march}`)).text();
    expect(csv.split('\n').length).toBeGreaterThan(2);
    for (const line of csv.split('\n').slice(1))
      for (const cell of line.split(',')) expect(cell).not.toMatch(/^"?[=+@]/);
  });

  it('shows text from the data as text: titles with markup stay inert in pages and in the loader data', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-markup-'));
    const hostile = '</script><script>alert(1)</script><img src=x onerror=alert(2)>';
    fs.writeFileSync(
      path.join(dir, 'releases.csv'),
      `release_id,release_type,status,service,requested_at,actual_start,actual_end,title\nRX1,minor,deployed,"<b>svc</b>",2025-03-01T00:00:00Z,2025-03-20T10:00:00Z,2025-03-20T11:00:00Z,"${hostile}"\n`,
    );
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'ingest/ingestCommand.ts', '--db', db, dir], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    for (const url of [`/releases?${march}`, `/releases/RX1?${march}`, `/?${march}`, `/incidents?${march}`]) {
      const html = await (await fetch(`${server.url}${url}`)).text();
      expect(html, url).not.toContain('<script>alert(1)');
      expect(html, url).not.toContain('<img src=x');
      expect(html, url).not.toContain('<b>svc</b>');
    }
    // the title is there, as text
    expect(await (await fetch(`${server.url}/releases/RX1?${march}`)).text()).toContain('&lt;img src=x');
  });

  it('refuses uploads with 401 (no token), 403 (wrong token), 415 (not .csv), and names no server path', async () => {
    const post = (token: string | null, name: string, content: string) => {
      const form = new FormData();
      if (token !== null) form.set('token', token);
      form.set('files', new Blob([content], { type: 'text/csv' }), name);
      return fetch(`${server.url}/data`, { method: 'POST', body: form });
    };
    expect((await post(null, 'a.csv', 'x')).status).toBe(401);
    expect((await post('wrong-token', 'a.csv', 'x')).status).toBe(403);
    expect((await post(adminToken, 'notes.txt', 'hello')).status).toBe(415);
    const prose = await post(adminToken, 'letter.csv', 'Dear team,\nplease find the numbers attached.\n');
    // the upload's own result (the page also lists earlier command-line runs by their paths)
    const result = /data-upload="result">([\s\S]*?)<\/section>/.exec(await prose.text())?.[1] ?? '';
    expect(result).toMatch(/letter\.csv/);
    expect(result).toMatch(/describe the export in a mapping file/);
    expect(result).not.toMatch(/\/tmp\/|releaselens-upload-|--mapping/);
    // a hostile file is refused before it is read, with its line and reason
    const header =
      'incident_id,opened_at,resolved_at,closed_at,priority,service,ci,category,status,caused_by_change_id,caused_by_release_id,problem_id,title';
    const t0 = performance.now();
    const hostile = await post(adminToken, 'wide.csv', `${header}\nI1${','.repeat(1_000_000)}\n`);
    expect(performance.now() - t0).toBeLessThan(10_000);
    const said = /data-upload="result">([\s\S]*?)<\/section>/.exec(await hostile.text())?.[1] ?? '';
    expect(said).toMatch(
      /wide\.csv:2: a record with more than 1,000 fields, against 13 in the header; nothing was loaded/,
    );
  });

  it('checks the admin token before it writes a byte, counts a chunked body while streaming, and leaves no temporary file', async () => {
    const uploadDirs = () => fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('releaselens-upload-'));
    // the token comes before the file: a wrong one ends the upload at the file's first byte
    const chunked = (token: string | null, bytes: number) => {
      const boundary = 'ops-boundary';
      const field =
        token === null ? '' : `--${boundary}\r\nContent-Disposition: form-data; name="token"\r\n\r\n${token}\r\n`;
      const encoder = new TextEncoder();
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(
            encoder.encode(
              `${field}--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="big.csv"\r\n\r\nincident_id,opened_at,priority,service\n`,
            ),
          );
        },
        pull(c) {
          if (sent >= bytes) {
            c.enqueue(encoder.encode(`\r\n--${boundary}--\r\n`));
            return c.close();
          }
          const rows = 'X1,2030-01-01T00:00:00Z,4,elsewhere\n'.repeat(4096);
          sent += rows.length;
          c.enqueue(encoder.encode(rows));
        },
      });
      return fetch(`${server.url}/data`, {
        method: 'POST',
        body,
        duplex: 'half',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      } as RequestInit);
    };
    const before = uploadDirs();
    const runsBefore = await (await fetch(`${server.url}/download/ingest_runs/csv`)).text();
    const wrong = await chunked('wrong-token-wrong-token-wrong', 2_000_000);
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).toMatch(/admin token is wrong; nothing was loaded/);
    const missing = await chunked(null, 2_000_000);
    expect(missing.status).toBe(401);
    // RELEASELENS_UPLOAD_MAX_BYTES defaults to 50 MiB: a 60 MB chunked file stops at the limit
    const tooBig = await chunked(adminToken, 60_000_000);
    expect(tooBig.status).toBe(413);
    expect(await tooBig.text()).toMatch(/big\.csv is larger than the limit of 52428800 bytes; nothing was loaded/);
    expect(uploadDirs()).toEqual(before);
    expect(await (await fetch(`${server.url}/download/ingest_runs/csv`)).text()).toBe(runsBefore);
  });
  // last: it locks this address out of the hand-off for 15 minutes
  it('limits refused token attempts: after 20 from one address, 429 even for the right token', async () => {
    const attempt = (secret: string) =>
      fetch(`${server.url}/api/ingest`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}` },
        body: JSON.stringify({ files: [path.join(input, 'incidents.csv')] }),
      });
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await attempt(`guess-${i}`)).status);
    expect(statuses.slice(0, 5).every((st) => st === 403)).toBe(true);
    expect(statuses.slice(-3)).toEqual([429, 429, 429]);
    const right = await attempt(token);
    expect(right.status).toBe(429);
    expect(right.headers.get('ratelimit-policy')).toMatch(/q=20; w=900/);
  });
});
