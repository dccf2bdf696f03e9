import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expandPaths } from '../ingest/files.ts';
import { type IngestOptions, ingestFiles } from '../ingest/load.ts';
import { setDatabasePath } from '../lib/db.ts';

export const fixtures = path.join(import.meta.dirname, 'fixtures');
export const goldenInput = path.join(fixtures, 'golden', 'input');

/** The bundled sample organisation. */
export const sampleFolder = path.join(import.meta.dirname, '..', 'data', 'sample');

/** Points this test's process at a new database holding the sample organisation. */
export async function freshSample() {
  freshDatabase();
  await loadFolder(sampleFolder);
}

/**
 * Parameter sets for comparing two ways of answering on the sample: every
 * unit kind, a quarter at 48 h in UTC and a year at 24 h in New York time,
 * then `filtered` (a set with a service filter, say).
 */
export function sampleSets(filtered: Record<string, unknown>): Record<string, unknown>[] {
  const units = ['release', 'change', 'deployment'];
  return [
    ...units.flatMap((unit) => [
      { unit, from: '2025-07-01', to: '2025-10-01', window: 48, tz: 'UTC' },
      { unit, from: '2025-01-01', to: '2026-01-01', window: 24, tz: 'America/New_York' },
    ]),
    filtered,
  ];
}

/** Points this test file's process at a new, empty database file. */
export function freshDatabase(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-test-'));
  const file = path.join(dir, 'test.duckdb');
  setDatabasePath(file);
  return file;
}

/** Loads every CSV of a folder as one batch (one model build); throws on the first file that failed. */
export async function loadFolder(folder: string, options: IngestOptions = {}) {
  const batch = await ingestFiles(expandPaths([folder]), options);
  for (const r of batch.results) if (r.error) throw r.error;
  if (batch.buildError) throw batch.buildError;
  return batch.results.flatMap((r) => (r.summary ? [r.summary] : []));
}

/** Writes a file of this name into a new temporary folder and returns its path. */
export function tempFile(name: string, content: string | Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-file-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

/** Writes a temporary CSV file and returns its path. */
export const tempCsv = tempFile;

export type Row = Record<string, string | number | boolean | null>;

/** A deployed minor release of service svc, authorised well before, for the hand-made rule tests. */
export const handMadeRelease = (id: string, start: string, end: string, extra: Row = {}): Row => ({
  release_id: id,
  release_type: 'minor',
  status: 'deployed',
  service: 'svc',
  requested_at: '2025-03-01T00:00:00Z',
  approved_at: '2025-03-02T00:00:00Z',
  planned_end: end,
  actual_start: start,
  actual_end: end,
  ...extra,
});

/** A P2 incident of service svc with no link, for the hand-made rule tests. */
export const handMadeIncident = (id: string, opened: string, extra: Row = {}): Row => ({
  incident_id: id,
  opened_at: opened,
  resolved_at: null,
  priority: 2,
  service: 'svc',
  ci: null,
  caused_by_change_id: null,
  caused_by_release_id: null,
  ...extra,
});

/** Writes canonical CSVs (one per entity given) into a new folder; header from the first row's keys. */
export function csvFolder(entities: Record<string, Row[]>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-fixture-'));
  for (const [entity, rows] of Object.entries(entities)) {
    const header = Object.keys(rows[0] ?? {});
    const lines = rows.map((r) =>
      header.map((h) => (r[h] === null || r[h] === undefined ? '' : String(r[h]))).join(','),
    );
    fs.writeFileSync(path.join(dir, `${entity}.csv`), `${[header.join(','), ...lines].join('\n')}\n`);
  }
  return dir;
}

/**
 * The release governance KPIs (docs/kpis.md) came after the golden files; they
 * are tested by test/queries/governance.test.ts. This checks they are there and
 * returns the report without them, to compare with a golden file exactly.
 */
export const governanceKeys = ['backlog', 'policy_compliance', 'policy_checks', 'satisfaction'] as const;
export function withoutGovernance<T>(report: T): T {
  const copy = JSON.parse(JSON.stringify(report));
  for (const key of governanceKeys) {
    if (!(key in copy.kpis)) throw new Error(`the report has no kpis.${key}`);
    delete copy.kpis[key];
  }
  return copy;
}
