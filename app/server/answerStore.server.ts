/**
 * The state of the answer cache (answers.server.ts), as objects that are
 * passed explicitly (a test can make fresh ones): the kept answers within a
 * count and a byte budget, the data versions reads have seen, and the ETags
 * handed out.
 */
import type { Packed } from '../shared/packed.ts';

/** A resource body kept as sent: its bytes, and gzipped once when large enough to be worth it (resources.server.ts). */
export interface Body {
  /** The body as is (small ones), or gzipped (the rest; unzipped for the rare client that asks for no gzip). */
  bytes: Uint8Array<ArrayBuffer>;
  gzipped: boolean;
}

/** What the cache keeps. */
export type Kept = Packed<unknown> | Body;

const sizeOf = (v: Kept) => ('json' in v ? v.json.length : v.bytes.byteLength);

export const MAX_ENTRIES = 500;
/** The cache's budget in bytes: answers differ in size by a thousand times (a KPI object, every unit of a quarter). */
export const MAX_BYTES = 192 * 1024 * 1024;

/**
 * Kept answers by key (database | data version | route | parameters | step),
 * least recently used first; the answers being computed; and, for answers
 * without as_of, the newest step kept of each base (the key without the step).
 */
export class AnswerStore {
  private readonly entries = new Map<string, Kept>();
  private readonly sizes = new Map<string, number>();
  private bytes = 0;
  /** Answers being computed: a second request for the same key waits for the first instead of computing again. */
  readonly inflight = new Map<string, Promise<Kept>>();
  private readonly newest = new Map<string, string>();

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** The kept answer, now the most recently used. */
  take(key: string): Kept | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  remember(key: string, value: Kept): void {
    const bytes = sizeOf(value);
    this.entries.set(key, value);
    this.sizes.set(key, bytes);
    this.bytes += bytes;
    while (this.entries.size > 1 && (this.entries.size > MAX_ENTRIES || this.bytes > MAX_BYTES)) {
      this.drop(this.entries.keys().next().value as string);
    }
  }

  /** The key of the newest step kept for a base, if any. */
  newestOf(base: string): string | undefined {
    return this.newest.get(base);
  }

  noteNewest(base: string, key: string): void {
    this.newest.delete(base);
    this.newest.set(base, key);
    if (this.newest.size > MAX_ENTRIES) this.newest.delete(this.newest.keys().next().value as string);
  }

  /** Forgets the answers of a database's data versions older than `keep` (no read can ask for them again). */
  forgetOlderThan(file: string, keep: number): void {
    const prefix = `${file}|`;
    const older = (key: string) =>
      key.startsWith(prefix) && Number(key.slice(prefix.length, key.indexOf('|', prefix.length))) < keep;
    for (const key of [...this.entries.keys()].filter(older)) this.drop(key);
    for (const base of [...this.newest.keys()].filter(older)) this.newest.delete(base);
  }

  private drop(key: string): void {
    this.entries.delete(key);
    this.bytes -= this.sizes.get(key) ?? 0;
    this.sizes.delete(key);
  }
}

/**
 * Per database: the data version the last read saw with the writer count
 * before that read (lib/db.ts; while the count is unchanged that version is
 * still current, so a cached answer is served without opening a snapshot),
 * and the newest data version any read has seen.
 */
export class VersionBook {
  readonly lastRead = new Map<string, { writes: number; dataVersion: number }>();
  private readonly newestVersion = new Map<string, number>();

  /** Notes a version a read saw; true when it is newer than any before (older answers can then go). */
  saw(file: string, dataVersion: number): boolean {
    if (dataVersion <= (this.newestVersion.get(file) ?? 0)) return false;
    this.newestVersion.set(file, dataVersion);
    return true;
  }
}

/**
 * The ETags last handed out, with the writer count and step they were current
 * at: while neither has moved, a request for the same parameters would get the
 * same ETag, so a document kept for it can be sent without asking Remix
 * (documents.server.ts).
 */
export class EtagBook {
  private readonly handedOut = new Map<string, { writes: number; step: string }>();

  handOut(etag: string, writes: number, step: string): void {
    this.handedOut.delete(etag);
    this.handedOut.set(etag, { writes, step });
    if (this.handedOut.size > MAX_ENTRIES) this.handedOut.delete(this.handedOut.keys().next().value as string);
  }

  isCurrent(etag: string, writes: number, step: string): boolean {
    const h = this.handedOut.get(etag);
    return h !== undefined && h.writes === writes && (h.step === '' || h.step === step);
  }
}
