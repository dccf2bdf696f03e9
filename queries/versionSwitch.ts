/**
 * The version switch as an event: work that starts once a new data version is
 * current (committed), such as the dashboard computing its recent answers
 * (app/server/answers.server.ts). The whole build and the refresh in place
 * announce it; listeners subscribe here, so the import graph shows who listens.
 */
const afterCurrent: ((dataVersion: number) => void)[] = [];

/**
 * Registers work to start once a new data version is current (committed). The
 * hook is called and not awaited: what it starts runs beside the readers and
 * never holds up the ingest that made the version.
 */
export function afterVersionIsCurrent(hook: (dataVersion: number) => void): void {
  afterCurrent.push(hook);
}

/** Calls the afterVersionIsCurrent hooks; their failures are reported, never the ingest's. */
export function announceCurrent(dataVersion: number): void {
  for (const hook of afterCurrent) {
    try {
      hook(dataVersion);
    } catch (err) {
      console.error(`after data version ${dataVersion} became current: ${err}`);
    }
  }
}
