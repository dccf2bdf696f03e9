/**
 * The one way a pull talks to an instance: JSON over HTTPS with the source's
 * credentials, a time limit per request, a cap on what an answer may weigh,
 * and the retries the vendors document (429 and 503 wait for Retry-After,
 * other 5xx and dropped connections back off with jitter; both capped).
 * Messages name the source and what was asked; never a credential.
 */
import type { Credentials } from './config.ts';

/** An answer no retry will change: the pull of this target stops with this message. */
export class PullError extends Error {}

/** The instance cancelled the transaction for its own time quota: ask for less and try again. */
export class TransactionCancelled extends Error {}

export interface Api {
  /** The instance URL, without a trailing slash. */
  base: string;
  /** The source and target, for messages ("corp-servicenow change_request"). */
  label: string;
  credentials: Credentials;
  /** What a 401 or 403 means here (the roles or permission needed). */
  denied: (status: number) => string;
  /** Retries after the first try (default 5). */
  retries?: number;
  /** The first backoff without Retry-After, doubled each time, with jitter (default 1000 ms). */
  backoffMs?: number;
  /** Told of every wait, for the progress lines. */
  onWait?: (line: string) => void;
  /** The longest one request may take, answer included (default 120 s). */
  timeoutSeconds?: number;
}

export interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** An answer larger than this is refused (a page of 10,000 wide records is far less). */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;
/** The longest a Retry-After is waited for at once. */
const MAX_WAIT_MS = 5 * 60 * 1000;

function authorization(c: Credentials): string {
  return c.kind === 'basic'
    ? `Basic ${Buffer.from(`${c.user}:${c.password}`).toString('base64')}`
    : `Bearer ${c.token}`;
}

/** Takes any credential out of a text that will be shown (an instance may echo what it was sent). */
export function redact(text: string, c: Credentials): string {
  const secrets = c.kind === 'basic' ? [c.password, authorization(c).slice(6)] : [c.token];
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('***');
  return out;
}

/** Retry-After in ms (seconds or an HTTP date), or null when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d{1,7}$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

async function readCapped(res: Response): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > MAX_ANSWER_BYTES)
    throw new PullError(`an answer of ${declared} bytes (more than ${MAX_ANSWER_BYTES})`);
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel();
      throw new PullError(`an answer larger than ${MAX_ANSWER_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The instance's own words for an error, from a JSON body ({error: {message, detail}} or {errorMessages}). */
function errorText(text: string): string {
  try {
    const j = JSON.parse(text) as {
      error?: { message?: string; detail?: string } | string;
      errorMessages?: string[];
      message?: string;
    };
    if (typeof j.error === 'string') return j.error;
    if (j.error) return [j.error.message, j.error.detail].filter(Boolean).join(': ');
    if (j.errorMessages?.length) return j.errorMessages.join('; ');
    if (j.message) return j.message;
  } catch {
    // not JSON
  }
  return text.replace(/\s+/g, ' ').trim();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One request, retried where the vendors say a retry helps. `path` starts
 * with / and may carry a query string; `body` is sent as JSON.
 */
export async function request(
  api: Api,
  path: string,
  init: { method?: 'GET' | 'POST'; body?: unknown; what: string },
): Promise<Answer> {
  const retries = api.retries ?? 5;
  const backoff = api.backoffMs ?? 1000;
  const url = `${api.base}${path}`;
  const seconds = api.timeoutSeconds ?? 120;
  for (let attempt = 0; ; attempt++) {
    let res: Response;
    let text: string;
    try {
      res = await fetch(url, {
        method: init.method ?? 'GET',
        headers: {
          authorization: authorization(api.credentials),
          accept: 'application/json',
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        // a redirect (to a sign-in page, another host) is never followed with the credentials
        redirect: 'manual',
        signal: AbortSignal.timeout(seconds * 1000),
      });
      if (res.status >= 300 && res.status < 400) {
        const to = res.headers.get('location') ?? '';
        let where = 'elsewhere';
        try {
          where = new URL(to, url).origin;
        } catch {
          // no readable location
        }
        throw new PullError(
          `HTTP ${res.status}: the instance sends requests to ${where} (a sign-in page?); pulls follow no redirect: check the url`,
        );
      }
      text = await readCapped(res);
    } catch (err) {
      if (err instanceof PullError) throw new PullError(`${api.label}: ${init.what}: ${err.message}`);
      const why = (err as Error).name === 'TimeoutError' ? `no whole answer in ${seconds} s` : describe(err);
      if (attempt >= retries) throw new PullError(`${api.label}: ${init.what}: ${why}, ${retries} retries spent`);
      const wait = jittered(backoff * 2 ** attempt);
      api.onWait?.(`${api.label}: ${why}; retry ${attempt + 1} of ${retries} in ${(wait / 1000).toFixed(1)} s`);
      await sleep(wait);
      continue;
    }
    if (res.ok) {
      try {
        return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
      } catch {
        throw new PullError(`${api.label}: ${init.what}: the answer is not JSON (${res.headers.get('content-type')})`);
      }
    }
    const said = redact(errorText(text), api.credentials).slice(0, 300);
    if (res.status === 401 || res.status === 403) {
      throw new PullError(
        `${api.label}: ${init.what}: ${res.status} ${api.denied(res.status)}${said ? ` (${said})` : ''}`,
      );
    }
    if (/transaction cancel/i.test(said)) throw new TransactionCancelled(said);
    const retryable = res.status === 429 || res.status >= 500;
    if (!retryable || attempt >= retries) {
      const spent = retryable ? `, ${retries} retries spent` : '';
      throw new PullError(`${api.label}: ${init.what}: HTTP ${res.status}${said ? `: ${said}` : ''}${spent}`);
    }
    const asked = res.status === 429 || res.status === 503 ? retryAfterMs(res.headers.get('retry-after')) : null;
    const wait = Math.min(MAX_WAIT_MS, asked ?? jittered(backoff * 2 ** attempt));
    const reason = asked === null ? 'backing off' : 'as Retry-After asks';
    const limits = rateLimitHeaders(res.headers);
    api.onWait?.(
      `${api.label}: HTTP ${res.status}${limits}; retry ${attempt + 1} of ${retries} in ${(wait / 1000).toFixed(1)} s (${reason})`,
    );
    await sleep(wait);
  }
}

/** Jira's X-RateLimit-* headers, when present, for the wait line. */
function rateLimitHeaders(h: Headers): string {
  const parts = ['x-ratelimit-remaining', 'x-ratelimit-limit', 'x-ratelimit-reset']
    .map((name) => [name, h.get(name)] as const)
    .filter(([, v]) => v !== null)
    .map(([name, v]) => `${name.slice('x-ratelimit-'.length)} ${v}`);
  return parts.length ? ` (rate limit: ${parts.join(', ')})` : '';
}

const jittered = (ms: number) => Math.min(60_000, ms) * (0.5 + Math.random() / 2);

function describe(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  return e.cause?.code ?? e.cause?.message ?? e.message;
}
