import type { HistCuts } from './hist-cuts.js';
import { type SplitParams, needReplace, splitGain } from './split-evaluator.js';

/** The best split found for a node of a `hist` tree. */
export class HistSplit {
  /** The stored gain (`loss_changes`); 0 when nothing beat the initial candidate. */
  loss = 0;
  feature = 0;
  /** Threshold (float32): `x < condition` goes left. */
  condition = 0;
  /** Local bin index of the feature: rows with bin ≤ splitBin go left (−1: none). */
  splitBin = -1;
  defaultLeft = false;
  gl = 0;
  hl = 0;
  gr = 0;
  hr = 0;

  /** Forgets the previous node's result. */
  reset(): void {
    this.loss = 0;
    this.feature = 0;
    this.condition = 0;
    this.splitBin = -1;
    this.defaultLeft = false;
    this.gl = this.hl = this.gr = this.hr = 0;
  }
}

/**
 * Finds a node's best split from its histogram, as XGBoost 1.7.4's `HistEvaluator` with one
 * thread: features in increasing order; a forward scan over the bins (missing values right,
 * threshold the bin's upper cut) and, only when the node has missing values for the feature (the
 * bins do not add up to the node's sums), a backward scan (missing left, threshold the previous
 * cut, or the feature's minimum value for the first bin); a candidate needs Σh ≥ min_child_weight
 * on both sides; XGBoost's tie rules ({@link needReplace}). `G`, `H` and `parentGain` are the
 * node's sums and score. `features`, when given, lists the features the node may split on
 * (increasing, as the column sampler gives them); otherwise every one of the `columns`.
 *
 * @example
 * ```ts
 * const best = new HistSplit();
 * evaluateHistSplit(best, hist, cuts, G, H, calcGain(G, H, params), params, columns);
 * if (best.loss > 1e-6) split(best.feature, best.condition);
 * ```
 */
export function evaluateHistSplit(
  best: HistSplit,
  hist: Float64Array,
  cuts: HistCuts,
  G: number,
  H: number,
  parentGain: number,
  params: SplitParams,
  columns: number,
  features: Uint32Array | null = null,
): void {
  const { ptrs, values, minValues } = cuts;
  const mcw = params.minChildWeight;
  best.reset();
  const count = features === null ? columns : features.length;
  for (let q = 0; q < count; q++) {
    const f = features === null ? q : features[q]!;
    const lo = ptrs[f]!;
    const hi = ptrs[f + 1]!;
    let lg = 0;
    let lh = 0;
    for (let i = lo; i < hi; i++) {
      lg += hist[2 * i]!;
      lh += hist[2 * i + 1]!;
      const rg = G - lg;
      const rh = H - lh;
      if (lh >= mcw && rh >= mcw) {
        const loss = splitGain(lg, lh, rg, rh, parentGain, params);
        if (needReplace(best.loss, best.feature, loss, f)) {
          best.loss = loss;
          best.feature = f;
          best.condition = values[i]!;
          best.splitBin = i - lo;
          best.defaultLeft = false;
          best.gl = lg;
          best.hl = lh;
          best.gr = rg;
          best.hr = rh;
        }
      }
    }
    if (lg === G && lh === H) continue;
    let rg = 0;
    let rh = 0;
    for (let i = hi - 1; i >= lo; i--) {
      rg += hist[2 * i]!;
      rh += hist[2 * i + 1]!;
      const lg2 = G - rg;
      const lh2 = H - rh;
      if (rh >= mcw && lh2 >= mcw) {
        const loss = splitGain(lg2, lh2, rg, rh, parentGain, params);
        if (needReplace(best.loss, best.feature, loss, f)) {
          best.loss = loss;
          best.feature = f;
          best.condition = i === lo ? minValues[f]! : values[i - 1]!;
          best.splitBin = i - lo - 1;
          best.defaultLeft = true;
          best.gl = lg2;
          best.hl = lh2;
          best.gr = rg;
          best.hr = rh;
        }
      }
    }
  }
}
