/**
 * What a rule reads: its period and filters resolved exactly as the dashboard
 * resolves the same address (so the link in a message opens the same view),
 * and its condition judged on the KPI functions the pages use. Each reading
 * says what crossed and by how much, and the statistic that makes it more
 * than noise.
 */

import { getBuckets } from '../../../queries/analysis.ts';
import { flooredExpected } from '../../../queries/excess.ts';
import { evaluateGates, parseGate } from '../../../queries/gates.ts';
import { getKpis } from '../../../queries/kpis.ts';
import type { KpiParams } from '../../../queries/params.ts';
import { getUnits } from '../../../queries/units.ts';
import { describeScope } from '../../shared/format.ts';
import { pChart, RUN_LENGTH, trendMetrics } from '../../shared/trends.ts';
import { resolveFilters } from '../filters.server.ts';
import { type Digest, gateText, namedConditions, periodNames, type Rule } from './config.ts';

export interface Reading {
  firing: boolean;
  /** What crossed and by how much, or where it stands now. */
  summary: string;
  /** Why it is more than noise (or that it may not be). */
  statistic: string;
  value: number | null;
  threshold: number | null;
  interval: [number, number] | null;
  /** The records behind it (units, trend points), each with its own link. */
  items: { id: string; text: string; link: string }[];
  scope: string;
  period: { from: string; to: string; timezone: string; label: string };
  link: string;
}

const DAY_MS = 86_400_000;
const day = (t: number) => new Date(t).toISOString().slice(0, 10);

/** The dashboard address (path and query) for a rule's or digest's period and filters. */
export async function viewQuery(r: Pick<Rule, 'unit' | 'period' | 'filters' | 'window' | 'severity'>) {
  const q = new URLSearchParams({ unit: r.unit });
  let label: string;
  if (typeof r.period === 'string') {
    const preset = periodNames[r.period];
    label = r.period.replaceAll('_', ' ');
    if (preset === '7d') {
      // not a dashboard preset: the seven days to the newest record, as the presets count
      const { range } = await resolveFilters(new URL('http://x/'));
      const last = range.last_at ?? new Date();
      const end = Date.UTC(last.getUTCFullYear(), last.getUTCMonth(), last.getUTCDate()) + DAY_MS;
      q.set('from', day(end - 7 * DAY_MS));
      q.set('to', day(end));
    } else q.set('preset', preset);
  } else {
    q.set('from', r.period.from);
    q.set('to', r.period.to);
    label = `${r.period.from} to ${r.period.to}`;
  }
  for (const key of ['service', 'team', 'type'] as const) for (const v of r.filters?.[key] ?? []) q.append(key, v);
  if (r.window) q.set('window', String(r.window));
  if (r.severity) q.set('severity', String(r.severity));
  const { params } = await resolveFilters(new URL(`http://x/?${q}`));
  return { query: q.toString(), params, label };
}

/** Three significant digits, no trailing zeros (0.444, 0.2, 12.5, 1234). */
const fmt = (v: number) => (Math.abs(v) >= 1000 ? String(Math.round(v)) : String(Number(v.toPrecision(3))));
const link = (base: string, path: string, query: string) => `${base}${path}?${query}`;

function scopeOf(params: KpiParams, label: string) {
  return {
    scope: describeScope({ ...params, tz: params.tz }),
    period: { from: params.from, to: params.to, timezone: params.tz, label },
  };
}

/** Reads one rule now. `base`: the dashboard's address for links (RELEASELENS_URL). */
export async function readRule(rule: Rule, base: string): Promise<Reading> {
  const { query, params, label } = await viewQuery(rule);
  const where = scopeOf(params, label);
  const condition = rule.when.trim();
  if (!(namedConditions as readonly string[]).includes(condition)) {
    const gate = parseGate(gateText(condition));
    const [r] = evaluateGates(await getKpis(params), [gate]);
    if (!r) throw new Error('no gate result');
    const name = gate.path.join('.');
    const interval = r.interval;
    let statistic = 'a count, not an estimate';
    if (interval) {
      const [lo, hi] = interval;
      const clear = gate.op.startsWith('>') ? lo > gate.threshold : hi < gate.threshold;
      statistic = `95% interval ${fmt(lo)}–${fmt(hi)}: ${clear ? `the whole interval is ${gate.op.startsWith('>') ? 'above' : 'below'} ${fmt(gate.threshold)}, more than noise` : `it reaches ${fmt(gate.threshold)}, so this may be noise`}`;
    }
    const summary =
      r.actual === null
        ? `${name} has no value (no ${params.unit}s completed in the period)`
        : r.breached
          ? `${name} is ${fmt(r.actual)}, ${gate.op.startsWith('>') ? 'above' : 'below'} ${fmt(gate.threshold)} by ${fmt(Math.abs(r.actual - gate.threshold))}`
          : `${name} is ${fmt(r.actual)} (the rule: ${gate.text})`;
    return {
      firing: r.breached,
      summary,
      statistic,
      value: r.actual,
      threshold: gate.threshold,
      interval,
      items: [],
      ...where,
      link: link(base, '/', query),
    };
  }
  if (condition === 'excess_incidents') {
    const units = (await getUnits(params)).filter((u) => u.is_completed && u.is_excess_fdr);
    units.sort((a, b) => (a.excess_q_value ?? 1) - (b.excess_q_value ?? 1) || a.unit_id.localeCompare(b.unit_id));
    const items = units.slice(0, 20).map((u) => ({
      id: u.unit_id,
      text: `${u.unit_id}${u.service ? ` (${u.service})` : ''}: ${u.post_release_incidents} incidents in the window where ${fmt(flooredExpected(u, params.window) ?? 0)} were expected (${(u.excess_q_value ?? 1) < 0.001 ? 'q < 0.001' : `q ${fmt(u.excess_q_value ?? 1)}`})`,
      link: link(base, `/releases/${encodeURIComponent(u.unit_id)}`, query),
    }));
    return {
      firing: units.length > 0,
      summary:
        units.length === 0
          ? `no ${params.unit} caused more incidents than its service's baseline`
          : `${units.length} ${params.unit}${units.length === 1 ? '' : 's'} caused more incidents than ${units.length === 1 ? 'its' : 'their'} service's baseline`,
      statistic:
        'Poisson test against the service’s incidents in the 28 days before, false discovery rate held at 5% (Benjamini–Hochberg q < 0.05)',
      value: units.length,
      threshold: 0,
      interval: null,
      items,
      ...where,
      link: link(base, '/releases', query),
    };
  }
  if (condition === 'freeze_violation') {
    const units = (await getUnits(params)).filter((u) => u.is_freeze_violation);
    return {
      firing: units.length > 0,
      summary:
        units.length === 0
          ? 'no go-live inside a freeze window'
          : `${units.length} ${params.unit}${units.length === 1 ? '' : 's'} went live inside a freeze window`,
      statistic: 'counted from the freeze windows and the go-live times, not estimated',
      value: units.length,
      threshold: 0,
      interval: null,
      items: units.slice(0, 20).map((u) => ({
        id: u.unit_id,
        text: `${u.unit_id}${u.service ? ` (${u.service})` : ''} went live ${u.end_at ?? u.start_at ?? ''}`,
        link: link(base, `/releases/${encodeURIComponent(u.unit_id)}`, query),
      })),
      ...where,
      link: link(base, '/releases', query),
    };
  }
  // trend_signal: the newest point of each trend chart, against its own limits and runs
  const days = (Date.parse(`${params.to}T00:00:00Z`) - Date.parse(`${params.from}T00:00:00Z`)) / DAY_MS;
  const bucket = days <= 92 ? 'week' : 'month';
  const buckets = await getBuckets(params, bucket);
  const items: Reading['items'] = [];
  for (const m of trendMetrics) {
    const last = pChart(buckets, m.spark, bucket).at(-1);
    if (!last || (!last.signal && !last.run)) continue;
    const why = last.signal
      ? `${last.signal} its 3-sigma limit ${fmt(last.signal === 'above' ? last.ucl : last.lcl)} (centre ${fmt(last.centre)}, n ${last.n})`
      : `the last of a run on one side of the centre line ${fmt(last.centre)}`;
    items.push({
      id: m.label,
      text: `${m.label}: the ${bucket} of ${last.bucket_start} is ${fmt(last.rate)}, ${why}`,
      link: link(base, '/trends', query),
    });
  }
  return {
    firing: items.length > 0,
    summary:
      items.length === 0
        ? 'no trend chart signals at its newest point'
        : `${items.length} trend chart${items.length === 1 ? '' : 's'} signal${items.length === 1 ? 's' : ''} at the newest ${bucket}`,
    statistic: `p-chart: a point beyond 3-sigma limits, or a run as unlikely as ${RUN_LENGTH} coin tosses alike`,
    value: items.length,
    threshold: 0,
    interval: null,
    items,
    ...where,
    link: link(base, '/trends', query),
  };
}

/** A digest's period and view, for its message. */
export async function digestView(d: Digest, base: string) {
  const { query, params, label } = await viewQuery(d);
  return { params, ...scopeOf(params, label), link: link(base, '/', query), reportLink: link(base, '/report', query) };
}
