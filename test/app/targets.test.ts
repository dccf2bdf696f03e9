/** Targets: the file is validated with clear messages, scoped per team or service, judged met / close / missed. */
import { describe, expect, it } from 'vitest';
import { overviewSummary } from '../../app/shared/summary.ts';
import { tiles } from '../../app/shared/tiles.ts';
import { readTargets, status, TargetsError, targetFor, targetsPath } from '../../lib/targets.ts';
import { tempFile } from '../helpers.ts';

const spec = (key: string) => {
  const s = tiles.find((t) => t.key === key);
  if (!s) throw new Error(key);
  return s;
};
const rate = (numerator: number, denominator: number, low: number, high: number) => ({
  numerator,
  denominator,
  value: numerator / denominator,
  ci95_low: low,
  ci95_high: high,
});

const tempTargets = (text: string) => tempFile('targets.yaml', text);

describe('targets', () => {
  it('reads the committed defaults, and a team or service of its own when the page shows exactly that one', () => {
    const file = readTargets(targetsPath());
    expect(file.targets.change_failure_rate).toEqual({ max: 0.15 });
    const none = { team: [], service: [] };
    expect(targetFor(file, 'change_failure_rate', none)).toEqual({ target: { max: 0.15 }, scope: 'organisation' });
    expect(targetFor(file, 'change_failure_rate', { team: ['Team Edge'], service: [] })).toEqual({
      target: { max: 0.2 },
      scope: 'team Team Edge',
    });
    // two teams, or a team with a service: the organisation's
    expect(targetFor(file, 'change_failure_rate', { team: ['Team Edge', 'Team Core'], service: [] })?.scope).toBe(
      'organisation',
    );
    expect(targetFor(file, 'success_rate', { team: ['Team Edge'], service: [] })?.scope).toBe('organisation');
    const own = readTargets(tempTargets('targets: {}\nservices:\n  checkout:\n    rollback_rate: { max: 0.1 }\n'));
    expect(targetFor(own, 'rollback_rate', { team: ['Team Edge'], service: ['checkout'] })).toEqual({
      target: { max: 0.1 },
      scope: 'service checkout',
    });
    expect(targetFor(own, 'rollback_rate', none)).toBeNull();
  });

  it('refuses a bad file naming the file and the key', () => {
    const unknown = tempTargets('targets:\n  change_fail_rate: { max: 0.15 }\n');
    expect(() => readTargets(unknown)).toThrow(TargetsError);
    expect(() => readTargets(unknown)).toThrow(new RegExp(`^${unknown}: .*change_fail_rate`));
    expect(() => readTargets(tempTargets('targets:\n  success_rate: { above: 0.8 }\n'))).toThrow(
      /targets\.success_rate/,
    );
    expect(() => readTargets(tempTargets('targets: [\n'))).toThrow(/not valid YAML/);
    expect(() => readTargets('/nonexistent/targets.yaml')).toThrow(
      '/nonexistent/targets.yaml: the targets file does not exist',
    );
  });

  it('judges met, close (the interval still reaches the target, or within a tenth) and missed', () => {
    expect(status({ max: 0.15 }, 0.15, [0.1, 0.2])).toBe('met');
    expect(status({ max: 0.15 }, 0.159, [0.12, 0.2])).toBe('close');
    expect(status({ max: 0.15 }, 0.3, [0.2, 0.4])).toBe('missed');
    expect(status({ min: 0.8 }, 0.75, [0.7, 0.81])).toBe('close');
    expect(status({ min: 0.8 }, 0.75, [0.7, 0.79])).toBe('missed');
    // no interval (durations, frequency): a tenth of the target
    expect(status({ max: 24 }, 26, null)).toBe('close');
    expect(status({ max: 24 }, 26.5, null)).toBe('missed');
    expect(status({ min: 1 }, 0.95, null)).toBe('close');
  });

  it('says in one sentence what misses its target and what changed beyond noise', () => {
    const cfr = spec('change_failure_rate');
    const schedule = spec('schedule_adherence');
    const lead = spec('lead_time_hours');
    expect(
      overviewSummary([
        {
          spec: cfr,
          value: 0.159,
          current: rate(159, 1000, 0.137, 0.183),
          previous: rate(140, 1000, 0.12, 0.162),
          target: { target: { max: 0.15 }, status: 'close' },
        },
        {
          spec: schedule,
          value: 0.7,
          current: rate(700, 1000, 0.67, 0.73),
          previous: rate(840, 1000, 0.81, 0.86),
          target: { target: { min: 0.8 }, status: 'missed' },
        },
        { spec: lead, value: 30, current: null, previous: null, target: { target: { max: 168 }, status: 'met' } },
      ]),
    ).toBe(
      'Change failure rate is 15.9%, above the 15.0% target (within its 95% interval: may be noise); schedule adherence is 70.0%, below the 80.0% target; schedule adherence fell 14.0 points to 70.0%, a real change for the worse.',
    );
    expect(
      overviewSummary([
        { spec: cfr, value: 0.1, current: rate(1, 10, 0.02, 0.4), previous: rate(2, 10, 0.06, 0.51), target: null },
      ]),
    ).toBe('Every KPI with a target meets it, and no change from the previous period stands out from noise.');
  });
});
