/** The alerts page: what the channels were told (firing first, each with its evidence link), the digests' next runs, and the deliveries. */

import type { MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { alertsConfig, nextDigests } from '../alerts.server.ts';
import { RouteError } from '../root.tsx';
import { readAlertState, readDeliveries } from '../server/alerts/engine.server.ts';
import { dateTime } from '../shared/format.ts';
import { DataTable } from '../views/DataTable.tsx';
import { DeliveriesTable } from '../views/DeliveriesTable.tsx';

export const meta: MetaFunction = () => [{ title: 'Alerts · ReleaseLens' }];

export async function loader() {
  const { config, problem, file } = alertsConfig();
  return {
    configured: config !== null,
    file,
    problem,
    rules: await readAlertState(),
    digests: nextDigests(),
    deliveries: await readDeliveries(),
  };
}

export default function Alerts() {
  const { configured, file, problem, rules, digests, deliveries } = useLoaderData<typeof loader>();
  const active = rules.filter((r) => r.firing);
  return (
    <>
      <h1>Alerts</h1>
      <p className="lede">What the alert channels were told, and the evidence behind each.</p>
      {problem && <p className="error">The alerts file cannot be used: {problem}</p>}
      {!configured && !problem && (
        <div className="notice" data-empty="alerts">
          <p>
            No alerts are configured. Name channels (Slack, Teams, email, a webhook), rules and digests in{' '}
            <code>config/alerts.yaml</code> (or the file <code>RELEASELENS_ALERTS</code> names) and restart the
            dashboard; docs/alerts.md has the reference.
          </p>
        </div>
      )}
      {configured && (
        <p>
          From <code>{file}</code>: rules are read after every new data version; each fires once when it becomes true
          and clears once when it stops.
        </p>
      )}
      <h2>Firing now ({active.length})</h2>
      {active.length === 0 ? (
        <p data-empty="active">No alert is firing.</p>
      ) : (
        <ul data-list="active-alerts">
          {active.map((r) => (
            <li key={r.rule}>
              <a href={r.link.replace(/^https?:\/\/[^/]+/, '')}>
                <strong>{r.rule}</strong>
              </a>
              : {r.summary} <span className="hint">(since {dateTime(r.since)})</span>
            </li>
          ))}
        </ul>
      )}
      {rules.length > 0 && (
        <>
          <h2>Every rule</h2>
          <DataTable
            name="alert-rules"
            columns={[
              {
                key: 'rule',
                label: 'Rule',
                cell: (r) => <a href={r.link.replace(/^https?:\/\/[^/]+/, '')}>{r.rule}</a>,
              },
              {
                key: 'state',
                label: 'State',
                cell: (r) => (r.firing ? 'firing' : 'clear'),
                cellProps: (r) => ({ className: r.firing ? 'failed' : '' }),
              },
              { key: 'now', label: 'Now', cell: (r) => r.summary },
              { key: 'changed', label: 'Changed', cell: (r) => dateTime(r.changed_at) },
              { key: 'read', label: 'Read', cell: (r) => dateTime(r.evaluated_at) },
            ]}
            rows={rules}
            rowKey={(r) => r.rule}
            phone={['rule', 'state', 'now']}
          />
        </>
      )}
      {digests.length > 0 && (
        <>
          <h2>Digests</h2>
          <ul>
            {digests.map((d) => (
              <li key={d.name}>
                {d.name}: next {dateTime(d.next)}
              </li>
            ))}
          </ul>
        </>
      )}
      {deliveries.length > 0 && (
        <>
          <h2>Deliveries</h2>
          <DeliveriesTable deliveries={deliveries} />
        </>
      )}
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
