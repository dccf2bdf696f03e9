/**
 * The canonical data model (six entities), as zod schemas.
 *
 * This file is the single source of truth for columns, types, enums and which
 * columns are required: the raw_* table DDL and the SQL validation checks in
 * `ingest/checkSql.ts` are generated from these schemas, and JS-side previews use
 * them to validate rows.
 */
import { z } from 'zod';

const text = () => z.string().min(1);
const timestamp = () => z.date();
const flag = () => z.boolean();

export const releaseTypes = ['major', 'minor', 'patch', 'emergency'] as const;
export const releaseStatuses = [
  'planned',
  'approved',
  'in_progress',
  'deployed',
  'failed',
  'rolled_back',
  'cancelled',
] as const;
export const changeTypes = ['standard', 'normal', 'emergency'] as const;
export const risks = ['low', 'medium', 'high', 'critical'] as const;
export const changeOutcomes = ['successful', 'successful_with_issues', 'failed', 'rolled_back', 'cancelled'] as const;
export const environments = ['production', 'staging', 'test', 'development'] as const;
export const deploymentStatuses = ['succeeded', 'failed', 'rolled_back', 'in_progress', 'cancelled'] as const;
export const strategies = ['big_bang', 'rolling', 'blue_green', 'canary'] as const;
export const freezeKinds = ['freeze', 'maintenance'] as const;

/** Release governance columns (optional, on releases and changes): the policy checks read them. */
const governance = {
  rollback_tested: flag().optional(),
  service_desk_notified_at: timestamp().optional(),
  review_completed_at: timestamp().optional(),
};

export const releaseSchema = z.object({
  release_id: text(),
  title: text().optional(),
  version: text().optional(),
  release_type: z.enum(releaseTypes),
  status: z.enum(releaseStatuses),
  service: text(),
  team: text().optional(),
  owner: text().optional(),
  requested_at: timestamp(),
  approved_at: timestamp().optional(),
  planned_start: timestamp().optional(),
  planned_end: timestamp().optional(),
  actual_start: timestamp().optional(),
  actual_end: timestamp().optional(),
  ...governance,
});

export const changeSchema = z.object({
  change_id: text(),
  release_id: text().optional(),
  change_type: z.enum(changeTypes),
  risk: z.enum(risks).optional(),
  service: text().optional(),
  ci: text().optional(),
  requested_at: timestamp(),
  approved_at: timestamp().optional(),
  cab_required: flag().optional(),
  planned_start: timestamp().optional(),
  planned_end: timestamp().optional(),
  actual_start: timestamp().optional(),
  actual_end: timestamp().optional(),
  outcome: z.enum(changeOutcomes).optional(),
  closed_at: timestamp().optional(),
  ...governance,
});

export const deploymentSchema = z.object({
  deployment_id: text(),
  release_id: text().optional(),
  change_id: text().optional(),
  service: text(),
  environment: z.enum(environments),
  started_at: timestamp().optional(),
  finished_at: timestamp().optional(),
  status: z.enum(deploymentStatuses),
  is_rollback: flag().optional(),
  rolls_back_deployment_id: text().optional(),
  version: text().optional(),
  strategy: z.enum(strategies).optional(),
});

export const incidentSchema = z.object({
  incident_id: text(),
  opened_at: timestamp(),
  resolved_at: timestamp().optional(),
  closed_at: timestamp().optional(),
  priority: z.int().min(1).max(4),
  service: text().optional(),
  ci: text().optional(),
  category: text().optional(),
  status: text().optional(),
  title: text().optional(),
  caused_by_change_id: text().optional(),
  caused_by_release_id: text().optional(),
  problem_id: text().optional(),
});

export const freezeWindowSchema = z.object({
  window_id: text(),
  name: text().optional(),
  starts_at: timestamp(),
  ends_at: timestamp(),
  service: text().optional(),
  kind: z.enum(freezeKinds),
});

/** A satisfaction survey response about a release or a change (one of the two ids is required). */
export const surveySchema = z.object({
  response_id: text(),
  release_id: text().optional(),
  change_id: text().optional(),
  responded_at: timestamp(),
  score: z.int().min(1).max(5),
  comment: text().optional(),
});

/** A source name (the `source` of every record, from --source, a mapping or an upload). */
export const sourceNamePattern = /^[A-Za-z0-9_.-]{1,40}$/;
export const sourceNameRule = 'source must be 1-40 letters, digits, dot, dash or underscore';

export const entities = {
  releases: { schema: releaseSchema, idColumn: 'release_id' },
  changes: { schema: changeSchema, idColumn: 'change_id' },
  deployments: { schema: deploymentSchema, idColumn: 'deployment_id' },
  incidents: { schema: incidentSchema, idColumn: 'incident_id' },
  freeze_windows: { schema: freezeWindowSchema, idColumn: 'window_id' },
  surveys: { schema: surveySchema, idColumn: 'response_id', oneOf: ['release_id', 'change_id'] },
} as const;

export type EntityName = keyof typeof entities;
export const entityNames = Object.keys(entities) as EntityName[];

export type ColumnKind = 'text' | 'timestamp' | 'integer' | 'boolean' | 'enum';

export interface ColumnSpec {
  name: string;
  kind: ColumnKind;
  required: boolean;
  values?: readonly string[];
  min?: number;
  max?: number;
}

/** Reads a column list out of an entity's zod schema (the only place columns are declared). */
export function columnsOf(entity: EntityName): ColumnSpec[] {
  return Object.entries(entities[entity].schema.shape).map(([name, declared]) => {
    let schema: z.ZodType = declared as z.ZodType;
    let required = true;
    if (schema instanceof z.ZodOptional) {
      required = false;
      schema = schema.unwrap() as z.ZodType;
    }
    if (schema instanceof z.ZodEnum) {
      return { name, kind: 'enum', required, values: schema.options as string[] };
    }
    if (schema instanceof z.ZodNumber) {
      return {
        name,
        kind: 'integer',
        required,
        min: schema.minValue ?? undefined,
        max: schema.maxValue ?? undefined,
      };
    }
    if (schema instanceof z.ZodDate) return { name, kind: 'timestamp', required };
    if (schema instanceof z.ZodBoolean) return { name, kind: 'boolean', required };
    if (schema instanceof z.ZodString) return { name, kind: 'text', required };
    throw new Error(`entity ${entity}: column ${name} has a type the ingest does not know`);
  });
}

export function idColumnOf(entity: EntityName): string {
  return entities[entity].idColumn;
}

/** Columns of which a record must fill at least one (a survey names a release or a change). */
export function oneOfColumns(entity: EntityName): readonly string[] {
  const spec = entities[entity];
  return 'oneOf' in spec ? spec.oneOf : [];
}
