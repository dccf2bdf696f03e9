/**
 * The KPI parameters as the values the SQL binds, made once per parameters
 * object: every query a page asks of one snapshot (the overview's summary,
 * buckets, breakdown, freezes, cadence, link counts) binds the same values,
 * and above all the same `as_of`. Without an as_of in the parameters it is
 * "now", read once here; made per query it moved between the page's queries.
 * Three sets, each naming only what its queries bind (DuckDB refuses a bound
 * name a statement does not use):
 *   period  the local dates, time zone and list filters;
 *   unit    + unit kind, window and severity (kpi_units, breakdown, incidents);
 *   kpi     + schedule tolerance and as_of (kpi_summary, buckets, governance).
 */
import { listValue } from '@duckdb/node-api';
import type { KpiParams } from './params.ts';

/** ISO instant without milliseconds: 2025-04-15T00:00:00Z. */
const isoInstant = (d: Date) => d.toISOString().replace(/\.000Z$/, 'Z');

function make(p: KpiParams) {
  const period = {
    tz: p.tz,
    from: p.from,
    to: p.to,
    services: listValue(p.service),
    teams: listValue(p.team),
    types: listValue(p.type),
  };
  const unit = { unit: p.unit, window_hours: p.window, failure_max_priority: p.severity, ...period };
  const kpi = {
    unit: p.unit,
    window_hours: p.window,
    failure_max_priority: p.severity,
    tolerance_minutes: p.tolerance,
    ...period,
    as_of: p.as_of ? isoInstant(new Date(p.as_of)) : isoInstant(new Date()),
  };
  return { period, unit, kpi };
}

const made = new WeakMap<KpiParams, ReturnType<typeof make>>();

function bindingsOf(p: KpiParams) {
  let b = made.get(p);
  if (!b) {
    b = make(p);
    made.set(p, b);
  }
  return b;
}

/** The period and the list filters, as bound values: what every query of a period binds. */
export const periodBindings = (p: KpiParams) => bindingsOf(p).period;

/** Every bound value kpi_units and the other unit queries need, and nothing they do not. */
export const unitBindings = (p: KpiParams) => bindingsOf(p).unit;

/** Bound values shared by every kpi_* summary and analysis query. */
export const bindings = (p: KpiParams) => bindingsOf(p).kpi;

/** The as_of the parameters' KPIs are computed at: the one their queries bind. */
export const resolveAsOf = (p: KpiParams): string => bindingsOf(p).kpi.as_of;
