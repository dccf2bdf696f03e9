/**
 * "Why 48 hours?": the headline KPIs for windows of 12 to 168 hours and how
 * attributed incidents accumulate after go-live against the background rate,
 * fetched from /api/sensitivity after the page shows (a new window is built on
 * first use, which can take seconds on a large database).
 */

import { Link } from '@remix-run/react';
import type { Sensitivity } from '../../queries/sensitivity.ts';
import { pct, withParams } from '../shared/format.ts';
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
  return (
    <>
      <table data-table="sensitivity">
        <caption className="sr-only">Headline KPIs by post-release window</caption>
        <thead>
          <tr>
            <th className="num">Window</th>
            <th className="num">Change failure rate</th>
            <th className="num">Post-release incident rate</th>
            <th className="num">Post-release incidents</th>
            <th className="num">Attributed by then (168 h attribution)</th>
            <th className="num">Background expected by then</th>
          </tr>
        </thead>
        <tbody>
          {windows.map((w) => {
            const point = at(w.window_hours) ?? (w.window_hours === 168 ? last : undefined);
            return (
              <tr key={w.window_hours} className={w.window_hours === windowHours ? 'current' : ''}>
                <td className="num">
                  {w.window_hours === windowHours ? (
                    `${w.window_hours} h (in use)`
                  ) : (
                    // the page at that window: its incidents, charts and table
                    <Link
                      to={`/incidents${withParams(search, { window: String(w.window_hours) })}`}
                      aria-label={`${w.window_hours} h: ${w.post_release_incidents} post-release incidents; show the incidents at this window`}
                    >
                      {w.window_hours} h
                    </Link>
                  )}
                </td>
                <td className="num">{pct(w.change_failure_rate?.value)}</td>
                <td className="num">{pct(w.post_release_incident_rate?.value)}</td>
                <td className="num">{w.post_release_incidents}</td>
                <td className="num">{point ? point.attributed : '—'}</td>
                <td className="num">{point?.background_expected?.toFixed(1) ?? '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="detail">
        Attributed incidents keep arriving after go-live; where they grow no faster than the background rate (incidents
        the services have anyway), a longer window only adds noise.
      </p>
    </>
  );
}
