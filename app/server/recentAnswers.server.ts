/**
 * The answers asked for most recently (without data version or step), with
 * how to compute them: when an ingest has made a new data version current,
 * they are computed on it in the background (answers.server.ts registers
 * this on the version-switch event), so the pages people have open mostly
 * answer from the cache when they next ask.
 */
import type { WindowNeed } from '../../queries/catalogue.ts';
import { readSnapshot } from '../../queries/snapshot.ts';
import type { Kept } from './answerStore.server.ts';

export interface Recent {
  file: string;
  route: string;
  search: string;
  hasAsOf: boolean;
  windows: WindowNeed[];
  compute: () => Promise<Kept>;
}

const MAX_RECENT = 200;
/** At most this many answers, and this long, per new data version (in the background: nobody waits for it). */
const WARM_ANSWERS = 60;
const WARM_BUDGET_MS = 30_000;

export class RecentAnswers {
  private readonly recent = new Map<string, Recent>();

  note(r: Recent): void {
    const id = `${r.file}|${r.route}|${r.search}`;
    this.recent.delete(id);
    this.recent.set(id, r);
    if (this.recent.size > MAX_RECENT) this.recent.delete(this.recent.keys().next().value as string);
  }

  /** The most recent first, at most WARM_ANSWERS, of one database. */
  newestOf(file: string): Recent[] {
    return [...this.recent.values()]
      .filter((r) => r.file === file)
      .reverse()
      .slice(0, WARM_ANSWERS);
  }
}

/** What warming needs of the cache: whether a key is kept, computing one, noting a version seen, the step of now. */
export interface WarmDeps {
  kept: (key: string) => boolean;
  computeOnce: (key: string, base: string, asOf: string, compute: () => Promise<Kept>) => Promise<Kept>;
  saw: (file: string, dataVersion: number) => void;
  step: () => string;
}

/**
 * Computes the most recent answers on a data version that just became
 * current, two at a time behind any request someone waits for. The ingest
 * does not wait for this (decision 011). An answer whose window the new
 * version does not hold is left until someone asks: adding a window is a write.
 */
export function warmRecent(file: string, dataVersion: number, recent: RecentAnswers, deps: WarmDeps): void {
  const list = recent.newestOf(file);
  if (list.length === 0) return;
  const t0 = performance.now();
  let computed = 0;
  let superseded = false;
  const warmNext = async (): Promise<void> => {
    const r = list.shift();
    if (!r || superseded || performance.now() - t0 > WARM_BUDGET_MS) return;
    try {
      await readSnapshot(
        async (version) => {
          deps.saw(file, version);
          // a newer version is current: its own warming takes over
          if (version !== dataVersion) {
            superseded = true;
            return;
          }
          const asOf = r.hasAsOf ? '' : deps.step();
          const base = `${file}|${version}|${r.route}|${r.search}`;
          const key = `${base}|${asOf}`;
          if (deps.kept(key)) return;
          await deps.computeOnce(key, base, asOf, r.compute);
          computed++;
        },
        r.windows,
        { addWindows: false },
      );
    } catch {
      // a window the version does not hold, a refused parameter: computed when asked
    }
    return warmNext();
  };
  const total = list.length;
  Promise.all([warmNext(), warmNext()])
    .then(() =>
      console.error(
        `answers: ${computed} of the ${total} most recent answers computed on data version ${dataVersion} in ${((performance.now() - t0) / 1000).toFixed(1)} s, after it became current`,
      ),
    )
    .catch((err) => console.error(`computing recent answers on data version ${dataVersion}: ${err}`));
}
