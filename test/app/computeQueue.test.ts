/** The compute queue on its own, each test with a fresh one: turns, the two lines, the bound, failures. */
import { describe, expect, it } from 'vitest';
import { ComputeQueue, Overloaded } from '../../app/server/computeQueue.server.ts';

/** A piece of work that ends when told to, and says when it started. */
function held(log: string[], name: string) {
  let end = () => {};
  const done = new Promise<void>((resolve) => {
    end = resolve;
  });
  return {
    work: async () => {
      log.push(`start ${name}`);
      await done;
      return name;
    },
    end: () => end(),
  };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('the compute queue', () => {
  it('runs at most maxComputing at once, and what someone waits for before background work', async () => {
    const q = new ComputeQueue(2, 10);
    const log: string[] = [];
    const [a, b, later, c] = ['a', 'b', 'later', 'c'].map((n) => held(log, n)) as [
      ReturnType<typeof held>,
      ReturnType<typeof held>,
      ReturnType<typeof held>,
      ReturnType<typeof held>,
    ];
    const runs = [q.inTurn(a.work), q.inTurn(b.work), q.inTurn(later.work, true), q.inTurn(c.work)];
    await tick();
    expect(log).toEqual(['start a', 'start b']);
    expect(q.load).toEqual({ computing: 2, waiting: 1, waitingLater: 1 });
    a.end();
    await tick();
    await tick();
    expect(log).toEqual(['start a', 'start b', 'start c']);
    b.end();
    await tick();
    await tick();
    expect(log.at(-1)).toBe('start later');
    c.end();
    later.end();
    expect(await Promise.all(runs)).toEqual(['a', 'b', 'later', 'c']);
    expect(q.load).toEqual({ computing: 0, waiting: 0, waitingLater: 0 });
  });

  it('refuses past maxWaiting in either line, and takes work again once there is room', async () => {
    const q = new ComputeQueue(1, 2);
    const log: string[] = [];
    const first = held(log, 'first');
    const running = q.inTurn(first.work);
    const waiting = [q.inTurn(async () => 'w1'), q.inTurn(async () => 'w2')];
    const background = [q.inTurn(async () => 'b1', true), q.inTurn(async () => 'b2', true)];
    await expect(q.inTurn(async () => 'w3')).rejects.toBeInstanceOf(Overloaded);
    await expect(q.inTurn(async () => 'b3', true)).rejects.toThrow(/computing 1 answers with 2 more waiting/);
    first.end();
    expect(await Promise.all([running, ...waiting, ...background])).toEqual(['first', 'w1', 'w2', 'b1', 'b2']);
    expect(await q.inTurn(async () => 'again')).toBe('again');
  });

  it('frees the turn of work that fails', async () => {
    const q = new ComputeQueue(1, 1);
    await expect(
      q.inTurn(async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(q.load.computing).toBe(0);
    expect(await q.inTurn(async () => 1)).toBe(1);
  });
});
