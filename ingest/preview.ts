/** The --dry-run report: for each of the first rows, its source values, the record it becomes, and why it is rejected. */
import type { IngestSummary } from './load.ts';

const show = (v: unknown) => (v === null || v === undefined ? '∅' : v instanceof Date ? v.toISOString() : String(v));

export function describePreview(s: IngestSummary): string {
  const p = s.preview;
  if (!p) return '';
  const out = [`${s.file}: dry run with ${s.layout} as ${s.entity} (source ${s.source}); nothing was written`];
  for (const row of p.rows) {
    out.push(`line ${row.line}`);
    const source = p.used.map((i) => [p.header[i], row.source[i]] as const).filter(([, v]) => v !== null && v !== '');
    out.push(`  source: ${source.map(([h, v]) => `${h}=${JSON.stringify(v)}`).join(', ')}`);
    if (row.mapped) {
      const mapped = Object.entries(row.mapped).filter(([, v]) => v !== null);
      out.push(`  mapped: ${mapped.map(([k, v]) => `${k}=${show(v)}`).join(', ')}`);
    } else {
      out.push('  mapped: (folded into another row of the same record: an older version, or a further CI)');
    }
    for (const r of row.rejects) out.push(`  REJECT ${r.column || '(row)'}: ${r.reason}`);
  }
  for (const n of s.notes) out.push(`note: ${n}`);
  for (const u of s.unknownValues) out.push(`unknown ${u.column} label '${u.value}' x${u.count}: ${u.resolution}`);
  const scope = p.checked === 'all' ? 'all rows' : `the first ${p.checked} rows (--dry-run all checks every row)`;
  out.push(`${s.rowsRead} rows read, ${s.records} records, ${s.rowsLoaded} would load, ${s.rowsRejected} rejected`);
  if (p.tally.length > 0) {
    out.push(`rejects by column and reason, over ${scope}:`);
    for (const t of p.tally) out.push(`  ${String(t.count).padStart(7)}  ${t.column || '(row)'}: ${t.reason}`);
  } else {
    out.push(`no rejects over ${scope}`);
  }
  return `${out.join('\n')}\n`;
}
