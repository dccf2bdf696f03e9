/**
 * The sample organisation exported the way ServiceNow writes it (about 32,000
 * rows: audit versions, one row per change and CI, labels, day-first dates)
 * loads through the built-in profiles into exactly the KPIs of the canonical
 * files.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { getKpis, type KpiReport } from '../../queries/kpis.ts';
import { kpiParamsSchema } from '../../queries/params.ts';
import { freshDatabase, loadFolder, withoutGovernance } from '../helpers.ts';
import { writeServiceNowExports } from '../servicenow-export.ts';

const sample = path.join(import.meta.dirname, '..', '..', 'data', 'sample');
const parameterSets = [
  { unit: 'release', from: '2024-01-01', to: '2026-01-01' },
  { unit: 'change', from: '2025-01-01', to: '2025-07-01', tz: 'America/New_York' },
  { unit: 'deployment', from: '2025-10-01', to: '2026-01-01', window: 24, severity: 3 },
  { unit: 'release', from: '2025-07-01', to: '2026-01-01', service: ['checkout'] },
];

async function kpisFor(): Promise<KpiReport[]> {
  const out: KpiReport[] = [];
  for (const p of parameterSets)
    out.push(await getKpis(kpiParamsSchema.parse({ ...p, as_of: '2026-01-06T00:00:00Z' })));
  return out;
}

describe('ServiceNow round trip', () => {
  it('gives the same KPIs as the canonical files', async () => {
    freshDatabase();
    await loadFolder(sample);
    const canonical = await kpisFor();

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-servicenow-'));
    writeServiceNowExports(sample, dir);
    freshDatabase();
    const summaries = await loadFolder(dir);
    const byFile = Object.fromEntries(summaries.map((s) => [path.basename(s.file), s]));
    // the sample's 2,061 releases, and every fifth of its 3,564 changes written twice (servicenow-export.ts)
    expect(byFile['rm_release.csv']).toMatchObject({ layout: 'servicenow-release', rowsRejected: 0, rowsLoaded: 2061 });
    expect(byFile['change_request.csv']).toMatchObject({ layout: 'servicenow-change', rowsRejected: 0, merged: 713 });
    expect(byFile['incident_event_log.csv']).toMatchObject({
      layout: 'servicenow-incident',
      rowsRejected: 0,
      rowsRead: 29744,
      rowsLoaded: 14872,
    });
    // The export carries no governance columns and no surveys (ServiceNow has no such standard
    // fields): every other KPI is exactly the canonical one, and the governance checks that read
    // those columns say "not applicable" instead of inventing a pass or a fail.
    const exported = await kpisFor();
    expect(exported.map(withoutGovernance)).toEqual(canonical.map(withoutGovernance));
    const release = exported[0]?.kpis;
    expect(release?.policy_checks?.rollback_tested).toBeNull();
    expect(release?.policy_checks?.service_desk_notified).toBeNull();
    expect(release?.policy_checks?.outside_freeze).toEqual(canonical[0]?.kpis.policy_checks?.outside_freeze);
    expect(release?.satisfaction).toBeNull();
  });
});
