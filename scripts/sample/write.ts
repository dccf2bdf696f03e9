/**
 * Writes a generated organisation as canonical CSV files: the committed
 * sample as text per file (incidents in time order), the large scales row by
 * row straight to disk. Headers come from lib/entities.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { columnsOf, entityNames } from '../../lib/entities.ts';
import { type Cell, type Entity, generate, type Sinks } from './generate.ts';
import { SAMPLE_SEED, type Scale, scales } from './organisation.ts';

const cell = (v: Cell | undefined) => {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

const csvLine = (row: (Cell | undefined)[]) => `${row.map(cell).join(',')}\n`;

function csv(header: string[], rows: Cell[][]): string {
  return [header, ...rows].map(csvLine).join('');
}

/** Each file's columns, in the canonical order (lib/entities.ts): a row's cells come in this order. */
export const headers = Object.fromEntries(entityNames.map((e) => [e, columnsOf(e).map((c) => c.name)])) as Record<
  Entity,
  string[]
>;

const entities = Object.keys(headers) as Entity[];

/** The committed sample organisation as CSV text per file (incidents in time order). */
export function generateSample(seed = SAMPLE_SEED): Record<string, string> {
  const rows = Object.fromEntries(entities.map((e) => [e, [] as Cell[][]])) as Record<Entity, Cell[][]>;
  generate(scales.sample, rows, seed);
  rows.incidents.sort((a, b) => String(a[1]).localeCompare(String(b[1])) || String(a[0]).localeCompare(String(b[0])));
  return Object.fromEntries(entities.map((e) => [`${e}.csv`, csv(headers[e], rows[e])]));
}

/** Writes an organisation of a large scale straight to CSV files in `dir`, row by row; returns rows per file. */
export function writeOrganisation(scale: Scale, dir: string, seed = SAMPLE_SEED): Record<Entity, number> {
  const counts = Object.fromEntries(entities.map((e) => [e, 0])) as Record<Entity, number>;
  const writers = entities.map((e) => {
    const fd = fs.openSync(path.join(dir, `${e}.csv`), 'w');
    let buffer = `${headers[e].join(',')}\n`;
    const flush = () => {
      fs.writeSync(fd, buffer);
      buffer = '';
    };
    return {
      e,
      push(row: Cell[]) {
        buffer += csvLine(row);
        counts[e]++;
        if (buffer.length > 1 << 20) flush();
      },
      close() {
        flush();
        fs.closeSync(fd);
      },
    };
  });
  generate(scale, Object.fromEntries(writers.map((w) => [w.e, w])) as unknown as Sinks, seed);
  for (const w of writers) w.close();
  return counts;
}
