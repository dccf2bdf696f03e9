/**
 * The data-quality warnings, said once: the Data page lists them, the
 * retrospective report prints them with the report's own two additions
 * (entities not loaded at all, and how many rows were rejected).
 */
import type { CountRow, DoneWithoutEnd, Quality } from '../../queries/dataStatus.ts';
import { count, pct } from './format.ts';

/** What to map so that records with a done status get their end time. */
const endHint: Record<string, string> = {
  releases: "map the export's actual end (go-live) date to actual_end",
  changes:
    "map the export's actual end date to actual_end; for Jira Service Management exports without one, the jira-change profile takes 'Resolved'",
  deployments: "map the deployment's finish time to finished_at",
};

/** Each problem in the loaded records that moves or hides a KPI, as a sentence; empty when there is none. */
export function qualityWarnings(q: Quality, doneWithoutEnd: DoneWithoutEnd[]): string[] {
  const items: (string | false)[] = [
    ...doneWithoutEnd.map(
      (d) =>
        `${count(d.records)} ${d.entity} from source '${d.source}' have a done status but no ${d.column}: they are not counted as completed, so every KPI leaves them out. To fix it, ${endHint[d.entity] ?? `map ${d.column}`}.`,
    ),
    q.incidents_without_service_or_ci > 0 &&
      `${count(q.incidents_without_service_or_ci)} incidents (${pct(q.incidents_without_service_or_ci / Math.max(1, q.incidents))}) have neither service nor CI: they can only be attributed by an explicit "caused by" link.`,
    q.releases_requested_after_golive > 0 &&
      `${q.releases_requested_after_golive} releases were requested after they went live; their lead time is left out.`,
    q.changes_requested_after_golive > 0 &&
      `${q.changes_requested_after_golive} changes were requested after they went live; their lead time is left out.`,
    q.deployments_without_release_or_change > 0 &&
      `${q.deployments_without_release_or_change} production deployments name neither a release nor a change.`,
    q.links_to_unknown_changes > 0 &&
      `${q.links_to_unknown_changes} incidents name a "caused by" change that is not loaded.`,
    q.links_to_unknown_releases > 0 &&
      `${q.links_to_unknown_releases} incidents name a "caused by" release that is not loaded.`,
  ];
  return items.filter((t): t is string => typeof t === 'string');
}

const expectedEntities = ['releases', 'changes', 'deployments', 'incidents'];

/** The report's notes: entities not loaded, rejected rows, then the warnings above. */
export function reportQualityNotes(status: {
  quality: Quality;
  doneWithoutEnd: DoneWithoutEnd[];
  counts: CountRow[];
}): string[] {
  const present = new Set(status.counts.filter((c) => c.records > 0).map((c) => c.entity));
  const notes = expectedEntities
    .filter((e) => !present.has(e))
    .map((e) => `No ${e} loaded: every KPI that reads them is empty or understated.`);
  if (status.quality.rejects > 0)
    notes.push(`${count(status.quality.rejects)} rows were rejected by ingests (the data page lists them).`);
  notes.push(...qualityWarnings(status.quality, status.doneWithoutEnd));
  if (notes.length === 0) notes.push('No data-quality problem found.');
  return notes;
}
