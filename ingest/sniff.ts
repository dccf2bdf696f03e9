/**
 * Reads the start of a file to learn its shape before DuckDB loads it: BOM,
 * delimiter, line ending, the header (parsed with csv-parse, so quoted header
 * cells work) and which entity the header belongs to.
 */
import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { columnsOf, type EntityName, entityNames } from '../lib/entities.ts';

export class IngestError extends Error {
  constructor(
    readonly file: string,
    message: string,
    readonly line?: number,
    readonly column?: string,
    /** What kind of problem, for callers that react to it. */
    readonly code?: 'unknown-header' | 'missing-column',
  ) {
    super(`${file}${line ? `:${line}` : ''}${column ? ` (column ${column})` : ''}: ${message}`);
  }
}

export interface Sniffed {
  bom: boolean;
  delimiter: string;
  crlf: boolean;
  header: string[];
  /** Canonical name of each header cell (trimmed, lower-case). */
  normalized: string[];
}

const delimiters = [',', ';', '\t', '|'];
const delimiterName = (d: string) => (d === '\t' ? 'tab' : `'${d}'`);

export function normalizeHeader(cell: string): string {
  return cell.trim().toLowerCase().replace(/\s+/g, '_');
}

export function sniff(file: string, forcedDelimiter?: string, label = file): Sniffed {
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(64 * 1024);
  const n = fs.readSync(fd, buf, 0, buf.length, 0);
  fs.closeSync(fd);
  let text = buf.subarray(0, n).toString('utf8');
  const bom = text.charCodeAt(0) === 0xfeff;
  if (bom) text = text.slice(1);
  if (text.trim() === '') throw new IngestError(label, 'the file is empty; expected a header line and rows');
  const firstLineEnd = text.search(/\r?\n/);
  const firstLine = firstLineEnd < 0 ? text : text.slice(0, firstLineEnd);
  const crlf = firstLineEnd >= 0 && text[firstLineEnd] === '\r';

  const counts = delimiters.map((d) => firstLine.split(d).length - 1);
  const guessed = delimiters[counts.indexOf(Math.max(...counts))] ?? ',';
  const delimiter = forcedDelimiter ?? (Math.max(...counts) > 0 ? guessed : ',');
  if (forcedDelimiter && firstLine.split(forcedDelimiter).length === 1 && Math.max(...counts) > 0) {
    throw new IngestError(
      label,
      `the header has no ${delimiterName(forcedDelimiter)} delimiter; it looks ${delimiterName(guessed)}-separated`,
      1,
    );
  }
  let header: string[];
  try {
    header = (parse(firstLine, { delimiter, relax_quotes: false }) as string[][])[0] ?? [];
  } catch (err) {
    throw new IngestError(label, `the header line is not valid CSV: ${(err as Error).message}`, 1);
  }
  return { bom, delimiter, crlf, header, normalized: header.map(normalizeHeader) };
}

export interface EntityMatch {
  entity: EntityName;
  matched: number;
  missingRequired: string[];
  unknown: string[];
}

function matchEntity(entity: EntityName, header: string[]): EntityMatch {
  const columns = columnsOf(entity);
  const names = new Set(columns.map((c) => c.name));
  return {
    entity,
    matched: header.filter((h) => names.has(h)).length,
    missingRequired: columns.filter((c) => c.required && !header.includes(c.name)).map((c) => c.name),
    unknown: header.filter((h) => !names.has(h)),
  };
}

/**
 * How much a header resembles an entity: exact column names count 2, a header
 * cell that contains a column's first word ("Opened" for opened_at) counts 1.
 */
function resemblance(entity: EntityName, header: string[]): number {
  return columnsOf(entity).reduce((score, c) => {
    if (header.includes(c.name)) return score + 2;
    const word = c.name.split('_')[0] ?? c.name;
    return score + (header.some((h) => h.includes(word)) ? 1 : 0);
  }, 0);
}

/** The entity a (normalized) header resembles most; ties go to the earlier entity. */
export function closestEntity(header: string[]): EntityName {
  return entityNames.reduce((best, e) => (resemblance(e, header) > resemblance(best, header) ? e : best));
}

export const expectedHeader = (entity: EntityName) =>
  columnsOf(entity)
    .map((c) => c.name)
    .join(',');

/** Picks the entity a header belongs to, or explains why none fits. */
export function detectEntity(file: string, s: Sniffed, forced?: EntityName): EntityMatch {
  const seen = new Set<string>();
  for (const h of s.normalized) {
    if (seen.has(h)) throw new IngestError(file, `the header names column '${h}' twice`, 1);
    seen.add(h);
  }
  const candidates = (forced ? [forced] : entityNames).map((e) => matchEntity(e, s.normalized));
  candidates.sort((a, b) => b.matched - a.matched || a.missingRequired.length - b.missingRequired.length);
  const best = candidates[0];
  if (!best) throw new IngestError(file, 'no entity to match');
  const columnCount = columnsOf(best.entity).length;
  if (!forced && best.matched < Math.min(2, columnCount)) {
    const closest = closestEntity(s.normalized);
    const otherDelimiter = delimiters.find((d) => d !== s.delimiter && s.header.join(s.delimiter).includes(d));
    const hint = otherDelimiter
      ? ` The header seems to be ${delimiterName(otherDelimiter)}-separated, but ${delimiterName(s.delimiter)} was used.`
      : '';
    throw new IngestError(
      file,
      `the header does not match any entity (it resembles ${closest} most).${hint} Header: ${s.header.join(s.delimiter)}. Expected for ${closest}: ${expectedHeader(closest)}`,
      1,
      undefined,
      'unknown-header',
    );
  }
  if (best.missingRequired.length > 0) {
    throw new IngestError(
      file,
      `missing required column${best.missingRequired.length > 1 ? 's' : ''} ${best.missingRequired.join(', ')} for ${best.entity}. Expected header: ${expectedHeader(best.entity)}`,
      1,
      undefined,
      'missing-column',
    );
  }
  return best;
}
