/** Window sensitivity (/api/sensitivity): the same KPIs as /api/kpis for each window, and the attribution curve. */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as apiSensitivity from '../../app/routes/api.sensitivity.ts';
import { getKpis } from '../../queries/kpis.ts';
import { kpiParamsSchema } from '../../queries/params.ts';
import { getSensitivity } from '../../queries/sensitivity.ts';
import { fixtures, freshDatabase, goldenInput, loadFolder } from '../helpers.ts';

const march = 'from=2025-03-01&to=2025-04-01&as_of=2025-04-15T00:00:00Z';
const golden = JSON.parse(fs.readFileSync(path.join(fixtures, 'golden', 'expected', 'release.json'), 'utf8'));

describe('window sensitivity', () => {
  let fromRoute: unknown;
  beforeAll(async () => {
    freshDatabase();
    await loadFolder(goldenInput);
  });

  it('gives each window the KPIs /api/kpis gives for it, and the golden figures at 48 h', async () => {
    const res = (await apiSensitivity.loader({
      request: new Request(`http://localhost/api/sensitivity?${march}`),
      params: {},
      context: {},
    } as never)) as Response;
    expect(res.status).toBe(200);
    const s = await res.json();
    fromRoute = s;
    expect(s.windows.map((w: { window_hours: number }) => w.window_hours)).toEqual([12, 24, 48, 72, 168]);
    const at48 = s.windows[2];
    expect(at48.change_failure_rate).toEqual(golden.kpis.change_failure_rate);
    expect(at48.post_release_incidents).toBe(golden.kpis.post_release_incidents);
    for (const w of s.windows) {
      const k = (
        await getKpis(
          kpiParamsSchema.parse({
            from: '2025-03-01',
            to: '2025-04-01',
            as_of: '2025-04-15T00:00:00Z',
            window: w.window_hours,
          }),
        )
      ).kpis;
      expect(w.post_release_incident_rate).toEqual(k.post_release_incident_rate);
    }
    // the curve: every 6 hours from go-live to 168 h, cumulative, against a background line through 0
    expect(s.curve.map((p: { hours_after_golive: number }) => p.hours_after_golive)).toEqual(
      Array.from({ length: 29 }, (_, i) => i * 6),
    );
    const counts = s.curve.map((p: { attributed: number }) => p.attributed);
    expect(counts).toEqual([...counts].sort((a: number, b: number) => a - b));
    expect(s.curve[0].background_expected).toBe(0);
  });

  it('called outside a request, on a database that holds no other window, gives the same answer', async () => {
    freshDatabase();
    await loadFolder(goldenInput);
    const p = kpiParamsSchema.parse({ from: '2025-03-01', to: '2025-04-01', as_of: '2025-04-15T00:00:00Z' });
    expect(JSON.parse(JSON.stringify(await getSensitivity(p)))).toEqual(fromRoute);
  });
});
