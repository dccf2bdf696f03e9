/**
 * What the last pull of each source and target did, beside the database
 * (`<db>.pulls.json`, 0600): when it ran, what it fetched, loaded and
 * rejected, its error, and when the next scheduled run is. A file rather
 * than a table because a failed pull commits nothing, and because the
 * dashboard may hold the database while a pull runs; the Data page reads it.
 * Watermarks are not here: they live in the database, with the records.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ownerOnly } from '../lib/private.ts';

const targetStatus = z.object({
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  fetched: z.number(),
  loaded: z.number(),
  rejected: z.number(),
  batches: z.number(),
  error: z.string().nullable(),
});
export type TargetStatus = z.output<typeof targetStatus>;

const statusFile = z.object({
  sources: z.record(
    z.string(),
    z.object({
      type: z.string(),
      nextRunAt: z.string().nullable(),
      targets: z.record(z.string(), targetStatus),
    }),
  ),
});
export type PullStatus = z.output<typeof statusFile>;

export const statusPath = (databaseFile: string) => `${path.resolve(databaseFile)}.pulls.json`;

/** The status, or an empty one when there is none or it cannot be read. */
export function readStatus(databaseFile: string): PullStatus {
  try {
    const text = fs.readFileSync(statusPath(databaseFile), 'utf8');
    if (text.length > 4 * 1024 * 1024) return { sources: {} };
    return statusFile.parse(JSON.parse(text));
  } catch {
    return { sources: {} };
  }
}

/** Changes the status with `change` and writes it whole (a rename, so a reader never sees half of it). */
export function updateStatus(databaseFile: string, change: (s: PullStatus) => void): void {
  const status = readStatus(databaseFile);
  change(status);
  ownerOnly();
  const file = statusPath(databaseFile);
  const partial = `${file}.${process.pid}.partial`;
  fs.writeFileSync(partial, `${JSON.stringify(status, null, 1)}\n`, { mode: 0o600 });
  fs.renameSync(partial, file);
}

/** Errors are kept short in the status file. */
export const shortError = (message: string) => (message.length > 600 ? `${message.slice(0, 597)}...` : message);

/** A source's entry in the status, made when it has none. */
export function sourceEntry(status: PullStatus, name: string, type: string): PullStatus['sources'][string] {
  const entry = status.sources[name] ?? { type, nextRunAt: null, targets: {} };
  entry.type = type;
  status.sources[name] = entry;
  return entry;
}
