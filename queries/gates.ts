/**
 * Gates for pipelines and scheduled jobs: `--fail-if "change_failure_rate>0.15"`.
 *
 * Grammar: KPI[.FIELD] OP NUMBER, where KPI is a key of the kpis object
 * (`npm run kpis -- --json`), FIELD one of its fields or a nested key
 * (value, ci95_low, ci95_high, numerator, denominator; n, median, p85, mean;
 * backlog.count, satisfaction.csat, policy_checks.rollback_tested, ...), and OP
 * one of < <= > >=. A rate without FIELD means its value, a duration its median.
 * A gate breaches when the comparison holds; on a KPI with no value (no units)
 * it cannot be judged and is reported as such, not as a breach.
 */
import type { KpiReport } from './kpis.ts';

export const gateGrammar = `a gate is KPI[.FIELD] OP NUMBER, OP one of < <= > >=, for example
  change_failure_rate>0.15            (a rate: its value)
  change_failure_rate.ci95_low>0.15   (only when the whole 95% interval is above: not noise)
  lead_time_hours.p85>=240            (a duration: median unless a field is named)
  backlog.overdue>10   policy_compliance<0.8   deployment_frequency_per_week<1`;

export class GateSyntaxError extends Error {}

export type GateOp = '<' | '<=' | '>' | '>=';

export interface Gate {
  text: string;
  path: string[];
  op: GateOp;
  threshold: number;
}

export interface GateResult {
  gate: Gate;
  /** The value compared, or null when the KPI has none. */
  actual: number | null;
  breached: boolean;
  /** The rate's 95% interval, for the message. */
  interval: [number, number] | null;
}

export function parseGate(text: string): Gate {
  const m = /^\s*([a-z_][a-z0-9_]*(?:\.[a-z0-9_]+)*)\s*(<=|>=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/.exec(text);
  if (!m) throw new GateSyntaxError(`cannot read the gate '${text}'; ${gateGrammar}`);
  const [, path = '', op, number] = m;
  return { text: text.trim(), path: path.split('.'), op: op as GateOp, threshold: Number(number) };
}

function valueAt(kpis: KpiReport['kpis'], gate: Gate): { value: unknown; holder: unknown } {
  let node: unknown = kpis;
  let holder: unknown = null;
  for (const key of gate.path) {
    if (node === null || node === undefined) return { value: null, holder };
    if (typeof node !== 'object' || !Object.hasOwn(node, key)) {
      throw new GateSyntaxError(
        `the gate '${gate.text}' names '${gate.path.join('.')}', which the KPI report does not have; ${gateGrammar}`,
      );
    }
    holder = node;
    node = (node as Record<string, unknown>)[key];
  }
  // a rate or a duration named without a field
  if (node && typeof node === 'object') {
    if ('value' in node) return { value: (node as { value: unknown }).value, holder: node };
    if ('median' in node) return { value: (node as { median: unknown }).median, holder: node };
    throw new GateSyntaxError(`the gate '${gate.text}' names an object; name one of its fields; ${gateGrammar}`);
  }
  return { value: node, holder };
}

const fractionFields = new Set(['value', 'ci95_low', 'ci95_high']);

/**
 * Rates are fractions: `change_failure_rate>15` would never breach and so
 * pass silently. A threshold above 1 on a rate (its value or interval) is
 * refused with the fraction it probably meant.
 */
function refuseRatePercent(gate: Gate, holder: unknown): void {
  const isRate = holder !== null && typeof holder === 'object' && 'ci95_low' in holder;
  const field = gate.path.length > 1 ? (gate.path.at(-1) as string) : 'value';
  if (!isRate || !fractionFields.has(field) || gate.threshold <= 1) return;
  const kpi = gate.path[0];
  throw new GateSyntaxError(
    `the gate '${gate.text}' compares the rate ${kpi} with ${gate.threshold}, but rates are fractions from 0 to 1: ` +
      `for ${gate.threshold}% write ${Number((gate.threshold / 100).toPrecision(6))} (for example ${kpi}${gate.op}${Number((gate.threshold / 100).toPrecision(6))})`,
  );
}

const compare = (a: number, op: GateOp, b: number) =>
  op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;

export function evaluateGates(report: KpiReport, gates: Gate[]): GateResult[] {
  return gates.map((gate) => {
    const { value, holder } = valueAt(report.kpis, gate);
    refuseRatePercent(gate, holder);
    const actual = typeof value === 'number' ? value : null;
    const h = holder as { ci95_low?: number; ci95_high?: number } | null;
    const interval: [number, number] | null =
      h && typeof h.ci95_low === 'number' && typeof h.ci95_high === 'number' ? [h.ci95_low, h.ci95_high] : null;
    return { gate, actual, breached: actual !== null && compare(actual, gate.op, gate.threshold), interval };
  });
}

/** One readable line per gate. */
export function describeGate(r: GateResult): string {
  const interval = r.interval ? ` (95% interval ${r.interval[0]}-${r.interval[1]})` : '';
  if (r.actual === null) return `not judged: ${r.gate.text}: ${r.gate.path.join('.')} has no value (no units)`;
  return `${r.breached ? 'breach' : 'ok'}: ${r.gate.path.join('.')} = ${r.actual}${interval} ${r.breached ? '' : 'not '}${r.gate.op} ${r.gate.threshold}`;
}

const xml = (s: string) =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/** JUnit XML: one test case per gate, a failure for each breach, skipped when it has no value. */
export function junitXml(report: KpiReport, results: GateResult[]): string {
  const name = `releaselens ${report.unit} KPIs ${report.period.from}..${report.period.to} (${report.period.timezone})`;
  const failures = results.filter((r) => r.breached).length;
  const skipped = results.filter((r) => r.actual === null).length;
  const cases = results.map((r) => {
    const open = `    <testcase classname="releaselens.kpis" name="${xml(r.gate.text)}">`;
    if (r.breached) return `${open}\n      <failure message="${xml(describeGate(r))}"/>\n    </testcase>`;
    if (r.actual === null) return `${open}\n      <skipped message="${xml(describeGate(r))}"/>\n    </testcase>`;
    return `${open}</testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<testsuites>',
    `  <testsuite name="${xml(name)}" tests="${results.length}" failures="${failures}" skipped="${skipped}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
