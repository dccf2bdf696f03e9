/**
 * Mapping files: how a source export (ServiceNow, Jira, anything) becomes the
 * canonical entities. YAML (JSON is valid YAML too), validated with zod. The
 * built-in profiles in ingest/profiles/ are written in the same format.
 * docs/mappings.md documents every option.
 */
import fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { columnsOf, type EntityName, entityNames, sourceNamePattern, sourceNameRule } from '../lib/entities.ts';

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const sourceNames = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

const columnObject = z
  .object({
    /** Source column name(s); with several, the first non-empty wins. */
    column: sourceNames.optional(),
    first_of: z.array(z.string().min(1)).min(1).optional(),
    /** A source column read only when the file has none of the column(s) above (the summary says so). */
    if_absent: z.string().min(1).optional(),
    /** A constant for every row. */
    value: scalar.optional(),
    /** Source label -> canonical value (matched case-insensitively, trimmed). */
    map: z.record(z.string(), scalar).optional(),
    /** What an unmapped label becomes: rejected with its value (default), null, or `default`. */
    fallback: z.enum(['reject', 'null', 'default']).default('reject'),
    default: scalar.optional(),
    /** strptime formats for this column, tried in order (overrides timestamps.formats). */
    formats: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict()
  .refine((c) => [c.column, c.first_of, c.value].filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of column, first_of or value',
  })
  .refine((c) => c.fallback !== 'default' || c.default !== undefined, {
    message: 'fallback: default needs a default value',
  });

export type ColumnMapping = z.infer<typeof columnObject>;

const languages = ['en', 'es', 'nl', 'de'] as const;

export const mappingSchema = z
  .object({
    /** Free text shown when the mapping is chosen. */
    description: z.string().optional(),
    entity: z.enum(entityNames as [EntityName, ...EntityName[]]),
    /** Default source name for the records (the --source option overrides it). */
    source: z.string().regex(sourceNamePattern, sourceNameRule).optional(),
    /** Header columns that identify this layout, for automatic detection. */
    match: z.array(z.string().min(1)).default([]),
    /** Header columns that rule this layout out (tells apart exports that share the match columns). */
    exclude: z.array(z.string().min(1)).default([]),
    csv: z
      .object({
        delimiter: z.enum([',', ';', '\t', '|', 'tab', 'auto']).default('auto'),
        encoding: z.enum(['utf-8', 'windows-1252', 'latin-1']).default('utf-8'),
        null_tokens: z.array(z.string()).default([]),
        decimal_comma: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    timestamps: z
      .object({
        formats: z.array(z.string().min(1)).default([]),
        timezone: z.string().optional(),
        months: z.array(z.enum(languages)).default(['en']),
      })
      .strict()
      .prefault({}),
    columns: z.record(z.string(), z.union([z.string().min(1), columnObject])),
    records: z
      .object({
        /** Audit exports: keep the latest version of each record by this column (first present wins). */
        latest_by: sourceNames.optional(),
        /** One record over several rows: group rows by id and collect this canonical column (changes: ci). */
        collect: z.enum(['ci']).optional(),
        /** Rows with no value in any of these canonical columns are left out (counted as skipped, not rejected). */
        skip_empty: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .prefault({}),
    /**
     * Further entities the same export holds (JSM's Satisfaction rating: one
     * survey response per issue). Each is loaded from the same file when the
     * file has every `when` column, with this mapping's csv and timestamps.
     */
    also: z
      .array(
        z
          .object({
            when: z.array(z.string().min(1)).min(1),
            entity: z.enum(entityNames as [EntityName, ...EntityName[]]),
            columns: z.record(z.string(), z.union([z.string().min(1), columnObject])),
            records: z
              .object({ skip_empty: z.array(z.string().min(1)).default([]) })
              .strict()
              .prefault({}),
          })
          .strict(),
      )
      .default([]),
  })
  .strict()
  .superRefine((m, ctx) => {
    const known = new Set(columnsOf(m.entity).map((c) => c.name));
    for (const name of Object.keys(m.columns)) {
      if (!known.has(name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['columns', name],
          message: `${m.entity} has no column ${name}; it has ${[...known].join(', ')}`,
        });
      }
    }
    for (const c of columnsOf(m.entity)) {
      if (c.required && !(c.name in m.columns)) {
        ctx.addIssue({
          code: 'custom',
          path: ['columns'],
          message: `the required column ${c.name} of ${m.entity} is not mapped`,
        });
      }
    }
    for (const name of m.records.skip_empty) {
      if (!(name in m.columns)) {
        ctx.addIssue({
          code: 'custom',
          path: ['records', 'skip_empty'],
          message: `skip_empty names ${name}, which the mapping does not map`,
        });
      }
    }
    if (m.records.collect && m.entity !== 'changes') {
      ctx.addIssue({
        code: 'custom',
        path: ['records', 'collect'],
        message: 'collecting CIs over several rows is for changes',
      });
    }
  });

export type Mapping = z.infer<typeof mappingSchema>;

/** The mappings of the further entities an export holds (`also`) whose `when` columns the header has. */
export function companionMappings(m: Mapping, header: string[], name: string): Mapping[] {
  const has = new Set(header.map((h) => h.trim().toLowerCase()));
  return m.also
    .filter((a) => a.when.every((w) => has.has(w.trim().toLowerCase())))
    .map((a, i) => {
      const parsed = mappingSchema.safeParse({
        description: `${m.description ?? name}: ${a.entity}`,
        entity: a.entity,
        source: m.source,
        csv: m.csv,
        timestamps: m.timestamps,
        columns: a.columns,
        records: a.records,
      });
      if (!parsed.success) {
        const issues = parsed.error.issues.map((x) => `${['also', i, ...x.path].join('.')}: ${x.message}`);
        throw new MappingError(`${name}: ${issues.join('; ')}`);
      }
      return parsed.data;
    });
}

/** Normalised view of one column's mapping. */
export interface ResolvedColumn {
  sources: string[];
  /** Read only when the file has none of `sources`. */
  ifAbsent?: string;
  constant?: string;
  map?: Map<string, string>;
  fallback: 'reject' | 'null' | 'default';
  defaultValue?: string;
  formats?: string[];
}

export function resolveColumn(spec: string | ColumnMapping): ResolvedColumn {
  if (typeof spec === 'string') return { sources: [spec], fallback: 'reject' };
  const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  return {
    sources: [...list(spec.column), ...(spec.first_of ?? [])],
    ifAbsent: spec.if_absent,
    constant: spec.value === undefined ? undefined : String(spec.value),
    map: spec.map ? new Map(Object.entries(spec.map).map(([k, v]) => [k.trim().toLowerCase(), String(v)])) : undefined,
    fallback: spec.fallback,
    defaultValue: spec.default === undefined ? undefined : String(spec.default),
    formats: spec.formats,
  };
}

export class MappingError extends Error {}

export function parseMapping(text: string, name: string): Mapping {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new MappingError(`${name}: not valid YAML or JSON: ${(err as Error).message}`);
  }
  const parsed = mappingSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(top)'}: ${i.message}`);
    throw new MappingError(`${name}: the mapping is not valid:\n${lines.join('\n')}`);
  }
  // every further entity is checked now, as if the export had all of their `when` columns
  companionMappings(
    parsed.data,
    parsed.data.also.flatMap((a) => a.when),
    name,
  );
  return parsed.data;
}

export function readMapping(file: string): Mapping {
  return parseMapping(fs.readFileSync(file, 'utf8'), file);
}
