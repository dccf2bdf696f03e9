/**
 * SQL that turns a landing table of source text columns (c0, c1, ...) into a
 * `mapped` table with canonical column names, following a mapping file. The
 * canonical checks in checkSql.ts then run on `mapped` exactly as on a canonical
 * file. User values (null tokens, constants, defaults, formats, value maps) are
 * bound parameters or rows of the `value_maps` temp table; only canonical
 * names and our own month-name table are spliced in.
 */
import { listValue } from '@duckdb/node-api';
import { columnsOf, idColumnOf } from '../lib/entities.ts';
import { quoteIdent } from './checkSql.ts';
import { type Mapping, type ResolvedColumn, resolveColumn } from './mapping.ts';

/** Month abbreviations that differ from English, per language (whole words, case-insensitive). */
const monthNames: Record<string, [string, string][]> = {
  en: [],
  es: [
    ['ene', 'Jan'],
    ['abr', 'Apr'],
    ['ago', 'Aug'],
    ['sept', 'Sep'],
    ['dic', 'Dec'],
  ],
  nl: [
    ['mrt', 'Mar'],
    ['mei', 'May'],
    ['okt', 'Oct'],
  ],
  de: [
    ['mär', 'Mar'],
    ['mrz', 'Mar'],
    ['mai', 'May'],
    ['okt', 'Oct'],
    ['dez', 'Dec'],
  ],
};

function normalizeMonths(expr: string, languages: string[]): string {
  const pairs = languages.flatMap((l) => monthNames[l] ?? []);
  return pairs.reduce((e, [from, to]) => {
    if (!/^[a-zä]+$/.test(from) || !/^[A-Z][a-z]+$/.test(to)) throw new Error('bad month table');
    return `regexp_replace(${e}, '(^|[^a-zäöü])${from}\\.?([^a-zäöü]|$)', '\\1${to}\\2', 'gi')`;
  }, expr);
}

/**
 * try_strptime over the given formats (a bound list). A sentinel '|' ends both
 * the value and every format: DuckDB 1.5's parser reads one character past the
 * end of a value that is shorter than the format (an out-of-bounds read that
 * crashed the process now and then on audit exports); with the sentinel it
 * reads the sentinel instead, and a value that matches still matches.
 */
function parseWithFormats(expr: string, formats: string[], name: string, params: MappedPlan['params']): string {
  params[name] = listValue(formats.map((f) => `${f}|`));
  return `try_strptime(${expr} || '|', $${name})`;
}

export interface MappedPlan {
  /** Creates temp table `mapped` (ord, canonical columns, and ci_list when collecting). */
  sql: string;
  params: Record<string, ReturnType<typeof listValue> | string>;
  /** Rows for the value_maps temp table: canonical column, lower-case source label, target. */
  valueMaps: { column: string; source: string; target: string }[];
  /** Canonical columns (with a map) whose unknown labels are counted: column -> fallback. */
  mappedColumns: Map<string, ResolvedColumn['fallback']>;
  /** Canonical name -> "column in mapped" (itself), for the canonical checks. */
  present: Map<string, string>;
  /** Per timestamp column, what the reject message should list as expected. */
  timestampHints: Map<string, string>;
  /** Mapped canonical columns that are absent from the file (optional ones become empty). */
  missingOptional: string[];
  collect: boolean;
  latestBy: string | null;
  /** Positions of the header cells the mapping reads. */
  usedColumns: number[];
  /** Columns read from their `if_absent` source because the file has none of their own (said in the summary). */
  notes: string[];
  /** Counts the rows left out by records.skip_empty (from landing_raw, one row: skipped), or null. */
  skippedSql: string | null;
}

export class MappingHeaderError extends Error {}

/**
 * @param header the file's header cells (as written)
 */
export function planMapping(mapping: Mapping, header: string[]): MappedPlan {
  const norm = (s: string) => s.trim().toLowerCase();
  const positions = (name: string) => header.flatMap((h, i) => (norm(h) === norm(name) ? [i] : []));
  const params: MappedPlan['params'] = { null_tokens: listValue(mapping.csv.null_tokens) };
  const valueMaps: MappedPlan['valueMaps'] = [];
  const mappedColumns = new Map<string, ResolvedColumn['fallback']>();
  const present = new Map<string, string>();
  const timestampHints = new Map<string, string>();
  const missingOptional: string[] = [];
  const notes: string[] = [];
  const used = new Set<number>();
  const picked: string[] = [];
  const pickedSource = new Map<string, string>();
  const converted: string[] = [];
  const joins: string[] = [];

  const specs = columnsOf(mapping.entity);
  for (const [i, c] of specs.entries()) {
    const spec = mapping.columns[c.name];
    if (spec === undefined) continue;
    const col = resolveColumn(spec);
    const name = quoteIdent(c.name);
    present.set(c.name, c.name);
    let source: string;
    if (col.constant !== undefined) {
      params[`const_${i}`] = col.constant;
      source = `$const_${i}::varchar`;
    } else {
      let found = col.sources.flatMap(positions);
      if (found.length === 0 && col.ifAbsent !== undefined && positions(col.ifAbsent).length > 0) {
        found = positions(col.ifAbsent);
        notes.push(
          `${c.name} taken from '${col.ifAbsent}': the export has no ${col.sources.map((s) => `'${s}'`).join(' or ')}`,
        );
      }
      if (found.length === 0 && col.fallback === 'default' && col.defaultValue !== undefined) {
        // the export has no such column at all: every record gets the declared default
        params[`const_${i}`] = col.defaultValue;
        source = `$const_${i}::varchar`;
      } else if (found.length === 0) {
        if (c.required) {
          throw new MappingHeaderError(
            `the mapping reads ${c.name} from ${col.sources.map((s) => `'${s}'`).join(' or ')}, which the file does not have. Header: ${header.join(', ')}`,
          );
        }
        missingOptional.push(c.name);
        source = 'null::varchar';
      } else {
        for (const f of found) used.add(f);
        source = found.length === 1 ? `c${found[0]}` : `coalesce(${found.map((f) => `c${f}`).join(', ')})`;
      }
    }
    picked.push(`${source} as ${name}`);
    pickedSource.set(c.name, source);

    let value = `p.${name}`;
    if (col.map) {
      const alias = quoteIdent(`vm_${c.name}`);
      joins.push(
        `left join value_maps ${alias} on ${alias}."column" = '${c.name}' and ${alias}.source = lower(p.${name})`,
      );
      for (const [from, to] of col.map) valueMaps.push({ column: c.name, source: from, target: to });
      mappedColumns.set(c.name, col.fallback);
      const fallback =
        col.fallback === 'reject' ? `p.${name}` : col.fallback === 'null' ? 'null' : `$default_${i}::varchar`;
      if (col.fallback === 'default') params[`default_${i}`] = col.defaultValue ?? '';
      value = `coalesce(${alias}.target, ${fallback})`;
    }
    if (c.kind === 'timestamp') {
      const formats = col.formats ?? mapping.timestamps.formats;
      if (formats.length > 0) {
        const parsed = parseWithFormats(
          normalizeMonths(value, mapping.timestamps.months),
          formats,
          `formats_${i}`,
          params,
        );
        timestampHints.set(c.name, `expected one of the mapping's formats: ${formats.join(' | ')}`);
        value = `coalesce(strftime(${parsed}, '%Y-%m-%d %H:%M:%S'), ${value})`;
      }
    }
    if (c.kind === 'integer' && mapping.csv.decimal_comma) {
      value = `case when regexp_matches(${value}, '^-?\\d+,0*$') then split_part(${value}, ',', 1) else ${value} end`;
    }
    converted.push(`${value} as ${name}`);
  }

  // Keep-latest for audit exports: the first listed column the file has.
  let latestBy: string | null = null;
  let updated = 'null::timestamp';
  const latestNames = mapping.records.latest_by === undefined ? [] : [mapping.records.latest_by].flat();
  for (const n of latestNames) {
    const found = positions(n);
    if (found.length > 0) {
      latestBy = n;
      used.add(found[0] as number);
      const formats = mapping.timestamps.formats;
      const parsed = parseWithFormats(
        normalizeMonths(`c${found[0]}`, mapping.timestamps.months),
        formats.length > 0 ? formats : ['%Y-%m-%d %H:%M:%S'],
        'latest_formats',
        params,
      );
      updated = `coalesce(${parsed}, try_cast(c${found[0]} as timestamp))`;
      break;
    }
  }
  // An export without the updated-at column (a plain list export) has one row per record: nothing to merge.

  const cleaned = [...used]
    .sort((a, b) => a - b)
    .map(
      (i) =>
        `case when trim(c${i}) = '' or list_contains($null_tokens, trim(c${i})) then null else trim(c${i}) end as c${i}`,
    );
  const id = quoteIdent(idColumnOf(mapping.entity));
  const collect = mapping.records.collect === 'ci';
  const canonical = specs.filter((c) => present.has(c.name)).map((c) => quoteIdent(c.name));

  const raws = [...mappedColumns.keys()].map((n) => quoteIdent(`raw_${n}`));
  let final = `select * exclude (updated_at) from converted${
    latestBy
      ? `\n  qualify row_number() over (partition by ${id} order by updated_at desc nulls last, ord desc) = 1`
      : ''
  }`;
  if (collect) {
    const others = [...canonical.filter((n) => n !== id && n !== '"ci"'), ...raws];
    final = `select min(ord) as ord, ${id},
    ${others.map((n) => `arg_min(${n}, ord) filter (where ${n} is not null) as ${n}`).join(',\n    ')},
    list(distinct "ci" order by "ci") filter (where "ci" is not null) as ci_list,
    ci_list[1] as "ci"
  from (${final})
  group by ${id}`;
  }

  // Rows with no value in any skip_empty column are left out before conversion (not rejects).
  const skipNames = mapping.records.skip_empty;
  const kept = skipNames.length ? `where ${skipNames.map((n) => `p.${quoteIdent(n)} is not null`).join(' or ')}` : '';
  const cleanedOf = (source: string) =>
    source.replace(
      /\bc(\d+)\b/g,
      (_, i) =>
        `(case when trim(c${i}) = '' or list_contains($null_tokens, trim(c${i})) then null else trim(c${i}) end)`,
    );
  const skippedSql = skipNames.length
    ? `select count(*)::integer as skipped from landing_raw where ${skipNames
        .map((n) => `${cleanedOf(pickedSource.get(n) ?? 'null')} is null`)
        .join(' and ')}`
    : null;

  const sql = `create or replace temp table mapped as
with src as (
  select rowid - (select min(rowid) from landing_raw) as ord, * from landing_raw
),
cleaned as (
  select ord${cleaned.length ? ',\n    ' : ''}${cleaned.join(',\n    ')}
  from src
),
picked as (
  select ord, ${updated} as updated_at,
    ${picked.join(',\n    ')}
  from cleaned
),
converted as (
  select p.ord, p.updated_at,
    ${[...converted, ...[...mappedColumns.keys()].map((n) => `p.${quoteIdent(n)} as ${quoteIdent(`raw_${n}`)}`)].join(',\n    ')}
  from picked p
  ${joins.join('\n  ')}
  ${kept}
)
${final}`;
  return {
    sql,
    params,
    valueMaps,
    mappedColumns,
    present,
    timestampHints,
    missingOptional,
    collect,
    latestBy,
    usedColumns: [...used].sort((a, b) => a - b),
    notes,
    skippedSql,
  };
}
