import type { FetcherWithComponents } from '@remix-run/react';
import { Form } from '@remix-run/react';

/** The link a review is about. */
export interface LinkRef {
  incident_id: string;
  unit_kind: string;
  unit_id: string;
}

/**
 * Confirm / Reject (with an optional reason) for one inferred link, or
 * Withdraw for a reviewed one. With a fetcher the page stays and reloads its
 * data; without, the form posts to /review, which sends the browser `back`.
 */
export function ReviewButtons({
  link,
  verdict,
  back,
  fetcher,
  label,
}: {
  link: LinkRef;
  /** The link's current review, if any. */
  verdict?: 'confirmed' | 'rejected' | null;
  back?: string;
  fetcher?: FetcherWithComponents<unknown>;
  /** Names the link in the controls' accessible names (e.g. "INC1 to R2"). */
  label: string;
}) {
  const FormOf = fetcher ? fetcher.Form : Form;
  const busy = fetcher ? fetcher.state !== 'idle' : false;
  return (
    <FormOf method="post" action="/review" className="review-form" data-review={`${link.incident_id}:${link.unit_id}`}>
      <input type="hidden" name="incident_id" value={link.incident_id} />
      <input type="hidden" name="unit_kind" value={link.unit_kind} />
      <input type="hidden" name="unit_id" value={link.unit_id} />
      {back && <input type="hidden" name="back" value={back} />}
      {verdict ? (
        <button
          type="submit"
          name="verdict"
          value="withdrawn"
          disabled={busy}
          aria-label={`Withdraw the review of ${label}`}
        >
          Withdraw
        </button>
      ) : (
        <>
          <input
            type="text"
            name="reason"
            maxLength={1000}
            placeholder="reason (optional)"
            aria-label={`Reason for the verdict on ${label} (optional)`}
            size={16}
          />
          <button type="submit" name="verdict" value="confirmed" disabled={busy} aria-label={`Confirm ${label}`}>
            Confirm
          </button>
          <button type="submit" name="verdict" value="rejected" disabled={busy} aria-label={`Reject ${label}`}>
            Reject
          </button>
        </>
      )}
    </FormOf>
  );
}
