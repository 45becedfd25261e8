/**
 * XGBoost 1.7.4's split arithmetic for one node: leaf weight, score (half the gain) and the stored
 * split gain, with its exact mix of double sums and float32 results. `G` and `H` are the double
 * gradient and hessian sums of a node; the parameters are float32 values.
 */

/** The regularisation parameters the split arithmetic reads (float32 values). */
export interface SplitParams {
  readonly minChildWeight: number;
  readonly lambda: number;
  readonly alpha: number;
  readonly maxDeltaStep: number;
}

/**
 * Soft-thresholds a gradient sum by the L1 penalty: `G−α` above α, `G+α` below −α, else 0.
 *
 * @example
 * ```ts
 * thresholdL1(2.5, 1); // 1.5
 * thresholdL1(0.4, 1); // 0
 * ```
 */
export function thresholdL1(g: number, alpha: number): number {
  if (g > alpha) return g - alpha;
  if (g < -alpha) return g + alpha;
  return 0;
}

/**
 * The optimal leaf weight of a node, float32: `−T(G)/(H+λ)` computed in double, clamped to
 * ±max_delta_step when that is set, and 0 when `H < min_child_weight` or `H ≤ 0`.
 *
 * @example
 * ```ts
 * calcWeight(-10, 20, { minChildWeight: 1, lambda: 1, alpha: 0, maxDeltaStep: 0 }); // 0.4761904776096344
 * ```
 */
export function calcWeight(g: number, h: number, p: SplitParams): number {
  if (h < p.minChildWeight || h <= 0) return 0;
  let w = -thresholdL1(g, p.alpha) / (h + p.lambda);
  if (p.maxDeltaStep !== 0 && Math.abs(w) > p.maxDeltaStep) w = w < 0 ? -p.maxDeltaStep : p.maxDeltaStep;
  return Math.fround(w);
}

/**
 * A node's score (XGBoost's `CalcGain`), float32: `T(G)² / (H+λ)` with both operands rounded to
 * float32 first; with max_delta_step set, `−(2·G·w + (H+λ)·w²)` in float32 for the clamped weight.
 * It does not look at min_child_weight.
 *
 * @example
 * ```ts
 * calcGain(-10, 20, { minChildWeight: 1, lambda: 1, alpha: 0, maxDeltaStep: 0 }); // 4.761904716491699
 * ```
 */
export function calcGain(g: number, h: number, p: SplitParams): number {
  if (h <= 0) return 0;
  if (p.maxDeltaStep === 0) {
    const t = thresholdL1(g, p.alpha);
    return Math.fround(Math.fround(t * t) / Math.fround(h + p.lambda));
  }
  const w = calcWeight(g, h, p);
  const a = Math.fround(Math.fround(2 * Math.fround(g)) * w);
  const b = Math.fround(Math.fround(Math.fround(h) + p.lambda) * Math.fround(w * w));
  return -Math.fround(a + b);
}

/**
 * The gain XGBoost stores in `loss_changes` for a split into (GL, HL) and (GR, HR):
 * `fround(fround(score(L) + score(R)) − score(parent))`, without the ½ and without gamma.
 *
 * @example
 * ```ts
 * const p = { minChildWeight: 1, lambda: 1, alpha: 0, maxDeltaStep: 0 };
 * splitGain(-8, 5, -2, 15, calcGain(-10, 20, p), p); // 6.0664...
 * ```
 */
export function splitGain(gl: number, hl: number, gr: number, hr: number, parentGain: number, p: SplitParams): number {
  return Math.fround(Math.fround(calcGain(gl, hl, p) + calcGain(gr, hr, p)) - parentGain);
}

/**
 * XGBoost's `SplitEntry::NeedReplace`: whether a candidate (loss, feature) beats the current best.
 * Infinite losses never win; against a best on a lower or equal feature the candidate must be
 * strictly greater, against a higher feature greater or equal. Ties therefore go to the lower
 * feature and to the earlier candidate within a feature.
 *
 * @example
 * ```ts
 * needReplace(1.5, 2, 1.5, 3); // false: equal loss on a higher feature
 * needReplace(1.5, 2, 1.5, 1); // true: equal loss on a lower feature
 * ```
 */
export function needReplace(bestLoss: number, bestFeature: number, loss: number, feature: number): boolean {
  if (loss === Infinity || loss === -Infinity) return false;
  if (bestFeature <= feature) return loss > bestLoss;
  return !(bestLoss > loss);
}
