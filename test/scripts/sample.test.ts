import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSample } from '../../scripts/sample/write.ts';

describe('sample generator', () => {
  it('reproduces the committed data/sample files byte for byte', () => {
    const files = generateSample();
    expect(Object.keys(files).sort()).toEqual([
      'changes.csv',
      'deployments.csv',
      'freeze_windows.csv',
      'incidents.csv',
      'releases.csv',
      'surveys.csv',
    ]);
    for (const [name, content] of Object.entries(files)) {
      const committed = fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'data', 'sample', name), 'utf8');
      expect(content === committed, `${name} differs from the generator output; run npm run sample`).toBe(true);
    }
  });

  it('stays under 10 MB with about 2,000 releases and 15,000 incidents', () => {
    const files = generateSample();
    const bytes = Object.values(files).reduce((s, c) => s + Buffer.byteLength(c), 0);
    expect(bytes).toBeLessThan(10 * 1024 * 1024);
    const rows = (name: string) => (files[name] ?? '').trimEnd().split('\n').length - 1;
    expect(rows('releases.csv')).toBeGreaterThan(1800);
    expect(rows('releases.csv')).toBeLessThan(2300);
    expect(rows('incidents.csv')).toBeGreaterThan(13000);
    expect(rows('incidents.csv')).toBeLessThan(17000);
  });
});
