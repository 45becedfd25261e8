import { describe, expect, it } from 'vitest';
import { groupedSplit } from '../../src/split/grouped-split.js';
import { orderedSplit } from '../../src/split/ordered-split.js';
import { stratifiedSplit } from '../../src/split/stratified-split.js';

// The examples in the functions' documentation, checked.
describe('the split functions on their documented examples', () => {
  it('stratifiedSplit puts one of three positive rows in each part', () => {
    const labels = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
    for (let seed = 0; seed < 20; seed++) {
      const parts = stratifiedSplit(labels, { train: 0.6, validation: 0.2, test: 0.2 }, { seed });
      for (const part of [parts.train, parts.validation, parts.test])
        expect([...part].filter((i) => labels[i] === 1)).toHaveLength(1);
      // 7 negatives: 4.2, 1.4, 1.4 → floors 4, 1, 1; the leftover goes to the largest remainder (.4),
      // tied between validation and test, so to validation: 4, 2, 1 negatives plus one positive each
      expect([parts.train.length, parts.validation.length, parts.test.length]).toEqual([5, 3, 2]);
      for (const part of [parts.train, parts.validation, parts.test])
        expect([...part]).toEqual([...part].sort((a, b) => a - b));
    }
  });

  it('groupedSplit keeps customer 1 together and spreads the three attacked customers over the parts', () => {
    const customers = [1, 1, 2, 2, 3, 4, 5, 5, 6, 7];
    const labels = [0, 1, 0, 0, 0, 0, 0, 0, 1, 1];
    for (let seed = 0; seed < 20; seed++) {
      const parts = groupedSplit(customers, labels, { train: 0.6, validation: 0.2, test: 0.2 }, { seed });
      const partOf = (row: number) =>
        ([parts.train, parts.validation, parts.test] as Uint32Array[]).findIndex((p) => p.includes(row));
      expect(partOf(0)).toBe(partOf(1));
      expect(new Set([partOf(1), partOf(8), partOf(9)])).toEqual(new Set([0, 1, 2]));
    }
  });

  it('orderedSplit gives the latest rows to test', () => {
    const parts = orderedSplit([5, 1, 3, 2, 4, 6, 8, 7, 9, 10], { train: 0.6, validation: 0.2, test: 0.2 });
    expect([...parts.test]).toEqual([8, 9]);
    expect([...parts.validation]).toEqual([7, 6]);
    expect([...parts.train]).toEqual([1, 3, 2, 4, 0, 5]);
  });
});
