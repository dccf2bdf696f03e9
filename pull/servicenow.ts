/**
 * ServiceNow's Table API (/api/now/table/{table}) as a pull target.
 *
 * Paging: the records come ordered by (sys_updated_on, sys_id). After every
 * page that held a record the next request starts after the last one seen
 * (sys_updated_on>T, or =T with a greater sys_id), not at an offset, so a
 * record updated between two pages moves to the end and is read there, and
 * none shifts out of reach. A page can be short or empty while more remain
 * (the instance applies sysparm_limit before its access rules): only the
 * absence of Link rel="next", with X-Total-Count reached, ends the pull; an
 * empty page with a next link moves on by its offset.
 *
 * Values: sysparm_display_value=all gives each field's stored value and its
 * label. A row takes the label (what the CSV export writes for choices and
 * references) except for date-times, which keep the stored UTC value, so no
 * time zone is guessed.
 */
import type { ServiceNowSource } from './config.ts';
import { type Api, PullError, request, TransactionCancelled } from './http.ts';
import { columnsRead, type Fetched, mappingFor, type Progress, type Target } from './target.ts';

/** The built-in profile for each table ServiceNow ships; other tables need a mapping. */
export const serviceNowProfiles: Record<string, string> = {
  change_request: 'servicenow-change',
  incident: 'servicenow-incident',
  rm_release: 'servicenow-release',
};

const STORED_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const STORED_DATE = /^\d{4}-\d{2}-\d{2}$/;
const SYS_ID = /^[0-9a-f]{32}$/;

/** What a 401 or 403 on a table means. */
export function serviceNowDenied(table: string) {
  return (status: number) =>
    status === 401
      ? 'the instance did not accept the credentials (check the user and password, or the OAuth token, in the environment variables the auth names)'
      : `the user may not read ${table}: give it snc_read_only plus a role that reads ${table} (itil reads change_request, incident and problem; rm_release needs a release role), or check the table's read ACLs`;
}

/** One field's text for the row: the stored value of a date-time, else the label. */
export function fieldText(field: unknown): string {
  if (field === null || field === undefined) return '';
  if (typeof field !== 'object') return String(field);
  const { value, display_value } = field as { value?: unknown; display_value?: unknown };
  const stored = value === null || value === undefined ? '' : String(value);
  if (STORED_TIME.test(stored) || STORED_DATE.test(stored)) return stored;
  if (display_value === null || display_value === undefined) return stored;
  return String(display_value);
}

const storedValue = (field: unknown): string =>
  field !== null && typeof field === 'object'
    ? String((field as { value?: unknown }).value ?? '')
    : String(field ?? '');

/** The offset a Link header's rel="next" asks for, or null when it names none. */
export function nextOffset(link: string | null): number | null {
  if (!link) return null;
  for (const part of link.split(',')) {
    const m = /<([^>]*)>\s*;\s*rel="?next"?/i.exec(part);
    if (!m?.[1]) continue;
    try {
      const offset = new URL(m[1], 'http://x').searchParams.get('sysparm_offset');
      return offset !== null && /^\d{1,12}$/.test(offset) ? Number(offset) : null;
    } catch {
      return null;
    }
  }
  return null;
}

/** Minus the overlap, in ServiceNow's stored form (UTC). */
export function serviceNowStart(watermark: string, overlapMinutes: number): string {
  const t = new Date(`${watermark.replace(' ', 'T')}Z`);
  if (Number.isNaN(t.getTime()))
    throw new PullError(`the stored watermark '${watermark}' is not a ServiceNow date-time`);
  return new Date(t.getTime() - overlapMinutes * 60_000).toISOString().slice(0, 19).replace('T', ' ');
}

export function serviceNowTarget(
  source: ServiceNowSource,
  table: ServiceNowSource['tables'][number],
  api: Omit<Api, 'label' | 'denied'>,
): Target {
  const profile = table.mapping ? undefined : serviceNowProfiles[table.table];
  if (!table.mapping && !profile) {
    throw new PullError(
      `source ${source.name}: table ${table.table} has no built-in profile (there are: ${Object.keys(serviceNowProfiles).join(', ')}); give it a mapping`,
    );
  }
  const mapping = mappingFor(profile, table.mapping);
  const fields = columnsRead(mapping).filter((f) => /^[A-Za-z0-9_.]+$/.test(f));
  const header = [...new Set([...fields, 'sys_id', 'sys_updated_on'])];
  const label = `${source.name} ${table.table}`;
  const tableApi: Api = { ...api, label, denied: serviceNowDenied(table.table) };
  const user = table.query ? `${table.query}^` : '';
  const order = 'ORDERBYsys_updated_on^ORDERBYsys_id';

  /** The encoded query: after the last record seen, or from the starting point. */
  const query = (since: string | null, after: { t: string; id: string } | null) => {
    if (after) return `${user}sys_updated_on>${after.t}^NQ${user}sys_updated_on=${after.t}^sys_id>${after.id}^${order}`;
    return `${user}${since ? `sys_updated_on>=${since}^` : ''}${order}`;
  };

  const url = (q: string, limit: number, offset: number) => {
    const params = new URLSearchParams({
      sysparm_query: q,
      sysparm_display_value: 'all',
      sysparm_exclude_reference_link: 'true',
      sysparm_fields: header.join(','),
      sysparm_limit: String(limit),
      sysparm_offset: String(offset),
    });
    return `/api/now/table/${encodeURIComponent(table.table)}?${params}`;
  };

  return {
    name: table.table,
    header,
    load: profile ? { profile } : { mappingFile: table.mapping },
    startFrom: (w) => serviceNowStart(w, source.overlap_minutes),
    describe: (since) => `GET ${source.url}${url(query(since, null), source.page_size, 0)}`,
    async *fetch(since: string | null, progress: Progress): AsyncGenerator<Fetched> {
      let after: { t: string; id: string } | null = null;
      let offset = 0;
      let limit = source.page_size;
      let told = false;
      for (;;) {
        let answer: Awaited<ReturnType<typeof request>>;
        try {
          answer = await request(tableApi, url(query(since, after), limit, offset), {
            what: `GET ${table.table} (${limit} from ${offset})`,
          });
        } catch (err) {
          if (!(err instanceof TransactionCancelled) || limit === 1) throw err;
          limit = Math.max(1, Math.floor(limit / 2));
          progress.note(
            `${label}: the instance cancelled the transaction (${err.message}); asking for ${limit} per page`,
          );
          continue;
        }
        const result = (answer.body as { result?: unknown } | null)?.result;
        if (!Array.isArray(result)) throw new PullError(`${label}: the answer has no result list`);
        const totalText = answer.headers.get('x-total-count');
        const total = totalText && /^\d{1,12}$/.test(totalText) ? Number(totalText) : null;
        if (!told && total !== null) {
          progress.total(total);
          told = true;
        }
        let last = null as { t: string; id: string } | null;
        for (const record of result) {
          if (record === null || typeof record !== 'object') throw new PullError(`${label}: a record is not an object`);
          const r = record as Record<string, unknown>;
          const id = storedValue(r.sys_id);
          const t = storedValue(r.sys_updated_on);
          if (!SYS_ID.test(id))
            throw new PullError(`${label}: a record's sys_id is not 32 hex digits: '${id.slice(0, 40)}'`);
          if (!STORED_TIME.test(t))
            throw new PullError(`${label}: record ${id}: sys_updated_on '${t.slice(0, 40)}' is not a stored date-time`);
          const previous: { t: string; id: string } | null = last ?? after;
          if (previous && !(t > previous.t || (t === previous.t && id > previous.id)))
            throw new PullError(
              `${label}: the instance did not keep the order asked for (record ${id} at ${t} after ${previous.id} at ${previous.t}); the pull of this table stops here`,
            );
          const row: Record<string, string> = {};
          for (const h of header) row[h] = fieldText(r[h]);
          row.sys_id = id;
          row.sys_updated_on = t;
          last = { t, id };
          yield { id, updated: t, row };
        }
        const next = nextOffset(answer.headers.get('link'));
        const reached = total === null || offset + limit >= total;
        if (next === null && reached) return;
        if (last) {
          // start again after the last record seen (a fresh query: nothing shifts between pages)
          after = last;
          offset = 0;
        } else {
          offset = next ?? offset + limit;
        }
      }
    },
  };
}
