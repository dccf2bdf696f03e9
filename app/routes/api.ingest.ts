/**
 * POST /api/ingest: `npm run ingest` hands its files to the running server
 * (lib/runningServer.ts). Bearer token from `npm start`; 404 when the server was
 * started without one, 401 without a token, 403 with a wrong one.
 */

import path from 'node:path';
import type { ActionFunctionArgs } from '@remix-run/node';
import { handoffRequest, refusedPaths, runHandoff } from '../../ingest/handoff.ts';
import { audit } from '../../lib/access/audit.ts';
import { config } from '../../lib/config.ts';
import { databasePath } from '../../lib/db.ts';
import { sameSecret } from '../../lib/runningServer.ts';
import { secureHeaders } from '../server/security.server.ts';

const refuse = (status: number, error: string, headers: Record<string, string> = {}) =>
  Response.json({ error }, { status, headers: secureHeaders(headers) });

export async function action({ request }: ActionFunctionArgs) {
  const expected = config().RELEASELENS_INGEST_TOKEN;
  if (!expected) return refuse(404, 'this server does not take ingests (start it with npm start)');
  if (request.method !== 'POST') return refuse(405, 'use POST', { allow: 'POST' });
  const given = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1];
  if (!given) return refuse(401, 'a bearer token is required', { 'www-authenticate': 'Bearer' });
  if (!sameSecret(given, expected)) return refuse(403, 'the token is wrong');
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return refuse(400, 'the body is not JSON');
  }
  const parsed = handoffRequest.safeParse(body);
  if (!parsed.success) {
    return refuse(400, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  const refused = refusedPaths(parsed.data);
  if (refused) return refuse(403, `the server reads only your own export files: ${refused}`);
  audit(databasePath(), {
    actor: 'cli (hand-off)',
    action: 'handoff',
    detail: `${parsed.data.files.length} file(s): ${parsed.data.files.map((f) => path.basename(f)).join(', ')}`.slice(
      0,
      500,
    ),
  });
  return new Response(runHandoff(parsed.data), {
    headers: secureHeaders({ 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' }),
  });
}

export const loader = () => refuse(405, 'use POST', { allow: 'POST' });
