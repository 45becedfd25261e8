import { describe, expect, it } from 'vitest';
import { createHistWorkspace, growHistTree, sampleHistRows } from '../../src/model/grow-hist.js';
import { buildHistIndex } from '../../src/model/hist-cuts.js';
import { createHistogramKernel } from '../../src/model/histogram-kernel.js';
import { logisticGradientPairs } from '../../src/model/logistic-gradient.js';
import { resolveTrainParams } from '../../src/model/train-params.js';
import { TrainingData } from '../../src/model/training-data.js';

// The kernel must sum as XGBoost 1.7.4's row-wise histogram builder does: per bin, the rows in
// increasing order, each adding its float32 gradient and hessian to a double starting at 0. The
// reference below is that definition written as plainly as possible; gradients span many binary
// orders of magnitude so that any other order of summation changes the last bits (checked too).

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

interface Problem {
  rows: number;
  columns: number;
  missing: number;
  bins: Uint16Array | Uint32Array;
  grad: Float32Array;
  hess: Float32Array;
}

/** Random global bins (feature f's bins in its own range, some missing) and wide-ranging gradients. */
function problem(seed: number, rows: number, columns: number, binsPerFeature: number): Problem {
  const u = rng(seed);
  const missing = columns * binsPerFeature;
  const bins = missing < 65535 ? new Uint16Array(rows * columns) : new Uint32Array(rows * columns);
  for (let r = 0; r < rows; r++) {
    for (let f = 0; f < columns; f++) {
      // Skewed toward the first bins, as count features are: long runs of rows hit one bin.
      const local = Math.floor(binsPerFeature * u() ** 3);
      bins[r * columns + f] = u() < 0.05 ? missing : f * binsPerFeature + local;
    }
  }
  const grad = new Float32Array(rows);
  const hess = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    grad[r] = (u() - 0.5) * 2 ** Math.floor(-30 * u());
    hess[r] = u() * 2 ** Math.floor(-30 * u());
  }
  return { rows, columns, missing, bins, grad, hess };
}

/** The definition: for every row in order, for every feature, hist[bin] += (g, h) in double. */
function reference(p: Problem, rowIds: Uint32Array, begin: number, end: number): Float64Array {
  const hist = new Float64Array(2 * (p.missing + 1));
  for (let i = begin; i < end; i++) {
    const r = rowIds[i]!;
    for (let f = 0; f < p.columns; f++) {
      const b = p.bins[r * p.columns + f]!;
      hist[2 * b] = hist[2 * b]! + p.grad[r]!;
      hist[2 * b + 1] = hist[2 * b + 1]! + p.hess[r]!;
    }
  }
  return hist;
}

/** Increasing row ids, each row kept with probability `keep`. */
function someRows(seed: number, rows: number, keep: number): Uint32Array {
  const u = rng(seed);
  const ids: number[] = [];
  for (let r = 0; r < rows; r++) if (u() < keep) ids.push(r);
  return Uint32Array.from(ids);
}

const sameBits = (a: Float64Array, b: Float64Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
/** Equal bits in every bin the split search reads: all but the last (the missing values' slot, never read). */
const sameBins = (a: Float64Array, b: Float64Array) => sameBits(a.subarray(0, -2), b.subarray(0, -2));

describe('the WebAssembly histogram kernel', () => {
  it('runs as WebAssembly on this Node (SIMD available), not the JavaScript fallback', () => {
    const p = problem(1, 10, 3, 4);
    expect(createHistogramKernel(p.bins, p.missing, p.rows, p.columns).kind).toBe('wasm');
    expect(createHistogramKernel(p.bins, p.missing, p.rows, p.columns, { wasm: false }).kind).toBe('js');
  });

  for (const [columns, binsPerFeature] of [
    [38, 12],
    [7, 256],
    [1, 5],
    [2, 3],
    [300, 256], // 76,800 bins: 32-bit bin ids
  ] as const) {
    it(`sums every bin of ${columns} feature(s) × ${binsPerFeature} bins in XGBoost's order, bit for bit, for whole sets and node segments`, () => {
      const rows = columns > 100 ? 600 : 3000;
      const p = problem(columns * 1000 + binsPerFeature, rows, columns, binsPerFeature);
      expect(p.bins.BYTES_PER_ELEMENT).toBe(p.missing < 65535 ? 2 : 4);
      const rowIds = someRows(columns, rows, 0.7);
      const n = rowIds.length;
      for (const wasm of [true, false]) {
        const kernel = createHistogramKernel(p.bins, p.missing, p.rows, p.columns, { wasm });
        for (let r = 0; r < rows; r++) {
          kernel.gradients[2 * r] = p.grad[r]!;
          kernel.gradients[2 * r + 1] = p.hess[r]!;
        }
        const hist = new Float64Array(2 * (p.missing + 1)).fill(Number.NaN); // any content is overwritten
        for (const [begin, end] of [
          [0, n],
          [0, 1],
          [5, 6],
          [17, Math.floor(n / 2)],
          [n - 3, n],
          [n, n],
        ] as const) {
          kernel.build(hist, rowIds, begin, end);
          expect(sameBins(hist, reference(p, rowIds, begin, end)), `${kernel.kind} rows ${begin}..${end}`).toBe(true);
        }
      }
    });
  }

  it('would notice another order of summation: summing the rows backwards changes some bins', () => {
    const p = problem(5, 3000, 38, 12);
    const rowIds = someRows(5, 3000, 0.7);
    const backwards = Uint32Array.from(rowIds).reverse();
    expect(sameBins(reference(p, rowIds, 0, rowIds.length), reference(p, backwards, 0, rowIds.length))).toBe(false);
  });

  it('grows the same trees as the JavaScript kernel, with missing values and subsampling', () => {
    const u = rng(11);
    const rows = 4000;
    const columns = 9;
    const values = new Float32Array(rows * columns);
    const labels = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      labels[r] = u() < 0.2 ? 1 : 0;
      for (let f = 0; f < columns; f++) {
        values[r * columns + f] =
          u() < 0.1 ? Number.NaN : Math.floor(u() * (f + 2) * (labels[r] === 1 && f % 3 === 0 ? 2 : 1));
      }
    }
    const data = TrainingData.fromRowMajor(values, columns, labels);
    const params = resolveTrainParams({ max_depth: '6', min_child_weight: '1', subsample: '0.8', tree_method: 'hist' });
    const { cuts, bins } = buildHistIndex(data, params.maxBin);
    const ctx = { rows, columns, cuts, bins, params };
    const grown = [true, false].map((wasm) => {
      const work = createHistWorkspace(ctx, { wasm });
      const margin = new Float32Array(rows);
      const trees: string[] = [];
      for (let k = 0; k < 5; k++) {
        sampleHistRows(work, rows, 1000 + k, Math.fround(0.8));
        const { rowIds } = work.partitioner;
        logisticGradientPairs(margin, labels, 1, work.kernel.gradients, undefined, rowIds, work.sampled);
        const { tree, leafOf } = growHistTree(ctx, work, work.kernel.gradients);
        for (let r = 0; r < rows; r++) margin[r] = Math.fround(margin[r]! + tree.splitConditions[leafOf[r]!]!);
        trees.push(
          JSON.stringify(tree, (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v)),
        );
      }
      return { kind: work.kernel.kind, trees };
    });
    expect(grown.map((g) => g.kind)).toEqual(['wasm', 'js']);
    expect(grown[0]!.trees.length).toBe(5);
    expect(grown[0]!.trees.some((t) => t.includes('"leftChildren":[1,'))).toBe(true);
    expect(grown[0]!.trees).toEqual(grown[1]!.trees);
  });
});
