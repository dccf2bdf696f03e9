/**
 * An ingest that changes only incidents refreshes the current build in place
 * (queries/refresh.ts), and every dashboard answer then equals a whole build of
 * the same data: the sample loaded, windows of 24 h in use for every unit kind,
 * then an incidents export with new incidents, moved, re-prioritised,
 * re-serviced and newly linked ones, and unchanged ones sent again. Any other
 * change builds the models whole.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../../ingest/load.ts';
import { setDatabasePath, withWriter, writesSettled } from '../../lib/db.ts';
import { buildModels } from '../../queries/fullBuild.ts';
import { getKpis } from '../../queries/kpis.ts';
import { kpiParamsSchema, units } from '../../queries/params.ts';
import { factTables, stagedModels } from '../../queries/refresh.ts';
import { hasWindow } from '../../queries/stores.ts';
import { modelState } from '../../queries/versions.ts';
import { dashboardAnswers } from '../dashboard-answers.ts';
import { freshDatabase, loadFolder, tempCsv } from '../helpers.ts';

const sample = path.join(import.meta.dirname, '..', '..', 'data', 'sample');

const addHours = (iso: string, hours: number) =>
  new Date(Date.parse(iso) + hours * 3_600_000).toISOString().replace('.000Z', 'Z');

type Row = Record<string, string>;

const csv = (name: string) => parse(fs.readFileSync(path.join(sample, name)), { columns: true }) as Row[];

const toCsv = (rows: Row[]) => {
  const header = Object.keys(rows[0] ?? {});
  return [header.join(','), ...rows.map((r) => header.map((h) => r[h] ?? '').join(','))].join('\n');
};

/** An incidents export that changes about 330 of the sample's incidents in the first half of 2025. */
function changedIncidents(): string {
  const incidents = csv('incidents.csv');
  const changeIds = csv('changes.csv').map((c) => String(c.change_id));
  const services = [...new Set(incidents.map((i) => String(i.service)).filter(Boolean))];
  const inPeriod = incidents.filter((i) => String(i.opened_at) >= '2025-01-15' && String(i.opened_at) < '2025-06-15');
  const out: Record<string, string>[] = [];
  inPeriod.forEach((row, n) => {
    if (n % 15 !== 0) return;
    const r = { ...row };
    const k = n / 15;
    switch (k % 6) {
      case 0:
        r.opened_at = addHours(String(r.opened_at), 30);
        break;
      case 1:
        r.priority = '1';
        break;
      case 2:
        r.service = services[(services.indexOf(String(r.service)) + 1) % services.length] ?? '';
        r.ci = '';
        break;
      case 3:
        r.caused_by_change_id = changeIds[(k * 7) % changeIds.length] ?? '';
        break;
      case 4:
        r.caused_by_change_id = '';
        r.caused_by_release_id = '';
        break;
      default:
        break; // sent again unchanged
    }
    out.push(r);
    out.push({
      ...row,
      incident_id: `NEW${String(k).padStart(5, '0')}`,
      opened_at: addHours(String(row.opened_at), 5),
      priority: String((k % 4) + 1),
    });
  });
  return toCsv(out);
}

/** Copies the database and builds the copy's models whole; returns the copy's path. */
async function builtWhole(refreshed: string): Promise<string> {
  await writesSettled(); // every write so far, and the checkpoint after them: the file copies whole
  const whole = path.join(path.dirname(refreshed), 'whole.duckdb');
  fs.copyFileSync(refreshed, whole);
  setDatabasePath(whole);
  await withWriter((conn) => buildModels(conn));
  return whole;
}

/** Every dashboard answer from the whole build (expected) and from the refreshed database (actual). */
async function bothAnswers(paths: { whole: string; refreshed: string }, unit: string, window: number, tz?: string) {
  setDatabasePath(paths.whole);
  const expected = await dashboardAnswers(unit, window, tz);
  setDatabasePath(paths.refreshed);
  return { expected, actual: await dashboardAnswers(unit, window, tz) };
}

/** Every 10th record of a sample file whose `at` column falls in 2025-01-15..2025-06-15, numbered. */
const inPeriod = (rows: Row[], at: string) =>
  rows.filter((r) => String(r[at]) >= '2025-01-15' && String(r[at]) < '2025-06-15').filter((_, n) => n % 10 === 0);

/**
 * Exports of the other records, each changing a few dozen of them in the first
 * half of 2025 in every way that moves a unit (after a few incidents that link
 * to a release only): failed, rolled back, longer,
 * earlier, on another service, CI or release, reverted by a new rollback
 * deployment, no longer in production, inside a new freeze, with new and
 * re-scored surveys, and new records; some sent again unchanged.
 */
function changedUnitExports(): { name: string; content: string }[] {
  const releases = csv('releases.csv');
  const changes = csv('changes.csv');
  const services = [...new Set(releases.map((r) => String(r.service)))];
  const nextService = (s: unknown) => services[(services.indexOf(String(s)) + 1) % services.length] ?? '';
  const release = (n: number) => String(releases[(n * 37) % releases.length]?.release_id);
  const busyCis = ['telephony-db', 'printing-api', 'email-api', 'telephony-worker'];
  const out = (rows: Row[], edit: (r: Row, k: number) => Row | null, fresh: (r: Row, k: number) => Row) =>
    rows.flatMap((row, k) => {
      const edited = edit({ ...row }, k);
      return [...(edited ? [edited] : []), ...(k % 2 === 0 ? [fresh({ ...row }, k)] : [])];
    });
  const releaseRows = out(
    inPeriod(releases, 'actual_end'),
    (r, k) => {
      if (k % 5 === 0) r.status = 'rolled_back';
      if (k % 5 === 1) r.actual_end = addHours(String(r.actual_end), 3);
      if (k % 5 === 2) r.service = nextService(r.service);
      if (k % 5 === 3) r.actual_start = addHours(String(r.actual_start), -30);
      return r;
    },
    (r, k) => ({
      ...r,
      release_id: `RNEW${k}`,
      actual_start: addHours(String(r.actual_start), 20),
      actual_end: addHours(String(r.actual_end), 20),
    }),
  );
  const changeRows = out(
    inPeriod(changes, 'actual_end'),
    (r, k) => {
      if (k % 5 === 0) r.risk = 'critical';
      if (k % 5 === 1) r.release_id = release(k);
      if (k % 5 === 2) r.outcome = 'failed';
      if (k % 5 === 3) r.ci = busyCis[k % busyCis.length] ?? ''; // a CI of another service, with incidents
      if (k % 5 === 4) r.actual_end = addHours(String(r.actual_end), 5);
      return r;
    },
    (r, k) => ({
      ...r,
      change_id: `CNEW${k}`,
      actual_start: addHours(String(r.actual_start), 9),
      actual_end: addHours(String(r.actual_end), 9),
    }),
  );
  const production = csv('deployments.csv').filter((d) => d.environment === 'production' && d.is_rollback !== 'true');
  const deploymentRows = out(
    inPeriod(production, 'finished_at'),
    (r, k) => {
      if (k % 6 === 0) r.status = 'failed';
      if (k % 6 === 1) r.finished_at = addHours(String(r.finished_at), 2);
      if (k % 6 === 2) r.release_id = '';
      if (k % 6 === 3) r.environment = 'staging';
      if (k % 6 === 4) return null;
      return r;
    },
    (r, k) =>
      k % 4 === 0
        ? {
            ...r,
            deployment_id: `DNEW${k}`,
            is_rollback: 'true',
            rolls_back_deployment_id: String(r.deployment_id),
            started_at: String(r.finished_at),
            finished_at: addHours(String(r.finished_at), 1),
          }
        : {
            ...r,
            deployment_id: `DNEW${k}`,
            started_at: addHours(String(r.started_at), 7),
            finished_at: addHours(String(r.finished_at), 7),
          },
  );
  const surveyRows = out(
    inPeriod(csv('surveys.csv'), 'responded_at'),
    (r) => ({ ...r, score: String((Number(r.score) % 5) + 1) }),
    (r, k) => ({ ...r, response_id: `SNEW${k}`, release_id: release(k), change_id: '' }),
  );
  const freezes = [
    ...csv('freeze_windows.csv').slice(0, 1),
    {
      window_id: 'FRZ-NEW',
      name: 'Payments migration',
      starts_at: '2025-03-03T00:00:00Z',
      ends_at: '2025-03-10T00:00:00Z',
      service: 'payments',
      kind: 'freeze',
    },
  ];
  // Incidents that name only the release of a change that gets a later sibling
  // (CNEW below): their confirmed change link moves to it, whatever its window.
  const linked = inPeriod(csv('incidents.csv'), 'opened_at')
    .slice(0, 12)
    .map((r, n) => ({
      ...r,
      caused_by_change_id: '',
      caused_by_release_id: String(inPeriod(changes, 'actual_end')[(n % 6) * 2]?.release_id),
    }));
  return [
    { name: 'incidents.csv', content: toCsv(linked) },
    { name: 'releases.csv', content: toCsv(releaseRows) },
    { name: 'changes.csv', content: toCsv(changeRows) },
    { name: 'deployments.csv', content: toCsv(deploymentRows) },
    { name: 'freeze_windows.csv', content: toCsv(freezes) },
    { name: 'surveys.csv', content: toCsv(surveyRows) },
  ];
}

describe('a refresh after exports of releases, changes, deployments, freeze windows and surveys', () => {
  let refreshed = '';
  let whole = '';
  beforeAll(async () => {
    refreshed = freshDatabase();
    await loadFolder(sample);
    for (const unit of units) await dashboardAnswers(unit, 24);
    for (const file of changedUnitExports()) {
      const before = await withWriter(modelState);
      const summary = await ingestFile(tempCsv(file.name, file.content));
      expect(summary.firstRejects, file.name).toEqual([]);
      expect(summary.changedRecords + summary.newRecords, file.name).toBeGreaterThan(0);
      const after = await withWriter(modelState);
      expect(after?.dataVersion, file.name).toBe((before?.dataVersion ?? 0) + 1);
      expect(after?.schema, `${file.name}: the refresh keeps the schema of the build`).toBe(before?.schema);
    }
    whole = await builtWhole(refreshed);
  }, 300_000);

  for (const unit of units) {
    for (const window of [48, 24]) {
      it(`${unit}, ${window} h: the same answers as a whole build`, async () => {
        const { expected, actual } = await bothAnswers({ whole, refreshed }, unit, window);
        expect(actual).toEqual(expected);
      }, 60_000);
    }
  }

  it('change, 48 h, in New York time: the same answers', async () => {
    const { expected, actual } = await bothAnswers({ whole, refreshed }, 'change', 48, 'America/New_York');
    expect(actual).toEqual(expected);
  }, 60_000);

  it('the same rows in every fact table and store', async () => {
    const tables = async (file: string) => {
      setDatabasePath(file);
      return withWriter(async (conn) => {
        const state = await modelState(conn);
        const out: Record<string, string> = {};
        for (const name of [...factTables().map((f) => f.model.name), 'mat_attribution', 'mat_unit_windows']) {
          const rows = await conn.runAndReadAll(
            `select count(*), sum(hash(t)) from (select * from ${state?.schema}.${name} order by all) t`,
          );
          out[name] = rows.getRows()[0]?.map(String).join(' ') ?? '';
        }
        return out;
      });
    };
    expect(await tables(refreshed)).toEqual(await tables(whole));
  }, 60_000);

  it('builds whole when one record changes more than a quarter of the units', async () => {
    setDatabasePath(refreshed);
    const before = await withWriter(modelState);
    const everything =
      'window_id,name,starts_at,ends_at,service,kind\nFRZ-ALL,Audit,2023-06-01T00:00:00Z,2025-12-31T00:00:00Z,,freeze\n';
    expect((await ingestFile(tempCsv('freeze_windows.csv', everything))).newRecords).toBe(1);
    const after = await withWriter(modelState);
    expect(after?.dataVersion).toBe((before?.dataVersion ?? 0) + 1);
    expect(after?.schema).not.toBe(before?.schema);
  }, 120_000);
});

describe('a refresh after an incidents-only ingest', () => {
  let refreshed = '';
  let whole = '';
  beforeAll(async () => {
    refreshed = freshDatabase();
    await loadFolder(sample);
    for (const unit of units) await dashboardAnswers(unit, 24); // the 24 h window in use for every kind
    const before = await withWriter(modelState);
    const summary = await ingestFile(tempCsv('incidents.csv', changedIncidents()));
    expect(summary.newRecords).toBeGreaterThan(100);
    expect(summary.changedRecords).toBeGreaterThan(100);
    expect(summary.unchangedRecords).toBeGreaterThan(10);
    const after = await withWriter(modelState);
    expect(after?.dataVersion).toBe((before?.dataVersion ?? 0) + 1);
    expect(after?.schema, 'the refresh keeps the schema of the build').toBe(before?.schema);
    whole = await builtWhole(refreshed);
  }, 180_000);

  for (const unit of units) {
    for (const window of [48, 24]) {
      it(`${unit}, ${window} h: the same answers as a whole build`, async () => {
        const { expected, actual } = await bothAnswers({ whole, refreshed }, unit, window);
        expect(expected.incidents.some((i) => String(i.incident_id).startsWith('NEW'))).toBe(true);
        expect(actual).toEqual(expected);
      }, 60_000);
    }
  }

  it('release, 48 h, in New York time: the same answers', async () => {
    const { expected, actual } = await bothAnswers({ whole, refreshed }, 'release', 48, 'America/New_York');
    expect(actual).toEqual(expected);
  }, 60_000);

  it('builds whole when more than a quarter of a kind of record changed, and keeps the windows in use', async () => {
    setDatabasePath(refreshed);
    const before = await withWriter(modelState);
    const freezes = csv('freeze_windows.csv').map((f, n) =>
      n % 2 === 0 ? { ...f, ends_at: addHours(String(f.ends_at), 24) } : f,
    );
    const loaded = await ingestFile(tempCsv('freeze_windows.csv', toCsv(freezes)));
    expect(loaded.firstRejects).toEqual([]);
    expect(loaded.changedRecords).toBeGreaterThan(freezes.length / 4);
    const after = await withWriter(modelState);
    expect(after?.schema).not.toBe(before?.schema);
    expect(await withWriter((conn) => hasWindow(conn, after?.schema ?? '', { unit: 'change', window: 24 }))).toBe(true);
    const p = kpiParamsSchema.parse({ from: '2025-03-01', to: '2025-04-01', unit: 'change', window: 24 });
    expect((await getKpis(p)).kpis.completed).toBeGreaterThan(0);
  }, 120_000);

  it('knows the record key of every staging model that copies a raw table, and the row key of every fact table', () => {
    expect(stagedModels().map((s) => s.model.name)).toContain('stg_incidents');
    expect(factTables().map((f) => f.model.name)).toContain('fct_units');
  });
});
