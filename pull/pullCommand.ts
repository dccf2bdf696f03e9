/**
 * npm run pull -- --config sources.yaml [--source NAME] [--full] [--dry-run] [--every 1h|CRON] [--db FILE]
 *
 * Pulls ServiceNow and Jira Service Management records updated since the last
 * pull and loads them as export batches (pull/run.ts). One line per table and
 * batch on stderr. Exit 0 when every table pulled, 1 when one failed, 2 for a
 * usage or configuration error. With --every, pulls now and then on the
 * schedule (an interval such as 15m, 1h, 1d, or a cron expression), until
 * SIGINT or SIGTERM; a failed table is tried again at the next run.
 */
import { Cron } from 'croner';
import { exit, fail, log, parseOptions, UsageError } from '../lib/command.ts';
import { closeDatabase, interruptAll, setDatabasePath } from '../lib/db.ts';
import { ConfigError, type PullConfig, readPullConfig } from './config.ts';
import { pullOnce } from './run.ts';

const usage = `usage: npm run pull -- --config sources.yaml [--source NAME] [--full] [--dry-run]
  [--every 15m|1h|1d|"CRON"] [--db FILE]`;

/** An interval (30s..7d) in seconds, or null when the text is not one. */
export function intervalSeconds(text: string): number | null {
  const m = /^(\d{1,6})(s|m|h|d)$/.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86_400 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

function parse() {
  const options = {
    config: { type: 'string' },
    source: { type: 'string' },
    full: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    every: { type: 'string' },
    db: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  } as const;
  const values = parseOptions(options, usage);
  if (!values.config) throw new UsageError(`name the configuration with --config\n${usage}`);
  if (values['dry-run'] && values.every) throw new UsageError('give --dry-run or --every, not both');
  let schedule: Cron | null = null;
  if (values.every) {
    const every = values.every;
    const seconds = intervalSeconds(every);
    if (seconds !== null && (seconds < 30 || seconds > 7 * 86_400))
      throw new UsageError('--every: an interval from 30s to 7d');
    try {
      schedule =
        seconds !== null
          ? new Cron('* * * * * *', {
              interval: seconds,
              startAt: new Date(Date.now() + seconds * 1000),
              paused: true,
              protect: true,
            })
          : new Cron(every, { paused: true, protect: true });
    } catch (err) {
      throw new UsageError(
        `--every ${every}: neither an interval (15m, 1h, 1d) nor a cron expression (${(err as Error).message})`,
      );
    }
    // a schedule tighter than that would only load the instance: its records change by the minute
    const [a, b] = schedule.nextRuns(2);
    if (a && b && b.getTime() - a.getTime() < 30_000)
      throw new UsageError(`--every ${every}: runs closer than 30 s apart; pull at most twice a minute`);
  }
  let config: PullConfig;
  try {
    config = readPullConfig(values.config);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
  if (values.source && !config.sources.some((s) => s.name === values.source))
    throw new UsageError(
      `--source ${values.source}: the configuration has ${config.sources.map((s) => s.name).join(', ')}`,
    );
  return { values, config, schedule };
}

async function main() {
  const { values, config, schedule } = parse();
  if (values.db) setDatabasePath(values.db);
  const options = { source: values.source, full: values.full, dryRun: values['dry-run'] };
  if (!schedule) {
    const failed = await pullOnce(config, options);
    await exit(failed > 0 ? 1 : 0);
    return;
  }
  const next = () => schedule.nextRun()?.toISOString() ?? null;
  let running: Promise<void> = Promise.resolve();
  const run = async () => {
    const failed = await pullOnce(config, { ...options, nextRunAt: next }).catch((err: Error) => {
      log(`error: ${err.message}`);
      return 1;
    });
    await closeDatabase(); // between runs the database is free for a dashboard to open
    log(`pull: ${failed > 0 ? `${failed} failed; tried again` : 'done; next'} at ${next()}`);
  };
  const stop = () => {
    schedule.stop();
    if (interruptAll() > 0) log('pull: stopping: the batch under way is interrupted and rolled back');
    setTimeout(() => process.exit(143), 4000).unref();
    running.finally(() => exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  log(`pull: every ${values.every}, the first run now (Ctrl-C stops)`);
  running = run();
  await running;
  schedule.schedule(() => {
    running = run();
    return running;
  });
  schedule.resume();
}

main().catch(fail);
