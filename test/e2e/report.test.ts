/**
 * `npm run report -- ... --pdf`: the report printed to an A4 PDF by the
 * installed chromium, checked by its page count and its extracted text (the
 * page header naming the period and filters, page numbers, the numbers).
 * In CI (CI=true) a missing browser fails; elsewhere the test is skipped with
 * a message saying how to install it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { database, root } from './server.ts';

const chromiumPath = '/usr/bin/chromium';
const haveBrowser = fs.existsSync(chromiumPath);
if (!haveBrowser && process.env.CI)
  throw new Error(`${chromiumPath} is missing: CI must install Debian's chromium (see .ci/run)`);
if (!haveBrowser) console.warn(`report PDF test skipped: ${chromiumPath} is missing (apt-get install chromium)`);

const golden = path.join(root, 'test', 'fixtures', 'golden');
const expected = JSON.parse(fs.readFileSync(path.join(golden, 'expected', 'release.json'), 'utf8'));

/** npm run report with these arguments, in a child process. */
const report = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'report.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });

/** Each page's text, its items joined by spaces. */
async function pdfPages(file: string): Promise<string[]> {
  const doc = await getDocument({ data: new Uint8Array(fs.readFileSync(file)), useSystemFonts: false }).promise;
  const pages: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    pages.push(
      content.items
        .map((item) => ('str' in item ? item.str : ''))
        .join(' ')
        .replace(/\s+/g, ' '),
    );
  }
  await doc.destroy();
  return pages;
}

describe.skipIf(!haveBrowser)('npm run report -- --pdf', () => {
  let db: string;
  let dir: string;
  beforeAll(() => {
    db = database('golden', [path.join(golden, 'input')]);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-report-'));
  });

  it('writes the HTML and an A4 PDF whose pages carry the scope, page numbers and the KPIs', async () => {
    const out = path.join(dir, 'march.html');
    const r = report([
      '--db',
      db,
      '--from',
      '2025-03-01',
      '--to',
      '2025-04-01',
      '--as-of',
      '2025-04-15T00:00:00Z',
      '--event',
      '2025-03-15:new CAB',
      '--out',
      out,
      '--pdf',
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/wrote .*march\.html/);
    expect(r.stderr).toMatch(/wrote .*march\.pdf/);
    const pdf = path.join(dir, 'march.pdf');
    expect(fs.readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    const pages = await pdfPages(pdf);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    const scope = 'releases, 2025-03-01 to 2025-04-01 (UTC); all services; all teams; all types';
    pages.forEach((text, i) => {
      expect(text, `page ${i + 1}`).toContain(scope);
      expect(text, `page ${i + 1}`).toContain(`page ${i + 1} of ${pages.length}`);
    });
    const first = pages[0] ?? '';
    expect(first).toContain('Release report');
    expect(first).toContain(`${(expected.kpis.change_failure_rate.value * 100).toFixed(1)}%`);
    expect(first).toContain(`${expected.kpis.completed} completed releases`);
    expect(pages.join(' ')).toContain('2025-03-15 new CAB');
  });

  it('exits 2 naming a bad argument', () => {
    const r = report(['--db', db, '--from', '2025-03-01', '--to', '2025-02-01']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/to: from must be before to/);
    expect(r.stderr).toMatch(/usage: npm run report/);
  });
});
