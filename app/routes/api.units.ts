/**
 * GET /api/units: the table behind the releases page (every unit of the
 * period), as JSON, one page at a time (ETag by data version):
 *   limit   rows per page, 1–10000 (default 1000)
 *   offset  rows skipped, in the order of the table (latest go-live first)
 * The body says `total` and gives `next`, the address of the following page
 * (null on the last one), so a client reads the whole period by following it.
 */
import type { LoaderFunctionArgs } from '@remix-run/node';
import { getUnitsJson } from '../../queries/units.ts';
import { badRequest, resolveFilters } from '../server/filters.server.ts';
import { cachedBody } from '../server/resources.server.ts';

export const UNITS_PAGE_DEFAULT = 1000;
export const UNITS_PAGE_MAX = 10_000;
const OFFSET_MAX = 100_000_000;

/** A whole number in [min, max] from the one value of `name`, or the default when absent. */
function count(url: URL, name: string, min: number, max: number, fallback: number): number | string {
  const values = url.searchParams.getAll(name);
  if (values.length === 0) return fallback;
  const [value] = values;
  if (values.length > 1) return `${name}: given ${values.length} times; give it once`;
  if (value === undefined || !/^\d{1,9}$/.test(value) || Number(value) < min || Number(value) > max)
    return `${name}: expected a whole number from ${min} to ${max}`;
  return Number(value);
}

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const limit = count(url, 'limit', 1, UNITS_PAGE_MAX, UNITS_PAGE_DEFAULT);
  const offset = count(url, 'offset', 0, OFFSET_MAX, 0);
  const problems = [limit, offset].filter((v): v is string => typeof v === 'string');
  if (problems.length > 0) throw badRequest(problems);
  const { params } = await resolveFilters(url, ['limit', 'offset']);
  const hrefAt = (at: number) => {
    const next = new URLSearchParams(url.search);
    next.set('offset', String(at));
    return `${url.pathname}?${next}`;
  };
  return cachedBody(
    'api/units',
    request,
    async () => getUnitsJson(params, { limit: limit as number, offset: offset as number, hrefAt }),
    'application/json; charset=utf-8',
  );
}
