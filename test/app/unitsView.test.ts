/**
 * The releases list's backlog option (`backlog_at`, `backlog_overdue`): a real
 * local date or nothing. A bad one is ignored like a bad sort, so a hand-made
 * address shows the period's units rather than an error or another population.
 */
import { describe, expect, it } from 'vitest';
import { parseView } from '../../app/shared/unitsView.ts';

const view = (query: string) => parseView(new URLSearchParams(query));

describe('the backlog option of the releases list', () => {
  it('takes a real date, and overdue only from backlog_overdue=1', () => {
    expect(view('backlog_at=2025-10-01').backlog).toEqual({ at: '2025-10-01', overdue: false });
    expect(view('backlog_at=2024-02-29&backlog_overdue=1').backlog).toEqual({ at: '2024-02-29', overdue: true });
    expect(view('backlog_at=2025-10-01&backlog_overdue=yes').backlog).toEqual({ at: '2025-10-01', overdue: false });
  });

  it('ignores what is not a real YYYY-MM-DD date', () => {
    for (const bad of [
      'x',
      '',
      '2025-02-30',
      '2025-13-01',
      '2025-1-1',
      '2025-10-01T00:00:00Z',
      "2025-10-01' or 1=1 --",
      '9'.repeat(10_000),
    ]) {
      expect(view(`backlog_at=${encodeURIComponent(bad)}`).backlog, bad.slice(0, 40)).toBeNull();
    }
    expect(view('backlog_overdue=1').backlog).toBeNull();
  });
});
