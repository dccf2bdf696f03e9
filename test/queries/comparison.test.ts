/**
 * The worked example of docs/kpis.md, "How other tools count": five
 * deployments and four incidents of one service, with the change failure rate
 * this product gives (48 h and 90-day windows, then after a person rejects one
 * inferred link). The other tools' figures in that section follow from their
 * published rules by hand; these are ours, so the page cannot drift from the code.
 */
import { describe, expect, it } from 'vitest';
import { recordReviews } from '../../ingest/reviews.ts';
import { databasePath } from '../../lib/db.ts';
import { getKpis } from '../../queries/kpis.ts';
import { kpiParamsSchema } from '../../queries/params.ts';
import { csvFolder, freshDatabase, loadFolder } from '../helpers.ts';

const deployment = (id: string, goLive: string, change: string) => ({
  deployment_id: id,
  change_id: change,
  service: 'pay',
  environment: 'production',
  started_at: goLive.replace('T10:00', 'T09:00'),
  finished_at: goLive,
  status: 'succeeded',
});

const incident = (id: string, opened: string, causedByChange: string | null = null) => ({
  incident_id: id,
  opened_at: opened,
  priority: 2,
  service: 'pay',
  caused_by_change_id: causedByChange,
});

const example = {
  deployments: [
    deployment('D1', '2025-03-03T10:00:00Z', 'C1'),
    deployment('D2', '2025-03-05T10:00:00Z', 'C2'),
    deployment('D3', '2025-03-07T10:00:00Z', 'C3'),
    deployment('D4', '2025-03-10T10:00:00Z', 'C4'),
    deployment('D5', '2025-03-14T10:00:00Z', 'C5'),
  ],
  incidents: [
    incident('I1', '2025-03-03T12:00:00Z'), // 2 h after D1
    incident('I2', '2025-03-06T09:00:00Z'), // 23 h after D2 went live
    incident('I3', '2025-03-11T09:00:00Z', 'C1'), // found late; its ticket names D1's change
    incident('I4', '2025-03-20T10:00:00Z'), // 6 days after D5
  ],
};

const cfr = async (window: number) => {
  const kpis = await getKpis(
    kpiParamsSchema.parse({
      unit: 'deployment',
      from: '2025-03-01',
      to: '2025-04-01',
      window,
      as_of: '2025-04-15T00:00:00Z',
    }),
  );
  const rate = kpis.kpis.change_failure_rate;
  return rate && { failed: rate.numerator, of: rate.denominator, value: rate.value };
};

describe('the worked example of how other tools count', () => {
  it('gives 2 of 5 at 48 h, 3 of 5 at 90 days, and 1 of 5 once a person rejects I2 to D2', async () => {
    freshDatabase();
    await loadFolder(csvFolder(example));
    expect(await cfr(48)).toEqual({ failed: 2, of: 5, value: 0.4 });
    expect(await cfr(2160)).toEqual({ failed: 3, of: 5, value: 0.6 });
    await recordReviews(
      databasePath(),
      [
        {
          incident_id: 'I2',
          unit_kind: 'deployment',
          unit_id: 'D2',
          verdict: 'rejected',
          reason: 'the database patch',
        },
      ],
      'pm',
    );
    expect(await cfr(48)).toEqual({ failed: 1, of: 5, value: 0.2 });
  });
});
