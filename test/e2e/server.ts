/** Builds the app, prepares temporary databases and runs the production server on a free port. */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { serverCommand } from '../../scripts/serve.ts';

export const root = path.resolve(import.meta.dirname, '..', '..');

/** The environment without vitest's markers (vite.config.ts leaves the Remix plugin out under vitest). */
function appEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const key of Object.keys(env)) if (key.startsWith('VITEST')) delete env[key];
  return env;
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Builds the app once per test run: test files run in parallel worker
 * processes of one vitest process (their parent), so a lock named after it
 * lets the first build and the others reuse that build.
 */
export function build(): void {
  const marker = path.join(root, 'build', `.test-run-${process.ppid}`);
  const lock = path.join(os.tmpdir(), `releaselens-build-${process.ppid}.lock`);
  for (;;) {
    if (fs.existsSync(marker)) return;
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      sleep(500);
    }
  }
  try {
    if (fs.existsSync(marker)) return;
    // the production bundle, as npm start builds it (vitest's NODE_ENV=test would give React's development build)
    const r = spawnSync(path.join(root, 'node_modules', '.bin', 'remix'), ['vite:build'], {
      cwd: root,
      encoding: 'utf8',
      env: appEnv({ NODE_ENV: 'production' }),
    });
    if (r.status !== 0) throw new Error(`remix vite:build failed:\n${r.stdout}\n${r.stderr}`);
    fs.writeFileSync(marker, '');
  } finally {
    fs.rmdirSync(lock);
  }
}

/** A new database file loaded (in a child process, which then releases its lock) from the given folders. */
export function database(name: string, folders: string[]): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-e2e-')), `${name}.duckdb`);
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'ingest', 'ingestCommand.ts'), '--db', file, ...folders],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`ingest failed:\n${r.stdout}\n${r.stderr}`);
  return file;
}

/** A port nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface Server {
  url: string;
  port: number;
  pid: number;
  stop: () => Promise<void>;
  log: () => string;
}

export async function serve(db: string, env: Record<string, string> = {}, chosenPort?: number): Promise<Server> {
  const port = chosenPort ?? (await freePort());
  let output = '';
  const [node, args] = serverCommand();
  const child: ChildProcess = spawn(node, [...args], {
    cwd: root,
    env: appEnv({ ...env, PORT: String(port), RELEASELENS_DB: db, NODE_ENV: 'production', HOST: '127.0.0.1' }),
  });
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const res = await fetch(`${url}/api/kpis`);
      if (res.status < 500) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the server did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    port,
    pid: child.pid ?? 0,
    log: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Debian's chromium, which the browser tests drive (CI installs it: .ci/run). */
export const chromiumPath = '/usr/bin/chromium';

/**
 * Whether the browser tests can run: in CI a missing browser fails the run;
 * elsewhere the tests are skipped with a message saying how to install it.
 */
export function browserAvailable(): boolean {
  const have = fs.existsSync(chromiumPath);
  if (!have && process.env.CI)
    throw new Error(`${chromiumPath} is missing: CI must install Debian's chromium (see .ci/run)`);
  if (!have) console.warn(`browser tests skipped: ${chromiumPath} is missing (apt-get install chromium)`);
  return have;
}

/** Chromium, headless, with no network of its own (the flags keep it off this machine's closed network). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
