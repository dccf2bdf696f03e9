/**
 * Source links: where a record's id opens in the system it came from
 * (config/links.yaml, or the file RELEASELENS_LINKS names). Per source name
 * (as given at ingest: csv, servicenow, jira, or a mapping's own) and per kind
 * of record, a URL template with {id} where the id goes, URL-encoded.
 *
 * A template must be an https URL (http only for localhost) with exactly one
 * {id}, in its path or query: a link can never run script or point at a
 * different scheme, whatever the data holds. A bad file is an error naming the
 * file and the key.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { sourceNamePattern, sourceNameRule } from './entities.ts';
import { projectFile } from './paths.ts';

export const linkKinds = ['release', 'change', 'deployment', 'incident', 'problem'] as const;
export type LinkKind = (typeof linkKinds)[number];

/** Per source, per kind, a template; what the pages carry to the browser. */
export type LinkTemplates = Record<string, Partial<Record<LinkKind, string>>>;

/** Stands in for {id} while the template is parsed as a URL (lower case: host names are lowered). */
const hole = 'releaselens-id-hole';

const template = z.string().superRefine((text, ctx) => {
  const holes = text.split('{id}').length - 1;
  if (holes !== 1) ctx.addIssue({ code: 'custom', message: `needs exactly one {id} (has ${holes})` });
  let url: URL;
  try {
    url = new URL(text.replace('{id}', hole));
  } catch {
    ctx.addIssue({ code: 'custom', message: 'is not a URL' });
    return;
  }
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
  if (!(url.protocol === 'https:' || (url.protocol === 'http:' && local)))
    ctx.addIssue({ code: 'custom', message: 'must start with https:// (http:// only for localhost)' });
  if (url.username || url.password) ctx.addIssue({ code: 'custom', message: 'must not hold a user name or password' });
  if (url.hostname.includes(hole)) ctx.addIssue({ code: 'custom', message: '{id} must be in the path or query' });
});

const perKind = z.object(Object.fromEntries(linkKinds.map((k) => [k, template.optional()]))).strict() as z.ZodType<
  Partial<Record<LinkKind, string>>
>;

const fileSchema = z
  .object({
    sources: z
      .record(z.string(), perKind)
      .superRefine((sources, ctx) => {
        for (const name of Object.keys(sources))
          if (!sourceNamePattern.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: sourceNameRule });
      })
      .nullable()
      .default({}),
  })
  .strict();

export class LinksError extends Error {}

const cache = new Map<string, { mtimeMs: number; links: LinkTemplates }>();

/** The links file in force: RELEASELENS_LINKS, else config/links.yaml; null when there is none. */
export function linksPath(): string | null {
  const named = process.env.RELEASELENS_LINKS;
  if (named) return path.resolve(named);
  const file = projectFile('config', 'links.yaml');
  return fs.existsSync(file) ? file : null;
}

/** Reads and validates a links file (cached until it changes). */
export function readLinks(file: string | null = linksPath()): LinkTemplates {
  if (file === null) return {};
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new LinksError(`${file}: the links file does not exist`);
  }
  const kept = cache.get(file);
  if (kept && kept.mtimeMs === stat.mtimeMs) return kept.links;
  let raw: unknown;
  try {
    raw = parseYaml(fs.readFileSync(file, 'utf8')) ?? {};
  } catch (err) {
    throw new LinksError(`${file}: not valid YAML: ${(err as Error).message}`);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`);
    throw new LinksError(
      `${file}: ${issues.join('; ')} (each link is sources.<source>.<kind>: https://...{id}...; kinds: ${linkKinds.join(', ')})`,
    );
  }
  const links = parsed.data.sources ?? {};
  cache.set(file, { mtimeMs: stat.mtimeMs, links });
  return links;
}
