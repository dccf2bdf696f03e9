/**
 * node scripts/cli.mjs ENTRY.ts [ARGS...]: runs a command-line entry point
 * compiled to one JavaScript file, without tsx in the process.
 *
 * tsx costs every command about 0.3 s to start and makes its imports about a
 * third slower; for an hourly `npm run ingest` of a few hundred incidents that
 * is a fifth of the whole run (decision 026). The entry is bundled with
 * esbuild into build/cli/ (packages stay external) when the bundle is missing
 * or older than any source it could include, which costs about 0.15 s once.
 * Files the code reads at run time (SQL, profiles) are found from the project
 * root (lib/paths.ts), so they are read from the source tree as under tsx.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { newestMtimeMs } from './newest.mjs';

const root = path.resolve(import.meta.dirname, '..');
const sources = ['lib', 'ingest', 'queries', 'scripts', 'app', 'package.json', 'tsconfig.json'];

const [entry, ...args] = process.argv.slice(2);
if (!entry?.endsWith('.ts')) {
  process.stderr.write('usage: node scripts/cli.mjs ENTRY.ts [ARGS...]\n');
  process.exit(2);
}
const source = path.resolve(root, entry);
const bundle = path.join(
  root,
  'build',
  'cli',
  `${path.relative(root, source).replace(/[\\/]/g, '__').replace(/\.ts$/, '')}.mjs`,
);
const builtMs = fs.statSync(bundle, { throwIfNoEntry: false })?.mtimeMs ?? 0;
if (sources.some((s) => newestMtimeMs(path.join(root, s)) > builtMs)) {
  const { buildSync } = await import('esbuild');
  // Written beside and renamed, so two commands starting at once never run half a file.
  const temporary = `${bundle}.${process.pid}.tmp`;
  buildSync({
    entryPoints: [source],
    outfile: temporary,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  fs.renameSync(temporary, bundle);
}
process.argv = [process.argv[0], source, ...args];
await import(pathToFileURL(bundle).href);
