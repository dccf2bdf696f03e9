/**
 * npm run token -- create --role viewer|uploader|admin --name NAME [--db FILE]
 * npm run token -- list [--db FILE]
 * npm run token -- revoke NAME|ID [--db FILE]
 *
 * API tokens for scripts and BI tools (lib/access/tokens.ts). `create` prints
 * the token once on stdout; only its SHA-256 is kept. Works while the
 * dashboard serves (the tokens live beside the database, not in it). Each
 * create and revoke is written to the audit trail. Exit 2 for bad arguments.
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { audit } from '../lib/access/audit.ts';
import { roles } from '../lib/access/roles.ts';
import { createToken, readTokens, revokeToken } from '../lib/access/tokens.ts';
import { fail, log, UsageError } from '../lib/command.ts';
import { config } from '../lib/config.ts';

const usage = `usage: npm run token -- create --role ${roles.join('|')} --name NAME [--db FILE]
       npm run token -- list [--db FILE]
       npm run token -- revoke NAME|ID [--db FILE]`;

function main() {
  let parsed: ReturnType<typeof parse>;
  const parse = () =>
    parseArgs({
      allowPositionals: true,
      options: { role: { type: 'string' }, name: { type: 'string' }, db: { type: 'string' } },
    });
  try {
    parsed = parse();
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${usage}`);
  }
  const { values, positionals } = parsed;
  const db = path.resolve(values.db ?? config().RELEASELENS_DB);
  const by = `cli:${os.userInfo().username}`;
  const [command, ...rest] = positionals;
  if (command === 'create') {
    const role = values.role as (typeof roles)[number] | undefined;
    if (!role || !roles.includes(role)) throw new UsageError(`--role must be one of ${roles.join(', ')}\n${usage}`);
    if (!values.name) throw new UsageError(`--name is required\n${usage}`);
    let created: ReturnType<typeof createToken>;
    try {
      created = createToken(db, { name: values.name, role, by });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    audit(db, { actor: by, action: 'token-create', detail: `token '${values.name}' (${role}) created` });
    log(`token '${values.name}' (${role}) created; it is shown once, here. Send it as: Authorization: Bearer TOKEN`);
    process.stdout.write(`${created.secret}\n`);
    return;
  }
  if (command === 'list') {
    const tokens = readTokens(db);
    if (tokens.length === 0) log('no tokens');
    for (const t of tokens)
      process.stdout.write(
        `${t.id}  ${t.name.padEnd(20)} ${t.role.padEnd(8)} created ${t.created_at} by ${t.created_by}${t.revoked_at ? `, revoked ${t.revoked_at}` : ''}\n`,
      );
    return;
  }
  if (command === 'revoke' && rest.length === 1) {
    const revoked = revokeToken(db, rest[0] as string);
    if (!revoked) throw new UsageError(`no live token named or with id '${rest[0]}'`);
    audit(db, { actor: by, action: 'token-revoke', detail: `token '${revoked.name}' (${revoked.role}) revoked` });
    log(`token '${revoked.name}' revoked`);
    return;
  }
  throw new UsageError(usage);
}

try {
  main();
} catch (err) {
  fail(err);
}
