/**
 * A person's verdict on an incident's link to a unit (docs/kpis.md, "Incident
 * attribution", item 4) is data like a loaded file: each batch of reviews is
 * an ingest run (so the refresh finds the incidents it touches and the models
 * move to a new data version), its rows go to raw_link_reviews in one
 * transaction, and a copy goes to the archive (`<db>.archive/reviews.jsonl`,
 * one JSON object per review, appended after the commit like the manifest's
 * lines) so `npm run rebuild` replays them. Reviews name ids, not rows: a
 * re-ingest of the incident or the unit keeps them.
 */
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { withWriter } from '../lib/db.ts';
import { ensureSchema } from '../lib/schema.ts';
import { unitKinds } from '../queries/catalogue.ts';
import { updateModels } from '../queries/refresh.ts';
import { appendLines, archiveDir, readLines } from './archive.ts';

export const verdicts = ['confirmed', 'rejected', 'withdrawn'] as const;
export type Verdict = (typeof verdicts)[number];

const id = z.string().trim().min(1).max(200);

/** One review as a request or the archive gives it (who and when are the writer's). */
export const reviewInputSchema = z.strictObject({
  incident_id: id,
  unit_kind: z.enum(unitKinds),
  unit_id: id,
  verdict: z.enum(verdicts),
  reason: z
    .string()
    .trim()
    .max(1000)
    .optional()
    .transform((r) => r || null),
});
export type ReviewInput = z.output<typeof reviewInputSchema>;

/** A stored review: the input with who made it and when. */
export interface Review extends ReviewInput {
  review_id: number;
  reviewed_by: string;
  reviewed_at: string;
}

/** At most this many reviews in one batch, and this many kept in all (a bound on what requests can grow). */
export const MAX_REVIEWS_PER_BATCH = 500;
export const MAX_REVIEWS_KEPT = 1_000_000;

export class ReviewRefused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const reviewsArchive = (databaseFile: string) => path.join(archiveDir(databaseFile), 'reviews.jsonl');

/** The archived reviews in order (a torn last line skipped). */
export const readArchivedReviews = (databaseFile: string): Review[] => readLines<Review>(reviewsArchive(databaseFile));

/** The records a review names that are not (or no longer) there: '' when both are. */
async function missingRecord(conn: DuckDBConnection, r: ReviewInput): Promise<string> {
  const unitTable = { release: 'raw_releases', change: 'raw_changes', deployment: 'raw_deployments' }[r.unit_kind];
  const unitKey = `${r.unit_kind}_id`;
  const found = (
    await conn.runAndReadAll(
      `select exists (select 1 from main.raw_incidents where incident_id = $incident),
              exists (select 1 from main.${unitTable} where ${unitKey} = $unit)`,
      { incident: r.incident_id, unit: r.unit_id },
    )
  ).getRows()[0] as [boolean, boolean];
  if (!found[0]) return `there is no incident ${r.incident_id}`;
  if (!found[1]) return `there is no ${r.unit_kind} ${r.unit_id}`;
  return '';
}

async function insertReviews(conn: DuckDBConnection, reviews: Review[], label: string): Promise<void> {
  const runId = Number((await conn.runAndReadAll("select nextval('ingest_run_seq')::integer")).getRows()[0]?.[0]);
  await conn.run(
    `insert into main.ingest_runs values ($run, $file, null, 'link_review', 'review', $n, $n, 0, now(), now(), 'loaded', null)`,
    { run: runId, file: label, n: reviews.length },
  );
  for (const r of reviews)
    await conn.run(
      `insert into main.raw_link_reviews values ($review_id, $incident_id, $unit_kind, $unit_id, $verdict, $reason,
         $reviewed_by, $reviewed_at::timestamptz, $run)`,
      {
        review_id: r.review_id,
        incident_id: r.incident_id,
        unit_kind: r.unit_kind,
        unit_id: r.unit_id,
        verdict: r.verdict,
        reason: r.reason,
        reviewed_by: r.reviewed_by,
        reviewed_at: r.reviewed_at,
        run: runId,
      },
    );
}

/**
 * Stores a batch of reviews by `by` (all or none; each must name an incident
 * and a unit that exist), archives them, and brings the models up to them.
 * Returns the stored reviews and the new data version.
 */
export async function recordReviews(
  databaseFile: string,
  inputs: ReviewInput[],
  by: string,
): Promise<{ reviews: Review[]; dataVersion: number }> {
  if (inputs.length === 0) throw new ReviewRefused(400, 'no reviews given');
  if (inputs.length > MAX_REVIEWS_PER_BATCH)
    throw new ReviewRefused(413, `at most ${MAX_REVIEWS_PER_BATCH} reviews at once (${inputs.length} given)`);
  return withWriter(async (conn) => {
    await ensureSchema(conn);
    const [[kept, lastId]] = (
      await conn.runAndReadAll(
        'select count(*)::integer, coalesce(max(review_id), 0)::integer from main.raw_link_reviews',
      )
    ).getRows() as [[number, number]];
    if (kept + inputs.length > MAX_REVIEWS_KEPT)
      throw new ReviewRefused(507, `the database keeps at most ${MAX_REVIEWS_KEPT} reviews; it holds ${kept}`);
    for (const r of inputs) {
      const missing = await missingRecord(conn, r);
      if (missing) throw new ReviewRefused(404, missing);
    }
    const at = new Date().toISOString();
    const reviews = inputs.map((r, i) => ({ ...r, review_id: lastId + i + 1, reviewed_by: by, reviewed_at: at }));
    await conn.run('begin transaction');
    try {
      await insertReviews(conn, reviews, `review by ${by}`);
      await conn.run('commit');
    } catch (err) {
      await conn.run('rollback').catch(() => {});
      throw err;
    }
    appendLines(databaseFile, reviewsArchive(databaseFile), reviews);
    const { dataVersion } = await updateModels(conn);
    return { reviews, dataVersion };
  });
}

/** Replays archived reviews into a rebuilt database (ids, who and when as they were); no model build. */
export async function replayReviews(conn: DuckDBConnection, reviews: Review[]): Promise<void> {
  if (reviews.length === 0) return;
  await conn.run('begin transaction');
  try {
    await insertReviews(conn, reviews, `${reviews.length} archived review(s)`);
    await conn.run('commit');
  } catch (err) {
    await conn.run('rollback').catch(() => {});
    throw err;
  }
}
