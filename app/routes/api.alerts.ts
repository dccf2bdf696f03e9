/**
 * GET /api/alerts: what the alerts last said (every rule, firing first), the
 * channels' deliveries, and the configuration's problem if it has one. Not
 * cached: an evaluation changes it without a new data version.
 *
 * POST /api/alerts (uploader or admin; `npm run alerts -- --once` while the
 * dashboard serves): evaluates now. JSON body, all optional:
 * { "dry_run": true } prints nothing and stores nothing but answers what
 * would be sent; { "digest": "NAME" } sends that digest now.
 */
import type { ActionFunctionArgs } from '@remix-run/node';
import { z } from 'zod';
import { alertsConfig, evaluateNow, nextDigests } from '../alerts.server.ts';
import { readAlertState, readDeliveries, sendDigest } from '../server/alerts/engine.server.ts';
import { secureHeaders } from '../server/security.server.ts';
import { renderReport } from '../views/report/ReportDocument.tsx';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: secureHeaders({ 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' }),
  });

export async function loader() {
  const { config, problem, file } = alertsConfig();
  const rules = await readAlertState();
  return json(200, {
    configured: config !== null,
    file,
    problem,
    active: rules.filter((r) => r.firing).length,
    rules,
    digests: nextDigests(),
    deliveries: await readDeliveries(),
  });
}

const runRequest = z.strictObject({ dry_run: z.boolean().optional(), digest: z.string().min(1).max(120).optional() });

export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== 'POST') return json(405, { error: 'POST only' });
  const text = await request.text();
  if (text.length > 10_000) return json(413, { error: 'the request body is larger than 10 KB' });
  let body: z.output<typeof runRequest>;
  try {
    body = runRequest.parse(text ? JSON.parse(text) : {});
  } catch (err) {
    return json(400, {
      error: `expected {"dry_run"?: boolean, "digest"?: string}: ${(err as Error).message.slice(0, 300)}`,
    });
  }
  const { config, problem } = alertsConfig();
  if (!config)
    return json(409, { error: problem ?? 'no alerts are configured (RELEASELENS_ALERTS or config/alerts.yaml)' });
  const printed: string[] = [];
  const options = { dryRun: body.dry_run, print: (t: string) => printed.push(t), renderReport };
  if (body.digest) {
    const digest = config.digests.find((d) => d.name === body.digest);
    if (!digest)
      return json(404, {
        error: `no digest ${body.digest}; there are ${config.digests.map((d) => d.name).join(', ') || 'none'}`,
      });
    const failed = await sendDigest(config, digest, options);
    return json(200, { digest: digest.name, failedDeliveries: failed, printed });
  }
  const result = await evaluateNow(options);
  return json(200, { ...result, printed });
}
