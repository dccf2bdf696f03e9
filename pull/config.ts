/**
 * The pull configuration (sources.yaml): which ServiceNow and Jira Service
 * Management sources to pull, validated with zod. Every problem names the
 * file, the key and its line. Credentials are only ever the *names* of
 * environment variables; their values are read when a pull starts
 * (credentials()) and never written anywhere.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { parseYamlWithLines, readSmallFile } from '../lib/configFile.ts';
import { sourceNamePattern, sourceNameRule } from '../lib/entities.ts';

const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'expected the name of an environment variable (letters, digits, _)');

/** https, or http on a loopback address (tests, a local tunnel); no credentials, query or fragment in it. */
const instanceUrl = z
  .string()
  .max(500)
  .superRefine((text, ctx) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'expected a URL such as https://corp.service-now.com' });
      return;
    }
    const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
      ctx.addIssue({ code: 'custom', message: 'must be https (plain http only on a loopback address)' });
    if (url.username || url.password)
      ctx.addIssue({ code: 'custom', message: 'must not hold a user or password: name them in auth' });
    if (url.search || url.hash) ctx.addIssue({ code: 'custom', message: 'must not have a query or fragment' });
  })
  .transform((text) => text.replace(/\/+$/, ''));

const overlapMinutes = (fallback: number, min: number) =>
  z
    .number()
    .min(min)
    .max(24 * 60)
    .default(fallback);

const mappingFile = z.string().min(1).max(1000);

const serviceNowTable = z.strictObject({
  table: z.string().regex(/^[a-z0-9_]{1,80}$/, 'expected a table name such as change_request'),
  /** An encoded query, ANDed with the watermark. */
  query: z
    .string()
    .max(4000)
    .refine((q) => !/\^NQ|ORDERBY/i.test(q), 'must not hold ^NQ or ORDERBY: the pull adds its own order')
    .optional(),
  mapping: mappingFile.optional(),
});

const serviceNowSource = z.strictObject({
  name: z.string().regex(sourceNamePattern, sourceNameRule),
  type: z.literal('servicenow'),
  url: instanceUrl,
  auth: z.union([z.strictObject({ user_env: envName, password_env: envName }), z.strictObject({ token_env: envName })]),
  /** sysparm_limit: records per page. */
  page_size: z.int().min(1).max(10_000).default(1000),
  overlap_minutes: overlapMinutes(5, 0),
  /** Records per batch: each batch loads and commits on its own, with its watermark. */
  batch_records: z.int().min(1).max(1_000_000).default(20_000),
  /** The longest one request may take, answer included, before it is tried again. */
  timeout_seconds: z.int().min(1).max(600).default(120),
  tables: z.array(serviceNowTable).min(1).max(50),
});

const jiraIssues = z.strictObject({
  entity: z.enum(['changes', 'incidents']),
  jql: z
    .string()
    .min(1)
    .max(4000)
    .refine((q) => !/\border\s+by\b/i.test(q), 'must not hold ORDER BY: the pull adds its own order'),
  mapping: mappingFile.optional(),
  /** Export column -> Jira field name or id, overriding the lookup by name (e.g. "Custom field (Change risk)": customfield_10041). */
  fields: z.record(z.string().min(1).max(200), z.string().min(1).max(200)).optional(),
});

/** A project's versions become releases (no JQL: versions are not issues). */
const jiraVersions = z.strictObject({
  entity: z.literal('releases'),
  projects: z
    .array(z.string().regex(/^[A-Z][A-Z0-9_]{0,49}$/, 'expected a project key such as CHG'))
    .min(1)
    .max(100),
  mapping: mappingFile.optional(),
});

const jiraEntity = z.discriminatedUnion('entity', [jiraIssues, jiraVersions]);

const jiraSource = z.strictObject({
  name: z.string().regex(sourceNamePattern, sourceNameRule),
  type: z.literal('jira'),
  url: instanceUrl,
  /** email + API token: Jira Cloud; a token alone: a Data Center personal access token (or set deployment). */
  auth: z.union([z.strictObject({ email_env: envName, token_env: envName }), z.strictObject({ token_env: envName })]),
  deployment: z.enum(['cloud', 'data_center']).optional(),
  page_size: z.int().min(1).max(5000).default(100),
  overlap_minutes: overlapMinutes(2, 1),
  batch_records: z.int().min(1).max(1_000_000).default(20_000),
  timeout_seconds: z.int().min(1).max(600).default(120),
  entities: z.array(jiraEntity).min(1).max(20),
});

export const pullConfigSchema = z.strictObject({
  sources: z
    .array(z.discriminatedUnion('type', [serviceNowSource, jiraSource]))
    .min(1)
    .max(50)
    .superRefine((sources, ctx) => {
      const seen = new Set<string>();
      for (const [i, s] of sources.entries()) {
        if (seen.has(s.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `${s.name} is named twice` });
        seen.add(s.name);
        const targets = s.type === 'servicenow' ? s.tables.map((t) => t.table) : s.entities.map((e) => e.entity);
        const twice = targets.find((t, j) => targets.indexOf(t) !== j);
        if (twice)
          ctx.addIssue({
            code: 'custom',
            path: [i, s.type === 'servicenow' ? 'tables' : 'entities'],
            message: `${twice} is listed twice (each is pulled with one watermark)`,
          });
      }
    }),
});

export type PullConfig = z.output<typeof pullConfigSchema>;
export type Source = PullConfig['sources'][number];
export type ServiceNowSource = Extract<Source, { type: 'servicenow' }>;
export type JiraSource = Extract<Source, { type: 'jira' }>;

export class ConfigError extends Error {}

/** Reads and validates the configuration; mapping paths are made absolute (relative to the file). */
export function readPullConfig(file: string): PullConfig {
  const { value: config, lineOf } = parseYamlWithLines(
    file,
    readSmallFile(file, ConfigError),
    pullConfigSchema,
    ConfigError,
  );
  const dir = path.dirname(path.resolve(file));
  for (const [i, s] of config.sources.entries()) {
    const key = s.type === 'servicenow' ? 'tables' : 'entities';
    const items: { mapping?: string }[] = s.type === 'servicenow' ? s.tables : s.entities;
    for (const [j, item] of items.entries()) {
      if (item.mapping === undefined) continue;
      item.mapping = path.resolve(dir, item.mapping);
      if (!fs.existsSync(item.mapping)) {
        const at = ['sources', i, key, j, 'mapping'];
        throw new ConfigError(`${file}: ${lineOf(at)}: ${at.join('.')}: ${item.mapping}: no such file`);
      }
    }
  }
  return config;
}

/** What one source authenticates with, read from the environment when a pull starts. */
export type Credentials = { kind: 'basic'; user: string; password: string } | { kind: 'bearer'; token: string };

/** The source's credentials from the environment; a missing variable is named (its value never is). */
export function credentials(source: Source, env: Record<string, string | undefined> = process.env): Credentials {
  const need = (name: string) => {
    const value = env[name];
    if (!value) throw new ConfigError(`source ${source.name}: the environment variable ${name} is not set`);
    return value;
  };
  const { auth } = source;
  if ('user_env' in auth) return { kind: 'basic', user: need(auth.user_env), password: need(auth.password_env) };
  if ('email_env' in auth) return { kind: 'basic', user: need(auth.email_env), password: need(auth.token_env) };
  return { kind: 'bearer', token: need(auth.token_env) };
}
