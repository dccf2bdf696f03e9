/**
 * The sample organisation's records: two years (2024-2025) of releases,
 * changes, deployments, incidents, surveys and freeze windows for 12 services
 * in 4 teams, with planted patterns documented in data/sample/README.md.
 * Deterministic: the same seed gives the same bytes.
 *
 * One function per entity. They are called in one fixed order per release
 * (release, its changes with their deployments, its surveys, the incidents it
 * causes), then the background incidents and the freeze windows, because one
 * random stream draws them all: calling them in another order would change
 * every record after. Governance columns and surveys draw from a second
 * stream and the next fortnight's agenda (ahead.ts) from a third, so that
 * adding them changed no earlier byte.
 */
import { scheduleAhead } from './ahead.ts';
import { freezeWindows } from './freezes.ts';
import { pushBackgroundIncidents, pushCausedIncidents } from './incidents.ts';
import { GENERATED_AT, SAMPLE_SEED, type Scale } from './organisation.ts';
import { Random } from './random.ts';
import { drawRelease, pushChanges, pushRelease, pushSurveys } from './releases.ts';
import { DAY_MS, iso, type Run, type ServiceOfTeam, type Sinks } from './run.ts';

export type { Cell, Entity, Sinks } from './run.ts';

/** Generates one organisation of the given scale into the sinks. */
export function generate(scale: Scale, sinks: Sinks, seed = SAMPLE_SEED): void {
  const start = Date.UTC(scale.years[0] ?? 2024, 0, 1);
  const end = Date.UTC((scale.years[scale.years.length - 1] ?? 2025) + 1, 0, 1); // exclusive
  const run: Run = {
    scale,
    rnd: new Random(seed),
    gov: new Random(seed + 1),
    sinks,
    services: Object.entries(scale.teams).flatMap(([team, list]) => list.map((service) => ({ team, service }))),
    freezes: freezeWindows(scale.years, start, end),
    end,
    next: { change: 1, deployment: 1, incident: 1, survey: 1 },
    planted: { violations: 0, dataQuality: 0 },
  };
  const slots = goLiveSlots(run, start);
  slots.forEach((slot, index) => {
    const release = drawRelease(run, slot.day, slot.service, index);
    if (!release) return;
    pushRelease(run, release);
    const production = pushChanges(run, release);
    if (!release.live) return;
    pushSurveys(run, release);
    pushCausedIncidents(run, release, production);
  });
  pushBackgroundIncidents(run, start);
  pushFreezeWindows(run);
  scheduleAhead({
    rnd: new Random(seed + 2),
    today: GENERATED_AT,
    services: run.services,
    next: { release: slots.length + 1, change: run.next.change },
    sinks,
  });
}

/** Go-live slots: a Poisson number per day (fewer at weekends), each on a random service. */
function goLiveSlots(run: Run, start: number): { day: number; service: ServiceOfTeam }[] {
  const slots: { day: number; service: ServiceOfTeam }[] = [];
  for (let day = start; day < run.end; day += DAY_MS) {
    const weekday = new Date(day).getUTCDay();
    const perDay = weekday === 0 || weekday === 6 ? run.scale.releasesPerWeekendDay : run.scale.releasesPerWeekday;
    for (let k = run.rnd.poisson(perDay); k > 0; k--) slots.push({ day, service: run.rnd.pick(run.services) });
  }
  return slots;
}

function pushFreezeWindows(run: Run): void {
  for (const f of run.freezes) {
    run.sinks.freeze_windows.push([f.id, f.name, iso(f.start), iso(f.end), f.service || null, f.kind]);
  }
}
