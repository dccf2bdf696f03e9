// @vitest-environment jsdom
/** The filter bar's check lists, the printed header's freshness line and the releases table's header tooltips. */
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { describeFreshness } from '../../app/shared/format.ts';
import { unitColumnHelp } from '../../app/shared/tiles.ts';
import { unitColumns } from '../../app/shared/unitsView.ts';
import { CheckList, checkListSummary, matchingValues } from '../../app/views/CheckList.tsx';

const services = [
  'billing',
  'catalog',
  'checkout',
  'identity',
  'inventory',
  'invoicing',
  'mobile-api',
  'payments',
  'search',
];

afterEach(() => {
  document.body.innerHTML = '';
});

async function render(node: React.ReactNode) {
  const container = document.createElement('form');
  document.body.append(container);
  const root = createRoot(container);
  await act(async () => root.render(node));
  return container;
}

function type(input: HTMLInputElement, text: string) {
  // React listens for the native input event with the value set through the prototype's setter
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
  setter?.call(input, text);
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

describe('check lists', () => {
  it('match every word of the search in any case, anywhere in the value', () => {
    expect(matchingValues(services, 'IN')).toEqual(['billing', 'inventory', 'invoicing']);
    expect(matchingValues(services, 'in vo')).toEqual(['invoicing']);
    expect(matchingValues(services, '  ')).toEqual(services);
    expect(matchingValues(services, 'zzz')).toEqual([]);
  });

  it('sum up the choice: all, the one value, or how many of how many', () => {
    expect(checkListSummary('Services', [], 9)).toBe('Services: all');
    expect(checkListSummary('Services', ['payments'], 9)).toBe('Services: payments');
    expect(checkListSummary('Services', ['payments', 'search'], 9)).toBe('Services: 2 of 9');
  });

  it('submit the ticked values under the old multi-select name, and the search narrows what is shown', async () => {
    const form = await render(<CheckList name="service" label="Services" values={services} selected={['payments']} />);
    const submitted = () => new FormData(form as HTMLFormElement).getAll('service');
    expect(submitted()).toEqual(['payments']);
    expect(form.querySelector('summary')?.textContent).toBe('Services: payments');
    const search = form.querySelector('input[type="search"]') as HTMLInputElement;
    await act(async () => type(search, 'vo'));
    const visible = [...form.querySelectorAll('label')].filter((l) => !l.hidden).map((l) => l.textContent);
    expect(visible).toEqual(['invoicing']);
    await act(async () => (form.querySelector('input[value="invoicing"]') as HTMLInputElement).click());
    expect(submitted()).toEqual(['invoicing', 'payments']);
    expect(form.querySelector('summary')?.textContent).toBe('Services: 2 of 9');
    await act(async () => (form.querySelector('button') as HTMLButtonElement).click());
    expect(submitted()).toEqual([]);
    await act(async () => type(search, 'nothing'));
    expect(form.textContent).toContain('No services match “nothing”.');
  });

  it('keep a chosen value the data no longer has, so it can be unticked', async () => {
    const form = await render(<CheckList name="team" label="Teams" values={['Team Core']} selected={['Team Gone']} />);
    expect([...form.querySelectorAll('input[type="checkbox"]')].map((i) => (i as HTMLInputElement).value)).toEqual([
      'Team Gone',
      'Team Core',
    ]);
    // a short list has no search box
    expect(form.querySelector('input[type="search"]')).toBeNull();
  });
});

describe('the printed header', () => {
  it('says to which minute the data runs and when it was last loaded, in UTC', () => {
    expect(describeFreshness(new Date('2025-12-31T23:10:59Z'), new Date('2026-01-02T06:00:00Z'))).toBe(
      'Data to 2025-12-31 23:10 UTC; last loaded 2026-01-02 06:00 UTC.',
    );
    expect(describeFreshness(new Date('2025-12-31T23:10:59Z'), null)).toBe('Data to 2025-12-31 23:10 UTC.');
    expect(describeFreshness(null, null)).toBe('No data loaded.');
  });
});

describe('releases table headers', () => {
  it('explain every figure column, with the window in force', () => {
    const help = unitColumnHelp({ window: 24, unit: 'change' });
    for (const c of unitColumns.filter((c) => 'numeric' in c)) expect(help[c.key], c.key).toBeTruthy();
    expect(help.likely_incidents).toMatch(/within 24 hours of go-live, where this was the latest change/);
    expect(help.expected_incidents).toMatch(/q < 0\.05/);
  });
});
