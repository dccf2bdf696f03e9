/**
 * Server rendering (Remix's Node default, streamed), plus two things every
 * document response gets: a 304 when the browser already holds the answer for
 * this ETag (the ETag names the parameters and the data version, see
 * lib/answers.server.ts), and the security headers, with a Content-Security-Policy
 * whose nonce admits Remix's own inline scripts and nothing else.
 *
 * A document with an ETag is rendered whole and kept (lib/documents.server.ts):
 * the next request with the same ETag and URL is answered from it with a new
 * nonce. Documents without one (errors, the data page) are streamed.
 */
import { PassThrough } from 'node:stream';
import type { EntryContext, HandleDataRequestFunction } from '@remix-run/node';
import { createReadableStreamFromReadable } from '@remix-run/node';
import { RemixServer } from '@remix-run/react';
import { isbot } from 'isbot';
import { renderToPipeableStream } from 'react-dom/server';
import { listenProblem, openWarning } from '../lib/access/listen.ts';
import { config } from '../lib/config.ts';
import { gate } from './server/access.server.ts';
import { acceptsGzip, keepDocument, keptDocument, newNonce } from './server/documents.server.ts';
import { secure } from './server/security.server.ts';
import { NonceContext } from './shared/nonce.ts';

const ABORT_DELAY_MS = 5_000;

/**
 * The browser's copy is current: same ETag, nothing to send. The 304 carries
 * no Content-Security-Policy: the browser merges a 304's headers into its kept
 * copy, and a new nonce there would refuse that copy's scripts on a reload or
 * Back (decision 034). Without one, the kept copy's own policy stays.
 */
function notModified(request: Request, headers: Headers): Response | null {
  const etag = headers.get('ETag');
  if (!etag || request.headers.get('If-None-Match') !== etag) return null;
  headers.delete('Content-Security-Policy');
  return new Response(null, { status: 304, headers });
}

export const handleDataRequest: HandleDataRequestFunction = (response, { request }) => {
  secure(response.headers);
  return notModified(request, response.headers) ?? response;
};

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  const nonce = newNonce();
  secure(responseHeaders, nonce);
  const cached = responseStatusCode === 200 ? notModified(request, responseHeaders) : null;
  if (cached) return cached;
  const etag = responseStatusCode === 200 ? responseHeaders.get('ETag') : null;
  if (etag) return keptOrRendered(etag, request, responseHeaders, remixContext, nonce);
  // Bots and SPA mode get the whole document at once; browsers get it streamed.
  const waitForAll = isbot(request.headers.get('user-agent') ?? '') || remixContext.isSpaMode;
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const ready = () => {
      shellRendered = true;
      const body = new PassThrough();
      responseHeaders.set('Content-Type', 'text/html');
      resolve(
        new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }),
      );
      pipe(body);
    };
    const { pipe, abort } = renderToPipeableStream(
      <NonceContext.Provider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY_MS} nonce={nonce} />
      </NonceContext.Provider>,
      {
        nonce,
        onAllReady: waitForAll ? ready : undefined,
        onShellReady: waitForAll ? undefined : ready,
        onShellError: reject,
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) console.error(error);
        },
      },
    );
    setTimeout(abort, ABORT_DELAY_MS);
  });
}

/** The document for an answer with an ETag: kept from an earlier request, or rendered whole and kept. */
async function keptOrRendered(
  etag: string,
  request: Request,
  responseHeaders: Headers,
  remixContext: EntryContext,
  nonce: string,
): Promise<Response> {
  responseHeaders.set('Content-Type', 'text/html; charset=utf-8');
  const url = new URL(request.url);
  const key = `${url.pathname}${url.search}`;
  const gzip = acceptsGzip(request.headers.get('Accept-Encoding'));
  const kept = keptDocument(etag, key, nonce, request.headers.get('Accept-Encoding'));
  if (kept !== null) return new Response(bytesOf(kept), { headers: encoded(responseHeaders, gzip), status: 200 });
  let failed = false;
  const html = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const sink = new PassThrough();
    sink.on('data', (chunk: Buffer) => chunks.push(chunk));
    sink.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    sink.on('error', reject);
    const { pipe, abort } = renderToPipeableStream(
      <NonceContext.Provider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY_MS} nonce={nonce} />
      </NonceContext.Provider>,
      {
        nonce,
        onAllReady: () => pipe(sink),
        onShellError: reject,
        onError(error: unknown) {
          failed = true;
          console.error(error);
        },
      },
    );
    setTimeout(abort, ABORT_DELAY_MS).unref();
  });
  if (failed) {
    responseHeaders.delete('ETag');
    return new Response(html, { headers: responseHeaders, status: 500 });
  }
  keepDocument(etag, key, nonce, html, responseHeaders);
  const body = keptDocument(etag, key, nonce, request.headers.get('Accept-Encoding')) as Buffer;
  return new Response(bytesOf(body), { headers: encoded(responseHeaders, gzip), status: 200 });
}

const bytesOf = (b: Buffer) => new Uint8Array(b.buffer as ArrayBuffer, b.byteOffset, b.byteLength);

/** A kept document's body is gzipped already when the browser takes gzip (the compression middleware leaves it). */
function encoded(headers: Headers, gzip: boolean): Headers {
  if (gzip) headers.set('Content-Encoding', 'gzip');
  headers.set('Vary', 'Accept-Encoding');
  return headers;
}

/** For scripts/server.mjs: alerts and digests start once the server listens (app/server/alerts/). */
export { startAlerts } from './alerts.server.ts';
export { sendKept } from './server/documents.server.ts';

/** For scripts/server.mjs: the access check before anything else, and whether this configuration may listen at all. */
export const access = {
  gate,
  listenProblem: () => listenProblem(config()),
  openWarning: () => openWarning(config()),
  host: () => config().HOST,
  port: () => config().PORT,
};
