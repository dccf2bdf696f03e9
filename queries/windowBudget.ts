/**
 * The window budget (decision 036): besides the default window and the
 * sensitivity set, a build of the models holds at most MAX_OTHER_WINDOWS
 * (window, unit kind) pairs. Each costs seconds and megabytes at scale, and a
 * GET with a new `window` adds one, so the least recently read is dropped to
 * make room (its rows deleted, so the file's space is reused); a new data
 * version carries at most six of them (queries/stores.ts).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { DEFAULT_WINDOW_HOURS, SENSITIVITY_WINDOWS, type WindowNeed } from './catalogue.ts';
import { dropWindow, heldWindows } from './stores.ts';

const keyOf = (need: WindowNeed) => `${need.unit}@${need.window}`;

/** Windows held per data version besides the standing ones. */
export const MAX_OTHER_WINDOWS = 6;

/** When each window of a build was last read: `schema|unit@window` -> ms (bounded). */
const lastRead = new Map<string, number>();
const MAX_LAST_READ = 1000;

/** Notes that a read used these windows of this build. */
export function noteRead(schema: string, windows: WindowNeed[]) {
  for (const w of windows) {
    const key = `${schema}|${keyOf(w)}`;
    lastRead.delete(key);
    lastRead.set(key, Date.now());
  }
  while (lastRead.size > MAX_LAST_READ) lastRead.delete(lastRead.keys().next().value as string);
}

/** The default window and the sensitivity set: always held, never dropped. */
export const standing = (window: number) =>
  window === DEFAULT_WINDOW_HOURS || (SENSITIVITY_WINDOWS as readonly number[]).includes(window);

/** No window can be dropped to make room for another (each one left is the source of a narrowed one). */
export class WindowBudgetSpent extends Error {}

/** Drops the least recently read window other than the standing ones when the build holds its maximum. */
export async function makeRoom(conn: DuckDBConnection, schema: string): Promise<void> {
  const held = await heldWindows(conn, schema);
  const others = held.filter((h) => !standing(h.window));
  if (others.length < MAX_OTHER_WINDOWS) return;
  const sources = new Set(held.filter((h) => h.narrowedFrom !== null).map((h) => `${h.unit}@${h.narrowedFrom}`));
  const read = (h: WindowNeed) => lastRead.get(`${schema}|${keyOf(h)}`) ?? 0;
  const victim = others.filter((h) => !sources.has(keyOf(h))).sort((a, b) => read(a) - read(b))[0];
  if (!victim)
    throw new WindowBudgetSpent(
      `${others.length} other windows are held and none can be dropped now; use one of ${[...SENSITIVITY_WINDOWS].join(', ')} hours`,
    );
  await conn.run('begin transaction');
  try {
    await dropWindow(conn, schema, victim);
    await conn.run('commit');
  } catch (err) {
    await conn.run('rollback');
    throw err;
  }
  console.error(`window ${victim.window} h for ${victim.unit} units dropped to make room (least recently read)`);
}
