/**
 * Chart data fetched after the page has loaded, from resource routes: a
 * quarter's incident points (Arrow IPC, decoded in the browser) or go-lives
 * (JSON columns). Keeping them out of the page's loader data keeps the
 * document small, and the resource is cached (and gzipped) on its own.
 */
import { tableFromIPC } from 'apache-arrow';
import { type ReactNode, useEffect, useState } from 'react';

function useFetched<T>(url: string, decode: (res: Response) => Promise<T>): { data: T | null; error: string | null } {
  const [state, setState] = useState<{ data: T | null; error: string | null }>({ data: null, error: null });
  useEffect(() => {
    let live = true;
    setState({ data: null, error: null });
    fetch(url)
      .then(async (res) => {
        if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
        const data = await decode(res);
        if (live) setState({ data, error: null });
      })
      .catch((err: Error) => live && setState({ data: null, error: err.message }));
    return () => {
      live = false;
    };
  }, [url, decode]);
  return state;
}

const arrowRows = async (res: Response) =>
  tableFromIPC(new Uint8Array(await res.arrayBuffer()))
    .toArray()
    .map((r) => r.toJSON());

export function useArrowRows<T>(url: string): { rows: T[] | null; error: string | null } {
  const { data, error } = useFetched(url, arrowRows);
  return { rows: data as T[] | null, error };
}

const json = (res: Response) => res.json();

export function useJson<T>(url: string): { data: T | null; error: string | null } {
  const { data, error } = useFetched(url, json);
  return { data: data as T | null, error };
}

export function ArrowState({
  error,
  loading,
  children,
  what = 'incident points',
}: {
  error: string | null;
  loading: boolean;
  children: ReactNode;
  /** What is being loaded, in words ("incident points"). */
  what?: string;
}) {
  if (error)
    return (
      <p className="notice">
        The {what} could not be loaded: {error}
      </p>
    );
  if (loading) return <p className="detail">Loading {what}…</p>;
  return <>{children}</>;
}
