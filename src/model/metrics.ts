import type { EvalMetric } from './train-params.js';

const fr = Math.fround;

// glibc ≥ 2.28's logf (ARM optimized-routines): 16-entry table, degree-3 polynomial in double.
// glibc's logf is not correctly rounded (up to 0.82 ulp), so `fround(Math.log(x))` differs from it
// on some inputs; XGBoost's logloss calls it once per row.
const LOGF_INVC = Float64Array.of(
  1.398907162146528,
  1.3403141896637998,
  1.286432210124115,
  1.2367150214269895,
  1.1906977166711752,
  1.1479821020556429,
  1.1082251448272158,
  1.0711297413057381,
  1.036437278977283,
  1,
  0.9492859795739057,
  0.8951049428609004,
  0.8476821620351103,
  0.8050314851692001,
  0.7664671008843108,
  0.731428603316328,
);
const LOGF_LOGC = Float64Array.of(
  -0.33569133332882284,
  -0.2929040563774074,
  -0.2518726580937369,
  -0.21245868807117255,
  -0.17453945183745634,
  -0.1380057072319758,
  -0.10275976698545139,
  -0.06871392447020525,
  -0.0357891387398228,
  0,
  0.05204517742929496,
  0.11081431298787942,
  0.1652495223695143,
  0.21687389031699977,
  0.2659635028121397,
  0.3127556664073557,
);
const LN2 = 0.6931471805599453;
const A0 = -0.25089342214237154;
const A1 = 0.333456765744066;
const A2 = -0.4999997485802103;
const f32Buf = new Float32Array(1);
const u32Buf = new Uint32Array(f32Buf.buffer);

/**
 * glibc's `logf` (≥ 2.28, x86-64) for a float32 argument, bit for bit; the natural logarithm as
 * XGBoost's metrics compute it.
 *
 * @example
 * ```ts
 * glibcLogf(0.5); // -0.6931471824645996
 * ```
 */
export function glibcLogf(x: number): number {
  f32Buf[0] = x;
  let ix = u32Buf[0]!;
  if (ix === 0x3f800000) return 0;
  if ((ix - 0x00800000) >>> 0 >= 0x7f800000 - 0x00800000) {
    if ((ix & 0x7fffffff) === 0) return -Infinity;
    if (ix === 0x7f800000) return Infinity;
    if (ix & 0x80000000 || ix * 2 >= 0xff000000) return Number.NaN;
    f32Buf[0] = Math.fround(x * 8388608); // subnormal: normalise
    ix = (u32Buf[0]! - (23 << 23)) >>> 0;
  }
  const tmp = (ix - 0x3f330000) >>> 0;
  const i = (tmp >>> 19) % 16;
  const k = (tmp | 0) >> 23;
  u32Buf[0] = (ix - (tmp & 0xff800000)) >>> 0;
  const z = f32Buf[0];
  const r = z * LOGF_INVC[i]! - 1;
  const y0 = LOGF_LOGC[i]! + k * LN2;
  const r2 = r * r;
  let y = A1 * r + A2;
  y = A0 * r2 + y;
  y = y * r2 + (y0 + r);
  return Math.fround(y);
}

const EPS = Math.fround(1e-16);
const ONE_MINUS_EPS = Math.fround(1 - EPS);
const LOG_EPS = glibcLogf(EPS);
const LOG_ONE_MINUS_EPS = glibcLogf(ONE_MINUS_EPS);

/**
 * XGBoost 1.7.4's `logloss` for binary labels: per row, in float32 with glibc's `logf`,
 * `−y·logf(p) − (1−y)·logf(1−p)` with p clipped to [1e-16, 1−1e-16]; rows summed in double in row
 * order (one thread) and divided by the row count. With weights, each row's loss is multiplied by
 * its weight in float32 and the sum divided by the sum of weights (the sum itself when that is 0).
 *
 * @example
 * ```ts
 * logLoss(Float32Array.of(0.9, 0.2), Float32Array.of(1, 0)); // ≈ 0.164252
 * logLoss(Float32Array.of(0.9, 0.2), Float32Array.of(1, 0), Float32Array.of(1, 0)); // ≈ 0.105361
 * ```
 */
export function logLoss(probabilities: Float32Array, labels: Float32Array, weights?: Float32Array): number {
  let sum = 0;
  let wsum = 0;
  const n = labels.length;
  for (let i = 0; i < n; i++) {
    const y = labels[i]!;
    const py = probabilities[i]!;
    const pneg = fr(1 - py);
    const ny = fr(1 - y);
    let row: number;
    if (py < EPS) row = fr(fr(-y * LOG_EPS) - fr(ny * LOG_ONE_MINUS_EPS));
    else if (pneg < EPS) row = fr(fr(-y * LOG_ONE_MINUS_EPS) - fr(ny * LOG_EPS));
    else row = fr(fr(-y * glibcLogf(py)) - fr(ny * glibcLogf(pneg)));
    if (weights === undefined) sum += row;
    else {
      const w = weights[i]!;
      sum += fr(row * w);
      wsum += w;
    }
  }
  return weightedMean(sum, wsum, n, weights);
}

/** XGBoost's `GetFinal`: the sum over the weight sum (the sum itself when the weights sum to 0). */
function weightedMean(sum: number, wsum: number, n: number, weights: Float32Array | undefined): number {
  if (weights === undefined) return sum / n;
  return wsum === 0 ? sum : sum / wsum;
}

/**
 * XGBoost 1.7.4's `error`: the share of rows where `p > 0.5` disagrees with the label
 * (`p > 0.5 ? 1 − y : y` per row, averaged in double; with weights, each row's value times its
 * weight in float32, over the sum of weights).
 *
 * @example
 * ```ts
 * errorRate(Float32Array.of(0.9, 0.6), Float32Array.of(1, 0)); // 0.5
 * errorRate(Float32Array.of(0.9, 0.6), Float32Array.of(1, 0), Float32Array.of(3, 1)); // 0.25
 * ```
 */
export function errorRate(probabilities: Float32Array, labels: Float32Array, weights?: Float32Array): number {
  let sum = 0;
  let wsum = 0;
  const n = labels.length;
  for (let i = 0; i < n; i++) {
    const y = labels[i]!;
    const row = probabilities[i]! > 0.5 ? fr(1 - y) : y;
    if (weights === undefined) sum += row;
    else {
      const w = weights[i]!;
      sum += fr(row * w);
      wsum += w;
    }
  }
  return weightedMean(sum, wsum, n, weights);
}

/**
 * XGBoost 1.7.4's binary `auc`: predictions sorted in decreasing order, tied predictions grouped,
 * the ROC curve integrated with trapezoids in double and normalised by `fp · tp`. NaN when the
 * labels are all of one class (XGBoost warns and reports NaN then). With weights, each row adds
 * `(1 − y)·w` to the false and `y·w` to the true positives (float32 products, double sums).
 *
 * @example
 * ```ts
 * auc(Float32Array.of(0.9, 0.8, 0.3, 0.1), Float32Array.of(1, 0, 1, 0)); // 0.75
 * auc(Float32Array.of(0.9, 0.8, 0.3, 0.1), Float32Array.of(1, 0, 1, 0), Float32Array.of(1, 1, 2, 1)); // ≈ 0.666667
 * ```
 */
export function auc(probabilities: Float32Array, labels: Float32Array, weights?: Float32Array): number {
  const n = labels.length;
  if (n === 0) return Number.NaN;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => probabilities[b]! - probabilities[a]! || a - b);
  let label = labels[order[0]!]!;
  const w0 = weights === undefined ? 1 : weights[order[0]!]!;
  // XGBoost: `double fp = (1.0 - label) * w` (double), `tp = label * w` (float).
  let fp = weights === undefined ? fr(1 - label) : (1 - label) * w0;
  let tp = weights === undefined ? label : fr(label * w0);
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
    if (weights === undefined) {
      fp += fr(1 - label);
      tp += label;
    } else {
      const w = weights[order[i]!]!;
      fp += fr(fr(1 - label) * w);
      tp += fr(label * w);
    }
  }
  area += (Math.abs(fpPrev - fp) * (tpPrev + tp)) / 2;
  if (fp <= 0 || tp <= 0) return Number.NaN;
  return area / (fp * tp);
}

/**
 * Evaluates one metric by name on probabilities, weighted when `weights` is given.
 *
 * @example
 * ```ts
 * evalMetric('logloss', probabilities, labels);
 * evalMetric('auc', probabilities, labels, data.weights);
 * ```
 */
export function evalMetric(
  metric: EvalMetric,
  probabilities: Float32Array,
  labels: Float32Array,
  weights?: Float32Array,
): number {
  switch (metric) {
    case 'logloss':
      return logLoss(probabilities, labels, weights);
    case 'error':
      return errorRate(probabilities, labels, weights);
    case 'auc':
      return auc(probabilities, labels, weights);
  }
}

/**
 * True for metrics where larger is better, as `xgb.train`'s early stopping decides (`auc`).
 *
 * @example
 * ```ts
 * metricMaximizes('auc');     // true
 * metricMaximizes('logloss'); // false
 * ```
 */
export function metricMaximizes(metric: EvalMetric): boolean {
  return metric === 'auc';
}
