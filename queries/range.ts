/** What data there is: its time span and the values the filters can offer. */
import { z } from 'zod';
import { databasePath } from '../lib/db.ts';
import { runQuery } from './run.ts';
import { withModels } from './snapshot.ts';

const rangeSchema = z.object({
  first_at: z.date().nullable(),
  last_at: z.date().nullable(),
  incidents_from: z.date().nullable(),
  loaded_at: z.date().nullable(),
  services: z
    .array(z.string())
    .nullable()
    .transform((v) => v ?? []),
  teams: z
    .array(z.string())
    .nullable()
    .transform((v) => v ?? []),
  release_types: z
    .array(z.string())
    .nullable()
    .transform((v) => v ?? []),
  change_types: z
    .array(z.string())
    .nullable()
    .transform((v) => v ?? []),
  releases: z.number(),
});

export type DataRange = z.output<typeof rangeSchema>;

/** One range per database and data version: every page's filters ask for it, and only an ingest changes it. */
const ranges = new Map<string, Promise<DataRange>>();

export function getDataRange(): Promise<DataRange> {
  return withModels(async (conn, dataVersion) => {
    const key = `${databasePath()}|${dataVersion}`;
    let range = ranges.get(key);
    if (!range) {
      range = runQuery(conn, 'kpi_data_range', {}).then((rows) => rangeSchema.parse(rows[0]));
      ranges.set(key, range);
      range.catch(() => ranges.delete(key));
      if (ranges.size > 8) ranges.delete(ranges.keys().next().value as string);
    }
    // a copy: callers may not change what the next caller reads
    const r = await range;
    return {
      ...r,
      services: [...r.services],
      teams: [...r.teams],
      release_types: [...r.release_types],
      change_types: [...r.change_types],
    };
  });
}
