/** Answers cached by data version: same parameters and data give a 304, an ingest gives new answers. */
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as overview from '../../app/routes/_index.tsx';
import * as apiKpis from '../../app/routes/api.kpis.ts';
import * as apiUnits from '../../app/routes/api.units.ts';
import { clock, NOW_STEP_MS } from '../../app/server/answers.server.ts';
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

  it('computes the recent answers on a new data version once it is current, without holding up the ingest', async () => {
    const path = `/api/kpis?${march}&unit=change`;
    const before = await (await get(path)).json();
    const said = vi.spyOn(console, 'error').mockImplementation(() => {});
    const warmed = () => said.mock.calls.map((c) => String(c[0])).find((m) => m.startsWith('answers:'));
    let line: string | undefined;
    try {
      await ingestFile(
        tempCsv(
          'incidents.csv',
          'incident_id,opened_at,priority,service,caused_by_change_id\nNEW3,2025-03-04T10:00:00Z,3,payments,C1\n',
        ),
      );
      // the ingest returned with the version current; the answers follow in the background
      await vi.waitFor(() => expect(warmed()).toBeDefined(), { timeout: 20_000 });
      line = warmed();
    } finally {
      said.mockRestore();
    }
    expect(line).toMatch(
      /^answers: [1-9]\d* of the \d+ most recent answers computed on data version \d+ in [\d.]+ s, after it became current$/,
    );
    const computed = await (await get(path)).json();
    // the same as computing it anew on the new version
    const fresh = await (await get(`${path}&severity=2`)).json();
    expect(computed).toEqual(fresh);
    expect(computed.kpis.post_release_incidents).toBe(before.kpis.post_release_incidents + 1);
  });

  it('keeps large bodies gzipped: sent as they are to a client that accepts gzip, unzipped for one that does not', async () => {
    const ask = (headers: Record<string, string>) =>
      apiUnits.loader({
        request: new Request(`http://localhost/api/units?${march}`, { headers }),
        params: {},
        context: {},
      } as never);
    const zipped = await ask({ 'Accept-Encoding': 'gzip, deflate' });
    expect(zipped.headers.get('Content-Encoding')).toBe('gzip');
    const plain = await ask({});
    expect(plain.headers.get('Content-Encoding')).toBeNull();
    const text = await plain.text();
    expect(JSON.parse(text).units.length).toBeGreaterThan(0);
    expect(gunzipSync(Buffer.from(await zipped.arrayBuffer())).toString('utf8')).toBe(text);
  });

  it('sets the ETag on page loaders too', async () => {
    const result = (await overview.loader({
      request: new Request(`http://localhost/?${march}`),
      params: {},
      context: {},
    } as never)) as unknown as { init: { headers: Record<string, string> } };
    expect(result.init.headers.ETag).toMatch(/^".+"$/);
  });

  it('serves the previous five minutes of the same data version while the new five minutes is computed, then the new one', async () => {
    const real = clock.now;
    const start = Math.floor(Date.now() / NOW_STEP_MS) * NOW_STEP_MS;
    try {
      clock.now = () => start;
      const path = '/api/kpis?from=2025-03-01&to=2025-04-01&unit=change';
      const first = await get(path);
      const etag = first.headers.get('ETag');
      clock.now = () => start + NOW_STEP_MS;
      // the new step is not computed yet: the previous step's answer (same ETag)
      const stale = await get(path);
      expect(stale.headers.get('ETag')).toBe(etag);
      // once computed in the background, the new minute's answer
      await vi.waitFor(async () => expect((await get(path)).headers.get('ETag')).not.toBe(etag), {
        timeout: 10_000,
      });
    } finally {
      clock.now = real;
    }
  });

  it('never answers a new data version from an older one', async () => {
    const path = '/api/kpis?from=2025-03-01&to=2025-04-01';
    const before = await (await get(path)).json();
    await ingestFile(
      tempCsv(
        'incidents.csv',
        'incident_id,opened_at,priority,service,caused_by_release_id\nNEW2,2025-03-04T08:00:00Z,4,payments,R1\n',
      ),
    );
    const after = await (await get(path)).json();
    expect(after.kpis.post_release_incidents).toBe(before.kpis.post_release_incidents + 1);
  });
});
