/**
 * An hour of an ITSM's unit records for the bench to ingest into a loaded
 * organisation, made from the organisation's own files: the latest releases,
 * changes and production deployments, half of them sent again with an
 * outcome that changed (failed, rolled back), half copied as new records a
 * few hours later.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';

type Row = Record<string, string>;

/** The last `n` records of a CSV file, read from its end (the files hold millions of lines). */
function lastRecords(file: string, n: number): Row[] {
  const fd = fs.openSync(file, 'r');
  try {
    const read = (length: number, position: number) => {
      const buffer = Buffer.alloc(length);
      return buffer.subarray(0, fs.readSync(fd, buffer, 0, length, position)).toString('utf8');
    };
    const size = fs.fstatSync(fd).size;
    const length = Math.min(size, 1000 * n);
    const header = read(Math.min(size, 4096), 0).split('\n')[0] ?? '';
    const lines = read(length, size - length)
      .split('\n')
      .slice(1)
      .filter(Boolean)
      .slice(-n);
    return parse([header, ...lines].join('\n'), { columns: true }) as Row[];
  } finally {
    fs.closeSync(fd);
  }
}

const csvField = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

function writeCsv(file: string, rows: Row[]): void {
  const header = Object.keys(rows[0] ?? {});
  const lines = rows.map((r) => header.map((h) => csvField(r[h] ?? '')).join(','));
  fs.writeFileSync(file, `${[header.join(','), ...lines].join('\n')}\n`);
}

const later = (iso: string | undefined, hours: number) =>
  iso ? new Date(Date.parse(iso) + hours * 3_600_000).toISOString().replace('.000Z', 'Z') : '';

/**
 * Writes releases.csv, changes.csv and deployments.csv into `outDir`: of the
 * last records of each file in `dataDir`, `perKind` (release: a quarter of
 * it), every other one changed, the others copied as new ones. Returns how
 * many records each file holds.
 */
export function writeUnitExport(dataDir: string, outDir: string, perKind: number): Record<string, number> {
  fs.mkdirSync(outDir, { recursive: true });
  const edit = (rows: Row[], id: string, changed: (r: Row) => Row, moved: (r: Row, k: number) => Row) =>
    rows.map((r, k) => (k % 2 === 1 ? changed({ ...r }) : { ...moved({ ...r }, k), [id]: `${r[id]}-NEW` }));
  const releases = edit(
    lastRecords(path.join(dataDir, 'releases.csv'), Math.round(perKind / 4)),
    'release_id',
    (r) => ({ ...r, status: 'rolled_back' }),
    (r) => ({ ...r, actual_start: later(r.actual_start, 2), actual_end: later(r.actual_end, 2) }),
  );
  const changes = edit(
    lastRecords(path.join(dataDir, 'changes.csv'), perKind),
    'change_id',
    (r) => ({ ...r, outcome: 'failed', actual_end: later(r.actual_end, 1) }),
    (r) => ({ ...r, actual_start: later(r.actual_start, 3), actual_end: later(r.actual_end, 3) }),
  );
  const production = lastRecords(path.join(dataDir, 'deployments.csv'), perKind * 4)
    .filter((d) => d.environment === 'production' && d.is_rollback !== 'true')
    .slice(-perKind);
  const deployments = edit(
    production,
    'deployment_id',
    (r) => ({ ...r, status: 'failed' }),
    (r) => ({ ...r, started_at: later(r.started_at, 3), finished_at: later(r.finished_at, 3) }),
  );
  writeCsv(path.join(outDir, 'releases.csv'), releases);
  writeCsv(path.join(outDir, 'changes.csv'), changes);
  writeCsv(path.join(outDir, 'deployments.csv'), deployments);
  return { releases: releases.length, changes: changes.length, deployments: deployments.length };
}
