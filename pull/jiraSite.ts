/**
 * What a pull learns of a Jira site once per run: Cloud or Data Center, the
 * time zone of the user whose token is used (/myself: every JQL bound is
 * written in it), and the site's fields (/field: custom fields are found by
 * name); and what a 401 or 403 from it means.
 */
import { isTimeZone } from '../lib/timeZone.ts';
import type { JiraSource } from './config.ts';
import { type Api, PullError, request } from './http.ts';

export function jiraDenied(status: number): string {
  return status === 401
    ? 'Jira did not accept the credentials (Cloud: the account email and an API token; Data Center: a personal access token)'
    : 'the account may not browse these projects or issues: give it the Browse projects permission (and Service Management agent access for JSM projects)';
}

/** Everything a run learns once per source: the API version, the token user's zone, the fields by name. */
export interface JiraSite {
  api: Omit<Api, 'label' | 'denied'>;
  cloud: boolean;
  zone: string;
  fields: { id: string; name: string }[];
}

export async function readJiraSite(source: JiraSource, api: Omit<Api, 'label' | 'denied'>): Promise<JiraSite> {
  const cloud = (source.deployment ?? ('email_env' in source.auth ? 'cloud' : 'data_center')) === 'cloud';
  const v = cloud ? 3 : 2;
  const siteApi: Api = { ...api, label: source.name, denied: jiraDenied };
  const me = (await request(siteApi, `/rest/api/${v}/myself`, { what: 'GET myself' })).body as {
    timeZone?: unknown;
  } | null;
  const zone = typeof me?.timeZone === 'string' ? me.timeZone : '';
  if (!isTimeZone(zone))
    throw new PullError(
      `${source.name}: /myself gives no IANA time zone for the token's user ('${zone.slice(0, 60)}')`,
    );
  const list = (await request(siteApi, `/rest/api/${v}/field`, { what: 'GET field' })).body;
  if (!Array.isArray(list)) throw new PullError(`${source.name}: /field did not answer a list`);
  const fields = list
    .filter((f): f is { id: string; name: string } => typeof f?.id === 'string' && typeof f?.name === 'string')
    .map((f) => ({ id: f.id, name: f.name }));
  return { api, cloud, zone, fields };
}
