/**
 * /upcoming: the releases and changes scheduled in the days ahead, for the
 * change advisory board, ordered by evidence with every reason in words
 * (queries/agenda.ts); a CSV for the agenda and a printable pack.
 */

import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData, useLocation } from '@remix-run/react';
import { RouteError } from '../root.tsx';
import { upcomingFor } from '../server/upcoming.server.ts';
import { dateField } from '../shared/dateField.ts';
import { UpcomingTable } from '../views/upcoming/UpcomingTable.tsx';

export const meta: MetaFunction = () => [{ title: 'Upcoming changes · ReleaseLens' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { params, upcoming } = await upcomingFor(request);
  return { params, upcoming };
}

const day = (iso: string) => iso.slice(0, 10);

export default function Upcoming() {
  const { params: p, upcoming: u } = useLoaderData<typeof loader>();
  const { search } = useLocation();
  const stops = u.items.filter((i) => i.reasons.some((r) => r.level === 'stop')).length;
  const query = search.startsWith('?') ? search : `?${search}`;
  const weekOf = (iso: string) => `/upcoming?from=${day(iso)}&days=${p.days}`;
  return (
    <>
      <h1>Upcoming changes</h1>
      <p className="lede">
        {u.items.length} {p.kind === 'all' ? 'releases and changes' : `${p.kind}s`} scheduled from{' '}
        {u.fromAt.slice(0, 16).replace('T', ' ')} to {u.toAt.slice(0, 16).replace('T', ' ')} UTC; {stops} with a reason
        to stop. Ordered by evidence: first by the reasons to stop (a freeze it touches, a required approval missing),
        then by the reasons to look (overlapping work on the same service or CI, a check still open, a service that
        failed or overran more than the rest in the last {u.historyDays} days), then by planned start. Each reason is
        written out; nothing is scored.
      </p>
      <Form method="get" className="toolbar" aria-label="Agenda">
        <label>
          From <input {...dateField} name="from" defaultValue={day(u.fromAt)} />
        </label>
        <label>
          Days{' '}
          <select name="days" defaultValue={String(p.days)}>
            {[1, 3, 7, 14, 30].map((d) => (
              <option key={d}>{d}</option>
            ))}
          </select>
        </label>
        <label>
          Show{' '}
          <select name="kind" defaultValue={p.kind}>
            <option value="all">releases and changes</option>
            <option value="release">releases</option>
            <option value="change">changes</option>
          </select>
        </label>
        <button type="submit">Show</button>
        <a className="button secondary" href={`/upcoming.csv${query}`} download>
          CSV for the agenda
        </a>
        <a className="button secondary" href={`/upcoming.html${query}`} data-pack="">
          Printable pack
        </a>
      </Form>
      {u.items.length === 0 ? (
        <div className="notice" data-empty="upcoming">
          <p>Nothing is scheduled in these days.</p>
          {u.next.after && (
            <p>
              The next scheduled {p.kind === 'all' ? 'work' : p.kind} starts{' '}
              {u.next.after.slice(0, 16).replace('T', ' ')} UTC:{' '}
              <Link to={weekOf(u.next.after)}>show the days from {day(u.next.after)}</Link>.
            </p>
          )}
          {!u.next.after && u.next.latest && (
            <p>
              The latest planned start in the data is {u.next.latest.slice(0, 16).replace('T', ' ')} UTC, before these
              days: the data may be behind (see the Data page), or{' '}
              <Link to={weekOf(new Date(Date.parse(u.next.latest) - 7 * 86_400_000).toISOString())}>
                show the days before it
              </Link>
              .
            </p>
          )}
          {!u.next.after && !u.next.latest && <p>The data holds no release or change with a planned start.</p>}
        </div>
      ) : (
        <UpcomingTable
          items={u.items}
          historyDays={u.historyDays}
          hrefOf={(i) => `/releases/${encodeURIComponent(i.unit_id)}?unit=${i.unit_kind}`}
        />
      )}
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
