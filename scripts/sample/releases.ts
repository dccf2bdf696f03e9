/**
 * A release and what it brings: its row, its changes, each live change's
 * deployments and the release's satisfaction surveys. Called once per go-live
 * slot, in this file's order (generate.ts says why the order matters).
 */
import { inFreeze } from './freezes.ts';
import {
  CANARY_FROM,
  CANARY_TEAM,
  GENERATED_AT,
  HOT_SERVICE,
  nouns,
  owners,
  UNTESTED_TEAM,
  verbs,
} from './organisation.ts';
import {
  cis,
  DAY_MS,
  HOUR_MS,
  iso,
  isoOrNull,
  type ProductionDeployment,
  padded,
  type Release,
  type Run,
  type ServiceOfTeam,
} from './run.ts';

/**
 * One release in a slot: its plan, its timing, whether it went live and how it
 * failed; null when its window falls in a freeze (all but two planted ones).
 */
export function drawRelease(run: Run, day: number, { service, team }: ServiceOfTeam, index: number): Release | null {
  const { rnd, gov } = run;
  const type = rnd.weighted([
    ['minor', 50],
    ['patch', 30],
    ['major', 14],
    ['emergency', 6],
  ] as const);
  const emergency = type === 'emergency';
  const friday = new Date(day).getUTCDay() === 5;
  const eveningHour = friday
    ? rnd.weighted([
        [17, 2],
        [18, 3],
        [19, 3],
        [20, 2],
        [10, 2],
        [14, 2],
      ] as const)
    : rnd.pick([7, 9, 10, 13, 14, 15, 18, 20, 21]);
  const fridayEvening = friday && eveningHour >= 17;
  const plannedStart = day + (emergency ? rnd.int(0, 23) : eveningHour) * HOUR_MS + rnd.pick([0, 15, 30]) * 60_000;
  const plannedEnd = plannedStart + rnd.int(1, 3) * HOUR_MS;
  const december = new Date(day).getUTCMonth() === 11;

  // Nothing but the two planted violations goes live inside a freeze.
  const plantViolation =
    december &&
    new Date(day).getUTCFullYear() === 2025 &&
    run.planted.violations < 2 &&
    day >= Date.UTC(2025, 11, 22) &&
    !emergency;
  if (inFreeze(run.freezes, service, plannedStart, plannedEnd + 6 * HOUR_MS) && !plantViolation) return null;
  if (plantViolation) run.planted.violations++;

  const leadDays = emergency ? rnd.next() * 0.5 : 2 + rnd.exponential(type === 'major' ? 14 : 6);
  let requestedAt = plannedStart - leadDays * DAY_MS;
  const approved = emergency ? rnd.chance(0.8) : rnd.chance(0.97);
  const approvedAt = approved ? requestedAt + (plannedStart - requestedAt) * (0.3 + 0.6 * rnd.next()) : null;

  const late = rnd.chance(december ? 0.45 : 0.1);
  const startDelay = late ? rnd.int(60, 360) * 60_000 : rnd.int(-10, 10) * 60_000;
  const actualStart = plannedStart + startDelay;
  const actualEnd = Math.min(
    actualStart + (plannedEnd - plannedStart) * (0.4 + 0.5 * rnd.next()),
    late ? Infinity : plannedEnd,
  );

  // Open and cancelled records.
  const future = plannedStart > GENERATED_AT - 10 * DAY_MS;
  const cancelled = !future && rnd.chance(0.03);
  const overdue = !future && !cancelled && day > run.end - 45 * DAY_MS && rnd.chance(0.04);
  const live = !future && !cancelled && !overdue;
  if (live && run.planted.dataQuality < 3 && index >= 250 + 500 * run.planted.dataQuality) {
    requestedAt = actualEnd + rnd.int(2, 48) * HOUR_MS; // data-quality problem: requested after go-live
    run.planted.dataQuality++;
  }

  // The planted failure mechanics.
  const canary = team === CANARY_TEAM && plannedStart >= CANARY_FROM;
  // Friday evening multiplies every failure mode, canary divides it (observed: about 2x and 1/2).
  const risk = (fridayEvening ? 2.4 : 1) * (canary ? 0.4 : 1);
  const pBad = 0.08 * risk * (service === HOT_SERVICE ? 3 : 1);
  const pRollback = (emergency ? 0.15 : 0.05) * risk;
  const rolledBack = live && rnd.chance(pRollback);
  const deployFailed = live && !rolledBack && rnd.chance(0.02 * risk);
  const bad = live && !rolledBack && !deployFailed && rnd.chance(pBad);
  const noisy = live && rnd.chance(service === HOT_SERVICE ? 0.3 : 0.04);

  const status = future
    ? rnd.pick(['planned', 'approved'] as const)
    : cancelled
      ? 'cancelled'
      : overdue
        ? 'approved'
        : rolledBack
          ? 'rolled_back'
          : deployFailed
            ? 'failed'
            : 'deployed';
  // Governance: rollback tests skipped often by one team and around failed releases; the
  // service desk briefed before the start (a few late or never); reviews mostly within a week.
  const failedRelease = rolledBack || deployFailed || bad;
  const rollbackTested = !gov.chance((team === UNTESTED_TEAM ? 0.4 : 0.08) + (failedRelease ? 0.25 : 0));
  const deskAt = gov.chance(0.04)
    ? null
    : plannedStart + (gov.chance(0.06) ? gov.int(10, 120) * 60_000 : -gov.int(2, 72) * HOUR_MS);
  const reviewAt =
    live && !gov.chance(0.05)
      ? actualEnd + (gov.chance(december ? 0.5 : 0.12) ? gov.int(8, 14) : gov.int(1, 6)) * DAY_MS
      : null;
  return {
    index,
    id: padded('REL-', index + 1, 5),
    service,
    team,
    type,
    version: `${index % 7}.${index % 13}.${index % 5}`,
    plannedStart,
    plannedEnd,
    requestedAt,
    approvedAt,
    actualStart,
    actualEnd,
    plantViolation,
    cancelled,
    live,
    canary,
    rolledBack,
    deployFailed,
    bad,
    noisy,
    status,
    governance: [rollbackTested, isoOrNull(deskAt), isoOrNull(reviewAt)],
  };
}

/** The release's row; its title and owner are drawn here. */
export function pushRelease(run: Run, r: Release): void {
  const { rnd } = run;
  run.sinks.releases.push([
    r.id,
    `${rnd.pick(verbs)} ${rnd.pick(nouns)}`,
    r.version,
    r.type,
    r.status,
    r.service,
    r.team,
    rnd.pick(owners),
    iso(r.requestedAt),
    isoOrNull(r.approvedAt),
    iso(r.plannedStart),
    iso(r.plannedEnd),
    r.live ? iso(r.actualStart) : null,
    r.live ? iso(r.actualEnd) : null,
    ...r.governance,
  ]);
}

/** One to three changes per release, each with its deployments; returns the first production deployment of each. */
export function pushChanges(run: Run, r: Release): ProductionDeployment[] {
  const { rnd } = run;
  const emergency = r.type === 'emergency';
  const changeCount = r.plantViolation
    ? 1
    : rnd.weighted([
        [1, 5],
        [2, 3],
        [3, 2],
      ] as const);
  const production: ProductionDeployment[] = [];
  for (let c = 0; c < changeCount; c++) {
    const changeId = padded('CHG', run.next.change++, 6);
    const ci = c === 0 ? (cis(r.service)[0] ?? r.service) : rnd.pick(cis(r.service));
    const changeType = emergency ? 'emergency' : rnd.chance(0.2) ? 'standard' : 'normal';
    const changeRisk =
      emergency || r.type === 'major'
        ? rnd.pick(['high', 'critical'] as const)
        : rnd.pick(['low', 'low', 'medium', 'high'] as const);
    const outcome = !r.live
      ? r.cancelled
        ? 'cancelled'
        : null
      : r.rolledBack
        ? 'rolled_back'
        : r.deployFailed && c === 0
          ? 'failed'
          : r.bad && c === 0
            ? 'successful_with_issues'
            : 'successful';
    const start = r.actualStart + c * 5 * 60_000;
    const end = Math.max(start + 5 * 60_000, r.actualEnd - (changeCount - 1 - c) * 60_000);
    run.sinks.changes.push([
      changeId,
      r.id,
      changeType,
      changeRisk,
      r.service,
      ci,
      iso(r.requestedAt + c * HOUR_MS),
      isoOrNull(r.approvedAt),
      changeType === 'normal' && changeRisk !== 'low',
      iso(r.plannedStart),
      iso(r.plannedEnd),
      r.live ? iso(start) : null,
      r.live ? iso(end) : null,
      outcome,
      r.live ? iso(end + 12 * HOUR_MS) : r.cancelled ? iso(r.plannedStart - DAY_MS) : null,
      ...r.governance,
    ]);
    if (r.live) production.push(pushDeployments(run, r, { changeId, ci, first: c === 0, start, end }));
  }
  return production;
}

/**
 * A live change's deployments: staging a day before, production (more regions
 * 20 minutes apart at the large scales), and the rollback of the first change
 * of a rolled-back release. Returns the first production deployment.
 */
function pushDeployments(
  run: Run,
  r: Release,
  change: { changeId: string; ci: string; first: boolean; start: number; end: number },
): ProductionDeployment {
  const { rnd } = run;
  const { changeId, start, end } = change;
  const strategy = r.canary ? 'canary' : rnd.pick(['rolling', 'rolling', 'blue_green', 'big_bang'] as const);
  const row = (from: number, to: number, environment: string, status: string, rollbackOf: string | null = null) => {
    const id = padded('DEP', run.next.deployment++, 6);
    const version = rollbackOf ? `${r.version}-revert` : r.version;
    run.sinks.deployments.push([
      id,
      r.id,
      changeId,
      r.service,
      environment,
      iso(from),
      iso(to),
      status,
      rollbackOf !== null,
      rollbackOf,
      version,
      strategy,
    ]);
    return id;
  };
  row(start - DAY_MS, end - DAY_MS, 'staging', 'succeeded');
  const status = r.rolledBack && change.first ? 'rolled_back' : r.deployFailed && change.first ? 'failed' : 'succeeded';
  const id = row(start, end, 'production', status);
  for (let region = 2; region <= run.scale.productionPerChange; region++) {
    const offset = (region - 1) * 20 * 60_000;
    row(start + offset, end + offset, 'production', 'succeeded');
  }
  if (r.rolledBack && change.first) {
    const rollbackStart = end + rnd.int(10, 90) * 60_000;
    row(rollbackStart, rollbackStart + rnd.int(5, 30) * 60_000, 'production', 'succeeded', id);
  }
  return { id, changeId, ci: change.ci };
}

/** Satisfaction surveys about a live release: fewer 4s and 5s after a failed one; a few answered too late to count. */
export function pushSurveys(run: Run, r: Release): void {
  const { gov } = run;
  const failed = r.rolledBack || r.deployFailed || r.bad;
  for (let k = gov.poisson(1.2); k > 0; k--) {
    const late = gov.chance(0.05);
    const respondedAt = r.actualEnd + (late ? 15 + gov.int(0, 10) : gov.next() * 13.5) * DAY_MS;
    const satisfied = gov.chance(failed ? 0.35 : 0.82);
    const score = satisfied ? gov.pick([4, 5, 5]) : gov.pick([1, 2, 3, 3]);
    run.sinks.surveys.push([padded('SRV', run.next.survey++, 6), r.id, null, iso(respondedAt), score, null]);
  }
}
