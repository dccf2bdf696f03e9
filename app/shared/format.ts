/** Formatting and URL helpers shared by server and browser code. */

export const pct = (v: number | null | undefined, digits = 1) =>
  v === null || v === undefined ? '—' : `${(v * 100).toFixed(digits)}%`;

export function hours(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (v < 1) return `${Math.round(v * 60)} min`;
  if (v < 48) return `${v.toFixed(1)} h`;
  return `${(v / 24).toFixed(1)} d`;
}

/** A difference in minutes as '+1.5 h', '−20 min', '0 min' (slip, overrun). */
export function signedHours(minutes: number | null | undefined): string {
  if (minutes === null || minutes === undefined) return '—';
  const sign = minutes > 0 ? '+' : minutes < 0 ? '−' : '';
  return `${sign}${hours(Math.abs(minutes) / 60)}`;
}

export const count = (v: number | null | undefined) =>
  v === null || v === undefined ? '—' : v.toLocaleString('en-US');

/** One formatter per time zone: making one costs far more than formatting (a table has thousands of dates). */
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

export function dateTime(iso: string | null | undefined, tz = 'UTC'): string {
  if (!iso) return '—';
  let format = dateTimeFormats.get(tz);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone: tz,
      year: 'numeric',
      month: 'short',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    dateTimeFormats.set(tz, format);
  }
  return format.format(new Date(iso));
}

/** The URL search string for a set of parameters (the shareable link); empty values are left out. */
export function toSearch(p: Record<string, unknown>): string {
  const s = new URLSearchParams();
  for (const [key, value] of Object.entries(p)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const v of value) s.append(key, String(v));
    else s.set(key, String(value));
  }
  return s.toString();
}

/** Replaces some parameters of the current search string, keeping the rest. */
export function withParams(search: string, changes: Record<string, string | string[] | null>): string {
  const s = new URLSearchParams(search);
  for (const [key, value] of Object.entries(changes)) {
    s.delete(key);
    if (value === null) continue;
    for (const v of Array.isArray(value) ? value : [value]) s.append(key, v);
  }
  const out = s.toString();
  return out ? `?${out}` : '';
}

/** A p-value as people read it: "p < 0.001", else two significant digits. */
export function formatP(p: number): string {
  return p < 0.001 ? 'p < 0.001' : `p = ${p.toPrecision(2)}`;
}

/** One line naming the period and every filter: the report's header and the PDF's page header. */
export function describeScope(p: {
  unit: string;
  from: string;
  to: string;
  tz: string;
  window: number;
  severity: number;
  service: string[];
  team: string[];
  type: string[];
}): string {
  const filters = [
    p.service.length > 0 ? `services ${p.service.join(', ')}` : 'all services',
    p.team.length > 0 ? `teams ${p.team.join(', ')}` : 'all teams',
    p.type.length > 0 ? `types ${p.type.join(', ')}` : 'all types',
  ];
  return `${p.unit}s, ${p.from} to ${p.to} (${p.tz}); ${filters.join('; ')}; window ${p.window} h, failure P1-P${p.severity}`;
}

/** The printed header's second line: the newest record and when data last arrived (UTC, to the minute). */
export function describeFreshness(lastDataAt: Date | null, loadedAt: Date | null): string {
  const minute = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  if (lastDataAt === null) return 'No data loaded.';
  const loaded = loadedAt ? `; last loaded ${minute(loadedAt)}` : '';
  return `Data to ${minute(lastDataAt)}${loaded}.`;
}
