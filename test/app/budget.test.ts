/**
 * A budget for every request, in process: the compute queue is bounded and
 * sheds load with 503 + Retry-After; a read past its time limit is
 * interrupted and answers 503 with a sentence; a window the stores cannot
 * make room for answers 503 too. (Windows held per data version and the rate
 * limit, over HTTP: test/e2e/budget.test.ts.)
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as apiKpis from '../../app/routes/api.kpis.ts';
import { answer, MAX_WAITING } from '../../app/server/answers.server.ts';
import { reloadConfig } from '../../lib/config.ts';
import { freshDatabase, freshSample, goldenInput, loadFolder } from '../helpers.ts';

const march = 'from=2025-03-01&to=2025-04-01&as_of=2025-04-15T00:00:00Z';
const year = 'from=2024-01-01&to=2025-01-01&as_of=2025-04-15T00:00:00Z';

describe('the compute queue', () => {
  beforeAll(async () => {
    freshDatabase();
    await loadFolder(goldenInput);
  });

  it('sheds load with 503 and Retry-After once the compute queue is full, and serves again after', async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow = async () => {
      await gate;
      return { bytes: new Uint8Array(1), gzipped: false as const };
    };
    const request = (i: number) => new Request(`http://localhost/api/test?${march}&i=${i}`);
    // two compute, MAX_WAITING wait: all of them are taken
    const taken = Array.from({ length: 2 + MAX_WAITING }, (_, i) => answer('budget', request(i), slow));
    await new Promise((r) => setTimeout(r, 200));
    const shed = await answer('budget', request(9999), slow).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(shed).toBeInstanceOf(Response);
    const res = shed as Response;
    expect(res.status).toBe(503);
    expect(res.headers.get('Retry-After')).toBe('30');
    expect((await res.json()).error).toMatch(/busy/);
    release();
    await Promise.all(taken);
    expect((await answer('budget', request(9999), slow)).value.bytes.byteLength).toBe(1);
  });
});

describe('the time limit', () => {
  beforeAll(async () => {
    // the sample: a year of KPIs takes long enough to stop (the golden fixture answers in a millisecond)
    await freshSample();
  }, 60_000);

  afterEach(() => {
    delete process.env.RELEASELENS_QUERY_SECONDS;
    reloadConfig();
  });

  it('stops a read past its time limit and answers 503 with a sentence, then answers normally with time to spare', async () => {
    process.env.RELEASELENS_QUERY_SECONDS = '0.001';
    reloadConfig();
    const call = (search: string) =>
      apiKpis
        .loader({ request: new Request(`http://localhost/api/kpis?${search}`), params: {}, context: {} } as never)
        .then(
          (r) => r as Response,
          (thrown: unknown) => thrown as Response,
        );
    const stopped = await call(`${year}&unit=change`);
    expect(stopped.status).toBe(503);
    expect(stopped.headers.get('Retry-After')).toBe('30');
    expect((await stopped.json()).error).toMatch(
      /^This answer took longer than 0\.001 s and was stopped\. Try a shorter period/,
    );
    delete process.env.RELEASELENS_QUERY_SECONDS;
    reloadConfig();
    const again = await call(`${year}&unit=change`);
    expect(again.status).toBe(200);
    expect((await again.json()).kpis.completed).toBeGreaterThan(0);
  });
});
