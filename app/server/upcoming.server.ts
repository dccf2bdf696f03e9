/** What /upcoming, /upcoming.csv and /upcoming.html share: the parameters checked, then the agenda. */
import { getUpcoming, type Upcoming, type UpcomingParams } from '../../queries/agenda.ts';
import { upcomingParams } from '../shared/upcomingParams.ts';
import { badRequest } from './filters.server.ts';

export async function upcomingFor(request: Request): Promise<{ params: UpcomingParams; upcoming: Upcoming }> {
  const params = upcomingParams(new URL(request.url));
  if (Array.isArray(params)) throw badRequest(params);
  return { params, upcoming: await getUpcoming(params) };
}
