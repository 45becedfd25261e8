/**
 * The names of the timing features, in column order (the user's "session times" experiment). For a
 * session of `n` events at times `t₀ ≤ … ≤ tₙ₋₁` (epoch ms) with `m = n - 1` gaps `gᵢ = (tᵢ - tᵢ₋₁) / 1000`
 * seconds:
 *
 * | feature | value | when there is no gap (n ≤ 1) |
 * |---|---|---|
 * | `event_count` | n | n (0 or 1) |
 * | `duration_s` | (tₙ₋₁ - t₀) / 1000 | 0 |
 * | `gap_mean_s` | (g₁ + … + gₘ) / m, summed in event order | 0 |
 * | `gap_median_s` | middle gap, or the mean of the two middle gaps | 0 |
 * | `gap_min_s`, `gap_max_s` | smallest and largest gap | 0 |
 * | `gap_std_s` | population standard deviation √(Σ(gᵢ - mean)² / m) (numpy's default, ddof = 0, so one gap gives 0 rather than pandas' NaN) | 0 |
 * | `gap_cv` | gap_std_s / gap_mean_s, and 0 when the mean is 0 (all events in the same millisecond) | 0 |
 * | `share_gaps_under_1s` | (number of gaps < 1 s) / m | 0 |
 * | `events_per_minute` | 60 · n / max(duration_s, 1): durations under a second count as one second, so the rate is finite for zero-duration and one-event sessions | 60 · n |
 *
 * No value is ever NaN or infinite. An empty session (possible after `dropPercent(1)`) has every
 * timing feature 0.
 *
 * @example
 * ```ts
 * TIMING_FEATURES[0];     // 'event_count'
 * TIMING_FEATURES.length; // 10
 * ```
 */
export const TIMING_FEATURES = [
  'event_count',
  'duration_s',
  'gap_mean_s',
  'gap_median_s',
  'gap_min_s',
  'gap_max_s',
  'gap_std_s',
  'gap_cv',
  'share_gaps_under_1s',
  'events_per_minute',
] as const;

/** One of the `TIMING_FEATURES`. */
export type TimingFeature = (typeof TIMING_FEATURES)[number];

/**
 * Writes the ten `TIMING_FEATURES` of one session into a column-major feature buffer:
 * feature `k` goes to `out[(column + k) · stride + row]`. The session is positions `from..to` of a
 * log, mapped to physical events through `index` (`null` for identity). `gaps` is scratch space of
 * at least `to - from` values. Returns `-1`, or the event number within the session whose time is
 * not finite or earlier than the one before it (so the caller can name it in an error).
 *
 * @example
 * ```ts
 * const out = new Float64Array(10);
 * writeSessionTiming(new Float64Array([0, 500, 2500]), null, 0, 3, new Float64Array(3), out, 0, 1, 0);
 * out; // [3, 2.5, 1.25, 1.25, 0.5, 2, 0.75, 0.6, 0.5, 60 * 3 / 2.5]
 * ```
 */
export function writeSessionTiming(
  times: Float64Array,
  index: Uint32Array | null,
  from: number,
  to: number,
  gaps: Float64Array,
  out: Float64Array,
  column: number,
  stride: number,
  row: number,
): number {
  const n = to - from;
  const at = column * stride + row;
  out[at] = n;
  if (n === 0) {
    for (let k = 1; k < TIMING_FEATURES.length; k++) out[at + k * stride] = 0;
    return -1;
  }
  const first = times[index === null ? from : index[from]!]!;
  if (!Number.isFinite(first)) return 0;
  let previous = first;
  let sum = 0;
  let min = Infinity;
  let max = 0;
  let under = 0;
  const m = n - 1;
  for (let i = 0; i < m; i++) {
    const p = from + 1 + i;
    const t = times[index === null ? p : index[p]!]!;
    const gap = (t - previous) / 1000;
    if (!(gap >= 0 && gap < Infinity)) return i + 1;
    gaps[i] = gap;
    sum += gap;
    if (gap < min) min = gap;
    if (gap > max) max = gap;
    if (gap < 1) under++;
    previous = t;
  }
  const duration = (previous - first) / 1000;
  out[at + stride] = duration;
  out[at + 9 * stride] = (60 * n) / Math.max(duration, 1);
  if (m === 0) {
    for (let k = 2; k < 9; k++) out[at + k * stride] = 0;
    return -1;
  }
  const mean = sum / m;
  let squares = 0;
  for (let i = 0; i < m; i++) {
    const d = gaps[i]! - mean;
    squares += d * d;
  }
  const std = Math.sqrt(squares / m);
  out[at + 2 * stride] = mean;
  out[at + 3 * stride] = median(gaps, m);
  out[at + 4 * stride] = min;
  out[at + 5 * stride] = max;
  out[at + 6 * stride] = std;
  out[at + 7 * stride] = mean > 0 ? std / mean : 0;
  out[at + 8 * stride] = under / m;
  return -1;
}

/**
 * The median of `values[0..m)`, reordering them in place: insertion sort for the usual short
 * sessions, else Hoare's selection (expected linear time) of the middle element, and for an even
 * count the largest value left below it.
 */
function median(values: Float64Array, m: number): number {
  const half = m >>> 1;
  if (m <= 16) {
    for (let i = 1; i < m; i++) {
      const v = values[i]!;
      let j = i - 1;
      while (j >= 0 && values[j]! > v) {
        values[j + 1] = values[j]!;
        j--;
      }
      values[j + 1] = v;
    }
    return (m & 1) === 1 ? values[half]! : (values[half - 1]! + values[half]!) / 2;
  }
  const upper = select(values, m, half);
  if ((m & 1) === 1) return upper;
  let lower = values[0]!;
  for (let i = 1; i < half; i++) if (values[i]! > lower) lower = values[i]!;
  return (lower + upper) / 2;
}

/** Reorders `values[0..m)` so that position `k` holds the k-th smallest, smaller ones before it; returns it. */
function select(values: Float64Array, m: number, k: number): number {
  let left = 0;
  let right = m - 1;
  while (right > left) {
    // Median of three as the pivot keeps sorted and reversed runs (common in gap data) linear.
    const mid = (left + right) >>> 1;
    const a = values[left]!;
    const b = values[mid]!;
    const c = values[right]!;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = left;
    let j = right;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i] = values[j]!;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return values[k]!;
}
