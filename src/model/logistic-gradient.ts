/**
 * The per-round gradient of `binary:logistic` for every row, XGBoost 1.7.4's float32 arithmetic:
 * `p = sigmoid(m)`, `g = p − y`, `h = max(p·(1 − p), 1e-16)`, positive rows scaled by
 * `scale_pos_weight`, with the sigmoid on glibc's `expf` ({@link expf}); with instance weights both
 * are multiplied by the row's weight (times `scale_pos_weight` for positive rows), in float32.
 */
import { C0, C1, C2, EXP2_TABLE, INV_LN2_N, POW2, SHIFT, UNDERFLOW, expf } from './expf.js';

const MAX_EXP_ARG = Math.fround(88.7);
const EPS = Math.fround(1e-16);

/**
 * Fills `grad` and `hess` for every row from float32 margins and labels, as XGBoost 1.7.4's
 * `LogisticRegression` objective does: the row's weight `w` (1 without `weights`), times
 * `scalePosWeight` for rows with label 1, multiplies both, each product rounded to float32.
 *
 * @example
 * ```ts
 * logisticGradient(margins, labels, 1, grad, hess);
 * logisticGradient(margins, labels, 1, grad, hess, data.weights);
 * ```
 */
export function logisticGradient(
  margins: Float32Array,
  labels: Float32Array,
  scalePosWeight: number,
  grad: Float32Array,
  hess: Float32Array,
  weights?: Float32Array,
): void {
  const n = margins.length;
  if (weights !== undefined) {
    weightedGradient(margins, labels, scalePosWeight, grad, hess, weights);
    return;
  }
  for (let r = 0; r < n; r++) {
    const e = expf(Math.min(-margins[r]!, MAX_EXP_ARG));
    const p = Math.fround(1 / Math.fround(Math.fround(e + 1) + EPS));
    const y = labels[r]!;
    let g = Math.fround(p - y);
    let h = Math.max(Math.fround(p * Math.fround(1 - p)), EPS);
    if (scalePosWeight !== 1 && y === 1) {
      g = Math.fround(g * scalePosWeight);
      h = Math.fround(h * scalePosWeight);
    }
    grad[r] = g;
    hess[r] = h;
  }
}

/** {@link logisticGradient} with instance weights (XGBoost: `w = weight; if (y == 1) w *= spw; g·w, h·w`). */
function weightedGradient(
  margins: Float32Array,
  labels: Float32Array,
  scalePosWeight: number,
  grad: Float32Array,
  hess: Float32Array,
  weights: Float32Array,
): void {
  const n = margins.length;
  for (let r = 0; r < n; r++) {
    const e = expf(Math.min(-margins[r]!, MAX_EXP_ARG));
    const p = Math.fround(1 / Math.fround(Math.fround(e + 1) + EPS));
    const y = labels[r]!;
    let w = weights[r]!;
    if (y === 1) w = Math.fround(w * scalePosWeight);
    grad[r] = Math.fround(Math.fround(p - y) * w);
    hess[r] = Math.fround(Math.max(Math.fround(p * Math.fround(1 - p)), EPS) * w);
  }
}

/**
 * {@link logisticGradient} for the rows `rowIds[0..count)` only (the rows a `hist` tree samples;
 * the others' gradients are never read), weighted when `weights` is given, written as interleaved
 * pairs `gh[2r] = g`, `gh[2r + 1] = h` (the float32 values, held exactly in doubles) where the
 * histogram kernel reads them. {@link expf}'s arithmetic is repeated inline: a call returning a
 * double costs V8 more than the arithmetic itself here; the results are the same bits (tested).
 *
 * @example
 * ```ts
 * logisticGradientPairs(margins, labels, 1, kernel.gradients, undefined, sampledRows, sampledCount);
 * ```
 */
export function logisticGradientPairs(
  margins: Float32Array,
  labels: Float32Array,
  scalePosWeight: number,
  gh: Float64Array,
  weights: Float32Array | undefined,
  rowIds: Uint32Array,
  count: number,
): void {
  for (let i = 0; i < count; i++) {
    const r = rowIds[i]!;
    // expf(x) for the float32 x = min(−margin, 88.7f) ≤ 88.7f, below expf's overflow bound; a NaN
    // margin flows through the arithmetic to a NaN, as in expf.
    const x = Math.min(-margins[r]!, MAX_EXP_ARG);
    let e = 0;
    if (!(x < UNDERFLOW)) {
      const z = INV_LN2_N * x;
      const kd = z + SHIFT - SHIFT;
      const d = z - kd;
      const k = kd | 0;
      const s = EXP2_TABLE[k & 31]! * POW2[(k >> 5) + 160]!;
      e = Math.fround(((C0 * d + C1) * (d * d) + (C2 * d + 1)) * s);
    }
    const p = Math.fround(1 / Math.fround(Math.fround(e + 1) + EPS));
    const y = labels[r]!;
    let w = weights === undefined ? 1 : weights[r]!;
    if (y === 1) w = Math.fround(w * scalePosWeight);
    gh[2 * r] = Math.fround(Math.fround(p - y) * w);
    gh[2 * r + 1] = Math.fround(Math.max(Math.fround(p * Math.fround(1 - p)), EPS) * w);
  }
}
