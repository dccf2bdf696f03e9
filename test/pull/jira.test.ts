/**
 * Pulls from an in-process Jira Service Management site
 * (test/pull/jiraServer.ts) serving the Jira fixtures: the records equal
 * those of the same export, JQL bounds in the token user's time zone far
 * from UTC, a record updated in the watermark's minute, an issue changed
 * between pages, rate limits, 401, Cloud's removed search, Data Center.
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixtures, freshDatabase, loadFolder } from '../helpers.ts';
import { pull, rows } from './helpers.ts';
import {
  API_TOKEN,
  EMAIL,
  issuesFromExport,
  type JiraIssue,
  type JiraServer,
  jiraInstant,
  PAT,
  startJira,
} from './jiraServer.ts';

const folder = path.join(fixtures, 'exports', 'jira');
const ZONE = 'Pacific/Kiritimati'; // UTC+14: a minute bound written in UTC would miss a whole day
let jira: JiraServer;

const config = (
  extra: Record<string, unknown> = {},
  auth: unknown = { email_env: 'JIRA_EMAIL', token_env: 'JIRA_TOKEN' },
) => ({
  sources: [
    {
      name: 'corp-jsm',
      type: 'jira',
      url: jira.url,
      auth,
      entities: [
        { entity: 'changes', jql: 'project = CHG' },
        { entity: 'incidents', jql: 'project = INC' },
      ],
      ...extra,
    },
  ],
});

function siteIssues(): JiraIssue[] {
  return [
    ...issuesFromExport(path.join(folder, 'changes.csv'), ZONE),
    ...issuesFromExport(path.join(folder, 'incidents.csv'), ZONE),
  ];
}

const canonical = async () => ({
  changes: await rows('select * exclude (source, ingest_run_id, loaded_at) from raw_changes order by change_id'),
  incidents: await rows('select * exclude (source, ingest_run_id, loaded_at) from raw_incidents order by incident_id'),
});

beforeEach(() => {
  process.env.JIRA_EMAIL = EMAIL;
  process.env.JIRA_TOKEN = API_TOKEN;
  process.env.JIRA_PAT = PAT;
});
afterEach(async () => {
  await jira?.close();
});

describe('pull from Jira Service Management', () => {
  it('stores exactly what loading the same records as an export stores', async () => {
    freshDatabase();
    for (const f of ['changes.csv', 'incidents.csv']) await loadFolder(path.join(folder, f));
    const exported = await canonical();
    expect(exported.changes.length).toBe(4);

    freshDatabase();
    jira = await startJira(siteIssues(), ZONE);
    const result = await pull(config());
    expect(result.failed).toBe(0);
    expect(result.log).toContain("the token's user works in Pacific/Kiritimati");
    expect(await canonical()).toEqual(exported);
    // custom fields were asked for by this site's ids, found by name
    expect(jira.searches[0]?.fields).toEqual(
      expect.arrayContaining(['customfield_10041', 'customfield_10042', 'customfield_10044', 'customfield_10047']),
    );
    expect(jira.searches.find((s) => s.jql.includes('INC'))?.fields).toContain('issuelinks');
    // the incident's "is caused by" link is the explicit caused-by change; one rejected priority, as from the export
    const [inc] = await rows("select caused_by_change_id from raw_incidents where incident_id = 'INC-101'");
    expect(inc).toEqual({ caused_by_change_id: 'CHG-12' });
    const runs = await rows('select entity, rows_rejected from ingest_runs order by run_id');
    expect(runs).toEqual([
      { entity: 'changes', rows_rejected: 0 },
      { entity: 'incidents', rows_rejected: 1 },
    ]);
  });

  it("writes the incremental bound in the token user's zone and finds a record updated in the watermark's minute", async () => {
    freshDatabase();
    const issues = siteIssues();
    jira = await startJira(issues, ZONE);
    await pull(config());
    const [mark] = await rows("select watermark from pull_runs where target = 'incidents'");
    expect(mark?.watermark).toBe('2026-07-19T11:00:00.000Z'); // INC-101, resolved 11:00 UTC
    // committed upstream 20 s before the watermark, but after the first pull read: the same minute
    const late = issues.find((i) => i.key === 'INC-103') as JiraIssue;
    late.fields.updated = jiraInstant(new Date('2026-07-19T10:59:40Z'), ZONE);
    late.fields.summary = 'Pagos duplicados (late)';
    jira.searches.length = 0;
    const second = await pull(config());
    expect(second.failed).toBe(0);
    // 11:00 UTC less the 2-minute overlap is 00:58 the next day in Kiritimati
    expect(jira.searches.find((s) => s.jql.includes('INC'))?.jql).toBe(
      '(project = INC) AND updated >= "2026/07/20 00:58" ORDER BY updated ASC, key ASC',
    );
    const [row] = await rows("select title from raw_incidents where incident_id = 'INC-103'");
    expect(row).toEqual({ title: 'Pagos duplicados (late)' });
    expect(await rows('select count(*)::integer as n from raw_incidents')).toEqual([{ n: 3 }]);
  });

  it('neither loses nor doubles an issue updated between two pages', async () => {
    freshDatabase();
    const issues = siteIssues();
    jira = await startJira(issues, ZONE);
    const first = issues.find((i) => i.key === 'CHG-14') as JiraIssue; // the oldest change: page 1
    jira.beforeAnswer = (n) => {
      if (n === 2) {
        first.fields.updated = jiraInstant(new Date('2026-08-01T00:00:00Z'), ZONE);
        first.fields.status = { name: 'Failed' };
      }
    };
    const result = await pull({
      sources: [{ ...config().sources[0], page_size: 1, entities: [{ entity: 'changes', jql: 'project = CHG' }] }],
    });
    expect(result.failed).toBe(0);
    const stored = await rows('select change_id from raw_changes order by 1');
    expect(stored.map((r) => r.change_id)).toEqual(['CHG-12', 'CHG-13', 'CHG-14', 'CHG-15']);
    const [run] = await rows('select rows_read from ingest_runs');
    expect(run).toEqual({ rows_read: 4 }); // the older version of the edited issue left the batch
    expect(await rows("select outcome from raw_changes where change_id = 'CHG-14'")).toEqual([{ outcome: 'failed' }]);
    // after a page, the next query starts again from the last minute seen
    expect(jira.searches[1]?.nextPageToken).toBeUndefined();
    expect(jira.searches[1]?.jql).toBe(
      '(project = CHG) AND updated >= "2025/08/05 03:00" ORDER BY updated ASC, key ASC',
    );
  });

  it('waits for Retry-After on 429, names a 401, and says what a 410 from the removed search means', async () => {
    freshDatabase();
    jira = await startJira(siteIssues(), ZONE);
    jira.failures.push({ status: 429, retryAfter: '1' });
    const limited = await pull(config());
    expect(limited.failed).toBe(0);
    expect(limited.log).toMatch(
      /HTTP 429 \(rate limit: remaining 0, limit 100, reset 2026-12-06T12:00Z\); retry 1 of 5 in 1\.0 s \(as Retry-After asks\)/,
    );

    process.env.JIRA_TOKEN = 'not-the-token';
    const denied = await pull(config());
    expect(denied.failed).toBe(1);
    expect(denied.log).toMatch(/corp-jsm: GET myself: 401 Jira did not accept the credentials/);
    expect(denied.log).not.toContain('not-the-token');

    // configured as Data Center (a token alone) against a Cloud site: /rest/api/2/search is gone
    process.env.JIRA_TOKEN = API_TOKEN;
    const asDataCenter = await pull(config({ deployment: 'data_center' }));
    expect(asDataCenter.failed).toBe(2);
    expect(asDataCenter.log).toMatch(
      /410 Gone to \/rest\/api\/2\/search, the search Jira Cloud removed: it is Jira Cloud, so set auth: \{ email_env, token_env \}/,
    );
  });

  it("pulls a project's versions as releases, and a change's fix version links it to one", async () => {
    freshDatabase();
    const issues = siteIssues();
    for (const i of issues) if (i.key === 'CHG-12') i.fields.fixVersions = [{ id: '10100', name: 'Identity 2.0' }];
    jira = await startJira(issues, ZONE);
    jira.projects.CHG = 'Identity platform';
    jira.versions.CHG = [
      {
        id: '10100',
        name: 'Identity 2.0',
        description: 'Certificate rotation',
        released: true,
        archived: false,
        startDate: '2026-07-01',
        releaseDate: '2026-07-19',
      },
      {
        id: '10101',
        name: 'Identity 2.1',
        released: false,
        archived: false,
        startDate: '2026-08-01',
        releaseDate: '2026-09-01',
      },
      { id: '10102', name: 'Identity 1.9', released: false, archived: true, startDate: '2026-05-01' },
    ];
    const result = await pull({
      sources: [
        {
          ...config().sources[0],
          page_size: 2,
          entities: [
            { entity: 'releases', projects: ['CHG'] },
            { entity: 'changes', jql: 'project = CHG' },
          ],
        },
      ],
    });
    expect(result.failed).toBe(0);
    expect(
      await rows(
        'select release_id, title, status, service, release_type, requested_at, planned_end, actual_end from raw_releases order by 1',
      ),
    ).toEqual([
      {
        release_id: 'Identity 1.9',
        title: 'Identity 1.9',
        status: 'cancelled',
        service: 'Identity platform',
        release_type: 'minor',
        requested_at: new Date('2026-05-01T00:00:00Z'),
        planned_end: null,
        actual_end: null,
      },
      {
        release_id: 'Identity 2.0',
        title: 'Certificate rotation',
        status: 'deployed',
        service: 'Identity platform',
        release_type: 'minor',
        requested_at: new Date('2026-07-01T00:00:00Z'),
        planned_end: new Date('2026-07-19T00:00:00Z'),
        actual_end: new Date('2026-07-19T00:00:00Z'),
      },
      {
        release_id: 'Identity 2.1',
        title: 'Identity 2.1',
        status: 'planned',
        service: 'Identity platform',
        release_type: 'minor',
        requested_at: new Date('2026-08-01T00:00:00Z'),
        planned_end: new Date('2026-09-01T00:00:00Z'),
        actual_end: null,
      },
    ]);
    expect(await rows("select release_id from raw_changes where change_id = 'CHG-12'")).toEqual([
      { release_id: 'Identity 2.0' },
    ]);
    // pulled again: read whole, nothing doubles
    await pull({ sources: [{ ...config().sources[0], entities: [{ entity: 'releases', projects: ['CHG'] }] }] });
    expect(await rows('select count(*)::integer as n from raw_releases')).toEqual([{ n: 3 }]);
  });

  it('pulls from Data Center with a personal access token, paging by startAt', async () => {
    freshDatabase();
    jira = await startJira(siteIssues(), 'America/Los_Angeles');
    jira.dataCenter = true;
    const result = await pull({
      sources: [{ ...config({}, { token_env: 'JIRA_PAT' }).sources[0], page_size: 2 }],
    });
    expect(result.failed).toBe(0);
    expect(result.log).toContain('Jira Data Center');
    expect(await rows('select count(*)::integer as n from raw_changes')).toEqual([{ n: 4 }]);
    expect(jira.searches.some((s) => (s.startAt ?? 0) > 0 || s.jql.includes('updated >='))).toBe(true);
  });
});
