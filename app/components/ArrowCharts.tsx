/**
 * Fetches incident-level points as Arrow IPC from a resource route and
 * decodes them in the browser for the chart builders (its own module, so only
 * the pages that chart incidents ship the Arrow decoder).
 */
import { tableFromIPC } from 'apache-arrow';
import type { ReactNode } from 'react';
import { FetchState, useFetched } from './Fetched.tsx';

const arrowRows = async (res: Response) =>
  tableFromIPC(new Uint8Array(await res.arrayBuffer()))
    .toArray()
    .map((r) => r.toJSON());

export function useArrowRows<T>(url: string): { rows: T[] | null; error: string | null } {
  const { data, error } = useFetched(url, arrowRows);
  return { rows: data as T[] | null, error };
}

export function ArrowState(props: { error: string | null; loading: boolean; children: ReactNode }) {
  return <FetchState {...props} what="incident points" />;
}
