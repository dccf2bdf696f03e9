/** The release policy checks of one unit, said in a sentence (release detail). */
import type { UnitRow } from '../../queries/units.ts';

const checks = [
  ['chk_authorised_before_start', 'authorised before the start', 'not authorised before the start'],
  ['chk_rollback_tested', 'rollback plan tested', 'rollback plan not tested'],
  ['chk_service_desk_notified', 'service desk notified before go-live', 'service desk not notified before go-live'],
  ['chk_outside_freeze', 'outside freeze windows', 'inside a freeze window'],
  ['chk_review_on_time', 'reviewed within five business days', 'not reviewed within five business days'],
] as const;

export function policySentence(u: UnitRow, unit: string): string | null {
  if (!u.is_completed || unit === 'deployment') return null;
  const failed = checks.filter(([key]) => u[key] === false).map(([, , fail]) => fail);
  const passed = checks.filter(([key]) => u[key] === true).map(([, pass]) => pass);
  const unknown = checks.filter(([key]) => u[key] === null).map(([, pass]) => pass.split(' ').slice(0, 3).join(' '));
  const notJudged = unknown.length > 0 ? ` Not judged (no such data from its source): ${unknown.join('; ')}.` : '';
  if (failed.length === 0)
    return `Release policy: passes every check its data allows (${passed.join('; ')}).${notJudged}`;
  return `Release policy: ${failed.join('; ')}${passed.length > 0 ? ` (passed: ${passed.join('; ')})` : ''}.${notJudged}`;
}
