/**
 * Loader answers cached by data version. A key is the route, its canonical
 * parameters (the URL's search parameters, sorted; "now" for as_of taken to
 * the minute) and the data version the read sees; the ETag is a hash of it, so
 * a browser revisit with the same parameters and data is a 304, and any ingest
 * (a new data version) makes new answers, never stale ones.
 */

import { createHash } from 'node:crypto';
import { data } from '@remix-run/node';
import { databasePath } from '../../lib/db.ts';
import { DEFAULT_WINDOW_HOURS, type WindowNeed } from '../../queries/models.ts';
import { readSnapshot } from '../../queries/snapshot.ts';
import { secureHeaders } from './security.server.ts';

const MAX_ENTRIES = 500;
const cache = new Map<string, unknown>();
/** Answers being computed: a second request for the same key waits for the first instead of computing again. */
const inflight = new Map<string, Promise<unknown>>();

/**
 * At most this many answers are computed at once; the rest wait their turn.
 * Without it, a burst of new parameter sets (or every open page at the turn of
 * a minute) runs that many heavy reads at once, which share two cores and one
 * memory limit and all finish late.
 */
const MAX_COMPUTING = 2;
let computing = 0;
const waiting: (() => void)[] = [];

async function inTurn<T>(work: () => Promise<T>): Promise<T> {
  if (computing >= MAX_COMPUTING) await new Promise<void>((resolve) => waiting.push(resolve));
  computing++;
  try {
    return await work();
  } finally {
    computing--;
    waiting.shift()?.();
  }
}

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
    window: Number.isFinite(w) && w > 0 && w <= 24 * 90 ? w : DEFAULT_WINDOW_HOURS,
  };
}

/** "Now" for answers without an explicit as_of: the current minute, so answers can be reused within it. */
const nowToTheMinute = () => new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();

async function answer<T>(
  route: string,
  request: Request,
  compute: () => Promise<T>,
): Promise<{ value: T; etag: string }> {
  const url = new URL(request.url);
  const asOf = url.searchParams.get('as_of') ? '' : nowToTheMinute();
  return readSnapshot(
    async (dataVersion) => {
      const key = `${databasePath()}|${dataVersion}|${route}|${canonicalSearch(url)}|${asOf}`;
      const etag = `"${createHash('sha256').update(key).digest('base64url').slice(0, 22)}"`;
      if (cache.has(key)) {
        const value = cache.get(key) as T;
        cache.delete(key); // most recently used last
        cache.set(key, value);
        return { value, etag };
      }
      let pending = inflight.get(key) as Promise<T> | undefined;
      if (!pending) {
        pending = inTurn(compute);
        inflight.set(key, pending);
        pending
          .then((value) => {
            cache.set(key, value);
            if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
          })
          .catch(() => {})
          .finally(() => inflight.delete(key));
      }
      return { value: await pending, etag };
    },
    [needOf(url)],
  );
}

/** A page loader's cached answer with its ETag (revalidated on every visit: `no-cache`). */
export async function cachedLoader<T>(route: string, request: Request, compute: () => Promise<T>) {
  const { value, etag } = await answer(route, request, compute);
  return data(value, { headers: { ETag: etag, 'Cache-Control': 'private, no-cache' } });
}

/** For the JSON APIs: 304 when the client holds this ETag, else the JSON with it. */
export async function cachedJson<T>(route: string, request: Request, compute: () => Promise<T>): Promise<Response> {
  const { value, etag } = await answer(route, request, compute);
  const headers = secureHeaders({ ETag: etag, 'Cache-Control': 'private, no-cache' });
  if (request.headers.get('If-None-Match') === etag) return new Response(null, { status: 304, headers });
  return Response.json(value, { headers });
}
