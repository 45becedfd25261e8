import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildBinMatrix, buildHistCuts, buildHistIndex, featureCuts } from '../../src/model/hist-cuts.js';
import { TrainingData } from '../../src/model/training-data.js';
import { Mt19937 } from '../../src/model/mt19937.js';
import { WQuantileSketch, makeSummary, setPrune } from '../../src/model/quantile-sketch.js';
import { exactSubsampleMask, histSubsampleMask } from '../../src/model/row-sampler.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/xgboost');

describe('Mt19937', () => {
  it('gives 4123659995 as the 10000th output of a default-seeded (5489) generator, as the C++ standard requires of std::mt19937', () => {
    const mt = new Mt19937(5489);
    mt.discard(9999);
    expect(mt.next()).toBe(4123659995);
  });
});

describe('row samplers', () => {
  it('keep each row with probability subsample (a Bernoulli coin per row, not a fixed count)', () => {
    const n = 20000;
    const hist = histSubsampleMask(123456789, n, Math.fround(0.7));
    const exact = exactSubsampleMask(new Mt19937(3), n, Math.fround(0.7));
    for (const mask of [hist, exact]) {
      const kept = mask.reduce((s, v) => s + v, 0);
      // 4.5 standard deviations of a Binomial(20000, 0.7) count.
      expect(Math.abs(kept - 0.7 * n)).toBeLessThan(4.5 * Math.sqrt(n * 0.7 * 0.3));
    }
  });

  it('replaces an LCG seed of 0 by 1 as std::linear_congruential_engine does', () => {
    expect(Array.from(histSubsampleMask(0, 50, 0.5))).toEqual(Array.from(histSubsampleMask(1, 50, 0.5)));
  });
});

describe('quantile cuts', () => {
  it.skipIf(!existsSync(path.join(fixtures, 'hist_basic/cuts_from_reference.json')))(
    'equal the cuts of the reference sketch port for the fixture data (every distinct value but the minimum, then a sentinel)',
    () => {
      const reference = JSON.parse(
        readFileSync(path.join(fixtures, 'hist_basic/cuts_from_reference.json'), 'utf8'),
      ) as Record<string, number[]>;
      const lines = readFileSync(path.join(fixtures, 'data.csv'), 'utf8').trim().split('\n');
      const header = lines[0]!.split(',');
      for (const [name, cuts] of Object.entries(reference)) {
        const j = header.indexOf(name);
        const column = Float32Array.from(lines.slice(1), (l) => Number(l.split(',')[j]));
        expect(featureCuts(column, 256).cuts).toEqual(cuts.map(Math.fround));
      }
    },
  );

  it('take the counting shortcut only where it equals the streaming sketch', () => {
    let seed = 7;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
    for (const [n, distinct, maxBin] of [
      // n ≫ the sketch's level size (641 for max_bin 16): the streaming sketch merges and prunes levels.
      [20000, 300, 16],
      [20000, 640, 16],
      [6000, 300, 256],
    ] as const) {
      const values = Float32Array.from({ length: n }, () => Math.floor(next() * distinct) / 7);
      const sketch = new WQuantileSketch(n, 1 / (Math.fround(maxBin) * 8));
      for (const v of values) sketch.push(v);
      const numCuts = Math.min(n, maxBin * 8);
      const final = setPrune(setPrune(sketch.summary(), numCuts), Math.min(numCuts, maxBin) + 1);
      const fromSketch: number[] = [];
      for (let i = 1; i < Math.min(final.size, maxBin); i++) {
        const c = final.value[i]!;
        if (i === 1 || c > fromSketch[fromSketch.length - 1]!) fromSketch.push(c);
      }
      expect(featureCuts(values, maxBin).cuts.slice(0, -1)).toEqual(fromSketch);
    }
  });

  it('come out the same from the one-pass index builder as from cuts then bins, for counts, reals, wide integers and missing values', () => {
    let seed = 3;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
    const rows = 5000;
    const columns = [
      () => Math.floor(-Math.log(1 - next()) * 3), // counts
      () => (next() - 0.5) * 40, // reals, > 256 distinct
      () => Math.floor(next() * 100000), // integers too wide for a lookup table
      () => (next() < 0.2 ? Number.NaN : Math.floor(next() * 7) - 3), // negative integers with missing values
      () => Number.NaN, // all missing
    ];
    const values = new Float64Array(rows * columns.length);
    for (let i = 0; i < rows; i++) columns.forEach((gen, j) => (values[i * columns.length + j] = gen()));
    const data = TrainingData.fromRowMajor(values, columns.length, new Float64Array(rows));
    for (const maxBin of [16, 256]) {
      const cuts = buildHistCuts(data, maxBin);
      const index = buildHistIndex(data, maxBin);
      expect(Array.from(index.cuts.values)).toEqual(Array.from(cuts.values));
      expect(Array.from(index.cuts.ptrs)).toEqual(Array.from(cuts.ptrs));
      expect(Array.from(index.cuts.minValues)).toEqual(Array.from(cuts.minValues));
      const bins = buildBinMatrix(data, cuts);
      expect(Array.from(index.bins.bins)).toEqual(Array.from(bins.bins));
      expect([index.bins.missing, index.bins.dense]).toEqual([bins.missing, bins.dense]);
      const byColumn = index.bins.byColumn!;
      const transposed = Array.from(byColumn, (_, k) => bins.bins[(k % rows) * columns.length + Math.floor(k / rows)]);
      expect(Array.from(byColumn)).toEqual(transposed);
    }
  });

  it('summarise equal values into one entry with their total weight and rank bounds', () => {
    const s = makeSummary(Float64Array.of(3, 1, 3, 2), Float64Array.of(1, 1, 1, 1), 4);
    expect([
      s.size,
      Array.from(s.value.subarray(0, 3)),
      Array.from(s.rmin.subarray(0, 3)),
      Array.from(s.rmax.subarray(0, 3)),
    ]).toEqual([3, [1, 2, 3], [0, 1, 2], [1, 2, 4]]);
  });
});
