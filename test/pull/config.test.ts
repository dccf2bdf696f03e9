/** The pull configuration: every bad input named with its file, key and line; credentials only from the environment. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, credentials, readPullConfig } from '../../pull/config.ts';
import { writeConfig } from './helpers.ts';

const good = `sources:
  - name: corp-sn
    type: servicenow
    url: https://corp.service-now.com
    auth: { user_env: SN_USER, password_env: SN_PASSWORD }
    tables:
      - table: change_request
        query: active=true
  - name: corp-jsm
    type: jira
    url: https://corp.atlassian.net
    auth: { email_env: JIRA_EMAIL, token_env: JIRA_TOKEN }
    entities:
      - entity: incidents
        jql: project = INC
`;

const problem = (text: string) => {
  try {
    readPullConfig(writeConfig(text));
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('no error');
};

describe('pull configuration', () => {
  it('reads a good file with its defaults', () => {
    const config = readPullConfig(writeConfig(good));
    expect(config.sources[0]).toMatchObject({ page_size: 1000, overlap_minutes: 5, batch_records: 20_000 });
    expect(config.sources[1]).toMatchObject({ page_size: 100, overlap_minutes: 2 });
  });

  it('names the key and the line of each problem', () => {
    expect(problem(good.replace('type: jira', 'type: jiraa'))).toMatch(/sources\.yaml: line 10: sources\.1\.type: /);
    expect(problem(good.replace('https://corp.service-now.com', 'http://corp.service-now.com'))).toMatch(
      /line 4: sources\.0\.url: must be https \(plain http only on a loopback address\)/,
    );
    expect(problem(good.replace('https://corp.service-now.com', 'https://u:p@corp.service-now.com'))).toMatch(
      /sources\.0\.url: must not hold a user or password/,
    );
    expect(problem(good.replace('query: active=true', 'query: active=true^ORDERBYnumber'))).toMatch(
      /line 8: sources\.0\.tables\.0\.query: must not hold \^NQ or ORDERBY/,
    );
    expect(problem(good.replace('jql: project = INC', 'jql: project = INC ORDER BY key'))).toMatch(
      /line 15: sources\.1\.entities\.0\.jql: must not hold ORDER BY/,
    );
    expect(problem(good.replace('password_env: SN_PASSWORD', 'password: hunter2'))).toMatch(/line 5: sources\.0\.auth/);
    expect(problem(good.replace('name: corp-jsm', 'name: corp-sn'))).toMatch(
      /line 9: sources\.1\.name: corp-sn is named twice/,
    );
    expect(
      problem(
        good.replace('      - table: change_request', '      - table: change_request\n      - table: change_request'),
      ),
    ).toMatch(/sources\.0\.tables: change_request is listed twice/);
    expect(problem(good.replace('    tables:', '    page_size: 0\n    tables:'))).toMatch(
      /line 6: sources\.0\.page_size/,
    );
    expect(problem(`${good}extra: 1\n`)).toMatch(/line 1: \(top\): Unrecognized key: "extra"/);
    expect(problem('sources: [\n')).toMatch(/line \d+, column \d+: not valid YAML/);
    expect(problem('sources:\n  - &a [*a]\n')).toMatch(/sources\.yaml/);
    expect(problem(good.replace('        query: active=true', '        mapping: nowhere.yaml'))).toMatch(
      /line 8: sources\.0\.tables\.0\.mapping: .*nowhere\.yaml: no such file/,
    );
    const big = writeConfig(`# ${'x'.repeat(1024 * 1024)}\n${good}`);
    expect(() => readPullConfig(big)).toThrow(/larger than 1 MiB/);
  });

  it('reads credentials from the environment, naming a missing variable but never a value', () => {
    const config = readPullConfig(writeConfig(good));
    const sn = config.sources[0];
    if (!sn) throw new Error('no source');
    expect(() => credentials(sn, { SN_USER: 'u' })).toThrow(
      'source corp-sn: the environment variable SN_PASSWORD is not set',
    );
    expect(credentials(sn, { SN_USER: 'u', SN_PASSWORD: 'p' })).toEqual({ kind: 'basic', user: 'u', password: 'p' });
  });

  it('the command exits 2 on a usage or configuration error, and says why', () => {
    const run = (...args: string[]) => {
      try {
        // a usage error ends at once: a command that would run on (a schedule) is stopped and fails the test
        execFileSync('npx', ['tsx', 'pull/pullCommand.ts', ...args], {
          encoding: 'utf8',
          stdio: 'pipe',
          timeout: 60_000,
        });
        return { code: 0, stderr: '' };
      } catch (err) {
        const e = err as { status: number; stderr: string };
        return { code: e.status, stderr: e.stderr };
      }
    };
    expect(run()).toMatchObject({ code: 2, stderr: expect.stringContaining('name the configuration with --config') });
    const file = writeConfig(good.replace('https://corp.atlassian.net', 'ftp://corp.atlassian.net'));
    expect(run('--config', file)).toMatchObject({ code: 2, stderr: expect.stringMatching(/line 11: sources\.1\.url/) });
    const ok = writeConfig(good);
    expect(run('--config', ok, '--every', '5s')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('from 30s to 7d'),
    });
    expect(run('--config', ok, '--every', '*/5 * * * * *')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('closer than 30 s'),
    });
    expect(run('--config', ok, '--every', 'sometimes')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('neither an interval'),
    });
    expect(run('--config', ok, '--source', 'other')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('corp-sn, corp-jsm'),
    });
    expect(run('--config', path.join(path.dirname(ok), 'missing.yaml'))).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('cannot be read'),
    });
    expect(fs.existsSync(ok)).toBe(true);
  });
});
