/**
 * Jira versions (a project's releases) as a pull target. Versions have no
 * update time, and a project has few: every pull reads them all, one row
 * each as the project's Releases page lists them; records merge by id, so
 * nothing doubles.
 */
import type { JiraSource } from './config.ts';
import { type Api, PullError, request } from './http.ts';
import { type JiraSite, jiraDenied } from './jiraSite.ts';
import type { Fetched, Target } from './target.ts';

type VersionEntity = Extract<JiraSource['entities'][number], { projects: string[] }>;

export function versionsTarget(source: JiraSource, entity: VersionEntity, site: JiraSite): Target {
  const profile = entity.mapping ? undefined : 'jira-version';
  const label = `${source.name} releases`;
  const api: Api = { ...site.api, label, denied: jiraDenied };
  const v = site.cloud ? 3 : 2;
  const header = [
    'Project',
    'Version',
    'Version id',
    'Description',
    'Start date',
    'Release date',
    'Status',
    'Released on',
  ];
  const text = (x: unknown) => (typeof x === 'string' || typeof x === 'number' ? String(x) : '');
  const date = (x: unknown) => (typeof x === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(x) ? x : '');

  async function versionsOf(key: string): Promise<unknown[]> {
    const project = encodeURIComponent(key);
    if (!site.cloud) {
      const list = (await request(api, `/rest/api/2/project/${project}/versions`, { what: `GET ${key} versions` }))
        .body;
      if (!Array.isArray(list)) throw new PullError(`${label}: ${key}'s versions are not a list`);
      return list;
    }
    const out: unknown[] = [];
    for (let startAt = 0; ; ) {
      const b = (
        await request(api, `/rest/api/3/project/${project}/version?startAt=${startAt}&maxResults=${source.page_size}`, {
          what: `GET ${key} versions`,
        })
      ).body as { values?: unknown; isLast?: unknown } | null;
      if (!Array.isArray(b?.values)) throw new PullError(`${label}: ${key}'s versions page has no values`);
      out.push(...b.values);
      if (b.isLast !== false || b.values.length === 0) return out;
      startAt += b.values.length;
    }
  }

  return {
    name: 'releases',
    header,
    load: profile ? { profile } : { mappingFile: entity.mapping },
    startFrom: (w) => w,
    describe: () =>
      `GET ${source.url}/rest/api/${v}/project/{${entity.projects.join(',')}}/version${site.cloud ? '' : 's'} (every version, each pull)`,
    async *fetch(): AsyncGenerator<Fetched> {
      const now = new Date().toISOString();
      for (const key of entity.projects) {
        const project = (
          await request(api, `/rest/api/${v}/project/${encodeURIComponent(key)}`, { what: `GET project ${key}` })
        ).body as { name?: unknown } | null;
        const projectName = text(project?.name) || key;
        for (const raw of await versionsOf(key)) {
          const version = raw as Record<string, unknown> | null;
          const name = text(version?.name);
          if (!version || !name) throw new PullError(`${label}: a version of ${key} has no name`);
          const released = version.released === true;
          const status = released ? 'Released' : version.archived === true ? 'Archived' : 'Unreleased';
          yield {
            id: name,
            updated: now,
            row: {
              Project: projectName,
              Version: name,
              'Version id': text(version.id),
              Description: text(version.description),
              'Start date': date(version.startDate),
              'Release date': date(version.releaseDate),
              Status: status,
              'Released on': released ? date(version.releaseDate) : '',
            },
          };
        }
      }
    },
  };
}
