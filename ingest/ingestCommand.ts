/**
 * npm run ingest -- PATH... [--entity NAME] [--source NAME] [--tz ZONE] [--delimiter C] [--db FILE]
 *   [--mapping FILE.yaml | --profile canonical|auto|servicenow|jira|NAME] [--dry-run [ROWS]]
 *
 *   [--watch [--interval-seconds N]]
 *
 * Loads canonical CSV files (or folders of them). One summary line per file on
 * stdout; progress and rejects on stderr. Exit 0 when every file loaded, 1 when
 * a file could not be loaded at all, 2 for usage errors. When a dashboard
 * serves the database, the files are handed to it (lib/runningServer.ts). With
 * --watch, the folders are watched and each new or changed file loads once.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { exit, fail, log, UsageError } from '../lib/command.ts';
import { setDatabasePath } from '../lib/db.ts';
import { type EntityName, entityNames, sourceNamePattern, sourceNameRule } from '../lib/entities.ts';
import { isTimeZone } from '../lib/timeZone.ts';
import { loadOrHandOff } from './deliver.ts';
import { expandPaths } from './files.ts';
import { type FileResult, type IngestOptions, type IngestSummary, ingestFile } from './load.ts';
import { describePreview } from './preview.ts';
import { watchFolders } from './watch.ts';

const usage = `usage: npm run ingest -- PATH... [--entity ${entityNames.join('|')}] [--source NAME] [--tz ZONE]
  [--delimiter ','|';'|tab] [--mapping FILE.yaml | --profile canonical|auto|servicenow|jira|PROFILE]
  [--dry-run [ROWS|all]] [--db FILE] [--watch [--interval-seconds N]]`;

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
    watch: { type: 'boolean' },
    'interval-seconds': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  } as const;
  let parsed: ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ options, allowPositionals: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${usage}`);
  }
  // --dry-run takes an optional row count: `--dry-run 20` (a number right after it), or `--dry-run all`.
  const { values, positionals: given } = parsed;
  let dryRun: number | 'all' | undefined;
  const positionals = [...given];
  if (values['dry-run']) {
    const i = process.argv.indexOf('--dry-run');
    const next = process.argv[i + 1];
    dryRun = 10;
    if (next && (/^\d+$/.test(next) || next === 'all')) {
      dryRun = next === 'all' ? 'all' : Number(next);
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
  if (values.source && !sourceNamePattern.test(values.source)) {
    throw new UsageError(`--${sourceNameRule}`);
  }
  const delimiter = values.delimiter === 'tab' ? '\t' : values.delimiter;
  if (delimiter !== undefined && delimiter.length !== 1)
    throw new UsageError('--delimiter must be one character or "tab"');
  if (values.watch) {
    if (dryRun !== undefined) throw new UsageError('give --watch or --dry-run, not both');
    const seconds = Number(values['interval-seconds'] ?? 5);
    if (!Number.isFinite(seconds) || seconds < 0.2 || seconds > 3600)
      throw new UsageError('--interval-seconds must be a number from 0.2 to 3600');
    for (const p of positionals) {
      if (!fs.existsSync(p) || !fs.statSync(p).isDirectory()) throw new UsageError(`--watch ${p}: not a folder`);
    }
    return { files: [], values, delimiter, dryRun, watch: { folders: positionals, intervalMs: seconds * 1000 } };
  }
  let files: string[];
  try {
    files = expandPaths(positionals);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (files.length === 0) throw new UsageError('no .csv files found in the given folders');
  return { files, values, delimiter, dryRun, watch: undefined };
}

function report(s: IngestSummary): void {
  const rate = s.seconds > 0 ? Math.round(s.rowsRead / s.seconds) : s.rowsRead;
  process.stdout.write(
    `${s.file}: ${s.entity} from ${s.source} (${s.layout}): ${s.rowsRead} read, ${s.rowsLoaded} loaded (${s.newRecords} new, ${s.changedRecords} changed, ${s.unchangedRecords} unchanged), ${s.rowsRejected} rejected${s.merged > 0 ? `, ${s.merged} ${s.merged === 1 ? 'row' : 'rows'} merged into other records` : ''}${s.skipped > 0 ? `, ${s.skipped} without a value to load skipped` : ''} in ${s.seconds.toFixed(2)} s (${rate.toLocaleString('en-US')} rows/s), run ${s.runId}\n`,
  );
  for (const n of s.notes) log(`  note: ${n}`);
  for (const u of s.unknownValues) log(`  unknown ${u.column} '${u.value}' x${u.count}: ${u.resolution}`);
  for (const r of s.firstRejects) {
    log(`  ${s.file}:${r.line ?? '?'} ${r.column ? `column ${r.column}: ` : ''}${r.reason}`);
  }
  if (s.rowsRejected > s.firstRejects.length) {
    log(`  ... see all ${s.rowsRejected} rejected rows in the ingest_rejects table (run ${s.runId})`);
  }
  for (const further of s.also ?? []) report(further);
}

/** Loads the files, through the running dashboard when there is one; returns how many failed. */
async function ingestOnce(files: string[], options: IngestOptions, tty: boolean): Promise<number> {
  let failed = 0;
  let current = files[0] ?? '';
  const progress = tty
    ? (pct: number) => process.stderr.write(`\r${current}: reading ${pct.toFixed(0)}%   `)
    : undefined;
  const onFile = (r: FileResult) => {
    if (tty) process.stderr.write('\r\x1b[K');
    if (r.summary) report(r.summary);
    if (r.error) {
      failed++;
      log(`error: ${r.error.message}`);
    }
    current = files[files.indexOf(r.file) + 1] ?? '';
  };
  const batch = await loadOrHandOff(files, { ...options, onProgress: progress }, onFile);
  if (batch.dataVersion !== null) {
    const how = batch.modelsRefreshed ? 'refreshed in place' : 'built whole';
    log(`models: data version ${batch.dataVersion} ${how} in ${batch.modelSeconds.toFixed(2)} s`);
  }
  if (batch.buildError) {
    failed++;
    log(`error: ${batch.buildError.message}`);
  }
  return failed;
}

async function main() {
  const { files, values, delimiter, dryRun, watch } = parse();
  if (values.db) setDatabasePath(values.db);
  const tty = Boolean(process.stderr.isTTY);
  const options: IngestOptions = {
    source: values.source,
    timezone: values.tz,
    entity: values.entity as EntityName | undefined,
    delimiter,
    mappingFile: values.mapping,
    profile: values.profile,
  };
  if (dryRun !== undefined) {
    let failed = 0;
    for (const file of files) {
      try {
        process.stdout.write(describePreview(await ingestFile(file, { ...options, dryRun })));
      } catch (err) {
        failed++;
        log(`error: ${(err as Error).message}`);
      }
    }
    await exit(failed > 0 ? 1 : 0);
  }
  if (watch) {
    await watchFolders(watch, (batch) => ingestOnce(batch, options, tty));
    await exit(0);
  }
  await exit((await ingestOnce(files, options, tty)) > 0 ? 1 : 0);
}

main().catch(fail);
