/** ITSM exports through the built-in profiles and user mapping files: the stored rows, not just exit codes. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestFile } from '../../ingest/load.ts';
import { parseMapping } from '../../ingest/mapping.ts';
import { withConnection } from '../../lib/db.ts';
import { getDataStatus } from '../../queries/dataStatus.ts';
import { getKpis } from '../../queries/kpis.ts';
import { kpiParamsSchema } from '../../queries/params.ts';
import { withModels } from '../../queries/snapshot.ts';
import { fixtures, freshDatabase, tempCsv } from '../helpers.ts';

const exports = path.join(fixtures, 'exports');
const at = (d: unknown) => (d instanceof Date ? d.toISOString().replace('.000Z', 'Z') : d);

async function rows(sql: string) {
  return withConnection(async (conn) =>
    (await conn.runAndReadAll(sql))
      .getRowObjectsJS()
      .map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, at(v)]))),
  );
}

function tempMapping(yaml: string) {
  const file = tempCsv('mapping.yaml', yaml);
  return file;
}

describe('ServiceNow', () => {
  it('the public incident audit sample: latest version per incident, "?" as empty, D/M/YYYY dates', async () => {
    freshDatabase();
    const s = await ingestFile(path.join(exports, 'servicenow', 'incident_event_log.head198.csv'));
    expect(s).toMatchObject({
      layout: 'servicenow-incident',
      entity: 'incidents',
      source: 'servicenow',
      rowsRead: 198,
      records: 32,
      rowsLoaded: 32,
      rowsRejected: 0,
      merged: 166,
    });
    const [inc] = await rows("select * from raw_incidents where incident_id = 'INC0000045'");
    expect(inc).toMatchObject({
      opened_at: '2016-02-29T01:16:00Z',
      resolved_at: '2016-02-29T11:29:00Z',
      closed_at: '2016-03-05T12:00:00Z',
      priority: 3,
      status: 'Closed', // the row updated last (5/3/2016 12:00)
      ci: null,
      caused_by_change_id: null,
    });
  });

  it('incidents with field names: BOM, CRLF, quoted newline, priorities mapped, unknown labels reported and rejected', async () => {
    freshDatabase();
    const s = await ingestFile(path.join(exports, 'servicenow', 'incidents_fields.csv'));
    expect(s).toMatchObject({ layout: 'servicenow-incident', rowsRead: 5, records: 4, rowsLoaded: 2, rowsRejected: 2 });
    expect(s.unknownValues).toEqual([{ column: 'priority', value: '9 - Unknown', count: 1, resolution: 'rejected' }]);
    expect(
      await rows(
        'select incident_id, priority, service, ci, caused_by_change_id, problem_id, title, opened_at from raw_incidents order by 1',
      ),
    ).toEqual([
      {
        incident_id: 'INC0010001',
        priority: 1,
        service: 'Payments',
        ci: 'pay-api',
        caused_by_change_id: 'CHG0030001',
        problem_id: 'PRB0001',
        title: 'Card gateway timeouts,\r\nafter the fee release',
        opened_at: '2025-03-03T21:50:00Z',
      },
      {
        incident_id: 'INC0010002',
        priority: 4,
        service: 'Search',
        ci: null,
        caused_by_change_id: null,
        problem_id: null,
        title: 'Question about facets',
        opened_at: '2025-03-09T10:00:00Z',
      },
    ]);
    expect(s.firstRejects.map((r) => [r.line, r.column])).toEqual([
      [6, 'priority'],
      [7, 'opened_at'],
    ]);
    expect(s.firstRejects[1]?.reason).toMatch(
      /'31\/2\/2025 08:00' is not a timestamp; expected one of the mapping's formats: %Y-%m-%d %H:%M:%S/,
    );
  });

  it('changes with list labels: semicolons, Windows-1252, one row per change and CI, close codes', async () => {
    freshDatabase();
    const s = await ingestFile(path.join(exports, 'servicenow', 'changes_labels.csv'));
    expect(s).toMatchObject({
      layout: 'servicenow-change-labels',
      encoding: 'windows-1252',
      rowsRead: 5,
      records: 4,
      rowsLoaded: 3,
      merged: 1,
    });
    expect(
      await rows(
        'select change_id, change_type, original_change_type, risk, outcome, original_outcome, ci, cab_required, approved_at from raw_changes order by 1',
      ),
    ).toEqual([
      {
        change_id: 'CHG0030001',
        change_type: 'normal',
        original_change_type: 'Normal',
        risk: 'medium',
        outcome: 'successful',
        original_outcome: 'Successful',
        ci: 'pay-api',
        cab_required: true,
        approved_at: '2025-02-25T10:00:00Z',
      },
      {
        change_id: 'CHG0030002',
        change_type: 'standard',
        original_change_type: 'Pre-approved',
        risk: 'low',
        outcome: 'rolled_back',
        original_outcome: 'Backed Out',
        ci: 'search-api',
        cab_required: false,
        approved_at: null,
      },
      {
        change_id: 'CHG0030003',
        change_type: 'emergency',
        original_change_type: 'Emergency',
        risk: 'critical',
        outcome: 'successful_with_issues',
        original_outcome: 'Successful with issues',
        ci: 'search-index',
        cab_required: false,
        approved_at: '2025-03-12T02:30:00Z',
      },
    ]);
    expect(await rows("select ci from raw_change_cis where change_id = 'CHG0030001' order by ci")).toEqual([
      { ci: 'pay-api' },
      { ci: 'pay-db' },
    ]);
    expect(s.unknownValues).toEqual([{ column: 'outcome', value: 'Partially done', count: 1, resolution: 'rejected' }]);
  });

  it('a change found by CI collected from a second row attributes an incident of that CI', async () => {
    freshDatabase();
    await ingestFile(path.join(exports, 'servicenow', 'changes_labels.csv'));
    const incidents = tempCsv('incidents.csv', 'incident_id,opened_at,priority,ci\nI1,2025-03-04T10:00:00Z,2,pay-db\n');
    await ingestFile(incidents);
    const attributed = await withModels(
      async (c) => (await c.runAndReadAll("select unit_id, rule from fct_attribution('change', 48)")).getRowObjectsJS(),
      { unit: 'change', window: 48 },
    );
    expect(attributed).toEqual([{ unit_id: 'CHG0030001', rule: 'likely' }]);
  });

  it('releases (rm_release): states mapped, a missing type column takes the declared default', async () => {
    freshDatabase();
    const s = await ingestFile(path.join(exports, 'servicenow', 'releases_fields.csv'));
    expect(s).toMatchObject({ layout: 'servicenow-release', rowsLoaded: 4, rowsRejected: 0 });
    expect(
      await rows(
        'select release_id, status, original_status, release_type, team, actual_end from raw_releases order by 1',
      ),
    ).toEqual([
      {
        release_id: 'RLSE0001001',
        status: 'deployed',
        original_status: 'Completed',
        release_type: 'minor',
        team: 'Team Ledger',
        actual_end: '2025-03-03T21:30:00Z',
      },
      {
        release_id: 'RLSE0001002',
        status: 'rolled_back',
        original_status: 'Rolled back',
        release_type: 'minor',
        team: 'Team Find',
        actual_end: '2025-03-10T18:45:00Z',
      },
      {
        release_id: 'RLSE0001003',
        status: 'cancelled',
        original_status: 'Canceled',
        release_type: 'minor',
        team: 'Team Ledger',
        actual_end: null,
      },
      {
        release_id: 'RLSE0001004',
        status: 'planned',
        original_status: 'Scoping',
        release_type: 'minor',
        team: 'Team Ledger',
        actual_end: null,
      },
    ]);
  });
});

describe('ServiceNow list views with display labels', () => {
  it('incidents: latest version by Updated, day-first and US 12-hour dates', async () => {
    freshDatabase();
    const s = await ingestFile(path.join(exports, 'servicenow', 'incidents_labels.csv'));
    expect(s).toMatchObject({
      layout: 'servicenow-incident-labels',
      rowsRead: 3,
      records: 2,
      rowsLoaded: 2,
      rowsRejected: 0,
    });
    expect(
      await rows(
        'select incident_id, opened_at, resolved_at, priority, status, service, ci, caused_by_change_id, problem_id from raw_incidents order by 1',
      ),
    ).toEqual([
      {
        incident_id: 'INC0020001',
        opened_at: '2025-03-14T20:45:00Z',
        resolved_at: '2025-03-15T02:00:00Z',
        priority: 1,
        status: 'Resolved',
        service: 'Payments',
        ci: 'pay-api',
        caused_by_change_id: 'CHG0030001',
        problem_id: 'PRB0002',
      },
      {
        incident_id: 'INC0020002',
        opened_at: '2025-03-20T08:00:00Z',
        resolved_at: null,
        priority: 4,
        status: 'New',
        service: 'Search',
        ci: null,
        caused_by_change_id: null,
        problem_id: null,
      },
    ]);
  });

  it('releases: product as service, release types and closing states mapped', async () => {
    freshDatabase();
    const s = await ingestFile(path.join(exports, 'servicenow', 'releases_labels.csv'));
    expect(s).toMatchObject({ layout: 'servicenow-release-labels', rowsLoaded: 2, rowsRejected: 0 });
    expect(
      await rows(
        'select release_id, release_type, original_release_type, status, original_status, service, team, owner from raw_releases order by 1',
      ),
    ).toEqual([
      {
        release_id: 'RLSE0002001',
        release_type: 'major',
        original_release_type: 'Major',
        status: 'deployed',
        original_status: 'Closed Complete',
        service: 'Checkout',
        team: 'Team Edge',
        owner: 'chen',
      },
      {
        release_id: 'RLSE0002002',
        release_type: 'emergency',
        original_release_type: 'Hotfix',
        status: 'failed',
        original_status: 'Closed Incomplete',
        service: 'Checkout',
        team: 'Team Edge',
        owner: 'chen',
      },
    ]);
  });
});

describe('Jira Service Management', () => {
  it('changes: English and Spanish month names, 2-digit years, 12-hour clock, open states as no outcome', async () => {
    freshDatabase();
    const s = await ingestFile(path.join(exports, 'jira', 'changes.csv'));
    expect(s).toMatchObject({ layout: 'jira-change', rowsLoaded: 4, rowsRejected: 0 });
    expect(
      await rows('select change_id, change_type, risk, outcome, requested_at, actual_end from raw_changes order by 1'),
    ).toEqual([
      {
        change_id: 'CHG-12',
        change_type: 'standard',
        risk: 'low',
        outcome: 'successful',
        requested_at: '2026-07-18T09:10:00Z',
        actual_end: '2026-07-19T08:40:00Z',
      },
      {
        change_id: 'CHG-13',
        change_type: 'normal',
        risk: 'high',
        outcome: 'failed',
        requested_at: '2025-09-15T18:42:00Z',
        actual_end: '2025-09-16T22:30:00Z',
      },
      {
        change_id: 'CHG-14',
        change_type: 'emergency',
        risk: 'critical',
        outcome: 'rolled_back',
        requested_at: '2025-08-03T10:15:00Z',
        actual_end: '2025-08-03T11:50:00Z',
      },
      {
        change_id: 'CHG-15',
        change_type: 'normal',
        risk: 'medium',
        outcome: null,
        requested_at: '2025-12-20T16:00:00Z',
        actual_end: null,
      },
    ]);
    expect(s.unknownValues).toEqual([
      { column: 'outcome', value: 'Awaiting implementation', count: 1, resolution: 'null' },
    ]);
  });

  it("changes with JSM's Satisfaction rating: the same file also loads one survey response per rated issue", async () => {
    freshDatabase();
    const s = await ingestFile(path.join(exports, 'jira', 'changes-with-satisfaction.csv'));
    expect(s).toMatchObject({ entity: 'changes', layout: 'jira-change', rowsLoaded: 4, rowsRejected: 0 });
    expect(s.also).toHaveLength(1);
    // CHG-23 has no rating (skipped, not rejected); CHG-24's 9 is not a 1..5 score (rejected with its line)
    expect(s.also[0]).toMatchObject({
      entity: 'surveys',
      layout: 'jira-change, surveys',
      rowsRead: 4,
      skipped: 1,
      rowsLoaded: 2,
      rowsRejected: 1,
      merged: 0,
    });
    expect(s.also[0]?.firstRejects).toMatchObject([{ line: 5, column: 'score' }]);
    expect(await rows('select response_id, change_id, responded_at, score from raw_surveys order by 1')).toEqual([
      { response_id: 'CHG-21', change_id: 'CHG-21', responded_at: '2025-03-05T18:00:00Z', score: 4 },
      { response_id: 'CHG-22', change_id: 'CHG-22', responded_at: '2025-03-07T09:00:00Z', score: 2 },
    ]);
    const k = await getKpis(kpiParamsSchema.parse({ unit: 'change', from: '2025-03-01', to: '2025-04-01' }));
    expect(k.kpis.satisfaction).toMatchObject({
      responses: 2,
      csat: { numerator: 1, denominator: 2, value: 0.5 },
      mean_score: 3,
      units_with_responses: 2,
    });
    // without the column, the profile loads the changes alone
    freshDatabase();
    const plain = await ingestFile(path.join(exports, 'jira', 'changes-default-project.csv'));
    expect(plain.also).toEqual([]);
  });

  it('changes from a default project (no actual dates, six Sprint columns): the go-live from Resolved, said in the summary', async () => {
    freshDatabase();
    const s = await ingestFile(path.join(exports, 'jira', 'changes-default-project.csv'));
    expect(s).toMatchObject({ layout: 'jira-change', rowsLoaded: 3, rowsRejected: 0 });
    expect(s.notes).toEqual([
      "actual_end taken from 'Resolved': the export has no 'Custom field (Actual end)' or 'Custom field (Actual end date)'",
    ]);
    expect(
      await rows('select change_id, outcome, planned_start, planned_end, actual_end from raw_changes order by 1'),
    ).toEqual([
      {
        change_id: 'CHG-21',
        outcome: 'successful',
        planned_start: '2025-03-05T08:00:00Z',
        planned_end: '2025-03-05T09:00:00Z',
        actual_end: '2025-03-05T18:00:00Z',
      },
      {
        change_id: 'CHG-22',
        outcome: 'failed',
        planned_start: '2025-03-06T20:00:00Z',
        planned_end: '2025-03-06T23:00:00Z',
        actual_end: '2025-03-07T09:00:00Z',
      },
      {
        change_id: 'CHG-23',
        outcome: null,
        planned_start: '2025-03-20T08:00:00Z',
        planned_end: '2025-03-20T09:00:00Z',
        actual_end: null,
      },
    ]);
    const k = await getKpis(kpiParamsSchema.parse({ unit: 'change', from: '2025-03-01', to: '2025-04-01' }));
    expect(k.kpis.completed).toBe(2);
    // the Data page's runs table carries the note
    const status = await getDataStatus(0);
    expect(status.runs[0]?.notes).toMatch(/actual_end taken from 'Resolved'/);
    expect(status.doneWithoutEnd).toEqual([]);
  });

  it('warns on the Data page about done records without an end time, by entity and source', async () => {
    freshDatabase();
    const file = tempCsv(
      'changes.csv',
      'change_id,change_type,requested_at,outcome,actual_end\nC1,normal,2025-03-01T00:00:00Z,successful,\nC2,normal,2025-03-01T00:00:00Z,successful,2025-03-02T00:00:00Z\n',
    );
    await ingestFile(file, { source: 'sheet' });
    expect((await getDataStatus(0)).doneWithoutEnd).toEqual([
      { entity: 'changes', source: 'sheet', records: 1, column: 'actual_end' },
    ]);
  });

  it('incidents: priority names, the first non-empty of several "caused by" link columns', async () => {
    freshDatabase();
    const s = await ingestFile(path.join(exports, 'jira', 'incidents.csv'));
    expect(s).toMatchObject({ layout: 'jira-incident', rowsLoaded: 3, rowsRejected: 1 });
    expect(
      await rows('select incident_id, priority, caused_by_change_id, service, opened_at from raw_incidents order by 1'),
    ).toEqual([
      {
        incident_id: 'INC-101',
        priority: 1,
        caused_by_change_id: 'CHG-12',
        service: 'Identity',
        opened_at: '2026-07-19T09:30:00Z',
      },
      {
        incident_id: 'INC-102',
        priority: 2,
        caused_by_change_id: 'CHG-13',
        service: 'Search',
        opened_at: '2025-09-16T23:30:00Z',
      },
      {
        incident_id: 'INC-103',
        priority: 3,
        caused_by_change_id: null,
        service: 'Payments',
        opened_at: '2025-08-03T14:00:00Z',
      },
    ]);
  });
});

describe('mapping files', () => {
  it('a user mapping: tab, Latin-1, Dutch and German months, time zone, null tokens, first-of, Y/N map, fallbacks, constants, latest version', async () => {
    freshDatabase();
    const s = await ingestFile(path.join(exports, 'custom', 'wijzigingen.tsv.csv'), {
      mappingFile: path.join(exports, 'custom', 'wijzigingen.yaml'),
    });
    expect(s).toMatchObject({
      layout: 'wijzigingen.yaml',
      source: 'wijzigingen',
      rowsRead: 4,
      records: 3,
      rowsLoaded: 3,
      merged: 1,
    });
    expect(
      await rows(
        'select change_id, change_type, risk, original_risk, service, cab_required, requested_at, actual_end, outcome, closed_at from raw_changes order by 1',
      ),
    ).toEqual([
      {
        change_id: 'W-1',
        change_type: 'normal',
        risk: 'low',
        original_risk: 'laag',
        service: 'Betalingen',
        cab_required: true,
        requested_at: '2025-03-03T08:00:00Z',
        actual_end: '2025-03-10T19:55:00Z',
        outcome: 'successful',
        closed_at: '2025-05-31T22:00:00Z',
      },
      {
        change_id: 'W-2',
        change_type: 'emergency',
        risk: 'high',
        original_risk: 'hoog',
        service: 'Zoeken',
        cab_required: false,
        requested_at: '2025-03-12T01:00:00Z',
        actual_end: '2025-03-12T02:40:00Z',
        outcome: 'rolled_back',
        closed_at: '2025-05-31T22:00:00Z',
      },
      {
        change_id: 'W-3',
        change_type: 'normal',
        risk: null,
        original_risk: 'onbekend',
        service: 'Zoeken',
        cab_required: false,
        requested_at: '2025-05-01T08:00:00Z',
        actual_end: null,
        outcome: 'successful_with_issues',
        closed_at: '2025-05-31T22:00:00Z',
      },
    ]);
    expect(s.unknownValues).toEqual([
      { column: 'risk', value: 'onbekend', count: 1, resolution: 'null' },
      { column: 'outcome', value: 'Onbekend', count: 1, resolution: 'default' },
    ]);
  });

  it('decimal commas, numeric priority maps, null tokens and a constant on incidents', async () => {
    freshDatabase();
    const mapping = tempMapping(`
entity: incidents
csv: { delimiter: ";", null_tokens: ["NA", "NULL"], decimal_comma: true }
timestamps: { formats: ["%d.%m.%Y %H:%M"] }
columns:
  incident_id: Ticket
  opened_at: Gemeldet
  priority: Prio
  service: { value: checkout }
  category: Kategorie
`);
    const file = tempCsv(
      'tickets.csv',
      'Ticket;Gemeldet;Prio;Kategorie\nT1;01.03.2025 10:00;2,0;NA\nT2;01.03.2025 11:00;1,5;Netz\n',
    );
    const s = await ingestFile(file, { mappingFile: mapping });
    expect(s).toMatchObject({ rowsLoaded: 1, rowsRejected: 1 });
    expect(await rows('select incident_id, priority, service, category from raw_incidents')).toEqual([
      { incident_id: 'T1', priority: 2, service: 'checkout', category: null },
    ]);
    expect(s.firstRejects[0]).toMatchObject({ line: 3, column: 'priority', value: '1,5' });
  });

  it('explains what is wrong with an invalid mapping', () => {
    expect(() => parseMapping('entity: tickets\ncolumns: {}\n', 'm.yaml')).toThrow(/entity: Invalid option/);
    expect(() => parseMapping('entity: incidents\ncolumns:\n  incident_id: Id\n  opened_at: At\n', 'm.yaml')).toThrow(
      /the required column priority of incidents is not mapped/,
    );
    expect(() =>
      parseMapping(
        'entity: incidents\ncolumns:\n  incident_id: Id\n  opened_at: At\n  priority: P\n  colour: C\n',
        'm.yaml',
      ),
    ).toThrow(/columns.colour: incidents has no column colour/);
    expect(() =>
      parseMapping(
        'entity: incidents\ncolumns:\n  incident_id: Id\n  opened_at: At\n  priority: { column: P, fallback: default }\n',
        'm.yaml',
      ),
    ).toThrow(/fallback: default needs a default value/);
  });

  it('--dry-run shows source values, mapped values and every reject, and writes nothing', async () => {
    const db = freshDatabase();
    const s = await ingestFile(path.join(exports, 'servicenow', 'incidents_fields.csv'), { dryRun: 10 });
    expect(s.preview?.rows.map((r) => r.line)).toEqual([2, 3, 5, 6, 7]);
    const [older, latest, , unknown, badDate] = s.preview?.rows ?? [];
    expect(older?.mapped).toBeNull();
    expect(latest?.mapped).toMatchObject({ incident_id: 'INC0010001', priority: 1 });
    expect(unknown?.rejects.map((r) => r.reason)).toEqual(["'9 - Unknown' is not a whole number"]);
    expect(badDate?.rejects[0]?.column).toBe('opened_at');
    const counts = await withModels(async (c) =>
      (
        await c.runAndReadAll(
          'select (select count(*) from raw_incidents)::integer as incidents, (select count(*) from ingest_runs)::integer as runs',
        )
      ).getRowObjectsJS(),
    );
    expect(counts).toEqual([{ incidents: 0, runs: 0 }]);
    expect(fs.existsSync(db)).toBe(true);
  });
});

describe('automatic layout detection', () => {
  it('writes a starter mapping when nothing matches', async () => {
    freshDatabase();
    const file = tempCsv('odd.csv', 'Ref,When,How bad\nX1,2025-03-01,high\n');
    await expect(ingestFile(file)).rejects.toThrow(
      /No built-in profile \(ServiceNow, Jira\) matches either\. A starter mapping was written to .*odd\.mapping\.yaml/,
    );
    const starter = fs.readFileSync(file.replace(/\.csv$/, '.mapping.yaml'), 'utf8');
    expect(starter).toMatch(/# The file's header: "Ref", "When", "How bad"/);
    expect(() => parseMapping(starter.replace(/""/g, '"Ref"'), 'starter')).not.toThrow();
  });

  it('a named profile family picks the matching profile, and says so when none matches', async () => {
    freshDatabase();
    const s = await ingestFile(path.join(exports, 'jira', 'incidents.csv'), { profile: 'jira' });
    expect(s.layout).toBe('jira-incident');
    await expect(ingestFile(path.join(exports, 'jira', 'incidents.csv'), { profile: 'servicenow' })).rejects.toThrow(
      /does not match any servicenow profile/,
    );
  });
});
