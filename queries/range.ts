/** What data there is: its time span and the values the filters can offer. */
import { z } from 'zod';
import { runQuery } from './models.ts';
import { withModels } from './snapshot.ts';

const rangeSchema = z.object({
  first_at: z.date().nullable(),
  last_at: z.date().nullable(),
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

export function getDataRange(): Promise<DataRange> {
  return withModels(async (conn) => rangeSchema.parse((await runQuery(conn, 'kpi_data_range', {}))[0]));
}
