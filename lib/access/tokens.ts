/**
 * API tokens for scripts and BI tools (`npm run token`): each is shown once,
 * and only its SHA-256 is kept, in `<db>.tokens.json` (0600, beside the
 * database, so a running dashboard and the command share it without the
 * database's lock). A request sends it as `Authorization: Bearer rl_...`.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ownerOnly } from '../private.ts';
import type { Role } from './roles.ts';

export interface StoredToken {
  id: string;
  name: string;
  role: Role;
  sha256: string;
  created_at: string;
  created_by: string;
  revoked_at: string | null;
}

/** At most this many tokens are kept (revoked ones included): a bound on the file and on every lookup. */
export const MAX_TOKENS = 1000;
const PREFIX = 'rl_';

export const tokensPath = (databaseFile: string) => `${path.resolve(databaseFile)}.tokens.json`;

const hash = (secret: string) => crypto.createHash('sha256').update(secret).digest('hex');

export function readTokens(databaseFile: string): StoredToken[] {
  try {
    const parsed = JSON.parse(fs.readFileSync(tokensPath(databaseFile), 'utf8')) as { tokens?: StoredToken[] };
    return Array.isArray(parsed.tokens) ? parsed.tokens : [];
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new Error(`${tokensPath(databaseFile)} cannot be read: ${(err as Error).message}`);
  }
}

function writeTokens(databaseFile: string, tokens: StoredToken[]): void {
  ownerOnly();
  const file = tokensPath(databaseFile);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const partial = `${file}.${process.pid}.partial`;
  fs.writeFileSync(partial, `${JSON.stringify({ tokens }, null, 1)}\n`, { mode: 0o600 });
  fs.renameSync(partial, file);
}

export const tokenNamePattern = /^[A-Za-z0-9_.-]{1,60}$/;

/** Creates a token and returns its secret, which is stored nowhere. */
export function createToken(
  databaseFile: string,
  options: { name: string; role: Role; by: string },
): { token: StoredToken; secret: string } {
  if (!tokenNamePattern.test(options.name))
    throw new Error(`a token name is 1 to 60 letters, digits, '_', '.' or '-' (got '${options.name}')`);
  const tokens = readTokens(databaseFile);
  if (tokens.some((t) => t.name === options.name && t.revoked_at === null))
    throw new Error(`a token named '${options.name}' exists; revoke it first or choose another name`);
  if (tokens.length >= MAX_TOKENS) throw new Error(`${MAX_TOKENS} tokens are kept at most; revoke and prune old ones`);
  const secret = `${PREFIX}${crypto.randomBytes(32).toString('base64url')}`;
  const token: StoredToken = {
    id: crypto.randomBytes(6).toString('hex'),
    name: options.name,
    role: options.role,
    sha256: hash(secret),
    created_at: new Date().toISOString(),
    created_by: options.by,
    revoked_at: null,
  };
  writeTokens(databaseFile, [...tokens, token]);
  return { token, secret };
}

/** Revokes a token by name or id; returns it, or null when there is no live one. */
export function revokeToken(databaseFile: string, nameOrId: string): StoredToken | null {
  const tokens = readTokens(databaseFile);
  const found = tokens.find((t) => (t.name === nameOrId || t.id === nameOrId) && t.revoked_at === null);
  if (!found) return null;
  found.revoked_at = new Date().toISOString();
  writeTokens(databaseFile, tokens);
  return found;
}

let cache: { file: string; stamp: string; byHash: Map<string, StoredToken> } | null = null;

/** The live token a bearer secret belongs to, or null. The file is read again when it changes. */
export function tokenFor(databaseFile: string, secret: string): StoredToken | null {
  if (!secret.startsWith(PREFIX) || secret.length > 200) return null;
  const file = tokensPath(databaseFile);
  let stamp = '';
  try {
    // every write renames a new file into place: a new inode even within the same millisecond
    const stat = fs.statSync(file);
    stamp = `${stat.ino}:${stat.mtimeMs}:${stat.size}`;
  } catch {
    return null;
  }
  if (cache === null || cache.file !== file || cache.stamp !== stamp) {
    const byHash = new Map(readTokens(databaseFile).map((t) => [t.sha256, t]));
    cache = { file, stamp, byHash };
  }
  const token = cache.byHash.get(hash(secret));
  return token && token.revoked_at === null ? token : null;
}
