/**
 * The alerts inside the running dashboard (the wiring: the rules and digests
 * themselves are app/server/alerts/; the report a digest attaches is rendered by
 * components/report/): the configuration in force
 * (RELEASELENS_ALERTS, else config/alerts.yaml; none: no alerts), an
 * evaluation after every new data version (one at a time; versions that
 * arrive meanwhile are read together by the next), the digests on their
 * schedules (croner), and a run on request (POST /api/alerts, which
 * `npm run alerts -- --once` uses while the dashboard serves).
 */
import { Cron } from 'croner';
import { configFilePath } from '../lib/configFile.ts';
import { afterVersionIsCurrent } from '../queries/versionSwitch.ts';
import { type AlertsConfig, readAlertsConfig } from './server/alerts/config.ts';
import { evaluateAlerts, type RunOptions, type RunResult, sendDigest } from './server/alerts/engine.server.ts';
import { renderReport } from './views/report/ReportDocument.tsx';

const log = (line: string) => console.error(`[releaselens] ${line}`);

let config: AlertsConfig | null = null;
let configProblem: string | null = null;
const jobs: Cron[] = [];
let running: Promise<RunResult | null> | null = null;
let again = false;

export const alertsFile = () => configFilePath('RELEASELENS_ALERTS', 'alerts.yaml');

/** The configuration in force, and why there is none when it cannot be read. */
export function alertsConfig(): { config: AlertsConfig | null; problem: string | null; file: string | null } {
  return { config, problem: configProblem, file: alertsFile() };
}

function describe(r: RunResult): string {
  const parts = [
    r.fired.length ? `fired ${r.fired.join(', ')}` : '',
    r.cleared.length ? `cleared ${r.cleared.join(', ')}` : '',
    r.failedDeliveries ? `${r.failedDeliveries} deliveries failed` : '',
    ...r.errors.map((e) => `could not read ${e}`),
  ].filter(Boolean);
  return parts.length ? parts.join('; ') : 'nothing changed';
}

/** Evaluates now, or after the evaluation under way (then once for every request that came meanwhile). */
export function evaluateNow(options: RunOptions = {}): Promise<RunResult | null> {
  const current = config;
  if (!current) return Promise.resolve(null);
  if (options.dryRun) return evaluateAlerts(current, { log, ...options }); // stores nothing: no need to wait its turn
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    try {
      let result: RunResult;
      do {
        again = false;
        result = await evaluateAlerts(current, { log, ...options });
        if (result.fired.length || result.cleared.length || result.errors.length || result.failedDeliveries)
          log(`alerts: ${describe(result)}`);
      } while (again);
      return result;
    } finally {
      running = null;
    }
  })();
  return running;
}

/** Reads the configuration and starts the evaluations and digests (scripts/server.mjs, after it listens). */
export function startAlerts(): void {
  const file = alertsFile();
  if (!file) return;
  try {
    config = readAlertsConfig(file);
  } catch (err) {
    configProblem = (err as Error).message;
    log(`alerts: not started: ${configProblem}`);
    return;
  }
  afterVersionIsCurrent(() => {
    evaluateNow().catch((err) => log(`alerts: ${(err as Error).message}`));
  });
  for (const digest of config.digests) {
    const c = config;
    jobs.push(
      new Cron(digest.every, { protect: true, unref: true }, async () => {
        try {
          const failed = await sendDigest(c, digest, { log, renderReport });
          log(`alerts: digest ${digest.name} ${failed ? `failed for ${failed} channel(s)` : 'sent'}`);
        } catch (err) {
          log(`alerts: digest ${digest.name}: ${(err as Error).message}`);
        }
      }),
    );
  }
  log(
    `alerts: ${config.rules.length} rule(s) and ${config.digests.length} digest(s) from ${file}, to ${Object.keys(config.channels).length} channel(s)`,
  );
  evaluateNow().catch((err) => log(`alerts: ${(err as Error).message}`));
}

/** When each digest runs next (the alerts page). */
export function nextDigests(): { name: string; next: string | null }[] {
  return jobs.map((j, i) => ({ name: config?.digests[i]?.name ?? '', next: j.nextRun()?.toISOString() ?? null }));
}
