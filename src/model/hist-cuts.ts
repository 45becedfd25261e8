import { type QuantileSummary, WQuantileSketch, setPrune, sketchLimits } from './quantile-sketch.js';
import type { TrainingData } from './training-data.js';

/**
 * The histogram cut points of every feature, as XGBoost 1.7.4's `HistogramCuts`: feature `f`'s
 * cuts are `values[ptrs[f] .. ptrs[f+1])`, strictly increasing float32 values whose last entry is
 * a sentinel above the maximum; `minValues[f]` is the threshold used when every non-missing value
 * goes right.
 */
export interface HistCuts {
  readonly values: Float32Array;
  readonly ptrs: Uint32Array;
  readonly minValues: Float32Array;
}

const fr = Math.fround;

/**
 * Cut points of one feature from its non-missing float32 values in row order, with XGBoost
 * 1.7.4's sketch (`eps = 1/(8·max_bin)`) and final pruning. When the values have no more distinct
 * values than the sketch keeps per level, the sketch's summary is provably the exact one, so it is
 * computed by counting instead of streaming; otherwise the streaming sketch runs as XGBoost's does.
 * With `weights` (one per value) the sketch is weighted as XGBoost's is with instance weights:
 * values of weight 0 are left out and ranks are float32 sums of weights.
 *
 * @example
 * ```ts
 * featureCuts(Float32Array.of(0, 2, 1, 2, 5), 256); // { cuts: [1, 2, 5, 10.00001], minValue: -0.00001 }
 * featureCuts(Float32Array.of(0, 2, 1, 2, 5), 256, Float32Array.of(1, 1, 1, 1, 0)); // { cuts: [1, 2, 4.00001], minValue: -0.00001 }
 * ```
 */
export function featureCuts(
  values: Float32Array,
  maxBin: number,
  weights?: Float32Array,
): { cuts: number[]; minValue: number } {
  const n = values.length;
  if (n === 0) return emptyCuts();
  if (weights !== undefined) return weightedFeatureCuts(values, maxBin, weights);
  const eps = 1 / (fr(maxBin) * 8);
  const { limit } = sketchLimits(n, eps);
  let summary = exactSummary(values, limit);
  if (summary === undefined) {
    const sketch = new WQuantileSketch(n, eps);
    for (let i = 0; i < n; i++) sketch.push(values[i]!);
    summary = sketch.summary();
  }
  return cutsFromSummary(summary, n, maxBin);
}

/** The cuts of a feature without any value the sketch keeps (all missing, or all of weight 0). */
function emptyCuts(): { cuts: number[]; minValue: number } {
  const mn = fr(1e-5);
  return { cuts: [fr(mn + fr(Math.abs(mn) + fr(1e-5)))], minValue: mn };
}

/**
 * Weighted cuts. When the values of non-zero weight have at most `min(n, max_bin) + 1` distinct
 * values, no prune (in the sketch or after it) drops an entry, so the cuts are those distinct
 * values whatever their ranks: the summary is built by counting. Otherwise the sketch streams, its
 * queue sorted as XGBoost's is (the float32 sums of weights depend on that order).
 */
function weightedFeatureCuts(
  values: Float32Array,
  maxBin: number,
  weights: Float32Array,
): { cuts: number[]; minValue: number } {
  const n = values.length;
  const kept: number[] = [];
  for (let i = 0; i < n; i++) if (weights[i]! !== 0) kept.push(values[i]!);
  if (kept.length === 0) return emptyCuts();
  const sorted = Float64Array.from(kept).sort();
  let d = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) d++;
  if (d <= Math.min(n, maxBin) + 1) {
    const value = new Float64Array(d);
    const wmin = new Float64Array(d);
    d = -1;
    for (let i = 0; i < sorted.length; i++) {
      if (i === 0 || sorted[i] !== sorted[i - 1]) value[++d] = sorted[i]!;
      wmin[d]!++;
    }
    return cutsFromSummary(countSummary(value, wmin), n, maxBin);
  }
  const sketch = new WQuantileSketch(n, 1 / (fr(maxBin) * 8));
  for (let i = 0; i < n; i++) sketch.push(values[i]!, weights[i]!);
  return cutsFromSummary(sketch.summary(), n, maxBin);
}

/** A summary of distinct sorted values with integer weights (ranks as running sums, exact below 2^24). */
function countSummary(value: Float64Array, wmin: Float64Array): QuantileSummary {
  const size = value.length;
  const rmin = new Float64Array(size);
  const rmax = new Float64Array(size);
  let wsum = 0;
  for (let k = 0; k < size; k++) {
    rmin[k] = wsum;
    wsum += wmin[k]!;
    rmax[k] = wsum;
  }
  return { rmin, rmax, wmin, value, size };
}

/** XGBoost's final pruning of a feature's summary (n non-missing values) into cut points. */
function cutsFromSummary(summary: QuantileSummary, n: number, maxBin: number): { cuts: number[]; minValue: number } {
  const numCuts = Math.min(n, maxBin * 8);
  const reduced = setPrune(summary, numCuts);
  const maxNumBins = Math.min(numCuts, maxBin);
  const final = setPrune(reduced, maxNumBins + 1);
  const first = final.value[0]!;
  // XGBoost 1.7 adds the double literal 1e-5 to float values (`mval - (fabs(mval) + 1e-5)`,
  // `cpt + (fabs(cpt) + 1e-5)`): double arithmetic rounded once to float32. A float32 1e-5 gives a
  // different sentinel when the sum falls on a float32 tie (e.g. 18 → 36.00001, not 36.0000076).
  const minValue = fr(first - (Math.abs(first) + 1e-5));
  const cuts: number[] = [];
  const upto = Math.min(final.size, maxNumBins);
  for (let i = 1; i < upto; i++) {
    const c = final.value[i]!;
    if (i === 1 || c > cuts[cuts.length - 1]!) cuts.push(c);
  }
  const top = final.value[final.size - 1]!;
  cuts.push(fr(top + (Math.abs(top) + 1e-5)));
  return { cuts, minValue };
}

/** The exact summary (counts per distinct value) when there are at most `limit` distinct values. */
function exactSummary(values: Float32Array, limit: number): QuantileSummary | undefined {
  const n = values.length;
  let min = Infinity;
  let max = -Infinity;
  let integral = true;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    if (integral && !Number.isInteger(v)) integral = false;
  }
  let distinct: Float64Array;
  let counts: Float64Array;
  if (integral && max - min <= 4 * n + 1024) {
    const tally = new Uint32Array(max - min + 1);
    for (let i = 0; i < n; i++) tally[values[i]! - min]!++;
    let d = 0;
    for (let k = 0; k < tally.length; k++) if (tally[k]! > 0) d++;
    if (d > limit) return undefined;
    distinct = new Float64Array(d);
    counts = new Float64Array(d);
    d = 0;
    for (let k = 0; k < tally.length; k++) {
      if (tally[k]! > 0) {
        distinct[d] = k + min;
        counts[d++] = tally[k]!;
      }
    }
  } else {
    const sorted = Float32Array.from(values).sort();
    let d = 0;
    for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) d++;
    if (d > limit) return undefined;
    distinct = new Float64Array(d);
    counts = new Float64Array(d);
    d = -1;
    for (let i = 0; i < n; i++) {
      if (i === 0 || sorted[i] !== sorted[i - 1]) distinct[++d] = sorted[i]!;
      counts[d]!++;
    }
  }
  const size = distinct.length;
  const rmin = new Float64Array(size);
  const rmax = new Float64Array(size);
  let wsum = 0;
  for (let k = 0; k < size; k++) {
    rmin[k] = wsum;
    wsum += counts[k]!; // integer counts below 2^24: exact in float32
    rmax[k] = wsum;
  }
  return { rmin, rmax, wmin: counts, value: distinct, size };
}

/**
 * Cut points for every feature of a training set (`max_bin` bins at most per feature).
 *
 * @example
 * ```ts
 * const cuts = buildHistCuts(data, 256);
 * cuts.ptrs[1] - cuts.ptrs[0]; // number of bins of feature 0
 * ```
 */
export function buildHistCuts(data: TrainingData, maxBin: number): HistCuts {
  const { rows, columns, values, weights } = data;
  const all: number[] = [];
  const ptrs = new Uint32Array(columns + 1);
  const minValues = new Float32Array(columns);
  const buffer = new Float32Array(rows);
  const wbuffer = weights === undefined ? undefined : new Float32Array(rows);
  for (let f = 0; f < columns; f++) {
    let n = 0;
    const base = f * rows;
    for (let i = 0; i < rows; i++) {
      const v = values[base + i]!;
      if (v === v) {
        if (wbuffer !== undefined) wbuffer[n] = weights![i]!;
        buffer[n++] = v;
      }
    }
    const { cuts, minValue } = featureCuts(buffer.subarray(0, n), maxBin, wbuffer?.subarray(0, n));
    for (const c of cuts) all.push(c);
    ptrs[f + 1] = all.length;
    minValues[f] = minValue;
  }
  return { values: Float32Array.from(all), ptrs, minValues };
}

/**
 * Every value's histogram bin, row-major (`bins[i * columns + f]`), as global bin ids (feature
 * offset included); a missing value gets the id `missing` (= total bin count), a slot the
 * histograms carry but never read. A value's bin is the first cut above it, clamped to the last.
 */
export interface BinMatrix {
  readonly bins: Uint16Array | Uint32Array;
  readonly missing: number;
  readonly dense: boolean;
  /**
   * The same bins column-major (`byColumn[f * rows + i]`), when built: partitioning a node by one
   * feature then reads memory in order instead of one cache line per row.
   */
  readonly byColumn?: Uint16Array | Uint32Array;
}

/**
 * Maps a training set onto its cuts.
 *
 * @example
 * ```ts
 * const { bins, missing } = buildBinMatrix(data, buildHistCuts(data, 256));
 * ```
 */
export function buildBinMatrix(data: TrainingData, cuts: HistCuts): BinMatrix {
  const { rows, columns, values } = data;
  const total = cuts.ptrs[columns]!;
  const bins = total < 65535 ? new Uint16Array(rows * columns) : new Uint32Array(rows * columns);
  let dense = true;
  const cv = cuts.values;
  const upperBound = (v: number, lo: number, hi: number): number => {
    let a = lo;
    let z = hi;
    while (a < z) {
      const mid = (a + z) >>> 1;
      if (cv[mid]! > v) z = mid;
      else a = mid + 1;
    }
    return a === hi ? hi - 1 : a;
  };
  for (let f = 0; f < columns; f++) {
    const lo = cuts.ptrs[f]!;
    const hi = cuts.ptrs[f + 1]!;
    const base = f * rows;
    let min = Infinity;
    let max = -Infinity;
    let integral = true;
    for (let i = 0; i < rows; i++) {
      const v = values[base + i]!;
      if (v !== v) continue;
      if (v < min) min = v;
      if (v > max) max = v;
      if (integral && !Number.isInteger(v)) integral = false;
    }
    // Integer-valued features (counts): one lookup table per feature instead of a search per value.
    const lut = integral && min <= max && max - min <= 4 * rows + 1024 ? new Uint32Array(max - min + 1) : null;
    if (lut !== null) for (let k = 0; k < lut.length; k++) lut[k] = upperBound(k + min, lo, hi);
    for (let i = 0; i < rows; i++) {
      const v = values[base + i]!;
      let b: number;
      if (v !== v) {
        b = total;
        dense = false;
      } else b = lut !== null ? lut[v - min]! : upperBound(v, lo, hi);
      bins[i * columns + f] = b;
    }
  }
  return { bins, missing: total, dense };
}

// Small hot loops of buildHistIndex, kept as separate functions so V8 optimises each once and
// reuses it for every feature (one big function with all of them deoptimised repeatedly).

/** Writes [non-missing count, min, max, 1 if all integers] of one column into `out`. */
function scanColumn(values: Float32Array, base: number, rows: number, out: Float64Array): void {
  let n = 0;
  let min = Infinity;
  let max = -Infinity;
  let integral = 1;
  for (let i = 0; i < rows; i++) {
    const v = values[base + i]!;
    if (v !== v) continue;
    n++;
    if (v < min) min = v;
    if (v > max) max = v;
    if (v !== Math.floor(v)) integral = 0;
  }
  out[0] = n;
  out[1] = min;
  out[2] = max;
  out[3] = integral;
}

/** Counts each integer value of a column (missing values skipped) into `tally[v − min]`. */
function tallyColumn(values: Float32Array, base: number, rows: number, min: number, tally: Uint32Array): void {
  for (let i = 0; i < rows; i++) {
    const v = values[base + i]!;
    if (v === v) tally[v - min]!++;
  }
}

/** {@link tallyColumn} over the rows of non-zero weight only. */
function tallyWeightedColumn(
  values: Float32Array,
  weights: Float32Array,
  base: number,
  rows: number,
  min: number,
  tally: Uint32Array,
): void {
  for (let i = 0; i < rows; i++) {
    const v = values[base + i]!;
    if (v === v && weights[i] !== 0) tally[v - min]!++;
  }
}

/** Bins of an integer feature through its lookup table, into both layouts. */
function binsByLookup(
  values: Float32Array,
  f: number,
  rows: number,
  columns: number,
  min: number,
  lut: Uint32Array,
  missing: number,
  bins: Uint16Array,
  byColumn: Uint16Array,
): void {
  const base = f * rows;
  for (let i = 0, at = f; i < rows; i++, at += columns) {
    const v = values[base + i]!;
    const b = v !== v ? missing : lut[v - min]!;
    bins[at] = b;
    byColumn[base + i] = b;
  }
}

/**
 * Cuts and bin matrix together, the way `hist` training needs them, in fewer passes over the data:
 * for integer-valued features (counts) one pass finds the range, one counts values (the exact
 * summary when it applies) and one assigns bins through a lookup table; other features go through
 * {@link featureCuts} and a binary search. The result equals {@link buildHistCuts} followed by
 * {@link buildBinMatrix}.
 *
 * @example
 * ```ts
 * const { cuts, bins } = buildHistIndex(data, 256);
 * ```
 */
export function buildHistIndex(data: TrainingData, maxBin: number): { cuts: HistCuts; bins: BinMatrix } {
  const { rows, columns, values, weights } = data;
  const all: number[] = [];
  const ptrs = new Uint32Array(columns + 1);
  const minValues = new Float32Array(columns);
  const buffer = new Float32Array(rows);
  const wbuffer = weights === undefined ? undefined : new Float32Array(rows);
  const luts: (Uint32Array | null)[] = [];
  const mins = new Float64Array(columns);
  const stats = new Float64Array(4);
  let dense = true;
  for (let f = 0; f < columns; f++) {
    const base = f * rows;
    scanColumn(values, base, rows, stats);
    const n = stats[0]!;
    const min = stats[1]!;
    const max = stats[2]!;
    const integral = stats[3] === 1;
    if (n < rows) dense = false;
    let result: { cuts: number[]; minValue: number } | undefined;
    let tally: Uint32Array | null = null;
    if (n > 0 && integral && max - min <= 4 * rows + 1024) {
      tally = new Uint32Array(max - min + 1);
      // Weighted: only values of non-zero weight enter the sketch; their cuts need no ranks while
      // no prune can drop one (see weightedFeatureCuts).
      if (weights === undefined) tallyColumn(values, base, rows, min, tally);
      else tallyWeightedColumn(values, weights, base, rows, min, tally);
      let d = 0;
      for (let k = 0; k < tally.length; k++) if (tally[k]! > 0) d++;
      const fits =
        weights === undefined
          ? d <= sketchLimits(n, 1 / (fr(maxBin) * 8)).limit
          : d > 0 && d <= Math.min(n, maxBin) + 1;
      if (fits) {
        const value = new Float64Array(d);
        const wmin = new Float64Array(d);
        const rmin = new Float64Array(d);
        const rmax = new Float64Array(d);
        let j = 0;
        let wsum = 0;
        for (let k = 0; k < tally.length; k++) {
          const c = tally[k]!;
          if (c === 0) continue;
          value[j] = k + min;
          wmin[j] = c;
          rmin[j] = wsum;
          wsum += c;
          rmax[j++] = wsum;
        }
        result = cutsFromSummary({ rmin, rmax, wmin, value, size: d }, n, maxBin);
      }
    }
    if (result === undefined) {
      let k = 0;
      for (let i = 0; i < rows; i++) {
        const v = values[base + i]!;
        if (v === v) {
          if (wbuffer !== undefined) wbuffer[k] = weights![i]!;
          buffer[k++] = v;
        }
      }
      result = featureCuts(buffer.subarray(0, k), maxBin, wbuffer?.subarray(0, k));
    }
    const lo = all.length;
    for (const c of result.cuts) all.push(c);
    ptrs[f + 1] = all.length;
    minValues[f] = result.minValue;
    // Integer features: bin of every value in [min, max] by one merge walk over the cuts.
    let lut: Uint32Array | null = null;
    if (tally !== null) {
      lut = new Uint32Array(tally.length);
      const hi = all.length;
      let b = lo;
      for (let k = 0; k < lut.length; k++) {
        const v = k + min;
        while (b < hi && all[b]! <= v) b++;
        lut[k] = b === hi ? hi - 1 : b;
      }
    }
    luts.push(lut);
    mins[f] = min;
  }
  const cuts: HistCuts = { values: Float32Array.from(all), ptrs, minValues };
  const total = ptrs[columns]!;
  if (total >= 65535) return { cuts, bins: buildBinMatrix(data, cuts) };
  const bins = new Uint16Array(rows * columns);
  const byColumn = new Uint16Array(rows * columns);
  for (let f = 0; f < columns; f++) {
    const lut = luts[f];
    if (lut !== null && lut !== undefined) binsByLookup(values, f, rows, columns, mins[f]!, lut, total, bins, byColumn);
  }
  // Other features by binary search over their cuts.
  const cv = cuts.values;
  for (let f = 0; f < columns; f++) {
    if (luts[f] !== null) continue;
    const lo = ptrs[f]!;
    const hi = ptrs[f + 1]!;
    const base = f * rows;
    for (let i = 0, at = f; i < rows; i++, at += columns) {
      const v = values[base + i]!;
      if (v !== v) {
        bins[at] = byColumn[base + i] = total;
        continue;
      }
      let a = lo;
      let z = hi;
      while (a < z) {
        const mid = (a + z) >>> 1;
        if (cv[mid]! > v) z = mid;
        else a = mid + 1;
      }
      bins[at] = byColumn[base + i] = a === hi ? hi - 1 : a;
    }
  }
  return { cuts, bins: { bins, missing: total, dense, byColumn } };
}
