/**
 * npm run kpis -- --from 2025-03-01 --to 2025-04-01 [--unit release|change|deployment]
 *   [--tz UTC] [--window 48] [--severity 2] [--tolerance 0] [--as-of ISO]
 *   [--service S]... [--team T]... [--type T]... [--json] [--db FILE]
 *   [--fail-if "KPI[.FIELD] OP NUMBER"]... [--targets] [--junit FILE]
 *
 * --targets adds a gate per target of the targets file in force (config/targets.yaml
 * or RELEASELENS_TARGETS; a single --team or --service uses its own): { max: N }
 * gates KPI>N, { min: N } gates KPI<N.
 *
 * Exit 0, or 3 when a --fail-if gate is breached (one line per breach on
 * stderr), 2 for bad arguments or a bad gate (with the grammar).
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { exit, fail, log, UsageError } from '../lib/command.ts';
import { databasePath, setDatabasePath } from '../lib/db.ts';
import { askServer } from '../lib/runningServer.ts';
import { readTargets, targetFor, targetKeys } from '../lib/targets.ts';
import { describeGate, evaluateGates, type Gate, type GateResult, junitXml, parseGate } from './gates.ts';
import { getKpis, type KpiReport, policyChecks } from './kpis.ts';
import { describeIssues, type KpiParams, kpiParamOptions, kpiParamsSchema, kpiSearchParams } from './params.ts';

const usage = `usage: npm run kpis -- --from YYYY-MM-DD --to YYYY-MM-DD [--unit release|change|deployment]
  [--tz ZONE] [--window HOURS] [--severity 1..4] [--tolerance MINUTES] [--as-of ISO]
  [--service NAME]... [--team NAME]... [--type TYPE]... [--json] [--db FILE]
  [--fail-if "KPI[.FIELD] OP NUMBER"]... [--targets] [--junit FILE]`;

function parse() {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof options; strict: true }>>;
  const options = {
    ...kpiParamOptions,
    json: { type: 'boolean' },
    db: { type: 'string' },
    'fail-if': { type: 'string', multiple: true },
    junit: { type: 'string' },
    targets: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  } as const;
  try {
    parsed = parseArgs({ options, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${usage}`);
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  const { 'as-of': asOf, json, db, help: _help, 'fail-if': failIf, junit, targets, ...rest } = values;
  const result = kpiParamsSchema.safeParse({ ...rest, as_of: asOf });
  if (!result.success) throw new UsageError(`${describeIssues(result.error).join('\n')}\n${usage}`);
  let gates: Gate[];
  try {
    gates = [...(failIf ?? []), ...(targets ? targetGates(result.data) : [])].map(parseGate);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (junit && gates.length === 0)
    throw new UsageError('--junit writes the result of --fail-if or --targets gates: give at least one');
  return { params: result.data, json: json ?? false, db, gates, junit };
}

/** The gates of the targets file in force for these filters: KPI>max or KPI<min. */
function targetGates(params: { team: string[]; service: string[] }): string[] {
  const file = readTargets();
  return targetKeys.flatMap((key) => {
    const found = targetFor(file, key, params);
    if (!found) return [];
    return ['max' in found.target ? `${key}>${found.target.max}` : `${key}<${found.target.min}`];
  });
}

const pct = (r: { value: number; numerator: number; denominator: number } | null) =>
  r ? `${(r.value * 100).toFixed(1)}%  (${r.numerator}/${r.denominator})` : '—';
const hours = (d: { median: number; p85: number; n: number } | null) =>
  d ? `median ${d.median.toFixed(1)} h, p85 ${d.p85.toFixed(1)} h  (n=${d.n})` : '—';

function table(r: KpiReport): string {
  const k = r.kpis;
  const rows: [string, string][] = [
    ['completed units', String(k.completed)],
    ['success rate', pct(k.success_rate)],
    ['change failure rate', pct(k.change_failure_rate)],
    ['rollback rate', pct(k.rollback_rate)],
    ['post-release incident rate', pct(k.post_release_incident_rate)],
    ['post-release incidents', String(k.post_release_incidents)],
    ['recovery time', hours(k.recovery_time_hours)],
    ['lead time', hours(k.lead_time_hours)],
    ['schedule adherence', pct(k.schedule_adherence)],
    ['emergency rate', pct(k.emergency_rate)],
    ['unauthorized rate', pct(k.unauthorized_rate)],
    ['freeze violations', String(k.freeze_violations)],
    ['deployments per week', k.deployment_frequency_per_week?.toFixed(2) ?? '—'],
    [
      'backlog',
      k.backlog
        ? `${k.backlog.count} (${k.backlog.overdue} overdue${k.backlog.age_days ? `, median age ${k.backlog.age_days.median.toFixed(1)} d` : ''})`
        : '—',
    ],
    ['policy compliance', pct(k.policy_compliance)],
    ...policyChecks.map((c): [string, string] => [
      `  ${c.replaceAll('_', ' ')}`,
      k.policy_checks ? (k.policy_checks[c] ? pct(k.policy_checks[c]) : 'not applicable') : '—',
    ]),
    [
      'satisfaction (CSAT)',
      k.satisfaction
        ? `${pct(k.satisfaction.csat)}, mean ${k.satisfaction.mean_score?.toFixed(2) ?? '—'} of 5, ${k.satisfaction.units_without_response} units without response`
        : '—',
    ],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  const head = `${r.unit} KPIs, ${r.period.from} to ${r.period.to} (${r.period.timezone}); window ${r.parameters.window_hours} h, failure = P1..P${r.parameters.failure_max_priority}, as of ${r.parameters.as_of}`;
  return [head, ...rows.map(([name, value]) => `  ${name.padEnd(width)}  ${value}`)].join('\n');
}

/**
 * The report from the dashboard that holds the database (it has the file's
 * lock; same numbers, same JSON as GET /api/kpis), else computed here.
 */
async function kpisHere(params: KpiParams): Promise<KpiReport> {
  const served = await askServer(databasePath(), `/api/kpis?${kpiSearchParams(params)}`);
  if (!served) return getKpis(params);
  log(`the dashboard holds ${databasePath()}: asked it for the KPIs`);
  return (await served.json()) as KpiReport;
}

async function main() {
  const { params, json, db, gates, junit } = parse();
  if (db) setDatabasePath(db);
  const report = await kpisHere(params);
  process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `${table(report)}\n`);
  if (gates.length === 0) return exit(0);
  let results: GateResult[];
  try {
    results = evaluateGates(report, gates);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  for (const r of results) if (r.breached || r.actual === null) log(describeGate(r));
  if (junit) fs.writeFileSync(junit, junitXml(report, results));
  const breaches = results.filter((r) => r.breached).length;
  log(`gates: ${breaches} of ${results.length} breached`);
  return exit(breaches > 0 ? 3 : 0);
}

main().catch(fail);
