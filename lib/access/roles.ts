/**
 * Roles, and who has which. Three, each including the ones before it:
 * viewer (pages, downloads, read APIs), uploader (uploads, the ingest
 * hand-off), admin (tokens, settings). `RELEASELENS_ROLES` names a YAML file:
 *
 *   default: viewer            # everyone signed in; `none` lets only those listed in
 *   users:  { alice@example.com: admin, bob@example.com: uploader }
 *   groups: { release-managers: uploader, platform-admins: admin }
 *
 * A user gets the highest role of their own entry, their groups' and the
 * default. Without the file every signed-in user is a viewer.
 */
import { z } from 'zod';
import { readConfigFile } from '../configFile.ts';

export const roles = ['viewer', 'uploader', 'admin'] as const;
export type Role = (typeof roles)[number];

const rank: Record<Role, number> = { viewer: 1, uploader: 2, admin: 3 };

/** Whether `held` allows what `needed` guards. */
export const allows = (held: Role | null, needed: Role): boolean => held !== null && rank[held] >= rank[needed];

const role = z.enum(roles);
const name = z.string().min(1).max(200);
const rolesFile = z.strictObject({
  default: z.union([role, z.literal('none')]).default('viewer'),
  users: z.record(name, role).default({}),
  groups: z.record(name, role).default({}),
});
export type RolesFile = z.output<typeof rolesFile>;

export class RolesFileError extends Error {}

const everyoneViews: RolesFile = { default: 'viewer', users: {}, groups: {} };

/** The last read of each roles file, looked at again at most once a second (a request asks on every call). */
const recent = new Map<string, { at: number; value: RolesFile }>();

export function readRoles(file: string | undefined): RolesFile {
  if (!file) return everyoneViews;
  const kept = recent.get(file);
  const now = Date.now();
  if (kept && now - kept.at < 1000) return kept.value;
  const value = readConfigFile(file, rolesFile, {
    what: 'the roles file',
    rule: 'default: viewer|uploader|admin|none, users: { EMAIL: ROLE }, groups: { GROUP: ROLE }',
    Failure: RolesFileError,
  });
  recent.set(file, { at: now, value });
  return value;
}

/** A roles file's names in lower case, made once per read of the file. */
const lowered = new WeakMap<RolesFile, { users: Map<string, Role>; groups: Map<string, Role> }>();
function lowerCase(file: RolesFile) {
  let l = lowered.get(file);
  if (!l) {
    const lower = (r: Record<string, Role>) => new Map(Object.entries(r).map(([k, v]) => [k.toLowerCase(), v]));
    l = { users: lower(file.users), groups: lower(file.groups) };
    lowered.set(file, l);
  }
  return l;
}

/** The user's role, or null when the file lets only listed users in and they are not. Names compare case-insensitively. */
export function roleOf(file: RolesFile, user: string, groups: readonly string[]): Role | null {
  const { users, groups: byGroup } = lowerCase(file);
  const held: Role[] = [];
  if (file.default !== 'none') held.push(file.default);
  const own = users.get(user.toLowerCase());
  if (own) held.push(own);
  for (const g of groups) {
    const r = byGroup.get(g.toLowerCase());
    if (r) held.push(r);
  }
  if (held.length === 0) return null;
  return held.reduce((a, b) => (rank[b] > rank[a] ? b : a));
}
