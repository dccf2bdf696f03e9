/**
 * A time limit for DuckDB work: past it the work's connections are
 * interrupted (DuckDB stops the running statement, the caller rolls back) and
 * the caller gets TimeLimitReached, which the dashboard answers with 503 and
 * Retry-After.
 */
import { config } from './config.ts';

export class TimeLimitReached extends Error {
  constructor(
    what: string,
    readonly seconds: number,
  ) {
    super(`${what} took longer than ${seconds} s and was stopped`);
  }
}

/** The limit for one read of the models, in ms (RELEASELENS_QUERY_SECONDS). */
export const readLimitMs = () => config().RELEASELENS_QUERY_SECONDS * 1000;

/** Runs `work`; after `ms` calls `interrupt` and turns the failure that follows into TimeLimitReached. */
export async function withTimeLimit<T>(
  ms: number,
  what: string,
  interrupt: () => void,
  work: () => Promise<T>,
): Promise<T> {
  let fired = false;
  let again: NodeJS.Timeout | undefined;
  // DuckDB drops an interrupt that comes between two statements: it is repeated until the work ends
  const timer = setTimeout(() => {
    fired = true;
    interrupt();
    again = setInterval(interrupt, 20);
    again.unref();
  }, ms);
  timer.unref();
  try {
    const result = await work();
    if (fired) throw new Error('interrupted'); // finished only after its time: not an answer to keep
    return result;
  } catch (err) {
    if (fired) throw new TimeLimitReached(what, Number((ms / 1000).toPrecision(3)));
    throw err;
  } finally {
    clearTimeout(timer);
    clearInterval(again);
  }
}
