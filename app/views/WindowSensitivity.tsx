/**
 * "Why 48 hours?": the headline KPIs for windows of 12 to 168 hours and how
 * attributed incidents accumulate after go-live against the background rate,
 * fetched from /api/sensitivity after the page shows (a new window is built on
 * first use, which can take seconds on a large database).
 */

import { Link } from '@remix-run/react';
import type { Sensitivity } from '../../queries/sensitivity.ts';
import { pct, withParams } from '../shared/format.ts';
import { DataTable } from './DataTable.tsx';
import { useJson } from './Fetched.tsx';

export function WindowSensitivity({ search, windowHours }: { search: string; windowHours: number }) {
  const state = useJson<Sensitivity>(`/api/sensitivity${search}`);
  if (state.error) return <p className="notice">The window comparison could not be loaded: {state.error}</p>;
  if (!state.data)
    return (
      <p className="detail">
        Comparing windows of 12 to 168 hours… The first comparison for a unit kind attributes every incident to four
        more windows, which are then kept: seconds for a million incidents, about half a minute for ten million.
      </p>
    );
  const { windows, curve } = state.data;
  const at = (h: number) => curve.find((p) => p.hours_after_golive === h);
  const last = curve.at(-1);
  const pointOf = (w: (typeof windows)[number]) => at(w.window_hours) ?? (w.window_hours === 168 ? last : undefined);
  return (
    <>
      <DataTable
        name="sensitivity"
        caption={<span className="sr-only">Headline KPIs by post-release window</span>}
        columns={[
          {
            key: 'window',
            label: 'Window',
            numeric: true,
            cell: (w) =>
              w.window_hours === windowHours ? (
                `${w.window_hours} h (in use)`
              ) : (
                // the page at that window: its incidents, charts and table
                <Link
                  to={`/incidents${withParams(search, { window: String(w.window_hours) })}`}
                  aria-label={`${w.window_hours} h: ${w.post_release_incidents} post-release incidents; show the incidents at this window`}
                >
                  {w.window_hours} h
                </Link>
              ),
          },
          {
            key: 'cfr',
            label: 'Change failure rate',
            numeric: true,
            cell: (w) => pct(w.change_failure_rate?.value),
          },
          {
            key: 'pri',
            label: 'Post-release incident rate',
            numeric: true,
            cell: (w) => pct(w.post_release_incident_rate?.value),
          },
          { key: 'incidents', label: 'Post-release incidents', numeric: true, cell: (w) => w.post_release_incidents },
          {
            key: 'attributed',
            label: 'Attributed by then (168 h attribution)',
            numeric: true,
            cell: (w) => pointOf(w)?.attributed ?? '—',
          },
          {
            key: 'background',
            label: 'Background expected by then',
            numeric: true,
            cell: (w) => pointOf(w)?.background_expected?.toFixed(1) ?? '—',
          },
        ]}
        rows={windows}
        rowKey={(w) => String(w.window_hours)}
        rowProps={(w) => ({ className: w.window_hours === windowHours ? 'current' : '' })}
        phone={['window', 'cfr', 'incidents']}
      />
      <p className="detail">
        Attributed incidents keep arriving after go-live; where they grow no faster than the background rate (incidents
        the services have anyway), a longer window only adds noise.
      </p>
    </>
  );
}
