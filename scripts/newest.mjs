/** The newest modification time under a file or folder, in ms (0 when it does not exist). Plain JavaScript: scripts/cli.mjs runs without tsx. */
import fs from 'node:fs';
import path from 'node:path';

/** @param {string} p @returns {number} */
export function newestMtimeMs(p) {
  const stat = fs.statSync(p, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...fs.readdirSync(p).map((f) => newestMtimeMs(path.join(p, f))));
}
