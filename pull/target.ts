/**
 * What every pulled table or entity is, whatever the vendor: the export
 * columns it writes, how its batches are loaded (a built-in profile or the
 * user's mapping, date-times in UTC), and its records oldest update first.
 * A record becomes one row of an export-shaped CSV file (writeBatch).
 */
import fs from 'node:fs';
import path from 'node:path';
import { builtinProfiles } from '../ingest/layout.ts';
import { type Mapping, readMapping, resolveColumn } from '../ingest/mapping.ts';
import { PullError } from './http.ts';

/** One record as the export would have it: column -> text ('' for empty). */
export interface Fetched {
  id: string;
  /** The record's update time as the watermark holds it (ServiceNow: UTC 'YYYY-MM-DD HH:MM:SS'; Jira: ISO UTC). */
  updated: string;
  row: Record<string, string>;
}

export interface Target {
  /** The ServiceNow table or Jira entity: the watermark's name. */
  name: string;
  /** The export columns each batch file has, in order. */
  header: string[];
  /** How the batches load: a built-in profile, or the configured mapping file. */
  load: { profile?: string; mappingFile?: string };
  /** Records updated at or after `since` (null: all of them), oldest update first; each at least once. */
  fetch(since: string | null, progress: Progress): AsyncGenerator<Fetched>;
  /** The point the next pull starts from: the watermark less the overlap, in the watermark's own form. */
  startFrom(watermark: string): string;
  /** What would be asked, for --dry-run. */
  describe(since: string | null): string;
}

export interface Progress {
  /** How many records the instance says match (when it says). */
  total(count: number): void;
  /** A line worth showing (waits, shrinking pages). */
  note(line: string): void;
}

/** The mapping a target loads with: the user's file, or the named built-in profile. */
export function mappingFor(profile: string | undefined, mappingFile: string | undefined): Mapping {
  if (mappingFile) return readMapping(mappingFile);
  const found = builtinProfiles().find((p) => p.name === profile);
  if (!found) throw new PullError(`no built-in profile ${profile}`);
  return found.mapping;
}

/** Every export column a mapping reads (its columns, merges, matches and further entities), in a stable order. */
export function columnsRead(m: Mapping): string[] {
  const out: string[] = [];
  const add = (name: string | undefined) => {
    if (name && !out.includes(name)) out.push(name);
  };
  const addSpec = (spec: Parameters<typeof resolveColumn>[0]) => {
    const r = resolveColumn(spec);
    for (const s of r.sources) add(s);
    add(r.ifAbsent);
  };
  for (const m1 of m.match) add(m1);
  for (const spec of Object.values(m.columns)) addSpec(spec);
  const latest = m.records.latest_by;
  for (const l of latest === undefined ? [] : Array.isArray(latest) ? latest : [latest]) add(l);
  for (const a of m.also) {
    for (const w of a.when) add(w);
    for (const spec of Object.values(a.columns)) addSpec(spec);
  }
  return out;
}

const cell = (v: string) => (/[",\r\n]/.test(v) || v !== v.trim() ? `"${v.replaceAll('"', '""')}"` : v);

/** Writes one batch as a CSV file (0600, in a 0700 folder of this process's own) and returns its path. */
export function writeBatch(dir: string, name: string, header: string[], records: Fetched[]): string {
  const file = path.join(dir, name);
  const lines = [header.map(cell).join(',')];
  for (const r of records) lines.push(header.map((h) => cell(r.row[h] ?? '')).join(','));
  fs.writeFileSync(file, `${lines.join('\r\n')}\r\n`, { mode: 0o600 });
  return file;
}
