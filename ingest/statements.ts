/** The load's fixed SQL statements, one file each in ingest/sql/ (the statements built from the entity schema are in checkSql.ts). */
import fs from 'node:fs';
import { projectFile } from '../lib/paths.ts';

const cache = new Map<string, string>();

export function ingestSql(name: string): string {
  if (!/^[a-z_]+$/.test(name)) throw new Error(`bad ingest statement name ${name}`);
  let sql = cache.get(name);
  if (sql === undefined) {
    sql = fs.readFileSync(projectFile('ingest', 'sql', `${name}.sql`), 'utf8');
    cache.set(name, sql);
  }
  return sql;
}
