import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { allocateCounts, validateFractions } from '../../src/split/fractions.js';

describe('validateFractions', () => {
  it('accepts fractions summing to 1 within 1e-9, zeros included', () => {
    expect(validateFractions({ train: 0.7, validation: 0.15, test: 0.15 }, 'split')).toEqual([0.7, 0.15, 0.15]);
    expect(validateFractions({ train: 0.8, validation: 0, test: 0.2 }, 'split')).toEqual([0.8, 0, 0.2]);
    expect(validateFractions({ train: 1 / 3, validation: 1 / 3, test: 1 / 3 }, 'split')).toHaveLength(3);
  });

  it('rejects a sum other than 1, naming the sum', () => {
    expect(() => validateFractions({ train: 0.7, validation: 0.2, test: 0.2 }, 'split')).toThrow(
      /train \+ validation \+ test must be a sum of 1 \(within 1e-9\), got 1\.(1|09999)/,
    );
    expect(() => validateFractions({ train: 0.5, validation: 0.25, test: 0.25 + 2e-9 }, 'split')).toThrow(
      InvalidArgumentError,
    );
  });

  it('rejects negative, NaN and >1 fractions, naming the part', () => {
    expect(() => validateFractions({ train: 1.2, validation: -0.2, test: 0 }, 'split')).toThrow(
      /split: train must be a fraction in \[0, 1\], got 1\.2/,
    );
    expect(() => validateFractions({ train: 0.5, validation: Number.NaN, test: 0.5 }, 'split')).toThrow(
      /validation.*NaN/,
    );
  });
});

describe('allocateCounts (largest remainder, then at least one per non-empty part)', () => {
  // Expected values worked by hand from the documented rule.
  it('floors, then gives leftovers to the largest remainders, ties to the earlier part', () => {
    expect(allocateCounts(10, [0.7, 0.15, 0.15])).toEqual([7, 2, 1]); // 7, 1.5, 1.5
    expect(allocateCounts(100, [0.7, 0.15, 0.15])).toEqual([70, 15, 15]);
    expect(allocateCounts(7, [0.5, 0.25, 0.25])).toEqual([3, 2, 2]); // 3.5, 1.75, 1.75: the two .75 remainders win
    expect(allocateCounts(11, [0.6, 0.2, 0.2])).toEqual([7, 2, 2]); // 6.6, 2.2, 2.2
    expect(allocateCounts(3, [1 / 3, 1 / 3, 1 / 3])).toEqual([1, 1, 1]);
  });

  it('gives a class of 3 rows one row in each of three non-empty parts', () => {
    expect(allocateCounts(3, [0.7, 0.15, 0.15])).toEqual([1, 1, 1]); // [2.1, .45, .45] → [2, 1, 0] → test takes one
    expect(allocateCounts(2, [0.7, 0.15, 0.15])).toEqual([2, 0, 0]); // 1.4, .3, .3: fewer rows than parts, no guarantee
  });

  it('never gives rows to a part with fraction 0', () => {
    expect(allocateCounts(5, [0.8, 0, 0.2])).toEqual([4, 0, 1]);
    expect(allocateCounts(1, [0, 0, 1])).toEqual([0, 0, 1]);
    expect(allocateCounts(0, [0.7, 0.15, 0.15])).toEqual([0, 0, 0]);
  });

  it('always sums to n and stays within one row of n × fraction when every share is at least 1', () => {
    for (let n = 0; n < 400; n++) {
      for (const f of [
        [0.7, 0.15, 0.15],
        [0.6, 0.2, 0.2],
        [0.5, 0.5, 0],
        [0.34, 0.33, 0.33],
        [0.9, 0.05, 0.05],
      ]) {
        const counts = allocateCounts(n, f);
        expect(counts.reduce((a, b) => a + b, 0)).toBe(n);
        if (f.every((x) => x === 0 || n * x >= 1))
          counts.forEach((c, i) => expect(Math.abs(c - n * f[i]!)).toBeLessThan(1));
      }
    }
  });
});
