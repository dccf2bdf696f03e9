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
  const timer = setTimeout(() => {
    fired = true;
    interrupt();
  }, ms);
  timer.unref();
  try {
    return await work();
  } catch (err) {
    if (fired) throw new TimeLimitReached(what, Math.round(ms / 1000));
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
