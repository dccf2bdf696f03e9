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
import { z } from 'zod';
import { configFilePath, readConfigFile } from './configFile.ts';
import { sourceNamePattern, sourceNameRule } from './entities.ts';

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

/** The links file in force: RELEASELENS_LINKS, else config/links.yaml; null when there is none. */
export function linksPath(): string | null {
  return configFilePath('RELEASELENS_LINKS', 'links.yaml');
}

/** Reads and validates a links file (cached until it changes). */
export function readLinks(file: string | null = linksPath()): LinkTemplates {
  if (file === null) return {};
  const read = readConfigFile(file, fileSchema, {
    what: 'the links file',
    rule: `each link is sources.<source>.<kind>: https://...{id}...; kinds: ${linkKinds.join(', ')}`,
    Failure: LinksError,
  });
  return read.sources ?? {};
}
