// @ts-check
/**
 * The dashboard's HTTP server: the built Remix app on Express, as remix-serve
 * runs it (compression, the hashed assets with a year's cache), plus one thing
 * before Remix: a page whose kept document is still current is sent from it
 * (app/lib/documents.server.ts `sendKept`), without building a Fetch request,
 * running loaders or gzipping 65 KB again. At a million incidents this is what
 * lets the overview take hundreds of requests a second (docs/performance.md).
 *
 *   node scripts/server.mjs [build/server/index.js]
 *
 * Plain JavaScript (type-checked from its JSDoc): the app it serves is already
 * built, and running the server through tsx cost 56 MB of memory.
 *
 * Environment: PORT (3000), HOST (every interface), and what the app reads
 * (lib/config.ts; RELEASELENS_MEMORY_LIMIT defaults lower here, see below).
 * Requests slower than a second are logged on stderr.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequestHandler } from '@remix-run/express';
import { installGlobals } from '@remix-run/node';
import compression from 'compression';
import express from 'express';

/** @typedef {import('../app/lib/documents.server.ts').KeptResponse} KeptResponse */
/** @typedef {(url: string, ifNoneMatch?: string, acceptEncoding?: string) => KeptResponse | null} SendKept */

const root = path.resolve(import.meta.dirname, '..');

const SLOW_MS = 1000;

/**
 * DuckDB's memory limit in the dashboard unless RELEASELENS_MEMORY_LIMIT says
 * otherwise: the process also holds Node's heap and the kept answers, and a
 * window filled on first use (the incident page's sensitivity fills four)
 * took it past 1.1 GiB with 640MB, and to 1,046 MiB with 448MiB (decision 031).
 */
const SERVER_MEMORY_LIMIT = '384MiB';

async function main() {
  process.env.RELEASELENS_MEMORY_LIMIT ??= SERVER_MEMORY_LIMIT;
  const buildPath = path.resolve(process.argv[2] ?? path.join(root, 'build', 'server', 'index.js'));
  /** @type {import('@remix-run/node').ServerBuild} */
  const build = await import(pathToFileURL(buildPath).href);
  installGlobals({ nativeFetch: build.future.v3_singleFetch });
  /** @type {SendKept | undefined} */
  const sendKept = /** @type {{ sendKept?: SendKept }} */ (/** @type {unknown} */ (build.entry.module)).sendKept;
  const app = express();
  app.disable('x-powered-by');
  app.use(
    build.publicPath,
    express.static(build.assetsBuildDirectory, { immutable: true, maxAge: '1y', fallthrough: true }),
  );
  app.use((req, res, next) => {
    const started = performance.now();
    res.once('finish', () => {
      const ms = performance.now() - started;
      if (ms > SLOW_MS) console.error(`${req.method} ${req.originalUrl} ${res.statusCode} ${ms.toFixed(0)} ms`);
    });
    if (req.method !== 'GET' || sendKept === undefined) return next();
    const url = new URL(req.originalUrl, 'http://localhost');
    const kept = sendKept(`${url.pathname}${url.search}`, req.headers['if-none-match'], req.headers['accept-encoding']);
    if (kept === null) return next();
    res.writeHead(kept.status, kept.headers);
    res.end(kept.body);
  });
  app.use(compression());
  app.all('*', createRequestHandler({ build, mode: process.env.NODE_ENV }));
  const port = Number(process.env.PORT ?? 3000);
  const server = process.env.HOST ? app.listen(port, process.env.HOST) : app.listen(port);
  server.on('listening', () => console.log(`[releaselens] http://localhost:${port}`));
  for (const signal of /** @type {const} */ (['SIGTERM', 'SIGINT'])) {
    process.once(signal, () => {
      // requests under way finish; then the process ends (a handed-over ingest is one transaction either way)
      server.close(() => process.exit(0));
      server.closeIdleConnections();
      setTimeout(() => process.exit(0), 5_000).unref();
    });
  }
}

main().catch((err) => {
  console.error(String(err?.stack ?? err));
  process.exit(1);
});
