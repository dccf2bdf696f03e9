import type { DeliveryState } from '../server/alerts/state.ts';
import { dateTime } from '../shared/format.ts';

/** Each alert channel's deliveries: how many went, how many failed after their retries, and the last error. */
export function DeliveriesTable({ deliveries }: { deliveries: DeliveryState[] }) {
  return (
    <table data-table="deliveries">
      <thead>
        <tr>
          <th>Channel</th>
          <th className="num">Sent</th>
          <th className="num">Failed</th>
          <th>Last sent</th>
          <th>Last error</th>
        </tr>
      </thead>
      <tbody>
        {deliveries.map((d) => (
          <tr key={d.channel}>
            <td>{d.channel}</td>
            <td className="num">{d.sent}</td>
            <td className="num">{d.failed}</td>
            <td>{dateTime(d.last_sent_at)}</td>
            <td className={d.last_error ? 'failed' : ''}>
              {d.last_error ? `${d.last_error} (${dateTime(d.last_error_at)})` : '—'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
