/**
 * npm run abuse [-- --scale sample|large] [--requests 1000] [--clients 8]:
 * the request budget measured (docs/security.md). An anonymous client sends
 * GETs to /api/kpis, each with a window no earlier request used, from
 * several connections at once; the script prints how they were answered,
 * the slowest answer against the read time limit, how much the database
 * grew, and the server's peak memory, and writes the table to
 * docs/security.md.
 *
 * Every new window is a write (its stores are filled), so most of these
 * requests are the most expensive GET the dashboard has.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { log } from '../lib/command.ts';
import { type Scale, scales } from './sample/organisation.ts';
import { writeOrganisation } from './sample/write.ts';
import { memoryMiB, startServer, timedGet } from './serve.ts';

const root = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: { scale: { type: 'string' }, requests: { type: 'string' }, clients: { type: 'string' } },
});
const scaleName = (values.scale ?? 'sample') as Scale['name'];
if (!(scaleName in scales)) throw new Error(`--scale must be one of ${Object.keys(scales).join(', ')}`);
const requests = Number(values.requests ?? 1000);
const clients = Number(values.clients ?? 8);
/** The dashboard's read time limit (scripts/server.mjs) and a window's first fill, four times it. */
const LIMIT_S = 30;

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-abuse-'));
  const dataDir = path.join(dir, 'data');
  const dbFile = path.join(dir, 'abuse.duckdb');
  fs.mkdirSync(dataDir, { recursive: true });
  writeOrganisation(scales[scaleName], dataDir);
  const loaded = spawnSync(process.execPath, ['--import', 'tsx', 'ingest/ingestCommand.ts', '--db', dbFile, dataDir], {
    cwd: root,
  });
  if (loaded.status !== 0) throw new Error(`the ingest failed:\n${loaded.stderr}`);
  const built = spawnSync(path.join(root, 'node_modules', '.bin', 'remix'), ['vite:build'], { cwd: root });
  if (built.status !== 0) throw new Error(`remix vite:build failed:\n${built.stderr}`);
  const port = 3800 + Math.floor(Math.random() * 90);
  const base = `http://127.0.0.1:${port}`;
  // the rate limit would answer most of these 429 at once: measured here is what gets past it
  const server = await startServer(port, dbFile, { RELEASELENS_RATE_LIMIT_PER_MINUTE: '1000000' });
  const pid = server.pid ?? 0;
  const sizeBefore = fs.statSync(dbFile).size;
  const statuses = new Map<number, number>();
  let slowestMs = 0;
  let next = 0;
  const t0 = performance.now();
  try {
    await Promise.all(
      Array.from({ length: clients }, async () => {
        for (let i = next++; i < requests; i = next++) {
          // whole hours from 1 to 2160, each used once (the standing ones included)
          const window = 1 + ((i * 7919) % 2160);
          const r = await timedGet(`${base}/api/kpis?from=2025-01-01&to=2025-04-01&window=${window}`, 600_000);
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          slowestMs = Math.max(slowestMs, r.ms);
          if ((i + 1) % 100 === 0) log(`  ${i + 1} of ${requests} requests`);
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const peak = memoryMiB(pid, 'VmHWM');
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    const growthMiB = (fs.statSync(dbFile).size - sizeBefore) / 2 ** 20;
    const answered = [...statuses.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, n]) => `${n} × ${status}`)
      .join(', ');
    const rows = [
      ['requests, each with a new window', `${requests} from ${clients} connections in ${seconds.toFixed(0)} s`],
      ['answered', answered],
      [
        'slowest answer',
        `${(slowestMs / 1000).toFixed(1)} s (limit: ${LIMIT_S} s a read, ${4 * LIMIT_S} s a window's first fill, plus the wait for a turn)`,
      ],
      ['database growth', `${growthMiB.toFixed(1)} MiB (${(sizeBefore / 2 ** 20).toFixed(0)} MiB before)`],
      ['server peak memory', `${peak.toFixed(0)} MiB`],
    ];
    const machine = `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}`;
    const table = ['| figure | measured |', '|---|---|', ...rows.map(([a, b]) => `| ${a} | ${b} |`)].join('\n');
    process.stdout.write(`\n${table}\n`);
    const doc = path.join(root, 'docs', 'security.md');
    const marker = `<!-- abuse:${scaleName} -->`;
    const section = `${marker}\n### Windows from anonymous GETs, ${scaleName}: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC (${machine})\n\n${table}\n${marker}`;
    let text = fs.readFileSync(doc, 'utf8');
    const re = new RegExp(`${marker}[\\s\\S]*?${marker}`);
    text = re.test(text)
      ? text.replace(re, section)
      : `${text.trimEnd()}\n\n## Measured (npm run abuse)\n\n${section}\n`;
    fs.writeFileSync(doc, text);
    log(`written to docs/security.md`);
  } finally {
    if (server.exitCode === null) server.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  log(String(err?.stack ?? err));
  process.exit(1);
});
