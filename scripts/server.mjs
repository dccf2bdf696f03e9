// @ts-check
/**
 * The dashboard's HTTP server: the built Remix app on Express, as remix-serve
 * runs it (compression, the hashed assets with a year's cache), plus one thing
 * before Remix: a page whose kept document is still current is sent from it
 * (app/server/documents.server.ts `sendKept`), without building a Fetch request,
 * running loaders or gzipping 65 KB again. At a million incidents this is what
 * lets the overview take hundreds of requests a second (docs/performance.md).
 *
 *   node scripts/server.mjs [build/server/index.js]
 *
 * Plain JavaScript (type-checked from its JSDoc): the app it serves is already
 * built, and running the server through tsx cost 56 MB of memory.
 *
 * Before anything is read or written, every request but the hashed assets
 * passes the app's access check (`access.gate`, app/server/access.server.ts):
 * who is asking and whether their role allows it. Expensive endpoints (the
 * JSON APIs, downloads, the report) then have a per-client rate limit
 * (express-rate-limit), and Remix gets the signed-in principal as its load
 * context.
 *
 * Environment: HOST (127.0.0.1; another address needs sign-in or
 * RELEASELENS_AUTH=none, docs/security.md), PORT (3000),
 * RELEASELENS_RATE_LIMIT_PER_MINUTE (300 per client on expensive endpoints),
 * and what the app reads (lib/config.ts; RELEASELENS_MEMORY_LIMIT and
 * RELEASELENS_QUERY_SECONDS default lower here, see below). Requests slower
 * than a second are logged on stderr.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequestHandler } from '@remix-run/express';
import { installGlobals } from '@remix-run/node';
import compression from 'compression';
import express from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';

/** @typedef {import('../app/server/documents.server.ts').KeptResponse} KeptResponse */
/** @typedef {typeof import('../app/entry.server.tsx').access} Access */
/** @typedef {import('../app/server/access.server.ts').Principal} Principal */
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

/** A page's reads stop after this many seconds and answer 503 (commands allow longer, lib/config.ts). */
const SERVER_QUERY_SECONDS = '30';

/** The headers of a refusal written here (Remix's answers get theirs from app/server/security.server.ts). */
const REFUSAL_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
};

/** The endpoints whose first answer costs a query: rate-limited per client. */
const EXPENSIVE = /^\/(api\/(?!ingest$|alerts$)|download\/|report$|releases\.csv$|upcoming\.(csv|html)$)/;

async function main() {
  process.env.RELEASELENS_MEMORY_LIMIT ??= SERVER_MEMORY_LIMIT;
  process.env.RELEASELENS_QUERY_SECONDS ??= SERVER_QUERY_SECONDS;
  const buildPath = path.resolve(process.argv[2] ?? path.join(root, 'build', 'server', 'index.js'));
  /** @type {import('@remix-run/node').ServerBuild} */
  const build = await import(pathToFileURL(buildPath).href);
  installGlobals({ nativeFetch: build.future.v3_singleFetch });
  const entry = /** @type {{ sendKept?: SendKept, access: Access, startAlerts?: () => void }} */ (
    /** @type {unknown} */ (build.entry.module)
  );
  const { sendKept, access, startAlerts } = entry;
  const problem = access.listenProblem();
  if (problem) {
    console.error(`[releaselens] not starting: ${problem}`);
    process.exit(1);
  }
  const warning = access.openWarning();
  if (warning) console.error(`[releaselens] ${warning}`);
  const app = express();
  app.disable('x-powered-by');
  app.use(
    build.publicPath,
    express.static(build.assetsBuildDirectory, { immutable: true, maxAge: '1y', fallthrough: true }),
  );
  // guessing a token is slow: 20 refused attempts per address per 15 minutes (the hand-off, API tokens)
  const attempts = rateLimit({
    windowMs: 15 * 60_000,
    limit: 20,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    requestWasSuccessful: (_req, res) => res.statusCode !== 401 && res.statusCode !== 403,
    skipSuccessfulRequests: true,
    keyGenerator: (req) => ipKeyGenerator(req.socket.remoteAddress ?? ''),
    handler: (_req, res) => {
      res.set(REFUSAL_HEADERS);
      res.status(429).json({ error: 'Too many refused attempts with a token from this address; wait 15 minutes.' });
    },
  });
  const expensive = rateLimit({
    windowMs: 60_000,
    limit: Number(process.env.RELEASELENS_RATE_LIMIT_PER_MINUTE ?? 300),
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req, res) => {
      /** @type {Principal | undefined} */
      const who = res.locals.principal;
      return who && who.via !== 'local' ? `user:${who.name}` : ipKeyGenerator(req.socket.remoteAddress ?? '');
    },
    handler: (_req, res, _next, options) => {
      res.set(REFUSAL_HEADERS);
      res.status(options.statusCode).json({
        error: `Too many requests: at most ${options.limit} a minute to the APIs, downloads and the report. Try again shortly.`,
      });
    },
  });
  // who is asking, before anything is read or written (bodies included: nothing reads one before this)
  app.use((req, res, next) => {
    /** @param {Awaited<ReturnType<Access['gate']>>} decision */
    const decide = (decision) => {
      if (decision.principal) {
        res.locals.principal = decision.principal;
        return EXPENSIVE.test(req.path) ? expensive(req, res, next) : next();
      }
      // a refused upload's body is never written anywhere: Node reads and drops what the client
      // still sends (bounded by the server's request timeout), so the client reads this answer
      res.writeHead(decision.status, decision.headers);
      res.end(decision.body);
    };
    // refused token attempts are counted (the limiter answers 429 past its limit, before the gate)
    if (req.headers.authorization !== undefined || req.path === '/api/ingest')
      return attempts(req, res, () => gateAndGo());
    gateAndGo();
    function gateAndGo() {
      try {
        const decision = access.gate({
          method: req.method,
          url: req.originalUrl,
          headers: req.headers,
          remoteAddress: req.socket.remoteAddress,
        });
        if (decision instanceof Promise) decision.then(decide, next);
        else decide(decision);
      } catch (err) {
        next(err);
      }
    }
  });
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
  app.all(
    '*',
    createRequestHandler({
      build,
      mode: process.env.NODE_ENV,
      getLoadContext: (_req, res) => ({ principal: res.locals.principal }),
    }),
  );
  const port = access.port();
  const host = access.host();
  const server = app.listen(port, host);
  server.on('listening', () => {
    console.log(`[releaselens] http://${host.includes(':') ? `[${host}]` : host}:${port}`);
    startAlerts?.(); // rules after every new data version, digests on their schedules (docs/alerts.md)
  });
  for (const signal of /** @type {const} */ (['SIGTERM', 'SIGINT'])) {
    process.once(signal, () => {
      // requests under way finish; then the process ends (a handed-over ingest is one transaction either way)
      server.close(() => process.exit(0));
      server.closeIdleConnections();
      setTimeout(() => process.exit(0), 4_000).unref(); // a load under way is not committed: nothing half-loaded
    });
  }
}

main().catch((err) => {
  console.error(String(err?.stack ?? err));
  process.exit(1);
});
