/** The data-quality warnings are said once: the Data page's list and the report's notes come from one function. */
import { describe, expect, it } from 'vitest';
import { qualityWarnings, reportQualityNotes } from '../../app/shared/quality.ts';

const clean = {
  incidents_without_service_or_ci: 0,
  incidents: 100,
  releases_requested_after_golive: 0,
  changes_requested_after_golive: 0,
  deployments_without_release_or_change: 0,
  links_to_unknown_changes: 0,
  links_to_unknown_releases: 0,
  rejects: 0,
};
const counts = ['releases', 'changes', 'deployments', 'incidents'].map((entity) => ({
  entity,
  source: 'csv',
  records: 10,
  newest_at: '2025-01-01T00:00:00Z',
}));

describe('data-quality warnings', () => {
  it('one sentence per problem, none for clean data', () => {
    expect(qualityWarnings(clean, [])).toEqual([]);
    const warned = qualityWarnings(
      {
        ...clean,
        incidents_without_service_or_ci: 25,
        links_to_unknown_changes: 3,
        releases_requested_after_golive: 2,
      },
      [{ entity: 'changes', source: 'jira', records: 4, column: 'actual_end' }],
    );
    expect(warned).toEqual([
      "4 changes from source 'jira' have a done status but no actual_end: they are not counted as completed, so every KPI leaves them out. To fix it, map the export's actual end date to actual_end; for Jira Service Management exports without one, the jira-change profile takes 'Resolved'.",
      '25 incidents (25.0%) have neither service nor CI: they can only be attributed by an explicit "caused by" link.',
      '2 releases were requested after they went live; their lead time is left out.',
      '3 incidents name a "caused by" change that is not loaded.',
    ]);
  });

  it('the report prints the same warnings, after entities not loaded and rejected rows', () => {
    const quality = { ...clean, rejects: 7, deployments_without_release_or_change: 5 };
    const notes = reportQualityNotes({ quality, doneWithoutEnd: [], counts: counts.slice(1) });
    expect(notes).toEqual([
      'No releases loaded: every KPI that reads them is empty or understated.',
      '7 rows were rejected by ingests (the data page lists them).',
      ...qualityWarnings(quality, []),
    ]);
    expect(reportQualityNotes({ quality: clean, doneWithoutEnd: [], counts })).toEqual([
      'No data-quality problem found.',
    ]);
  });
});
