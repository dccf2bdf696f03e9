/** The Data page: ingest runs, rejects, record counts and data-quality warnings. */
import { z } from 'zod';
import { readGone, readPulls } from './pulls.ts';
import { isoInstant } from './rowTypes.ts';
import { runQuery } from './run.ts';
import { withModels } from './snapshot.ts';

const instant = isoInstant;

export const runRowSchema = z.object({
  run_id: z.number(),
  file: z.string(),
  entity: z.string().nullable(),
  source: z.string(),
  rows_read: z.number(),
  rows_loaded: z.number(),
  rows_rejected: z.number(),
  status: z.string(),
  error: z.string().nullable(),
  started_at: instant,
  finished_at: instant,
  seconds: z.number().nullable(),
  sha256: z.string().nullable(),
  notes: z.string().nullable(),
});

export const rejectRowSchema = z.object({
  run_id: z.number(),
  file: z.string(),
  line: z.number().nullable(),
  record: z.number().nullable(),
  column: z.string().nullable(),
  value: z.string().nullable(),
  reason: z.string(),
  entity: z.string().nullable(),
  source: z.string().nullable(),
});

export const countRowSchema = z.object({
  entity: z.string(),
  source: z.string(),
  records: z.number(),
  newest_at: instant,
});

export const qualitySchema = z.object({
  incidents_without_service_or_ci: z.number(),
  incidents: z.number(),
  releases_requested_after_golive: z.number(),
  changes_requested_after_golive: z.number(),
  deployments_without_release_or_change: z.number(),
  links_to_unknown_changes: z.number(),
  links_to_unknown_releases: z.number(),
  rejects: z.number(),
});

/** Records whose status says done but that have no end time: no KPI counts them. */
export const doneWithoutEndSchema = z.object({
  entity: z.string(),
  source: z.string(),
  records: z.number(),
  column: z.string(),
});
export type DoneWithoutEnd = z.output<typeof doneWithoutEndSchema>;

export type RunRow = z.output<typeof runRowSchema>;
export type RejectRow = z.output<typeof rejectRowSchema>;
export type CountRow = z.output<typeof countRowSchema>;
export type Quality = z.output<typeof qualitySchema>;

export function getDataStatus(rejectPage: number, pageSize = 50) {
  return withModels(async (conn) => {
    const runs = (await runQuery(conn, 'data_ingest_runs', {})).map((r) => runRowSchema.parse(r));
    const rejects = (await runQuery(conn, 'data_rejects', { limit: pageSize, offset: rejectPage * pageSize })).map(
      (r) => rejectRowSchema.parse(r),
    );
    const counts = (await runQuery(conn, 'data_counts', {})).map((r) => countRowSchema.parse(r));
    const quality = qualitySchema.parse((await runQuery(conn, 'data_quality', {}))[0]);
    const doneWithoutEnd = (await runQuery(conn, 'data_done_without_end', {})).map((r) =>
      doneWithoutEndSchema.parse(r),
    );
    return { runs, rejects, counts, quality, doneWithoutEnd, pulls: await readPulls(conn), gone: await readGone(conn) };
  });
}
