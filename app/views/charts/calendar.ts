import * as Plot from '@observablehq/plot';

export interface CalendarUnit {
  unit_id: string;
  service: string | null;
  start_at?: string | null;
  end_at: string | null;
  is_failed: boolean;
  is_freeze_violation: boolean;
  /** The unit whose window this one's collides with on a shared service or CI, and what they share. */
  collides_with?: string | null;
  collides_on?: string | null;
}

/** The loader's go-lives, sent column by column, as the rows the calendar draws. */
export function calendarUnits(columns: {
  unit_id: string[];
  service: (string | null)[];
  end_ms: number[];
  is_failed: boolean[];
  is_freeze_violation: boolean[];
  collides_with?: (string | null)[];
  collides_on?: (string | null)[];
}): CalendarUnit[] {
  return columns.unit_id.map((unit_id, i) => ({
    unit_id,
    service: columns.service[i] ?? null,
    end_at: new Date(columns.end_ms[i] ?? 0).toISOString(),
    is_failed: columns.is_failed[i] ?? false,
    is_freeze_violation: columns.is_freeze_violation[i] ?? false,
    collides_with: columns.collides_with?.[i] ?? null,
    collides_on: columns.collides_on?.[i] ?? null,
  }));
}

export interface CalendarWindow {
  name: string | null;
  kind: string;
  service: string | null;
  starts_at: string;
  ends_at: string;
}

/** The hover text of a go-live: what it is, when, how it went, and what it collided with. */
export function goLiveTitle(u: CalendarUnit & { at: Date; outcome: string }): string {
  const lines = [
    `${u.unit_id} · ${u.service}`,
    `${u.at.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    `${u.outcome}${u.is_freeze_violation ? ' · freeze violation' : ''}`,
  ];
  if (u.collides_with) lines.push(`overlaps ${u.collides_with} on ${u.collides_on}`);
  return lines.join('\n');
}

/**
 * Release calendar: one row per service, a tick per go-live (red when failed,
 * ringed when it collided with a freeze, an amber diamond when its window
 * overlapped another go-live's on a shared service or CI), freeze windows
 * shaded behind. A tick links to its unit (`unitHref`).
 */
/**
 * The calendar's shaded windows, one per row they cover: a freeze or
 * maintenance window of one service on that service's row, one without a
 * service (organisation-wide) on every service's row.
 */
export function calendarWindows(windows: CalendarWindow[], services: string[]) {
  return windows.flatMap((w) =>
    (w.service ? [w.service] : services).map((service) => ({
      ...w,
      service,
      x1: new Date(w.starts_at),
      x2: new Date(w.ends_at),
    })),
  );
}

export function releaseCalendar(
  data: { units: CalendarUnit[]; windows: CalendarWindow[]; services: string[] },
  options: { from: string; to: string; width?: number; document?: Document; unitHref?: (unitId: string) => string },
) {
  const units = data.units
    .filter((u) => u.end_at && u.service)
    .map((u) => ({ ...u, at: new Date(u.end_at as string), outcome: u.is_failed ? 'failed' : 'succeeded' }));
  const windows = calendarWindows(data.windows, data.services);
  return Plot.plot({
    document: options.document,
    width: options.width ?? 1100,
    height: 40 + data.services.length * 26,
    marginLeft: 120,
    x: {
      type: 'utc',
      domain: [new Date(`${options.from}T00:00:00Z`), new Date(`${options.to}T00:00:00Z`)],
      label: 'Go-live date (UTC)',
    },
    y: { domain: data.services, label: null },
    color: {
      domain: ['succeeded', 'failed', 'freeze', 'maintenance'],
      range: ['#2d5bd7', '#b42318', '#fca5a5', '#bae6fd'],
      legend: true,
    },
    marks: [
      Plot.rectX(windows, {
        x1: 'x1',
        x2: 'x2',
        y: 'service',
        fill: 'kind',
        fillOpacity: 0.5,
        title: (w: CalendarWindow) => `${w.name ?? w.kind}`,
      }),
      Plot.tickX(units, {
        x: 'at',
        y: 'service',
        stroke: 'outcome',
        strokeWidth: 2,
        title: goLiveTitle,
        ...(options.unitHref ? { href: (u: CalendarUnit) => options.unitHref?.(u.unit_id) } : {}),
      }),
      Plot.dot(
        units.filter((u) => u.is_freeze_violation),
        { x: 'at', y: 'service', r: 7, stroke: '#b42318', strokeWidth: 2 },
      ),
      Plot.dot(
        units.filter((u) => u.collides_with),
        { x: 'at', y: 'service', dy: -9, r: 3.5, symbol: 'diamond', fill: '#b45309' },
      ),
      Plot.tip(
        units,
        Plot.pointer({
          x: 'at',
          y: 'service',
          title: goLiveTitle,
        }),
      ),
    ],
  });
}
