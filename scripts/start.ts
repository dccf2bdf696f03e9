/**
 * npm start [-- --empty]: builds the app when its sources are newer than the
 * build, loads the sample into an empty database (not with --empty), and
 * serves the dashboard on HOST:PORT (127.0.0.1:3000). A HOST beyond loopback
 * without sign-in is refused before anything runs (lib/access/listen.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { listenProblem } from '../lib/access/listen.ts';
import { fail, log, UsageError } from '../lib/command.ts';
import { config } from '../lib/config.ts';
import { readLinks } from '../lib/links.ts';
import { newToken, removeServerInfo, writeServerInfo } from '../lib/runningServer.ts';
import { readTargets } from '../lib/targets.ts';
import { newestMtimeMs } from './newest.mjs';
import { serverCommand } from './serve.ts';

const root = path.resolve(import.meta.dirname, '..');
const serverBuild = path.join(root, 'build', 'server', 'index.js');
const sources = ['app', 'queries', 'lib', 'ingest', 'package.json', 'vite.config.ts'];

function needsBuild(): boolean {
  if (!fs.existsSync(serverBuild)) return true;
  const built = fs.statSync(serverBuild).mtimeMs;
  return sources.some((s) => newestMtimeMs(path.join(root, s)) > built);
}

function run(command: string, args: string[]) {
  const r = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${[command, ...args].join(' ')} failed with exit code ${r.status}`);
}

function main() {
  const given = process.argv.slice(2);
  const unknown = given.filter((a) => a !== '--empty');
  if (unknown.length > 0) throw new UsageError(`unknown argument ${unknown.join(' ')}; usage: npm start [-- --empty]`);
  const empty = given.includes('--empty');
  const { PORT, HOST, RELEASELENS_DB } = config(); // validates the environment before anything runs
  const early = listenProblem(config());
  if (early) throw new UsageError(early);
  // and the configuration files, so a bad one stops the start with its message, not a page later
  readTargets();
  readLinks();
  const database = path.resolve(root, RELEASELENS_DB);
  const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);
  if (needsBuild()) {
    log('building the dashboard (remix vite:build)...');
    run(bin('remix'), ['vite:build']);
  }
  if (empty) log(`--empty: not loading the sample; ${database} starts with what it holds`);
  else run(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'ensure-data.ts')]);
  log(`serving the dashboard on http://${HOST}:${PORT}`);
  // `npm run ingest` hands its files to this server with this token (lib/runningServer.ts).
  const token = newToken();
  const [node, args] = serverCommand(serverBuild);
  const server = spawn(node, [...args], {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      PORT: String(PORT),
      NODE_ENV: 'production',
      RELEASELENS_DB: database,
      RELEASELENS_INGEST_TOKEN: token,
    },
  });
  const pid = server.pid;
  if (pid !== undefined) writeServerInfo(database, { pid, port: PORT, token });
  const stop = () => server.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  server.on('exit', (code) => {
    if (pid !== undefined) removeServerInfo(database, pid);
    process.exit(code ?? 0);
  });
}

try {
  main();
} catch (err) {
  fail(err);
}
