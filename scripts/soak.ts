/**
 * npm run soak [-- --scale large|sample] [--seconds 60] [--clients 32] [--rounds 3] [--keep DIR]
 *
 * The dashboard under load while ingests run (localhost, bounded in time; not
 * part of npm test):
 *   1. generates the organisation and loads it into a fresh database;
 *   2. serves the built app on it, as `npm start` does (with the ingest handoff);
 *   3. a warm-up (each parameter set answered once), then an idle round:
 *      CLIENTS concurrent clients for SECONDS over the overview,
 *      releases, incidents, trends and the APIs with mixed parameters;
 *   4. ROUNDS rounds of the same while `npm run ingest` of incidents.csv is
 *      handed to the server: the whole file each round, with the title of one
 *      incident in a thousand changed, so each round is a new data version
 *      (every cached answer is replaced mid-round).
 * Prints errors, p50/p99 per round and the server's memory after each round,
 * against the promises: zero errors, p99 within 5x of the idle p99, memory
 * after the last round within 10% of after the first. "After" is read once
 * the round's load stopped, its ingest ended and SETTLE_S quiet seconds
 * passed: read the moment the load stops, the figure is mostly where V8's
 * collector happens to be (its heap swung 150–350 MiB every few seconds under
 * load), not what the server keeps. The peak sampled every second is printed
 * beside it. The table is also
 * written to docs/reliability.md.
 */

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { log } from '../lib/command.ts';
import { newToken, removeServerInfo, writeServerInfo } from '../lib/runningServer.ts';
import { unitKinds } from '../lib/units.ts';
import { type Scale, scales } from './sample/organisation.ts';
import { writeOrganisation } from './sample/write.ts';
import { memoryMiB, startServer, timedGet } from './serve.ts';

const root = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    scale: { type: 'string' },
    seconds: { type: 'string' },
    clients: { type: 'string' },
    rounds: { type: 'string' },
    keep: { type: 'string' },
  },
});
const scaleName = (values.scale ?? 'large') as Scale['name'];
if (!(scaleName in scales)) throw new Error(`--scale must be one of ${Object.keys(scales).join(', ')}`);
const roundSeconds = Number(values.seconds ?? 60);
const clients = Number(values.clients ?? 32);
const rounds = Number(values.rounds ?? 3);
const dir = values.keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-soak-'));
const dataDir = path.join(dir, 'data');
const dbFile = path.join(dir, 'soak.duckdb');
const port = 3900 + Math.floor(Math.random() * 90);
const base = `http://127.0.0.1:${port}`;

const tsx = (script: string, ...args: string[]) => ['--import', 'tsx', path.join(root, script), ...args];

/** A fixed mix of 60 parameter sets: pages and APIs, quarters of three years, three units, two windows. */
function urls(): string[] {
  const pages = ['/', '/releases', '/incidents', '/trends', '/api/kpis', '/api/units'];
  const quarters = ['2023-01-01', '2023-07-01', '2024-01-01', '2024-04-01', '2024-10-01', '2025-01-01', '2025-07-01'];
  const units = unitKinds;
  return Array.from({ length: 60 }, (_, i) => {
    const from = quarters[i % quarters.length] ?? '2024-01-01';
    const to = new Date(Date.UTC(Number(from.slice(0, 4)), Number(from.slice(5, 7)) + 2, 1)).toISOString().slice(0, 10);
    const window = i % 7 === 6 ? '&window=24' : '';
    return `${pages[i % pages.length]}?from=${from}&to=${to}&unit=${units[i % 3]}${window}`;
  });
}

/** incidents.csv with the title of every thousandth incident marked with the round: the same export, a little changed. */
async function roundFile(round: number): Promise<string> {
  const out = path.join(dir, `round-${round}`, 'incidents.csv');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const lines = fs.readFileSync(path.join(dataDir, 'incidents.csv'), 'utf8').split('\n');
  for (let i = 1; i < lines.length; i += 1000) {
    const line = lines[i] ?? '';
    if (line === '') continue;
    // the title is the last column, quoted or not
    lines[i] = line.endsWith('"') ? `${line.slice(0, -1)} (round ${round})"` : `${line} (round ${round})`;
  }
  fs.writeFileSync(out, lines.join('\n'));
  return out;
}

interface Round {
  name: string;
  requests: number;
  errors: number;
  p50: number;
  p99: number;
  /** The server's resident memory after the round, once the load stopped and the ingest ended and SETTLE_S passed. */
  rssMiB: number;
  /** The highest resident memory sampled (every second) during the round. */
  peakMiB: number;
  ingest: string;
}

/** The quiet after each round before its memory is read: the answers of the new data version are computed by then. */
const SETTLE_S = 10;

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? Number.NaN;
};

async function drive(seconds: number): Promise<{ ms: number[]; errors: number; samples: string[] }> {
  const list = urls();
  const ms: number[] = [];
  const samples: string[] = [];
  let errors = 0;
  let next = 0;
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (Date.now() < until) {
        const url = list[next++ % list.length] ?? '/';
        const t0 = performance.now();
        try {
          const res = await timedGet(`${base}${url}`, 30_000);
          if (res.status !== 200) {
            errors++;
            if (samples.length < 5) samples.push(`${res.status} ${url}`);
          }
        } catch (err) {
          errors++;
          if (samples.length < 5) samples.push(`${(err as Error).message} ${url}`);
        }
        ms.push(performance.now() - t0);
      }
    }),
  );
  return { ms, errors, samples };
}

async function main() {
  log(`soak (${scaleName}, ${clients} clients, ${roundSeconds} s rounds) in ${dir}`);
  fs.mkdirSync(dataDir, { recursive: true });
  writeOrganisation(scales[scaleName], dataDir);
  fs.rmSync(dbFile, { force: true });
  const loaded = spawnSync(process.execPath, tsx('ingest/ingestCommand.ts', '--db', dbFile, dataDir), { cwd: root });
  if (loaded.status !== 0) throw new Error(`the initial ingest failed:\n${loaded.stderr}`);
  const built = spawnSync(path.join(root, 'node_modules', '.bin', 'remix'), ['vite:build'], { cwd: root });
  if (built.status !== 0) throw new Error(`remix vite:build failed:\n${built.stderr}`);
  const token = newToken();
  const server = await startServer(port, dbFile, { RELEASELENS_INGEST_TOKEN: token });
  const pid = server.pid ?? 0;
  writeServerInfo(dbFile, { pid, port, token });
  const results: Round[] = [];
  try {
    // warm-up: every URL of the mix answered once (first computations, windows other than the default)
    const t0 = performance.now();
    for (const url of urls()) await timedGet(`${base}${url}`, 120_000);
    log(
      `  warm-up: ${urls().length} parameter sets answered once in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    for (let r = 0; r <= rounds; r++) {
      const name = r === 0 ? 'idle' : `with ingest ${r}`;
      let ingest = '—';
      let ingestDone: Promise<void> = Promise.resolve();
      if (r > 0) {
        const t0 = performance.now();
        const child = spawn(process.execPath, tsx('ingest/ingestCommand.ts', '--db', dbFile, await roundFile(r)), {
          cwd: root,
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr?.on('data', (d) => {
          stderr += d;
        });
        ingestDone = new Promise((resolve) =>
          child.once('exit', (code) => {
            const handed = /handing the files to it/.test(stderr) ? 'handed over' : 'NOT handed over';
            ingest = `exit ${code}, ${((performance.now() - t0) / 1000).toFixed(1)} s, ${handed}`;
            resolve();
          }),
        );
      }
      let peakMiB = memoryMiB(pid, 'VmRSS');
      const sampler = setInterval(() => {
        peakMiB = Math.max(peakMiB, memoryMiB(pid, 'VmRSS'));
      }, 1000);
      const { ms, errors, samples } = await drive(roundSeconds);
      await ingestDone;
      await new Promise((resolve) => setTimeout(resolve, SETTLE_S * 1000));
      clearInterval(sampler);
      if (samples.length > 0) log(`  ${name}: first errors: ${samples.join('; ')}`);
      const round = {
        name,
        requests: ms.length,
        errors,
        p50: quantile(ms, 0.5),
        p99: quantile(ms, 0.99),
        rssMiB: memoryMiB(pid, 'VmRSS'),
        peakMiB,
        ingest,
      };
      results.push(round);
      log(
        `  ${name}: ${round.requests} requests, ${errors} errors, p50 ${round.p50.toFixed(0)} ms, p99 ${round.p99.toFixed(0)} ms, server ${round.rssMiB.toFixed(0)} MiB after, peak ${round.peakMiB.toFixed(0)} MiB; ingest ${ingest}`,
      );
    }
  } finally {
    removeServerInfo(dbFile, pid);
    server.kill('SIGTERM');
  }
  report(results);
  if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
}

function report(results: Round[]) {
  const idle = results[0];
  const loaded = results.slice(1);
  const first = loaded[0];
  const last = loaded.at(-1);
  if (!idle || !first || !last) return;
  const errors = loaded.reduce((s, r) => s + r.errors, 0) + idle.errors;
  const worstP99 = Math.max(...loaded.map((r) => r.p99));
  const growth = (last.rssMiB - first.rssMiB) / first.rssMiB;
  const table = [
    `| round | requests | errors | p50 ms | p99 ms | server MiB after (${SETTLE_S} s quiet) | server peak MiB | ingest |`,
    '|---|---|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.name} | ${r.requests} | ${r.errors} | ${r.p50.toFixed(0)} | ${r.p99.toFixed(0)} | ${r.rssMiB.toFixed(0)} | ${r.peakMiB.toFixed(0)} | ${r.ingest} |`,
    ),
    '',
    `- zero errors: ${errors === 0 ? 'yes' : `**no** (${errors})`}`,
    `- p99 during ingests within 5x of idle (${worstP99.toFixed(0)} ms vs ${idle.p99.toFixed(0)} ms): ${worstP99 <= 5 * idle.p99 ? 'yes' : '**no**'}`,
    `- server memory after the last round within 10% of after the first (${(growth * 100).toFixed(1)}%): ${Math.abs(growth) <= 0.1 ? 'yes' : '**no**'}`,
  ].join('\n');
  process.stdout.write(`\n${table}\n`);
  const machine = `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}`;
  const doc = path.join(root, 'docs', 'reliability.md');
  const marker = '<!-- soak -->';
  const block = `${marker}\n## Last soak: ${scaleName}, ${clients} clients, ${roundSeconds} s rounds, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC (${machine})\n\n${table}\n${marker}`;
  let text = fs.readFileSync(doc, 'utf8');
  const re = new RegExp(`${marker}[\\s\\S]*?${marker}`);
  text = re.test(text) ? text.replace(re, block) : `${text.trimEnd()}\n\n${block}\n`;
  fs.writeFileSync(doc, text);
  log(`written to ${path.relative(root, doc)}`);
}

main().catch((err) => {
  log(String(err?.stack ?? err));
  process.exit(1);
});
