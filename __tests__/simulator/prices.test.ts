import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { euroPerMinute, loadPrices, parsePrices, PricesError } from '../../simulator/prices';

describe('IONOS prices', () => {
  it('come from the committed file, which names its source and date', () => {
    const prices = loadPrices();
    expect(prices.source).toMatch(/^https:\/\//);
    expect(prices.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // An 8-core, 16 GB server for an hour.
    expect(euroPerMinute(8, 16, prices) * 60).toBeCloseTo(8 * prices.dedicatedCorePerHour + 16 * prices.ramGbPerHour, 10);
  });

  it('name the file and every problem', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prices-'));
    const file = join(dir, 'prices.yaml');
    writeFileSync(file, 'source: somewhere\ndate: 2026-13-01\ncurrency: USD\ndedicatedCorePerHour: 0\n');
    let error: unknown;
    try {
      loadPrices(file);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PricesError);
    expect((error as Error).message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: \\d+ problems\\n`));
    expect((error as PricesError).problems.join('\n')).toMatch(/source/);
    expect((error as PricesError).problems.join('\n')).toMatch(/ramGbPerHour/);
    expect(() => loadPrices(join(dir, 'missing.yaml'))).toThrow(/missing\.yaml: 1 problem\n {2}cannot read file: ENOENT/);
    expect(() => parsePrices('a: [', 'bad.yaml')).toThrow(/^bad\.yaml: 1 problem\n {2}not valid YAML/);
  });
});
