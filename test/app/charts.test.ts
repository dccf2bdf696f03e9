// @vitest-environment jsdom
/** Chart builders are pure: the same data gives the same SVG. Snapshots catch unintended changes. */
import * as Plot from '@observablehq/plot';
import { describe, expect, it } from 'vitest';
import { markRuns, parseEvents, pChart, sideProbabilities } from '../../app/shared/trends.ts';
import { accessibleChart } from '../../app/views/charts/accessible.ts';
import { calendarWindows, goLiveTitle, releaseCalendar } from '../../app/views/charts/calendar.ts';
import {
  failureHeatmapCells,
  failureRateCap,
  goliveIncidentHeatmap,
  hoursHistogram,
  pareto,
  paretoRows,
  serviceWeekHeatmap,
  typeRiskBars,
  weekdayHourHeatmap,
} from '../../app/views/charts/incidents.ts';
import { sparkline } from '../../app/views/charts/sparkline.ts';
import { releaseTimeline } from '../../app/views/charts/timeline.ts';
import { pChartPlot, segmentsPlot } from '../../app/views/charts/trends.ts';
import type { BucketRow } from '../../queries/analysis.ts';
import { type ChartPoint, countCharts } from '../chartCounts.ts';

const svg = (el: Element) => el.outerHTML;

// jsdom has no canvas; continuous colour legends draw their ramp on one. A fixed stub keeps them deterministic.
HTMLCanvasElement.prototype.getContext = (() => ({ fillStyle: '', fillRect: () => {} })) as never;
HTMLCanvasElement.prototype.toDataURL = () => 'data:image/png;base64,stub';

const points: ChartPoint[] = [
  {
    rule: 'confirmed',
    category: 'software',
    incident_ci: 'pay-api',
    service: 'payments',
    unit_type: 'minor',
    risk: 'high',
    opened_week: '2025-03-03',
    hours_after_golive: 2.5,
    golive_weekday: 5,
    golive_hour: 19,
  },
  {
    rule: 'likely',
    category: 'database',
    incident_ci: 'pay-db',
    service: 'payments',
    unit_type: 'minor',
    risk: 'low',
    opened_week: '2025-03-10',
    hours_after_golive: 30,
    golive_weekday: 2,
    golive_hour: 10,
  },
  {
    rule: 'likely',
    category: 'software',
    incident_ci: 'pay-api',
    service: 'search',
    unit_type: 'emergency',
    risk: 'critical',
    opened_week: '2025-03-10',
    hours_after_golive: 47,
    golive_weekday: 5,
    golive_hour: 20,
  },
  {
    rule: 'confirmed',
    category: 'software',
    incident_ci: '',
    service: 'search',
    unit_type: 'patch',
    risk: 'unknown',
    opened_week: '2025-03-17',
    hours_after_golive: 80,
    golive_weekday: 1,
    golive_hour: 9,
  },
];

const bucket = (bucket_start: string, completed: number, failed: number): BucketRow => ({
  bucket_start,
  segment: 'all',
  completed,
  failed,
  rolled_back: 0,
  with_incidents: failed,
  emergency: 0,
  unauthorized: 0,
  freeze_violations: 0,
  lead_time_median_hours: 40,
  recovery_median_hours: 3,
  overran: 0,
  overrun_cohort: completed,
  duration_median_minutes: 30,
  on_time: completed,
  schedule_cohort: completed,
  deployments: completed,
});

describe('chart builders', () => {
  it('sparkline', () => {
    expect(
      svg(
        sparkline(
          [
            { bucket_start: '2025-01-01', value: 0.2 },
            { bucket_start: '2025-02-01', value: 0.3 },
            { bucket_start: '2025-03-01', value: null },
          ],
          { percent: true, document },
        ),
      ),
    ).toMatchSnapshot();
  });

  it('a sparkline shows its scale (lowest and highest month) and writes its latest value', () => {
    const el = sparkline(
      [
        { bucket_start: '2025-01-01', value: 0.12 },
        { bucket_start: '2025-02-01', value: 0.31 },
        { bucket_start: '2025-03-01', value: 0.18 },
      ],
      { percent: true, document },
    );
    const texts = [...el.querySelectorAll('text')].map((t) => t.textContent);
    expect(texts).toEqual(expect.arrayContaining(['12%', '31%', '18%']));
    // the latest value is the bold one beside the last point
    expect(el.querySelector('g[aria-label="text"] text')?.textContent).toBe('18%');
  });

  it('release calendar', () => {
    const el = releaseCalendar(
      {
        units: [
          {
            unit_id: 'R1',
            service: 'payments',
            start_at: '2025-03-03T20:05:00Z',
            end_at: '2025-03-03T21:30:00Z',
            is_failed: false,
            is_freeze_violation: false,
          },
          {
            unit_id: 'R5',
            service: 'payments',
            start_at: '2025-03-14T20:00:00Z',
            end_at: '2025-03-14T20:30:00Z',
            is_failed: true,
            is_freeze_violation: true,
          },
        ],
        windows: [
          {
            name: 'Quarter close',
            kind: 'freeze',
            service: 'payments',
            starts_at: '2025-03-14T00:00:00Z',
            ends_at: '2025-03-15T00:00:00Z',
          },
        ],
        services: ['payments', 'search'],
      },
      { from: '2025-03-01', to: '2025-04-01', document },
    );
    expect(svg(el)).toMatchSnapshot();
  });

  it('release timeline', () => {
    const el = releaseTimeline(
      {
        planned: { start: '2025-03-07T20:00:00Z', end: '2025-03-07T23:00:00Z' },
        actual: { start: '2025-03-08T01:00:00Z', end: '2025-03-08T03:00:00Z' },
        windowEnd: '2025-03-10T03:00:00Z',
        deployments: [
          {
            id: 'D2',
            environment: 'production',
            started_at: '2025-03-08T01:00:00Z',
            finished_at: '2025-03-08T03:00:00Z',
            status: 'succeeded',
            is_rollback: false,
          },
        ],
        incidents: [
          { incident_id: 'I2B', opened_at: '2025-03-08T02:00:00Z', priority: 3, attribution: 'confirmed' },
          { incident_id: 'I2', opened_at: '2025-03-09T10:00:00Z', priority: 2, attribution: 'likely' },
        ],
      },
      { windowHours: 48, document },
    );
    expect(svg(el)).toMatchSnapshot();
  });

  it('incident pattern charts', () => {
    const counted = countCharts(points, 48);
    expect(svg(serviceWeekHeatmap(counted.service_week, { document }))).toMatchSnapshot();
    expect(svg(pareto(counted.by_ci, { label: 'CI', document }))).toMatchSnapshot();
    expect(svg(typeRiskBars(counted.type_risk, { document }))).toMatchSnapshot();
    expect(svg(hoursHistogram(counted.hours, { windowHours: 48, document }))).toMatchSnapshot();
    expect(
      svg(
        weekdayHourHeatmap(
          [
            { weekday: 5, hour_band: 18, completed: 10, failed: 4, incidents: 6 },
            { weekday: 2, hour_band: 9, completed: 20, failed: 2, incidents: 2 },
          ],
          { document },
        ),
      ),
    ).toMatchSnapshot();
    expect(svg(goliveIncidentHeatmap(counted.golive, { document }))).toMatchSnapshot();
  });

  it('every incident chart mark that stands for records leads to them, with their count in its name', () => {
    const counted = countCharts(points, 48);
    const countIn = (a: Element) =>
      Number(
        /: (\d+) incidents?$|^(\d+) /
          .exec(a.getAttribute('aria-label') ?? '')
          ?.slice(1)
          .find(Boolean),
      );
    const charts: [string, Element, number][] = [
      [
        'service and week',
        serviceWeekHeatmap(counted.service_week, { document, cellHref: (s, w) => `/incidents?service=${s}&week=${w}` }),
        counted.service_week.filter((c) => c.service).reduce((n, c) => n + c.incidents, 0),
      ],
      [
        'type and risk',
        typeRiskBars(counted.type_risk, { document, barHref: (t, r) => `/incidents?type=${t}&risk=${r}` }),
        counted.type_risk.filter((c) => c.unit_type).reduce((n, c) => n + c.incidents, 0),
      ],
      [
        'hours after go-live',
        hoursHistogram(counted.hours, {
          windowHours: 48,
          document,
          barHref: (from, to, rule) => `/incidents?hours_from=${from ?? ''}&hours_to=${to ?? ''}&rule=${rule}`,
        }),
        counted.hours.bins.reduce((n, b) => n + b.incidents, 0),
      ],
      [
        'go-live weekday and hour',
        goliveIncidentHeatmap(counted.golive, {
          document,
          cellHref: (w, h) => `/incidents?weekday=${w}&hour_band=${h}`,
        }),
        counted.golive.reduce((n, c) => n + c.incidents, 0),
      ],
    ];
    for (const [name, chart, expected] of charts) {
      expect({ name, interactive: accessibleChart(chart).interactive }).toEqual({ name, interactive: true });
      // plot draws a link for every mark; the counts in their names add up to the records they lead to
      const links = [...chart.querySelectorAll('a')].filter((a) => a.getAttribute('href'));
      expect(links.length).toBeGreaterThan(0);
      for (const a of links) expect(a.getAttribute('href')).toMatch(/^\/incidents\?/);
      expect({ name, total: links.reduce((n, a) => n + countIn(a), 0) }).toEqual({ name, total: expected });
    }
  });

  it('the failure heatmap shades by rate: a 10% slot light with dark text, a 40% slot dark with light text', () => {
    const html = svg(
      weekdayHourHeatmap(
        [
          { weekday: 5, hour_band: 18, completed: 10, failed: 4, incidents: 6 },
          { weekday: 2, hour_band: 9, completed: 20, failed: 2, incidents: 2 },
        ],
        { document },
      ),
    );
    const fill = (title: string) => {
      const m = new RegExp(`fill="rgb\\((\\d+), (\\d+), (\\d+)\\)"><title>${title}`).exec(html);
      return m ? Number(m[1]) + Number(m[2]) + Number(m[3]) : Number.NaN;
    };
    // lighter = larger sum of the channels
    expect(fill('Tue 09-12h')).toBeGreaterThan(fill('Fri 18-21h') + 300);
    expect(html).toMatch(/fill="#ffffff">10<\/text>/);
    expect(html).toMatch(/fill="#1f2933">20<\/text>/);
  });

  it("the failure heatmap computes each slot's rate, caps its colour at 50%, and picks a readable text colour", () => {
    const cells = failureHeatmapCells([
      { weekday: 1, hour_band: 0, completed: 10, failed: 1, incidents: 1 },
      { weekday: 3, hour_band: 12, completed: 10, failed: 3, incidents: 5 },
      { weekday: 5, hour_band: 18, completed: 3, failed: 2, incidents: 2 },
      { weekday: 7, hour_band: 21, completed: 4, failed: 4, incidents: 9 },
      { weekday: 2, hour_band: 6, completed: 0, failed: 0, incidents: 0 },
    ]);
    expect(failureRateCap).toBe(0.5);
    expect(cells.map((c) => [c.day, c.band, c.actualRate, c.rate, c.textFill])).toEqual([
      ['Mon', '00-03', 0.1, 0.1, '#1f2933'],
      ['Wed', '12-15', 0.3, 0.3, '#1f2933'],
      ['Fri', '18-21', 2 / 3, 0.5, '#ffffff'],
      ['Sun', '21-24', 1, 0.5, '#ffffff'],
      ['Tue', '06-09', null, null, '#1f2933'],
    ]);
    // the capped slots are drawn in the same, darkest colour; the slot without units is not filled
    const html = svg(weekdayHourHeatmap(cells, { document }));
    const fillOf = (title: string) => new RegExp(`fill="([^"]+)"><title>${title}`).exec(html)?.[1];
    expect(fillOf('Fri 18-21h')).toBe(fillOf('Sun 21-24h'));
    expect(fillOf('Fri 18-21h')).not.toBe(fillOf('Wed 12-15h'));
    expect(fillOf('Tue 06-09h')).toBeUndefined();
  });

  it('the hours histogram clips to −24 h before and twice the window after go-live (at least 24 h)', () => {
    const at = (hours: number[], windowHours: number) =>
      countCharts(
        hours.map((h) => ({ ...(points[0] as ChartPoint), hours_after_golive: h })),
        windowHours,
      ).hours;
    const hours = [-100, -24, -3.5, 0, 47.9, 96, 500];
    expect(at(hours, 48)).toMatchObject({ hours_before: -24, clip_hours: 96 });
    expect(at(hours, 48).edges.at(0)).toBe(-24);
    expect(at(hours, 48).edges.at(-1)).toBeGreaterThan(96);
    expect(at(hours, 6)).toMatchObject({ hours_before: -24, clip_hours: 24 });
    expect(at(hours, 6).edges.at(-1)).toBeGreaterThan(24);
    expect(at(hours, 6).edges.at(-1)).toBeLessThanOrEqual(26);
  });

  it("the histogram's counted bins draw the bars Plot's own binning of every incident draws", () => {
    // a fixed-seed generator: values on and between edges, narrow and wide ranges, one value, none
    let seed = 7;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const sets: number[][] = [[], [5], [5, 5, 5], [-24, 96], [0, 1, 2, 3, 48, 96, 96]];
    for (let n = 0; n < 40; n++) {
      const lo = random() * 120 - 30;
      const width = 10 ** (random() * 3 - 1);
      sets.push(
        Array.from({ length: 1 + Math.floor(random() * 60) }, () =>
          random() < 0.3 ? Math.round(lo + random() * width) : lo + random() * width,
        ),
      );
    }
    for (const hours of sets) {
      const own = hours.map((h, i) => ({
        ...(points[0] as ChartPoint),
        rule: i % 3 ? ('likely' as const) : ('confirmed' as const),
        hours_after_golive: h,
      }));
      const counted = countCharts(own, 48).hours;
      const clipped = own.map((p) => ({ rule: p.rule, hours: Math.max(-24, Math.min(96, p.hours_after_golive)) }));
      const plain = Plot.plot({
        document,
        x: { domain: [-24, 96] },
        color: { domain: ['confirmed', 'likely'], range: ['#b42318', '#e0892a'] },
        marks: [
          Plot.rectY(
            clipped,
            Plot.binX<Plot.RectYOptions>({ y: 'count' }, { x: 'hours', fill: 'rule', thresholds: 48 }),
          ),
        ],
      });
      const rects = (el: Element) =>
        [...el.querySelectorAll('g[aria-label="rect"] rect')]
          .map((r) => ['x', 'y', 'width', 'height', 'fill'].map((a) => r.getAttribute(a)).join(' '))
          .sort();
      const drawn = hoursHistogram(counted, { windowHours: 48, document, width: 640 });
      expect(rects(drawn), JSON.stringify(hours)).toEqual(rects(plain));
      expect(rects(drawn).length).toBe(new Set(counted.bins.map((b) => `${b.rule} ${b.bin}`)).size);
    }
  });

  it("the calendar draws a service's freeze on its own row and an organisation-wide one on every row", () => {
    const windows = calendarWindows(
      [
        {
          kind: 'freeze',
          name: 'Year end',
          service: null,
          starts_at: '2025-12-20T00:00:00Z',
          ends_at: '2026-01-02T00:00:00Z',
        },
        {
          kind: 'maintenance',
          name: 'DB patch',
          service: 'billing',
          starts_at: '2025-11-01T22:00:00Z',
          ends_at: '2025-11-02T02:00:00Z',
        },
      ],
      ['billing', 'checkout', 'search'],
    );
    expect(windows.map((w) => [w.name, w.service, w.x1.toISOString(), w.x2.toISOString()])).toEqual([
      ['Year end', 'billing', '2025-12-20T00:00:00.000Z', '2026-01-02T00:00:00.000Z'],
      ['Year end', 'checkout', '2025-12-20T00:00:00.000Z', '2026-01-02T00:00:00.000Z'],
      ['Year end', 'search', '2025-12-20T00:00:00.000Z', '2026-01-02T00:00:00.000Z'],
      ['DB patch', 'billing', '2025-11-01T22:00:00.000Z', '2025-11-02T02:00:00.000Z'],
    ]);
    expect(calendarWindows([], ['billing'])).toEqual([]);
  });

  it('p-chart marks a bucket outside its limits', () => {
    const rows = [
      bucket('2025-01-06', 40, 4),
      bucket('2025-01-13', 40, 5),
      bucket('2025-01-20', 40, 20),
      bucket('2025-01-27', 40, 3),
    ];
    const p = pChart(rows, 'failure', 'week');
    expect(p.map((x) => x.signal)).toEqual([null, null, 'above', null]);
    expect(svg(pChartPlot(p, { label: 'Change failure rate', document }))).toMatchSnapshot();
    expect(
      svg(
        segmentsPlot(
          [
            { bucket_start: '2025-01-06', segment: 'planned', rate: 0.1 },
            { bucket_start: '2025-01-06', segment: 'emergency', rate: 0.4 },
          ],
          { label: 'Change failure rate', document },
        ),
      ),
    ).toMatchSnapshot();
  });

  it('p-chart: the compare date and events start phases with their own pooled rate and limits', () => {
    const weeks = ['2025-01-06', '2025-01-13', '2025-01-20', '2025-01-27', '2025-02-03', '2025-02-10'];
    const rows = weeks.map((w, i) => bucket(w, 40, i < 3 ? 8 : 2));
    const p = pChart(rows, 'failure', 'week', 'all', ['2025-01-27']);
    expect(p.map((x) => x.phase)).toEqual([0, 0, 0, 1, 1, 1]);
    // phase 1: 24 of 120 = 0.2; limits 0.2 +- 3 * sqrt(0.2 * 0.8 / 40) = 0.2 +- 0.189737
    expect(p[0]?.centre).toBeCloseTo(0.2, 12);
    expect(p[0]?.ucl).toBeCloseTo(0.389737, 6);
    expect(p[0]?.lcl).toBeCloseTo(0.010263, 6);
    // phase 2: 6 of 120 = 0.05; sqrt(0.05 * 0.95 / 40) = 0.0344601, so the lower limit is below 0: 0
    expect(p[5]?.centre).toBeCloseTo(0.05, 12);
    expect(p[5]?.ucl).toBeCloseTo(0.15338, 5); // 0.05 + 3 * 0.0344601
    expect(p[5]?.lcl).toBe(0);
    // one phase over both levels: the pooled 0.125 puts every week clearly on one side, but no run is 8 long
    const one = pChart(rows, 'failure', 'week');
    expect(one.every((x) => x.centre === 0.125)).toBe(true);
    expect(one.some((x) => x.run)).toBe(false);
  });

  it('p-chart: the run rule flags runs on one side of the centre line as unlikely as 8 coin tosses alike', () => {
    // Binomial side chances, by hand: n = 10 at 5%: below = 0.95^10 = 0.598737;
    // n = 20 at 10%: below = 0.9^20 + 20 * 0.1 * 0.9^19 = 0.391747, above = 1 - 0.391747 - 190 * 0.01 * 0.9^18 = 0.323073
    expect(sideProbabilities(10, 0.05).below).toBeCloseTo(0.598737, 6);
    expect(sideProbabilities(10, 0.05).above).toBeCloseTo(0.401263, 6);
    expect(sideProbabilities(20, 0.1).below).toBeCloseTo(0.391747, 6);
    expect(sideProbabilities(20, 0.1).above).toBeCloseTo(0.323073, 6);
    // large buckets: either side about even (0.4933 each, P(X = 1000) = 0.0133), so 8 in a row and not 7
    const line = (rates: number[], n = 10_000) => rates.map((rate) => ({ rate, centre: 0.1, n }));
    expect(markRuns(line([0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.05]))).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      false,
    ]);
    expect(markRuns(line([0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.05, 0.2]))).toEqual(Array(9).fill(false));
    // a point on the line breaks a run
    expect(markRuns(line([0.2, 0.2, 0.2, 0.2, 0.1, 0.2, 0.2, 0.2, 0.2]))).toEqual(Array(9).fill(false));
    expect(markRuns(line([0.05, 0.2, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01]))).toEqual([
      false,
      false,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
    // small buckets of a rare event: 0% is the likely outcome (0.598737), so 10 zero buckets in a row are
    // not a signal (0.598737^10 = 0.0059 > 2^-8 = 0.0039) and 11 are (0.598737^11 = 0.0035)
    const rare = (count: number) => Array.from({ length: count }, () => ({ rate: 0, centre: 0.05, n: 10 }));
    expect(markRuns(rare(10))).toEqual(Array(10).fill(false));
    expect(markRuns(rare(11))).toEqual(Array(11).fill(true));
    // a planted shift: ten months at 19% then ten at 8% (100 units a month), too small for the 3-sigma limits
    const months = Array.from({ length: 20 }, (_, i) =>
      bucket(`${2024 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01`, 100, i < 10 ? 19 : 8),
    );
    const shifted = pChart(months, 'failure', 'month');
    expect(shifted.filter((x) => x.signal)).toHaveLength(0);
    expect(shifted.filter((x) => x.run)).toHaveLength(20);
    // judged per phase from the month of the change, nothing is left to flag
    const phased = pChart(months, 'failure', 'month', 'all', ['2024-11-01']);
    expect(phased.filter((x) => x.run || x.signal)).toHaveLength(0);
  });

  it('reads trend events from the URL and refuses malformed ones with a reason', () => {
    expect(parseEvents(['2025-03-01:New CAB process', '2025-02-01:Freeze'], '2025-01-01', '2025-07-01')).toEqual({
      events: [
        { date: '2025-02-01', label: 'Freeze' },
        { date: '2025-03-01', label: 'New CAB process' },
      ],
      problems: [],
      outside: [],
    });
    const bad = parseEvents(
      ['2025-03-01', '2024-12-01:before', `2025-03-01:${'x'.repeat(81)}`],
      '2025-01-01',
      '2025-07-01',
    );
    expect(bad.events).toEqual([]);
    expect(bad.problems).toHaveLength(2);
    // an event outside the period is not refused: it is kept for a period that covers it (the trends page says so)
    expect(bad.outside).toEqual([{ date: '2024-12-01', label: 'before' }]);
    const many = parseEvents(
      Array.from({ length: 11 }, (_, i) => `2025-02-${String(i + 1).padStart(2, '0')}:e${i}`),
      '2025-01-01',
      '2025-07-01',
    );
    expect(many.problems).toEqual(['event: at most 10 events']);
  });

  it('the Pareto sums the values past its top bars in one "other" bar, so the cumulative share ends at 100%', () => {
    const byCi = (cis: string[]) =>
      countCharts(
        cis.map((ci) => ({ ...(points[0] as ChartPoint), incident_ci: ci })),
        48,
      ).by_ci;
    // a x3, b x2, then three values with one incident each: (none), c, d
    const many = byCi(['a', 'a', 'a', 'b', 'b', '', 'c', 'd']);
    expect(paretoRows(many, 3)).toEqual([
      { name: 'a', n: 3, cumulative: 3 / 8 },
      { name: 'b', n: 2, cumulative: 5 / 8 },
      { name: 'other (3)', n: 3, cumulative: 1, others: 3 },
    ]);
    // no "other" bar when every value fits
    expect(paretoRows(many, 5).map((r) => r.name)).toEqual(['a', 'b', '(none)', 'c', 'd']);
    // no value and an empty one are one "(none)" bar (SQL counts them apart)
    expect(
      paretoRows([
        { name: 'a', incidents: 2 },
        { name: null, incidents: 2 },
        { name: '', incidents: 1 },
      ]),
    ).toEqual([
      { name: '(none)', n: 3, cumulative: 3 / 5 },
      { name: 'a', n: 2, cumulative: 1 },
    ]);
    // long names are cut on the axis, whole in the bar's title; bars lead to their incidents, "(none)" nowhere
    const long = byCi(['a-configuration-item-with-a-long-name', 'a-configuration-item-with-a-long-name', '']);
    const html = svg(pareto(long, { label: 'CI', document, barHref: (n) => `/incidents?ci=${n}` }));
    expect(html).toContain('>a-configuration…</text>');
    expect(html).toContain('<title>a-configuration-item-with-a-long-name: 2 incidents, 67% cumulative');
    expect(html).toContain('href="/incidents?ci=a-configuration-item-with-a-long-name"');
    expect(html.match(/href="/g)?.length).toBe(1);
  });

  it("a go-live's title names the unit it overlapped", () => {
    const at = new Date('2025-03-03T10:00:00Z');
    const base = {
      unit_id: 'R1',
      service: 'pay',
      end_at: at.toISOString(),
      is_failed: false,
      is_freeze_violation: false,
    };
    expect(goLiveTitle({ ...base, at, outcome: 'succeeded', collides_with: 'R2', collides_on: 'pay' })).toBe(
      'R1 · pay\n2025-03-03 10:00 UTC\nsucceeded\noverlaps R2 on pay',
    );
    expect(goLiveTitle({ ...base, at, outcome: 'failed' })).toBe('R1 · pay\n2025-03-03 10:00 UTC\nfailed');
  });

  it('a p-chart draws the KPI target as a line named in its key, inside its scale', () => {
    const p = pChart([bucket('2025-01-06', 40, 2), bucket('2025-01-13', 40, 3)], 'failure', 'week');
    const keyOf = (el: Element) => [...el.querySelectorAll('ul.chart-key li')].map((li) => li.textContent?.trim());
    const chart = pChartPlot(p, { label: 'Change failure rate', document, target: { max: 0.15 } });
    expect(keyOf(chart)).toContain('target ≤ 15%');
    expect(svg(chart)).toContain('<title>target ≤ 15%</title>');
    // at most 5% + limits without it; the axis now reaches past the 15% line
    expect(svg(chart)).toMatch(/>15</);
    expect(keyOf(pChartPlot(p, { label: 'Schedule adherence', document, target: { min: 0.8 } }))).toContain(
      'target ≥ 80%',
    );
    expect(svg(pChartPlot(p, { label: 'Change failure rate', document }))).not.toContain('target');
  });

  it('a p-chart point leads to the units of its bucket, with their count in its name', () => {
    const p = pChart([bucket('2025-01-06', 40, 2), bucket('2025-01-13', 16, 3)], 'failure', 'week');
    const chart = pChartPlot(p, { label: 'Change failure rate', document, pointHref: (s) => `/releases?from=${s}` });
    accessibleChart(chart);
    const links = [...chart.querySelectorAll('a')].map((a) => [a.getAttribute('href'), a.getAttribute('aria-label')]);
    expect(links).toEqual([
      ['/releases?from=2025-01-06', '2025-01-06: 5.0% (2 of 40 units), click for these units'],
      ['/releases?from=2025-01-13', '2025-01-13: 18.8% (3 of 16 units), click for these units'],
    ]);
  });

  it("a p-chart's key names every band and line it draws, and numbers its boundaries instead of writing them on the chart", () => {
    const p = pChart(
      [bucket('2025-01-06', 40, 2), bucket('2025-01-13', 40, 3), bucket('2025-01-20', 40, 3)],
      'failure',
      'week',
    );
    const chart = pChartPlot(p, {
      label: 'Change failure rate',
      document,
      split: '2025-01-13',
      events: [
        { date: '2025-01-14', label: 'a new CAB process with a long name' },
        { date: '2025-01-15', label: 'canary deployments for every team' },
      ],
      freezes: [{ from: '2025-01-06T00:00:00Z', to: '2025-01-08T00:00:00Z', label: 'Quarter close' }],
    });
    expect([...chart.querySelectorAll('ul.chart-key li')].map((li) => li.textContent?.trim())).toEqual([
      '3-sigma limits of each bucket (band)',
      'pooled rate of the phase (centre line)',
      'freeze window',
      '1 compare 2025-01-13',
      '2 2025-01-14: a new CAB process with a long name',
      '3 2025-01-15: canary deployments for every team',
    ]);
    // on the chart itself, a boundary is its number (one character), its words in its title
    const numbers = [...chart.querySelectorAll('g[aria-label="text"] text')].map((t) => t.childNodes[0]?.textContent);
    expect(numbers).toEqual(['1', '2', '3']);
  });
});
