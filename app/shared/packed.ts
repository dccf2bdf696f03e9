/**
 * A page loader's answer travels as one JSON text. Remix encodes loader data
 * for every document request (turbo-stream walks every value of it, even when
 * the document itself is kept, see documents.server.ts): for a quarter's
 * overview that walk cost more than everything else the request did. A single
 * string is one value to encode; the component parses it once per answer.
 * Loader answers are plain JSON data (ISO strings, no Date, Map or undefined
 * that matters), which pack keeps as it is.
 */
import { useLoaderData } from '@remix-run/react';
import { useMemo } from 'react';

export interface Packed<T> {
  json: string;
  /** Only for the type of what was packed. */
  readonly shape?: T;
}

export const pack = <T>(value: T): Packed<T> => ({ json: JSON.stringify(value) });

export const unpack = <T>(packed: Packed<T>): T => JSON.parse(packed.json) as T;

/** What a loader returning data(pack(answer)) answered. */
export type AnswerOf<L> =
  Awaited<L extends (...args: never[]) => infer R ? R : never> extends { data: Packed<infer T> } ? T : never;

/** The current route's packed loader answer, parsed once per answer. */
export function useAnswer<L>(): AnswerOf<L> {
  const packed = useLoaderData() as unknown as Packed<AnswerOf<L>>;
  return useMemo(() => unpack(packed), [packed]);
}
