/**
 * npm run bench [-- --scale large|huge] [--keep DIR] [--auth]: the scale figures beside
 * their targets, printed as one table and written to docs/performance.md.
 * (Over 300 lines because it is one script read top to bottom: each step below
 * is a section that measures one figure of the table.)
 *
 *   1. generates the organisation (npm run sample -- --scale ...) in a temp folder;
 *   2. DuckDB's own read_csv of incidents.csv into an on-disk table (the floor);
 *   3. `npm run ingest` of the folder into a fresh database (a child process:
 *      its peak memory is measured), and the model build alone;
 *   4. 1,000 new incidents ingested into the loaded database, then an hour of
 *      releases, changes and deployments (scripts/sample/exports.ts);
 *   5. the built dashboard served on that database: the first request of 30
 *      distinct parameter sets over every page and API (p95), the same again
 *      (cached), a non-default window, 16 concurrent clients on the overview,
 *      the server's peak memory and the JavaScript the overview ships.
 */

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import zlib from 'node:zlib';
import { log } from '../lib/command.ts';
import { withScratch } from '../lib/db.ts';
import { newToken, removeServerInfo, writeServerInfo } from '../lib/runningServer.ts';
import { unitKinds } from '../lib/units.ts';
import { writeUnitExport } from './sample/exports.ts';
import { type Scale, scales } from './sample/organisation.ts';
import { writeOrganisation } from './sample/write.ts';
import { memoryMiB, requestHeaders, sendWithEveryRequest, startServer, timedGet } from './serve.ts';

const root = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: { scale: { type: 'string' }, keep: { type: 'string' }, auth: { type: 'boolean' } },
});
const scaleName = (values.scale ?? 'large') as Exclude<Scale['name'], 'sample'>;
if (scaleName !== 'large' && scaleName !== 'huge') throw new Error('--scale must be large or huge');
const dir = values.keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-bench-'));
const dataDir = path.join(dir, 'data');
const dbFile = path.join(dir, 'bench.duckdb');

interface Row {
  figure: string;
  value: string;
  target: string;
  met: boolean | null;
}
const rows: Row[] = [];
const record = (figure: string, value: string, target: string, met: boolean | null) => {
  rows.push({ figure, value, target, met });
  log(`${figure}: ${value} (target ${target})`);
};
const targets = {
  large: { build: 1.5, delta: 2, first: 0.15, window: 1, memory: 1024 },
  huge: { build: 15, delta: 10, first: 0.75, window: 8, memory: 2048 },
}[scaleName];
/**
 * The dashboard's DuckDB memory for each scale, as README advises: its
 * default (384MiB) keeps a million incidents under 1 GiB; at ten million it
 * made a new window 50% slower (9.2 s against 6.2 s), so that organisation
 * gives the dashboard 640MB within its 2 GiB (decision 031).
 */
const serverEnv: Record<string, string> = scaleName === 'huge' ? { RELEASELENS_MEMORY_LIMIT: '640MB' } : {};
/**
 * --auth: the server behind a signing-in proxy (header mode, a roles file),
 * every request carrying the user's header, so each one passes the sign-in
 * check and a role lookup (docs/security.md). The table is written apart.
 */
if (values.auth) {
  const roles = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-bench-roles-')), 'roles.yaml');
  fs.writeFileSync(roles, 'default: viewer\ngroups:\n  release-managers: uploader\n');
  Object.assign(serverEnv, {
    RELEASELENS_AUTH: 'header',
    RELEASELENS_GROUPS_HEADER: 'X-Forwarded-Groups',
    RELEASELENS_ROLES: roles,
  });
  sendWithEveryRequest({ 'X-Forwarded-Email': 'bench@example.com', 'X-Forwarded-Groups': 'staff,release-managers' });
}

const seconds = (t0: number) => (performance.now() - t0) / 1000;

/** Runs a command and returns its wall time and peak memory (GNU time's maximum resident set, MiB). */
function measured(command: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', command, ...args], { cwd: root, encoding: 'utf8', env });
  const wall = seconds(t0);
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  const kib = Number(r.stderr.trim().split('\n').at(-1));
  return { wall, peakMiB: kib / 1024, stdout: r.stdout, stderr: r.stderr };
}

const tsx = (script: string, ...args: string[]) => [process.execPath, ['--import', 'tsx', script, ...args]] as const;
/** `npm run ingest` as package.json runs it: the entry compiled once, no tsx in the process (scripts/cli.mjs). */
/** A file of 1,000 new incidents (ids from `prefix`) on one service in November 2025. */
function newIncidents(prefix: string): string {
  const file = path.join(dir, `new-incidents-${prefix}.csv`);
  const head = 'incident_id,opened_at,resolved_at,priority,service\n';
  const day = (i: number) => String(1 + (i % 28)).padStart(2, '0');
  const lines = Array.from(
    { length: 1000 },
    (_, i) => `${prefix}${i},2025-11-${day(i)}T10:00:00Z,2025-11-${day(i)}T12:00:00Z,${1 + (i % 4)},checkout`,
  );
  fs.writeFileSync(file, head + lines.join('\n'));
  return file;
}

const ingestCommand = (...args: string[]) =>
  [process.execPath, [path.join(root, 'scripts', 'cli.mjs'), 'ingest/ingestCommand.ts', ...args]] as const;

async function floorSeconds(file: string): Promise<number> {
  const floorDb = path.join(dir, 'floor.duckdb');
  fs.rmSync(floorDb, { force: true });
  return withScratch(async (conn) => {
    const t0 = performance.now();
    await conn.run('create table t as select * from read_csv($f, all_varchar = true, header = true)', { f: file });
    await conn.run('checkpoint');
    return seconds(t0);
  }, floorDb);
}

function ingestSecondsOf(stdout: string, entity: string): number {
  const line = stdout.split('\n').find((l) => l.includes(`: ${entity} from `));
  const m = line && / in ([0-9.]+) s /.exec(line);
  if (!m) throw new Error(`no ${entity} line in:\n${stdout}`);
  return Number(m[1]);
}

// ---- the served dashboard ----------------------------------------------------

const p95 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)] ?? Number.NaN;
};

/** 30 distinct parameter sets over the pages and APIs: quarters of the three years, three units, some filters. */
/**
 * 30 distinct parameter sets: every page and API with five periods each, the
 * unit kind and the extra filter varying with them (a set that repeated an
 * earlier one would be a cache hit, not a first request).
 */
function parameterSets(): string[] {
  // the pages, and what they fetch after they load (the incident page's charts and window sensitivity)
  const pages = [
    '/',
    '/releases',
    '/incidents',
    '/trends',
    '/api/kpis',
    '/api/units',
    '/api/incident-charts',
    '/api/sensitivity',
  ];
  const quarters = ['2023-01-01', '2023-07-01', '2024-01-01', '2024-04-01', '2024-10-01', '2025-07-01'];
  const units = unitKinds;
  const out: string[] = [];
  for (let i = 0; i < 30; i++) {
    // each page in each round: another quarter and another unit kind
    const page = i % pages.length;
    const round = Math.floor(i / pages.length);
    const from = quarters[(page + round) % quarters.length] ?? '2024-01-01';
    const to = new Date(Date.UTC(Number(from.slice(0, 4)), Number(from.slice(5, 7)) + 2, 1)).toISOString().slice(0, 10);
    const extra = i % 4 === 3 ? '&service=checkout&service=payments' : i % 5 === 4 ? '&tz=America/New_York' : '';
    out.push(`${pages[page]}?from=${from}&to=${to}&unit=${units[(page + round) % units.length]}${extra}`);
  }
  if (new Set(out).size !== out.length) throw new Error('the parameter sets repeat');
  return out;
}

async function load(url: string, clients: number, durationMs: number) {
  let done = 0;
  let errors = 0;
  const until = Date.now() + durationMs;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (Date.now() < until) {
        try {
          const res = await timedGet(url, 15_000);
          if (res.status === 200) done++;
          else errors++;
        } catch {
          errors++;
        }
      }
    }),
  );
  return { perSecond: done / (durationMs / 1000), errors };
}

/** The gzipped JavaScript the overview page loads (its module scripts and preloads). */
async function overviewJsKiB(base: string): Promise<number> {
  const html = await (await fetch(`${base}/`, { headers: requestHeaders() })).text();
  const srcs = new Set([...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1] ?? ''));
  let bytes = 0;
  for (const src of srcs)
    bytes += zlib.gzipSync(Buffer.from(await (await fetch(`${base}${src}`)).arrayBuffer())).length;
  return bytes / 1024;
}

async function main() {
  const scale = scales[scaleName];
  log(`bench (${scaleName}) in ${dir}`);
  fs.mkdirSync(dataDir, { recursive: true });
  const t0 = performance.now();
  const counts = writeOrganisation(scale, dataDir);
  log(
    `generated ${Object.entries(counts)
      .map(([e, n]) => `${n.toLocaleString('en-US')} ${e}`)
      .join(', ')} in ${seconds(t0).toFixed(1)} s`,
  );
  const incidentsCsv = path.join(dataDir, 'incidents.csv');

  // Ingest of the whole organisation, in a child process (peak memory).
  fs.rmSync(dbFile, { force: true });
  const [node, args] = ingestCommand('--db', dbFile, dataDir);
  const ingest = measured(node, [...args]);
  const floor = await floorSeconds(incidentsCsv);
  const incidentSeconds = ingestSecondsOf(ingest.stdout, 'incidents');
  const ratio = floor / incidentSeconds;
  record(
    `incidents.csv (${counts.incidents.toLocaleString('en-US')} rows): ingest with full validation vs DuckDB read_csv into an on-disk table`,
    `${incidentSeconds.toFixed(2)} s vs ${floor.toFixed(2)} s = ${(ratio * 100).toFixed(0)}% of its speed`,
    '>= 50%',
    ratio >= 0.5,
  );
  record(
    'ingest of the whole organisation (5 files, one model build), wall time',
    `${ingest.wall.toFixed(1)} s`,
    '—',
    null,
  );
  record(
    'ingest peak memory',
    `${ingest.peakMiB.toFixed(0)} MiB`,
    `< ${targets.memory} MiB`,
    ingest.peakMiB < targets.memory,
  );

  // Model build alone.
  const [n1, a1] = tsx(path.join(root, 'scripts', 'build-models.ts'), '--db', dbFile);
  const rebuilt = measured(n1, [...a1]);
  const build = Number(/built in ([0-9.]+) s/.exec(rebuilt.stdout)?.[1] ?? Number.NaN);
  const checkpoint = Number(/checkpoint\) in ([0-9.]+) s/.exec(rebuilt.stdout)?.[1] ?? Number.NaN);
  record(
    'model build after a full ingest, all three unit kinds (until the new version is current)',
    `${build.toFixed(2)} s, then ${checkpoint.toFixed(2)} s writing it into the file (checkpoint, decision 023)`,
    `< ${targets.build} s`,
    build < targets.build,
  );

  // 1,000 new incidents, until the pages show them (load + model build).
  const delta = newIncidents('NEW');
  const [n2, a2] = ingestCommand('--db', dbFile, delta);
  const deltaRun = measured(n2, [...a2]);
  record(
    'ingest of 1,000 new incidents into the loaded database, until the pages show them (command wall time)',
    `${deltaRun.wall.toFixed(2)} s`,
    `< ${targets.delta} s`,
    deltaRun.wall < targets.delta,
  );

  // An hour of releases, changes and deployments, until the pages show them
  // (a refresh in place, decision 030; the whole build above is what it replaces).
  const units = writeUnitExport(dataDir, path.join(dir, 'new-units'), 200);
  const [n3, a3] = ingestCommand('--db', dbFile, path.join(dir, 'new-units'));
  const unitRun = measured(n3, [...a3]);
  record(
    `ingest of ${units.releases} releases, ${units.changes} changes and ${units.deployments} production deployments (half changed, half new) into the loaded database, until the pages show them (command wall time)`,
    `${unitRun.wall.toFixed(2)} s`,
    '—',
    null,
  );

  // The dashboard.
  if (!fs.existsSync(path.join(root, 'build', 'server', 'index.js'))) {
    const b = spawnSync(path.join(root, 'node_modules', '.bin', 'remix'), ['vite:build'], {
      cwd: root,
      encoding: 'utf8',
    });
    if (b.status !== 0) throw new Error(`build failed: ${b.stderr}`);
  }
  const port = 3900 + Math.floor(Math.random() * 90);
  const base = `http://127.0.0.1:${port}`;
  // the ingest command hands its files to this server, as to `npm start` (lib/runningServer.ts)
  const token = newToken();
  const server = await startServer(port, dbFile, { ...serverEnv, RELEASELENS_INGEST_TOKEN: token });
  writeServerInfo(dbFile, { pid: server.pid ?? 0, port, token });
  try {
    // A server that has just started reads its tables from disk the first time
    // each page runs; one request per route, with a period none of the 30 sets
    // has, measures what a running server does for a new parameter set.
    // the server's peak memory after each phase (where it grows)
    const phases: string[] = [];
    const notePeak = (phase: string) => {
      if (server.pid) phases.push(`${phase} ${memoryMiB(server.pid, 'VmHWM').toFixed(0)}`);
    };
    const started: string[] = [];
    for (const route of [
      '/api/kpis',
      '/',
      '/releases',
      '/incidents',
      '/trends',
      '/api/units',
      '/api/incident-charts',
    ]) {
      const r = await timedGet(`${base}${route}?from=2025-01-01&to=2025-03-01`, 120_000);
      started.push(`${route} ${r.ms.toFixed(0)} ms`);
    }
    record(
      'first request of each route after the server starts (not among the 30 sets)',
      started.join(', '),
      '—',
      null,
    );
    notePeak('first pages');
    // the review queue and the CAB agenda (not among the 30 sets: they are pages of their own kind)
    const review = await timedGet(`${base}/review?from=2025-01-01&to=2025-04-01`, 120_000);
    const upcoming = await timedGet(`${base}/upcoming?from=2026-01-06&days=14`, 120_000);
    record(
      'review queue (a quarter) and upcoming agenda (14 days), first request',
      `${review.ms.toFixed(0)} ms, ${upcoming.ms.toFixed(0)} ms`,
      '—',
      null,
    );
    // before the window sensitivity below, which fills 24 h among others
    const w = await timedGet(`${base}/?from=2025-01-01&to=2025-04-01&window=24`, 120_000);
    record(
      'a non-default window (24 h), first request of the overview',
      `${(w.ms / 1000).toFixed(2)} s`,
      `< ${targets.window} s`,
      w.ms / 1000 < targets.window,
    );
    notePeak('24 h window');
    // The window sensitivity reads five windows; the first use for a unit kind
    // fills the four that are not the default (then kept for the data version).
    const sensitivity: string[] = [];
    for (const unit of unitKinds) {
      const r = await timedGet(`${base}/api/sensitivity?from=2025-01-01&to=2025-03-01&unit=${unit}`, 300_000);
      sensitivity.push(`${unit} ${(r.ms / 1000).toFixed(2)} s`);
    }
    record(
      'window sensitivity (12, 24, 72 and 168 h beside 48 h), first use per unit kind',
      sensitivity.join(', '),
      '—',
      null,
    );
    notePeak('sensitivity windows');
    const sets = parameterSets();
    const first: number[] = [];
    const again: number[] = [];
    for (const s of sets) {
      const r = await timedGet(`${base}${s}`, 120_000);
      if (r.status !== 200) throw new Error(`${s}: HTTP ${r.status}`);
      first.push(r.ms / 1000);
    }
    for (const s of sets) again.push((await timedGet(`${base}${s}`, 120_000)).ms / 1000);
    const firstP95 = p95(first);
    record(
      'every page and API, first request of a parameter set, p95 over 30 distinct sets',
      `${(firstP95 * 1000).toFixed(0)} ms (max ${(Math.max(...first) * 1000).toFixed(0)} ms)`,
      `< ${targets.first * 1000} ms`,
      firstP95 < targets.first,
    );
    const byRoute = new Map<string, number[]>();
    sets.forEach((s, i) => {
      const route = s.split('?')[0] ?? s;
      byRoute.set(route, [...(byRoute.get(route) ?? []), first[i] ?? 0]);
    });
    record(
      'first request by route, slowest of its parameter sets',
      [...byRoute].map(([r, ts]) => `${r} ${(Math.max(...ts) * 1000).toFixed(0)} ms`).join(', '),
      '—',
      null,
    );
    const againP95 = p95(again);
    record(
      'same request again (cached), p95 round trip on localhost',
      `${(againP95 * 1000).toFixed(1)} ms`,
      '< 10 ms',
      againP95 < 0.01,
    );
    notePeak('30 sets twice');
    const overviewUrl = `${base}/?from=2025-07-01&to=2025-10-01`;
    await timedGet(overviewUrl, 120_000);
    const l = await load(overviewUrl, 16, 10_000);
    record(
      'overview, 16 concurrent clients for 10 s, warm',
      `${l.perSecond.toFixed(0)} req/s, ${l.errors} errors`,
      '>= 300 req/s, 0 errors',
      l.perSecond >= 300 && l.errors === 0,
    );
    notePeak('16 clients');
    // The same 1,000 new incidents as above, now with every window the pages
    // used held (the default, 24 h and the sensitivity's four, per unit kind):
    // each held window's attribution is refreshed too. Handed to this server.
    const [n4, a4] = ingestCommand('--db', dbFile, newIncidents('SERVED'));
    const served = measured(n4, [...a4]);
    if (!/handing the files to it/.test(served.stdout + served.stderr))
      throw new Error(`the ingest was not handed to the dashboard:\n${served.stdout}${served.stderr}`);
    record(
      'ingest of 1,000 new incidents while the dashboard serves, with the windows the incident page used held (12, 24, 48, 72 and 168 h for each unit kind), until the pages show them (command wall time)',
      `${served.wall.toFixed(2)} s`,
      `< ${targets.delta} s`,
      served.wall < targets.delta,
    );
    notePeak('1,000 new incidents handed');
    // The 30 sets again, right after: each answer is either computed already
    // (the server recomputes the recent ones in the background) or computed now.
    const after: number[] = [];
    for (const s of sets) {
      const r = await timedGet(`${base}${s}`, 120_000);
      if (r.status !== 200) throw new Error(`${s}: HTTP ${r.status}`);
      after.push(r.ms / 1000);
    }
    record(
      'the 30 sets right after that ingest, p95 (recomputed in the background or on request)',
      `${(p95(after) * 1000).toFixed(0)} ms (max ${(Math.max(...after) * 1000).toFixed(0)} ms)`,
      '—',
      null,
    );
    const peak = server.pid ? memoryMiB(server.pid, 'VmHWM') : Number.NaN;
    record('server peak memory', `${peak.toFixed(0)} MiB`, `< ${targets.memory} MiB`, peak < targets.memory);
    record('server peak memory after each phase (MiB)', phases.join(', '), '—', null);
    if (scaleName === 'large') {
      const js = await overviewJsKiB(base);
      record('JavaScript shipped for the overview, gzipped', `${js.toFixed(0)} KB`, '< 250 KB', js < 250);
    }
  } finally {
    server.kill('SIGKILL');
    removeServerInfo(dbFile, server.pid ?? 0);
  }

  const table = [
    '| figure | measured | target | met |',
    '|---|---|---|---|',
    ...rows.map(
      (r) => `| ${r.figure} | ${r.value} | ${r.target} | ${r.met === null ? '—' : r.met ? 'yes' : '**no**'} |`,
    ),
  ].join('\n');
  const machine = `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}`;
  process.stdout.write(`\n${table}\n`);
  const doc = path.join(root, 'docs', 'performance.md');
  const section = `## ${scaleName}${values.auth ? ', sign-in on (header mode, roles file)' : ''}: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC (${machine})\n\n${table}\n`;
  const marker = `<!-- bench:${scaleName}${values.auth ? '-auth' : ''} -->`;
  let text = fs.existsSync(doc) ? fs.readFileSync(doc, 'utf8') : '# Performance\n';
  const re = new RegExp(`${marker}[\\s\\S]*?${marker}`);
  const block = `${marker}\n${section}${marker}`;
  text = re.test(text) ? text.replace(re, block) : `${text.trimEnd()}\n\n${block}\n`;
  fs.writeFileSync(doc, text);
  log(`written to ${path.relative(root, doc)}`);
  if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  log(String(err?.stack ?? err));
  process.exit(1);
});
