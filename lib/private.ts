/**
 * Stored data is the owner's alone: the database, its WAL and spill folder,
 * the archive of every loaded file and the server's hand-off file are created
 * 0600 (files) and 0700 (folders). Each process that may create them sets its
 * file-creation mask once (`ownerOnly`), which covers files DuckDB creates
 * itself; `tighten` narrows what an older version created 0644/0755.
 */
import fs from 'node:fs';

let masked = false;

/** Sets this process's umask to 077 (once; a worker thread cannot, and inherits its process's). */
export function ownerOnly(): void {
  if (masked) return;
  masked = true;
  try {
    process.umask(0o077);
  } catch {
    // worker threads: the mask is the process's
  }
}

/** Makes existing paths owner-only (files 0600, folders 0700); missing ones and other owners' are left. */
export function tighten(...paths: string[]): void {
  for (const p of paths) {
    try {
      const stat = fs.statSync(p);
      if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) continue;
      const mode = stat.isDirectory() ? 0o700 : 0o600;
      if ((stat.mode & 0o777) !== mode) fs.chmodSync(p, mode);
    } catch {
      // not there (yet)
    }
  }
}
