/**
 * npm run sample [-- --out DIR] [--scale sample|large|huge]: writes a seeded
 * organisation as canonical CSVs. The sample (default, data/sample) is the
 * committed data set; large (about 1,000,000 incidents) and huge (about
 * 10,000,000) are for benchmarks and are never committed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fail, log, UsageError } from '../lib/command.ts';
import { type Scale, scales } from './sample/organisation.ts';
import { generateSample, writeOrganisation } from './sample/write.ts';

function main() {
  const { values } = parseArgs({ options: { out: { type: 'string' }, scale: { type: 'string' } } });
  const scaleName = (values.scale ?? 'sample') as Scale['name'];
  const scale = scales[scaleName];
  if (!Object.hasOwn(scales, scaleName) || !scale) {
    throw new UsageError(`--scale must be one of ${Object.keys(scales).join(', ')}`);
  }
  const out = values.out ?? (scaleName === 'sample' ? path.join('data', 'sample') : undefined);
  if (!out) throw new UsageError(`--scale ${scaleName} needs --out DIR (it is never written into data/sample)`);
  fs.mkdirSync(out, { recursive: true });
  if (scaleName === 'sample') {
    for (const [name, content] of Object.entries(generateSample())) {
      fs.writeFileSync(path.join(out, name), content);
      log(`${path.join(out, name)}: ${content.split('\n').length - 2} rows, ${(content.length / 1024).toFixed(0)} KiB`);
    }
    return;
  }
  const t0 = performance.now();
  const counts = writeOrganisation(scale, out);
  for (const [entity, rows] of Object.entries(counts)) {
    const file = path.join(out, `${entity}.csv`);
    log(`${file}: ${rows.toLocaleString('en-US')} rows, ${(fs.statSync(file).size / 1e6).toFixed(0)} MB`);
  }
  log(`${scaleName} organisation written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

try {
  main();
} catch (err) {
  fail(err);
}
