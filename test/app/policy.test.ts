/** The release detail's policy sentence: failed checks first, then what passed, then what could not be judged. */
import { describe, expect, it } from 'vitest';
import { policySentence } from '../../app/shared/policy.ts';
import type { UnitRow } from '../../queries/units.ts';

const unit = (checks: Partial<UnitRow>): UnitRow =>
  ({
    is_completed: true,
    chk_authorised_before_start: true,
    chk_rollback_tested: null,
    chk_service_desk_notified: null,
    chk_outside_freeze: true,
    chk_review_on_time: null,
    ...checks,
  }) as UnitRow;

describe('policy sentence', () => {
  it('names the failed checks, the passed ones and those the data cannot judge', () => {
    expect(policySentence(unit({ chk_rollback_tested: false, chk_review_on_time: false }), 'release')).toBe(
      'Release policy: rollback plan not tested; not reviewed within five business days (passed: authorised before the start; outside freeze windows). Not judged (no such data from its source): service desk notified.',
    );
    expect(policySentence(unit({}), 'change')).toMatch(/^Release policy: passes every check its data allows/);
  });

  it('says nothing for deployments and units not yet live', () => {
    expect(policySentence(unit({}), 'deployment')).toBeNull();
    expect(policySentence(unit({ is_completed: false }), 'release')).toBeNull();
  });
});
