import { Link } from '@remix-run/react';
import { withParams } from '../shared/format.ts';

/** Previous / next links for a paged table; the page lives in the URL under `param`. */
export function Pager({
  search,
  page,
  pages,
  hasNext,
  param = 'page',
  label = 'Pages of the table',
}: {
  search: string;
  page: number;
  /** Total pages when known; otherwise `hasNext` says whether there is another. */
  pages?: number;
  hasNext?: boolean;
  param?: string;
  label?: string;
}) {
  const next = hasNext ?? (pages !== undefined && page + 1 < pages);
  return (
    <nav className="toolbar" aria-label={label}>
      {page > 0 && <Link to={withParams(search, { [param]: String(page - 1) })}>← Previous</Link>}
      <span>
        Page {page + 1}
        {pages !== undefined ? ` of ${pages}` : ''}
      </span>
      {next && <Link to={withParams(search, { [param]: String(page + 1) })}>Next →</Link>}
    </nav>
  );
}
