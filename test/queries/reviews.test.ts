/**
 * A person's review of an incident link (docs/kpis.md, "Incident attribution",
 * item 4) on hand-made data: a confirmation is an explicit link that wins over
 * the others of its kind, a rejection removes the unit from the incident's
 * candidates by either rule, and the numbers follow; the refresh a review makes
 * equals a whole build; `npm run rebuild` replays the reviews; a review of a
 * record that is not there changes nothing and is shown.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ReviewInput, ReviewRefused, recordReviews, replayReviews, reviewsArchive } from '../../ingest/reviews.ts';
import { closeDatabase, databasePath, setDatabasePath, withWriter } from '../../lib/db.ts';
import { buildModels } from '../../queries/fullBuild.ts';
import { getKpis } from '../../queries/kpis.ts';
import { kpiParamsSchema } from '../../queries/params.ts';
import { getReviewCounts, getReviewQueue, getReviews } from '../../queries/reviews.ts';
import { withModels } from '../../queries/snapshot.ts';
import { getUnits } from '../../queries/units.ts';
import { modelState } from '../../queries/versions.ts';
import { csvFolder, freshDatabase, handMadeIncident, handMadeRelease, loadFolder, type Row } from '../helpers.ts';

const [release, incident] = [handMadeRelease, handMadeIncident];

/** R1 then R2 on the same service, both reaching the incidents opened on 10 March at 14:00. */
const twoReleases = (incidents: Row[]) => ({
  releases: [
    release('R1', '2025-03-10T10:00:00Z', '2025-03-10T11:00:00Z'),
    release('R2', '2025-03-10T12:00:00Z', '2025-03-10T13:00:00Z'),
  ],
  incidents,
});

async function load(entities: Record<string, Row[]>) {
  freshDatabase();
  await loadFolder(csvFolder(entities));
}

const review = (incident_id: string, unit_id: string, verdict: ReviewInput['verdict'], reason?: string) =>
  recordReviews(
    databasePath(),
    [{ incident_id, unit_kind: 'release', unit_id, verdict, reason: reason ?? null }],
    'pm',
  );

async function attribution(window = 48): Promise<Record<string, string>> {
  return withModels(
    async (conn) => {
      const rows = (
        await conn.runAndReadAll('select incident_id, unit_id, rule from fct_attribution($unit, $window)', {
          unit: 'release',
          window,
        })
      ).getRowObjectsJS();
      return Object.fromEntries(rows.map((r) => [String(r.incident_id), `${r.unit_id} ${r.rule}`]));
    },
    { unit: 'release', window },
  );
}

const params = kpiParamsSchema.parse({ from: '2025-03-01', to: '2025-04-01', as_of: '2025-04-15T00:00:00Z' });

const failedReleases = async () =>
  (await getUnits(params))
    .filter((u) => u.is_failed)
    .map((u) => u.unit_id)
    .sort();
const failures = async () => (await getKpis(params)).kpis.change_failure_rate?.numerator;

describe('reviews of incident links', () => {
  it('a confirmation moves an inferred incident to the confirmed unit, and the numbers follow', async () => {
    await load(twoReleases([incident('I', '2025-03-10T14:00:00Z')]));
    expect(await attribution()).toEqual({ I: 'R2 likely' });
    expect(await failedReleases()).toEqual(['R2']);
    const stored = await review('I', 'R1', 'confirmed', 'the schema change in R1');
    expect(stored.reviews[0]).toMatchObject({
      reviewed_by: 'pm',
      verdict: 'confirmed',
      reason: 'the schema change in R1',
    });
    expect(await attribution()).toEqual({ I: 'R1 reviewed' });
    // still one failed release of two, but now R1
    expect(await failedReleases()).toEqual(['R1']);
    expect(await failures()).toBe(1);
    const detail = await getReviewCounts(params);
    expect(detail).toEqual({
      links: 1,
      explicit_links: 0,
      confirmed_reviews: 1,
      inferred_links: 0,
      rejected_reviews: 0,
    });
    // a confirmation holds at any window, like an explicit link
    expect(await attribution(1)).toEqual({ I: 'R1 reviewed' });
  });

  it('a confirmation wins over the incident own explicit link of the same kind', async () => {
    await load(twoReleases([incident('I', '2025-03-10T14:00:00Z', { caused_by_release_id: 'R2' })]));
    expect(await attribution()).toEqual({ I: 'R2 confirmed' });
    await review('I', 'R1', 'confirmed');
    expect(await attribution()).toEqual({ I: 'R1 reviewed' });
  });

  it('a rejection of the inferred unit gives the incident to the next candidate, or to none', async () => {
    await load(twoReleases([incident('I', '2025-03-10T14:00:00Z'), incident('J', '2025-03-10T14:30:00Z')]));
    await review('I', 'R2', 'rejected', 'a database patch, not this release');
    expect(await attribution()).toEqual({ I: 'R1 likely', J: 'R2 likely' });
    expect((await getReviewCounts(params)).rejected_reviews).toBe(1);
    await review('I', 'R1', 'rejected');
    expect(await attribution()).toEqual({ J: 'R2 likely' });
    // J alone still fails R2; R1 has no incident any more
    expect(await failedReleases()).toEqual(['R2']);
    expect(await failures()).toBe(1);
    // withdrawn: the newest verdict counts, and a withdrawn one counts as none
    await review('I', 'R1', 'withdrawn');
    expect(await attribution()).toEqual({ I: 'R1 likely', J: 'R2 likely' });
    expect(await failures()).toBe(2);
  });

  it('a rejection of an explicit link leaves the incident to the window rule among the rest', async () => {
    await load(twoReleases([incident('I', '2025-03-10T14:00:00Z', { caused_by_release_id: 'R1' })]));
    expect(await attribution()).toEqual({ I: 'R1 confirmed' });
    await review('I', 'R1', 'rejected');
    expect(await attribution()).toEqual({ I: 'R2 likely' });
  });

  it('the queue lists the unreviewed inferred links, worst first, and leaves reviewed and explicit ones out', async () => {
    await load(
      twoReleases([
        incident('LOW', '2025-03-10T14:00:00Z', { priority: 4 }),
        incident('HIGH', '2025-03-10T14:10:00Z', { priority: 1 }),
        incident('EXPLICIT', '2025-03-10T14:20:00Z', { caused_by_release_id: 'R1' }),
        incident('DONE', '2025-03-10T14:30:00Z'),
      ]),
    );
    await review('DONE', 'R2', 'confirmed');
    const queue = await getReviewQueue(params, { limit: 50, offset: 0 });
    expect(queue.total).toBe(2);
    expect(queue.rows.map((r) => `${r.incident_id} ${r.unit_id}`)).toEqual(['HIGH R2', 'LOW R2']);
  });

  it('a refresh after reviews gives the same attribution as a whole build', async () => {
    await load(
      twoReleases([
        incident('A', '2025-03-10T14:00:00Z'),
        incident('B', '2025-03-10T14:00:00Z', { caused_by_release_id: 'R1' }),
        incident('C', '2025-03-11T09:00:00Z'),
      ]),
    );
    await review('A', 'R2', 'rejected');
    await review('B', 'R2', 'confirmed');
    await review('C', 'R1', 'rejected');
    const refreshed = { attribution: await attribution(), attribution24: await attribution(24) };
    expect(refreshed.attribution).toEqual({ A: 'R1 likely', B: 'R2 reviewed', C: 'R2 likely' });
    await withWriter((conn) => buildModels(conn));
    expect({ attribution: await attribution(), attribution24: await attribution(24) }).toEqual(refreshed);
  });

  it('refuses a review of a record that is not there, and shows one whose record went away', async () => {
    await load(twoReleases([incident('I', '2025-03-10T14:00:00Z')]));
    await expect(review('NOPE', 'R1', 'confirmed')).rejects.toThrow(ReviewRefused);
    await expect(review('I', 'R9', 'confirmed')).rejects.toThrow(/no release R9/);
    // a review archived for a unit this database no longer has (an export left out of a rebuild)
    await withWriter(async (conn) => {
      await replayReviews(conn, [
        {
          review_id: 7,
          incident_id: 'I',
          unit_kind: 'release',
          unit_id: 'GONE',
          verdict: 'confirmed',
          reason: null,
          reviewed_by: 'pm',
          reviewed_at: '2025-03-12T00:00:00.000Z',
        },
      ]);
      await buildModels(conn);
    });
    expect(await attribution()).toEqual({ I: 'R2 likely' });
    const { rows } = await getReviews({ limit: 50, offset: 0 });
    expect(rows).toMatchObject([{ incident_id: 'I', unit_id: 'GONE', status: 'no such unit', verdict: 'confirmed' }]);
  });

  it('npm run rebuild replays the archived reviews: same reviews, same attribution', async () => {
    await load(twoReleases([incident('I', '2025-03-10T14:00:00Z'), incident('J', '2025-03-10T14:00:00Z')]));
    await review('I', 'R1', 'confirmed', 'seen in the logs');
    await review('J', 'R2', 'rejected');
    const before = {
      attribution: await attribution(),
      reviews: (await getReviews({ limit: 50, offset: 0 })).rows,
    };
    expect(before.attribution).toEqual({ I: 'R1 reviewed', J: 'R1 likely' });
    const db = databasePath();
    expect(fs.statSync(reviewsArchive(db)).mode & 0o777).toBe(0o600);
    await closeDatabase();
    execFileSync(process.execPath, ['--import', 'tsx', 'ingest/rebuild.ts', '--db', db], {
      cwd: path.join(import.meta.dirname, '..', '..'),
      stdio: 'pipe',
    });
    setDatabasePath(db);
    expect(await attribution()).toEqual(before.attribution);
    expect((await getReviews({ limit: 50, offset: 0 })).rows).toEqual(before.reviews);
    await withWriter(async (conn) => expect((await modelState(conn))?.stale).toBe(false));
  });

  it('refuses more than a batch can hold', async () => {
    await load(twoReleases([incident('I', '2025-03-10T14:00:00Z')]));
    const many = Array.from({ length: 501 }, () => ({
      incident_id: 'I',
      unit_kind: 'release' as const,
      unit_id: 'R1',
      verdict: 'confirmed' as const,
      reason: null,
    }));
    await expect(recordReviews(databasePath(), many, 'pm')).rejects.toThrow(/at most 500/);
    await expect(recordReviews(databasePath(), [], 'pm')).rejects.toThrow(/no reviews/);
  });
});
