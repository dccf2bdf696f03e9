/**
 * Phase 3 of a load: what it tells people beyond the counts. The labels a
 * mapping did not know, and a dry run's preview (each row as read, the record
 * it became, its rejects, and the rejects by column and reason).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent, typedColumns } from './checkSql.ts';
import type { MappedPlan } from './mappingSql.ts';
import type { Prepared } from './prepare.ts';
import { lineOfRecord } from './scan.ts';
import { ingestSql } from './statements.ts';
import type { Preview, UnknownValue } from './types.ts';

const num = (v: unknown) => Number(v ?? 0);

/** Labels that a mapping's value map did not know, with counts and what became of them. */
export async function unknownValues(conn: DuckDBConnection, plan: MappedPlan): Promise<UnknownValue[]> {
  const out: UnknownValue[] = [];
  for (const [column, fallback] of plan.mappedColumns) {
    const raw = quoteIdent(`raw_${column}`);
    const rows = (
      await conn.runAndReadAll(
        `select ${raw} as value, count(*)::integer as n from mapped
         where ${raw} is not null
           and lower(${raw}) not in (select source from value_maps where "column" = $column)
         group by all order by n desc, value limit 50`,
        { column },
      )
    ).getRowObjectsJS();
    for (const r of rows) {
      out.push({
        column,
        value: String(r.value),
        count: num(r.n),
        resolution: fallback === 'reject' ? 'rejected' : fallback,
      });
    }
  }
  return out;
}

/** For a dry run: each landing row's source values, the record it became, and its rejects. */
export async function preview(
  conn: DuckDBConnection,
  p: Prepared,
  runId: number,
  checked: number | 'all',
): Promise<Preview> {
  // Rows shown: the N checked, or the first 10 of all.
  const shown = checked === 'all' ? 10 : checked;
  const scan = await p.scan;
  const source = (
    await conn.runAndReadAll('select * from landing_raw order by rowid limit $shown', { shown })
  ).getRows();
  const typedCols = typedColumns(p.entity).filter((t) => !t.target.startsWith('"original_'));
  const mapped = (
    await conn.runAndReadAll(
      `select ord, ${typedCols.map((t) => t.expr).join(', ')} from checked where ord < $shown order by ord`,
      { shown },
    )
  ).getRowObjectsJS();
  const byOrd = new Map(mapped.map((m) => [num(m.ord), m]));
  const rejects = (
    await conn.runAndReadAll(
      `select record, line, "column", value, reason from ingest_rejects where run_id = $run
       order by line, "column" limit 1000`,
      { run: runId },
    )
  ).getRowObjectsJS();
  const tally = (await conn.runAndReadAll(ingestSql('reject_tally'), { run: runId }))
    .getRowObjectsJS()
    .map((r) => ({ column: String(r.column), reason: String(r.reason), count: num(r.n) }));
  const shifts = (
    await conn.runAndReadAll('select from_ord, shift from struct_shift order by from_ord')
  ).getRowObjectsJS();
  const recordOf = (ord: number) => ord + 1 + shifts.filter((s) => num(s.from_ord) <= ord).length;
  return {
    header: p.header,
    used: p.plan?.usedColumns ?? p.header.map((_, i) => i),
    tally,
    checked,
    rows: source.map((values, ord) => {
      const record = recordOf(ord);
      const m = byOrd.get(ord);
      const mine = rejects.filter((r) => num(r.record) === record);
      const { ord: _ord, ...fields } = m ?? { ord: 0 };
      return {
        line: lineOfRecord(scan, record),
        source: values.map((v) => (v === null ? null : String(v))),
        mapped: m ? fields : null,
        rejects: mine.map((r) => ({
          line: num(r.line),
          column: r.column as string,
          value: r.value as string | null,
          reason: String(r.reason),
        })),
      };
    }),
  };
}
