/**
 * alerts.yaml: where alerts and digests go (channels), what is watched
 * (rules) and what is sent on a schedule (digests), validated with zod; every
 * problem names the file, the line and the key. Channel secrets (webhook
 * URLs, SMTP URLs with their passwords) are only ever the names of
 * environment variables, read when a message is sent.
 */

import { Cron } from 'croner';
import { z } from 'zod';
import { parseYamlWithLines, readSmallFile } from '../../../lib/configFile.ts';
import { MAX_WINDOW_HOURS } from '../../../lib/units.ts';
import { GateSyntaxError, parseGate } from '../../../queries/gates.ts';
import { kpiKeys } from '../../../queries/kpis.ts';
import { units } from '../../../queries/params.ts';

const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'expected the name of an environment variable (letters, digits, _)');

const email = z.string().regex(/^[^\s@<>",]{1,64}@[^\s@<>",]{1,190}$/, 'expected an email address');

export const channelSchema = z.union([
  z.strictObject({ slack: z.strictObject({ webhook_env: envName }) }),
  z.strictObject({ teams: z.strictObject({ webhook_env: envName }) }),
  z.strictObject({ webhook: z.strictObject({ url_env: envName }) }),
  z.strictObject({
    email: z.strictObject({ to: z.array(email).min(1).max(50), from: email, smtp_env: envName }),
  }),
]);
export type Channel = z.output<typeof channelSchema>;

/** The dashboard's presets, and the names alerts.yaml may use for them. */
export const periodNames = {
  last_7_days: '7d',
  last_30_days: '30d',
  last_90_days: '90d',
  last_12_months: '12m',
  quarter: 'quarter',
  ytd: 'ytd',
  '30d': '30d',
  '90d': '90d',
  '12m': '12m',
  '7d': '7d',
} as const;

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD');
const period = z.union([
  z.enum(Object.keys(periodNames) as [keyof typeof periodNames, ...(keyof typeof periodNames)[]]),
  z.strictObject({ from: isoDay, to: isoDay }).refine((p) => p.from < p.to, 'from must be before to'),
]);

const names = z.array(z.string().min(1).max(100)).min(1).max(50);
const filters = z.strictObject({ service: names.optional(), team: names.optional(), type: names.optional() });

/** The conditions that are not a KPI comparison. */
export const namedConditions = ['excess_incidents', 'trend_signal', 'freeze_violation'] as const;
export type NamedCondition = (typeof namedConditions)[number];

/** `overdue_backlog > 5` reads as the KPI gate `backlog.overdue > 5`. */
export const gateText = (when: string) => when.replace(/^\s*overdue_backlog\b/, 'backlog.overdue');

const when = z
  .string()
  .min(1)
  .max(200)
  .superRefine((text, ctx) => {
    if ((namedConditions as readonly string[]).includes(text.trim())) return;
    try {
      const gate = parseGate(gateText(text));
      const kpi = gate.path[0] ?? '';
      if (!(kpiKeys as readonly string[]).includes(kpi))
        throw new GateSyntaxError(`there is no KPI ${kpi} (the KPIs are ${kpiKeys.join(', ')})`);
    } catch (err) {
      const message = err instanceof GateSyntaxError ? err.message : String(err);
      ctx.addIssue({
        code: 'custom',
        message: `${message.split(';')[0]}; or one of ${namedConditions.join(', ')}`,
      });
    }
  });

const rule = z.strictObject({
  name: z.string().min(1).max(120).optional(),
  when,
  unit: z.enum(units).default('release'),
  period: period.default('last_30_days'),
  filters: filters.optional(),
  /** Incident window in hours and the failure priority, as on the dashboard. */
  window: z.int().min(1).max(MAX_WINDOW_HOURS).optional(),
  severity: z.int().min(1).max(4).optional(),
  /** Channels; none named: every channel. */
  notify: z.array(z.string().min(1)).min(1).max(20).optional(),
});

const digest = z.strictObject({
  name: z.string().min(1).max(120),
  every: z
    .string()
    .min(1)
    .max(100)
    .superRefine((text, ctx) => {
      try {
        const runs = new Cron(text, { paused: true }).nextRuns(2);
        if (runs.length === 2 && (runs[1] as Date).getTime() - (runs[0] as Date).getTime() < 3_600_000)
          ctx.addIssue({ code: 'custom', message: 'a digest runs at most once an hour' });
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `not a cron expression: ${(err as Error).message}` });
      }
    }),
  content: z.enum(['overview', 'report']).default('overview'),
  unit: z.enum(units).default('release'),
  period: period.default('last_7_days'),
  filters: filters.optional(),
  notify: z.array(z.string().min(1)).min(1).max(20),
});

export const alertsConfigSchema = z
  .strictObject({
    channels: z.record(z.string().regex(/^[A-Za-z0-9_.-]{1,60}$/, 'expected a channel name'), channelSchema),
    rules: z.array(rule).max(100).default([]),
    digests: z.array(digest).max(20).default([]),
  })
  .superRefine((c, ctx) => {
    const channels = new Set(Object.keys(c.channels));
    if (channels.size === 0) ctx.addIssue({ code: 'custom', path: ['channels'], message: 'name at least one channel' });
    const check = (list: string[] | undefined, at: (string | number)[]) => {
      for (const [i, name] of (list ?? []).entries())
        if (!channels.has(name))
          ctx.addIssue({
            code: 'custom',
            path: [...at, 'notify', i],
            message: `no channel ${name}; there are ${[...channels].join(', ')}`,
          });
    };
    const seen = new Set<string>();
    for (const [i, r] of c.rules.entries()) {
      check(r.notify, ['rules', i]);
      const name = ruleName(r);
      if (seen.has(name))
        ctx.addIssue({ code: 'custom', path: ['rules', i], message: `a second rule named '${name}': give it a name` });
      seen.add(name);
    }
    for (const [i, d] of c.digests.entries()) check(d.notify, ['digests', i]);
  });

export type AlertsConfig = z.output<typeof alertsConfigSchema>;
export type Rule = AlertsConfig['rules'][number];
export type Digest = AlertsConfig['digests'][number];

/** A rule's name: its own, else its condition with the unit and period (the key of its state). */
export function ruleName(r: Pick<Rule, 'name' | 'when' | 'unit' | 'period'>): string {
  if (r.name) return r.name;
  const p = typeof r.period === 'string' ? r.period : `${r.period.from}..${r.period.to}`;
  return `${r.when.trim()} (${r.unit}s, ${p})`;
}

export class AlertsConfigError extends Error {}

export function readAlertsConfig(file: string): AlertsConfig {
  return parseYamlWithLines(file, readSmallFile(file, AlertsConfigError), alertsConfigSchema, AlertsConfigError).value;
}
