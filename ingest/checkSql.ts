/**
 * SQL generated from the entity schemas in `lib/entities.ts`: the conversion
 * of a landing table of text columns into typed values, and one reject row per
 * bad value (the raw tables themselves are lib/schema.ts). Only names from the schemas are spliced in; every
 * value (time zone, file, run id) is a bound parameter.
 */

import { type ColumnSpec, columnsOf, type EntityName, idColumnOf, oneOfColumns } from '../lib/entities.ts';
import { codeLiteral, intLiteral, quoteIdent } from '../lib/sqlText.ts';

export { quoteIdent };

const literalList = (values: readonly string[]) => values.map(codeLiteral);

const defaultTimestampHint =
  'expected ISO 8601, e.g. 2025-03-14T20:30:00Z, 2025-03-14T21:30:00+01:00, or 2025-03-14 20:30:00 (read in the ingest time zone)';

/** Converts the trimmed text value `v` of a column into its typed value, null when it does not parse. */
function convert(c: ColumnSpec, v: string): string {
  switch (c.kind) {
    case 'text':
      return v;
    case 'enum':
      return `case when lower(${v}) in (${literalList(c.values ?? []).join(', ')}) then lower(${v}) end`;
    case 'integer':
      return `try_cast(${v} as integer)`;
    case 'boolean':
      return `case when lower(${v}) in ('true', 't', 'yes', 'y', '1') then true
        when lower(${v}) in ('false', 'f', 'no', 'n', '0') then false end`;
    case 'timestamp':
      // Fast path for the common '...Z'; a regex only for other explicit offsets; otherwise local in $tz.
      return `case when right(${v}, 1) in ('Z', 'z') then try_cast(${v} as timestamptz)
        when length(${v}) > 10 and regexp_matches(right(${v}, 6), '[+-]\\d{2}(:?\\d{2})?$') then try_cast(${v} as timestamptz)
        else timezone($tz, try_cast(${v} as timestamp)) end`;
  }
}

/** Why a present value `v` whose conversion `t` is null was refused. */
function badValueReason(c: ColumnSpec, v: string): string {
  switch (c.kind) {
    case 'enum':
      return `'''' || ${v} || ''' is not one of: ${(c.values ?? []).join(', ')}'`;
    case 'integer':
      return `'''' || ${v} || ''' is not a whole number'`;
    case 'boolean':
      return `'''' || ${v} || ''' is not a boolean; expected true/false, yes/no, y/n or 1/0'`;
    case 'timestamp':
      return `'''' || ${v} || ''' is not a timestamp; ' || $hint_${c.name}`;
    case 'text':
      return `'unreadable value'`;
  }
}

/**
 * The name under which `checked` holds a column's trimmed text: its own name
 * for a text column (the text is its value; held twice, it made the table a
 * third wider to write), `v_<col>` for the others.
 */
export const textOf = (c: ColumnSpec): string => quoteIdent(c.kind === 'text' ? c.name : `v_${c.name}`);

const oneOfText = (entity: EntityName, name: string): string => {
  const c = columnsOf(entity).find((col) => col.name === name);
  if (!c) throw new Error(`${entity}: oneOf names no column ${name}`);
  return textOf(c);
};

/**
 * The rows of `checked` from `relation`: for each schema column its trimmed
 * text (textOf) and its typed value, after `ord` when `ordered` (the relation
 * has one; otherwise the table's own row order is the record order). `present`
 * maps canonical column names to the relation's column names; absent optional
 * columns are null.
 */
export function checkedSql(
  entity: EntityName,
  present: Map<string, string>,
  relation: string,
  carry: string[] = [],
  ordered = true,
): string {
  const texts = columnsOf(entity)
    .map((c) => {
      const landing = present.get(c.name);
      const v = landing ? `nullif(trim(${quoteIdent(landing)}), '')` : 'null::varchar';
      return `${v} as ${textOf(c)}`;
    })
    .join(',\n  ');
  // Two steps so each conversion reads the trimmed text once.
  const typed = columnsOf(entity)
    .filter((c) => c.kind !== 'text')
    .map((c) => `${convert(c, textOf(c))} as ${quoteIdent(c.name)}`);
  const ord = ordered ? ' ord,' : '';
  const selected = [`landed.*${ordered ? ' exclude (ord)' : ''}`, ...typed].join(',\n  ');
  return `with landed as (
  select${ord}${carry.map((c) => ` ${quoteIdent(c)},`).join('')}
  ${texts}
  from ${relation}
)
select${ord} ${selected}
from landed`;
}

/**
 * The bound values valueRejectsSql needs: what each timestamp column expects
 * (ISO 8601, or a mapping's formats).
 */
export function rejectHints(
  entity: EntityName,
  timestampHints: Map<string, string> = new Map(),
): Record<string, string> {
  return Object.fromEntries(
    columnsOf(entity)
      .filter((c) => c.kind === 'timestamp')
      .map((c) => [`hint_${c.name}`, timestampHints.get(c.name) ?? defaultTimestampHint]),
  );
}

/** Timestamps outside these years (UTC) are typing errors (year 0, 99999), not records: rejected. */
export const plausibleYears = { first: 1900, last: 2199 } as const;

/** One check of a value in `checked`: the rows `when` holds for are rejected with `value` and `reason` (SQL expressions). */
interface ValueCheck {
  column: string;
  when: string;
  value: string;
  reason: string;
}

function valueChecks(entity: EntityName): ValueCheck[] {
  const checks = columnsOf(entity).flatMap((c) => {
    const v = textOf(c);
    const t = quoteIdent(c.name);
    const out: ValueCheck[] = [];
    if (c.required) {
      out.push({ column: c.name, when: `${v} is null`, value: 'null', reason: `'required value is missing'` });
    }
    if (c.kind !== 'text') {
      out.push({ column: c.name, when: `${v} is not null and ${t} is null`, value: v, reason: badValueReason(c, v) });
    }
    if (c.kind === 'integer' && c.min !== undefined && c.max !== undefined) {
      const [min, max] = [intLiteral(c.min), intLiteral(c.max)];
      out.push({
        column: c.name,
        when: `${t} is not null and (${t} < ${min} or ${t} > ${max})`,
        value: v,
        reason: `'${c.name} must be between ${min} and ${max}, got ' || ${v}`,
      });
    }
    if (c.kind === 'timestamp') {
      out.push({
        column: c.name,
        when: `${t} is not null
    and (${t} < make_timestamptz(${intLiteral(plausibleYears.first)}, 1, 1, 0, 0, 0, 'UTC')
      or ${t} >= make_timestamptz(${intLiteral(plausibleYears.last + 1)}, 1, 1, 0, 0, 0, 'UTC'))`,
        value: v,
        reason: `'''' || ${v} || ''' is outside the years ${plausibleYears.first}-${plausibleYears.last}'`,
      });
    }
    return out;
  });
  const oneOf = oneOfColumns(entity);
  if (oneOf.length > 0) {
    checks.push({
      column: oneOf[0] ?? '',
      when: oneOf.map((c) => `${oneOfText(entity, c)} is null`).join(' and '),
      value: 'null',
      reason: `'give ${oneOf.join(' or ')}'`,
    });
  }
  return checks;
}

/** One reject row per bad value in `checked`: ord, column, value, reason (binds rejectHints). */
export function valueRejectsSql(entity: EntityName): string {
  const selects = valueChecks(entity).map(
    (c, i) =>
      `select ord, '${c.column}'${i === 0 ? ' as "column"' : ''}, ${c.value}${i === 0 ? ' as value' : ''}, ${c.reason}${i === 0 ? ' as reason' : ''}
  from checked where ${c.when}`,
  );
  return `create or replace temp table value_rejects as
${selects.join('\nunion all\n')}`;
}

/** Whether a row of `checked` has any value valueRejectsSql would reject (the same checks, as one condition). */
export function anyBadValueSql(entity: EntityName): string {
  return valueChecks(entity)
    .map((c) => `(${c.when})`)
    .join('\n  or ');
}

/**
 * Typed columns of the entity, in schema order, with original labels for enums:
 * the file's own text, or for a mapped column its source label (`raw_<col>`).
 */
export function typedColumns(
  entity: EntityName,
  rawLabels: Set<string> = new Set(),
): { target: string; expr: string }[] {
  return columnsOf(entity).flatMap((c) => {
    const typed = { target: quoteIdent(c.name), expr: quoteIdent(c.name) };
    const original = quoteIdent(rawLabels.has(c.name) ? `raw_${c.name}` : `v_${c.name}`);
    return c.kind === 'enum' ? [typed, { target: quoteIdent(`original_${c.name}`), expr: original }] : [typed];
  });
}

export const idOf = (entity: EntityName) => quoteIdent(idColumnOf(entity));
