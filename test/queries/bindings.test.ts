/**
 * The bound values of one parameters object are made once: every query a page
 * asks binds the same values, the same "now" among them.
 */
import { describe, expect, it } from 'vitest';
import { bindings, periodBindings, resolveAsOf, unitBindings } from '../../queries/bindings.ts';
import { kpiParamsSchema } from '../../queries/params.ts';

const parse = (extra: Record<string, unknown> = {}) =>
  kpiParamsSchema.parse({ from: '2025-01-01', to: '2025-04-01', ...extra });

describe('bindings', () => {
  it('gives one object per parameters object, so every query of a page binds the same now', async () => {
    const p = parse();
    const first = bindings(p);
    await new Promise((r) => setTimeout(r, 1100));
    expect(bindings(p)).toBe(first);
    expect(resolveAsOf(p)).toBe(first.as_of);
    expect(unitBindings(p)).toBe(unitBindings(p));
    expect(periodBindings(p)).toBe(periodBindings(p));
    // another parameters object is another read: its now is its own
    expect(bindings(parse()).as_of).not.toBe(first.as_of);
  });

  it('binds a given as_of without milliseconds, and each set only the names its queries use', () => {
    const p = parse({ as_of: '2025-04-15T00:00:00.000Z', service: ['checkout'] });
    expect(bindings(p).as_of).toBe('2025-04-15T00:00:00Z');
    expect(Object.keys(unitBindings(p)).sort()).toEqual(
      ['failure_max_priority', 'from', 'services', 'teams', 'to', 'types', 'tz', 'unit', 'window_hours'].sort(),
    );
    expect(Object.keys(periodBindings(p)).sort()).toEqual(['from', 'services', 'teams', 'to', 'types', 'tz']);
    expect(bindings(p)).toMatchObject({ tolerance_minutes: 0, window_hours: 48, unit: 'release' });
  });
});
