/**
 * Who can reach the port. The dashboard listens on 127.0.0.1 unless HOST says
 * otherwise; another address is refused unless sign-in is configured or
 * RELEASELENS_AUTH=none says, on purpose, that everyone who reaches it may read.
 */
import net from 'node:net';
import type { Config } from '../config.ts';

export const isLoopback = (address: string | undefined): boolean => {
  if (!address) return false;
  const a = address.replace(/^::ffff:/, '').replace(/^\[|\]$/g, '');
  if (a === 'localhost' || a === '::1') return true;
  return net.isIPv4(a) && a.startsWith('127.');
};

/** A URL whose host is a loopback address (tests, a local tunnel): the only place plain http is allowed. */
export const isLoopbackUrl = (url: string): boolean => {
  try {
    return isLoopback(new URL(url).hostname);
  } catch {
    return false;
  }
};

export type AuthMode = 'none' | 'oidc' | 'header';

export const authMode = (c: Config): AuthMode => c.RELEASELENS_AUTH ?? 'none';

/** Why the server must not start with this configuration, or null. Also warns (once per start) when it reads as open. */
export function listenProblem(c: Config): string | null {
  const mode = authMode(c);
  if (mode === 'oidc') {
    const missing = ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'RELEASELENS_URL'].filter(
      (k) => !c[k as keyof Config],
    );
    if (missing.length > 0) return `RELEASELENS_AUTH=oidc needs ${missing.join(', ')} (docs/security.md)`;
    if (!c.RELEASELENS_URL?.startsWith('https:') && !isLoopbackUrl(c.RELEASELENS_URL ?? ''))
      return 'RELEASELENS_URL must be https:// (plain http only on a loopback address)';
    if (!c.OIDC_ISSUER?.startsWith('https:') && !isLoopbackUrl(c.OIDC_ISSUER ?? ''))
      return 'OIDC_ISSUER must be https:// (plain http only on a loopback address)';
  }
  if (mode === 'header') {
    const bad = c.RELEASELENS_TRUSTED_PROXIES.split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '' && net.isIP(s) === 0);
    if (bad.length > 0) return `RELEASELENS_TRUSTED_PROXIES: not IP addresses: ${bad.join(', ')}`;
  }
  if (!isLoopback(c.HOST) && c.RELEASELENS_AUTH === undefined)
    return (
      `HOST=${c.HOST} lets other machines reach the dashboard, and no sign-in is configured. ` +
      'Set RELEASELENS_AUTH=oidc (OpenID Connect) or RELEASELENS_AUTH=header (behind a signing-in proxy), ' +
      'or RELEASELENS_AUTH=none to let everyone who reaches the port read everything (docs/security.md).'
    );
  return null;
}

/** The warning logged at every start that serves everyone on a network. */
export const openWarning = (c: Config): string | null =>
  authMode(c) === 'none' && !isLoopback(c.HOST)
    ? `warning: RELEASELENS_AUTH=none on HOST=${c.HOST}: everyone who reaches this port reads every page, download and API`
    : null;
