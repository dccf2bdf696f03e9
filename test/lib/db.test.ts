/** A statement that runs out of memory is run again with less, and the settings are put back. */
import { describe, expect, it } from 'vitest';
import { withLessMemoryOnRetry, withScratch } from '../../lib/db.ts';

const setting = async (conn: Parameters<Parameters<typeof withScratch>[0]>[0], name: string) =>
  String((await conn.runAndReadAll(`select current_setting('${name}')`)).getRows()[0]?.[0]);

describe('withLessMemoryOnRetry', () => {
  it('runs the work again without insertion order, then on one thread, and puts both back', () =>
    withScratch(async (conn) => {
      const threads = await setting(conn, 'threads');
      const seen: string[] = [];
      const result = await withLessMemoryOnRetry(conn, 'test', async () => {
        seen.push(`${await setting(conn, 'preserve_insertion_order')}/${await setting(conn, 'threads')}`);
        if (seen.length < 3) throw new Error('Out of Memory Error: failed to allocate data of size 64.0 MiB');
        return 'done';
      });
      expect(result).toBe('done');
      expect(seen).toEqual([`true/${threads}`, `false/${threads}`, 'false/1']);
      expect(await setting(conn, 'preserve_insertion_order')).toBe('true');
      expect(await setting(conn, 'threads')).toBe(threads);
    }));

  it('gives up after the last setting, and puts both back', () =>
    withScratch(async (conn) => {
      let runs = 0;
      const failing = withLessMemoryOnRetry(conn, 'test', async () => {
        runs++;
        throw new Error('Out of Memory Error: failed to pin block');
      });
      await expect(failing).rejects.toThrow(/^Out of Memory Error/);
      expect(runs).toBe(3);
      expect(await setting(conn, 'preserve_insertion_order')).toBe('true');
    }));

  it('does not run work again that failed for another reason', () =>
    withScratch(async (conn) => {
      let runs = 0;
      const failing = withLessMemoryOnRetry(conn, 'test', async () => {
        runs++;
        throw new Error('Binder Error: no such column');
      });
      await expect(failing).rejects.toThrow(/^Binder Error/);
      expect(runs).toBe(1);
    }));
});
