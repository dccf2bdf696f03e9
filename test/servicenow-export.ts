/**
 * Turns the canonical sample organisation into ServiceNow exports, the way an
 * instance writes them: rm_release and change_request with field names, the
 * incident table as an audit log (several versions per incident, `?` for
 * empty, D/M/YYYY dates), some changes on two rows (one per CI row).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';

type Row = Record<string, string>;

const read = (file: string): Row[] => parse(fs.readFileSync(file, 'utf8'), { columns: true });

function csv(header: string[], rows: string[][]): string {
  const cell = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return `${[header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

/** ISO UTC -> "2024-01-01 15:22:00" (ServiceNow's field format). */
const snTime = (iso: string) => (iso ? iso.replace('T', ' ').replace('Z', '').slice(0, 19) : '');
/** ISO UTC -> "1/1/2024 15:22" (the event log's day-first, unpadded format). */
const dmy = (iso: string) => {
  if (!iso) return '?';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCDate()}/${d.getUTCMonth() + 1}/${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
};
const title = (s: string) => (s ? s[0]?.toUpperCase() + s.slice(1).replaceAll('_', ' ') : '');

const releaseStates: Record<string, string> = {
  planned: 'Draft',
  approved: 'Approved',
  in_progress: 'Deploying',
  deployed: 'Completed',
  failed: 'Failed',
  rolled_back: 'Rolled back',
  cancelled: 'Canceled',
};
const risks: Record<string, string> = { low: 'Low', medium: 'Moderate', high: 'High', critical: 'Very High' };
const closeCodes: Record<string, string> = {
  successful: 'Successful',
  successful_with_issues: 'Successful with issues',
  failed: 'Unsuccessful',
  rolled_back: 'Backed out',
  cancelled: 'Cancelled',
};
const priorities = ['', '1 - Critical', '2 - High', '3 - Moderate', '4 - Low'];

export function writeServiceNowExports(sampleDir: string, outDir: string): void {
  fs.mkdirSync(outDir, { recursive: true });
  const releases = read(path.join(sampleDir, 'releases.csv'));
  fs.writeFileSync(
    path.join(outDir, 'rm_release.csv'),
    csv(
      [
        'number',
        'short_description',
        'u_version',
        'u_release_type',
        'state',
        'business_service',
        'assignment_group',
        'assigned_to',
        'sys_created_on',
        'approval_set',
        'start_date',
        'end_date',
        'work_start',
        'work_end',
      ],
      releases.map((r) =>
        [
          r.release_id,
          r.title,
          r.version,
          title(r.release_type ?? ''),
          releaseStates[r.status ?? ''],
          r.service,
          r.team,
          r.owner,
          r.requested_at,
          r.approved_at,
          r.planned_start,
          r.planned_end,
          r.actual_start,
          r.actual_end,
        ].map((v, i) => (i >= 8 ? snTime(v ?? '') : (v ?? ''))),
      ),
    ),
  );

  const changes = read(path.join(sampleDir, 'changes.csv'));
  fs.writeFileSync(
    path.join(outDir, 'change_request.csv'),
    csv(
      [
        'number',
        'u_release',
        'type',
        'risk',
        'business_service',
        'cmdb_ci',
        'opened_at',
        'approval_set',
        'cab_required',
        'start_date',
        'end_date',
        'work_start',
        'work_end',
        'close_code',
        'closed_at',
      ],
      changes.flatMap((c, i) => {
        const row = [
          c.change_id,
          c.release_id,
          title(c.change_type ?? ''),
          risks[c.risk ?? ''] ?? '',
          c.service,
          c.ci,
          snTime(c.requested_at ?? ''),
          snTime(c.approved_at ?? ''),
          c.cab_required,
          snTime(c.planned_start ?? ''),
          snTime(c.planned_end ?? ''),
          snTime(c.actual_start ?? ''),
          snTime(c.actual_end ?? ''),
          closeCodes[c.outcome ?? ''] ?? '',
          snTime(c.closed_at ?? ''),
        ].map((v) => v ?? '');
        return i % 5 === 0 ? [row, row] : [row]; // every fifth change on two rows, as a task_ci join writes it
      }),
    ),
  );

  const incidents = read(path.join(sampleDir, 'incidents.csv'));
  const header = [
    'number',
    'incident_state',
    'active',
    'opened_at',
    'sys_updated_at',
    'category',
    'cmdb_ci',
    'business_service',
    'priority',
    'caused_by',
    'problem_id',
    'resolved_at',
    'closed_at',
    'short_description',
  ];
  const rows: string[][] = [];
  for (const inc of incidents) {
    const final = [
      inc.incident_id,
      'Closed',
      'false',
      dmy(inc.opened_at ?? ''),
      dmy(inc.closed_at || inc.resolved_at || inc.opened_at || ''),
      inc.category || '?',
      inc.ci || '?',
      inc.service || '?',
      priorities[Number(inc.priority)],
      inc.caused_by_change_id || '?',
      inc.problem_id || '?',
      dmy(inc.resolved_at ?? ''),
      dmy(inc.closed_at ?? ''),
      inc.title ?? '',
    ].map((v) => v ?? '?');
    // the first version: just opened, at the lowest priority, nothing resolved yet
    const first = [...final];
    first[1] = 'New';
    first[2] = 'true';
    first[4] = dmy(inc.opened_at ?? '');
    first[8] = priorities[4] ?? '';
    first[11] = '?';
    first[12] = '?';
    rows.push(first, final);
  }
  fs.writeFileSync(path.join(outDir, 'incident_event_log.csv'), csv(header, rows));
  for (const f of ['deployments.csv', 'freeze_windows.csv'])
    fs.copyFileSync(path.join(sampleDir, f), path.join(outDir, f));
}
