/**
 * The Data page's view of the pulls: what the database holds of each pulled
 * target (watermark, batches, gone records) beside what the last pull of it
 * did (pull/status.ts: when, counts, error, next run), one row per source and
 * target. Pure: the loader passes both in.
 */
import type { PullStatus } from '../../pull/status.ts';
import type { PullRow } from '../../queries/pulls.ts';

export interface PullView {
  source: string;
  type: string;
  target: string;
  /** The last pull of this target: when it started and finished (null while running). */
  startedAt: string | null;
  finishedAt: string | null;
  fetched: number | null;
  loaded: number | null;
  rejected: number | null;
  error: string | null;
  nextRunAt: string | null;
  /** Where the next pull starts, before the overlap (null before the first batch committed). */
  watermark: string | null;
  /** Records the newest whole re-read did not find upstream. */
  gone: number;
}

export function pullViews(stored: PullRow[], status: PullStatus): PullView[] {
  const out = new Map<string, PullView>();
  const key = (source: string, target: string) => `${source}\t${target}`;
  for (const [source, s] of Object.entries(status.sources)) {
    for (const [target, t] of Object.entries(s.targets)) {
      out.set(key(source, target), {
        source,
        type: s.type,
        target,
        startedAt: t.startedAt,
        finishedAt: t.finishedAt,
        fetched: t.fetched,
        loaded: t.loaded,
        rejected: t.rejected,
        error: t.error,
        nextRunAt: s.nextRunAt,
        watermark: null,
        gone: 0,
      });
    }
  }
  for (const r of stored) {
    const view = out.get(key(r.source, r.target)) ?? {
      source: r.source,
      type: '—',
      target: r.target,
      startedAt: null,
      finishedAt: r.last_batch_at,
      fetched: null,
      loaded: null,
      rejected: null,
      error: null,
      nextRunAt: null,
      watermark: null,
      gone: 0,
    };
    view.watermark = r.watermark;
    view.gone = r.gone;
    out.set(key(r.source, r.target), view);
  }
  return [...out.values()].sort((a, b) => a.source.localeCompare(b.source) || a.target.localeCompare(b.target));
}
