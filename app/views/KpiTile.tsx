import type { TargetStatus } from '../../lib/targets.ts';
import type { Duration, Rate } from '../../queries/stats.ts';
import { doraBand } from '../shared/dora.ts';
import { hours, pct } from '../shared/format.ts';
import { showTileValue, type TileData } from '../shared/tiles.ts';
import { PlotFigure } from './charts/PlotFigure.tsx';
import { sparkline } from './charts/sparkline.ts';

const statusWords: Record<TargetStatus, string> = {
  met: 'met',
  close: 'missed, within the 95% interval (may be noise)',
  missed: 'missed',
};

function TargetLine({ target }: { target: NonNullable<TileData['target']> }) {
  return (
    <span className="detail" data-target={target.status}>
      <span className={`status ${target.status}`}>
        {target.status === 'met' ? 'on target' : target.status === 'close' ? 'close' : 'off target'}
      </span>{' '}
      target {target.text} ({target.scope}): {statusWords[target.status]}
    </span>
  );
}

const isRate = (v: unknown): v is Rate => typeof v === 'object' && v !== null && 'denominator' in v;
const isDuration = (v: unknown): v is Duration => typeof v === 'object' && v !== null && 'median' in v;

const show = showTileValue;

function Delta({ t }: { t: TileData }) {
  if (t.value === null) return <span className="detail">no units in this period to measure</span>;
  if (t.previousValue === null) return <span className="detail">no previous period to compare</span>;
  const diff = t.value - t.previousValue;
  const better = t.spec.higherIsBetter ? diff > 0 : diff < 0;
  const text =
    t.spec.kind === 'rate'
      ? `${diff >= 0 ? '+' : '−'}${Math.abs(diff * 100).toFixed(1)} pts`
      : `${diff >= 0 ? '+' : '−'}${show(t.spec, Math.abs(diff))}`;
  let overlap = '';
  if (isRate(t.current) && isRate(t.previous)) {
    const overlaps = t.current.ci95_low <= t.previous.ci95_high && t.previous.ci95_low <= t.current.ci95_high;
    overlap = overlaps ? ' · intervals overlap: may be noise' : ' · intervals do not overlap';
  }
  return (
    <span className="detail">
      <span className={`delta ${diff === 0 ? '' : better ? 'better' : 'worse'}`}>{text}</span> vs previous period
      {overlap}
    </span>
  );
}

/** `monthHref`: where a sparkline month leads (the units that went live that month, with the page's filters). */
export function KpiTile({ t, monthHref }: { t: TileData; monthHref?: (bucketStart: string) => string }) {
  if (t.notApplicable)
    return (
      <article className="tile" data-kpi={t.spec.key} aria-label={t.spec.label}>
        <h3>{t.spec.label}</h3>
        <div className="value" data-value="">
          n/a
        </div>
        <span className="detail">{t.notApplicable}</span>
      </article>
    );
  const band = t.spec.dora ? doraBand(t.spec.dora, t.dora ? t.dora.value : t.value) : null;
  return (
    <article className="tile" data-kpi={t.spec.key} aria-label={t.spec.label}>
      <h3>{t.spec.label}</h3>
      <div className="value" data-value={t.value ?? ''}>
        {show(t.spec, t.value)}
      </div>
      {isRate(t.current) && (
        <span className="detail">
          {t.current.numerator} of {t.current.denominator} · 95% CI {pct(t.current.ci95_low)}–{pct(t.current.ci95_high)}
        </span>
      )}
      {isDuration(t.current) && (
        <span className="detail">
          median · p85 {hours(t.current.p85)} · mean {hours(t.current.mean)} · n={t.current.n}
        </span>
      )}
      {t.spec.kind === 'frequency' && <span className="detail">production deployments per week</span>}
      <Delta t={t} />
      {t.target && <TargetLine target={t.target} />}
      {band && (
        <span className="detail">
          DORA <span className={`band ${band.band}`}>{band.band}</span> ({band.text}; {band.year} report)
          {t.dora ? `, ${t.dora.basis}` : ''}
        </span>
      )}
      {!band && t.dora && <span className="detail">no DORA band: {t.dora.basis}</span>}
      <PlotFigure
        build={sparkline}
        data={t.spark}
        options={{ percent: t.spec.kind === 'rate', ...(monthHref ? { monthHref } : {}) }}
        alt={`${t.spec.label} by month: ${t.spark.map((p) => `${p.bucket_start.slice(0, 7)} ${show(t.spec, p.value)}`).join(', ')}`}
        className="spark"
      />
    </article>
  );
}
