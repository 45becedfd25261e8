import type { EvalMetric } from './train-params.js';

const fr = Math.fround;
const EPS = Math.fround(1e-16);
const ONE_MINUS_EPS = Math.fround(1 - EPS);
const LOG_EPS = fr(Math.log(EPS));
const LOG_ONE_MINUS_EPS = fr(Math.log(ONE_MINUS_EPS));

/**
 * XGBoost 1.7.4's `logloss` for binary labels: per row, in float32,
 * `−y·logf(p) − (1−y)·logf(1−p)` with p clipped to [1e-16, 1−1e-16]; rows summed in double in row
 * order (one thread) and divided by the row count.
 *
 * @example
 * ```ts
 * logLoss(Float32Array.of(0.9, 0.2), Float32Array.of(1, 0)); // ≈ 0.164252
 * ```
 */
export function logLoss(probabilities: Float32Array, labels: Float32Array): number {
  let sum = 0;
  const n = labels.length;
  for (let i = 0; i < n; i++) {
    const y = labels[i]!;
    const py = probabilities[i]!;
    const pneg = fr(1 - py);
    const ny = fr(1 - y);
    let row: number;
    if (py < EPS) row = fr(fr(-y * LOG_EPS) - fr(ny * LOG_ONE_MINUS_EPS));
    else if (pneg < EPS) row = fr(fr(-y * LOG_ONE_MINUS_EPS) - fr(ny * LOG_EPS));
    else row = fr(fr(-y * fr(Math.log(py))) - fr(ny * fr(Math.log(pneg))));
    sum += row;
  }
  return sum / n;
}

/**
 * XGBoost 1.7.4's `error`: the share of rows where `p > 0.5` disagrees with the label
 * (`p > 0.5 ? 1 − y : y` per row, averaged in double).
 *
 * @example
 * ```ts
 * errorRate(Float32Array.of(0.9, 0.6), Float32Array.of(1, 0)); // 0.5
 * ```
 */
export function errorRate(probabilities: Float32Array, labels: Float32Array): number {
  let sum = 0;
  const n = labels.length;
  for (let i = 0; i < n; i++) {
    const y = labels[i]!;
    sum += probabilities[i]! > 0.5 ? fr(1 - y) : y;
  }
  return sum / n;
}

/**
 * XGBoost 1.7.4's binary `auc`: predictions sorted in decreasing order, tied predictions grouped,
 * the ROC curve integrated with trapezoids in double and normalised by `fp · tp`. NaN when the
 * labels are all of one class (XGBoost warns and reports NaN then).
 *
 * @example
 * ```ts
 * auc(Float32Array.of(0.9, 0.8, 0.3, 0.1), Float32Array.of(1, 0, 1, 0)); // 0.75
 * ```
 */
export function auc(probabilities: Float32Array, labels: Float32Array): number {
  const n = labels.length;
  if (n === 0) return Number.NaN;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => probabilities[b]! - probabilities[a]!);
  let label = labels[order[0]!]!;
  let fp = fr(1 - label);
  let tp = label;
  let fpPrev = 0;
  let tpPrev = 0;
  let area = 0;
  for (let i = 1; i < n; i++) {
    if (probabilities[order[i]!] !== probabilities[order[i - 1]!]) {
      area += (Math.abs(fpPrev - fp) * (tpPrev + tp)) / 2;
      tpPrev = tp;
      fpPrev = fp;
    }
    label = labels[order[i]!]!;
    fp += fr(1 - label);
    tp += label;
  }
  area += (Math.abs(fpPrev - fp) * (tpPrev + tp)) / 2;
  if (fp <= 0 || tp <= 0) return Number.NaN;
  return area / (fp * tp);
}

/**
 * Evaluates one metric by name on probabilities.
 *
 * @example
 * ```ts
 * evalMetric('logloss', probabilities, labels);
 * ```
 */
export function evalMetric(metric: EvalMetric, probabilities: Float32Array, labels: Float32Array): number {
  switch (metric) {
    case 'logloss':
      return logLoss(probabilities, labels);
    case 'error':
      return errorRate(probabilities, labels);
    case 'auc':
      return auc(probabilities, labels);
  }
}

/** True for metrics where larger is better (XGBoost's early-stopping rule: `auc`). */
export function metricMaximizes(metric: EvalMetric): boolean {
  return metric === 'auc';
}
