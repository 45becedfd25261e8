import type { TrainingData } from './training-data.js';

/**
 * Every feature's non-missing values sorted once, for the `exact` scans: feature `f` occupies
 * `[ptrs[f], ptrs[f+1])` of `rowIds` (rows by increasing value, ties in row order) and `values`
 * (the float32 values in that order).
 */
export interface SortedColumns {
  readonly ptrs: Uint32Array;
  readonly rowIds: Uint32Array;
  readonly values: Float32Array;
  /**
   * Per feature: 1 when the scan in the missing-goes-right direction runs (column has missing values and is not
   * constant).
   */
  readonly forwardScan: Uint8Array;
}

/**
 * Sorts each feature's non-missing values (ties kept in row order), the column layout XGBoost's
 * `exact` updater scans.
 *
 * @example
 * ```ts
 * const sorted = sortColumns(data);
 * sorted.values.subarray(sorted.ptrs[0], sorted.ptrs[1]); // feature 0 in increasing order
 * ```
 */
export function sortColumns(data: TrainingData): SortedColumns {
  const { rows, columns, values } = data;
  const ptrs = new Uint32Array(columns + 1);
  for (let f = 0; f < columns; f++) {
    let n = 0;
    for (let i = 0; i < rows; i++) if (values[f * rows + i] === values[f * rows + i]) n++;
    ptrs[f + 1] = ptrs[f]! + n;
  }
  const total = ptrs[columns]!;
  const rowIds = new Uint32Array(total);
  const sorted = new Float32Array(total);
  const forwardScan = new Uint8Array(columns);
  const order = new Uint32Array(rows);
  for (let f = 0; f < columns; f++) {
    const base = f * rows;
    let n = 0;
    let integral = true;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < rows; i++) {
      const v = values[base + i]!;
      if (v !== v) continue;
      order[n++] = i;
      if (v < min) min = v;
      if (v > max) max = v;
      if (integral && !Number.isInteger(v)) integral = false;
    }
    const out = ptrs[f]!;
    if (integral && n > 0 && max - min <= 4 * rows + 1024) {
      // Counting sort: stable, linear, and the common case (count features).
      const start = new Uint32Array(max - min + 2);
      for (let k = 0; k < n; k++) start[values[base + order[k]!]! - min + 1]!++;
      for (let k = 1; k < start.length; k++) start[k]! += start[k - 1]!;
      for (let k = 0; k < n; k++) {
        const row = order[k]!;
        const v = values[base + row]!;
        const at = out + start[v - min]!++;
        rowIds[at] = row;
        sorted[at] = v;
      }
    } else {
      // Sort keys that encode value then row, so ties stay in row order.
      const idx = order.subarray(0, n);
      idx.sort((a, b) => values[base + a]! - values[base + b]! || a - b);
      for (let k = 0; k < n; k++) {
        rowIds[out + k] = idx[k]!;
        sorted[out + k] = values[base + idx[k]!]!;
      }
    }
    const constant = n > 0 && sorted[out] === sorted[out + n - 1];
    forwardScan[f] = n < rows && !constant ? 1 : 0;
  }
  return { ptrs, rowIds, values: sorted, forwardScan };
}
