/**
 * npm run ingest -- PATH... [--entity NAME] [--source NAME] [--tz ZONE] [--delimiter C] [--db FILE]
 *   [--mapping FILE.yaml | --profile canonical|auto|servicenow|jira|NAME] [--dry-run [ROWS]]
 *
 * Loads canonical CSV files (or folders of them). One summary line per file on
 * stdout; progress and rejects on stderr. Exit 0 when every file loaded, 1 when
 * a file could not be loaded at all, 2 for usage errors.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { exit, fail, log, UsageError } from '../lib/cli.ts';
import { setDatabasePath } from '../lib/db.ts';
import { isTimeZone } from '../queries/params.ts';
import { type EntityName, entityNames } from './entities.ts';
import { expandPaths } from './files.ts';
import { type IngestOptions, type IngestSummary, ingestFile, ingestFiles } from './load.ts';
import { describePreview } from './preview.ts';

const usage = `usage: npm run ingest -- PATH... [--entity ${entityNames.join('|')}] [--source NAME] [--tz ZONE]
  [--delimiter ','|';'|tab] [--mapping FILE.yaml | --profile canonical|auto|servicenow|jira|PROFILE]
  [--dry-run [ROWS]] [--db FILE]`;

function parse() {
  const options = {
    entity: { type: 'string' },
    source: { type: 'string' },
    tz: { type: 'string' },
    delimiter: { type: 'string' },
    mapping: { type: 'string' },
    profile: { type: 'string' },
    'dry-run': { type: 'boolean' },
    rows: { type: 'string' },
    db: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  } as const;
  let parsed: ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ options, allowPositionals: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${usage}`);
  }
  // --dry-run takes an optional row count: `--dry-run 20` (a number right after it is the count).
  const { values, positionals: given } = parsed;
  let dryRun: number | undefined;
  const positionals = [...given];
  if (values['dry-run']) {
    const i = process.argv.indexOf('--dry-run');
    const next = process.argv[i + 1];
    dryRun = 10;
    if (next && /^\d+$/.test(next)) {
      dryRun = Number(next);
      positionals.splice(positionals.indexOf(next), 1);
    }
  }
  if (values.mapping && values.profile) throw new UsageError('give --mapping or --profile, not both');
  if (values.mapping && !fs.existsSync(values.mapping))
    throw new UsageError(`--mapping ${values.mapping}: no such file`);
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  if (positionals.length === 0) throw new UsageError(`name at least one file or folder\n${usage}`);
  if (values.entity && !entityNames.includes(values.entity as EntityName)) {
    throw new UsageError(`--entity must be one of ${entityNames.join(', ')}`);
  }
  if (values.tz && !isTimeZone(values.tz)) throw new UsageError(`--tz ${values.tz} is not an IANA time zone`);
  if (values.source && !/^[A-Za-z0-9_.-]{1,40}$/.test(values.source)) {
    throw new UsageError('--source must be 1-40 letters, digits, dot, dash or underscore');
  }
  const delimiter = values.delimiter === 'tab' ? '\t' : values.delimiter;
  if (delimiter !== undefined && delimiter.length !== 1)
    throw new UsageError('--delimiter must be one character or "tab"');
  let files: string[];
  try {
    files = expandPaths(positionals);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (files.length === 0) throw new UsageError('no .csv files found in the given folders');
  return { files, values, delimiter, dryRun };
}

function report(s: IngestSummary): void {
  const rate = s.seconds > 0 ? Math.round(s.rowsRead / s.seconds) : s.rowsRead;
  process.stdout.write(
    `${s.file}: ${s.entity} from ${s.source} (${s.layout}): ${s.rowsRead} read, ${s.rowsLoaded} loaded, ${s.rowsRejected} rejected${s.merged > 0 ? `, ${s.merged} rows merged into other records` : ''} in ${s.seconds.toFixed(2)} s (${rate.toLocaleString('en-US')} rows/s), run ${s.runId}\n`,
  );
  for (const u of s.unknownValues) log(`  unknown ${u.column} '${u.value}' x${u.count}: ${u.resolution}`);
  for (const r of s.firstRejects) {
    log(`  ${s.file}:${r.line ?? '?'} ${r.column ? `column ${r.column}: ` : ''}${r.reason}`);
  }
  if (s.rowsRejected > s.firstRejects.length) {
    log(`  ... see all ${s.rowsRejected} rejected rows in the ingest_rejects table (run ${s.runId})`);
  }
}

async function main() {
  const { files, values, delimiter, dryRun } = parse();
  if (values.db) setDatabasePath(values.db);
  const tty = process.stderr.isTTY;
  let current = '';
  const options: IngestOptions = {
    source: values.source,
    timezone: values.tz,
    entity: values.entity as EntityName | undefined,
    delimiter,
    mappingFile: values.mapping,
    profile: values.profile,
    onProgress: tty ? (pct) => process.stderr.write(`\r${current}: reading ${pct.toFixed(0)}%   `) : undefined,
  };
  let failed = 0;
  if (dryRun !== undefined) {
    for (const file of files) {
      current = file;
      try {
        process.stdout.write(describePreview(await ingestFile(file, { ...options, dryRun })));
      } catch (err) {
        failed++;
        log(`error: ${(err as Error).message}`);
      }
    }
    await exit(failed > 0 ? 1 : 0);
  }
  current = files[0] ?? '';
  const batch = await ingestFiles(files, options, (r) => {
    if (tty) process.stderr.write('\r\x1b[K');
    if (r.summary) report(r.summary);
    if (r.error) {
      failed++;
      log(`error: ${r.error.message}`);
    }
    current = files[files.indexOf(r.file) + 1] ?? '';
  });
  if (batch.dataVersion !== null) {
    log(`models: data version ${batch.dataVersion} built in ${batch.modelSeconds.toFixed(2)} s`);
  }
  if (batch.buildError) {
    failed++;
    log(`error: ${batch.buildError.message}`);
  }
  await exit(failed > 0 ? 1 : 0);
}

main().catch(fail);
