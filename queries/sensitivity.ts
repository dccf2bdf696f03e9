/**
 * Window sensitivity: the headline KPIs for post-release windows of 12, 24, 48,
 * 72 and 168 hours side by side, and how attributed incidents accumulate by
 * hours after go-live against the background rate, so the window choice can be
 * defended with data. Each window is read from its materialized store (built
 * on first use).
 */
import { z } from 'zod';
import { periodBindings } from './bindings.ts';
import { SENSITIVITY_WINDOWS } from './catalogue.ts';
import { getKpis } from './kpis.ts';
import type { KpiParams } from './params.ts';
import { runQuery } from './run.ts';
import { withModels } from './snapshot.ts';
import type { Rate } from './stats.ts';

export const sensitivityWindows = SENSITIVITY_WINDOWS;

const curvePointSchema = z.object({
  hours_after_golive: z.number(),
  attributed: z.number(),
  background_expected: z.number().nullable(),
});
export type CurvePoint = z.output<typeof curvePointSchema>;

export interface WindowRow {
  window_hours: number;
  completed: number;
  change_failure_rate: Rate | null;
  post_release_incident_rate: Rate | null;
  post_release_incidents: number;
}

export interface Sensitivity {
  windows: WindowRow[];
  curve: CurvePoint[];
}

export async function getSensitivity(p: KpiParams): Promise<Sensitivity> {
  // The queries run side by side (a snapshot's lanes). Started widest first, as
  // readSnapshot adds a request's missing windows: a window narrower than one
  // held is made from it (decision 021), so 72 h starts from 168 h rather
  // than from nothing. The governance KPIs do not depend on the window.
  const widestFirst = [...sensitivityWindows].sort((a, b) => b - a);
  const [reports, curve] = await Promise.all([
    Promise.all(widestFirst.map((window) => getKpis({ ...p, window }, { governance: false }))),
    withModels(
      async (conn) =>
        (
          await runQuery(conn, 'kpi_window_curve', {
            unit: p.unit,
            failure_max_priority: p.severity,
            ...periodBindings(p),
          })
        ).map((r) => curvePointSchema.parse(r)),
      { ...p, window: 168 },
    ),
  ]);
  const windows: WindowRow[] = reports
    .map(({ parameters, kpis: k }) => ({
      window_hours: parameters.window_hours,
      completed: k.completed,
      change_failure_rate: k.change_failure_rate,
      post_release_incident_rate: k.post_release_incident_rate,
      post_release_incidents: k.post_release_incidents,
    }))
    .sort((a, b) => a.window_hours - b.window_hours);
  return { windows, curve };
}
