/**
 * The one schema module: the raw tables of the canonical entities
 * (lib/entities.ts) and the bookkeeping tables (ingest runs, rejects, notes,
 * model state), created when missing and given the columns a database made by
 * an earlier version lacks. Ingest, models and scripts all start here.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { type ColumnSpec, columnsOf, type EntityName, entityNames } from './entities.ts';
import { quoteIdent } from './sqlText.ts';

const sqlType: Record<ColumnSpec['kind'], string> = {
  text: 'varchar',
  enum: 'varchar',
  timestamp: 'timestamptz',
  integer: 'integer',
  boolean: 'boolean',
};

export const rawTable = (entity: EntityName) => quoteIdent(`raw_${entity}`);

/** Every raw table's columns with their SQL types (to add the ones a database made by an older version lacks). */
export function rawColumns(): { table: string; column: string; type: string }[] {
  return entityNames.flatMap((entity) =>
    columnsOf(entity).flatMap((c) => {
      const typed = { table: `raw_${entity}`, column: c.name, type: sqlType[c.kind] };
      return c.kind === 'enum'
        ? [typed, { table: `raw_${entity}`, column: `original_${c.name}`, type: 'varchar' }]
        : [typed];
    }),
  );
}

/** DDL for the raw tables and the ingest bookkeeping tables. Idempotent. */
export function schemaDdl(): string {
  const raw = entityNames.map((entity) => {
    const cols = columnsOf(entity).flatMap((c) => {
      const typed = `  ${quoteIdent(c.name)} ${sqlType[c.kind]}`;
      return c.kind === 'enum' ? [typed, `  ${quoteIdent(`original_${c.name}`)} varchar`] : [typed];
    });
    return `create table if not exists ${rawTable(entity)} (
  source varchar not null,
${cols.join(',\n')},
  ingest_run_id integer not null,
  loaded_at timestamptz not null
);`;
  });
  return [
    'create sequence if not exists ingest_run_seq start 1;',
    `create table if not exists ingest_runs (
  run_id integer primary key,
  file varchar not null,
  sha256 varchar,
  entity varchar,
  source varchar not null,
  rows_read integer not null default 0,
  rows_loaded integer not null default 0,
  rows_rejected integer not null default 0,
  started_at timestamptz not null,
  finished_at timestamptz,
  status varchar not null,
  error varchar
);`,
    `create table if not exists ingest_notes (
  run_id integer not null,
  note varchar not null
);`,
    `create table if not exists raw_change_cis (
  source varchar not null,
  change_id varchar not null,
  ci varchar not null,
  ingest_run_id integer not null
);`,
    `create table if not exists ingest_rejects (
  run_id integer not null,
  file varchar not null,
  line integer,
  record integer,
  "column" varchar,
  value varchar,
  reason varchar not null
);`,
    // one row per committed pull batch (pull/): the newest is where the next pull starts
    `create table if not exists pull_runs (
  run_id integer primary key,
  source varchar not null,
  target varchar not null,
  watermark varchar not null,
  fetched integer not null,
  full_read boolean not null,
  pulled_at timestamptz not null,
  session varchar not null
);`,
    // what the newest full re-read of a target did not find upstream any more (kept, never deleted)
    `create table if not exists pull_gone (
  source varchar not null,
  target varchar not null,
  entity varchar not null,
  id varchar not null,
  run_id integer not null,
  noticed_at timestamptz not null
);`,
    // what the alerts last said (app/server/alerts/): kept through a rebuild, which the archive cannot replay
    `create table if not exists alert_state (
  rule varchar primary key,
  firing boolean not null,
  since timestamptz,
  summary varchar not null,
  link varchar not null,
  changed_at timestamptz not null,
  evaluated_at timestamptz not null
);`,
    `create table if not exists alert_deliveries (
  channel varchar primary key,
  sent integer not null,
  failed integer not null,
  last_sent_at timestamptz,
  last_error varchar,
  last_error_at timestamptz
);`,
    // a person's verdict on an incident's link to a unit (docs/kpis.md, "Incident attribution", item 4):
    // every review is kept (the newest per incident and unit counts); ingest_run_id as on the raw tables,
    // so a refresh finds the incidents reviewed since the last build
    `create table if not exists raw_link_reviews (
  review_id integer primary key,
  incident_id varchar not null,
  unit_kind varchar not null,
  unit_id varchar not null,
  verdict varchar not null,
  reason varchar,
  reviewed_by varchar not null,
  reviewed_at timestamptz not null,
  ingest_run_id integer not null
);`,
    `create table if not exists model_state (
  data_version integer not null,
  schema_name varchar,
  models_hash varchar not null,
  mode varchar not null,
  last_run_id integer not null,
  built_at timestamptz not null,
  build_seconds double
);`,
    ...raw,
  ].join('\n');
}

/** Tables no archived file can recreate: `npm run rebuild` copies them from the old database. */
export const keptThroughRebuild = ['alert_state', 'alert_deliveries'] as const;

/** Creates the raw and bookkeeping tables when they are missing, and adds new optional columns. */
export async function ensureSchema(conn: DuckDBConnection): Promise<void> {
  await conn.run(schemaDdl());
  // model_state.schema_name came with incremental refreshes; earlier rows name schema m<data_version>
  await conn.run('alter table model_state add column if not exists schema_name varchar');
  const present = new Set(
    (
      await conn.runAndReadAll(
        "select table_name || '.' || column_name from information_schema.columns where table_name like 'raw\\_%' escape '\\'",
      )
    )
      .getRows()
      .map((r) => String(r[0])),
  );
  for (const c of rawColumns()) {
    if (present.has(`${c.table}.${c.column}`)) continue;
    await conn.run(`alter table ${quoteIdent(c.table)} add column ${quoteIdent(c.column)} ${c.type}`);
  }
}
