/**
 * The overview's one-line answer for leadership: which KPIs miss their target,
 * and which changed against the previous period beyond noise (their 95%
 * intervals do not overlap), in plain words.
 */
import type { Target, TargetStatus } from '../../lib/targets.ts';
import type { Rate } from '../../queries/stats.ts';
import { showTileValue, type TileSpec } from './tiles.ts';

export interface SummaryTile {
  spec: Pick<TileSpec, 'label' | 'kind' | 'higherIsBetter'>;
  value: number | null;
  current: unknown;
  previous: unknown;
  target?: { target: Target; status: TargetStatus } | null;
}

const isRate = (v: unknown): v is Rate => typeof v === 'object' && v !== null && 'ci95_low' in v;

export function overviewSummary(tiles: SummaryTile[]): string {
  const parts: string[] = [];
  for (const t of tiles) {
    if (t.value === null || !t.target || t.target.status === 'met') continue;
    const limit = 'min' in t.target.target ? t.target.target.min : t.target.target.max;
    const side = 'min' in t.target.target ? 'below' : 'above';
    parts.push(
      `${t.spec.label.toLowerCase()} is ${showTileValue(t.spec, t.value)}, ${side} the ${showTileValue(t.spec, limit)} target${t.target.status === 'close' ? ' (within its 95% interval: may be noise)' : ''}`,
    );
  }
  for (const t of tiles) {
    if (!isRate(t.current) || !isRate(t.previous)) continue;
    const apart = t.current.ci95_low > t.previous.ci95_high || t.previous.ci95_low > t.current.ci95_high;
    if (!apart) continue;
    const diff = t.current.value - t.previous.value;
    const better = t.spec.higherIsBetter ? diff > 0 : diff < 0;
    parts.push(
      `${t.spec.label.toLowerCase()} ${diff > 0 ? 'rose' : 'fell'} ${Math.abs(diff * 100).toFixed(1)} points to ${showTileValue(t.spec, t.current.value)}, a real change for the ${better ? 'better' : 'worse'}`,
    );
  }
  if (parts.length === 0)
    return 'Every KPI with a target meets it, and no change from the previous period stands out from noise.';
  const sentence = parts.join('; ');
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`;
}
