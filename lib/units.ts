/**
 * Declared once for every layer: the kinds of unit a KPI counts (docs/kpis.md,
 * "Units") and the post-release window: its default and its bounds in hours.
 * Free of Node and DuckDB, so the browser's bundle may import it.
 */
export const unitKinds = ['release', 'change', 'deployment'] as const;
export type UnitKind = (typeof unitKinds)[number];

/** The post-release window the contract's KPIs use unless asked otherwise. */
export const DEFAULT_WINDOW_HOURS = 48;
/** The widest window anyone may ask for: 90 days. */
export const MAX_WINDOW_HOURS = 24 * 90;
