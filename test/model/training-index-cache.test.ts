import { describe, expect, it } from 'vitest';
import { train } from '../../src/model/train.js';
import { TrainingData } from '../../src/model/training-data.js';
import { histIndexOf, sortedColumnsOf } from '../../src/model/training-index-cache.js';

/** mulberry32: a small seeded generator for the test's own data. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function data(seed: number): TrainingData {
  const u = rng(seed);
  const rows = 1500;
  const columns = 6;
  const labels = Float32Array.from({ length: rows }, () => (u() < 0.15 ? 1 : 0));
  const values = Float32Array.from({ length: rows * columns }, (_, k) =>
    u() < 0.05 ? Number.NaN : Math.floor(u() * 9 * (labels[Math.floor(k / columns)] === 1 && k % 3 === 0 ? 2 : 1)),
  );
  return TrainingData.fromRowMajor(values, columns, labels);
}

describe('what training keeps with its data (as a DMatrix keeps its index)', () => {
  it('keeps one quantile index per data set: the same objects for the same max_bin, a new one for another', () => {
    const d = data(1);
    const first = histIndexOf(d, 256);
    expect(histIndexOf(d, 256).bins).toBe(first.bins);
    const other = histIndexOf(d, 4);
    expect(other.bins).not.toBe(first.bins);
    expect(other.cuts.ptrs[d.columns]).toBeLessThan(first.cuts.ptrs[d.columns]!);
    expect(histIndexOf(data(1), 256).bins).not.toBe(first.bins); // equal data, another object: its own
    expect(sortedColumnsOf(d)).toBe(sortedColumnsOf(d));
  });

  for (const tree_method of ['exact', 'hist'] as const) {
    it(`${tree_method}: training again on the same data gives the same model, byte for byte, also after another max_bin`, () => {
      const params = { tree_method, max_depth: 4, subsample: 0.8, num_round: 6, seed: 3 };
      const fresh = train(data(2), params).booster.toJSON();
      const d = data(2);
      const runs = [
        train(d, params).booster.toJSON(),
        train(d, params).booster.toJSON(),
        train(d, { ...params, max_bin: 8 }).booster.toJSON(),
        train(d, params).booster.toJSON(),
      ];
      expect(runs[0]).toBe(fresh);
      expect(runs[1]).toBe(fresh);
      expect(runs[3]).toBe(fresh);
      if (tree_method === 'hist') expect(runs[2]).not.toBe(fresh);
      else expect(runs[2]).toBe(fresh); // exact ignores max_bin
    });
  }
});
