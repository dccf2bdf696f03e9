/** The organisation's freeze and maintenance windows, and the test a release's window must pass. */
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface Freeze {
  id: string;
  name: string;
  start: number;
  end: number;
  /** '' for every service. */
  service: string;
  kind: 'freeze' | 'maintenance';
}

/** A year-end freeze and three payments quarter closes per year, and a maintenance slot every 28 days. */
export function freezeWindows(years: number[], start: number, end: number): Freeze[] {
  const out: Freeze[] = [];
  for (const year of years) {
    out.push({
      id: `FRZ-${year}-YE`,
      name: `Year-end freeze ${year}`,
      start: Date.UTC(year, 11, 20),
      end: Date.UTC(year + 1, 0, 3),
      service: '',
      kind: 'freeze',
    });
    for (const quarterEnd of [2, 5, 8]) {
      const end = Date.UTC(year, quarterEnd + 1, 1);
      const quarter = (quarterEnd + 1) / 3; // the month index of its last month, 2 -> Q1
      out.push({
        id: `FRZ-${year}-Q${quarter}`,
        name: `Quarter close ${year} Q${quarter}`,
        start: end - 2 * DAY_MS,
        end,
        service: 'payments',
        kind: 'freeze',
      });
    }
  }
  for (let t = start + 5 * DAY_MS; t < end; t += 28 * DAY_MS) {
    const id = `MNT-${new Date(t).toISOString().slice(0, 10)}`;
    out.push({
      id,
      name: 'Monthly maintenance slot',
      start: t + 1 * HOUR_MS,
      end: t + 5 * HOUR_MS,
      service: '',
      kind: 'maintenance',
    });
  }
  return out;
}

/** Whether a freeze that covers the service overlaps [from, to). */
export const inFreeze = (freezes: Freeze[], service: string, from: number, to: number) =>
  freezes.some(
    (f) => f.kind === 'freeze' && (f.service === '' || f.service === service) && from < f.end && to > f.start,
  );
