/** The guards on what reaches SQL text and CSV cells. */
import { LIST, listValue, VARCHAR } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { unitsCsv } from '../app/shared/unitsView.ts';
import { neutraliseCell, neutraliseSql } from '../lib/csvSafety.ts';
import { withScratch } from '../lib/db.ts';
import { codeLiteral, intLiteral, quoteIdent } from '../lib/sqlText.ts';

describe('CSV cells', () => {
  it('prefixes text that a spreadsheet would run as a formula, and leaves numbers alone', () => {
    for (const t of ['=HYPERLINK("x")', '+1', '-2+3', '@SUM(A1)', '\tx', '\rx', '＝1+1', '＋1', '－2', '＠SUM(A1)'])
      expect(neutraliseCell(t)).toBe(`'${t}`);
    for (const t of ['plain', 'a=b', '', '1-2', 'x＝1', '＝'.slice(1)]) expect(neutraliseCell(t)).toBe(t);
    const csv = unitsCsv([{ unit_id: '=cmd|calc', service: '-payments', lead_time_hours: -3 } as never]);
    expect(csv).toContain("'=cmd|calc");
    expect(csv).toContain("'-payments");
    expect(csv).not.toContain("'-3");
  });

  it('the SQL form used by CSV exports prefixes exactly the same cells', async () => {
    const cells = ['=1', '+1', '-1', '@x', '\tx', '\rx', '＝1', '＋1', '－1', '＠x', 'plain', 'a=b', ''];
    const out = await withScratch(async (conn) => {
      const rows = (
        await conn.runAndReadAll(
          `select ${neutraliseSql('c')} as c from (select unnest($cells) as c, generate_subscripts($cells, 1) as i) order by i`,
          { cells: listValue(cells) },
          { cells: LIST(VARCHAR) },
        )
      ).getRowObjectsJS();
      return rows.map((r) => String(r.c));
    });
    expect(out).toEqual(cells.map(neutraliseCell));
  });
});

describe('SQL text guards', () => {
  it('refuses identifiers and literals that are not plain names or numbers', () => {
    expect(quoteIdent('release_id')).toBe('"release_id"');
    for (const bad of ['a"; drop table x; --', 'A', '1a', 'a b', '']) expect(() => quoteIdent(bad)).toThrow(/refusing/);
    expect(codeLiteral('rolled_back')).toBe("'rolled_back'");
    expect(() => codeLiteral("x' or '1'='1")).toThrow(/refusing/);
    expect(intLiteral(5)).toBe('5');
    for (const bad of [1.5, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => intLiteral(bad)).toThrow(/refusing/);
  });
});
