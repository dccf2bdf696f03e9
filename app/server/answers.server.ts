/**
 * Loader answers cached by data version. A key is the route, its canonical
 * parameters (the URL's search parameters, sorted; "now" for as_of taken to
 * five minutes, NOW_STEP_MS) and the data version the read sees; the ETag is a
 * hash of it, so a browser revisit with the same parameters and data is a 304,
 * and any ingest (a new data version) makes new answers, never stale ones.
 * What is kept is what is sent: a page answer packed as one JSON text
 * (packed.ts), or a resource body with its gzip.
 *
 * At the turn of a step, an answer without as_of is served from the previous
 * step of the same data version while its new step is computed in the
 * background (its report names the as_of it used): otherwise every open page
 * recomputes at once every step and the server falls behind.
 *
 * What the answers hold between requests is one AnswerState: the kept answers
 * and the versions and ETags seen (answerStore.server.ts), the answers asked
 * for recently (recentAnswers.server.ts) and the compute queue
 * (computeQueue.server.ts).
 */

import { createHash } from 'node:crypto';
import { data } from '@remix-run/node';
import { databasePath, writeCount } from '../../lib/db.ts';
import { TimeLimitReached } from '../../lib/timeLimit.ts';
import { MAX_WINDOW_HOURS } from '../../lib/units.ts';
import { DEFAULT_WINDOW_HOURS, type WindowNeed } from '../../queries/catalogue.ts';
import { readSnapshot } from '../../queries/snapshot.ts';
import { afterVersionIsCurrent } from '../../queries/versionSwitch.ts';
import { WindowBudgetSpent } from '../../queries/windowBudget.ts';
import { pack } from '../shared/packed.ts';
import { AnswerStore, type Body, EtagBook, type Kept, VersionBook } from './answerStore.server.ts';
import { ComputeQueue, Overloaded } from './computeQueue.server.ts';
import { RecentAnswers, warmRecent } from './recentAnswers.server.ts';

export type { Body };

import { secureHeaders } from './security.server.ts';

/**
 * Two answers are computed at once and at most 64 wait (computeQueue.server.ts);
 * a request past that gets 503 with Retry-After.
 */
export const MAX_WAITING = 64;

/** Everything the answers hold between requests, in one object (a test can make a fresh one). */
export interface AnswerState {
  store: AnswerStore;
  versions: VersionBook;
  etags: EtagBook;
  recent: RecentAnswers;
  queue: ComputeQueue;
}

export const newAnswerState = (): AnswerState => ({
  store: new AnswerStore(),
  versions: new VersionBook(),
  etags: new EtagBook(),
  recent: new RecentAnswers(),
  queue: new ComputeQueue(2, MAX_WAITING),
});

/** This process's answers. */
const state = newAnswerState();

/** The URL's parameters in a fixed order (repeated keys keep their order), without paging noise. */
function canonicalSearch(url: URL): string {
  const pairs = [...url.searchParams].filter(([, v]) => v !== '');
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return new URLSearchParams(pairs).toString();
}

/** The post-release window and unit kind a request reads (the defaults when absent or not valid). */
function needOf(url: URL): WindowNeed {
  const w = Number(url.searchParams.getAll('window').at(-1) ?? DEFAULT_WINDOW_HOURS);
  const unit = url.searchParams.getAll('unit').at(-1);
  return {
    unit: unit === 'change' || unit === 'deployment' ? unit : 'release',
    window: Number.isInteger(w) && w >= 1 && w <= MAX_WINDOW_HOURS ? w : DEFAULT_WINDOW_HOURS,
  };
}

/**
 * How long an answer without an explicit as_of is reused: "now" is taken to
 * five minutes. Every answer depends on now (the backlog, overdue units, the
 * schedule cohort, the as_of it reports), so each step recomputes every answer
 * still asked for; at one minute, a server with 60 open parameter sets at the
 * large scale spent most of its time recomputing them.
 */
export const NOW_STEP_MS = 5 * 60_000;
const nowToTheStep = () => new Date(Math.floor(clock.now() / NOW_STEP_MS) * NOW_STEP_MS).toISOString();

/** The clock that picks the step (tests move it). */
export const clock = { now: () => Date.now() };

/** Notes a data version a read saw; once a newer one is current, the answers of older ones can never be asked for again. */
function sawVersion(s: AnswerState, file: string, dataVersion: number) {
  if (s.versions.saw(file, dataVersion)) s.store.forgetOlderThan(file, dataVersion);
}

/**
 * Computes the answer kept under `key` once: a second caller waits for the
 * first. `base`: the key without the step of now, for answers without as_of
 * (empty `asOf`: the answer has its own). `background`: nobody waits for it.
 */
function computeOnce<T extends Kept>(
  s: AnswerState,
  key: string,
  base: string,
  asOf: string,
  compute: () => Promise<T>,
  background: boolean,
): Promise<T> {
  let pending = s.store.inflight.get(key) as Promise<T> | undefined;
  if (!pending) {
    pending = s.queue.inTurn(compute, background);
    s.store.inflight.set(key, pending);
    pending
      .then((value) => {
        s.store.remember(key, value);
        if (asOf) s.store.noteNewest(base, key);
      })
      .catch(() => {})
      .finally(() => s.store.inflight.delete(key));
  }
  return pending;
}

/** Once an ingest has made a new data version current, the most recent answers are computed on it (recentAnswers.server.ts). */
afterVersionIsCurrent((dataVersion) =>
  warmRecent(databasePath(), dataVersion, state.recent, {
    kept: (key) => state.store.has(key),
    computeOnce: (key, base, asOf, compute) => computeOnce(state, key, base, asOf, compute, true),
    saw: (file, version) => sawVersion(state, file, version),
    step: nowToTheStep,
  }),
);

const etagOf = (key: string) => `"${createHash('sha256').update(key).digest('base64url').slice(0, 22)}"`;

/** True while an answer with this ETag is still the one its parameters get (same writes, same step of now). */
export function isCurrentEtag(etag: string): boolean {
  return state.etags.isCurrent(etag, writeCount(), nowToTheStep());
}

/**
 * The answer for a request. `allowStale`: at the turn of a step, hand back the
 * previous step's answer and compute the new one afterwards in a snapshot of
 * its own (a computation started inside this snapshot would outlive its
 * connection).
 */
export async function answer<T extends Kept>(
  route: string,
  request: Request,
  compute: () => Promise<T>,
  allowStale = true,
  windows?: number[],
): Promise<{ value: T; etag: string }> {
  try {
    return await answerOf(state, route, request, compute, allowStale, windows);
  } catch (err) {
    throw busy(err) ?? err;
  }
}

/** How long a client is asked to wait after a 503. */
const RETRY_AFTER_SECONDS = 30;

/**
 * A request the server cannot afford now, as a 503 with Retry-After and a
 * sentence (a thrown Response: resource routes send it, pages show it in
 * their error boundary), or null for any other failure.
 */
export function busy(err: unknown): Response | null {
  let sentence: string;
  if (err instanceof TimeLimitReached)
    sentence = `This answer took longer than ${err.seconds} s and was stopped. Try a shorter period or fewer filters, or again in a minute.`;
  else if (err instanceof Overloaded) sentence = 'The server is busy with other requests. Try again in half a minute.';
  else if (err instanceof WindowBudgetSpent) sentence = `This window cannot be added now: ${err.message}.`;
  else return null;
  return new Response(JSON.stringify({ error: sentence }), {
    status: 503,
    headers: secureHeaders({
      'Content-Type': 'application/json; charset=utf-8',
      'Retry-After': String(RETRY_AFTER_SECONDS),
      'Cache-Control': 'no-store',
    }),
  });
}

async function answerOf<T extends Kept>(
  s: AnswerState,
  route: string,
  request: Request,
  compute: () => Promise<T>,
  allowStale = true,
  windows?: number[],
): Promise<{ value: T; etag: string }> {
  const url = new URL(request.url);
  const asOf = url.searchParams.get('as_of') ? '' : nowToTheStep();
  const file = databasePath();
  const writes = writeCount();
  const needs = windows ? windows.map((window) => ({ ...needOf(url), window })) : [needOf(url)];
  s.recent.note({
    file,
    route,
    search: canonicalSearch(url),
    hasAsOf: asOf === '',
    windows: needs,
    compute,
  });
  const last = s.versions.lastRead.get(file);
  if (last && last.writes === writes) {
    const key = `${file}|${last.dataVersion}|${route}|${canonicalSearch(url)}|${asOf}`;
    const value = s.store.take(key) as T | undefined;
    if (value !== undefined) {
      const etag = etagOf(key);
      s.etags.handOut(etag, writes, asOf);
      return { value, etag };
    }
  }
  const found = await readSnapshot(
    async (dataVersion): Promise<{ value: T; etag: string; stale?: boolean; refresh?: boolean }> => {
      s.versions.lastRead.set(file, { writes, dataVersion });
      sawVersion(s, file, dataVersion);
      const base = `${file}|${dataVersion}|${route}|${canonicalSearch(url)}`;
      const key = `${base}|${asOf}`;
      const kept = s.store.take(key) as T | undefined;
      if (kept !== undefined) return { value: kept, etag: etagOf(key) };
      // the previous step's answer of the same data version, while this step's is computed
      const previous = asOf && allowStale ? s.store.newestOf(base) : undefined;
      if (previous !== undefined && s.store.has(previous)) {
        return {
          value: s.store.take(previous) as T,
          etag: etagOf(previous),
          stale: true,
          refresh: !s.store.inflight.has(key),
        };
      }
      return { value: await computeOnce(s, key, base, asOf, compute, !allowStale), etag: etagOf(key) };
    },
    needs,
  );
  if (found.refresh) {
    answer(route, request, compute, false, windows).catch((err) => console.error(`refreshing ${route}: ${err}`));
  }
  if (!found.stale) s.etags.handOut(found.etag, writes, asOf);
  return { value: found.value, etag: found.etag };
}

/**
 * A page loader's cached answer, packed as one JSON text (lib/packed.ts; read
 * it with useAnswer), with its ETag (revalidated on every visit: `no-cache`).
 */
export async function cachedLoader<T>(route: string, request: Request, compute: () => Promise<T>) {
  const { value, etag } = await answer(route, request, async () => pack(await compute()));
  return data(value, { headers: { ETag: etag, 'Cache-Control': 'private, no-cache' } });
}
