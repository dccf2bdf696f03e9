/**
 * A multiple choice for the filter bar: a disclosure with a search box and one
 * checkbox per value. The checkboxes are named like the old multi-select, so the
 * URL keeps its shape (?service=a&service=b) and the form works without
 * JavaScript; with it, the search box narrows the list as one types.
 *
 * Keyboard: Enter or Space on the summary opens it, Tab moves through the
 * search box and the boxes, Space ticks one, Escape closes and returns to the
 * summary, Enter in the search box ticks the only match left.
 */
import { type KeyboardEvent, useId, useRef, useState } from 'react';

/** The values a search matches: every value containing each word, in any case. */
export function matchingValues(values: string[], query: string): string[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return values;
  return values.filter((v) => {
    const text = v.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

/** The summary's text: all, the one value, or how many of how many. */
export function checkListSummary(label: string, selected: string[], total: number): string {
  if (selected.length === 0) return `${label}: all`;
  if (selected.length === 1) return `${label}: ${selected[0]}`;
  return `${label}: ${selected.length} of ${total}`;
}

export function CheckList({
  name,
  label,
  values,
  selected,
}: {
  /** The query parameter each ticked box submits. */
  name: string;
  label: string;
  values: string[];
  selected: string[];
}) {
  const id = useId();
  const detailsRef = useRef<HTMLDetailsElement>(null);
  const [query, setQuery] = useState('');
  const [ticked, setTicked] = useState<string[]>(selected);
  // a selected value the data no longer has is still shown, so it can be unticked
  const all = [...selected.filter((s) => !values.includes(s)), ...values];
  const shown = new Set(matchingValues(all, query));
  const close = (e: KeyboardEvent) => {
    if (e.key !== 'Escape' || !detailsRef.current?.open) return;
    e.preventDefault();
    detailsRef.current.open = false;
    detailsRef.current.querySelector('summary')?.focus();
  };
  const toggle = (value: string, on: boolean) =>
    setTicked((t) => (on ? [...t.filter((v) => v !== value), value] : t.filter((v) => v !== value)));
  return (
    <details className="checklist" ref={detailsRef} onKeyDown={close}>
      <summary aria-label={`${checkListSummary(label, ticked, all.length)}; choose ${label.toLowerCase()}`}>
        {checkListSummary(label, ticked, all.length)}
      </summary>
      <fieldset>
        <legend className="sr-only">{label}</legend>
        {all.length > 8 && (
          <input
            type="search"
            aria-label={`Search ${label.toLowerCase()}`}
            aria-controls={`${id}-list`}
            placeholder="Search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key !== 'Enter') return;
              // Enter must not submit the form half-chosen; with one match left it ticks that one
              e.preventDefault();
              const [only, ...more] = matchingValues(all, query);
              if (only !== undefined && more.length === 0) toggle(only, !ticked.includes(only));
            }}
          />
        )}
        <div id={`${id}-list`} className="checklist-options">
          {all.map((v) => (
            <label key={v} hidden={!shown.has(v)}>
              <input
                type="checkbox"
                name={name}
                value={v}
                checked={ticked.includes(v)}
                onChange={(e) => toggle(v, e.target.checked)}
              />
              {v}
            </label>
          ))}
          {shown.size === 0 && (
            <p className="checklist-none">
              No {label.toLowerCase()} match “{query}”.
            </p>
          )}
        </div>
        {ticked.length > 0 && (
          <button type="button" className="secondary" onClick={() => setTicked([])}>
            Clear
          </button>
        )}
      </fieldset>
    </details>
  );
}
