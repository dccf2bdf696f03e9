/**
 * The compute queue: at most `maxComputing` answers are computed at once, and
 * at most `maxWaiting` wait in each of two lines (someone waits for the
 * first; nobody waits for the second, the background recomputations). Past
 * that a request is refused (Overloaded: 503 with Retry-After) rather than
 * held in memory. Without a limit, a burst of new parameter sets (or every
 * open page at the turn of a step) runs that many heavy reads at once, which
 * share two cores and one memory limit and all finish late.
 *
 * Its state is the object's own: the dashboard has one (answers.server.ts),
 * a test makes a fresh one.
 */

/** The queue is full: the request is refused rather than queued. */
export class Overloaded extends Error {
  constructor(computing: number, waiting: number) {
    super(`the server is computing ${computing} answers with ${waiting} more waiting`);
  }
}

export class ComputeQueue {
  private computing = 0;
  /** Someone waits for these answers. */
  private readonly waiting: (() => void)[] = [];
  /** Nobody waits for these: the next step of answers served from the previous step meanwhile. */
  private readonly waitingLater: (() => void)[] = [];

  constructor(
    readonly maxComputing: number,
    readonly maxWaiting: number,
  ) {}

  /** How many answers are being computed and waiting now. */
  get load() {
    return { computing: this.computing, waiting: this.waiting.length, waitingLater: this.waitingLater.length };
  }

  /**
   * Runs `work` when a turn is free. Work someone waits for goes before
   * background work: otherwise, at the turn of a step, the recomputation of
   * every open answer queues ahead of the requests for answers that are not
   * kept at all (after an ingest), and those time out.
   */
  async inTurn<T>(work: () => Promise<T>, background = false): Promise<T> {
    if (this.computing >= this.maxComputing) {
      const line = background ? this.waitingLater : this.waiting;
      if (line.length >= this.maxWaiting) throw new Overloaded(this.maxComputing, this.maxWaiting);
      await new Promise<void>((resolve) => line.push(resolve));
    }
    this.computing++;
    try {
      return await work();
    } finally {
      this.computing--;
      (this.waiting.shift() ?? this.waitingLater.shift())?.();
    }
  }
}
