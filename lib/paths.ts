/** Finds files of the project (SQL models, mapping profiles) whether run from source or from the app build. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function projectRoot(): string {
  if (root) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'releaselens') {
      root = dir;
      return dir;
    }
    dir = path.dirname(dir);
  }
  throw new Error('cannot find the ReleaseLens project folder (package.json)');
}

export const projectFile = (...segments: string[]) => path.join(projectRoot(), ...segments);
