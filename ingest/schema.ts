import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent } from '../lib/sqlText.ts';
import { rawColumns, schemaDdl } from './sql.ts';

/**
 * Creates the raw and bookkeeping tables when they are missing, and adds the
 * columns a database made by an earlier version lacks (new optional columns).
 */
export async function ensureSchema(conn: DuckDBConnection): Promise<void> {
  await conn.run(schemaDdl());
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
