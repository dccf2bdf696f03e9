/**
 * `npm run ingest -- --watch FOLDER...`: polls the folders and loads each new
 * or changed .csv file once, by content: a file whose sha256 has loaded into
 * this database before (the archive's manifest) is skipped, whatever its name.
 * A file is taken only when its size and modification time stayed the same
 * over one interval, so a file still being written is left for the next poll.
 * Between loads the database is closed, so the dashboard can start meanwhile.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { log } from '../lib/command.ts';
import { closeDatabase, databasePath, interruptAll } from '../lib/db.ts';
import { loadedHashes } from './archive.ts';

export interface WatchOptions {
  folders: string[];
  intervalMs: number;
}

function sha256Of(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = crypto.createHash('sha256');
    fs.createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

const stamp = (s: fs.Stats) => `${s.size}:${s.mtimeMs}`;

/** After a stop signal, the process ends within this long even if a load has not yet rolled back. */
const STOP_MS = 4_000;

/** Runs until SIGINT or SIGTERM; `load` gets each poll's new files, sorted by name. */
export async function watchFolders(options: WatchOptions, load: (files: string[]) => Promise<number>): Promise<void> {
  let stopping = false;
  let wake: () => void = () => {};
  const stop = () => {
    stopping = true;
    wake();
    // a load under way is interrupted (its transaction rolls back); the process ends within 5 s either way
    if (interruptAll() > 0) log('watch: stopping: the load under way is interrupted and rolled back');
    setTimeout(() => {
      log('watch: stopped before the load finished; nothing of it was committed');
      process.exit(143);
    }, STOP_MS).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const lastSeen = new Map<string, string>(); // path -> size:mtime at the previous poll
  const handled = new Map<string, string>(); // path -> size:mtime when it was last taken or skipped
  log(`watch: watching ${options.folders.join(', ')} every ${options.intervalMs / 1000} s (Ctrl-C stops)`);
  while (!stopping) {
    const settled: string[] = [];
    for (const folder of options.folders) {
      for (const name of fs.readdirSync(folder).sort()) {
        if (!name.toLowerCase().endsWith('.csv')) continue;
        const file = path.join(folder, name);
        let stats: fs.Stats;
        try {
          stats = fs.statSync(file);
        } catch {
          continue; // removed since the listing
        }
        if (!stats.isFile()) continue;
        const now = stamp(stats);
        const previous = lastSeen.get(file);
        lastSeen.set(file, now);
        if (previous === now && handled.get(file) !== now) settled.push(file);
      }
    }
    if (settled.length > 0) {
      const known = loadedHashes(databasePath());
      const fresh: string[] = [];
      for (const file of settled) {
        handled.set(file, lastSeen.get(file) ?? '');
        const sha = await sha256Of(file);
        if (known.has(sha)) log(`watch: ${file} has loaded before (sha256 ${sha.slice(0, 12)}), skipped`);
        else {
          known.add(sha);
          fresh.push(file);
        }
      }
      if (fresh.length > 0) {
        log(`watch: loading ${fresh.length} new or changed file(s)`);
        const failed = await load(fresh);
        await closeDatabase();
        log(`watch: ${failed > 0 ? `${failed} file(s) failed; they load again when they change` : 'done'}`);
      }
    }
    if (!stopping)
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, options.intervalMs);
      });
  }
  log('watch: stopped');
}
