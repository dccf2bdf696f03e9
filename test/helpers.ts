import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expandPaths } from '../ingest/files.ts';
import { type IngestOptions, ingestFile } from '../ingest/load.ts';
import { setDatabasePath } from '../lib/db.ts';

export const fixtures = path.join(import.meta.dirname, 'fixtures');
export const goldenInput = path.join(fixtures, 'golden', 'input');

/** Points this test file's process at a new, empty database file. */
export function freshDatabase(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-test-'));
  const file = path.join(dir, 'test.duckdb');
  setDatabasePath(file);
  return file;
}

export async function loadFolder(folder: string, options: IngestOptions = {}) {
  const summaries = [];
  for (const file of expandPaths([folder])) summaries.push(await ingestFile(file, options));
  return summaries;
}

/** Writes a temporary CSV file and returns its path. */
export function tempCsv(name: string, content: string | Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-csv-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

type Row = Record<string, string | number | boolean | null>;

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
