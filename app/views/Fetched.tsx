/**
 * Chart data fetched after the page has loaded, from resource routes (a
 * quarter's go-lives as JSON columns; the incident charts' counts). Keeping
 * them out of the page's loader data keeps the
 * document small, and each resource is cached (and gzipped) on its own.
 */
import { type ReactNode, useEffect, useState } from 'react';

export function useFetched<T>(
  url: string,
  decode: (res: Response) => Promise<T>,
): { data: T | null; error: string | null } {
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

const json = (res: Response) => res.json();

export function useJson<T>(url: string): { data: T | null; error: string | null } {
  const { data, error } = useFetched(url, json);
  return { data: data as T | null, error };
}

/** What shows while fetched data loads, or when it could not be. */
export function FetchState({
  error,
  loading,
  children,
  what,
}: {
  error: string | null;
  loading: boolean;
  children: ReactNode;
  /** What is being loaded, in words ("go-lives"). */
  what: string;
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
