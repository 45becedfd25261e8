/**
 * NumPy's float64 `add.reduce` (pairwise summation: a plain loop below 8 values, eight running sums
 * up to 128, halves beyond), the sum `numpy.mean` and `numpy.std` build on, reproduced so that a
 * cross-validation's mean and standard deviation equal `xgb.cv`'s to the last bit.
 */
function pairwiseSum(values: ArrayLike<number>, start: number, n: number): number {
  if (n < 8) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[start + i]!;
    return sum;
  }
  if (n <= 128) {
    const r = new Float64Array(8);
    for (let j = 0; j < 8; j++) r[j] = values[start + j]!;
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] = r[j]! + values[start + i + j]!;
    let sum = r[0]! + r[1]! + (r[2]! + r[3]!) + (r[4]! + r[5]! + (r[6]! + r[7]!));
    for (; i < n; i++) sum += values[start + i]!;
    return sum;
  }
  let half = Math.floor(n / 2);
  half -= half % 8;
  return pairwiseSum(values, start, half) + pairwiseSum(values, start + half, n - half);
}

/**
 * The mean and population standard deviation of per-fold values, computed as `numpy.mean` and
 * `numpy.std` (ddof 0) compute them in float64: the sum by pairwise summation over the count, then
 * the square root of the mean squared deviation.
 *
 * @example
 * ```ts
 * foldMeanStd([0.25, 0.5, 0.75]); // { mean: 0.5, std: 0.2041241452319315 } (numpy's values)
 * ```
 */
export function foldMeanStd(values: ArrayLike<number>): { mean: number; std: number } {
  const n = values.length;
  const mean = (0 + pairwiseSum(values, 0, n)) / n;
  const squares = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const d = values[i]! - mean;
    squares[i] = d * d;
  }
  return { mean, std: Math.sqrt((0 + pairwiseSum(squares, 0, n)) / n) };
}

/**
 * A metric value as `xgb.cv` reads it: XGBoost prints each fold's evaluation with 17 digits after the
 * point (`std::fixed`, `max_digits10`), and `xgb.cv` parses that text back before averaging, so a
 * value below 0.1 loses its last digits on the way. Returning the parsed text keeps the averages
 * bit-identical to `xgb.cv`'s.
 *
 * @example
 * ```ts
 * printedMetric(0.012345678901234567); // 0.01234567890123457
 * ```
 */
export function printedMetric(value: number): number {
  return Number.isFinite(value) ? Number(value.toFixed(17)) : value;
}
