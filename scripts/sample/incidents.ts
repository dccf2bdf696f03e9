/**
 * The incidents: those a live release causes in the hours after its go-live,
 * and the background noise of every day, most of it on services outside the
 * release process.
 */
import { categories, GENERATED_AT, noiseServices, symptoms } from './organisation.ts';
import { cis, DAY_MS, HOUR_MS, iso, type ProductionDeployment, padded, type Release, type Run } from './run.ts';

/** The incidents a live release causes after go-live: a third carry an explicit "caused by" link. */
export function pushCausedIncidents(run: Run, r: Release, production: ProductionDeployment[]): void {
  const { rnd } = run;
  const caused = (count: number, severe: boolean) => {
    for (let k = 0; k < count; k++) {
      const opened = r.actualEnd + Math.min(rnd.exponential(9), 46) * HOUR_MS + rnd.int(1, 50) * 60_000;
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
      const change = rnd.pick(production);
      const withService = rnd.chance(0.85);
      const resolved = opened + (priority <= 2 ? 0.5 + rnd.exponential(4) : 2 + rnd.exponential(20)) * HOUR_MS;
      // drawn in the order they were written before the columns took the canonical order
      const category = rnd.pick(['software', 'performance', 'database']);
      const problem = severe && rnd.chance(0.3) ? padded('PRB', r.index, 5) : null;
      const title = `${r.service}: ${rnd.pick(symptoms)}`;
      run.sinks.incidents.push([
        padded('INC', run.next.incident++, 7),
        iso(opened),
        iso(resolved),
        iso(resolved + DAY_MS),
        priority,
        withService ? r.service : null,
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
  if (r.bad) caused(rnd.int(1, 3), true);
  if (r.noisy) caused(1, false);
  if (r.rolledBack && rnd.chance(0.5)) caused(1, true);
}

/** Background noise: mostly services outside the release process, a little on released ones. */
export function pushBackgroundIncidents(run: Run, start: number): void {
  const { rnd } = run;
  for (let day = start; day < run.end; day += DAY_MS) {
    for (let k = rnd.poisson(run.scale.backgroundPerDay); k > 0; k--) {
      const opened = day + rnd.next() * DAY_MS;
      const onApp = rnd.chance(run.scale.backgroundOnApp);
      const missingBoth = !onApp && rnd.chance(0.02);
      const service = missingBoth ? null : onApp ? rnd.pick(run.services).service : rnd.pick(noiseServices);
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
      const closed = resolved + DAY_MS < GENERATED_AT;
      run.sinks.incidents.push([
        padded('INC', run.next.incident++, 7),
        iso(opened),
        iso(resolved),
        closed ? iso(resolved + DAY_MS) : null,
        priority,
        service,
        ci,
        category,
        closed ? 'closed' : 'resolved',
        title,
        null,
        null,
        null,
      ]);
    }
  }
}
