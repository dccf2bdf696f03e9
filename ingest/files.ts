import fs from 'node:fs';
import path from 'node:path';

/** Expands files and folders into the CSV files they hold, sorted by name. */
export function expandPaths(paths: string[]): string[] {
  return paths.flatMap((p) => {
    if (!fs.existsSync(p)) throw new Error(`${p}: no such file or folder`);
    if (fs.statSync(p).isDirectory()) {
      return fs
        .readdirSync(p)
        .filter((f) => f.toLowerCase().endsWith('.csv'))
        .sort()
        .map((f) => path.join(p, f));
    }
    return [p];
  });
}
