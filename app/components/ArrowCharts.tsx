/**
 * Fetches incident-level points as Arrow IPC from a resource route, decodes
 * them in the browser, and hands them to chart builders.
 */
import { tableFromIPC } from 'apache-arrow';
import { type ReactNode, useEffect, useState } from 'react';

export function useArrowRows<T>(url: string): { rows: T[] | null; error: string | null } {
  const [state, setState] = useState<{ rows: T[] | null; error: string | null }>({ rows: null, error: null });
  useEffect(() => {
    let live = true;
    setState({ rows: null, error: null });
    fetch(url)
      .then(async (res) => {
        if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
        const table = tableFromIPC(new Uint8Array(await res.arrayBuffer()));
        const rows = table.toArray().map((r) => r.toJSON() as T);
        if (live) setState({ rows, error: null });
      })
      .catch((err: Error) => live && setState({ rows: null, error: err.message }));
    return () => {
      live = false;
    };
  }, [url]);
  return state;
}

export function ArrowState({
  error,
  loading,
  children,
}: {
  error: string | null;
  loading: boolean;
  children: ReactNode;
}) {
  if (error) return <p className="notice">The incident points could not be loaded: {error}</p>;
  if (loading) return <p className="detail">Loading incident points…</p>;
  return <>{children}</>;
}
