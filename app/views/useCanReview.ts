import { useEffect, useState } from 'react';

/** Asked once per page load: may the person at this browser review incident links (GET /api/reviews)? */
let asked: Promise<boolean> | null = null;

const ask = () =>
  fetch('/api/reviews', { headers: { accept: 'application/json' } })
    .then((r): Promise<{ canReview?: boolean }> => (r.ok ? r.json() : Promise.resolve({})))
    .then((b) => b.canReview === true)
    .catch(() => false);

/**
 * Whether to show Confirm / Reject on pages whose answer is shared by every
 * reader (cached by data version): false until the server says otherwise.
 * The server checks again on every review.
 */
export function useCanReview(): boolean {
  const [can, setCan] = useState(false);
  useEffect(() => {
    asked ??= ask();
    let live = true;
    asked.then((v) => live && setCan(v));
    return () => {
      live = false;
    };
  }, []);
  return can;
}
