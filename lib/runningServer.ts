/**
 * How `npm run ingest` finds a running dashboard to hand its files to.
 * DuckDB lets one process write a database file; while the dashboard serves,
 * it is that process. `npm start` gives the server a random token and writes
 * `<db>.server.json` (readable by its owner only) with the server's PID, port
 * and token; the ingest reads it and posts the file paths to the server's
 * `/api/ingest` on localhost. The file is removed when the server stops; a
 * file left by a killed server is ignored (its PID is gone).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface ServerInfo {
  pid: number;
  port: number;
  token: string;
}

export const serverInfoPath = (databaseFile: string) => `${path.resolve(databaseFile)}.server.json`;

export const newToken = () => crypto.randomBytes(32).toString('hex');

export function writeServerInfo(databaseFile: string, info: ServerInfo): void {
  const file = serverInfoPath(databaseFile);
  const partial = `${file}.${process.pid}.partial`;
  fs.writeFileSync(partial, JSON.stringify(info), { mode: 0o600 });
  fs.renameSync(partial, file);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The running server of this database, or null (no file, unreadable, or its process is gone). */
export function readServerInfo(databaseFile: string): ServerInfo | null {
  try {
    const info = JSON.parse(fs.readFileSync(serverInfoPath(databaseFile), 'utf8')) as ServerInfo;
    if (!Number.isInteger(info.pid) || !Number.isInteger(info.port) || typeof info.token !== 'string') return null;
    return alive(info.pid) ? info : null;
  } catch {
    return null;
  }
}

export function removeServerInfo(databaseFile: string, pid: number): void {
  const file = serverInfoPath(databaseFile);
  try {
    const info = JSON.parse(fs.readFileSync(file, 'utf8')) as ServerInfo;
    if (info.pid === pid) fs.rmSync(file, { force: true });
  } catch {
    // already gone
  }
}

/** Compares a given secret with the expected one in constant time (whatever their lengths). */
export function sameSecret(given: string, expected: string): boolean {
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

/**
 * A GET (or, with `post`, a POST of JSON) to the dashboard that holds this
 * database, on loopback with its token (commands beside it: npm run kpis,
 * npm run report, npm run alerts), or null when no dashboard serves it.
 * Throws when it answers with an error.
 */
export async function askServer(
  databaseFile: string,
  pathAndQuery: string,
  post?: { body: unknown },
): Promise<Response | null> {
  const server = readServerInfo(databaseFile);
  if (!server) return null;
  const res = await fetch(`http://127.0.0.1:${server.port}${pathAndQuery}`, {
    method: post ? 'POST' : 'GET',
    headers: {
      authorization: `Bearer ${server.token}`,
      accept: 'application/json',
      ...(post ? { 'content-type': 'application/json' } : {}),
    },
    body: post ? JSON.stringify(post.body) : undefined,
  });
  if (!res.ok) {
    const text = (await res.text()).slice(0, 500);
    let said = text;
    try {
      said = (JSON.parse(text) as { error?: string }).error ?? text;
    } catch {
      // not JSON
    }
    throw new Error(`the dashboard (pid ${server.pid}) answered ${res.status}: ${said}`);
  }
  return res;
}
