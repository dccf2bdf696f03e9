/**
 * Sending one message to one channel: the channel's secret (a webhook URL, an
 * SMTP URL) read from the environment at the moment of sending, a time limit,
 * retries with backoff, and an error that names the channel but never the
 * secret. Webhook URLs must be https (plain http only on loopback); no
 * redirect is followed.
 */
import nodemailer from 'nodemailer';
import type { Channel } from './config.ts';
import { emailParts, type Message, slackBody, teamsBody, webhookBody } from './messages.ts';

export interface DeliveryOptions {
  /** Tries in all (default 4: the first and three retries). */
  attempts?: number;
  /** The first wait, doubled each time, with jitter (default 2000 ms). */
  backoffMs?: number;
  log?: (line: string) => void;
}

export const channelKind = (c: Channel) => Object.keys(c)[0] as 'slack' | 'teams' | 'webhook' | 'email';

/** The channel's secret from the environment, or an error naming the variable. */
function secret(name: string, variable: string): string {
  const value = process.env[variable];
  if (!value) throw new Error(`channel ${name}: the environment variable ${variable} is not set`);
  return value;
}

function webhookUrl(name: string, text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`channel ${name}: its URL (from the environment) is not a URL`);
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
    throw new Error(`channel ${name}: its URL must be https (plain http only on a loopback address)`);
  return url;
}

async function post(name: string, url: URL, body: unknown): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    redirect: 'manual',
    signal: AbortSignal.timeout(15_000),
  });
  const text = (await res.text()).slice(0, 200).replace(/\s+/g, ' ');
  if (res.status >= 300) throw new Error(`channel ${name}: HTTP ${res.status}${text ? `: ${text}` : ''}`);
}

/** Takes a secret out of a text that will be logged or stored. */
function withoutSecret(text: string, secretText: string | null): string {
  if (!secretText) return text;
  let out = text.split(secretText).join('***');
  try {
    const u = new URL(secretText);
    if (u.password) out = out.split(decodeURIComponent(u.password)).join('***').split(u.password).join('***');
  } catch {
    // not a URL
  }
  return out;
}

async function sendOnce(name: string, channel: Channel, m: Message): Promise<void> {
  if ('slack' in channel) return post(name, webhookUrl(name, secret(name, channel.slack.webhook_env)), slackBody(m));
  if ('teams' in channel) return post(name, webhookUrl(name, secret(name, channel.teams.webhook_env)), teamsBody(m));
  if ('webhook' in channel) return post(name, webhookUrl(name, secret(name, channel.webhook.url_env)), webhookBody(m));
  const smtp = secret(name, channel.email.smtp_env);
  if (!/^smtps?:\/\//.test(smtp)) throw new Error(`channel ${name}: its SMTP URL must start with smtp:// or smtps://`);
  const transport = nodemailer.createTransport(smtp, { connectionTimeout: 15_000, socketTimeout: 30_000 } as never);
  try {
    await transport.sendMail({ from: channel.email.from, to: channel.email.to, ...emailParts(m) });
  } finally {
    transport.close();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends with retries; resolves to null when sent, else the last error (secret-free). */
export async function deliver(
  name: string,
  channel: Channel,
  m: Message,
  options: DeliveryOptions = {},
): Promise<string | null> {
  const attempts = options.attempts ?? 4;
  const backoff = options.backoffMs ?? 2000;
  const kind = channelKind(channel);
  const variable =
    'slack' in channel
      ? channel.slack.webhook_env
      : 'teams' in channel
        ? channel.teams.webhook_env
        : 'webhook' in channel
          ? channel.webhook.url_env
          : channel.email.smtp_env;
  let last = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      await sendOnce(name, channel, m);
      return null;
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      const why = e.message === 'fetch failed' && e.cause?.code ? `no connection (${e.cause.code})` : e.message;
      last = withoutSecret(why, process.env[variable] ?? null);
      if (!last.startsWith(`channel ${name}`)) last = `channel ${name} (${kind}): ${last}`;
      if (/is not set|must be https|must start with|is not a URL/.test(last) || attempt === attempts) break;
      const wait = Math.min(60_000, backoff * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
      options.log?.(`alerts: ${last}; try ${attempt + 1} of ${attempts} in ${(wait / 1000).toFixed(1)} s`);
      await sleep(wait);
    }
  }
  options.log?.(`alerts: ${last}; not sent`);
  return last;
}
