/**
 * Who is asking, and may they: the one check every request passes before
 * anything is read or written (scripts/server.mjs calls `gate` before kept
 * documents, Remix, uploads and the hand-off). Modes (RELEASELENS_AUTH):
 *
 * - none: whoever reaches the port is a viewer (the server listens on
 *   loopback unless told otherwise, lib/access/listen.ts); uploads take the
 *   admin token, checked before the file is written (upload.server.ts).
 * - oidc: a signed session cookie from OpenID Connect sign-in (/auth/login,
 *   /auth/callback, /auth/logout, all answered here).
 * - header: the user named by a signing-in proxy's header, believed only
 *   from RELEASELENS_TRUSTED_PROXIES.
 *
 * In every mode an API token (`Authorization: Bearer rl_...`, npm run token)
 * stands for its role. Roles: lib/access/roles.ts; what each path needs:
 * `neededRole` below.
 */

import { audit } from '../../lib/access/audit.ts';
import { authMode, isLoopback } from '../../lib/access/listen.ts';
import { allows, type Role, readRoles, roleOf } from '../../lib/access/roles.ts';
import { tokenFor } from '../../lib/access/tokens.ts';
import { config } from '../../lib/config.ts';
import { databasePath } from '../../lib/db.ts';
import { sameSecret } from '../../lib/runningServer.ts';
import { beginSignIn, finishSignIn, publicUrl, type SignInState, signOutUrl } from './oidc.server.ts';
import { secureHeaderObject } from './security.server.ts';
import { clearCookie, cookie, readCookie, seal, unseal } from './session.server.ts';

export interface Principal {
  /** The name roles, reviews and the audit trail use. */
  name: string;
  role: Role | null;
  via: 'local' | 'session' | 'header' | 'token' | 'handoff';
}

export interface GateRequest {
  method: string;
  /** Path and query as requested. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  remoteAddress: string | undefined;
}

export type GateDecision =
  | { principal: Principal }
  | { status: number; headers: Record<string, string | string[]>; body: string; principal?: undefined };

const SESSION = 'rl_session';
const SIGN_IN = 'rl_signin';

interface Session {
  name: string;
  groups: string[];
  exp: number;
}

const header = (req: GateRequest, name: string): string | undefined => {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
};

/** Where reviews of incident links are posted (app/server/reviews.server.ts). */
const reviewPaths = new Set(['/review', '/api/reviews']);

/** What a request needs: `public` (sign-in pages), `handoff` (its own token, loopback only) or a role. */
export function neededRole(method: string, pathname: string): Role | 'public' | 'handoff' {
  const path = pathname.replace(/\.data$/, '').replace(/^\/_root$/, '/');
  if (path.startsWith('/auth/')) return 'public';
  if (path === '/api/ingest') return 'handoff';
  if (method === 'GET' || method === 'HEAD') return 'viewer';
  if (method === 'POST' && (path === '/data' || reviewPaths.has(path) || path === '/api/alerts')) return 'uploader';
  return 'admin';
}

const hostOf = (url: string): string | null => {
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
};

const json = (status: number, error: string, extra: Record<string, string> = {}): GateDecision => ({
  status,
  headers: secureHeaderObject({
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...extra,
  }),
  body: JSON.stringify({ error }),
});

const redirect = (location: string, cookies: string[] = []): GateDecision => ({
  status: 302,
  headers: {
    ...secureHeaderObject({ location, 'cache-control': 'no-store' }),
    ...(cookies.length ? { 'set-cookie': cookies } : {}),
  },
  body: '',
});

const page = (status: number, title: string, text: string, link?: [string, string]): GateDecision => ({
  status,
  headers: secureHeaderObject({
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    // the page's one style element; nothing else may load or run
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  }),
  body: `<!doctype html><html lang="en"><meta charset="utf-8"><title>${title} · ReleaseLens</title><style>body{font:16px system-ui,sans-serif;margin:4rem auto;max-width:36rem;padding:0 1rem}</style><h1>${title}</h1><p>${text}</p>${link ? `<p><a href="${link[0]}">${link[1]}</a></p>` : ''}</html>`,
});

/** A browser asking for a page (redirect it to sign in), not a script asking for data (tell it 401). */
const wantsPage = (req: GateRequest, pathname: string) =>
  req.method === 'GET' && !pathname.endsWith('.data') && /text\/html/.test(header(req, 'accept') ?? '');

/** Only paths of this site come back from sign-in. */
const safeBack = (back: string | null) => (back && /^\/(?!\/)[^\\\s]*$/.test(back) ? back : '/');

function bearerPrincipal(req: GateRequest): Principal | null | 'wrong' {
  const given = /^Bearer (\S+)$/.exec(header(req, 'authorization') ?? '')?.[1];
  if (!given) return null;
  // the server's own token (in its 0600 <db>.server.json): a command of the same OS user on this machine
  const own = config().RELEASELENS_INGEST_TOKEN;
  if (own && isLoopback(req.remoteAddress) && sameSecret(given, own))
    return { name: 'cli', role: 'uploader', via: 'handoff' };
  const token = tokenFor(databasePath(), given);
  return token ? { name: `token:${token.name}`, role: token.role, via: 'token' } : 'wrong';
}

function sessionPrincipal(req: GateRequest): Principal | null {
  const s = unseal<Session>(readCookie(header(req, 'cookie'), SESSION));
  if (!s) return null;
  return { name: s.name, role: roleOf(readRoles(config().RELEASELENS_ROLES), s.name, s.groups), via: 'session' };
}

let proxies: { list: string; set: Set<string> } | null = null;
const trustedProxies = (list: string): Set<string> => {
  if (proxies?.list !== list) proxies = { list, set: new Set(list.split(',').map((s) => s.trim())) };
  return proxies.set;
};

function headerPrincipal(req: GateRequest): Principal | null {
  const c = config();
  const from = (req.remoteAddress ?? '').replace(/^::ffff:/, '');
  if (!trustedProxies(c.RELEASELENS_TRUSTED_PROXIES).has(from)) return null;
  const user = header(req, c.RELEASELENS_AUTH_HEADER)?.trim();
  if (!user || user.length > 200) return null;
  const groups = c.RELEASELENS_GROUPS_HEADER
    ? (header(req, c.RELEASELENS_GROUPS_HEADER) ?? '')
        .split(',')
        .map((g) => g.trim())
        .filter(Boolean)
        .slice(0, 100)
    : [];
  return { name: user, role: roleOf(readRoles(c.RELEASELENS_ROLES), user, groups), via: 'header' };
}

/** Sign-in, callback, sign-out and the signed-out page (oidc mode). */
async function authRoute(req: GateRequest, url: URL): Promise<GateDecision> {
  const mode = authMode(config());
  if (url.pathname === '/auth/signed-out')
    return page(200, 'Signed out', 'You are signed out of ReleaseLens.', ['/', 'Sign in again']);
  if (mode !== 'oidc') return json(404, 'sign-in is not configured on this server (RELEASELENS_AUTH)');
  try {
    if (url.pathname === '/auth/login') {
      const { url: to, state } = await beginSignIn(safeBack(url.searchParams.get('back')));
      return redirect(to, [cookie(SIGN_IN, seal({ ...state }), 600)]);
    }
    if (url.pathname === '/auth/callback') {
      const kept = unseal<SignInState>(readCookie(header(req, 'cookie'), SIGN_IN));
      if (!kept)
        return page(400, 'Sign-in expired', 'The sign-in took too long or started elsewhere.', [
          '/auth/login',
          'Sign in again',
        ]);
      const who = await finishSignIn(url.search, kept);
      const hours = config().RELEASELENS_SESSION_HOURS;
      const session: Session = {
        name: who.name,
        groups: who.groups,
        exp: Math.floor(Date.now() / 1000 + hours * 3600),
      };
      audit(databasePath(), { actor: who.name, action: 'sign-in', detail: `signed in (${who.groups.length} groups)` });
      return redirect(safeBack(kept.back), [cookie(SESSION, seal({ ...session }), hours * 3600), clearCookie(SIGN_IN)]);
    }
    if (url.pathname === '/auth/logout') return redirect(await signOutUrl(undefined), [clearCookie(SESSION)]);
  } catch (err) {
    console.error(`sign-in failed: ${(err as Error).message}`);
    return page(
      502,
      'Sign-in failed',
      'The sign-in provider’s answer could not be checked. Try again; if it persists, the server log says why.',
      ['/auth/login', 'Sign in again'],
    );
  }
  return json(404, 'no such page');
}

const LOCAL: Principal = Object.freeze({ name: 'local', role: 'viewer', via: 'local' });

/**
 * The decision for one request: who it is, or the response that ends it
 * here. Synchronous but for the sign-in routes: it runs before every request,
 * kept documents included (thousands a second).
 */
export function gate(req: GateRequest): GateDecision | Promise<GateDecision> {
  const q = req.url.indexOf('?');
  const url = { pathname: q < 0 ? req.url : req.url.slice(0, q), search: q < 0 ? '' : req.url.slice(q) };
  const needed = neededRole(req.method, url.pathname);
  if (needed === 'public') return authRoute(req, new URL(req.url, 'http://localhost'));
  if (needed === 'handoff') {
    if (!isLoopback(req.remoteAddress)) return json(403, 'the ingest hand-off answers on this machine only');
    return { principal: { name: 'cli', role: 'uploader', via: 'handoff' } };
  }
  const mode = authMode(config());
  const bearer = bearerPrincipal(req);
  if (bearer === 'wrong') return json(401, 'the API token is wrong or revoked', { 'www-authenticate': 'Bearer' });
  let principal: Principal | null = bearer;
  if (!principal && mode === 'none') principal = LOCAL;
  if (!principal && mode === 'oidc') principal = sessionPrincipal(req);
  if (!principal && mode === 'header') principal = headerPrincipal(req);
  if (!principal) {
    if (mode === 'oidc' && wantsPage(req, url.pathname))
      return redirect(`/auth/login?back=${encodeURIComponent(`${url.pathname}${url.search}`)}`);
    return json(
      401,
      mode === 'oidc'
        ? 'sign in first (open the dashboard in a browser), or send an API token as Authorization: Bearer'
        : `sign in through the proxy (no ${config().RELEASELENS_AUTH_HEADER} header from a trusted address), or send an API token`,
      mode === 'oidc' ? { 'www-authenticate': 'Bearer' } : {},
    );
  }
  if (principal.via === 'session' && req.method !== 'GET' && req.method !== 'HEAD') {
    // a cross-site form cannot carry a Lax cookie on POST, and a script of another origin is refused here too
    const origin = header(req, 'origin');
    if (origin && origin !== new URL(publicUrl('/')).origin) return json(403, 'a request from another site');
  }
  if (principal.via === 'local' && req.method !== 'GET' && req.method !== 'HEAD') {
    // no cookie to lean on: a form another site posts to this port is told apart by its Origin
    const origin = header(req, 'origin');
    if (origin && hostOf(origin) !== header(req, 'host')) return json(403, 'a request from another site');
  }
  // single-user local mode: the upload's own admin token decides (checked before the file is written)
  const localUpload = principal.via === 'local' && needed === 'uploader' && Boolean(config().RELEASELENS_ADMIN_TOKEN);
  // and a review of an incident link is the person at this machine's, when only this machine reaches the port
  const localReview =
    principal.via === 'local' &&
    reviewPaths.has(url.pathname.replace(/\.data$/, '')) &&
    isLoopback(req.remoteAddress) &&
    isLoopback(config().HOST);
  if (!localUpload && !localReview && !allows(principal.role, needed)) {
    if (principal.via === 'local' && needed === 'uploader')
      return json(
        403,
        'Uploads are disabled: set RELEASELENS_ADMIN_TOKEN (24 characters or more) on the server, or configure sign-in with roles.',
      );
    return json(
      403,
      principal.role === null
        ? `${principal.name} is not allowed in (the roles file lists who is)`
        : `${principal.name} is a ${principal.role}; this needs the ${needed} role`,
    );
  }
  return { principal };
}

declare module '@remix-run/server-runtime' {
  /** scripts/server.mjs passes the principal the gate found; absent where no gate ran (tests calling loaders). */
  interface AppLoadContext {
    principal?: Principal;
  }
}
