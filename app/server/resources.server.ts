/**
 * Resource bodies (the JSON APIs, Arrow): cached by data version like every
 * answer (answers.server.ts), serialised and gzipped once per answer, and kept
 * by URL so a repeated request is sent before Remix (documents.server.ts).
 */
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { answer, type Body } from './answers.server.ts';
import { acceptsGzip, keepResource } from './documents.server.ts';
import { secureHeaders } from './security.server.ts';

const GZIP_FROM_BYTES = 1024;
const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/**
 * Gzipped off the main thread (a quarter of deployments is 14 MB of JSON; a
 * synchronous gzip held every other request for it), at the fastest level for
 * large bodies. Only the gzip is kept: a twentieth of the memory.
 */
async function keptBody(content: string | Uint8Array<ArrayBuffer>): Promise<Body> {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  if (bytes.byteLength < GZIP_FROM_BYTES) return { bytes, gzipped: false };
  const zipped = await gzipAsync(bytes, { level: bytes.byteLength > 1_000_000 ? 1 : 6 });
  return { bytes: new Uint8Array(zipped), gzipped: true };
}

/**
 * For resources (JSON, Arrow): 304 when the client holds this ETag, else the
 * body, kept as made: serialised and gzipped once per answer, not per request
 * (the server's compression middleware leaves a response with a
 * Content-Encoding alone; gzipping /api/units' 4 MB on every request made 32
 * clients wait seconds).
 */
export async function cachedBody(
  route: string,
  request: Request,
  compute: () => Promise<string | Uint8Array<ArrayBuffer>>,
  contentType: string,
  /** The post-release windows the answer reads (default: the request's own). */
  windows?: number[],
): Promise<Response> {
  const { value, etag } = await answer(route, request, async () => await keptBody(await compute()), true, windows);
  const headers = secureHeaders({ ETag: etag, 'Cache-Control': 'private, no-cache', Vary: 'Accept-Encoding' });
  headers.set('Content-Type', contentType);
  const url = new URL(request.url);
  keepResource(etag, `${url.pathname}${url.search}`, value.bytes, value.gzipped, headers);
  if (request.headers.get('If-None-Match') === etag) {
    headers.delete('Content-Type');
    return new Response(null, { status: 304, headers });
  }
  if (!value.gzipped) return new Response(value.bytes, { headers });
  if (acceptsGzip(request.headers.get('Accept-Encoding'))) {
    headers.set('Content-Encoding', 'gzip');
    return new Response(value.bytes, { headers });
  }
  return new Response(new Uint8Array(await gunzipAsync(value.bytes)), { headers });
}

/** For the JSON APIs: the answer as JSON text, with its ETag. */
export const cachedJson = <T>(route: string, request: Request, compute: () => Promise<T>, windows?: number[]) =>
  cachedBody(route, request, async () => JSON.stringify(await compute()), 'application/json; charset=utf-8', windows);
