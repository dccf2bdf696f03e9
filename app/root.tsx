import type { LinksFunction } from '@remix-run/node';
import {
  isRouteErrorResponse,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLocation,
  useRouteError,
} from '@remix-run/react';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { useNonce } from './shared/nonce.ts';
import styles from './styles.css?url';

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: styles },
  { rel: 'icon', href: 'data:,' },
];

const pages = [
  { to: '/', label: 'Overview' },
  { to: '/releases', label: 'Releases' },
  { to: '/incidents', label: 'Incident patterns' },
  { to: '/trends', label: 'Trends' },
  { to: '/upcoming', label: 'Upcoming' },
  { to: '/review', label: 'Review links' },
  { to: '/data', label: 'Data' },
];

/**
 * The alerts link, with the number firing now. Asked for after the page
 * loads: an evaluation changes it without a new data version, so it is no
 * part of a kept document.
 */
function AlertsLink() {
  const [active, setActive] = useState<number | null>(null);
  useEffect(() => {
    let live = true;
    fetch('/api/alerts', { headers: { accept: 'application/json' } })
      .then((r) => (r.ok ? r.json() : null))
      .then((body: { active?: number } | null) => {
        if (live && typeof body?.active === 'number') setActive(body.active);
      })
      .catch(() => {});
    return () => {
      live = false;
    };
  }, []);
  return (
    <NavLink to="/alerts" aria-label={active ? `Alerts: ${active} firing` : undefined}>
      Alerts
      {active ? (
        <span className="badge" data-alerts-active={active}>
          {active}
        </span>
      ) : null}
    </NavLink>
  );
}

/** Navigation keeps the filters (the query string) when moving between pages. */
function Nav() {
  const { search } = useLocation();
  return (
    <nav className="nav" aria-label="Pages">
      <span className="brand">ReleaseLens</span>
      {pages.map((p) => (
        <NavLink key={p.to} to={{ pathname: p.to, search: p.to === '/data' ? '' : search }} end={p.to === '/'}>
          {p.label}
        </NavLink>
      ))}
      <AlertsLink />
    </nav>
  );
}

/** Pages whose first result row has id="results": a second skip link jumps straight to it, past the filters. */
const resultPages: Record<string, string> = { '/releases': 'Skip to the results' };

function ResultsSkipLink() {
  const { pathname } = useLocation();
  const label = resultPages[pathname];
  if (!label) return null;
  return (
    // biome-ignore lint/a11y/useValidAnchor: a skip link is a link to #results; the handler only moves focus there too
    <a
      className="skip"
      href="#results"
      onClick={(e) => {
        const target = document.getElementById('results');
        if (!target) return;
        e.preventDefault();
        target.focus();
      }}
    >
      {label}
    </a>
  );
}

/**
 * After a client-side navigation (a link, a form, Back), focus goes to the new
 * page's main heading, as a page load would put a screen reader at the top.
 */
function useFocusHeadingOnNavigation() {
  const { pathname, search } = useLocation();
  const shown = `${pathname}${search}`;
  // the address the page was shown at: hydration settles the router's location (its key changes) without a
  // navigation, and a page load must not get a focus ring on its heading, so only a new address moves focus
  const last = useRef(shown);
  useEffect(() => {
    if (last.current === shown) return;
    last.current = shown;
    const heading = document.querySelector<HTMLElement>('main h1');
    if (!heading) return;
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: true });
  }, [shown]);
}

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip" href="#main">
          Skip to content
        </a>
        <ResultsSkipLink />
        <Nav />
        <main id="main">{children}</main>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  useFocusHeadingOnNavigation();
  return <Outlet />;
}

export function ErrorBoundary() {
  return <RouteError />;
}

/** Explains a failed page in a release manager's words; used by every route. */
export function RouteError() {
  const error = useRouteError();
  if (isRouteErrorResponse(error)) {
    const said = (error.data as { error?: unknown } | null)?.error;
    const text =
      typeof error.data === 'string' ? error.data : typeof said === 'string' ? said : JSON.stringify(error.data);
    const title =
      error.status === 400
        ? 'Some filter values are not valid'
        : error.status === 404
          ? 'Not found'
          : error.status === 403
            ? 'Not allowed'
            : error.status === 503
              ? 'Busy: not computed this time'
              : `Something went wrong (${error.status})`;
    const help =
      error.status === 400
        ? 'Change the values below in the address bar or reset the filters.'
        : error.status === 404
          ? 'It may have been removed by a newer export, or the link points at another delivery unit.'
          : error.status === 503
            ? 'Nothing is wrong with the data. Reload the page in a little while.'
            : 'Try again; if it keeps happening, check the server log.';
    return (
      <section className="error" role="alert">
        <h1>{title}</h1>
        <pre>{text}</pre>
        <p>{help}</p>
        <p>
          <a href="/">Back to the overview with default filters</a>
        </p>
      </section>
    );
  }
  const message = error instanceof Error ? error.message : 'Unknown error';
  return (
    <section className="error" role="alert">
      <h1>The numbers could not be computed</h1>
      <p>The dashboard could not read the database or run a KPI model. The server log has the details.</p>
      <pre>{message}</pre>
      <p>
        <a href="/">Back to the overview</a>
      </p>
    </section>
  );
}
