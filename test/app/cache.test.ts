/** Answers cached by data version: same parameters and data give a 304, an ingest gives new answers. */
import { beforeAll, describe, expect, it } from 'vitest';
import * as overview from '../../app/routes/_index.tsx';
import * as apiKpis from '../../app/routes/api.kpis.ts';
import { ingestFile } from '../../ingest/load.ts';
import { freshDatabase, goldenInput, loadFolder, tempCsv } from '../helpers.ts';

const march = 'from=2025-03-01&to=2025-04-01&as_of=2025-04-15T00:00:00Z';
const get = (path: string, etag?: string) =>
  apiKpis.loader({
    request: new Request(`http://localhost${path}`, { headers: etag ? { 'If-None-Match': etag } : {} }),
    params: {},
    context: {},
  } as never);

describe('cached answers', () => {
  beforeAll(async () => {
    freshDatabase();
    await loadFolder(goldenInput);
  });

  it('gives an ETag, a 304 for it, and the same ETag for the same parameters in another order', async () => {
    const first = await get(`/api/kpis?${march}`);
    expect(first.status).toBe(200);
    const etag = first.headers.get('ETag');
    expect(etag).toMatch(/^".+"$/);
    expect((await get(`/api/kpis?${march}`, etag ?? '')).status).toBe(304);
    const reordered = await get('/api/kpis?to=2025-04-01&as_of=2025-04-15T00:00:00Z&from=2025-03-01');
    expect(reordered.headers.get('ETag')).toBe(etag);
    expect((await get(`/api/kpis?${march}&window=24`)).headers.get('ETag')).not.toBe(etag);
  });

  it('answers anew after an ingest: new data version, new ETag, new numbers', async () => {
    const before = await get(`/api/kpis?${march}`);
    const etag = before.headers.get('ETag') ?? '';
    const kpisBefore = await before.json();
    await ingestFile(
      tempCsv(
        'incidents.csv',
        'incident_id,opened_at,priority,service,caused_by_release_id\nNEW1,2025-03-20T00:00:00Z,1,payments,R1\n',
      ),
    );
    const after = await get(`/api/kpis?${march}`, etag);
    expect(after.status).toBe(200);
    expect(after.headers.get('ETag')).not.toBe(etag);
    const kpisAfter = await after.json();
    expect(kpisAfter.kpis.post_release_incidents).toBeGreaterThanOrEqual(kpisBefore.kpis.post_release_incidents);
    expect(kpisAfter).not.toEqual(kpisBefore);
  });

  it('sets the ETag on page loaders too', async () => {
    const result = (await overview.loader({
      request: new Request(`http://localhost/?${march}`),
      params: {},
      context: {},
    } as never)) as unknown as { init: { headers: Record<string, string> } };
    expect(result.init.headers.ETag).toMatch(/^".+"$/);
  });
});
