/**
 * local_time(tz, instant) is timezone(tz, instant) to the microsecond: in UTC
 * computed without ICU's calendar, elsewhere through it.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withScratch } from '../../lib/db.ts';
import { projectFile } from '../../lib/paths.ts';

describe('local_time', () => {
  it('gives what timezone(tz, instant) gives, in UTC and elsewhere', async () => {
    await withScratch(async (conn) => {
      await conn.run(fs.readFileSync(projectFile('queries', 'models', 'macros', 'local_time.sql'), 'utf8'));
      // a million instants from 1969 to 2033 (odd microseconds, both sides of the epoch, leap days, DST changes), and null
      await conn.run(`create table instants as
        select timestamptz '1969-06-30 23:59:59.999999+00' + to_microseconds(i * 2011000007) as instant_at from range(1000000) r(i)
        union all select null`);
      for (const tz of ['UTC', 'America/New_York', 'Asia/Kolkata']) {
        const reader = await conn.runAndReadAll(
          `select count(*) filter (where local_time($tz, instant_at) is distinct from timezone($tz, instant_at)),
             min(instant_at), max(instant_at), count(*) filter (where instant_at is null)
           from instants`,
          { tz },
        );
        const [differ, first, last, nulls] = reader.getRowsJS()[0] ?? [];
        expect(differ, tz).toBe(0n);
        expect((first as Date).toISOString()).toMatch(/^1969/);
        expect((last as Date).toISOString()).toMatch(/^2033/);
        expect(nulls).toBe(1n);
      }
    });
  });
});
