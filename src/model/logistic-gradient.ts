/**
 * The per-round gradient of `binary:logistic` for every row, XGBoost 1.7.4's float32 arithmetic:
 * `p = sigmoid(m)`, `g = p − y`, `h = max(p·(1 − p), 1e-16)`, positive rows scaled by
 * `scale_pos_weight`, with the sigmoid on glibc's `expf` ({@link expf}); with instance weights both
 * are multiplied by the row's weight (times `scale_pos_weight` for positive rows), in float32.
 */
import { expf } from './expf.js';

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
 * the others' gradients are never read), weighted when `weights` is given.
 *
 * @example
 * ```ts
 * logisticGradientRows(margins, labels, 1, grad, hess, undefined, sampledRows, sampledCount);
 * ```
 */
export function logisticGradientRows(
  margins: Float32Array,
  labels: Float32Array,
  scalePosWeight: number,
  grad: Float32Array,
  hess: Float32Array,
  weights: Float32Array | undefined,
  rowIds: Uint32Array,
  count: number,
): void {
  for (let i = 0; i < count; i++) {
    const r = rowIds[i]!;
    const e = expf(Math.min(-margins[r]!, MAX_EXP_ARG));
    const p = Math.fround(1 / Math.fround(Math.fround(e + 1) + EPS));
    const y = labels[r]!;
    let w = weights === undefined ? 1 : weights[r]!;
    if (y === 1) w = Math.fround(w * scalePosWeight);
    grad[r] = Math.fround(Math.fround(p - y) * w);
    hess[r] = Math.fround(Math.max(Math.fround(p * Math.fround(1 - p)), EPS) * w);
  }
}
