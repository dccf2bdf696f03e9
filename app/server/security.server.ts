/**
 * The security headers of every response. Documents get a Content-Security-Policy
 * whose nonce admits Remix's own inline scripts (entry.server.tsx); other
 * responses (JSON, CSV, Arrow, errors) may run nothing at all.
 */
export function contentSecurityPolicy(nonce: string | null): string {
  if (nonce === null) return "default-src 'none'; frame-ancestors 'none'";
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    // charts set style attributes
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Sets the security headers on `headers` (a document passes its nonce). */
export function secure(headers: Headers, nonce: string | null = null): Headers {
  if (!headers.has('Content-Security-Policy')) headers.set('Content-Security-Policy', contentSecurityPolicy(nonce));
  headers.set('X-Content-Type-Options', 'nosniff');
  headers.set('Referrer-Policy', 'same-origin');
  headers.set('X-Frame-Options', 'DENY');
  return headers;
}

/** Headers for a resource response: the given ones plus the security headers. */
export const secureHeaders = (init: Record<string, string> = {}) => secure(new Headers(init));

/** The same, as a plain object (for answers written straight to Node's response). */
export const secureHeaderObject = (init: Record<string, string> = {}): Record<string, string> =>
  Object.fromEntries(secureHeaders(init));
