/**
 * An in-process ServiceNow instance serving the Table API as ServiceNow
 * documents it: GET /api/now/table/{table} with sysparm_query (encoded
 * queries: ^ for AND, ^NQ for OR of whole queries, ORDERBY/ORDERBYDESC,
 * = != > >= < <=), sysparm_fields, sysparm_limit, sysparm_offset,
 * sysparm_display_value=all ({value, display_value} per field),
 * X-Total-Count and a Link header (first, prev, next, last; none when one
 * page holds everything). sysparm_limit is applied before the read ACLs, so
 * a page of records the user may not see comes back short or empty.
 * Basic and bearer authentication; 401 without them, 403 for a user
 * without the table's role. Tests queue failures (429 with Retry-After,
 * 503, 500, a cancelled transaction) and change records between requests.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'csv-parse/sync';

export interface SnField {
  value: string;
  display_value: string;
}
export type SnRecord = Record<string, SnField>;

export type Failure =
  | { status: 429 | 503; retryAfter?: string }
  | { status: 500 }
  | { status: 'cancel'; whenLimitAbove: number };

export interface SnServer {
  url: string;
  tables: Map<string, SnRecord[]>;
  /** sys_ids the user may not read (counted by the limit, then left out). */
  hidden: Set<string>;
  failures: Failure[];
  /** Called before each table request is answered, with its number (1, 2, ...). */
  beforeAnswer?: (n: number, url: URL) => void;
  /** Each table request's URL, in order. */
  requests: URL[];
  /** Tables this user may not read (403). */
  forbidden: Set<string>;
  /** Milliseconds to wait before each answer. */
  delayMs: number;
  close(): Promise<void>;
}

export const USER = 'svc-releaselens';
export const PASSWORD = 'pa55-Very-Secret-word';
export const TOKEN = 'oauth-token-0123456789abcdef';

export const sysId = (key: string) => crypto.createHash('md5').update(key).digest('hex');

/** 'YYYY-MM-DD HH:MM:SS' or 'D/M/YYYY HH:MM' (UTC) -> ServiceNow's stored form; null when not a time. */
export function storedTime(text: string): string | null {
  let m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (m) return text;
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2})$/.exec(text);
  if (!m) return null;
  const p = (s: string | undefined) => String(s).padStart(2, '0');
  return `${m[3]}-${p(m[2])}-${p(m[1])} ${p(m[4])}:${m[5]}:00`;
}

/** The user's display of a stored time: US order in Los Angeles time, as a user there sees it. */
function displayTime(stored: string): string {
  const t = new Date(`${stored.replace(' ', 'T')}Z`);
  return t.toLocaleString('en-US', { timeZone: 'America/Los_Angeles', hour12: false });
}

/** A record from an export row (field names): times stored in UTC; other values get a code as their value. */
export function recordFromRow(row: Record<string, string>, updatedColumn = 'sys_updated_on'): SnRecord {
  const record: SnRecord = {};
  for (const [field, raw] of Object.entries(row)) {
    const text = raw === '?' ? '' : raw;
    const stored = storedTime(text);
    if (stored) record[field] = { value: stored, display_value: displayTime(stored) };
    else if (text === 'true' || text === 'false' || text === '') record[field] = { value: text, display_value: text };
    else record[field] = { value: sysId(`${field}:${text}`), display_value: text };
  }
  const number = row.number ?? '';
  record.number = { value: number, display_value: number };
  record.sys_id = { value: sysId(number), display_value: sysId(number) };
  const updated = storedTime(row[updatedColumn] ?? '') ?? '2025-01-01 00:00:00';
  record.sys_updated_on = { value: updated, display_value: displayTime(updated) };
  return record;
}

/** Reads an export (field names) into records, the latest row of each number winning. */
export function recordsFromExport(file: string, updatedColumn = 'sys_updated_on'): SnRecord[] {
  const rows = parse(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, ''), { columns: true }) as Record<
    string,
    string
  >[];
  const byNumber = new Map<string, SnRecord>();
  for (const row of rows) {
    const r = recordFromRow(row, updatedColumn);
    const kept = byNumber.get(row.number ?? '');
    if (!kept || (kept.sys_updated_on?.value ?? '') <= (r.sys_updated_on?.value ?? ''))
      byNumber.set(row.number ?? '', r);
  }
  return [...byNumber.values()];
}

type Term = { field: string; op: string; value: string };

function parseQuery(q: string): { groups: Term[][]; order: { field: string; desc: boolean }[] } {
  const order: { field: string; desc: boolean }[] = [];
  const groups = q.split('^NQ').map((group) =>
    group
      .split('^')
      .filter(Boolean)
      .flatMap((term): Term[] => {
        const o = /^ORDERBY(DESC)?(.+)$/.exec(term);
        if (o?.[2]) {
          order.push({ field: o[2], desc: Boolean(o[1]) });
          return [];
        }
        const m = /^([a-z0-9_.]+)(>=|<=|!=|>|<|=)(.*)$/.exec(term);
        if (!m) throw new Error(`bad term ${term}`);
        return [{ field: m[1] as string, op: m[2] as string, value: m[3] as string }];
      }),
  );
  return { groups, order };
}

function matches(r: SnRecord, terms: Term[]): boolean {
  return terms.every(({ field, op, value }) => {
    const v = r[field]?.value ?? '';
    switch (op) {
      case '=':
        return v === value;
      case '!=':
        return v !== value;
      case '>':
        return v > value;
      case '>=':
        return v >= value;
      case '<':
        return v < value;
      default:
        return v <= value;
    }
  });
}

export async function startServiceNow(tables: Record<string, SnRecord[]>): Promise<SnServer> {
  let count = 0;
  const state: Omit<SnServer, 'url' | 'close'> = {
    tables: new Map(Object.entries(tables)),
    hidden: new Set(),
    failures: [],
    requests: [],
    forbidden: new Set(),
    delayMs: 0,
  };
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const auth = req.headers.authorization ?? '';
    const basic = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
    if (auth !== basic && auth !== `Bearer ${TOKEN}`)
      return send(401, {
        error: { message: 'User Not Authenticated', detail: 'Required to provide Auth information' },
        status: 'failure',
      });
    const m = /^\/api\/now\/table\/([a-z0-9_]+)$/.exec(url.pathname);
    const rows = m?.[1] ? state.tables.get(m[1]) : undefined;
    if (!m?.[1] || !rows) return send(400, { error: { message: 'Invalid table', detail: null }, status: 'failure' });
    if (state.forbidden.has(m[1]))
      return send(403, {
        error: { message: 'User Not Authorized', detail: `ACL Exception Read access denied for ${m[1]}` },
      });
    count++;
    state.requests.push(url);
    if (state.delayMs) await new Promise((r) => setTimeout(r, state.delayMs));
    const limit = Number(url.searchParams.get('sysparm_limit') ?? 10000);
    const failure = state.failures[0];
    if (failure) {
      if (failure.status === 'cancel') {
        if (limit > failure.whenLimitAbove) {
          return send(500, {
            error: {
              message: 'Transaction cancelled: maximum execution time exceeded',
              detail:
                'Check logs for error trace or enable glide.rest.debug property to verify REST request processing',
            },
            status: 'failure',
          });
        }
        state.failures.shift();
      } else {
        state.failures.shift();
        if (failure.status === 500) return send(500, { error: { message: 'Internal error' }, status: 'failure' });
        return send(
          failure.status,
          { error: { message: 'Too many requests' } },
          failure.retryAfter ? { 'retry-after': failure.retryAfter } : {},
        );
      }
    }
    state.beforeAnswer?.(count, url);
    const { groups, order } = parseQuery(url.searchParams.get('sysparm_query') ?? '');
    const found = rows.filter((r) => groups.some((g) => matches(r, g)));
    found.sort((a, b) => {
      for (const o of order) {
        const x = a[o.field]?.value ?? '';
        const y = b[o.field]?.value ?? '';
        if (x !== y) return (x < y ? -1 : 1) * (o.desc ? -1 : 1);
      }
      return 0;
    });
    const offset = Number(url.searchParams.get('sysparm_offset') ?? 0);
    const total = found.length;
    const fields = url.searchParams.get('sysparm_fields')?.split(',');
    const all = url.searchParams.get('sysparm_display_value') === 'all';
    const page = found
      .slice(offset, offset + limit)
      .filter((r) => !state.hidden.has(r.sys_id?.value ?? ''))
      .map((r) =>
        Object.fromEntries(
          (fields ?? Object.keys(r)).flatMap((f) => {
            const v = r[f];
            return v === undefined ? [] : [[f, all ? v : v.value]];
          }),
        ),
      );
    const headers: Record<string, string> = { 'x-total-count': String(total) };
    if (total > limit) {
      const at = (o: number) => {
        const u = new URL(url.toString().replace('http://localhost', `http://${req.headers.host}`));
        u.searchParams.set('sysparm_offset', String(o));
        return u.toString();
      };
      const links = [`<${at(0)}>;rel="first"`];
      if (offset > 0) links.push(`<${at(Math.max(0, offset - limit))}>;rel="prev"`);
      if (offset + limit < total) links.push(`<${at(offset + limit)}>;rel="next"`);
      links.push(`<${at(Math.floor((total - 1) / limit) * limit)}>;rel="last"`);
      headers.link = links.join(',');
    }
    send(200, { result: page }, headers);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

/** Sets a record's field (and its update time) as an update on the instance would. */
export function touch(record: SnRecord, at: string, fields: Record<string, string> = {}): void {
  for (const [f, v] of Object.entries(fields)) record[f] = { value: sysId(`${f}:${v}`), display_value: v };
  record.sys_updated_on = { value: at, display_value: displayTime(at) };
}
