/**
 * The CAB agenda as a table: one row per scheduled release or change, its
 * reasons in words (stop, look, note), its service's record and what could
 * not be judged. Used by /upcoming and by its printable pack, so both say the
 * same; no hook, no script.
 */
import type { Reason, ServiceRecord, UpcomingItem } from '../../../queries/agenda.ts';
import { DataTable } from '../DataTable.tsx';

const percent = (v: number) => `${(v * 100).toFixed(0)}%`;
const when = (iso: string | null) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : '—');
const overrun = (m: number | null) => {
  if (m === null) return '—';
  const size = Math.abs(m) >= 90 ? `${(Math.abs(m) / 60).toFixed(1)} h` : `${Math.round(Math.abs(m))} min`;
  return m < 0 ? `${size} early` : m > 0 ? `${size} over` : 'on time';
};

const levelLabel: Record<Reason['level'], string> = { stop: 'Stop', look: 'Look', note: 'Note' };

function TrackRecord({ r, days }: { r: ServiceRecord | null; days: number }) {
  if (!r?.failureRate) return <span className="hint">no history in {days} days</span>;
  return (
    <>
      failed {r.failed} of {r.completed} ({percent(r.failureRate.value)}, {percent(r.failureRate.low)}–
      {percent(r.failureRate.high)}
      ); {r.incidents} incidents caused
    </>
  );
}

export function UpcomingTable({
  items,
  historyDays,
  hrefOf,
}: {
  items: UpcomingItem[];
  historyDays: number;
  /** A link to a unit's page, or null for none (the printable pack). */
  hrefOf: ((item: UpcomingItem) => string) | null;
}) {
  const list = (texts: string[]) => (
    <ul className="reasons">
      {texts.map((t) => (
        <li key={t}>{t}</li>
      ))}
    </ul>
  );
  return (
    <DataTable
      name="upcoming"
      columns={[
        { key: 'order', label: '#', numeric: true, cell: (_i, n) => n + 1 },
        {
          key: 'scheduled',
          label: 'Scheduled',
          cell: (i) => (
            <>
              {i.unit_kind} {hrefOf ? <a href={hrefOf(i)}>{i.unit_id}</a> : i.unit_id}
              {i.title ? <div className="hint">{i.title}</div> : null}
              <div className="hint">
                {[i.unit_type, i.risk && `risk ${i.risk}`, i.record_status].filter(Boolean).join(' · ')}
              </div>
            </>
          ),
        },
        {
          key: 'service',
          label: 'Service',
          cell: (i) => (
            <>
              {i.service ?? '—'}
              {i.cis.length > 0 && <div className="hint">{i.cis.join(', ')}</div>}
            </>
          ),
        },
        {
          key: 'window',
          label: 'Planned window (UTC)',
          cell: (i) => `${when(i.planned_start)} to ${when(i.planned_end)}`,
        },
        {
          key: 'reasons',
          label: 'Why the board should look',
          cell: (i) =>
            i.reasons.length === 0 ? (
              <span className="hint">nothing found</span>
            ) : (
              <ul className="reasons">
                {i.reasons.map((r) => (
                  <li key={r.text} data-level={r.level}>
                    <strong>{levelLabel[r.level]}:</strong> {r.text}
                  </li>
                ))}
              </ul>
            ),
        },
        {
          key: 'record',
          label: `Service record, last ${historyDays} days`,
          cell: (i) => <TrackRecord r={i.record} days={historyDays} />,
        },
        {
          key: 'overrun',
          label: 'Usual overrun (median / 85%)',
          cell: (i) =>
            i.record && i.record.timed > 0
              ? `${overrun(i.record.overrunMedianMinutes)} / ${overrun(i.record.overrunP85Minutes)}`
              : '—',
        },
        { key: 'not_judged', label: 'Not judged', cell: (i) => (i.notJudged.length === 0 ? '' : list(i.notJudged)) },
      ]}
      rows={items}
      rowKey={(i) => `${i.unit_kind}:${i.unit_id}`}
      rowProps={(i) => ({
        'data-unit': i.unit_id,
        'data-stop': String(i.reasons.filter((r) => r.level === 'stop').length),
      })}
      // what is scheduled, when, and why to look
      phone={['scheduled', 'window', 'reasons']}
    />
  );
}

/** The agenda as CSV rows: the table's columns, reasons one per cell group. */
export function upcomingCsvRows(items: UpcomingItem[]): (string | number | null)[][] {
  const header = [
    'order',
    'kind',
    'id',
    'title',
    'service',
    'team',
    'type',
    'risk',
    'status',
    'planned_start',
    'planned_end',
    'stop_reasons',
    'look_reasons',
    'notes',
    'not_judged',
    'collides_with',
    'freezes',
    'service_completed',
    'service_failed',
    'service_failure_rate',
    'service_failure_rate_low',
    'service_failure_rate_high',
    'service_incidents',
    'overrun_median_minutes',
    'overrun_p85_minutes',
  ];
  const of = (i: UpcomingItem, level: Reason['level']) =>
    i.reasons
      .filter((r) => r.level === level)
      .map((r) => r.text)
      .join('; ');
  return [
    header,
    ...items.map((i, n) => [
      n + 1,
      i.unit_kind,
      i.unit_id,
      i.title,
      i.service,
      i.team,
      i.unit_type,
      i.risk,
      i.record_status,
      i.planned_start,
      i.planned_end,
      of(i, 'stop'),
      of(i, 'look'),
      of(i, 'note'),
      i.notJudged.join('; '),
      i.collisions.map((c) => c.id).join(' '),
      i.freezes.map((f) => f.id).join(' '),
      i.record?.completed ?? null,
      i.record?.failed ?? null,
      i.record?.failureRate?.value ?? null,
      i.record?.failureRate?.low ?? null,
      i.record?.failureRate?.high ?? null,
      i.record?.incidents ?? null,
      i.record?.overrunMedianMinutes ?? null,
      i.record?.overrunP85Minutes ?? null,
    ]),
  ];
}
