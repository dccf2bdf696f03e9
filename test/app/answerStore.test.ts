/** The answer cache's state objects, each fresh per test: least recently used first out, versions, ETags. */
import { describe, expect, it } from 'vitest';
import { AnswerStore, EtagBook, MAX_ENTRIES, VersionBook } from '../../app/server/answerStore.server.ts';

const body = (n: number) => ({ bytes: new Uint8Array(n) as Uint8Array<ArrayBuffer>, gzipped: false });

describe('answer store', () => {
  it('keeps at most MAX_ENTRIES answers, dropping the least recently used', () => {
    const store = new AnswerStore();
    for (let i = 0; i < MAX_ENTRIES; i++) store.remember(`db|1|r|q${i}|`, body(10));
    store.take('db|1|r|q0|'); // used: now the newest
    store.remember('db|1|r|extra|', body(10));
    expect(store.has('db|1|r|q0|')).toBe(true);
    expect(store.has('db|1|r|q1|')).toBe(false);
    expect(store.has('db|1|r|extra|')).toBe(true);
  });

  it('forgets the answers of older data versions of one database, and their newest steps', () => {
    const store = new AnswerStore();
    store.remember('a.db|1|r|q|t1', body(1));
    store.noteNewest('a.db|1|r|q', 'a.db|1|r|q|t1');
    store.remember('a.db|2|r|q|t1', body(1));
    store.remember('b.db|1|r|q|t1', body(1));
    store.forgetOlderThan('a.db', 2);
    expect([store.has('a.db|1|r|q|t1'), store.has('a.db|2|r|q|t1'), store.has('b.db|1|r|q|t1')]).toEqual([
      false,
      true,
      true,
    ]);
    expect(store.newestOf('a.db|1|r|q')).toBeUndefined();
  });

  it('says when a version is newer than any seen', () => {
    const versions = new VersionBook();
    expect([
      versions.saw('a.db', 2),
      versions.saw('a.db', 2),
      versions.saw('a.db', 1),
      versions.saw('a.db', 3),
    ]).toEqual([true, false, false, true]);
  });

  it('an ETag is current while the writes and the step it was handed out at hold', () => {
    const etags = new EtagBook();
    etags.handOut('"e1"', 5, '2026-12-06T10:00:00.000Z');
    etags.handOut('"e2"', 5, '');
    expect(etags.isCurrent('"e1"', 5, '2026-12-06T10:00:00.000Z')).toBe(true);
    expect(etags.isCurrent('"e1"', 6, '2026-12-06T10:00:00.000Z')).toBe(false);
    expect(etags.isCurrent('"e1"', 5, '2026-12-06T10:05:00.000Z')).toBe(false);
    expect(etags.isCurrent('"e2"', 5, '2026-12-06T10:05:00.000Z')).toBe(true); // an answer with its own as_of
    expect(etags.isCurrent('"e3"', 5, '')).toBe(false);
  });
});
