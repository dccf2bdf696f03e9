/**
 * OpenID Connect sign-in (authorization code with PKCE) through openid-client.
 * The provider is discovered once (and again after a failure); the redirect
 * URI is RELEASELENS_URL + /auth/callback, never built from the Host header.
 * Plain http is allowed only for a loopback issuer (tests, a local tunnel).
 */
import * as client from 'openid-client';
import { isLoopbackUrl } from '../../lib/access/listen.ts';
import { config } from '../../lib/config.ts';

let discovered: Promise<client.Configuration> | null = null;

function provider(): Promise<client.Configuration> {
  if (discovered) return discovered;
  const c = config();
  const issuer = new URL(c.OIDC_ISSUER as string);
  discovered = client.discovery(
    issuer,
    c.OIDC_CLIENT_ID as string,
    c.OIDC_CLIENT_SECRET as string,
    undefined,
    isLoopbackUrl(issuer.href) ? { execute: [client.allowInsecureRequests], timeout: 10 } : { timeout: 10 },
  );
  discovered.catch(() => {
    discovered = null;
  });
  return discovered;
}

export const publicUrl = (pathname: string) => new URL(pathname, config().RELEASELENS_URL).href;

export interface SignInState {
  state: string;
  nonce: string;
  verifier: string;
  /** Where to go after sign-in: a path of this site. */
  back: string;
  exp: number;
}

/** The provider's authorization URL and the state to keep until the callback. */
export async function beginSignIn(back: string): Promise<{ url: string; state: SignInState }> {
  const p = await provider();
  const verifier = client.randomPKCECodeVerifier();
  const state: SignInState = {
    state: client.randomState(),
    nonce: client.randomNonce(),
    verifier,
    back,
    exp: Math.floor(Date.now() / 1000) + 600,
  };
  const url = client.buildAuthorizationUrl(p, {
    redirect_uri: publicUrl('/auth/callback'),
    scope: config().OIDC_SCOPES,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state: state.state,
    nonce: state.nonce,
  });
  return { url: url.href, state };
}

export interface SignedIn {
  sub: string;
  /** The name roles and the audit use: email, else preferred_username, else sub. */
  name: string;
  groups: string[];
  idToken: string | undefined;
}

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];

/** Completes the sign-in from the callback's query; throws when the provider's answer does not check out. */
export async function finishSignIn(search: string, kept: SignInState): Promise<SignedIn> {
  const p = await provider();
  const current = new URL(`/auth/callback${search}`, config().RELEASELENS_URL);
  const tokens = await client.authorizationCodeGrant(p, current, {
    pkceCodeVerifier: kept.verifier,
    expectedState: kept.state,
    expectedNonce: kept.nonce,
  });
  const claims = tokens.claims();
  if (!claims) throw new Error('the provider sent no ID token');
  let all: Record<string, unknown> = { ...claims };
  const groupsClaim = config().OIDC_GROUPS_CLAIM;
  if (typeof all.email !== 'string' || !(groupsClaim in all)) {
    // many providers put email and groups in userinfo only
    const info = await client.fetchUserInfo(p, tokens.access_token, claims.sub);
    all = { ...info, ...all };
  }
  const name =
    (typeof all.email === 'string' && all.email) ||
    (typeof all.preferred_username === 'string' && all.preferred_username) ||
    claims.sub;
  return { sub: claims.sub, name, groups: strings(all[groupsClaim]).slice(0, 100), idToken: tokens.id_token };
}

/** Where sign-out sends the browser: the provider's end-session page when it has one, else our signed-out page. */
export async function signOutUrl(idToken: string | undefined): Promise<string> {
  const after = publicUrl('/auth/signed-out');
  try {
    const p = await provider();
    if (!p.serverMetadata().end_session_endpoint) return after;
    const params: Record<string, string> = { post_logout_redirect_uri: after };
    if (idToken) params.id_token_hint = idToken;
    return client.buildEndSessionUrl(p, params).href;
  } catch {
    return after;
  }
}
