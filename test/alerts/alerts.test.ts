/**
 * Alerts from rules to channels: Slack, Teams and a generic webhook received
 * by an HTTP listener, email by a real SMTP server, all inside the test. A
 * rule fires once when it becomes true, stays quiet over two more ingests,
 * and clears once; a channel that fails twice gets the message on the third
 * try; digests carry the overview or the report.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlertsConfig, AlertsConfigError, readAlertsConfig } from '../../app/server/alerts/config.ts';
import { evaluateAlerts, readAlertState, readDeliveries, sendDigest } from '../../app/server/alerts/engine.server.ts';
import { renderReport } from '../../app/views/report/ReportDocument.tsx';
import { getKpis, kpiKeys } from '../../queries/kpis.ts';
import { kpiParamsSchema } from '../../queries/params.ts';
import { freshDatabase, goldenInput, loadFolder } from '../helpers.ts';
import { type Hooks, type Smtp, startHooks, startSmtp } from './receivers.ts';

let hooks: Hooks;
let smtp: Smtp;
const base = 'https://releaselens.example.com';
const march = 'unit=release&from=2025-03-01&to=2025-04-01';

function configFile(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-alerts-'));
  const file = path.join(dir, 'alerts.yaml');
  fs.writeFileSync(file, text);
  return file;
}

const yaml = `channels:
  release-team: { slack: { webhook_env: TEST_SLACK_URL } }
  ops-bridge: { teams: { webhook_env: TEST_TEAMS_URL } }
  pager: { webhook: { url_env: TEST_PAGER_URL } }
  leadership: { email: { to: [cio@example.com], from: releaselens@example.com, smtp_env: TEST_SMTP_URL } }
rules:
  - name: incidents after go-live
    when: post_release_incident_rate > 0.2
    period: { from: 2025-03-01, to: 2025-04-01 }
    notify: [release-team, ops-bridge, pager, leadership]
  - name: change failure rate above target
    when: change_failure_rate > 0.99
    period: { from: 2025-03-01, to: 2025-04-01 }
    notify: [release-team]
digests:
  - name: weekly leadership
    every: "0 8 * * MON"
    content: overview
    period: { from: 2025-03-01, to: 2025-04-01 }
    notify: [leadership, release-team]
  - name: monthly report
    every: "0 8 1 * *"
    content: report
    period: { from: 2025-03-01, to: 2025-04-01 }
    notify: [leadership]
`;

let config: AlertsConfig;
const quiet = { base, backoffMs: 20, log: () => {} };

/** A quoted-printable MIME message as text (soft breaks joined, =XX decoded). */
const plain = (raw: string) =>
  raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));

/** The golden incidents of March moved to January: none of them falls after a March go-live any more. */
function incidentsMovedAway(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-moved-'));
  const text = fs
    .readFileSync(path.join(goldenInput, 'incidents.csv'), 'utf8')
    .replace(/2025-03-(\d\d)T/g, '2025-01-$1T');
  fs.writeFileSync(path.join(dir, 'incidents.csv'), text);
  return dir;
}

beforeAll(async () => {
  hooks = await startHooks();
  smtp = await startSmtp();
  process.env.TEST_SLACK_URL = `${hooks.url}/slack`;
  process.env.TEST_TEAMS_URL = `${hooks.url}/teams`;
  process.env.TEST_PAGER_URL = `${hooks.url}/pager`;
  process.env.TEST_SMTP_URL = smtp.url;
  config = readAlertsConfig(configFile(yaml));
});
afterAll(async () => {
  await hooks.close();
  await smtp.close();
});

describe('alerts', () => {
  it('fire once when a rule becomes true, stay quiet while it holds, and clear once', async () => {
    freshDatabase();
    const withoutIncidents = fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-noinc-'));
    for (const f of fs.readdirSync(goldenInput).filter((f) => f !== 'incidents.csv'))
      fs.copyFileSync(path.join(goldenInput, f), path.join(withoutIncidents, f));
    await loadFolder(withoutIncidents);
    expect(await evaluateAlerts(config, quiet)).toEqual({ fired: [], cleared: [], errors: [], failedDeliveries: 0 });
    expect(hooks.posts.size).toBe(0);

    // the incidents arrive: 4 of 9 releases had one within 48 h
    await loadFolder(goldenInput);
    const fired = await evaluateAlerts(config, quiet);
    expect(fired).toEqual({ fired: ['incidents after go-live'], cleared: [], errors: [], failedDeliveries: 0 });

    const slack = hooks.posts.get('/slack') as {
      text: string;
      blocks: { type: string; text?: { text: string }; elements?: { url?: string; text?: string }[] }[];
    }[];
    expect(slack).toHaveLength(1);
    expect(slack[0]?.text).toBe(
      'Alert: incidents after go-live: post_release_incident_rate is 0.444, above 0.2 by 0.244',
    );
    const context = JSON.stringify(slack[0]?.blocks);
    expect(context).toContain('95% interval 0.189–0.733: it reaches 0.2, so this may be noise');
    expect(context).toContain('releases, 2025-03-01 to 2025-04-01 (UTC)');
    expect(slack[0]?.blocks.at(-1)?.elements?.[0]?.url).toBe(`${base}/?${march}`);

    const teams = hooks.posts.get('/teams') as {
      type: string;
      attachments: {
        contentType: string;
        content: { type: string; body: { text?: string }[]; actions: { url: string }[] };
      }[];
    }[];
    expect(teams).toHaveLength(1);
    expect(teams[0]?.attachments[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(teams[0]?.attachments[0]?.content.type).toBe('AdaptiveCard');
    expect(teams[0]?.attachments[0]?.content.body[0]?.text).toBe('Alert: incidents after go-live');
    expect(teams[0]?.attachments[0]?.content.actions[0]?.url).toBe(`${base}/?${march}`);

    const pager = hooks.posts.get('/pager') as Record<string, unknown>[];
    expect(pager).toHaveLength(1);
    expect(pager[0]).toMatchObject({
      schema: 'releaselens.alert.v1',
      event: 'fired',
      name: 'incidents after go-live',
      condition: 'post_release_incident_rate > 0.2',
      value: 0.444444,
      threshold: 0.2,
      interval: [0.188779, 0.733349],
      period: { from: '2025-03-01', to: '2025-04-01', timezone: 'UTC' },
      link: `${base}/?${march}`,
    });

    expect(smtp.mails).toHaveLength(1);
    const mail = plain(smtp.mails[0]?.raw ?? '');
    expect(smtp.mails[0]?.to).toEqual(['cio@example.com']);
    expect(mail).toContain('Subject: [ReleaseLens] Alert: incidents after go-live');
    expect(mail).toMatch(/Content-Type: text\/plain/);
    expect(mail).toMatch(/Content-Type: text\/html/);
    expect(mail).toContain(`<a href="${base}/?${march.replaceAll('&', '&amp;')}">Open in ReleaseLens</a>`);

    // two more ingests while it holds: nothing is sent again
    await loadFolder(goldenInput);
    await loadFolder(path.join(goldenInput), { source: 'csv' });
    for (let i = 0; i < 2; i++)
      expect(await evaluateAlerts(config, quiet)).toEqual({ fired: [], cleared: [], errors: [], failedDeliveries: 0 });
    expect(hooks.posts.get('/slack')).toHaveLength(1);
    expect(smtp.mails).toHaveLength(1);
    const [state] = (await readAlertState()).filter((s) => s.firing);
    expect(state).toMatchObject({ rule: 'incidents after go-live', firing: true });

    // the March incidents turn out to be two months earlier: only I12 (1 April) still follows a go-live, 1 of 9;
    // the rule clears, once, with the figure then
    await loadFolder(incidentsMovedAway());
    expect(await evaluateAlerts(config, quiet)).toMatchObject({ fired: [], cleared: ['incidents after go-live'] });
    const cleared = (hooks.posts.get('/pager') as Record<string, unknown>[])[1];
    expect(cleared).toMatchObject({
      event: 'cleared',
      value: 0.111111,
      headline: 'cleared: post_release_incident_rate is 0.111 (the rule: post_release_incident_rate > 0.2)',
    });
    expect(await evaluateAlerts(config, quiet)).toMatchObject({ fired: [], cleared: [] });
    expect(hooks.posts.get('/pager')).toHaveLength(2);
    expect(smtp.mails).toHaveLength(2);
    expect((await readDeliveries()).map((d) => [d.channel, d.sent, d.failed])).toEqual([
      ['leadership', 2, 0],
      ['ops-bridge', 2, 0],
      ['pager', 2, 0],
      ['release-team', 2, 0],
    ]);
  });

  it('a channel that fails twice gets the message on the third try; one that keeps failing is recorded, without its secret', async () => {
    freshDatabase();
    await loadFolder(goldenInput);
    hooks.posts.clear();
    hooks.failFirst.set('/slack', 2);
    const lines: string[] = [];
    process.env.TEST_TEAMS_URL = `${hooks.url}/teams?key=very-secret-teams-key`;
    hooks.failFirst.set('/teams?key=very-secret-teams-key', 99);
    const result = await evaluateAlerts(config, { ...quiet, log: (l) => lines.push(l) });
    process.env.TEST_TEAMS_URL = `${hooks.url}/teams`;
    hooks.failFirst.clear();
    expect(result.fired).toEqual(['incidents after go-live']);
    expect(result.failedDeliveries).toBe(1);
    expect(hooks.posts.get('/slack')).toHaveLength(1);
    expect(lines.filter((l) => l.includes('release-team'))).toEqual([
      expect.stringMatching(/^alerts: channel release-team: HTTP 500: temporarily broken; try 2 of 4 in/),
      expect.stringMatching(/^alerts: channel release-team: HTTP 500: temporarily broken; try 3 of 4 in/),
    ]);
    const deliveries = await readDeliveries();
    expect(deliveries.find((d) => d.channel === 'release-team')).toMatchObject({
      sent: 1,
      failed: 0,
      last_error: null,
    });
    expect(deliveries.find((d) => d.channel === 'ops-bridge')).toMatchObject({
      sent: 0,
      failed: 1,
      last_error: 'channel ops-bridge: HTTP 500: temporarily broken',
    });
    expect(lines.join('\n')).not.toContain('very-secret-teams-key');
  });

  it('a missing channel secret is named, never guessed', async () => {
    freshDatabase();
    await loadFolder(goldenInput);
    const saved = process.env.TEST_PAGER_URL;
    delete process.env.TEST_PAGER_URL;
    try {
      const result = await evaluateAlerts(config, quiet);
      expect(result.failedDeliveries).toBe(1);
      expect((await readDeliveries()).find((d) => d.channel === 'pager')?.last_error).toBe(
        'channel pager: the environment variable TEST_PAGER_URL is not set',
      );
    } finally {
      process.env.TEST_PAGER_URL = saved;
    }
  });

  it('digests: the overview to email and Slack, the report attached to an email', async () => {
    freshDatabase();
    await loadFolder(goldenInput);
    hooks.posts.clear();
    smtp.mails.length = 0;
    const weekly = config.digests[0];
    const monthly = config.digests[1];
    if (!weekly || !monthly) throw new Error('no digests');
    expect(await sendDigest(config, weekly, quiet)).toBe(0);
    const slack = hooks.posts.get('/slack') as { text: string; blocks: unknown[] }[];
    expect(slack[0]?.text).toMatch(/^Digest: weekly leadership: /);
    const text = JSON.stringify(slack[0]?.blocks);
    expect(text).toContain('Change failure rate: 66.7%');
    expect(text).toMatch(/DORA (elite|high|medium|low)/);
    const mail = plain(smtp.mails[0]?.raw ?? '');
    expect(mail).toContain('Subject: [ReleaseLens] Digest: weekly leadership');
    expect(mail).toContain('Change failure rate: 66.7%');

    expect(await sendDigest(config, monthly, { ...quiet, renderReport })).toBe(0);
    const report = smtp.mails[1]?.raw ?? '';
    expect(report).toMatch(
      /Content-Disposition: attachment;\s+filename="?releaselens-report-2025-03-01-2025-04-01\.html/,
    );
    expect(report).toMatch(/Content-Type: text\/html;[^\n]*\s*name="?releaselens-report/);
    expect(plain(report)).toContain('The retrospective report is attached.');
  });

  it('a dry run says what would be sent and stores nothing', async () => {
    freshDatabase();
    await loadFolder(goldenInput);
    hooks.posts.clear();
    const printed: string[] = [];
    const result = await evaluateAlerts(config, { ...quiet, dryRun: true, print: (t) => printed.push(t) });
    expect(result.fired).toEqual(['incidents after go-live']);
    expect(printed[0]).toBe(
      'would send to release-team: fired incidents after go-live: post_release_incident_rate is 0.444, above 0.2 by 0.244\n',
    );
    expect(hooks.posts.size).toBe(0);
    expect(await readAlertState()).toEqual([]);
  });
});

describe('alerts.yaml', () => {
  const problem = (text: string) => {
    try {
      readAlertsConfig(configFile(text));
    } catch (err) {
      expect(err).toBeInstanceOf(AlertsConfigError);
      return (err as Error).message;
    }
    throw new Error('no error');
  };

  it('names the key and the line of every problem', () => {
    expect(problem(yaml.replace('when: change_failure_rate > 0.99', 'when: change_failure_rat > 0.99'))).toMatch(
      /alerts\.yaml: line 12: rules\.1\.when: there is no KPI change_failure_rat \(the KPIs are completed, success_rate/,
    );
    expect(problem(yaml.replace('when: change_failure_rate > 0.99', 'when: change_failure_rate >> 0.99'))).toMatch(
      /line 12: rules\.1\.when: cannot read the gate 'change_failure_rate >> 0\.99'/,
    );
    expect(problem(yaml.replace('notify: [release-team]\ndigests', 'notify: [release-tem]\ndigests'))).toMatch(
      /line 14: rules\.1\.notify\.0: no channel release-tem; there are release-team, ops-bridge, pager, leadership/,
    );
    expect(problem(yaml.replace('every: "0 8 * * MON"', 'every: "*/5 * * * *"'))).toMatch(
      /line 17: digests\.0\.every: a digest runs at most once an hour/,
    );
    expect(problem(yaml.replace('every: "0 8 * * MON"', 'every: "whenever"'))).toMatch(
      /digests\.0\.every: not a cron expression/,
    );
    expect(
      problem(yaml.replace('webhook_env: TEST_SLACK_URL', 'webhook: https://hooks.slack.com/services/T0/B0/secret')),
    ).toMatch(/line 2: channels\.release-team/);
    expect(problem(yaml.replace('to: [cio@example.com]', 'to: [not-an-address]'))).toMatch(
      /line 5: channels\.leadership/,
    );
    expect(
      problem(`${yaml}  - name: weekly leadership\n    every: "0 8 * * MON"\n    notify: [pager]\n    extra: 1\n`),
    ).toMatch(/digests\.2: Unrecognized key: "extra"/);
    expect(problem('channels: {}\n')).toMatch(/channels: name at least one channel/);
    expect(problem('channels: [\n')).toMatch(/line \d+, column \d+: not valid YAML/);
  });

  it('knows every KPI a report has', async () => {
    freshDatabase();
    await loadFolder(goldenInput);
    const report = await getKpis(kpiParamsSchema.parse({ from: '2025-03-01', to: '2025-04-01' }));
    expect([...kpiKeys].sort()).toEqual(Object.keys(report.kpis).sort());
  });
});
