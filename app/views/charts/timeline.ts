import * as Plot from '@observablehq/plot';

export interface TimelineData {
  planned: { start: string | null; end: string | null };
  actual: { start: string | null; end: string | null };
  windowEnd: string | null;
  deployments: {
    id: string;
    environment: string | null;
    started_at: string | null;
    finished_at: string | null;
    status: string | null;
    is_rollback: boolean | null;
  }[];
  incidents: { incident_id: string; opened_at: string | null; priority: number; attribution: string }[];
}

const attributionColors = {
  domain: ['confirmed', 'reviewed', 'likely', 'other unit', 'not attributed'],
  range: ['#b42318', '#7a1c12', '#e0892a', '#7b8794', '#cbd2d9'],
};

/** The colours of the attributions shown: `reviewed` (a person's confirmation) only where an incident has it. */
const colorsFor = (attributions: string[]) => {
  const shown = attributionColors.domain
    .map((d, i) => [d, attributionColors.range[i] as string] as const)
    .filter(([d]) => d !== 'reviewed' || attributions.includes(d));
  return { domain: shown.map(([d]) => d), range: shown.map(([, c]) => c) };
};

const d = (s: string | null) => (s ? new Date(s) : null);

/**
 * Release timeline: planned and actual windows, each deployment (rollbacks
 * marked), the post-release window up to its boundary, and nearby incidents
 * coloured by how they were attributed. With `incidentHref`, each incident's
 * dot links to its record (the release page's row for it), named by its id,
 * priority and attribution; with `deploymentHref`, each deployment's bar to
 * its row, named by its title (id, environment, how it ended).
 */
export function releaseTimeline(
  data: TimelineData,
  options: {
    windowHours: number;
    width?: number;
    document?: Document;
    incidentHref?: (id: string) => string;
    deploymentHref?: (id: string) => string;
  },
) {
  const rows = ['Planned', 'Actual', 'Deployments', 'Incidents'];
  const bars = [
    { row: 'Planned', x1: d(data.planned.start ?? data.planned.end), x2: d(data.planned.end), label: 'planned window' },
    { row: 'Actual', x1: d(data.actual.start ?? data.actual.end), x2: d(data.actual.end), label: 'actual window' },
  ].filter((b) => b.x1 && b.x2);
  const deployments = data.deployments
    .filter((x) => x.started_at || x.finished_at)
    .map((x) => ({
      ...x,
      row: 'Deployments',
      x1: d(x.started_at ?? x.finished_at),
      x2: d(x.finished_at ?? x.started_at),
      kind: x.is_rollback ? 'rollback' : (x.status ?? 'unknown'),
    }));
  const incidents = data.incidents
    .filter((i) => i.opened_at)
    .map((i) => ({ ...i, row: 'Incidents', at: d(i.opened_at) }));
  const windowBand =
    data.actual.end && data.windowEnd ? [{ x1: d(data.actual.start ?? data.actual.end), x2: d(data.windowEnd) }] : [];
  return Plot.plot({
    document: options.document,
    width: options.width ?? 1100,
    height: 230,
    marginLeft: 100,
    x: { type: 'utc', label: 'Time (UTC)' },
    y: { domain: rows, label: null },
    color: { ...colorsFor(data.incidents.map((i) => i.attribution)), legend: true },
    symbol: { domain: ['staging', 'production'], range: ['circle', 'diamond'] },
    marks: [
      Plot.rectX(windowBand, { x1: 'x1', x2: 'x2', fill: '#2d5bd7', fillOpacity: 0.06 }),
      Plot.ruleX(data.windowEnd ? [d(data.windowEnd)] : [], { stroke: '#2d5bd7', strokeDasharray: '4,3' }),
      Plot.text(data.windowEnd ? [d(data.windowEnd)] : [], {
        x: (v: Date) => v,
        frameAnchor: 'top',
        dy: 4,
        text: () => `window end (+${options.windowHours} h)`,
        fill: '#2d5bd7',
        textAnchor: 'end',
        dx: -4,
      }),
      Plot.barX(bars, { x1: 'x1', x2: 'x2', y: 'row', fill: '#9fb3e8', insetTop: 8, insetBottom: 8, title: 'label' }),
      Plot.barX(deployments, {
        x1: 'x1',
        x2: 'x2',
        y: 'row',
        fill: (x: { kind: string }) =>
          x.kind === 'succeeded' ? '#2d5bd7' : x.kind === 'rollback' ? '#6d28d9' : '#b42318',
        insetTop: 10,
        insetBottom: 10,
        title: (x: { id: string; environment: string | null; kind: string }) =>
          `${x.id} · ${x.environment ?? ''} · ${x.kind}`,
        ...(options.deploymentHref ? { href: (x: { id: string }) => options.deploymentHref?.(x.id) ?? null } : {}),
      }),
      Plot.dot(deployments, { x: 'x1', y: 'row', symbol: 'environment', r: 4, fill: 'white', stroke: '#1f2933' }),
      Plot.dot(incidents, {
        x: 'at',
        y: 'row',
        fill: 'attribution',
        r: (i: { priority: number }) => 9 - i.priority * 1.5,
        stroke: 'white',
        ...(options.incidentHref
          ? {
              href: (i: { incident_id: string }) => options.incidentHref?.(i.incident_id) ?? null,
              ariaLabel: (i: { incident_id: string; priority: number; attribution: string; at: Date }) =>
                `incident ${i.incident_id}, P${i.priority}, ${i.attribution}, opened ${i.at.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
            }
          : {}),
      }),
      Plot.tip(
        incidents,
        Plot.pointer({
          x: 'at',
          y: 'row',
          title: (i: { incident_id: string; priority: number; attribution: string; at: Date }) =>
            `${i.incident_id} · P${i.priority} · ${i.attribution}\n${i.at.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
        }),
      ),
    ],
  });
}
