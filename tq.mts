import { setDatabasePath } from './lib/db.ts';
import { getIncidentCounts, getProblems, getGoliveCells } from './queries/incidents.ts';
import { getUnits } from './queries/units.ts';
import { kpiParamsSchema } from './queries/params.ts';
setDatabasePath(process.argv[2]);
const p = kpiParamsSchema.parse({ from: '2025-01-01', to: '2025-04-01', unit: process.argv[3] ?? 'release' });
for (const [name, f] of [['counts', () => getIncidentCounts(p)], ['problems', () => getProblems(p)], ['cells', () => getGoliveCells(p)], ['units', () => getUnits(p)]] as const) {
  for (let i = 0; i < 2; i++) { const t = performance.now(); await f(); console.log(name, (performance.now() - t).toFixed(0), 'ms'); }
}
