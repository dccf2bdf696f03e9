/**
 * The app's folders say where their code runs: app/server/ only on the
 * server, app/views/ in the browser too, app/shared/ in both. The linter
 * (biome.json) keeps app/shared/ from importing the other two and app/server/
 * from importing views; this test holds the one rule it cannot say: a view
 * may name a server module's types, never import its code.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p) : /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

/** Each import statement's text and the file it resolves to. */
function imports(file: string) {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/^(import|export)\s[^;]*?from\s+'(\.[^']+)';/gms)].map((m) => ({
    statement: m[0],
    target: path.resolve(path.dirname(file), m[2] ?? ''),
  }));
}

describe('app folders', () => {
  it('a view imports only types from app/server/', () => {
    const server = path.join(root, 'app', 'server') + path.sep;
    const viewFiles = files(path.join(root, 'app', 'views')).filter((f) => !f.endsWith('.server.ts'));
    const offending = viewFiles.flatMap((f) =>
      imports(f)
        .filter((i) => i.target.startsWith(server) && !/^(import|export) type\s/.test(i.statement))
        .map((i) => `${path.relative(root, f)}: ${i.statement}`),
    );
    expect(viewFiles.length).toBeGreaterThan(20);
    expect(offending).toEqual([]);
  });

  it('the old mixed folders are gone', () => {
    expect(fs.existsSync(path.join(root, 'app', 'lib'))).toBe(false);
    expect(fs.existsSync(path.join(root, 'app', 'components'))).toBe(false);
  });
});
