/** What every dashboard page's loader shares: validated filters and the filter bar's state. */
import type { KpiParams } from '../../queries/params.ts';
import type { FilterOptions, FilterState } from '../shared/filterState.ts';
import { describeFreshness } from '../shared/format.ts';
import { type Filters, presetLabels, presets, resolveFilters } from './filters.server.ts';

export interface PageFilters {
  params: KpiParams;
  state: FilterState;
  options: FilterOptions;
  lastDataAt: string | null;
  /** The first record's time, for the "data covers ... to ..." of empty views. */
  firstDataAt: string | null;
}

export function filterState(f: Filters): FilterState {
  const p = f.params;
  return {
    preset: f.preset,
    from: p.from,
    to: p.to,
    unit: p.unit,
    tz: p.tz,
    window: p.window,
    severity: p.severity,
    tolerance: p.tolerance,
    as_of: p.as_of,
    service: p.service,
    team: p.team,
    type: p.type,
  };
}

export async function pageFilters(request: Request, extraKnown: string[] = []): Promise<PageFilters> {
  const f = await resolveFilters(new URL(request.url), extraKnown);
  const types = f.params.unit === 'release' ? f.range.release_types : f.range.change_types;
  return {
    params: f.params,
    state: filterState(f),
    options: {
      services: f.range.services,
      teams: f.range.teams,
      types,
      presets: presets.map((value) => ({ value, label: presetLabels[value] })),
      freshness: describeFreshness(f.range.last_at, f.range.loaded_at),
    },
    lastDataAt: f.range.last_at ? f.range.last_at.toISOString() : null,
    firstDataAt: f.range.first_at ? f.range.first_at.toISOString() : null,
  };
}
