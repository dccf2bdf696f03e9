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
/** By URL: the one document of its current ETag (a new data version's document replaces the old one). */
const documents = new Map<string, { etag: string; html: string }>();
let cachedBytes = 0;

/** Stands in for the nonce in a kept document; never produced by base64. */
const MARKER = '\u0000nonce\u0000';

/** The kept document for this ETag and URL with `nonce` filled in, or null. */
export function keptDocument(etag: string, url: string, nonce: string): string | null {
  const kept = documents.get(url);
  if (kept === undefined || kept.etag !== etag) return null;
  documents.delete(url); // most recently used last
  documents.set(url, kept);
  return kept.html.replaceAll(MARKER, nonce);
}

/** Keeps a document rendered with `nonce` for later requests with the same ETag and URL (replacing the URL's older one). */
export function keepDocument(etag: string, url: string, nonce: string, html: string): void {
  const kept = html.replaceAll(nonce, MARKER);
  const old = documents.get(url);
  if (old !== undefined) {
    cachedBytes -= old.html.length;
    documents.delete(url);
  }
  documents.set(url, { etag, html: kept });
  cachedBytes += kept.length;
  while (documents.size > 1 && cachedBytes > MAX_BYTES) {
    const oldest = documents.keys().next().value as string;
    cachedBytes -= documents.get(oldest)?.html.length ?? 0;
    documents.delete(oldest);
  }
}
