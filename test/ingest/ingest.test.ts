/** Canonical CSV ingest: shapes of file, every bad-input case, transactions and re-ingest. */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ingestFile, ingestFiles } from '../../ingest/load.ts';
import { withConnection } from '../../lib/db.ts';
import { freshDatabase, goldenInput, loadFolder, tempCsv } from '../helpers.ts';

const header = 'incident_id,opened_at,priority,service,title';

async function rows(sql: string, params: Record<string, string | number> = {}) {
  return withConnection(async (conn) => (await conn.runAndReadAll(sql, params)).getRowObjectsJS());
}

async function rejects() {
  return rows('select line, "column", value, reason from ingest_rejects order by line, "column"');
}

describe('file shapes', () => {
  it('reads BOM, CRLF, semicolons and quoted newlines', async () => {
    freshDatabase();
    const file = tempCsv(
      'incidents.csv',
      `\uFEFFincident_id;opened_at;priority;service;title\r\nI1;2025-03-01T10:00:00Z;2;svc;"two\r\nlines; and a ""quote"""\r\nI2;2025-03-01 11:00;3;svc;plain\r\n`,
    );
    const s = await ingestFile(file);
    expect(s).toMatchObject({ entity: 'incidents', rowsRead: 2, rowsLoaded: 2, rowsRejected: 0 });
    const stored = await rows('select incident_id, title, opened_at from raw_incidents order by incident_id');
    expect(stored[0]?.title).toBe('two\r\nlines; and a "quote"');
    expect((stored[1]?.opened_at as Date | undefined)?.toISOString()).toBe('2025-03-01T11:00:00.000Z');
  });

  it('reads local timestamps in the --tz zone and exact ones as given', async () => {
    freshDatabase();
    const file = tempCsv(
      'incidents.csv',
      `${header}\nI1,2025-07-01 12:00:00,2,svc,local\nI2,2025-07-01T12:00:00+02:00,2,svc,offset\n`,
    );
    await ingestFile(file, { timezone: 'Europe/Amsterdam' });
    const stored = await rows('select incident_id, opened_at from raw_incidents order by incident_id');
    expect(stored.map((r) => (r.opened_at as Date).toISOString())).toEqual([
      '2025-07-01T10:00:00.000Z',
      '2025-07-01T10:00:00.000Z',
    ]);
  });
});

describe('files that cannot be loaded', () => {
  it('an empty file', async () => {
    freshDatabase();
    await expect(ingestFile(tempCsv('empty.csv', ''))).rejects.toThrow(/empty.csv: the file is empty/);
  });

  it('a missing required column names it and lists the expected header', async () => {
    freshDatabase();
    const file = tempCsv('inc.csv', 'incident_id,opened_at,service\nI1,2025-03-01T10:00:00Z,svc\n');
    await expect(ingestFile(file)).rejects.toThrow(
      /inc.csv:1: missing required column priority for incidents\. Expected header: incident_id,opened_at,resolved_at/,
    );
  });

  it('an unknown header says which entity it looks closest to', async () => {
    freshDatabase();
    const file = tempCsv('x.csv', 'number,opened_at,short_description\nINC1,2025-03-01,x\n');
    await expect(ingestFile(file)).rejects.toThrow(/does not match any entity \(it resembles incidents most\)/);
  });

  it('the message and the starter mapping name the same entity, with its columns', async () => {
    freshDatabase();
    const file = tempCsv('odd.csv', 'Ticket,Opened,Urgency,Service line,Resolved\nT1,2025-01-01,1,x,2025-01-02\n');
    await expect(ingestFile(file)).rejects.toThrow(
      /it resembles incidents most\)\..*Expected for incidents: incident_id,opened_at/s,
    );
    const starter = fs.readFileSync(file.replace(/\.csv$/, '.mapping.yaml'), 'utf8');
    expect(starter).toMatch(/^entity: incidents /m);
    expect(starter).toMatch(/^ {2}incident_id: "" {3}# required/m);
  });

  it('a wrong delimiter is named', async () => {
    freshDatabase();
    const file = tempCsv('semi.csv', 'incident_id;opened_at;priority\nI1;2025-03-01T10:00:00Z;2\n');
    await expect(ingestFile(file, { delimiter: ',' })).rejects.toThrow(/has no ',' delimiter; it looks ';'-separated/);
  });

  it('an unexpected failure loads nothing from the file and records a failed run', async () => {
    freshDatabase();
    await loadFolder(goldenInput);
    await withConnection((conn) => conn.run("alter table raw_incidents add column must_have varchar default 'x'"));
    await withConnection((conn) => conn.run('alter table raw_incidents alter column must_have set not null'));
    await withConnection((conn) => conn.run('alter table raw_incidents alter column must_have drop default'));
    const file = tempCsv(
      'incidents.csv',
      `${header}\nNEW1,2025-03-01T10:00:00Z,2,svc,x\nI2,2025-03-01T10:00:00Z,9,svc,bad\n`,
    );
    await expect(ingestFile(file)).rejects.toThrow(/incidents.csv: nothing from this file was loaded/);
    expect(await rows('select count(*)::integer as n from raw_incidents')).toEqual([{ n: 11 }]);
    expect(
      await rows("select count(*)::integer as n from raw_incidents where incident_id = 'I2' and priority = 2"),
    ).toEqual([{ n: 1 }]);
    expect(
      await rows(
        "select count(*)::integer as n from ingest_rejects where file like '%incidents.csv' and run_id = (select max(run_id) from ingest_runs)",
      ),
    ).toEqual([{ n: 0 }]);
    const [run] = await rows('select status, error from ingest_runs order by run_id desc limit 1');
    expect(run?.status).toBe('failed');
    expect(String(run?.error)).toMatch(/NOT NULL/i);
  });
});

describe('rejected rows', () => {
  it('reports file, line, column, value and reason, and loads the good rows', async () => {
    freshDatabase();
    const file = tempCsv(
      'incidents.csv',
      [
        header,
        'I1,2025-03-01T10:00:00Z,2,svc,"a title over',
        'two lines"',
        'I2,03/01/2025 10:00,2,svc,bad timestamp',
        'I3,2025-03-01T10:00:00Z,7,svc,bad priority',
        'I4,2025-03-01T10:00:00Z,high,svc,not a number',
        ',2025-03-01T10:00:00Z,2,svc,missing id',
        'I5,2025-03-01T10:00:00Z,2,svc,too,many,columns',
        'I6,2025-03-01T10:00:00Z,4,svc,fine',
        '',
      ].join('\n'),
    );
    const s = await ingestFile(file);
    expect(s).toMatchObject({ rowsRead: 7, rowsLoaded: 2, rowsRejected: 5 });
    const r = await rejects();
    expect(r).toEqual([
      {
        line: 4,
        column: 'opened_at',
        value: '03/01/2025 10:00',
        reason: expect.stringMatching(/'03\/01\/2025 10:00' is not a timestamp; expected ISO 8601/),
      },
      { line: 5, column: 'priority', value: '7', reason: 'priority must be between 1 and 4, got 7' },
      { line: 6, column: 'priority', value: 'high', reason: "'high' is not a whole number" },
      { line: 7, column: 'incident_id', value: null, reason: 'required value is missing' },
      {
        line: 8,
        column: '',
        value: expect.stringContaining('too,many,columns'),
        reason: expect.stringMatching(/TOO MANY COLUMNS/),
      },
    ]);
    const file2 = (await rows('select distinct file from ingest_rejects'))[0]?.file;
    expect(file2).toBe(file);
    expect(await rows('select incident_id from raw_incidents order by 1')).toEqual([
      { incident_id: 'I1' },
      { incident_id: 'I6' },
    ]);
  });

  it('an enum value outside the list shows the allowed values; labels are matched case-insensitively and kept', async () => {
    freshDatabase();
    const file = tempCsv(
      'releases.csv',
      'release_id,release_type,status,service,requested_at\nR1,Minor,DEPLOYED,svc,2025-03-01T00:00:00Z\nR2,hotfix,deployed,svc,2025-03-01T00:00:00Z\n',
    );
    const s = await ingestFile(file);
    expect(s).toMatchObject({ rowsLoaded: 1, rowsRejected: 1 });
    expect((await rejects())[0]).toEqual({
      line: 3,
      column: 'release_type',
      value: 'hotfix',
      reason: "'hotfix' is not one of: major, minor, patch, emergency",
    });
    expect(await rows('select release_type, original_release_type, status, original_status from raw_releases')).toEqual(
      [{ release_type: 'minor', original_release_type: 'Minor', status: 'deployed', original_status: 'DEPLOYED' }],
    );
  });

  it('a duplicate id in one file keeps the last row', async () => {
    freshDatabase();
    const file = tempCsv(
      'incidents.csv',
      `${header}\nI1,2025-03-01T10:00:00Z,2,svc,first\nI1,2025-03-01T10:00:00Z,3,svc,second\n`,
    );
    const s = await ingestFile(file);
    expect(s).toMatchObject({ rowsLoaded: 1, rowsRejected: 1 });
    expect(await rows('select title from raw_incidents')).toEqual([{ title: 'second' }]);
  });
});

describe('re-ingest', () => {
  const snapshot = () =>
    rows('select * exclude (ingest_run_id, loaded_at) from raw_releases order by release_id').then((r) =>
      JSON.stringify(r),
    );

  it('loading the same files twice changes nothing', async () => {
    freshDatabase();
    await loadFolder(goldenInput);
    const before = await snapshot();
    const counts = await rows(
      'select (select count(*) from raw_incidents)::integer as i, (select count(*) from raw_deployments)::integer as d',
    );
    await loadFolder(goldenInput);
    expect(await snapshot()).toBe(before);
    expect(
      await rows(
        'select (select count(*) from raw_incidents)::integer as i, (select count(*) from raw_deployments)::integer as d',
      ),
    ).toEqual(counts);
  });

  it('a newer export updates the records it holds and keeps the others', async () => {
    freshDatabase();
    await loadFolder(goldenInput);
    const file = tempCsv(
      'releases.csv',
      'release_id,release_type,status,service,requested_at,title\nR8,major,deployed,payments,2025-03-01T09:00:00Z,Now live\n',
    );
    await ingestFile(file);
    expect(await rows("select title, status from raw_releases where release_id = 'R8'")).toEqual([
      { title: 'Now live', status: 'deployed' },
    ]);
    expect(await rows('select count(*)::integer as n from raw_releases')).toEqual([{ n: 13 }]);
  });

  it('an id owned by another source is rejected, naming both sources', async () => {
    freshDatabase();
    await loadFolder(goldenInput);
    const file = tempCsv(
      'releases.csv',
      'release_id,release_type,status,service,requested_at\nR1,minor,deployed,svc,2025-03-01T00:00:00Z\n',
    );
    const s = await ingestFile(file, { source: 'servicenow' });
    expect(s).toMatchObject({ rowsLoaded: 0, rowsRejected: 1 });
    expect((await rejects())[0]?.reason).toBe(
      "id R1 already belongs to source 'csv'; this file is source 'servicenow'",
    );
  });
});

describe('the two ways a canonical file is loaded (decision 027)', () => {
  const releases = [
    'release_id,title,release_type,status,service,requested_at,actual_start,actual_end,rollback_tested',
    'R1,  padded title  ,Minor,DEPLOYED,svc,2025-03-01T00:00:00Z,2025-03-02 10:00,2025-03-02T12:00:00+02:00,yes',
    'R2,,major,failed,svc,2025-03-01T08:00:00Z,,2025-03-03 09:30:00,0',
    'R3,"quoted, with comma",patch,deployed,svc,2025-03-01 00:00:00,2025-03-04T01:00:00-05:00,2025-03-04T02:00:00-05:00,',
  ];
  async function stored() {
    return rows('select * exclude (ingest_run_id, loaded_at) from raw_releases order by release_id');
  }

  it('a clean new file larger than the threshold goes straight in and stores exactly what the checked path stores', async () => {
    freshDatabase();
    const clean = await ingestFile(tempCsv('releases.csv', `${releases.join('\n')}\n`), {
      timezone: 'Europe/Berlin',
      countFirstAboveBytes: 0,
    });
    expect(clean).toMatchObject({ rowsRead: 3, records: 3, rowsLoaded: 3, newRecords: 3, rowsRejected: 0 });
    const direct = await stored();
    freshDatabase();
    // one bad row sends the same records through the checked rows
    const withBad = `${[...releases, 'R4,bad,sideways,deployed,svc,2025-03-01T00:00:00Z,,,'].join('\n')}\n`;
    const checked = await ingestFile(tempCsv('releases.csv', withBad), {
      timezone: 'Europe/Berlin',
      countFirstAboveBytes: 0,
    });
    expect(checked).toMatchObject({ rowsRead: 4, rowsLoaded: 3, rowsRejected: 1 });
    expect(await stored()).toEqual(direct);
    expect(direct.map((r) => [r.release_type, r.original_release_type, r.status, r.original_status])).toEqual([
      ['minor', 'Minor', 'deployed', 'DEPLOYED'],
      ['major', 'major', 'failed', 'failed'],
      ['patch', 'patch', 'deployed', 'deployed'],
    ]);
  });

  it('a large file with a repeated id, loaded into an empty table, is rolled back and rejected as the checked path rejects it', async () => {
    freshDatabase();
    const repeated = `${[...releases, releases[1]?.replace('padded title', 'again')].join('\n')}\n`;
    const s = await ingestFile(tempCsv('releases.csv', repeated), { countFirstAboveBytes: 0 });
    const onePath = { summary: s, stored: await stored(), rejects: await rejects() };
    freshDatabase();
    const checked = await ingestFile(tempCsv('releases.csv', repeated), {});
    expect(onePath.summary.rowsRejected).toBeGreaterThan(0);
    expect(onePath.summary).toMatchObject({
      rowsRead: checked.rowsRead,
      rowsLoaded: checked.rowsLoaded,
      rowsRejected: checked.rowsRejected,
    });
    expect(onePath.stored).toEqual(await stored());
    expect(onePath.rejects.map((r) => [r.line, r.reason])).toEqual((await rejects()).map((r) => [r.line, r.reason]));
    expect(await rows('select count(*)::integer as n from ingest_runs')).toEqual([{ n: 1 }]);
  });

  it('a large file into a table that holds records is counted first, and its changed records replace the stored ones', async () => {
    freshDatabase();
    await ingestFile(tempCsv('releases.csv', `${releases.join('\n')}\n`), { countFirstAboveBytes: 0 });
    const changed = `${releases[0]}\n${releases[2]?.replace('failed', 'deployed')}\nR5,new,minor,deployed,svc,2025-03-05T00:00:00Z,,,\n`;
    const s = await ingestFile(tempCsv('releases.csv', changed), { countFirstAboveBytes: 0 });
    expect(s).toMatchObject({ rowsLoaded: 2, newRecords: 1, changedRecords: 1, rowsRejected: 0 });
    expect((await stored()).map((r) => [r.release_id, r.status])).toEqual([
      ['R1', 'deployed'],
      ['R2', 'deployed'],
      ['R3', 'deployed'],
      ['R5', 'deployed'],
    ]);
  });

  it.each([
    ['counted first', 0],
    ['checked', undefined],
  ])('a file after one with unsplittable records reports only its own (%s)', async (_, countFirstAboveBytes) => {
    freshDatabase();
    const bad = tempCsv('releases.csv', `${releases[0]}\n${releases[1]}\nR9,too,many,columns,x,y,z,a,b,c,d\n`);
    const good = tempCsv('incidents.csv', `${header}\nI1,2025-03-01T10:00:00Z,2,svc,fine\n`);
    const batch = await ingestFiles([bad, good], { countFirstAboveBytes });
    expect(batch.results.map((r) => [r.summary?.rowsRead, r.summary?.rowsRejected])).toEqual([
      [2, 1],
      [1, 0],
    ]);
  });
});
