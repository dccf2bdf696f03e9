/** The two commands as a user runs them: exit codes, summaries, JSON output. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtures, goldenInput, tempCsv, withoutGovernance } from './helpers.ts';

const root = path.join(import.meta.dirname, '..');
const run = (script: string, args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, TZ: 'UTC', ...env },
  });

describe('npm run ingest and npm run kpis', () => {
  const db = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-cli-')), 'cli.duckdb');

  it('ingests the golden folder with one summary line per file and exit 0', () => {
    const r = run('ingest/ingestCommand.ts', ['--db', db, goldenInput]);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[3]).toMatch(
      /incidents.csv: incidents from csv \(canonical\): 11 read, 11 loaded \(11 new, 0 changed, 0 unchanged\), 0 rejected in [\d.]+ s \([\d,]+ rows\/s\), run \d+/,
    );
  });

  it('runs the same from the compiled entry that npm run ingest uses (scripts/cli.mjs)', () => {
    const compiledDb = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-cli-')), 'compiled.duckdb');
    const r = spawnSync(
      process.execPath,
      ['scripts/cli.mjs', 'ingest/ingestCommand.ts', '--db', compiledDb, goldenInput],
      {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, TZ: 'UTC' },
      },
    );
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')[3]).toMatch(
      /incidents.csv: incidents from csv \(canonical\): 11 read, 11 loaded/,
    );
    expect(fs.existsSync(path.join(root, 'build', 'cli', 'ingest__ingestCommand.mjs'))).toBe(true);
    const usage = spawnSync(process.execPath, ['scripts/cli.mjs', 'ingest/ingestCommand.ts'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/usage: npm run ingest/);
  });

  it('says how many records were new, changed and unchanged when an export loads again', () => {
    const again = run('ingest/ingestCommand.ts', ['--db', db, path.join(goldenInput, 'incidents.csv')]);
    expect(again.stdout).toMatch(/11 read, 11 loaded \(0 new, 0 changed, 11 unchanged\), 0 rejected/);
    const lines = fs.readFileSync(path.join(goldenInput, 'incidents.csv'), 'utf8').trim().split('\n');
    // one record with another title, one record new; the rest as before
    const edited = [...lines.slice(0, 2), lines[2]?.replace(/,[^,]*$/, ',Another title'), ...lines.slice(3)];
    const file = tempCsv(
      'incidents.csv',
      `${[...edited, 'INEW,2030-01-01T00:00:00Z,,,3,x,,,open,,,,new one'].join('\n')}\n`,
    );
    const changed = run('ingest/ingestCommand.ts', ['--db', db, file]);
    expect(changed.stdout).toMatch(/12 read, 12 loaded \(1 new, 1 changed, 10 unchanged\), 0 rejected/);
    // and back to the golden file, so the next tests see it
    expect(run('ingest/ingestCommand.ts', ['--db', db, goldenInput]).status).toBe(0);
  });

  it('prints the golden release.json with --json', () => {
    const r = run('queries/kpisCommand.ts', [
      '--db',
      db,
      '--json',
      '--from',
      '2025-03-01',
      '--to',
      '2025-04-01',
      '--as-of',
      '2025-04-15T00:00:00Z',
    ]);
    expect(r.status).toBe(0);
    const expected = JSON.parse(fs.readFileSync(path.join(fixtures, 'golden', 'expected', 'release.json'), 'utf8'));
    expect(withoutGovernance(JSON.parse(r.stdout))).toEqual(expected);
  });

  it('--fail-if gates: exit 3 with one line per breach and a JUnit file; exit 0 when none breaches', () => {
    const period = ['--db', db, '--from', '2025-03-01', '--to', '2025-04-01', '--as-of', '2025-04-15T00:00:00Z'];
    const junit = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-junit-')), 'gates.xml');
    // golden March: change failure rate 6/9 = 0.666667, 95% interval 0.354202-0.879416
    const r = run('queries/kpisCommand.ts', [
      ...period,
      '--fail-if',
      'change_failure_rate>0.15',
      '--fail-if',
      'change_failure_rate.ci95_low>0.5',
      '--fail-if',
      'lead_time_hours.n<1',
      '--junit',
      junit,
    ]);
    expect(r.status).toBe(3);
    expect(r.stderr).toContain(
      'breach: change_failure_rate = 0.666667 (95% interval 0.354202-0.879416) > 0.15\ngates: 1 of 3 breached',
    );
    const xml = fs.readFileSync(junit, 'utf8');
    expect(xml).toMatch(
      /<testsuite name="releaselens release KPIs 2025-03-01..2025-04-01 \(UTC\)" tests="3" failures="1" skipped="0">/,
    );
    expect(xml).toContain('<testcase classname="releaselens.kpis" name="change_failure_rate&gt;0.15">\n      <failure');
    expect(xml).toContain(
      '<testcase classname="releaselens.kpis" name="change_failure_rate.ci95_low&gt;0.5"></testcase>',
    );

    const ok = run('queries/kpisCommand.ts', [
      ...period,
      '--fail-if',
      'success_rate<0.3',
      '--fail-if',
      'backlog.overdue>5',
    ]);
    expect(ok.status).toBe(0);
    expect(ok.stderr).toContain('gates: 0 of 2 breached');
  });

  it('--targets gates on the targets file: max as KPI>N, min as KPI<N, a single team with its own', () => {
    const period = ['--db', db, '--from', '2025-03-01', '--to', '2025-04-01', '--as-of', '2025-04-15T00:00:00Z'];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-targets-'));
    const file = path.join(dir, 'targets.yaml');
    fs.writeFileSync(
      file,
      'targets:\n  change_failure_rate: { max: 0.15 }\n  success_rate: { min: 0.3 }\nteams:\n  Team Ledger:\n    change_failure_rate: { max: 0.9 }\n',
    );
    const env = { RELEASELENS_TARGETS: file };
    // golden March: change failure rate 6/9 = 0.666667, success rate 3/9
    const r = run('queries/kpisCommand.ts', [...period, '--targets'], env);
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('breach: change_failure_rate = 0.666667 (95% interval 0.354202-0.879416) > 0.15');
    expect(r.stderr).toContain('gates: 1 of 2 breached');
    // Team Ledger in March: 3 of 4 failed (0.75), within its own 0.9 though above the organisation's 0.15
    const team = run('queries/kpisCommand.ts', [...period, '--team', 'Team Ledger', '--targets'], env);
    expect(team.stderr).not.toContain('breach: change_failure_rate');
    expect(team.stderr).toContain('breach: success_rate = 0.25');
    expect(team.stderr).toContain('gates: 1 of 2 breached');
    fs.writeFileSync(file, 'targets:\n  change_fail_rate: { max: 0.15 }\n');
    const bad = run('queries/kpisCommand.ts', [...period, '--targets'], env);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(`${file}: targets: Unrecognized key`);
  });

  it('--fail-if: a bad expression or an unknown KPI is exit 2 with the grammar', () => {
    const period = ['--db', db, '--from', '2025-03-01', '--to', '2025-04-01'];
    const bad = run('queries/kpisCommand.ts', [...period, '--fail-if', 'change_failure_rate => 0.1']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/cannot read the gate 'change_failure_rate => 0.1'; a gate is KPI\[\.FIELD\] OP NUMBER/);
    const unknown = run('queries/kpisCommand.ts', [...period, '--fail-if', 'happiness<0.5']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/names 'happiness', which the KPI report does not have/);
  });

  it('--fail-if: a rate compared with a percentage is exit 2 with the fraction it meant, not a silent pass', () => {
    const period = ['--db', db, '--from', '2025-03-01', '--to', '2025-04-01'];
    for (const [gate, fraction] of [
      ['change_failure_rate>15', 'change_failure_rate>0.15'],
      ['change_failure_rate.ci95_low>=15', 'change_failure_rate>=0.15'],
      ['schedule_adherence<80', 'schedule_adherence<0.8'],
    ] as const) {
      const r = run('queries/kpisCommand.ts', [...period, '--fail-if', gate]);
      expect(r.status, gate).toBe(2);
      expect(r.stderr).toContain('rates are fractions from 0 to 1');
      expect(r.stderr).toContain(fraction);
    }
    // counts and durations are not fractions; a rate's numerator neither
    const ok = run('queries/kpisCommand.ts', [
      ...period,
      '--fail-if',
      'backlog.overdue>50',
      '--fail-if',
      'change_failure_rate.numerator>100',
    ]);
    expect(ok.status, ok.stderr).toBe(0);
  });

  it('prints a readable table without --json', () => {
    const r = run('queries/kpisCommand.ts', [
      '--db',
      db,
      '--from',
      '2025-03-01',
      '--to',
      '2025-04-01',
      '--unit',
      'change',
    ]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/change failure rate\s+60\.0%\s+\(6\/10\)/);
  });

  it('exits 2 with a clear message for bad arguments', () => {
    const r = run('queries/kpisCommand.ts', [
      '--db',
      db,
      '--from',
      '2025-03-01',
      '--to',
      '2025-04-01',
      '--severity',
      '7',
      '--tz',
      'Mars/Base',
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/tz: expected an IANA time zone/);
    expect(r.stderr).toMatch(/severity: Too big: expected number to be <=4/);
    expect(run('ingest/ingestCommand.ts', ['--db', db]).status).toBe(2);
  });

  it('exits 1 when a file could not be loaded, after loading the others', () => {
    const bad = tempCsv('bad.csv', 'what,is,this\n1,2,3\n');
    const r = run('ingest/ingestCommand.ts', ['--db', db, bad, path.join(goldenInput, 'releases.csv')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/bad.csv:1: the header does not match any entity/);
    expect(r.stdout).toMatch(/releases.csv: releases from csv \(canonical\): 13 read, 13 loaded/);
  });
});

describe('npm run ingest with exports', () => {
  const db = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-cli-')), 'exports.duckdb');
  const exportsDir = path.join(fixtures, 'exports');

  it('--dry-run prints source values, mapped values and rejects, and loads nothing', () => {
    const r = run('ingest/ingestCommand.ts', [
      '--db',
      db,
      path.join(exportsDir, 'servicenow', 'incidents_fields.csv'),
      '--dry-run',
      '5',
    ]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /dry run with servicenow-incident as incidents \(source servicenow\); nothing was written/,
    );
    expect(r.stdout).toMatch(/line 6\n {2}source: number="INC0010003".*priority="9 - Unknown"/);
    expect(r.stdout).toMatch(/ {2}REJECT priority: '9 - Unknown' is not a whole number/);
    expect(r.stdout).toMatch(/unknown priority label '9 - Unknown' x1: rejected/);
    expect(r.stdout).toMatch(
      /rejects by column and reason, over the first 5 rows \(--dry-run all checks every row\):\n( +\d+ {2}\S+: .+\n)* +1 {2}priority: is not a whole number/,
    );
    // over every row, piped: the whole report arrives (flushed before exit), ending with the tally
    const all = run('ingest/ingestCommand.ts', [
      path.join(exportsDir, 'servicenow', 'incidents_fields.csv'),
      '--dry-run',
      'all',
    ]);
    expect(all.status).toBe(0);
    expect(all.stdout).toMatch(/rejects by column and reason, over all rows:\n( +\d+ {2}\S+: .+\n)+$/);
    const counts = run('queries/kpisCommand.ts', [
      '--db',
      db,
      '--json',
      '--from',
      '2025-03-01',
      '--to',
      '2025-04-01',
      '--unit',
      'change',
    ]);
    expect(JSON.parse(counts.stdout).kpis.completed).toBe(0);
  });

  it('--mapping loads a user export and names the mapping in the summary', () => {
    const r = run('ingest/ingestCommand.ts', [
      '--db',
      db,
      '--mapping',
      path.join(exportsDir, 'custom', 'wijzigingen.yaml'),
      path.join(exportsDir, 'custom', 'wijzigingen.tsv.csv'),
    ]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /changes from wijzigingen \(wijzigingen\.yaml\): 4 read, 3 loaded \(3 new, 0 changed, 0 unchanged\), 0 rejected, 1 row merged into other records/,
    );
    expect(r.stderr).toMatch(/unknown risk 'onbekend' x1: null/);
  });

  it('exits 2 for a mapping file that does not exist', () => {
    const r = run('ingest/ingestCommand.ts', [
      '--db',
      db,
      '--mapping',
      'nope.yaml',
      path.join(exportsDir, 'jira', 'changes.csv'),
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--mapping nope.yaml: no such file/);
  });
});

describe('a database that cannot be opened', () => {
  it('names the process that holds a locked database and says what to do, without DuckDB internals', async () => {
    const { setDatabasePath, withConnection } = await import('../lib/db.ts');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-lock-')), 'held.duckdb');
    setDatabasePath(file);
    await withConnection(async () => {
      const r = run('ingest/ingestCommand.ts', ['--db', file, goldenInput]);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`the database ${file} is in use by another process (PID ${process.pid})`);
      expect(r.stderr).toContain('Stop that process');
      expect(r.stderr).not.toMatch(/IO Error|duckdb\.org| {4}at /);
    });
  });

  it('says a damaged file cannot be read and what to do', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-bad-')), 'junk.duckdb');
    fs.writeFileSync(file, Buffer.alloc(64 * 1024, 7));
    const r = run('queries/kpisCommand.ts', ['--db', file, '--from', '2025-03-01', '--to', '2025-04-01']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`the database ${file} cannot be read`);
    expect(r.stderr).not.toMatch(/ {4}at /);
  });
});
