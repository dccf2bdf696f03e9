import type { DeliveryState } from '../server/alerts/state.ts';
import { dateTime } from '../shared/format.ts';
import { DataTable } from './DataTable.tsx';

/** Each alert channel's deliveries: how many went, how many failed after their retries, and the last error. */
export function DeliveriesTable({ deliveries }: { deliveries: DeliveryState[] }) {
  return (
    <DataTable
      name="deliveries"
      columns={[
        { key: 'channel', label: 'Channel', cell: (d) => d.channel },
        { key: 'sent', label: 'Sent', numeric: true, cell: (d) => d.sent },
        { key: 'failed', label: 'Failed', numeric: true, cell: (d) => d.failed },
        { key: 'last_sent', label: 'Last sent', cell: (d) => dateTime(d.last_sent_at) },
        {
          key: 'last_error',
          label: 'Last error',
          cell: (d) => (d.last_error ? `${d.last_error} (${dateTime(d.last_error_at)})` : '—'),
          cellProps: (d) => ({ className: d.last_error ? 'failed' : '' }),
        },
      ]}
      rows={deliveries}
      rowKey={(d) => d.channel}
      phone={['channel', 'failed', 'last_error']}
    />
  );
}
