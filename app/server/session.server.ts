/**
 * Signed cookies: a session after sign-in, and the few minutes of state an
 * OpenID Connect sign-in carries from the login redirect to the callback.
 * A cookie is base64url(JSON) + "." + base64url(HMAC-SHA256); its `exp`
 * (epoch seconds) is checked on every read. The key comes from
 * RELEASELENS_SESSION_SECRET, or is random per start.
 */
import crypto from 'node:crypto';
import { config } from '../../lib/config.ts';

let key: Buffer | null = null;
const signingKey = (): Buffer => {
  key ??= config().RELEASELENS_SESSION_SECRET
    ? crypto.createHash('sha256').update(`releaselens-session:${config().RELEASELENS_SESSION_SECRET}`).digest()
    : crypto.randomBytes(32);
  return key;
};

const mac = (payload: string) => crypto.createHmac('sha256', signingKey()).update(payload).digest('base64url');

export function seal(value: Record<string, unknown> & { exp: number }): string {
  const payload = Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${payload}.${mac(payload)}`;
}

/** The value of a sealed cookie when its signature holds and it has not expired, else null. */
export function unseal<T extends { exp: number }>(
  sealed: string | undefined,
  nowSeconds = Date.now() / 1000,
): T | null {
  if (!sealed || sealed.length > 8192) return null;
  const [payload, signature] = sealed.split('.');
  if (!payload || !signature) return null;
  const expected = Buffer.from(mac(payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return null;
  try {
    const value = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as T;
    return typeof value.exp === 'number' && value.exp > nowSeconds ? value : null;
  } catch {
    return null;
  }
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** A Set-Cookie value: httpOnly, SameSite=Lax, Path=/, Secure when the public URL is https. */
export function cookie(name: string, value: string, maxAgeSeconds: number): string {
  const secure = config().RELEASELENS_URL?.startsWith('https:') ? '; Secure' : '';
  return `${name}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}${secure}`;
}

export const clearCookie = (name: string) => cookie(name, '', 0);
