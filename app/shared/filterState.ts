/**
 * What the filter bar shows and offers, as the page loaders make it
 * (page.server.ts) and the filter bar renders it (components/FilterBar.tsx):
 * shared by both sides, so it lives here rather than in the component.
 */
export interface FilterState {
  preset: string;
  from: string;
  to: string;
  unit: string;
  tz: string;
  window: number;
  severity: number;
  tolerance: number;
  as_of?: string;
  service: string[];
  team: string[];
  type: string[];
}

export interface FilterOptions {
  services: string[];
  teams: string[];
  types: string[];
  presets: { value: string; label: string }[];
  /** What the data covers and when it last arrived, for the printed header. */
  freshness: string;
}
