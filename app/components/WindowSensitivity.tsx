/**
 * "Why 48 hours?": the headline KPIs for windows of 12 to 168 hours and how
 * attributed incidents accumulate after go-live against the background rate,
 * fetched from /api/sensitivity after the page shows (a new window is built on
 * first use, which can take seconds on a large database).
 */
import { useEffect, useState } from 'react';
import type { Sensitivity } from '../../queries/sensitivity.ts';
import { pct } from '../lib/format.ts';

export function WindowSensitivity({ search, windowHours }: { search: string; windowHours: number }) {
  const [state, setState] = useState<{ data: Sensitivity | null; error: string | null }>({ data: null, error: null });
  useEffect(() => {
    let live = true;
    setState({ data: null, error: null });
    fetch(`/api/sensitivity${search}`)
      .then(async (res) => {
        if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
        const data = (await res.json()) as Sensitivity;
        if (live) setState({ data, error: null });
      })
      .catch((err: Error) => live && setState({ data: null, error: err.message }));
    return () => {
      live = false;
    };
  }, [search]);
  if (state.error) return <p className="notice">The window comparison could not be loaded: {state.error}</p>;
  if (!state.data) return <p className="detail">Comparing windows of 12 to 168 hours…</p>;
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
                  {w.window_hours} h{w.window_hours === windowHours ? ' (in use)' : ''}
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
