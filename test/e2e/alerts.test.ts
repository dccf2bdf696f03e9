/**
 * Alerts in the running dashboard: it reads the rules when it starts and after
 * every new data version (here, an ingest handed to it), fires once, shows the
 * firing alerts (a count beside the Alerts link, the /alerts page) and the
 * deliveries (Data page); `npm run alerts -- --once` runs them through it.
 * Without a dashboard, the command runs them itself; a rebuild keeps the state.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeServerInfo, writeServerInfo } from '../../lib/runningServer.ts';
import { type Hooks, startHooks } from '../alerts/receivers.ts';
import { browserAvailable, build, database, launchBrowser, root, type Server, serve } from './server.ts';

const input = path.join(root, 'test', 'fixtures', 'golden', 'input');
const token = `${'q'.repeat(24)}alerts-handoff-token-0123456789`;

const alertsYaml = `channels:
  pager: { webhook: { url_env: TEST_PAGER_URL } }
digests:
  - name: weekly
    every: "0 8 * * MON"
    period: { from: 2025-03-01, to: 2025-04-01 }
    notify: [pager]
rules:
  - name: incidents after go-live
    when: post_release_incident_rate > 0.2
    period: { from: 2025-03-01, to: 2025-04-01 }
  - name: freeze broken
    when: freeze_violation
    period: { from: 2025-03-01, to: 2025-04-01 }
`;

/** The command, run beside this process (not blocking it: the receivers here must answer). */
const command = (args: string[], env: Record<string, string> = {}) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'scripts/alerts.ts', ...args], {
      cwd: root,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c) => (stdout += String(c)));
    p.stderr.on('data', (c) => (stderr += String(c)));
    p.on('exit', (status) => resolve({ status, stdout, stderr }));
  });

describe('alerts in the dashboard', () => {
  let server: Server;
  let hooks: Hooks;
  let db: string;
  let config: string;

  beforeAll(async () => {
    build();
    hooks = await startHooks();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-e2e-alerts-'));
    config = path.join(dir, 'alerts.yaml');
    fs.writeFileSync(config, alertsYaml);
    db = database(
      'alerts',
      fs
        .readdirSync(input)
        .filter((f) => f !== 'incidents.csv')
        .map((f) => path.join(input, f)),
    );
    server = await serve(db, {
      RELEASELENS_INGEST_TOKEN: token,
      RELEASELENS_ALERTS: config,
      RELEASELENS_URL: 'https://rl.example.com',
      TEST_PAGER_URL: `${hooks.url}/pager`,
    });
    writeServerInfo(db, { pid: server.pid, port: server.port, token });
  });
  afterAll(async () => {
    removeServerInfo(db, server.pid);
    await server?.stop();
    await hooks?.close();
  });

  const waitFor = async (check: () => boolean) => {
    for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 100));
  };

  it('reads the rules at start and after a new data version, fires once, and shows what fired', async () => {
    // at start: the golden freeze violation, no incidents yet
    await waitFor(() => (hooks.posts.get('/pager') ?? []).length >= 1);
    expect((hooks.posts.get('/pager') as { name: string }[]).map((p) => p.name)).toEqual(['freeze broken']);
    expect(server.log()).toMatch(/alerts: 2 rule\(s\) and 1 digest\(s\) from .*alerts\.yaml, to 1 channel\(s\)/);

    // beside this process, not blocking it: the dashboard posts to the listener here meanwhile
    const status = await new Promise<number | null>((resolve) =>
      spawn(
        process.execPath,
        ['--import', 'tsx', 'ingest/ingestCommand.ts', '--db', db, path.join(input, 'incidents.csv')],
        {
          cwd: root,
          stdio: 'ignore',
        },
      ).on('exit', resolve),
    );
    expect(status).toBe(0);
    await waitFor(() => (hooks.posts.get('/pager') ?? []).length >= 2);
    const pager = hooks.posts.get('/pager') as { name: string; event: string; link: string }[];
    expect(pager.map((p) => [p.event, p.name])).toEqual([
      ['fired', 'freeze broken'],
      ['fired', 'incidents after go-live'],
    ]);
    expect(pager[1]?.link).toBe('https://rl.example.com/?unit=release&from=2025-03-01&to=2025-04-01');

    const api = await (await fetch(`${server.url}/api/alerts`)).json();
    expect(api).toMatchObject({ configured: true, active: 2 });
    const page = await (await fetch(`${server.url}/alerts`)).text();
    expect(page).toContain('Firing now (<!-- -->2<!-- -->)');
    expect(page).toContain('href="/?unit=release&amp;from=2025-03-01&amp;to=2025-04-01"');
    const data = await (await fetch(`${server.url}/data`)).text();
    expect(data).toContain('data-table="deliveries"');

    // the command beside a serving dashboard runs the rules there: nothing changed, nothing sent
    const once = await command(['--once', '--db', db, '--config', config]);
    expect(once.stderr).toMatch(/the dashboard holds the database; it read the rules/);
    expect(once.stderr).toMatch(/alerts: nothing changed/);
    expect(once.status).toBe(0);
    expect(hooks.posts.get('/pager')).toHaveLength(2);

    // a digest now, through the dashboard
    const digest = await command(['--digest', 'weekly', '--db', db, '--config', config]);
    expect(digest.status).toBe(0);
    const sent = (hooks.posts.get('/pager') as { event: string; name: string; lines: string[] }[])[2];
    expect(sent).toMatchObject({ event: 'digest', name: 'weekly' });
    expect(sent?.lines.join('\n')).toContain('Change failure rate: 66.7%');
    const after = await (await fetch(`${server.url}/api/alerts`)).json();
    expect(after.digests).toEqual([{ name: 'weekly', next: expect.stringMatching(/T08:00:00\.000Z$/) }]);
  });

  it('shows the number firing beside the Alerts link, after a reload and a Back too', async (ctx) => {
    if (!browserAvailable()) {
      if (process.env.CI) throw new Error('chromium is missing: .ci/run installs it');
      ctx.skip();
    }
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(`${server.url}/trends`);
      await page.waitForSelector('[data-alerts-active="2"]');
      await page.getByRole('link', { name: 'Alerts: 2 firing' }).click();
      await page.waitForSelector('[data-list="active-alerts"]');
      expect(await page.locator('[data-list="active-alerts"] li').count()).toBe(2);
      await page.reload();
      await page.waitForSelector('[data-alerts-active="2"]');
      await page.goBack();
      await page.waitForSelector('[data-alerts-active="2"]');
    } finally {
      await browser.close();
    }
  });

  it('refuses a run request from a viewer, and a bad body', async () => {
    const bad = await fetch(`${server.url}/api/alerts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"dry_run": "yes"}',
    });
    expect(bad.status).toBe(400);
    const anonymous = await fetch(`${server.url}/api/alerts`, { method: 'POST', body: '{}' });
    expect(anonymous.status).toBe(403);
    const dry = await fetch(`${server.url}/api/alerts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"dry_run": true}',
    });
    expect(await dry.json()).toMatchObject({ fired: [], cleared: [] });
  });
});

describe('npm run alerts without a dashboard', () => {
  it('runs the rules itself, keeps their state through a rebuild, and exits 2 on a bad file', async () => {
    const hooks = await startHooks();
    try {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-cli-alerts-'));
      const config = path.join(dir, 'alerts.yaml');
      fs.writeFileSync(config, alertsYaml);
      const db = database('alerts-cli', [input]);
      const env = { TEST_PAGER_URL: `${hooks.url}/pager`, RELEASELENS_URL: 'https://rl.example.com' };
      const dry = await command(['--once', '--dry-run', '--db', db, '--config', config], env);
      expect(dry.stdout).toContain('would send to pager: fired incidents after go-live');
      expect(hooks.posts.size).toBe(0);
      const first = await command(['--once', '--db', db, '--config', config], env);
      expect(first.status).toBe(0);
      expect(first.stdout).toBe('fired: incidents after go-live\nfired: freeze broken\n');
      expect(hooks.posts.get('/pager')).toHaveLength(2);
      const rebuilt = spawnSync(process.execPath, ['--import', 'tsx', 'ingest/rebuild.ts', '--db', db], {
        cwd: root,
        encoding: 'utf8',
      });
      expect(rebuilt.status).toBe(0);
      const again = await command(['--once', '--db', db, '--config', config], env);
      expect(again.status).toBe(0);
      expect(again.stdout).toBe('');
      expect(hooks.posts.get('/pager')).toHaveLength(2); // the state survived the rebuild: nothing repeats

      fs.writeFileSync(config, alertsYaml.replace('when: freeze_violation', 'when: freeze_violations >> 1'));
      const bad = await command(['--once', '--db', db, '--config', config], env);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(/alerts\.yaml: line 13: rules\.1\.when: cannot read the gate/);
      expect((await command(['--db', db])).status).toBe(2);
    } finally {
      await hooks.close();
    }
  });
});
