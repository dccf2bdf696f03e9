/**
 * Rendered documents, kept by ETag and URL. A page's loader answer is cached by
 * its parameters and data version (answers.server.ts) and sets an ETag from
 * that key; the HTML rendered from it is the same for every request with that
 * ETag and URL, except for the Content-Security-Policy nonce. So the HTML is
 * kept with holes where the nonce goes, gzipped once around them
 * (holedGzip.server.ts), and each response gets a fresh nonce in the holes: a
 * repeated page costs a few buffer copies instead of a React render of a few
 * hundred kilobytes and a gzip.
 *
 * `sendKept` answers such a request before Remix sees it (scripts/server.mjs),
 * as long as the ETag is still the one its parameters get; otherwise Remix runs
 * the loader and entry.server.tsx finds the document here by the ETag it got.
 * Resource bodies (the JSON APIs) are kept here too, as they were sent: they
 * have no nonce, so a repeated /api/units skips Remix's Fetch request and
 * stream adapter as a repeated page does.
 */
import crypto from 'node:crypto';
import { isCurrentEtag } from './answers.server.ts';
import { type HoledGzip, holedGzip } from './holedGzip.server.ts';
import { contentSecurityPolicy } from './security.server.ts';

const MAX_BYTES = 96 * 1024 * 1024;

interface Kept {
  etag: string;
  /** The response's headers but the Content-Security-Policy, which names each response's nonce. */
  headers: [string, string][];
  document: HoledGzip;
  bytes: number;
}

/** A resource body as sent: no nonce, its own headers (policy included), gzipped when large. */
interface KeptResource {
  etag: string;
  headers: [string, string][];
  body: Uint8Array;
  gzipped: boolean;
  bytes: number;
}
/** By URL: the one document (or resource body) of its current ETag (a new data version's replaces the old one). */
const documents = new Map<string, Kept | KeptResource>();
let cachedBytes = 0;

const isDocument = (kept: Kept | KeptResource): kept is Kept => 'document' in kept;

/** Stands in for the nonce in a kept document; never produced by base64. */
const MARKER = '\u0000nonce\u0000';

export const newNonce = () => crypto.randomBytes(16).toString('base64');

/** A response as the server writes it. */
export interface KeptResponse {
  status: 200 | 304;
  headers: Record<string, string>;
  body: Buffer | null;
}

export const acceptsGzip = (acceptEncoding: string | null | undefined) => /\bgzip\b/.test(acceptEncoding ?? '');

/** The kept document for this ETag and URL, filled with `nonce`, or null. */
export function keptDocument(etag: string, url: string, nonce: string, acceptEncoding: string | null): Buffer | null {
  const kept = documents.get(url);
  if (kept === undefined || !isDocument(kept) || kept.etag !== etag) return null;
  documents.delete(url); // most recently used last
  documents.set(url, kept);
  return acceptsGzip(acceptEncoding) ? kept.document.fill(nonce) : kept.document.plain(nonce);
}

/** Keeps a document rendered with `nonce` for later requests with the same ETag and URL (replacing the URL's older one). */
export function keepDocument(etag: string, url: string, nonce: string, html: string, headers: Headers): void {
  const document = holedGzip(html.replaceAll(nonce, MARKER), MARKER);
  remember(url, {
    etag,
    headers: [...headers].filter(([name]) => name.toLowerCase() !== 'content-security-policy'),
    document,
    bytes: document.bytes,
  });
}

/**
 * Keeps a resource body sent with `headers` (Content-Encoding: gzip when
 * `gzipped`) for later requests of the same URL while its ETag is current.
 * The bytes are the answer cache's own, not a copy.
 */
export function keepResource(etag: string, url: string, body: Uint8Array, gzipped: boolean, headers: Headers): void {
  const kept = documents.get(url);
  if (kept !== undefined && kept.etag === etag) return;
  remember(url, {
    etag,
    headers: [...headers].filter(([name]) => name.toLowerCase() !== 'content-encoding'),
    body,
    gzipped,
    bytes: body.byteLength,
  });
}

function remember(url: string, kept: Kept | KeptResource): void {
  const old = documents.get(url);
  if (old !== undefined) {
    cachedBytes -= old.bytes;
    documents.delete(url);
  }
  documents.set(url, kept);
  cachedBytes += kept.bytes;
  while (documents.size > 1 && cachedBytes > MAX_BYTES) {
    const oldest = documents.keys().next().value as string;
    cachedBytes -= documents.get(oldest)?.bytes ?? 0;
    documents.delete(oldest);
  }
}

/**
 * The answer to a GET of `url` (path and query as requested) from the kept
 * document, when its ETag is still current: a 304 when the browser holds it,
 * else the document with a new nonce. Null: let Remix answer.
 */
export function sendKept(
  url: string,
  ifNoneMatch: string | undefined,
  acceptEncoding: string | undefined,
): KeptResponse | null {
  const kept = documents.get(url);
  if (kept === undefined || !isCurrentEtag(kept.etag)) return null;
  if (!isDocument(kept)) return sendResource(kept, ifNoneMatch, acceptEncoding);
  const headers: Record<string, string> = Object.fromEntries(kept.headers);
  if (ifNoneMatch === kept.etag) {
    // No policy on a 304: the browser merges a 304's headers into the copy it
    // keeps, and a new nonce there would refuse the kept HTML's scripts
    // (decision 034). Without one, the kept copy's own policy stays.
    delete headers['content-type'];
    return { status: 304, headers, body: null };
  }
  const nonce = newNonce();
  headers['content-security-policy'] = contentSecurityPolicy(nonce);
  const gzip = acceptsGzip(acceptEncoding);
  const body = keptDocument(kept.etag, url, nonce, gzip ? 'gzip' : null) as Buffer;
  if (gzip) headers['content-encoding'] = 'gzip';
  headers.vary = 'Accept-Encoding';
  headers['content-length'] = String(body.length);
  return { status: 200, headers, body };
}

function sendResource(
  kept: KeptResource,
  ifNoneMatch: string | undefined,
  acceptEncoding: string | undefined,
): KeptResponse | null {
  const headers: Record<string, string> = Object.fromEntries(kept.headers);
  if (ifNoneMatch === kept.etag) {
    delete headers['content-type'];
    return { status: 304, headers, body: null };
  }
  // A client that takes no gzip is rare: Remix unzips the kept answer for it.
  if (kept.gzipped && !acceptsGzip(acceptEncoding)) return null;
  if (kept.gzipped) headers['content-encoding'] = 'gzip';
  headers['content-length'] = String(kept.body.byteLength);
  return { status: 200, headers, body: Buffer.from(kept.body.buffer, kept.body.byteOffset, kept.body.byteLength) };
}
