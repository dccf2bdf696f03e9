/**
 * One pull of the configured sources: for each table or entity, the records
 * updated since its watermark (less the overlap) are fetched oldest first and
 * written as export-shaped CSV batches; each batch loads through the normal
 * ingest path (its profile or mapping, checks, rejects, one transaction,
 * archive, new data version; handed to the dashboard when one holds the
 * database) and its watermark commits with it. A pull stopped anywhere
 * starts again from the last committed batch: records read twice merge by id.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadOrHandOff } from '../ingest/deliver.ts';
import { ingestFile } from '../ingest/load.ts';
import { describePreview } from '../ingest/preview.ts';
import type { IngestOptions, PullMark } from '../ingest/types.ts';
import { log } from '../lib/command.ts';
import { databasePath, withConnection } from '../lib/db.ts';
import { ownerOnly } from '../lib/private.ts';
import { askServer } from '../lib/runningServer.ts';
import { type PullRow, readPulls } from '../queries/pulls.ts';
import { type Credentials, credentials, type PullConfig, type Source } from './config.ts';
import type { Api } from './http.ts';
import { jiraTarget } from './jira.ts';
import { readJiraSite } from './jiraSite.ts';
import { serviceNowTarget } from './servicenow.ts';
import { shortError, sourceEntry, updateStatus } from './status.ts';
import { type Fetched, type Target, writeBatch } from './target.ts';

export interface PullOptions {
  /** Only this source. */
  source?: string;
  /** Re-read every record and note what is gone upstream. */
  full?: boolean;
  /** Fetch the first page of each target and preview its load; write nothing. */
  dryRun?: boolean;
  /** When the next scheduled run is (for the status file). */
  nextRunAt?: () => string | null;
  /** Tests: the first backoff without Retry-After. */
  backoffMs?: number;
}

/** The watermark of every pulled target ("source\ttarget" -> watermark): from the dashboard when it serves the database. */
export async function readWatermarks(): Promise<Map<string, string>> {
  const db = databasePath();
  if (db !== ':memory:' && !fs.existsSync(db)) return new Map(); // nothing pulled yet; a dry run creates nothing
  const served = await askServer(db, '/api/pulls');
  const rows: PullRow[] = served
    ? ((await served.json()) as { pulls: PullRow[] }).pulls
    : await withConnection((conn) => readPulls(conn));
  return new Map(rows.map((r) => [`${r.source}\t${r.target}`, r.watermark]));
}

const seconds = (t0: number) => ((performance.now() - t0) / 1000).toFixed(2);

/** The targets of one source (Jira: after reading the site's time zone and fields once). */
async function targetsOf(source: Source, creds: Credentials, options: PullOptions): Promise<Target[]> {
  const api: Omit<Api, 'label' | 'denied'> = {
    base: source.url,
    credentials: creds,
    backoffMs: options.backoffMs,
    timeoutSeconds: source.timeout_seconds,
    onWait: (line) => log(`pull ${line}`),
  };
  if (source.type === 'servicenow') return source.tables.map((t) => serviceNowTarget(source, t, api));
  const site = await readJiraSite(source, api);
  log(`pull ${source.name}: Jira ${site.cloud ? 'Cloud' : 'Data Center'}, the token's user works in ${site.zone}`);
  return source.entities.map((e) => jiraTarget(source, e, site));
}

/** Pulls every configured source (or the one named); returns how many targets failed. */
export async function pullOnce(config: PullConfig, options: PullOptions = {}): Promise<number> {
  const db = databasePath();
  const sources = config.sources.filter((s) => !options.source || s.name === options.source);
  const marks = options.dryRun || !options.full ? await readWatermarks() : new Map<string, string>();
  let failed = 0;
  for (const source of sources) {
    let targets: Target[];
    try {
      targets = await targetsOf(source, credentials(source), options);
    } catch (err) {
      failed++;
      const message = (err as Error).message;
      log(`error: ${message}`);
      if (!options.dryRun) recordFailure(db, source, null, message, options);
      continue;
    }
    for (const target of targets) {
      try {
        if (options.dryRun) await previewTarget(source, target, marks);
        else await pullTarget(db, source, target, marks, options);
      } catch (err) {
        failed++;
        log(`error: ${(err as Error).message}`);
      }
    }
  }
  return failed;
}

function recordFailure(db: string, source: Source, target: string | null, message: string, options: PullOptions) {
  updateStatus(db, (s) => {
    const entry = sourceEntry(s, source.name, source.type);
    entry.nextRunAt = options.nextRunAt?.() ?? null;
    const names = target
      ? [target]
      : source.type === 'servicenow'
        ? source.tables.map((t) => t.table)
        : source.entities.map((e) => e.entity);
    const now = new Date().toISOString();
    for (const name of names) {
      const before = entry.targets[name];
      entry.targets[name] = {
        startedAt: now,
        finishedAt: now,
        fetched: 0,
        loaded: 0,
        rejected: 0,
        batches: 0,
        ...(before ? { fetched: before.fetched, loaded: before.loaded, rejected: before.rejected } : {}),
        error: shortError(message),
      };
    }
  });
}

/** --dry-run: what the pull would ask for, and the first page's records as the load would see them. */
async function previewTarget(source: Source, target: Target, marks: Map<string, string>) {
  const mark = marks.get(`${source.name}\t${target.name}`);
  const since = mark ? target.startFrom(mark) : null;
  process.stdout.write(
    `${source.name} ${target.name}: would fetch the records updated ${since ? `since ${since}` : 'ever'} (watermark ${mark ?? 'none'})\n  ${target.describe(since)}\n`,
  );
  const records: Fetched[] = [];
  let total = null as number | null;
  const pageSize = source.page_size;
  for await (const r of target.fetch(since, { total: (n) => (total = n), note: (l) => log(`pull ${l}`) })) {
    records.push(r);
    if (records.length >= Math.min(pageSize, 100)) break;
  }
  process.stdout.write(
    `  ${total === null ? '' : `${total} match; `}the first ${records.length} as the load would read them:\n`,
  );
  if (records.length === 0) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-pull-'));
  try {
    const file = writeBatch(dir, `${source.name}-${target.name}.csv`, target.header, records);
    const preview = await ingestFile(file, {
      ...target.load,
      source: source.name,
      timezone: 'UTC',
      dryRun: 10,
      starterMapping: false,
    });
    process.stdout.write(describePreview(preview));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Pulls one target in batches; each batch commits with its watermark. */
async function pullTarget(
  db: string,
  source: Source,
  target: Target,
  marks: Map<string, string>,
  options: PullOptions,
) {
  const label = `${source.name} ${target.name}`;
  const mark = marks.get(`${source.name}\t${target.name}`);
  const since = options.full || !mark ? null : target.startFrom(mark);
  const session = crypto.randomUUID();
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  const tally = { fetched: 0, loaded: 0, rejected: 0, batches: 0 };
  const status = (error: string | null, finished: boolean) =>
    updateStatus(db, (s) => {
      const entry = sourceEntry(s, source.name, source.type);
      entry.nextRunAt = options.nextRunAt?.() ?? null;
      entry.targets[target.name] = {
        startedAt,
        finishedAt: finished ? new Date().toISOString() : null,
        ...tally,
        error: error === null ? null : shortError(error),
      };
    });
  log(
    `pull ${label}: ${options.full ? 'a whole re-read' : since ? `records updated since ${since} (watermark ${mark} less the overlap)` : 'a first pull of every record'}`,
  );
  status(null, false);
  ownerOnly();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-pull-'));
  let total = null as number | null;
  let lastProgress = performance.now();
  const batchSize = source.batch_records;
  let batch = new Map<string, Fetched>();

  const flush = async (last: boolean) => {
    if (batch.size === 0) return;
    const records = [...batch.values()];
    batch = new Map();
    tally.batches++;
    const n = tally.batches;
    // the newest update in the batch (both forms of watermark sort as text)
    const watermark =
      records
        .map((r) => r.updated)
        .sort()
        .at(-1) ?? '';
    const pull: PullMark = {
      source: source.name,
      target: target.name,
      watermark,
      fetched: records.length,
      session,
      ...(options.full ? { full: true, last } : {}),
    };
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const file = writeBatch(dir, `${source.name}-${target.name}-${stamp}-${n}.csv`, target.header, records);
    const ingest: IngestOptions = {
      ...target.load,
      source: source.name,
      timezone: 'UTC',
      displayName: `pull ${source.name} ${target.name} ${startedAt} batch ${n}`,
      starterMapping: false,
      pull,
    };
    const tb = performance.now();
    let error: Error | undefined;
    let loaded = 0;
    let rejected = 0;
    const result = await loadOrHandOff(
      [file],
      ingest,
      (r) => {
        error = r.error;
        loaded = r.summary?.rowsLoaded ?? 0;
        rejected = r.summary?.rowsRejected ?? 0;
        for (const reject of r.summary?.firstRejects ?? [])
          log(
            `  ${label} batch ${n}:${reject.line ?? '?'} ${reject.column ? `column ${reject.column}: ` : ''}${reject.reason}`,
          );
      },
      'pull',
    );
    fs.rmSync(file, { force: true });
    if (error) throw error;
    tally.fetched += records.length;
    tally.loaded += loaded;
    tally.rejected += rejected;
    status(null, false);
    log(
      `pull ${label} batch ${n}: ${records.length} fetched, ${loaded} loaded, ${rejected} rejected in ${seconds(tb)} s; watermark ${watermark}${result.dataVersion === null ? '' : `, data version ${result.dataVersion}`}`,
    );
    if (result.buildError) log(`  note: ${result.buildError.message}`);
  };

  try {
    let seen = 0;
    for await (const record of target.fetch(since, { total: (n) => (total = n), note: (l) => log(`pull ${l}`) })) {
      // a full batch loads when the next record shows there is more (a whole re-read's last batch says so)
      if (batch.size >= batchSize && !batch.has(record.id)) await flush(false);
      batch.delete(record.id); // read again at a newer update: the newer one, in its new place
      batch.set(record.id, record);
      seen++;
      if (performance.now() - lastProgress > 10_000) {
        lastProgress = performance.now();
        log(
          `pull ${label}: ${seen.toLocaleString('en-US')}${total === null ? '' : ` of ${total.toLocaleString('en-US')}`} fetched, ${seconds(t0)} s`,
        );
      }
    }
    await flush(true);
    if (tally.batches === 0) {
      log(
        `pull ${label}: nothing updated${options.full ? ' (a whole re-read that finds nothing notes nothing as gone)' : ''} in ${seconds(t0)} s`,
      );
    } else {
      log(
        `pull ${label}: ${tally.fetched} fetched, ${tally.loaded} loaded, ${tally.rejected} rejected in ${tally.batches} ${tally.batches === 1 ? 'batch' : 'batches'}, ${seconds(t0)} s`,
      );
    }
    status(null, true);
  } catch (err) {
    status((err as Error).message, true);
    throw err;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
