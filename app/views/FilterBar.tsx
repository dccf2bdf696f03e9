/** The filter bar: a GET form, so its state is the URL (shareable, back button works, no JS needed). */

import { Form, Link, useLocation } from '@remix-run/react';
import { useEffect, useRef, useState } from 'react';
import { MAX_WINDOW_HOURS } from '../../lib/units.ts';
import { dateField } from '../shared/dateField.ts';
import type { FilterOptions, FilterState } from '../shared/filterState.ts';
import { describeScope, withParams } from '../shared/format.ts';
import { CheckList } from './CheckList.tsx';

const zones = [
  'UTC',
  'Europe/London',
  'Europe/Amsterdam',
  'Europe/Berlin',
  'America/New_York',
  'America/Chicago',
  'America/Los_Angeles',
  'Asia/Tokyo',
  'Asia/Kolkata',
  'Australia/Sydney',
];

export function FilterBar({
  state,
  options,
  extra,
}: {
  state: FilterState;
  options: FilterOptions;
  /** Page options the form carries along (hidden), a list for a repeated parameter. */
  extra?: Record<string, string | string[]>;
}) {
  const presetRef = useRef<HTMLSelectElement>(null);
  const toCustom = () => {
    if (presetRef.current) presetRef.current.value = 'custom';
  };
  const tzOptions = zones.includes(state.tz) ? zones : [state.tz, ...zones];
  const { search } = useLocation();
  const chips = activeFilters(state);
  // on a phone the form folds behind one button that counts the active filters; open elsewhere
  const [folded, setFolded] = useState(false);
  useEffect(() => {
    // (a browser without matchMedia, such as a test's DOM, keeps the form open)
    setFolded(window.matchMedia?.('(max-width: 700px)').matches ?? false);
  }, []);
  return (
    <>
      {chips.length > 0 && (
        <ul className="chips" aria-label="Active filters" data-chips="">
          {chips.map((c) => (
            <li key={`${c.name}=${c.value}`}>
              <Link
                to={withParams(search, { [c.name]: c.remaining })}
                aria-label={`Remove the filter ${c.label}: ${c.value}`}
                data-chip={`${c.name}=${c.value}`}
              >
                {c.label}: {c.value} <span aria-hidden="true">×</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      {folded && (
        <button
          type="button"
          className="button secondary filters-toggle"
          aria-expanded="false"
          aria-controls="filter-form"
          onClick={() => setFolded(false)}
        >
          Filters{chips.length > 0 ? ` (${chips.length} active)` : ''}
        </button>
      )}
      {/* printed instead of the form: what the page shows */}
      <p className="print-only" data-print-scope="">
        {describeScope(state)}
        <br />
        <span data-print-freshness="">{options.freshness}</span>
      </p>
      {/* keyed by the state: after any navigation (a table link, a drill-down, Reset, Back) the controls are made
          anew from the URL's state, never left showing the previous one */}
      <Form
        key={JSON.stringify(state)}
        id="filter-form"
        method="get"
        className="filters"
        aria-label="Filters"
        hidden={folded}
      >
        {extra &&
          Object.entries(extra).flatMap(([k, v]) =>
            (Array.isArray(v) ? v : [v]).map((value) => (
              <input key={`${k}=${value}`} type="hidden" name={k} value={value} />
            )),
          )}
        <label>
          Period
          <select name="preset" defaultValue={state.preset} ref={presetRef}>
            {options.presets.map((p) => (
              <option key={p.value} value={p.value}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          From
          <input {...dateField} name="from" defaultValue={state.from} onChange={toCustom} />
        </label>
        <label>
          To (exclusive)
          <input {...dateField} name="to" defaultValue={state.to} onChange={toCustom} />
        </label>
        <label>
          Delivery unit
          <select name="unit" defaultValue={state.unit}>
            <option value="release">Release</option>
            <option value="change">Change</option>
            <option value="deployment">Deployment</option>
          </select>
        </label>
        <CheckList name="service" label="Services" values={options.services} selected={state.service} />
        <CheckList name="team" label="Teams" values={options.teams} selected={state.team} />
        <CheckList name="type" label="Types" values={options.types} selected={state.type} />
        <details>
          <summary>Assumptions</summary>
          <div>
            <label>
              Incident window (hours)
              <input
                type="number"
                name="window"
                min="1"
                max={MAX_WINDOW_HOURS}
                step="any"
                defaultValue={state.window}
              />
            </label>
            <label>
              Failure = priority up to
              <select name="severity" defaultValue={String(state.severity)}>
                <option value="1">P1</option>
                <option value="2">P2</option>
                <option value="3">P3</option>
                <option value="4">P4</option>
              </select>
            </label>
            <label>
              Schedule tolerance (minutes)
              <input type="number" name="tolerance" min="0" step="1" defaultValue={state.tolerance} />
            </label>
            <label>
              Reporting time zone
              <select name="tz" defaultValue={state.tz}>
                {tzOptions.map((z) => (
                  <option key={z}>{z}</option>
                ))}
              </select>
            </label>
            {state.as_of && <input type="hidden" name="as_of" value={state.as_of} />}
          </div>
        </details>
        <button type="submit">Apply</button>
        <Link to="?" className="button secondary">
          Reset
        </Link>
      </Form>
    </>
  );
}

/** Each active choice of a multiple filter, with the values the URL keeps when it is removed. */
export function activeFilters(
  state: FilterState,
): { name: string; label: string; value: string; remaining: string[] | null }[] {
  const lists = [
    ['service', 'Service', state.service],
    ['team', 'Team', state.team],
    ['type', 'Type', state.type],
  ] as const;
  return lists.flatMap(([name, label, values]) =>
    values.map((value) => {
      const rest = values.filter((v) => v !== value);
      return { name, label, value, remaining: rest.length > 0 ? rest : null };
    }),
  );
}
