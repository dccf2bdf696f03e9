/**
 * Mounts any chart builder `(data, options) => SVG/HTML element` on the client.
 * The server renders the caption and the text alternative; the chart itself is
 * drawn in an effect and removed on cleanup.
 */
import { useEffect, useRef } from 'react';
import { accessibleChart } from './accessible.ts';

export type ChartBuilder<D, O> = (data: D, options: O) => Element;

/** Below this width of its card a chart is drawn to fit the card. */
const NARROW_PX = 600;

export function PlotFigure<D, O>({
  build,
  data,
  options,
  title,
  alt,
  className,
}: {
  build: ChartBuilder<D, O>;
  data: D;
  options: O;
  title?: string;
  alt: string;
  className?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // On a narrow screen the chart takes the width of its card instead of its own (charts take options.width).
    const room = ref.current?.clientWidth ?? 0;
    const fitted = room > 0 && room < NARROW_PX ? ({ ...options, width: room } as O) : options;
    const node = build(data, fitted);
    // a chart whose marks are links is a group of links, not one image
    ref.current?.setAttribute('role', accessibleChart(node).interactive ? 'group' : 'img');
    ref.current?.append(node);
    return () => node.remove();
  }, [build, data, options]);
  return (
    <figure className={className ?? 'chart'}>
      {title && <figcaption>{title}</figcaption>}
      <div ref={ref} role="img" aria-label={alt} />
      {title && <p className="alt">{alt}</p>}
    </figure>
  );
}
