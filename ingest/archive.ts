/**
 * The archive: every file that loads is kept by its sha256 beside the
 * database (`<db>.archive/<sha256>.csv`), with a manifest of the loads in
 * order (`manifest.jsonl`, one JSON object per line), so `npm run rebuild`
 * can recreate the database from it after a model change or a lost file.
 *
 * The copy is made before the load commits and the manifest line after, so
 * a load the manifest names always has its file. A process killed between
 * the commit and the manifest line leaves a load without a line; running
 * the same ingest again (which changes nothing in the data) writes it.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { EntityName } from '../lib/entities.ts';
import { ownerOnly } from '../lib/private.ts';
import type { PullMark } from './types.ts';

/** The options a load is replayed with (paths are replaced by archived copies). */
export interface ReplayOptions {
  source?: string;
  timezone?: string;
  entity?: EntityName;
  delimiter?: string;
  profile?: string;
  /** A pulled batch's watermark, restored with it. */
  pull?: PullMark;
}

export interface ArchiveEntry {
  sha256: string;
  /** The file's name as the load named it. */
  name: string;
  entity: EntityName;
  runId: number;
  loadedAt: string;
  options: ReplayOptions;
  /** The mapping file the load used, archived by its sha256. */
  mappingSha256?: string;
}

export const archiveDir = (databaseFile: string) => `${path.resolve(databaseFile)}.archive`;
const manifestPath = (databaseFile: string) => path.join(archiveDir(databaseFile), 'manifest.jsonl');
export const archivedFile = (databaseFile: string, sha256: string) =>
  path.join(archiveDir(databaseFile), `${sha256}.csv`);
export const archivedMapping = (databaseFile: string, sha256: string) =>
  path.join(archiveDir(databaseFile), `${sha256}.mapping`);

/**
 * Copies a file into the archive under `target` unless it is there; durable
 * before it resolves (true when this call stored it). Asynchronous, so the
 * copy of a large export runs while DuckDB reads it.
 */
async function storeOnce(source: string, target: string): Promise<boolean> {
  if (fs.existsSync(target)) return false;
  ownerOnly();
  await fs.promises.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
  const partial = `${target}.${process.pid}.partial`;
  await fs.promises.copyFile(source, partial);
  await fs.promises.chmod(partial, 0o600); // a copy takes its source's mode, whatever the mask
  const handle = await fs.promises.open(partial, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.promises.rename(partial, target);
  return true;
}

export function storeFile(databaseFile: string, file: string, sha256: string): Promise<boolean> {
  return storeOnce(file, archivedFile(databaseFile, sha256));
}

/** Archives a mapping file and returns its sha256. */
export async function storeMapping(databaseFile: string, mappingFile: string): Promise<string> {
  const sha256 = crypto.createHash('sha256').update(fs.readFileSync(mappingFile)).digest('hex');
  await storeOnce(mappingFile, archivedMapping(databaseFile, sha256));
  return sha256;
}

/** Appends JSON lines to an archive file (0600, in the 0700 archive folder), durable before it returns. */
export function appendLines(databaseFile: string, file: string, items: unknown[]): void {
  ownerOnly();
  fs.mkdirSync(archiveDir(databaseFile), { recursive: true, mode: 0o700 });
  const fd = fs.openSync(file, 'a', 0o600);
  try {
    fs.writeSync(fd, items.map((item) => `${JSON.stringify(item)}\n`).join(''));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** An archive file's JSON lines in order; a torn last line (a process killed while writing it) is skipped. */
export function readLines<T>(file: string): T[] {
  if (!fs.existsSync(file)) return [];
  const items: T[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      items.push(JSON.parse(line) as T);
    } catch {
      // only the last line can be torn: appends are single writes
    }
  }
  return items;
}

export function appendEntry(databaseFile: string, entry: ArchiveEntry): void {
  appendLines(databaseFile, manifestPath(databaseFile), [entry]);
}

/** The loads in order. */
export const readManifest = (databaseFile: string): ArchiveEntry[] =>
  readLines<ArchiveEntry>(manifestPath(databaseFile));

/** The sha256 of every file that has loaded into this database. */
export const loadedHashes = (databaseFile: string) => new Set(readManifest(databaseFile).map((e) => e.sha256));
