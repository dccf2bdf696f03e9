import type { DuckDBConnection } from '@duckdb/node-api';
import { schemaDdl } from './sql.ts';

/** Creates the raw and bookkeeping tables when they are missing. */
export async function ensureSchema(conn: DuckDBConnection): Promise<void> {
  await conn.run(schemaDdl());
}
