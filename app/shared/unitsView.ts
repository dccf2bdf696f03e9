/** The releases table's view: text search, status filter, sort and page, from URL parameters. */
import { neutraliseCell } from '../../lib/csvSafety.ts';
import type { UnitRow } from '../../queries/units.ts';

export const pageSize = 50;

export const unitColumns = [
  { key: 'unit_id', label: 'Id' },
  { key: 'title', label: 'Title' },
  { key: 'unit_type', label: 'Type' },
  { key: 'service', label: 'Service' },
  { key: 'team', label: 'Team' },
  { key: 'record_status', label: 'Status' },
  { key: 'planned_end', label: 'Planned go-live' },
  { key: 'end_at', label: 'Actual go-live' },
  { key: 'slip_minutes', label: 'Slip', numeric: true },
  { key: 'duration_minutes', label: 'Duration', numeric: true },
  { key: 'overrun_minutes', label: 'Overrun', numeric: true },
  { key: 'lead_time_hours', label: 'Lead time', numeric: true },
  { key: 'confirmed_incidents', label: 'Confirmed', numeric: true },
  { key: 'likely_incidents', label: 'Likely', numeric: true },
  { key: 'expected_incidents', label: 'Expected', numeric: true },
  { key: 'is_failed', label: 'Failed' },
  { key: 'policy_failed_checks', label: 'Policy checks failed', numeric: true },
] as const satisfies readonly { key: keyof UnitRow; label: string; numeric?: boolean }[];

export type UnitColumn = (typeof unitColumns)[number]['key'];
export const outcomeFilters = ['all', 'failed', 'succeeded', 'rolled_back', 'excess', 'open'] as const;
export type OutcomeFilter = (typeof outcomeFilters)[number];

/** A go-live slot of the incident patterns heatmap: ISO weekday (1 = Monday) and 3-hour band, in the report's time zone. */
export interface GoliveSlot {
  weekday: number;
  hourBand: number;
}

export interface UnitsView {
  q: string;
  outcome: OutcomeFilter;
  sort: UnitColumn;
  dir: 'asc' | 'desc';
  page: number;
  /** Only units that went live in this slot (a heatmap cell's records); null for all. */
  slot: GoliveSlot | null;
  /**
   * The units in the backlog at the start of this local date (a point of the
   * trends page's backlog chart), instead of the period's; `overdue`: only
   * those past their planned end by then. Null for the period's units.
   */
  backlog: { at: string; overdue: boolean } | null;
}

/** `backlog_at` (a real YYYY-MM-DD) and `backlog_overdue=1`, or null; a malformed date is ignored like a bad sort. */
function parseBacklog(search: URLSearchParams): UnitsView['backlog'] {
  const at = search.get('backlog_at') ?? '';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(at) || Number.isNaN(Date.parse(`${at}T00:00:00Z`))) return null;
  if (new Date(`${at}T00:00:00Z`).toISOString().slice(0, 10) !== at) return null;
  return { at, overdue: search.get('backlog_overdue') === '1' };
}

/** The slot of `weekday` and `hour_band` (both or neither), or null; a malformed one is ignored like a bad sort. */
function parseSlot(search: URLSearchParams): GoliveSlot | null {
  const weekday = Number(search.get('weekday'));
  const hourBand = Number(search.get('hour_band'));
  if (!search.has('weekday') || !search.has('hour_band')) return null;
  if (!Number.isInteger(weekday) || weekday < 1 || weekday > 7) return null;
  if (!Number.isInteger(hourBand) || hourBand < 0 || hourBand > 21 || hourBand % 3 !== 0) return null;
  return { weekday, hourBand };
}

export function parseView(search: URLSearchParams): UnitsView {
  const sort = unitColumns.find((c) => c.key === search.get('sort'))?.key ?? 'end_at';
  const outcome = outcomeFilters.find((o) => o === search.get('outcome')) ?? 'all';
  const page = Math.max(0, Number.parseInt(search.get('page') ?? '0', 10) || 0);
  return {
    q: (search.get('q') ?? '').trim(),
    outcome,
    sort,
    dir: search.get('dir') === 'asc' ? 'asc' : 'desc',
    page,
    slot: parseSlot(search),
    backlog: parseBacklog(search),
  };
}

export const viewParams = [
  'q',
  'outcome',
  'sort',
  'dir',
  'page',
  'weekday',
  'hour_band',
  'backlog_at',
  'backlog_overdue',
];

export const weekdayNames = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

const slotFormats = new Map<string, Intl.DateTimeFormat>();

/** The go-live slot of an instant in a time zone. */
export function slotOf(iso: string, tz: string): GoliveSlot {
  let format = slotFormats.get(tz);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone: tz, weekday: 'short', hour: '2-digit', hourCycle: 'h23' });
    slotFormats.set(tz, format);
  }
  const parts = format.formatToParts(new Date(iso));
  const weekday = weekdayNames.indexOf(parts.find((x) => x.type === 'weekday')?.value ?? '') + 1;
  const hour = Number(parts.find((x) => x.type === 'hour')?.value);
  return { weekday, hourBand: Math.floor(hour / 3) * 3 };
}

/** All rows of the current view (filtered and sorted), before paging. `tz`: the report's, for the go-live slot. */
export function applyView(rows: UnitRow[], v: UnitsView, tz = 'UTC'): UnitRow[] {
  const q = v.q.toLowerCase();
  const filtered = rows.filter((r) => {
    if (q && ![r.unit_id, r.title, r.service, r.team].some((s) => s?.toLowerCase().includes(q))) return false;
    if (v.slot) {
      if (!r.is_completed || !r.end_at) return false;
      const slot = slotOf(r.end_at, tz);
      if (slot.weekday !== v.slot.weekday || slot.hourBand !== v.slot.hourBand) return false;
    }
    switch (v.outcome) {
      case 'failed':
        return r.is_completed && r.is_failed;
      case 'succeeded':
        return r.is_completed && !r.is_failed;
      case 'rolled_back':
        return r.is_rolled_back;
      case 'excess':
        return r.is_excess;
      case 'open':
        return !r.is_completed;
      default:
        return true;
    }
  });
  const sign = v.dir === 'asc' ? 1 : -1;
  return filtered.sort((a, b) => {
    const x = a[v.sort];
    const y = b[v.sort];
    if (x === y) return a.unit_id < b.unit_id ? -1 : 1;
    if (x === null) return 1;
    if (y === null) return -1;
    return (x < y ? -1 : 1) * sign;
  });
}

const csvCell = (v: unknown) => {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? neutraliseCell(v) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

/** The current view as CSV: the columns on screen, every row of every page. */
export function unitsCsv(rows: UnitRow[]): string {
  const keys = unitColumns.map((c) => c.key);
  return `${[keys.join(','), ...rows.map((r) => keys.map((k) => csvCell(r[k])).join(','))].join('\n')}\n`;
}
