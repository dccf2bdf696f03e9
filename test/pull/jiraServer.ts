/**
 * An in-process Jira Service Management site, as Atlassian documents it:
 * Cloud's POST /rest/api/3/search/jql (nextPageToken / isLast; only ids
 * unless fields are named; the removed /rest/api/3/search and
 * /rest/api/2/search answer 410), or Data Center's POST /rest/api/2/search
 * (startAt / total); /myself with the token user's time zone; /field with
 * the site's own custom field ids. JQL: `project = KEY`, `updated >=
 * "yyyy/MM/dd HH:mm"` read in the user's zone, ORDER BY updated, key.
 * Tests queue 429s (Retry-After, X-RateLimit-*) and change issues between
 * requests.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'csv-parse/sync';

export const EMAIL = 'releaselens@example.com';
export const API_TOKEN = 'ATATT3xFfGF0-very-secret-api-token';
export const PAT = 'NjQ2MDk4-data-center-personal-token';

export interface JiraIssue {
  id: string;
  key: string;
  fields: Record<string, unknown>;
}

export interface JiraServer {
  url: string;
  issues: JiraIssue[];
  zone: string;
  /** Answer as Data Center (/rest/api/2/search) instead of Cloud. */
  dataCenter: boolean;
  failures: { status: 429 | 503; retryAfter?: string }[];
  beforeAnswer?: (n: number) => void;
  /** Each project's versions, as /project/{key}/version gives them. */
  versions: Record<string, Record<string, unknown>[]>;
  projects: Record<string, string>;
  /** Each search request's JSON body. */
  searches: { jql: string; fields?: string[]; maxResults?: number; nextPageToken?: string; startAt?: number }[];
  close(): Promise<void>;
}

/** The site's fields: system ones and custom ones with this site's ids. */
export const siteFields = [
  { id: 'summary', name: 'Summary', custom: false },
  { id: 'issuetype', name: 'Issue Type', custom: false },
  { id: 'status', name: 'Status', custom: false },
  { id: 'priority', name: 'Priority', custom: false },
  { id: 'created', name: 'Created', custom: false },
  { id: 'resolutiondate', name: 'Resolved', custom: false },
  { id: 'updated', name: 'Updated', custom: false },
  { id: 'components', name: 'Components', custom: false },
  { id: 'issuelinks', name: 'Linked Issues', custom: false },
  { id: 'customfield_10041', name: 'Change type', custom: true },
  { id: 'customfield_10042', name: 'Change risk', custom: true },
  { id: 'customfield_10043', name: 'Affected services', custom: true },
  { id: 'customfield_10044', name: 'Planned start', custom: true },
  { id: 'customfield_10045', name: 'Planned end', custom: true },
  { id: 'customfield_10046', name: 'Actual start', custom: true },
  { id: 'customfield_10047', name: 'Actual end', custom: true },
];

const months: Record<string, number> = {
  jan: 1,
  ene: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  abr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  ago: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
  dic: 12,
};

/** The export's '18/jul/26 9:10 AM' (UTC) as an instant. */
export function exportTime(text: string): Date | null {
  const m = /^(\d{1,2})\/([a-z]{3})\/(\d{2}) (\d{1,2}):(\d{2}) (AM|PM)$/i.exec(text.trim());
  if (!m) return null;
  const month = months[(m[2] as string).toLowerCase()];
  if (!month) return null;
  const hour = (Number(m[4]) % 12) + ((m[6] as string).toUpperCase() === 'PM' ? 12 : 0);
  return new Date(Date.UTC(2000 + Number(m[3]), month - 1, Number(m[1]), hour, Number(m[5])));
}

/** An instant as Jira's REST API writes it, in the given zone: 2026-07-19T23:10:00.000+1400. */
export function jiraInstant(t: Date, zone: string): string {
  const offsetMin = zoneOffsetMinutes(t, zone);
  const local = new Date(t.getTime() + offsetMin * 60_000).toISOString().slice(0, 23);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
}

function zoneOffsetMinutes(t: Date, zone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
      .formatToParts(t)
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number>;
  const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return Math.round((asUtc - Math.floor(t.getTime() / 1000) * 1000) / 60_000);
}

/** 'yyyy/MM/dd HH:mm' in the zone -> the instant. */
function localMinute(text: string, zone: string): Date {
  const m = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2})$/.exec(text);
  if (!m) throw new Error(`bad date ${text}`);
  const guess = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  const offset = zoneOffsetMinutes(new Date(guess), zone);
  return new Date(guess - offset * 60_000);
}

/** Issues from a Jira CSV export (the fixtures): values as the REST API gives them. */
export function issuesFromExport(file: string, zone: string): JiraIssue[] {
  const records = parse(fs.readFileSync(file, 'utf8'), { columns: false }) as string[][];
  const [header = [], ...rows] = records;
  const custom = (name: string) => siteFields.find((f) => f.name === name)?.id as string;
  return rows.map((row) => {
    const cells = (column: string) => header.flatMap((h, i) => (h === column && row[i] ? [row[i] as string] : []));
    const one = (column: string) => cells(column)[0] ?? null;
    const time = (column: string) => {
      const t = one(column);
      const d = t ? exportTime(t) : null;
      return d ? jiraInstant(d, zone) : null;
    };
    const fields: Record<string, unknown> = {
      summary: one('Summary'),
      issuetype: { name: one('Issue Type') },
      status: { name: one('Status'), statusCategory: { key: 'done' } },
      priority: one('Priority') ? { name: one('Priority') } : null,
      created: time('Created'),
      resolutiondate: time('Resolved'),
      components: cells('Component/s').map((name) => ({ name })),
      issuelinks: cells('Inward issue link (Causes)').map((key, i) => ({
        id: String(i + 1),
        type: { name: 'Causes', inward: 'is caused by', outward: 'causes' },
        inwardIssue: { key },
      })),
    };
    const option = (name: string) => (one(`Custom field (${name})`) ? { value: one(`Custom field (${name})`) } : null);
    fields[custom('Change type')] = option('Change type');
    fields[custom('Change risk')] = option('Change risk');
    const services = one('Custom field (Affected services)');
    fields[custom('Affected services')] = services ? [{ id: '1', name: services }] : [];
    for (const name of ['Planned start', 'Planned end', 'Actual start', 'Actual end'])
      fields[custom(name)] = time(`Custom field (${name})`);
    fields.updated = fields.resolutiondate ?? fields.created;
    return { id: one('Issue id') ?? '', key: one('Issue key') ?? '', fields };
  });
}

export async function startJira(issues: JiraIssue[], zone: string): Promise<JiraServer> {
  let count = 0;
  const state: Omit<JiraServer, 'url' | 'close'> = {
    issues,
    zone,
    dataCenter: false,
    failures: [],
    searches: [],
    versions: {},
    projects: {},
  };
  const instant = (i: JiraIssue) =>
    new Date(String(i.fields.updated).replace(/([+-]\d{2})(\d{2})$/, '$1:$2')).getTime();
  const server = http.createServer((req, res) => {
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers });
      res.end(JSON.stringify(body));
    };
    const auth = req.headers.authorization ?? '';
    const cloudAuth = `Basic ${Buffer.from(`${EMAIL}:${API_TOKEN}`).toString('base64')}`;
    if (auth !== (state.dataCenter ? `Bearer ${PAT}` : cloudAuth))
      return send(401, {
        errorMessages: ['You are not authenticated. Authentication required to perform this operation.'],
      });
    const url = new URL(req.url ?? '/', 'http://localhost');
    // Cloud answers both versions of the REST API; Data Center only version 2
    const versions = state.dataCenter ? ['2'] : ['2', '3'];
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      const [, version, resource] = /^\/rest\/api\/(\d)\/(myself|field)$/.exec(url.pathname) ?? [];
      if (version && versions.includes(version)) {
        if (resource === 'myself') return send(200, { accountId: 'abc', timeZone: state.zone });
        return send(200, siteFields);
      }
      const project = /^\/rest\/api\/(\d)\/project\/([A-Z]+)(\/versions?)?$/.exec(url.pathname);
      if (project && versions.includes(project[1] as string)) {
        const key = project[2] as string;
        if (!state.projects[key]) return send(404, { errorMessages: [`No project could be found with key '${key}'.`] });
        if (!project[3]) return send(200, { key, name: state.projects[key] });
        const all = state.versions[key] ?? [];
        // Cloud pages /version (startAt, maxResults); /versions gives them all, as Data Center does
        if (project[3] === '/versions') return send(200, all);
        if (state.dataCenter) return send(404, { errorMessages: ['Not found'] });
        const startAt = Number(url.searchParams.get('startAt') ?? 0);
        const max = Number(url.searchParams.get('maxResults') ?? 50);
        const values = all.slice(startAt, startAt + max);
        return send(200, { startAt, maxResults: max, total: all.length, isLast: startAt + max >= all.length, values });
      }
      const cloudSearch = url.pathname === '/rest/api/3/search/jql';
      const dcSearch = url.pathname === '/rest/api/2/search';
      if (!state.dataCenter && (dcSearch || url.pathname === '/rest/api/3/search'))
        return send(410, {
          errorMessages: ['The requested API has been removed. Please migrate to the /rest/api/3/search/jql API.'],
        });
      if (!(state.dataCenter ? dcSearch : cloudSearch)) return send(404, { errorMessages: ['Not found'] });
      count++;
      const failure = state.failures.shift();
      if (failure)
        return send(
          failure.status,
          { errorMessages: ['Rate limit exceeded'] },
          {
            ...(failure.retryAfter ? { 'retry-after': failure.retryAfter } : {}),
            'x-ratelimit-limit': '100',
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset': '2026-12-06T12:00Z',
          },
        );
      state.beforeAnswer?.(count);
      const body = JSON.parse(text) as JiraServer['searches'][number];
      state.searches.push(body);
      const m = /^\(project = ([A-Z]+)\)(?: AND updated >= "([^"]+)")? ORDER BY updated ASC, key ASC$/.exec(body.jql);
      if (!m) return send(400, { errorMessages: [`Error in the JQL Query: ${body.jql}`] });
      const from = m[2] ? localMinute(m[2], state.zone).getTime() : null;
      const keyNumber = (k: string) => Number(k.split('-')[1]);
      const found = state.issues
        .filter((i) => i.key.startsWith(`${m[1]}-`) && (from === null || instant(i) >= from))
        .sort((a, b) => instant(a) - instant(b) || keyNumber(a.key) - keyNumber(b.key));
      const max = body.maxResults ?? 50;
      const start = state.dataCenter
        ? (body.startAt ?? 0)
        : body.nextPageToken
          ? Number(Buffer.from(body.nextPageToken, 'base64url').toString())
          : 0;
      const page = found.slice(start, start + max).map((i) => ({
        id: i.id,
        key: i.key,
        // only the fields asked for; without any, ids alone
        fields: Object.fromEntries((body.fields ?? []).filter((f) => f in i.fields).map((f) => [f, i.fields[f]])),
      }));
      const more = start + max < found.length;
      if (state.dataCenter) return send(200, { startAt: start, maxResults: max, total: found.length, issues: page });
      send(200, {
        issues: page,
        isLast: !more,
        ...(more ? { nextPageToken: Buffer.from(String(start + max)).toString('base64url') } : {}),
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
