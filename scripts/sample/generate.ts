/**
 * The sample organisation: two years (2024-2025) of releases, changes,
 * deployments, incidents and freeze windows for 12 services in 4 teams, with
 * planted patterns documented in data/sample/README.md. Deterministic: the same
 * seed gives the same bytes.
 * (Over 300 lines: one random stream draws every release with its changes,
 * deployments, surveys and incidents in one pass, so that a split cannot
 * reorder the draws and change the committed bytes. The next fortnight's
 * agenda is apart, in ahead.ts, on a stream of its own.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { columnsOf, entityNames } from '../../lib/entities.ts';
import { scheduleAhead } from './ahead.ts';
import { Random } from './random.ts';

export const SAMPLE_SEED = 20240101;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const CANARY_FROM = Date.UTC(2025, 0, 1);
const GENERATED_AT = Date.UTC(2026, 0, 6); // "today" for the open records at the end

const teams = {
  'Team Ledger': ['payments', 'billing', 'invoicing'],
  'Team Find': ['search', 'catalog', 'recommendations'],
  'Team Edge': ['checkout', 'mobile-api', 'web-frontend'],
  'Team Core': ['identity', 'notifications', 'inventory'],
} as const;

/** The released services of the sample organisation. */
export const sampleServices = Object.values(teams).flat();

/**
 * How big an organisation to generate. The sample is the committed data set;
 * large and huge keep its planted patterns (the same teams and services among
 * more) at the sizes the benchmark needs, and are written as they are made.
 */
export interface Scale {
  name: 'sample' | 'large' | 'huge';
  teams: Record<string, readonly string[]>;
  years: number[];
  releasesPerWeekday: number;
  releasesPerWeekendDay: number;
  /** Production deployments of each change (regions after the first follow it by 20 minutes). */
  productionPerChange: number;
  backgroundPerDay: number;
  /** Share of background incidents on released services (the rest on ITSM noise services). */
  backgroundOnApp: number;
}

const moreTeams: Record<string, readonly string[]> = {
  'Team Atlas': ['maps', 'geo-search', 'routing', 'places'],
  'Team Beacon': ['alerts', 'push', 'email-gateway', 'sms-gateway'],
  'Team Cargo': ['shipping', 'warehouse', 'returns', 'tracking'],
  'Team Delta': ['pricing', 'promotions', 'loyalty', 'gift-cards'],
  'Team Echo': ['chat', 'support-portal', 'knowledge-base', 'feedback'],
  'Team Forge': ['build-api', 'artifact-store', 'feature-flags', 'config'],
  'Team Grove': ['analytics', 'reporting-api', 'data-export', 'tax'],
};

const large: Scale = {
  name: 'large',
  teams: { ...teams, ...moreTeams },
  years: [2023, 2024, 2025],
  releasesPerWeekday: 61,
  releasesPerWeekendDay: 8,
  productionPerChange: 2,
  backgroundPerDay: 900,
  backgroundOnApp: 0.6,
};

export const scales: Record<Scale['name'], Scale> = {
  sample: {
    name: 'sample',
    teams,
    years: [2024, 2025],
    releasesPerWeekday: 3.9,
    releasesPerWeekendDay: 0.5,
    productionPerChange: 1,
    backgroundPerDay: 19.5,
    backgroundOnApp: 0.015,
  },
  large,
  // The same organisation with ten times the incidents.
  huge: { ...large, name: 'huge', backgroundPerDay: 9000 },
};
const HOT_SERVICE = 'checkout';
/** The team that often skips rollback tests (it owns checkout: it fails more often). */
const UNTESTED_TEAM = 'Team Edge';
const CANARY_TEAM = 'Team Find';
/** ITSM noise: services that are never released through this process. */
export const noiseServices = ['workplace', 'network', 'email', 'vpn', 'printing', 'telephony'];
const categories = ['software', 'database', 'network', 'hardware', 'access', 'performance', 'user'];
const verbs = ['Add', 'Improve', 'Fix', 'Rework', 'Speed up', 'Harden', 'Simplify', 'Extend'];
const nouns = [
  'refund flow',
  'search ranking',
  'session handling',
  'invoice export',
  'audit log',
  'rate limits',
  'cache layer',
  'onboarding',
  'price rules',
  'notifications',
  'API pagination',
  'retry policy',
  'reporting',
];
const symptoms = [
  'errors after deploy',
  'slow responses',
  'timeouts',
  'wrong totals',
  'login failures',
  'missing data',
  'stale results',
  '500 errors',
  'queue backlog',
  'high CPU',
];
const owners = ['ana', 'bo', 'chen', 'dara', 'eli', 'fay', 'gus', 'hana'];

const iso = (ms: number) => new Date(Math.round(ms / 60_000) * 60_000).toISOString().replace('.000Z', 'Z');
const cis = (service: string) => [`${service}-api`, `${service}-db`, `${service}-worker`];

interface Freeze {
  id: string;
  name: string;
  start: number;
  end: number;
  service: string;
  kind: 'freeze' | 'maintenance';
}

function freezeWindows(years: number[], start: number, end: number): Freeze[] {
  const out: Freeze[] = [];
  for (const year of years) {
    out.push({
      id: `FRZ-${year}-YE`,
      name: `Year-end freeze ${year}`,
      start: Date.UTC(year, 11, 20),
      end: Date.UTC(year + 1, 0, 3),
      service: '',
      kind: 'freeze',
    });
    for (const quarterEnd of [2, 5, 8]) {
      const end = Date.UTC(year, quarterEnd + 1, 1);
      const quarter = (quarterEnd + 1) / 3; // the month index of its last month, 2 -> Q1
      out.push({
        id: `FRZ-${year}-Q${quarter}`,
        name: `Quarter close ${year} Q${quarter}`,
        start: end - 2 * DAY_MS,
        end,
        service: 'payments',
        kind: 'freeze',
      });
    }
  }
  for (let t = start + 5 * DAY_MS; t < end; t += 28 * DAY_MS) {
    const id = `MNT-${new Date(t).toISOString().slice(0, 10)}`;
    out.push({
      id,
      name: 'Monthly maintenance slot',
      start: t + 1 * HOUR_MS,
      end: t + 5 * HOUR_MS,
      service: '',
      kind: 'maintenance',
    });
  }
  return out;
}

const inFreeze = (freezes: Freeze[], service: string, from: number, to: number) =>
  freezes.some(
    (f) => f.kind === 'freeze' && (f.service === '' || f.service === service) && from < f.end && to > f.start,
  );

const cell = (v: string | number | boolean | null | undefined) => {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

const csvLine = (row: (string | number | boolean | null | undefined)[]) => `${row.map(cell).join(',')}\n`;

function csv(header: string[], rows: (string | number | boolean | null | undefined)[][]): string {
  return [header, ...rows].map(csvLine).join('');
}

type Cell = string | number | boolean | null;
export type Entity = 'releases' | 'changes' | 'deployments' | 'incidents' | 'freeze_windows' | 'surveys';
/** Where generated rows go: arrays for the sample, file writers for the large scales. */
export type Sinks = Record<Entity, { push(row: Cell[]): void }>;

/** Generates one organisation of the given scale into the sinks. */
export function generate(scale: Scale, sinks: Sinks, seed = SAMPLE_SEED): void {
  const rnd = new Random(seed);
  // Governance columns and surveys draw from their own stream, so every other
  // value is exactly what it was before they were added.
  const gov = new Random(seed + 1);
  let surveySeq = 1;
  const START = Date.UTC(scale.years[0] ?? 2024, 0, 1);
  const END = Date.UTC((scale.years[scale.years.length - 1] ?? 2025) + 1, 0, 1); // exclusive
  const services = Object.entries(scale.teams).flatMap(([team, list]) => list.map((service) => ({ team, service })));
  const freezes = freezeWindows(scale.years, START, END);
  const { releases, changes, deployments, incidents } = sinks;
  let changeSeq = 1;
  let deploySeq = 1;
  let incidentSeq = 1;
  const nextIncident = () => `INC${String(incidentSeq++).padStart(7, '0')}`;

  // Pick go-live slots: ~2,000 releases over two years.
  const slots: { day: number; service: (typeof services)[number] }[] = [];
  for (let day = START; day < END; day += DAY_MS) {
    const weekday = new Date(day).getUTCDay();
    const perDay = weekday === 0 || weekday === 6 ? scale.releasesPerWeekendDay : scale.releasesPerWeekday;
    for (let k = rnd.poisson(perDay); k > 0; k--) slots.push({ day, service: rnd.pick(services) });
  }
  let plantedViolations = 0;
  let dataQualityReleases = 0;

  slots.forEach((slot, index) => {
    const { service, team } = slot.service;
    const releaseId = `REL-${String(index + 1).padStart(5, '0')}`;
    const type = rnd.weighted([
      ['minor', 50],
      ['patch', 30],
      ['major', 14],
      ['emergency', 6],
    ] as const);
    const emergency = type === 'emergency';
    const weekday = new Date(slot.day).getUTCDay();
    const friday = weekday === 5;
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
    const plannedStart =
      slot.day + (emergency ? rnd.int(0, 23) : eveningHour) * HOUR_MS + rnd.pick([0, 15, 30]) * 60_000;
    const plannedEnd = plannedStart + rnd.int(1, 3) * HOUR_MS;
    const december = new Date(slot.day).getUTCMonth() === 11;

    // Nothing but the two planted violations goes live inside a freeze.
    const plantViolation =
      december &&
      new Date(slot.day).getUTCFullYear() === 2025 &&
      plantedViolations < 2 &&
      slot.day >= Date.UTC(2025, 11, 22) &&
      !emergency;
    if (inFreeze(freezes, service, plannedStart, plannedEnd + 6 * HOUR_MS) && !plantViolation) return;
    if (plantViolation) plantedViolations++;

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
    const overdue = !future && !cancelled && slot.day > END - 45 * DAY_MS && rnd.chance(0.04);
    const live = !future && !cancelled && !overdue;
    if (live && dataQualityReleases < 3 && index >= 250 + 500 * dataQualityReleases) {
      requestedAt = actualEnd + rnd.int(2, 48) * HOUR_MS; // data-quality problem: requested after go-live
      dataQualityReleases++;
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
    const version = `${index % 7}.${index % 13}.${index % 5}`;
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
    const governance = [rollbackTested, deskAt === null ? null : iso(deskAt), reviewAt === null ? null : iso(reviewAt)];
    releases.push([
      releaseId,
      `${rnd.pick(verbs)} ${rnd.pick(nouns)}`,
      version,
      type,
      status,
      service,
      team,
      rnd.pick(owners),
      iso(requestedAt),
      approvedAt === null ? null : iso(approvedAt),
      iso(plannedStart),
      iso(plannedEnd),
      live ? iso(actualStart) : null,
      live ? iso(actualEnd) : null,
      ...governance,
    ]);

    // Changes: one to three per release; each is deployed to staging then production.
    const changeCount = plantViolation
      ? 1
      : rnd.weighted([
          [1, 5],
          [2, 3],
          [3, 2],
        ] as const);
    const releaseCis: string[] = [];
    const prodDeployments: { id: string; changeId: string; ci: string }[] = [];
    for (let c = 0; c < changeCount; c++) {
      const changeId = `CHG${String(changeSeq++).padStart(6, '0')}`;
      const ci = c === 0 ? (cis(service)[0] ?? service) : rnd.pick(cis(service));
      releaseCis.push(ci);
      const changeType = emergency ? 'emergency' : rnd.chance(0.2) ? 'standard' : 'normal';
      const changeRisk =
        emergency || type === 'major'
          ? rnd.pick(['high', 'critical'] as const)
          : rnd.pick(['low', 'low', 'medium', 'high'] as const);
      const outcome = !live
        ? cancelled
          ? 'cancelled'
          : null
        : rolledBack
          ? 'rolled_back'
          : deployFailed && c === 0
            ? 'failed'
            : bad && c === 0
              ? 'successful_with_issues'
              : 'successful';
      const cStart = actualStart + c * 5 * 60_000;
      const cEnd = Math.max(cStart + 5 * 60_000, actualEnd - (changeCount - 1 - c) * 60_000);
      changes.push([
        changeId,
        releaseId,
        changeType,
        changeRisk,
        service,
        ci,
        iso(requestedAt + c * HOUR_MS),
        approvedAt === null ? null : iso(approvedAt),
        changeType === 'normal' && changeRisk !== 'low',
        iso(plannedStart),
        iso(plannedEnd),
        live ? iso(cStart) : null,
        live ? iso(cEnd) : null,
        outcome,
        live ? iso(cEnd + 12 * HOUR_MS) : cancelled ? iso(plannedStart - DAY_MS) : null,
        ...governance,
      ]);
      if (!live) continue;
      const strategy = canary ? 'canary' : rnd.pick(['rolling', 'rolling', 'blue_green', 'big_bang'] as const);
      deployments.push([
        `DEP${String(deploySeq++).padStart(6, '0')}`,
        releaseId,
        changeId,
        service,
        'staging',
        iso(cStart - DAY_MS),
        iso(cEnd - DAY_MS),
        'succeeded',
        false,
        null,
        version,
        strategy,
      ]);
      const deploymentId = `DEP${String(deploySeq++).padStart(6, '0')}`;
      const dStatus = rolledBack && c === 0 ? 'rolled_back' : deployFailed && c === 0 ? 'failed' : 'succeeded';
      deployments.push([
        deploymentId,
        releaseId,
        changeId,
        service,
        'production',
        iso(cStart),
        iso(cEnd),
        dStatus,
        false,
        null,
        version,
        strategy,
      ]);
      prodDeployments.push({ id: deploymentId, changeId, ci });
      for (let region = 2; region <= scale.productionPerChange; region++) {
        const offset = (region - 1) * 20 * 60_000;
        deployments.push([
          `DEP${String(deploySeq++).padStart(6, '0')}`,
          releaseId,
          changeId,
          service,
          'production',
          iso(cStart + offset),
          iso(cEnd + offset),
          'succeeded',
          false,
          null,
          version,
          strategy,
        ]);
      }
      if (rolledBack && c === 0) {
        const rbStart = cEnd + rnd.int(10, 90) * 60_000;
        deployments.push([
          `DEP${String(deploySeq++).padStart(6, '0')}`,
          releaseId,
          changeId,
          service,
          'production',
          iso(rbStart),
          iso(rbStart + rnd.int(5, 30) * 60_000),
          'succeeded',
          true,
          deploymentId,
          `${version}-revert`,
          strategy,
        ]);
      }
    }
    if (!live) return;

    // Satisfaction surveys about the release: fewer 4s and 5s after a failed one; a few answered too late to count.
    for (let k = gov.poisson(1.2); k > 0; k--) {
      const late = gov.chance(0.05);
      const respondedAt = actualEnd + (late ? 15 + gov.int(0, 10) : gov.next() * 13.5) * DAY_MS;
      const satisfied = gov.chance(failedRelease ? 0.35 : 0.82);
      const score = satisfied ? gov.pick([4, 5, 5]) : gov.pick([1, 2, 3, 3]);
      sinks.surveys.push([
        `SRV${String(surveySeq++).padStart(6, '0')}`,
        releaseId,
        null,
        iso(respondedAt),
        score,
        null,
      ]);
    }

    // Release-caused incidents: a third carry an explicit "caused by" link.
    const caused = (count: number, severe: boolean) => {
      for (let k = 0; k < count; k++) {
        const opened = actualEnd + Math.min(rnd.exponential(9), 46) * HOUR_MS + rnd.int(1, 50) * 60_000;
        const priority =
          severe && k === 0
            ? rnd.weighted([
                [1, 1],
                [2, 3],
              ] as const)
            : rnd.weighted([
                [3, 3],
                [4, 1],
              ] as const);
        const link = rnd.chance(1 / 3);
        const change = rnd.pick(prodDeployments);
        const withService = rnd.chance(0.85);
        const resolved = opened + (priority <= 2 ? 0.5 + rnd.exponential(4) : 2 + rnd.exponential(20)) * HOUR_MS;
        // drawn in the order they were written before the columns took the canonical order
        const category = rnd.pick(['software', 'performance', 'database']);
        const problem = severe && rnd.chance(0.3) ? `PRB${String(index).padStart(5, '0')}` : null;
        const title = `${service}: ${rnd.pick(symptoms)}`;
        incidents.push([
          nextIncident(),
          iso(opened),
          iso(resolved),
          iso(resolved + DAY_MS),
          priority,
          withService ? service : null,
          change?.ci ?? null,
          category,
          'closed',
          title,
          link ? (change?.changeId ?? null) : null,
          null,
          problem,
        ]);
      }
    };
    if (bad) caused(rnd.int(1, 3), true);
    if (noisy) caused(1, false);
    if (rolledBack && rnd.chance(0.5)) caused(1, true);
  });

  // Background noise: mostly services outside the release process, a little on released ones.
  for (let day = START; day < END; day += DAY_MS) {
    for (let k = rnd.poisson(scale.backgroundPerDay); k > 0; k--) {
      const opened = day + rnd.next() * DAY_MS;
      const onApp = rnd.chance(scale.backgroundOnApp);
      const missingBoth = !onApp && rnd.chance(0.02);
      const service = missingBoth ? null : onApp ? rnd.pick(services).service : rnd.pick(noiseServices);
      const priority = rnd.weighted([
        [1, 1],
        [2, 6],
        [3, 50],
        [4, 43],
      ] as const);
      const resolved = opened + (0.5 + rnd.exponential(priority <= 2 ? 4 : 30)) * HOUR_MS;
      // drawn in the order they were written before the columns took the canonical order
      const ci = service && rnd.chance(0.6) ? rnd.pick(cis(service)) : null;
      const category = rnd.pick(categories);
      const title = `${service ?? 'unknown'}: ${rnd.pick(symptoms)}`;
      incidents.push([
        nextIncident(),
        iso(opened),
        iso(resolved),
        resolved + DAY_MS < GENERATED_AT ? iso(resolved + DAY_MS) : null,
        priority,
        service,
        ci,
        category,
        resolved + DAY_MS < GENERATED_AT ? 'closed' : 'resolved',
        title,
        null,
        null,
        null,
      ]);
    }
  }
  for (const f of freezes) {
    sinks.freeze_windows.push([f.id, f.name, iso(f.start), iso(f.end), f.service || null, f.kind]);
  }
  // the next two weeks' agenda, from a stream of its own (scripts/sample/ahead.ts)
  scheduleAhead({
    rnd: new Random(seed + 2),
    today: GENERATED_AT,
    services,
    next: { release: slots.length + 1, change: changeSeq },
    sinks,
  });
}

/** Each file's columns, in the canonical order (lib/entities.ts): a row's cells come in this order. */
export const headers = Object.fromEntries(entityNames.map((e) => [e, columnsOf(e).map((c) => c.name)])) as Record<
  Entity,
  string[]
>;

const entities = Object.keys(headers) as Entity[];

/** The committed sample organisation as CSV text per file (incidents in time order). */
export function generateSample(seed = SAMPLE_SEED): Record<string, string> {
  const rows = Object.fromEntries(entities.map((e) => [e, [] as Cell[][]])) as Record<Entity, Cell[][]>;
  generate(scales.sample, rows, seed);
  rows.incidents.sort((a, b) => String(a[1]).localeCompare(String(b[1])) || String(a[0]).localeCompare(String(b[0])));
  return Object.fromEntries(entities.map((e) => [`${e}.csv`, csv(headers[e], rows[e])]));
}

/** Writes an organisation of a large scale straight to CSV files in `dir`, row by row; returns rows per file. */
export function writeOrganisation(scale: Scale, dir: string, seed = SAMPLE_SEED): Record<Entity, number> {
  const counts = Object.fromEntries(entities.map((e) => [e, 0])) as Record<Entity, number>;
  const writers = entities.map((e) => {
    const fd = fs.openSync(path.join(dir, `${e}.csv`), 'w');
    let buffer = `${headers[e].join(',')}\n`;
    const flush = () => {
      fs.writeSync(fd, buffer);
      buffer = '';
    };
    return {
      e,
      push(row: Cell[]) {
        buffer += csvLine(row);
        counts[e]++;
        if (buffer.length > 1 << 20) flush();
      },
      close() {
        flush();
        fs.closeSync(fd);
      },
    };
  });
  generate(scale, Object.fromEntries(writers.map((w) => [w.e, w])) as unknown as Sinks, seed);
  for (const w of writers) w.close();
  return counts;
}
