/**
 * An ingest that changes only incidents refreshes the current build in place
 * (queries/refresh.ts), and every dashboard answer then equals a whole build of
 * the same data: the sample loaded, windows of 24 h in use for every unit kind,
 * then an incidents export with new incidents, moved, re-prioritised,
 * re-serviced and newly linked ones, and unchanged ones sent again. Any other
 * change builds the models whole.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../../ingest/load.ts';
import { setDatabasePath, withWriter, writesSettled } from '../../lib/db.ts';
import { getKpis } from '../../queries/kpis.ts';
import { buildModels, hasWindow, modelState } from '../../queries/models.ts';
import { kpiParamsSchema, units } from '../../queries/params.ts';
import { stagedModels } from '../../queries/refresh.ts';
import { dashboardAnswers } from '../dashboard-answers.ts';
import { freshDatabase, loadFolder, tempCsv } from '../helpers.ts';

const sample = path.join(import.meta.dirname, '..', '..', 'data', 'sample');

const addHours = (iso: string, hours: number) =>
  new Date(Date.parse(iso) + hours * 3_600_000).toISOString().replace('.000Z', 'Z');

/** An incidents export that changes about 330 of the sample's incidents in the first half of 2025. */
function changedIncidents(): string {
  const csv = (name: string) =>
    parse(fs.readFileSync(path.join(sample, name)), { columns: true }) as Record<string, string>[];
  const incidents = csv('incidents.csv');
  const changeIds = csv('changes.csv').map((c) => String(c.change_id));
  const services = [...new Set(incidents.map((i) => String(i.service)).filter(Boolean))];
  const inPeriod = incidents.filter((i) => String(i.opened_at) >= '2025-01-15' && String(i.opened_at) < '2025-06-15');
  const out: Record<string, string>[] = [];
  inPeriod.forEach((row, n) => {
    if (n % 15 !== 0) return;
    const r = { ...row };
    const k = n / 15;
    switch (k % 6) {
      case 0:
        r.opened_at = addHours(String(r.opened_at), 30);
        break;
      case 1:
        r.priority = '1';
        break;
      case 2:
        r.service = services[(services.indexOf(String(r.service)) + 1) % services.length] ?? '';
        r.ci = '';
        break;
      case 3:
        r.caused_by_change_id = changeIds[(k * 7) % changeIds.length] ?? '';
        break;
      case 4:
        r.caused_by_change_id = '';
        r.caused_by_release_id = '';
        break;
      default:
        break; // sent again unchanged
    }
    out.push(r);
    out.push({
      ...row,
      incident_id: `NEW${String(k).padStart(5, '0')}`,
      opened_at: addHours(String(row.opened_at), 5),
      priority: String((k % 4) + 1),
    });
  });
  const header = Object.keys(incidents[0] ?? {});
  return [header.join(','), ...out.map((r) => header.map((h) => r[h] ?? '').join(','))].join('\n');
}

describe('a refresh after an incidents-only ingest', () => {
  let refreshed = '';
  let whole = '';
  beforeAll(async () => {
    refreshed = freshDatabase();
    await loadFolder(sample);
    for (const unit of units) await dashboardAnswers(unit, 24); // the 24 h window in use for every kind
    const before = await withWriter(modelState);
    const summary = await ingestFile(tempCsv('incidents.csv', changedIncidents()));
    expect(summary.newRecords).toBeGreaterThan(100);
    expect(summary.changedRecords).toBeGreaterThan(100);
    expect(summary.unchangedRecords).toBeGreaterThan(10);
    const after = await withWriter(modelState);
    expect(after?.dataVersion).toBe((before?.dataVersion ?? 0) + 1);
    expect(after?.schema, 'the refresh keeps the schema of the build').toBe(before?.schema);
    // The same database built whole.
    await writesSettled(); // every write so far, and the checkpoint after them: the file copies whole
    whole = path.join(path.dirname(refreshed), 'whole.duckdb');
    fs.copyFileSync(refreshed, whole);
    setDatabasePath(whole);
    await withWriter((conn) => buildModels(conn));
  }, 180_000);

  for (const unit of units) {
    for (const window of [48, 24]) {
      it(`${unit}, ${window} h: the same answers as a whole build`, async () => {
        setDatabasePath(whole);
        const expected = await dashboardAnswers(unit, window);
        setDatabasePath(refreshed);
        const actual = await dashboardAnswers(unit, window);
        expect(expected.incidents.some((i) => String(i.incident_id).startsWith('NEW'))).toBe(true);
        expect(actual).toEqual(expected);
      }, 60_000);
    }
  }

  it('release, 48 h, in New York time: the same answers', async () => {
    setDatabasePath(whole);
    const expected = await dashboardAnswers('release', 48, 'America/New_York');
    setDatabasePath(refreshed);
    expect(await dashboardAnswers('release', 48, 'America/New_York')).toEqual(expected);
  }, 60_000);

  it('builds whole when anything but incidents changed, and keeps the windows in use', async () => {
    setDatabasePath(refreshed);
    const before = await withWriter(modelState);
    const loaded = await ingestFile(
      tempCsv(
        'releases.csv',
        'release_id,title,release_type,status,service,requested_at,planned_start,planned_end,actual_start,actual_end\n' +
          'RNEW1,New release,minor,deployed,payments,2025-02-20T10:00:00Z,2025-03-01T10:00:00Z,2025-03-01T11:00:00Z,2025-03-01T10:00:00Z,2025-03-01T10:30:00Z\n',
      ),
    );
    expect(loaded.firstRejects).toEqual([]);
    expect(loaded.newRecords).toBe(1);
    const after = await withWriter(modelState);
    expect(after?.schema).not.toBe(before?.schema);
    expect(await withWriter((conn) => hasWindow(conn, after?.schema ?? '', { unit: 'change', window: 24 }))).toBe(true);
    const p = kpiParamsSchema.parse({ from: '2025-03-01', to: '2025-04-01', unit: 'change', window: 24 });
    expect((await getKpis(p)).kpis.completed).toBeGreaterThan(0);
  }, 120_000);

  it('knows the record key of every staging model that copies a raw table', () => {
    expect(stagedModels().map((s) => s.model.name)).toContain('stg_incidents');
  });
});
