/**
 * npm run alerts -- --once [--config alerts.yaml] [--dry-run] [--digest NAME] [--db FILE]
 *
 * Reads every alert rule now, sends what fired or cleared since the last
 * reading, and stores the new state (for a cron line or a pipeline; the
 * dashboard does the same after every new data version). --digest sends that
 * digest now instead. --dry-run prints what would be sent and stores nothing.
 * While a dashboard serves the database, it runs there (with the dashboard's
 * own configuration). Exit 0 when all went, 1 when a rule could not be read
 * or a delivery failed after its retries, 2 for a usage or configuration error.
 */
import { alertsFile } from '../app/alerts.server.ts';
import { AlertsConfigError, readAlertsConfig } from '../app/server/alerts/config.ts';
import { evaluateAlerts, sendDigest } from '../app/server/alerts/engine.server.ts';
import { renderReport } from '../app/views/report/ReportDocument.tsx';
import { exit, fail, log, parseOptions, UsageError } from '../lib/command.ts';
import { databasePath, setDatabasePath } from '../lib/db.ts';
import { askServer } from '../lib/runningServer.ts';

const usage = 'usage: npm run alerts -- --once [--config alerts.yaml] [--dry-run] [--digest NAME] [--db FILE]';

interface RunAnswer {
  fired?: string[];
  cleared?: string[];
  errors?: string[];
  failedDeliveries?: number;
  printed?: string[];
}

function report(r: RunAnswer): number {
  for (const line of r.printed ?? []) process.stdout.write(line);
  for (const name of r.fired ?? []) process.stdout.write(`fired: ${name}\n`);
  for (const name of r.cleared ?? []) process.stdout.write(`cleared: ${name}\n`);
  for (const e of r.errors ?? []) log(`error: could not read ${e}`);
  if (r.failedDeliveries)
    log(`error: ${r.failedDeliveries} deliveries failed after their retries (the Data page lists them)`);
  if (!r.fired?.length && !r.cleared?.length && !r.printed?.length) log('alerts: nothing changed');
  return (r.errors?.length ?? 0) + (r.failedDeliveries ?? 0) > 0 ? 1 : 0;
}

async function main() {
  const options = {
    once: { type: 'boolean' },
    config: { type: 'string' },
    'dry-run': { type: 'boolean' },
    digest: { type: 'string' },
    db: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  } as const;
  const values = parseOptions(options, usage);
  if (!values.once && !values.digest) throw new UsageError(`give --once (or --digest NAME)\n${usage}`);
  if (values.db) setDatabasePath(values.db);
  if (values.config) process.env.RELEASELENS_ALERTS = values.config;
  const file = alertsFile();
  if (!file) throw new UsageError('no alerts file: give --config, set RELEASELENS_ALERTS, or write config/alerts.yaml');
  let config: ReturnType<typeof readAlertsConfig>;
  try {
    config = readAlertsConfig(file);
  } catch (err) {
    if (err instanceof AlertsConfigError) throw new UsageError(err.message);
    throw err;
  }
  const dryRun = values['dry-run'] === true;
  const served = await askServer(databasePath(), '/api/alerts', {
    body: { ...(dryRun ? { dry_run: true } : {}), ...(values.digest ? { digest: values.digest } : {}) },
  }).catch((err: Error) => {
    throw new Error(
      `${err.message} (the dashboard runs alerts with its own configuration: RELEASELENS_ALERTS where it started)`,
    );
  });
  if (served) {
    log('alerts: the dashboard holds the database; it read the rules (with its own configuration)');
    await exit(report((await served.json()) as RunAnswer));
    return;
  }
  const print = (t: string) => process.stdout.write(t);
  if (values.digest) {
    const digest = config.digests.find((d) => d.name === values.digest);
    if (!digest)
      throw new UsageError(
        `--digest ${values.digest}: the file has ${config.digests.map((d) => d.name).join(', ') || 'no digests'}`,
      );
    const failed = await sendDigest(config, digest, { dryRun, print, log, renderReport });
    await exit(report({ failedDeliveries: failed, printed: [] }) || (failed ? 1 : 0));
    return;
  }
  await exit(report(await evaluateAlerts(config, { dryRun, print, log })));
}

main().catch(fail);
