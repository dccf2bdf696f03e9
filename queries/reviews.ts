/**
 * What people said about incident links (docs/kpis.md, "Incident attribution",
 * item 4): the queue of inferred links nobody reviewed yet, the reviews with
 * whether each is in effect, and how a period's links were made. Writing a
 * review is ingest/reviews.ts.
 */

import { BIGINT } from '@duckdb/node-api';
import { z } from 'zod';
import { unitBindings } from './bindings.ts';
import type { KpiParams } from './params.ts';
import { isoInstant } from './rowTypes.ts';
import { runQuery } from './run.ts';
import { withModels } from './snapshot.ts';

const instant = isoInstant;

export const queueRowSchema = z.object({
  incident_id: z.string(),
  unit_id: z.string(),
  opened_at: instant,
  priority: z.number(),
  incident_service: z.string().nullable(),
  incident_ci: z.string().nullable(),
  service: z.string().nullable(),
  team: z.string().nullable(),
  unit_type: z.string().nullable(),
  golive_at: instant,
  post_release_incidents: z.number(),
  expected_incidents: z.number().nullable(),
  unit_excess: z.number(),
  title: z.string().nullable(),
  category: z.string().nullable(),
  hours_after_golive: z.number().nullable(),
});
export type QueueRow = z.output<typeof queueRowSchema>;

export const reviewRowSchema = z.object({
  review_id: z.number(),
  incident_id: z.string(),
  unit_kind: z.string(),
  unit_id: z.string(),
  verdict: z.enum(['confirmed', 'rejected']),
  reason: z.string().nullable(),
  reviewed_by: z.string(),
  reviewed_at: instant,
  status: z.enum(['in effect', 'no such incident', 'no such unit', 'unit not completed']),
  priority: z.number().nullable(),
  title: z.string().nullable(),
  opened_at: instant,
});
export type ReviewRow = z.output<typeof reviewRowSchema>;

export const reviewCountsSchema = z.object({
  links: z.number(),
  explicit_links: z.number(),
  confirmed_reviews: z.number(),
  inferred_links: z.number(),
  rejected_reviews: z.number(),
});
export type ReviewCounts = z.output<typeof reviewCountsSchema>;

export interface Paged<T> {
  rows: T[];
  total: number;
}

const total = (rows: Record<string, unknown>[]) => Number(rows[0]?.total_rows ?? 0);
const paging = { limit: BIGINT, offset: BIGINT };

/** A page of the period's unreviewed inferred links, worst first. */
export function getReviewQueue(p: KpiParams, page: { limit: number; offset: number }): Promise<Paged<QueueRow>> {
  return withModels(async (conn) => {
    const rows = await runQuery(conn, 'review_queue', { ...unitBindings(p), ...page }, paging);
    return { rows: rows.map((r) => queueRowSchema.parse(r)), total: total(rows) };
  }, p);
}

/** A page of the reviews (the newest verdict per link), newest first. */
export function getReviews(page: { limit: number; offset: number }): Promise<Paged<ReviewRow>> {
  return withModels(async (conn) => {
    const rows = await runQuery(conn, 'review_links', page, paging);
    return { rows: rows.map((r) => reviewRowSchema.parse(r)), total: total(rows) };
  });
}

/** How the period's incident links were made and reviewed. */
export function getReviewCounts(p: KpiParams): Promise<ReviewCounts> {
  return withModels(async (conn) => {
    const [row] = await runQuery(conn, 'kpi_review_counts', unitBindings(p));
    return reviewCountsSchema.parse(row);
  }, p);
}
