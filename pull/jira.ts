/**
 * Jira Service Management as a pull target: Cloud through
 * POST /rest/api/3/search/jql (nextPageToken / isLast), Data Center through
 * POST /rest/api/2/search (startAt / total).
 *
 * JQL compares `updated` to the minute, in the time zone of the user whose
 * token is used: the zone is read from /myself, and every bound is written in
 * it. Records come ordered by (updated, key); after a page the query starts
 * again from the minute of the last record seen, and records already read at
 * their current update are passed over, so a record updated between two
 * pages is neither lost nor read twice.
 *
 * Export columns are resolved to fields once per run through /field: the
 * standard ones by their known ids, "Custom field (X)" by the name X (a
 * source's `fields` may name the id instead), issue links by link type.
 */
import type { JiraSource } from './config.ts';
import { type Api, PullError, request } from './http.ts';
import { type JiraSite, jiraDenied } from './jiraSite.ts';
import { versionsTarget } from './jiraVersions.ts';
import { columnsRead, type Fetched, mappingFor, type Progress, type Target } from './target.ts';

export const jiraProfiles: Record<string, string> = { changes: 'jira-change', incidents: 'jira-incident' };

/** Export columns Jira writes from a system field. */
const systemFields: Record<string, string> = {
  'issue key': 'key',
  'issue id': 'id',
  summary: 'summary',
  'issue type': 'issuetype',
  status: 'status',
  priority: 'priority',
  created: 'created',
  resolved: 'resolutiondate',
  updated: 'updated',
  'component/s': 'components',
  'fix version/s': 'fixVersions',
  'affects version/s': 'versions',
  assignee: 'assignee',
  reporter: 'reporter',
  resolution: 'resolution',
};

/** Where a column's text comes from. */
type Source = { kind: 'field'; id: string } | { kind: 'link'; direction: 'inward' | 'outward'; type: string };

const ISO = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** A Jira date-time in UTC, as the profile reads it ('YYYY-MM-DD HH:MM'); a date alone at midnight; else null. */
export function jiraTime(text: string): string | null {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return `${text} 00:00`;
  if (!ISO.test(text)) return null;
  const normalised = text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const t = new Date(normalised);
  return Number.isNaN(t.getTime()) ? null : t.toISOString().slice(0, 16).replace('T', ' ');
}

/** One field value as the CSV export writes it (the first of several). */
export function jiraText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return jiraTime(value) ?? value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length ? jiraText(value[0]) : '';
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    for (const k of ['value', 'name', 'displayName', 'key', 'rating']) {
      if (o[k] !== undefined && o[k] !== null && typeof o[k] !== 'object') return jiraText(o[k]);
    }
  }
  return '';
}

/** An instant written as JQL wants it: 'yyyy/MM/dd HH:mm' in the given zone, down to the minute. */
export function jqlMinute(instant: Date, zone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}/${parts.month}/${parts.day} ${parts.hour}:${parts.minute}`;
}

interface Issue {
  key: string;
  fields: Record<string, unknown>;
}

function checkIssue(label: string, raw: unknown): Issue {
  const i = raw as { key?: unknown; fields?: unknown } | null;
  if (!i || typeof i.key !== 'string' || !/^[A-Z][A-Z0-9_]{0,49}-\d{1,12}$/.test(i.key))
    throw new PullError(`${label}: an issue without a valid key`);
  if (!i.fields || typeof i.fields !== 'object') throw new PullError(`${label}: issue ${i.key} has no fields`);
  return { key: i.key, fields: i.fields as Record<string, unknown> };
}

type IssueEntity = Extract<JiraSource['entities'][number], { jql: string }>;

export function jiraTarget(source: JiraSource, entity: JiraSource['entities'][number], site: JiraSite): Target {
  return 'projects' in entity ? versionsTarget(source, entity, site) : issuesTarget(source, entity, site);
}

function issuesTarget(source: JiraSource, entity: IssueEntity, site: JiraSite): Target {
  const profile = entity.mapping ? undefined : jiraProfiles[entity.entity];
  const mapping = mappingFor(profile, entity.mapping);
  const label = `${source.name} ${entity.entity}`;
  const api: Api = { ...site.api, label, denied: jiraDenied };
  const overrides = new Map(Object.entries(entity.fields ?? {}).map(([k, v]) => [k.toLowerCase(), v]));

  // Each export column the mapping reads, resolved to where its text comes from; columns the site lacks are left out.
  const sources = new Map<string, Source>();
  for (const column of columnsRead(mapping)) {
    const lower = column.toLowerCase();
    const link = /^(inward|outward) issue link \((.+)\)$/i.exec(column);
    const custom = /^custom field \((.+)\)$/i.exec(column);
    const wanted = overrides.get(lower);
    if (wanted) {
      const f = site.fields.find((x) => x.id === wanted || x.name.toLowerCase() === wanted.toLowerCase());
      if (!f) throw new PullError(`${label}: fields: '${column}' names ${wanted}, which this site has no field for`);
      sources.set(column, { kind: 'field', id: f.id });
    } else if (link?.[1] && link[2]) {
      sources.set(column, { kind: 'link', direction: link[1].toLowerCase() as 'inward' | 'outward', type: link[2] });
    } else if (systemFields[lower]) {
      sources.set(column, { kind: 'field', id: systemFields[lower] });
    } else {
      const name = (custom?.[1] ?? (lower === 'satisfaction rating' ? 'Satisfaction' : column)).toLowerCase();
      const found = site.fields.filter((f) => f.name.toLowerCase() === name);
      if (found.length > 1)
        throw new PullError(
          `${label}: the site has ${found.length} fields named '${name}' (${found.map((f) => f.id).join(', ')}): say which in the entity's fields: { "${column}": ID }`,
        );
      if (found[0]) sources.set(column, { kind: 'field', id: found[0].id });
    }
  }
  const header = [...new Set(['Issue key', ...sources.keys(), 'Updated'])];
  sources.set('Issue key', { kind: 'field', id: 'key' });
  sources.set('Updated', { kind: 'field', id: 'updated' });
  const fieldIds = [
    ...new Set(
      [...sources.values()].flatMap((s) => (s.kind === 'field' ? (s.id === 'key' ? [] : [s.id]) : ['issuelinks'])),
    ),
  ];

  const rowOf = (issue: Issue): Record<string, string> => {
    const row: Record<string, string> = {};
    for (const column of header) {
      const s = sources.get(column);
      if (!s) continue;
      if (s.kind === 'field') {
        row[column] = s.id === 'key' ? issue.key : jiraText(issue.fields[s.id]);
      } else {
        const links = Array.isArray(issue.fields.issuelinks) ? issue.fields.issuelinks : [];
        const hit = links.find((l) => {
          const link = l as { type?: { name?: string }; inwardIssue?: unknown; outwardIssue?: unknown };
          return link?.type?.name?.toLowerCase() === s.type.toLowerCase() && link[`${s.direction}Issue`];
        }) as Record<string, { key?: string }> | undefined;
        row[column] = String(hit?.[`${s.direction}Issue`]?.key ?? '');
      }
    }
    return row;
  };

  const jql = (fromMinute: string | null) =>
    `${fromMinute ? `(${entity.jql}) AND updated >= "${fromMinute}"` : `(${entity.jql})`} ORDER BY updated ASC, key ASC`;

  /** One page: the issues and how to ask for the next one of the same query (null: it was the last). */
  async function page(
    query: string,
    cursor: string | number | null,
  ): Promise<{ issues: Issue[]; next: string | number | null; total: number | null }> {
    if (site.cloud) {
      const body = {
        jql: query,
        fields: fieldIds,
        maxResults: source.page_size,
        ...(cursor ? { nextPageToken: cursor } : {}),
      };
      const ans = await request(api, '/rest/api/3/search/jql', { method: 'POST', body, what: 'search' }).catch(
        (err: Error) => {
          if (/HTTP (404|410)/.test(err.message))
            throw new PullError(
              `${err.message}. ${source.url} has no Cloud search (/rest/api/3/search/jql): if it is Jira Data Center, set auth: { token_env } (a personal access token) or deployment: data_center`,
            );
          throw err;
        },
      );
      const b = ans.body as { issues?: unknown; nextPageToken?: unknown; isLast?: unknown } | null;
      if (!Array.isArray(b?.issues)) throw new PullError(`${label}: the search answer has no issues list`);
      const token = typeof b.nextPageToken === 'string' && b.nextPageToken.length <= 4096 ? b.nextPageToken : null;
      return {
        issues: b.issues.map((i) => checkIssue(label, i)),
        next: b.isLast === false ? token : null,
        total: null,
      };
    }
    const startAt = typeof cursor === 'number' ? cursor : 0;
    const body = { jql: query, fields: fieldIds, maxResults: source.page_size, startAt };
    const ans = await request(api, '/rest/api/2/search', { method: 'POST', body, what: 'search' }).catch(
      (err: Error) => {
        if (/HTTP 410/.test(err.message))
          throw new PullError(
            `${err.message}. ${source.url} answers 410 Gone to /rest/api/2/search, the search Jira Cloud removed: it is Jira Cloud, so set auth: { email_env, token_env } (or deployment: cloud) to use /rest/api/3/search/jql`,
          );
        throw err;
      },
    );
    const b = ans.body as { issues?: unknown; total?: unknown } | null;
    if (!Array.isArray(b?.issues)) throw new PullError(`${label}: the search answer has no issues list`);
    const total = typeof b.total === 'number' ? b.total : null;
    const issues = b.issues.map((i) => checkIssue(label, i));
    const seen = startAt + issues.length;
    return { issues, next: total !== null && seen < total && issues.length > 0 ? seen : null, total };
  }

  return {
    name: entity.entity,
    header,
    load: profile ? { profile } : { mappingFile: entity.mapping },
    startFrom: (w) => new Date(new Date(w).getTime() - source.overlap_minutes * 60_000).toISOString(),
    describe: (since) =>
      `POST ${source.url}${site.cloud ? '/rest/api/3/search/jql' : '/rest/api/2/search'} jql: ${jql(since ? jqlMinute(new Date(since), site.zone) : null)} (times in ${site.zone}, the token user's zone)`,
    async *fetch(since: string | null, progress: Progress): AsyncGenerator<Fetched> {
      let from = since ? jqlMinute(new Date(since), site.zone) : null;
      /** Issues read at the update they had (key -> updated), for the minutes a restart reads again. */
      const read = new Map<string, string>();
      let cursor: string | number | null = null;
      let told = false;
      for (;;) {
        const { issues, next, total } = await page(jql(from), cursor);
        if (!told && total !== null) {
          progress.total(total);
          told = true;
        }
        let lastUpdated: string | null = null;
        for (const issue of issues) {
          const updatedText = typeof issue.fields.updated === 'string' ? issue.fields.updated : '';
          const updated = new Date(updatedText.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
          if (Number.isNaN(updated.getTime()))
            throw new PullError(`${label}: issue ${issue.key} has no readable updated ('${updatedText.slice(0, 40)}')`);
          const iso = updated.toISOString();
          lastUpdated = iso;
          if (read.get(issue.key) === iso) continue;
          read.set(issue.key, iso);
          yield { id: issue.key, updated: iso, row: rowOf(issue) };
        }
        if (next === null) return;
        const minute = lastUpdated ? jqlMinute(new Date(lastUpdated), site.zone) : null;
        if (minute && minute !== from) {
          // a fresh query from the last minute seen: nothing shifts out of reach between pages
          from = minute;
          cursor = null;
        } else {
          cursor = next;
        }
        if (read.size > 2_000_000) read.clear();
      }
    },
  };
}
