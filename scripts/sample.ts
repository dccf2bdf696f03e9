/** npm run sample [-- --out DIR]: writes the seeded sample organisation as canonical CSVs (default data/sample). */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fail, log } from '../lib/cli.ts';
import { generateSample } from './sample/generate.ts';

function main() {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const out = values.out ?? path.join('data', 'sample');
  fs.mkdirSync(out, { recursive: true });
  for (const [name, content] of Object.entries(generateSample())) {
    fs.writeFileSync(path.join(out, name), content);
    log(`${path.join(out, name)}: ${content.split('\n').length - 2} rows, ${(content.length / 1024).toFixed(0)} KiB`);
  }
}

try {
  main();
} catch (err) {
  fail(err);
}
