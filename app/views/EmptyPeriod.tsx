/**
 * What an empty view says instead of bare headers and dashes: what is empty,
 * why (the period, the filters), what the data covers, and a link to a view
 * that is not empty.
 */
import { useLocation } from '@remix-run/react';
import type { PageFilters } from '../server/page.server.ts';

export function EmptyPeriod({ filters, what }: { filters: PageFilters; what?: string }) {
  const { search } = useLocation();
  const p = filters.params;
  const filtered = [
    p.service.length > 0 ? `services ${p.service.join(', ')}` : null,
    p.team.length > 0 ? `teams ${p.team.join(', ')}` : null,
    p.type.length > 0 ? `types ${p.type.join(', ')}` : null,
  ].filter((x): x is string => x !== null);
  const allData = new URLSearchParams(search);
  for (const key of ['preset', 'from', 'to', 'page']) allData.delete(key);
  allData.set('preset', 'all');
  const unfiltered = new URLSearchParams(search);
  for (const key of ['service', 'team', 'type', 'page']) unfiltered.delete(key);
  const first = filters.firstDataAt?.slice(0, 10);
  const last = filters.lastDataAt?.slice(0, 10);
  return (
    <p className="notice" data-empty="period">
      No {what ?? `${p.unit}s`} went live between {p.from} and {p.to} ({p.tz})
      {filtered.length > 0 ? ` with these filters (${filtered.join('; ')})` : ''}.{' '}
      {first && last ? (
        <>
          The data covers {first} to {last}: <a href={`?${allData}`}>show all data</a>
        </>
      ) : (
        <>
          No data is loaded yet: see <a href="/data">Data</a> to load an export
        </>
      )}
      {filtered.length > 0 && (
        <>
          {' '}
          or <a href={`?${unfiltered}`}>remove the filters</a>
        </>
      )}
      .
    </p>
  );
}
