/**
 * Rendered documents, kept by ETag and URL. A page's loader answer is cached by
 * its parameters and data version (answers.server.ts) and sets an ETag from
 * that key; the HTML rendered from it is the same for every request with that
 * ETag and URL, except for the Content-Security-Policy nonce. So the HTML is
 * kept with the nonce replaced by a marker, and each response gets a fresh
 * nonce in place of the marker: a repeated page costs a string replace instead
 * of a React render of a few hundred kilobytes.
 */

const MAX_BYTES = 96 * 1024 * 1024;
const documents = new Map<string, string>();
let cachedBytes = 0;

/** Stands in for the nonce in a kept document; never produced by base64. */
const MARKER = '\u0000nonce\u0000';

const keyOf = (etag: string, url: string) => `${etag} ${url}`;

/** The kept document for this ETag and URL with `nonce` filled in, or null. */
export function keptDocument(etag: string, url: string, nonce: string): string | null {
  const key = keyOf(etag, url);
  const html = documents.get(key);
  if (html === undefined) return null;
  documents.delete(key); // most recently used last
  documents.set(key, html);
  return html.replaceAll(MARKER, nonce);
}

/** Keeps a document rendered with `nonce` for later requests with the same ETag and URL. */
export function keepDocument(etag: string, url: string, nonce: string, html: string): void {
  const key = keyOf(etag, url);
  const kept = html.replaceAll(nonce, MARKER);
  const old = documents.get(key);
  if (old !== undefined) cachedBytes -= old.length;
  documents.set(key, kept);
  cachedBytes += kept.length;
  while (documents.size > 1 && cachedBytes > MAX_BYTES) {
    const oldest = documents.keys().next().value as string;
    cachedBytes -= documents.get(oldest)?.length ?? 0;
    documents.delete(oldest);
  }
}
