/**
 * The model catalogue: the `.sql` files under `queries/models/`, each with its
 * header (materialization, what it reads, key), in the order their `Reads:`
 * headers give, and the hash a build records. Each file states its
 * materialization in its header:
 *
 *   view            a bare select, created as a view (staging)
 *   table           a bare select, a table when materialized, a view when live
 *   macro           a complete `create macro` statement
 *   windowed macro  two `create macro` statements split by `-- live:`; the
 *                   first reads a store, the second computes
 *   store           a bare select binding $window_hours and $unit_kind: a table
 *                   holding one set of rows per post-release window and unit
 *                   kind (skipped when live)
 *
 * Also the unit kinds and windows every layer above shares.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { projectFile } from '../lib/paths.ts';
import type { UnitKind } from '../lib/units.ts';

export { DEFAULT_WINDOW_HOURS, unitKinds } from '../lib/units.ts';

/** The windows the incident page's sensitivity table compares (queries/sensitivity.ts); held beside the default. */
export const SENSITIVITY_WINDOWS = [12, 24, 48, 72, 168] as const;

/** What a read needs from the stores: the rows of one post-release window for one unit kind. */
export interface WindowNeed {
  unit: UnitKind;
  window: number;
}

const kinds = ['view', 'table', 'macro', 'windowed macro', 'store'] as const;

type Materialization = (typeof kinds)[number];

export interface ModelFile {
  name: string;
  layer: string;
  materialized: Materialization;
  /** Other models this one reads (names that are not models, such as raw tables, are dropped). */
  reads: string[];
  /** A store's columns its rows are kept in order of ("Ordered by: a, b." in its header). */
  orderedBy?: string;
  /** The parameters a store binds ("Binds: $a, $b." in its header), without the $. */
  binds: string[];
  /** The columns that identify a row of a table or store ("Key: a, b." in its header; its grain). */
  key?: string[];
  sql: string;
}

const modelLayers = ['macros', 'staging', 'facts', 'stores'];

function parseModel(layer: string, file: string): ModelFile {
  const name = path.basename(file, '.sql');
  const sql = fs.readFileSync(file, 'utf8');
  const header = sql
    .split('\n')
    .filter((l) => l.startsWith('--'))
    .join(' ');
  const materialized = /Materialized: ([a-z ]+?)\./.exec(header)?.[1] as Materialization | undefined;
  if (!materialized || !kinds.includes(materialized)) throw new Error(`${file}: header lacks "Materialized: <kind>."`);
  const reads = (/Reads: ([^.]*)\./.exec(header)?.[1] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s && s !== 'nothing');
  const orderedBy = /Ordered by: ([a-z_, ]+)\./.exec(header)?.[1];
  const binds = (/Binds: ([^.]*)\./.exec(header)?.[1] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('$'))
    .map((s) => s.slice(1));
  const key = /Key: ([a-z_, ]+)\./
    .exec(header)?.[1]
    ?.split(',')
    .map((s) => s.trim());
  return { name, layer, materialized, reads, binds, sql, ...(orderedBy ? { orderedBy } : {}), ...(key ? { key } : {}) };
}

let cachedModels: ModelFile[] | undefined;

/** Every model file, in an order where each comes after the models it reads. */
export function models(): ModelFile[] {
  if (cachedModels) return cachedModels;
  const all = modelLayers.flatMap((layer) => {
    const dir = projectFile('queries', 'models', layer);
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.sql'))
      .sort()
      .map((f) => parseModel(layer, path.join(dir, f)));
  });
  cachedModels = buildOrder(all);
  return cachedModels;
}

/** Topological order over the `Reads:` headers; throws on a cycle. */
export function buildOrder(all: ModelFile[]): ModelFile[] {
  const byName = new Map(all.map((m) => [m.name, m]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: ModelFile[] = [];
  const visit = (m: ModelFile) => {
    if (done.has(m.name)) return;
    if (visiting.has(m.name)) throw new Error(`models read each other in a circle through ${m.name}`);
    visiting.add(m.name);
    for (const dep of m.reads) {
      const d = byName.get(dep);
      if (d) visit(d);
    }
    visiting.delete(m.name);
    done.add(m.name);
    out.push(m);
  };
  for (const m of all) visit(m);
  return out;
}

/** One hash over every model file: a build made from other SQL is rebuilt. */
export function modelsHash(): string {
  const h = createHash('sha256');
  for (const m of models()) h.update(`${m.layer}/${m.name}\n${m.sql}\n`);
  return h.digest('hex').slice(0, 16);
}

export const stores = () => models().filter((m) => m.materialized === 'store');
