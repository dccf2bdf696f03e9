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
 */

import { createHash } from 'node:crypto';
import { data } from '@remix-run/node';
import { databasePath, writeCount } from '../../lib/db.ts';
import { TimeLimitReached } from '../../lib/timeLimit.ts';
import { DEFAULT_WINDOW_HOURS, type WindowNeed } from '../../queries/catalogue.ts';
import { readSnapshot } from '../../queries/snapshot.ts';
import { afterVersionIsCurrent } from '../../queries/versionSwitch.ts';
import { WindowBudgetSpent } from '../../queries/windowBudget.ts';
import { ComputeQueue, Overloaded } from './computeQueue.server.ts';
import { type Packed, pack } from './packed.ts';
import { secureHeaders } from './security.server.ts';

/** A resource body kept as sent: its bytes, and gzipped once when large enough to be worth it (resources.server.ts). */
export interface Body {
  /** The body as is (small ones), or gzipped (the rest; unzipped for the rare client that asks for no gzip). */
  bytes: Uint8Array<ArrayBuffer>;
  gzipped: boolean;
}

/** What the cache keeps. */
type Kept = Packed<unknown> | Body;

const sizeOf = (v: Kept) => ('json' in v ? v.json.length : v.bytes.byteLength);

const MAX_ENTRIES = 500;
/** The cache's budget in bytes: answers differ in size by a thousand times (a KPI object, every unit of a quarter). */
const MAX_BYTES = 192 * 1024 * 1024;
const cache = new Map<string, Kept>();
const sizes = new Map<string, number>();
let cachedBytes = 0;

function remember(key: string, value: Kept) {
  const bytes = sizeOf(value);
  cache.set(key, value);
  sizes.set(key, bytes);
  cachedBytes += bytes;
  while (cache.size > 1 && (cache.size > MAX_ENTRIES || cachedBytes > MAX_BYTES)) {
    const oldest = cache.keys().next().value as string;
    cache.delete(oldest);
    cachedBytes -= sizes.get(oldest) ?? 0;
    sizes.delete(oldest);
  }
}
/** Answers being computed: a second request for the same key waits for the first instead of computing again. */
const inflight = new Map<string, Promise<Kept>>();
/** For answers without as_of: the key of the newest answer of each (database, data version, route, parameters). */
const newest = new Map<string, string>();

/**
 * Two answers are computed at once and at most 64 wait (computeQueue.server.ts);
 * a request past that gets 503 with Retry-After.
 */
export const MAX_WAITING = 64;
const queue = new ComputeQueue(2, MAX_WAITING);
const inTurn = <T>(work: () => Promise<T>, background = false) => queue.inTurn(work, background);

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
    window: Number.isInteger(w) && w >= 1 && w <= 24 * 90 ? w : DEFAULT_WINDOW_HOURS,
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

/**
 * The data version the last read saw, and the writer count before that read
 * (lib/db.ts): while the count is unchanged, that version is still current, so
 * a request whose answer is cached is served without opening a snapshot.
 */
const seen = new Map<string, { writes: number; dataVersion: number }>();
/** Per database: the newest data version a read has seen. */
const newestVersion = new Map<string, number>();

/**
 * The answers asked for most recently (without data version or step), with
 * how to compute them: when an ingest has made a new data version current,
 * these are computed on it in the background, so that the pages people have
 * open mostly answer from the cache when they next ask.
 */
interface Recent {
  file: string;
  route: string;
  search: string;
  hasAsOf: boolean;
  windows: WindowNeed[];
  compute: () => Promise<Kept>;
}
const recent = new Map<string, Recent>();
const MAX_RECENT = 200;
/** At most this many answers, and this long, per new data version (in the background: nobody waits for it). */
const WARM_ANSWERS = 60;
const WARM_BUDGET_MS = 30_000;

function noteRecent(r: Recent) {
  const id = `${r.file}|${r.route}|${r.search}`;
  recent.delete(id);
  recent.set(id, r);
  if (recent.size > MAX_RECENT) recent.delete(recent.keys().next().value as string);
}

/** Forgets the answers of data versions older than `keep` (no read can ask for them again). */
function forgetOlderThan(file: string, keep: number) {
  const prefix = `${file}|`;
  const older = (key: string) =>
    key.startsWith(prefix) && Number(key.slice(prefix.length, key.indexOf('|', prefix.length))) < keep;
  for (const key of [...cache.keys()].filter(older)) {
    cache.delete(key);
    cachedBytes -= sizes.get(key) ?? 0;
    sizes.delete(key);
  }
  for (const base of [...newest.keys()].filter(older)) newest.delete(base);
}

/** Notes a data version a read saw; once a newer one is current, the answers of older ones can never be asked for again. */
function sawVersion(file: string, dataVersion: number) {
  if (dataVersion > (newestVersion.get(file) ?? 0)) {
    newestVersion.set(file, dataVersion);
    forgetOlderThan(file, dataVersion);
  }
}

/**
 * Computes the answer kept under `key` once: a second caller waits for the
 * first. `base`: the key without the step of now, for answers without as_of
 * (empty `asOf`: the answer has its own). `background`: nobody waits for it.
 */
function computeOnce<T extends Kept>(
  key: string,
  base: string,
  asOf: string,
  compute: () => Promise<T>,
  background: boolean,
): Promise<T> {
  let pending = inflight.get(key) as Promise<T> | undefined;
  if (!pending) {
    pending = inTurn(compute, background);
    inflight.set(key, pending);
    pending
      .then((value) => {
        remember(key, value);
        if (asOf) {
          newest.delete(base);
          newest.set(base, key);
          if (newest.size > MAX_ENTRIES) newest.delete(newest.keys().next().value as string);
        }
      })
      .catch(() => {})
      .finally(() => inflight.delete(key));
  }
  return pending;
}

/**
 * Once an ingest has made a new data version current, the most recent answers
 * are computed on it, two at a time behind any request someone waits for, so
 * open pages mostly find theirs kept when they next ask. The ingest does not
 * wait for this (decision 011). An answer whose window the new version does
 * not hold is left until someone asks: adding a window is a write.
 */
afterVersionIsCurrent((dataVersion) => {
  const file = databasePath();
  const list = [...recent.values()]
    .filter((r) => r.file === file)
    .reverse()
    .slice(0, WARM_ANSWERS);
  if (list.length === 0) return;
  const t0 = performance.now();
  let computed = 0;
  let superseded = false;
  const warmNext = async (): Promise<void> => {
    const r = list.shift();
    if (!r || superseded || performance.now() - t0 > WARM_BUDGET_MS) return;
    try {
      await readSnapshot(
        async (version) => {
          sawVersion(file, version);
          // a newer version is current: its own warming takes over
          if (version !== dataVersion) {
            superseded = true;
            return;
          }
          const asOf = r.hasAsOf ? '' : nowToTheStep();
          const base = `${file}|${version}|${r.route}|${r.search}`;
          const key = `${base}|${asOf}`;
          if (cache.has(key)) return;
          await computeOnce(key, base, asOf, r.compute, true);
          computed++;
        },
        r.windows,
        { addWindows: false },
      );
    } catch {
      // a window the version does not hold, a refused parameter: computed when asked
    }
    return warmNext();
  };
  const total = list.length;
  Promise.all([warmNext(), warmNext()])
    .then(() =>
      console.error(
        `answers: ${computed} of the ${total} most recent answers computed on data version ${dataVersion} in ${((performance.now() - t0) / 1000).toFixed(1)} s, after it became current`,
      ),
    )
    .catch((err) => console.error(`computing recent answers on data version ${dataVersion}: ${err}`));
});

const etagOf = (key: string) => `"${createHash('sha256').update(key).digest('base64url').slice(0, 22)}"`;

/**
 * The ETags last handed out, with the writer count and step they were current
 * at: while neither has moved, a request for the same parameters would get the
 * same ETag, so a document kept for it can be sent without asking Remix
 * (documents.server.ts).
 */
const handedOut = new Map<string, { writes: number; step: string }>();

function handOut(etag: string, writes: number, step: string) {
  handedOut.delete(etag);
  handedOut.set(etag, { writes, step });
  if (handedOut.size > MAX_ENTRIES) handedOut.delete(handedOut.keys().next().value as string);
}

/** True while an answer with this ETag is still the one its parameters get (same writes, same step of now). */
export function isCurrentEtag(etag: string): boolean {
  const h = handedOut.get(etag);
  return h !== undefined && h.writes === writeCount() && (h.step === '' || h.step === nowToTheStep());
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
    return await answerOf(route, request, compute, allowStale, windows);
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
  noteRecent({
    file,
    route,
    search: canonicalSearch(url),
    hasAsOf: asOf === '',
    windows: needs,
    compute,
  });
  const last = seen.get(file);
  if (last && last.writes === writes) {
    const key = `${file}|${last.dataVersion}|${route}|${canonicalSearch(url)}|${asOf}`;
    if (cache.has(key)) {
      const value = cache.get(key) as T;
      cache.delete(key); // most recently used last
      cache.set(key, value);
      const etag = etagOf(key);
      handOut(etag, writes, asOf);
      return { value, etag };
    }
  }
  const found = await readSnapshot(
    async (dataVersion): Promise<{ value: T; etag: string; stale?: boolean; refresh?: boolean }> => {
      seen.set(file, { writes, dataVersion });
      sawVersion(file, dataVersion);
      const base = `${file}|${dataVersion}|${route}|${canonicalSearch(url)}`;
      const key = `${base}|${asOf}`;
      if (cache.has(key)) {
        const value = cache.get(key) as T;
        cache.delete(key); // most recently used last
        cache.set(key, value);
        return { value, etag: etagOf(key) };
      }
      // the previous step's answer of the same data version, while this step's is computed
      const previous = asOf && allowStale ? newest.get(base) : undefined;
      if (previous !== undefined && cache.has(previous)) {
        return { value: cache.get(previous) as T, etag: etagOf(previous), stale: true, refresh: !inflight.has(key) };
      }
      return { value: await computeOnce(key, base, asOf, compute, !allowStale), etag: etagOf(key) };
    },
    needs,
  );
  if (found.refresh) {
    answer(route, request, compute, false, windows).catch((err) => console.error(`refreshing ${route}: ${err}`));
  }
  if (!found.stale) handOut(found.etag, writes, asOf);
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
