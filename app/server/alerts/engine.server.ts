/**
 * Alerts and digests, end to end: each rule is read now and compared with
 * what was last said of it (alert_state); a rule that became true fires once,
 * one that became false clears once, and nothing is sent in between. The
 * state is written before the messages go (a crash loses a message rather
 * than repeating one). Each delivery's outcome is kept per channel
 * (alert_deliveries) for the Data page.
 */
import { withConnection, withWriter } from '../../../lib/db.ts';
import { ensureSchema } from '../../../lib/schema.ts';
import { doraBand } from '../../shared/dora.ts';
import { showTileValue } from '../../shared/tiles.ts';
import { overview } from '../overview.server.ts';
import { type ReportData, reportData } from '../reportData.server.ts';
import { type AlertsConfig, type Digest, ruleName } from './config.ts';
import { type DeliveryOptions, deliver } from './deliver.server.ts';
import type { Message } from './messages.ts';
import { digestView, readRule } from './readings.server.ts';
import type { AlertState, DeliveryState } from './state.ts';

export type { AlertState, DeliveryState };

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v === null || v === undefined ? null : String(v));

async function hasTable(name: string): Promise<boolean> {
  return withConnection(
    async (conn) =>
      (await conn.runAndReadAll('select 1 from duckdb_tables() where table_name = $name', { name })).currentRowCount >
      0,
  );
}

/** What was last said of every rule (none before the first evaluation). */
export async function readAlertState(): Promise<AlertState[]> {
  if (!(await hasTable('alert_state'))) return [];
  return withConnection(async (conn) =>
    (await conn.runAndReadAll('select * from alert_state order by firing desc, changed_at desc, rule'))
      .getRowObjectsJS()
      .map((r) => ({
        rule: String(r.rule),
        firing: Boolean(r.firing),
        since: iso(r.since),
        summary: String(r.summary),
        link: String(r.link),
        changed_at: iso(r.changed_at) as string,
        evaluated_at: iso(r.evaluated_at) as string,
      })),
  );
}

export async function readDeliveries(): Promise<DeliveryState[]> {
  if (!(await hasTable('alert_deliveries'))) return [];
  return withConnection(async (conn) =>
    (await conn.runAndReadAll('select * from alert_deliveries order by channel')).getRowObjectsJS().map((r) => ({
      channel: String(r.channel),
      sent: Number(r.sent),
      failed: Number(r.failed),
      last_sent_at: iso(r.last_sent_at),
      last_error: r.last_error === null ? null : String(r.last_error),
      last_error_at: iso(r.last_error_at),
    })),
  );
}

async function recordDelivery(channel: string, error: string | null): Promise<void> {
  await withWriter(async (conn) => {
    await ensureSchema(conn);
    await conn.run(
      `insert into alert_deliveries values ($channel, $sent, $failed, $sent_at, $error, $error_at)
       on conflict (channel) do update set
         sent = alert_deliveries.sent + excluded.sent,
         failed = alert_deliveries.failed + excluded.failed,
         last_sent_at = coalesce(excluded.last_sent_at, alert_deliveries.last_sent_at),
         last_error = coalesce(excluded.last_error, alert_deliveries.last_error),
         last_error_at = coalesce(excluded.last_error_at, alert_deliveries.last_error_at)`,
      {
        channel,
        sent: error === null ? 1 : 0,
        failed: error === null ? 0 : 1,
        sent_at: error === null ? new Date().toISOString() : null,
        error,
        error_at: error === null ? null : new Date().toISOString(),
      },
    );
  });
}

export interface RunOptions extends DeliveryOptions {
  /** Print what would be sent; send and store nothing. */
  dryRun?: boolean;
  /** The dashboard's address for links (RELEASELENS_URL). */
  base?: string;
  /** Where a dry run prints. */
  print?: (text: string) => void;
  /** Renders the report a `content: report` digest attaches (components/report/, passed in by the caller). */
  renderReport?: (data: ReportData) => string;
}

export const dashboardBase = () =>
  (process.env.RELEASELENS_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`).replace(/\/+$/, '');

async function send(config: AlertsConfig, channels: string[], m: Message, options: RunOptions): Promise<number> {
  let failed = 0;
  for (const name of channels) {
    const channel = config.channels[name];
    if (!channel) continue;
    if (options.dryRun) {
      options.print?.(`would send to ${name}: ${m.event} ${m.name}: ${m.headline}\n`);
      continue;
    }
    const error = await deliver(name, channel, m, options);
    await recordDelivery(name, error);
    if (error) failed++;
  }
  return failed;
}

export interface RunResult {
  fired: string[];
  cleared: string[];
  /** Rules that could not be read, with why. */
  errors: string[];
  /** Deliveries that failed after their retries. */
  failedDeliveries: number;
}

/** Reads every rule, fires and clears what changed, and stores the new state. */
export async function evaluateAlerts(config: AlertsConfig, options: RunOptions = {}): Promise<RunResult> {
  const base = options.base ?? dashboardBase();
  const before = new Map((await readAlertState()).map((s) => [s.rule, s]));
  const result: RunResult = { fired: [], cleared: [], errors: [], failedDeliveries: 0 };
  const now = new Date().toISOString();
  const outgoing: { channels: string[]; message: Message }[] = [];
  const rows: AlertState[] = [];
  for (const rule of config.rules) {
    const name = ruleName(rule);
    let reading: Awaited<ReturnType<typeof readRule>>;
    try {
      reading = await readRule(rule, base);
    } catch (err) {
      result.errors.push(`${name}: ${(err as Error).message}`);
      continue;
    }
    const was = before.get(name)?.firing ?? false;
    const changed = reading.firing !== was;
    rows.push({
      rule: name,
      firing: reading.firing,
      since: reading.firing ? (was ? (before.get(name)?.since ?? now) : now) : null,
      summary: reading.summary,
      link: reading.link,
      changed_at: changed || !before.has(name) ? now : (before.get(name)?.changed_at ?? now),
      evaluated_at: now,
    });
    if (!changed) continue;
    (reading.firing ? result.fired : result.cleared).push(name);
    outgoing.push({
      channels: rule.notify ?? Object.keys(config.channels),
      message: {
        event: reading.firing ? 'fired' : 'cleared',
        name,
        condition: rule.when.trim(),
        headline: reading.firing ? reading.summary : `cleared: ${reading.summary}`,
        lines: [reading.statistic, reading.scope],
        items: reading.items,
        link: reading.link,
        at: now,
        reading,
        attachment: null,
      },
    });
  }
  if (!options.dryRun && rows.length > 0) {
    await withWriter(async (conn) => {
      await ensureSchema(conn);
      for (const r of rows)
        await conn.run(
          `insert or replace into alert_state values ($rule, $firing, $since::timestamptz, $summary, $link, $changed_at::timestamptz, $evaluated_at::timestamptz)`,
          { ...r },
        );
    });
  }
  for (const o of outgoing) result.failedDeliveries += await send(config, o.channels, o.message, options);
  return result;
}

/** The overview as a digest's lines: each KPI with its previous value, target status and DORA band; the biggest movers first. */
async function overviewLines(d: Digest, base: string) {
  const view = await digestView(d, base);
  const o = await overview(view.params);
  const lines = o.tiles
    .filter((t) => !t.notApplicable)
    .map((t) => {
      const band = t.spec.dora ? doraBand(t.spec.dora, t.dora ? t.dora.value : t.value) : null;
      return {
        move:
          t.value !== null && t.previousValue !== null && t.previousValue !== 0
            ? Math.abs((t.value - t.previousValue) / t.previousValue)
            : 0,
        text: `${t.spec.label}: ${showTileValue(t.spec, t.value)} (previous period ${showTileValue(t.spec, t.previousValue)})${t.target ? `; target ${t.target.text}: ${t.target.status}` : ''}${band ? `; DORA ${band.band}` : ''}`,
      };
    });
  const movers = [...lines]
    .sort((a, b) => b.move - a.move)
    .filter((l) => l.move > 0)
    .slice(0, 3);
  return {
    view,
    headline: o.summary,
    lines: [
      view.scope,
      ...(movers.length ? [`Biggest movers: ${movers.map((m) => m.text.split(':')[0]).join(', ')}`] : []),
      ...lines.map((l) => l.text),
    ],
  };
}

/** Sends one digest now (its schedule calls this; so does `npm run alerts -- --digest NAME`). */
export async function sendDigest(config: AlertsConfig, digest: Digest, options: RunOptions = {}): Promise<number> {
  const base = options.base ?? dashboardBase();
  const { view, headline, lines } = await overviewLines(digest, base);
  if (digest.content === 'report' && !options.renderReport)
    throw new Error(`digest ${digest.name}: a report digest needs the report renderer`);
  const attachment =
    digest.content === 'report' && options.renderReport
      ? {
          filename: `releaselens-report-${view.params.from}-${view.params.to}.html`,
          html: options.renderReport(await reportData(view.params)),
        }
      : null;
  return send(
    config,
    digest.notify,
    {
      event: 'digest',
      name: digest.name,
      condition: null,
      headline,
      lines: attachment ? [...lines, 'The retrospective report is attached.'] : lines,
      items: [],
      link: view.link,
      at: new Date().toISOString(),
      reading: null,
      attachment,
    },
    options,
  );
}
