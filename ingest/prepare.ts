/**
 * Phase 1 of a load: the file before DuckDB reads it. Its encoding (converted
 * to UTF-8 when needed), its header and delimiter, its layout (canonical or a
 * mapping, and the mapping's SQL plan), and the start of the one pass that
 * reads its hash and the line shifts of quoted line breaks: that pass runs
 * while DuckDB reads the file, and the load awaits it where it needs them.
 */
import type { EntityName } from '../lib/entities.ts';
import { asUtf8, detectEncoding, type Encoding } from './encoding.ts';
import { guardFile } from './guard.ts';
import { chooseLayout, type Layout } from './layout.ts';
import { type MappedPlan, planMapping } from './mappingSql.ts';
import { type FileScan, scanFile } from './scan.ts';
import { IngestError, sniff } from './sniff.ts';
import type { IngestOptions } from './types.ts';

export interface Prepared {
  /** The file as given (archived as it is). */
  file: string;
  label: string;
  readPath: string;
  cleanup: () => void;
  header: string[];
  normalized: string[];
  delimiter: string;
  layout: Layout;
  plan: MappedPlan | null;
  entity: EntityName;
  source: string;
  timezone: string;
  encoding: Encoding;
  /** The file's hash, size and line shifts, read beside the load (a huge export: about 0.9 s). */
  scan: Promise<FileScan>;
}

export async function prepare(file: string, options: IngestOptions): Promise<Prepared> {
  const label = options.displayName ?? file;
  // A file that is not UTF-8 is read as Windows-1252 unless its mapping says which single-byte encoding it is.
  const detected = detectEncoding(file);
  let shape = sniff(file, options.delimiter, label);
  // before anything else reads it: a line or a record that would stall DuckDB's reader ends the load here
  await guardFile(file, label, shape.delimiter, shape.header.length);
  const layout = chooseLayout(file, label, shape, {
    mappingFile: options.mappingFile,
    profile: options.profile,
    entity: options.entity,
    starterMapping: options.starterMapping,
  });
  let readPath = file;
  let cleanup = () => {};
  let plan: MappedPlan | null = null;
  let encoding: Encoding = detected;
  if (layout.kind === 'canonical' && detected !== 'utf-8') {
    ({ file: readPath, cleanup } = await asUtf8(file, detected));
    shape = sniff(readPath, options.delimiter, label);
  }
  if (layout.kind === 'mapped') {
    const m = layout.mapping;
    if (options.entity && options.entity !== m.entity) {
      throw new IngestError(label, `--entity ${options.entity} does not match the mapping's entity ${m.entity}`);
    }
    encoding = m.csv.encoding === 'utf-8' ? detected : m.csv.encoding;
    ({ file: readPath, cleanup } = await asUtf8(file, encoding));
    const delimiter =
      m.csv.delimiter === 'auto' ? options.delimiter : m.csv.delimiter === 'tab' ? '\t' : m.csv.delimiter;
    shape = sniff(readPath, delimiter, label);
    try {
      plan = planMapping(m, shape.header);
    } catch (err) {
      cleanup();
      throw new IngestError(label, `${layout.name}: ${(err as Error).message}`, 1);
    }
  }
  const scan = scanFile(file);
  scan.catch(() => {}); // awaited by the load; a failure until then must not end the process
  const mapping = layout.kind === 'mapped' ? layout.mapping : undefined;
  return {
    file,
    label,
    readPath,
    cleanup,
    header: shape.header,
    normalized: shape.normalized,
    delimiter: shape.delimiter,
    layout,
    plan,
    entity: layout.kind === 'mapped' ? layout.mapping.entity : layout.entity,
    source: options.source ?? mapping?.source ?? 'csv',
    timezone: options.timezone ?? mapping?.timestamps.timezone ?? 'UTC',
    encoding,
    scan,
  };
}
