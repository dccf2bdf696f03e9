import type { Definition } from '../shared/tiles.ts';

/** The "definitions" drawer: what each KPI counts, with the parameters in force. */
export function Definitions({ items }: { items: Definition[] }) {
  return (
    <details className="drawer">
      <summary>Definitions and assumptions in force</summary>
      <dl>
        {items.map((d) => (
          <div key={d.term}>
            <dt>{d.term}</dt>
            <dd>{d.text}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}
