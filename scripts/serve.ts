/** The built dashboard served on a database (npm start, the bench, the soak, the browser tests), and its memory. */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

/** The command that serves `build` with the dashboard's server (scripts/server.mjs). */
export const serverCommand = (build = path.join(root, 'build', 'server', 'index.js')) =>
  [process.execPath, [path.join(root, 'scripts', 'server.mjs'), build]] as const;

/** Starts the dashboard's server (scripts/server.mjs) on the build with these settings and resolves once it answers on 127.0.0.1:port. */
export function startServer(port: number, database: string, env: Record<string, string> = {}): Promise<ChildProcess> {
  const [node, args] = serverCommand();
  const child = spawn(node, [...args], {
    cwd: root,
    env: {
      ...process.env,
      // the bench and the soak measure the server under many clients from this one address
      RELEASELENS_RATE_LIMIT_PER_MINUTE: '1000000',
      ...env,
      PORT: String(port),
      NODE_ENV: 'production',
      RELEASELENS_DB: database,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const poll = async () => {
      try {
        await fetch(`http://127.0.0.1:${port}/api/kpis`);
        resolve(child);
      } catch {
        if (child.exitCode !== null || Date.now() - t0 > 60_000) reject(new Error('the server did not start'));
        else setTimeout(poll, 200);
      }
    };
    poll();
  });
}

/** A process's memory from /proc: `VmRSS` now or `VmHWM` its peak, in MiB. */
export function memoryMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  let status: string;
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    throw new Error(`the server (PID ${pid}) has exited`);
  }
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN) / 1024;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

let extraHeaders: Record<string, string> = {};
/** Headers every timedGet sends (the bench with sign-in on: the proxy's user header). */
export const sendWithEveryRequest = (headers: Record<string, string>) => {
  extraHeaders = { ...headers };
};
export const requestHeaders = () => ({ ...extraHeaders });

/**
 * GET as a browser asks (gzip accepted) and time it until the last byte, for
 * the measuring scripts. The body is counted, not decoded: decoding a
 * quarter's 14 MB of /api/units JSON on the same two cores as the server
 * measured the client, not the server. A reset of a kept-alive connection the
 * server had just closed is retried once on a new connection, as browsers do.
 */
export function timedGet(url: string, timeoutMs: number): Promise<{ status: number; bytes: number; ms: number }> {
  const t0 = performance.now();
  const attempt = (retry: boolean): Promise<{ status: number; bytes: number; ms: number }> =>
    new Promise((resolve, reject) => {
      const req = http.get(
        url,
        { agent, headers: { ...extraHeaders, 'Accept-Encoding': 'gzip' }, timeout: timeoutMs },
        (res) => {
          let bytes = 0;
          res.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, ms: performance.now() - t0 }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (retry && req.reusedSocket && err.code === 'ECONNRESET') resolve(attempt(false));
        else reject(err);
      });
    });
  return attempt(true);
}
