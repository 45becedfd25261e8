/**
 * What training derives from a {@link TrainingData} before its first tree, kept with the data for
 * the next training run on it, as XGBoost 1.7.4's DMatrix keeps its quantile index
 * (`GHistIndexMatrix`, rebuilt only when `max_bin` changes) and its column-sorted page: training
 * several models on one data set (a hyperparameter search, `xgb.train` called again) sorts and bins
 * the data once. The data is immutable, so what is kept never goes stale; it is held weakly (it
 * goes when the data goes) and read-only (every run has its own workspace).
 */
import { type BinMatrix, type HistCuts, buildHistIndex } from './hist-cuts.js';
import { type SortedColumns, sortColumns } from './sorted-columns.js';
import type { TrainingData } from './training-data.js';

interface Kept {
  sorted?: SortedColumns;
  hist?: { readonly maxBin: number; readonly cuts: HistCuts; readonly bins: BinMatrix };
}

const kept = new WeakMap<TrainingData, Kept>();

function entry(data: TrainingData): Kept {
  let k = kept.get(data);
  if (k === undefined) {
    k = {};
    kept.set(data, k);
  }
  return k;
}

/**
 * {@link buildHistIndex} of `data` for `maxBin`, built on the first call and returned again while
 * `maxBin` stays the same (one index per data set, as XGBoost keeps one).
 *
 * @example
 * ```ts
 * const { cuts, bins } = histIndexOf(data, 256); // the same objects on the next call
 * ```
 */
export function histIndexOf(data: TrainingData, maxBin: number): { cuts: HistCuts; bins: BinMatrix } {
  const k = entry(data);
  if (k.hist === undefined || k.hist.maxBin !== maxBin) k.hist = { maxBin, ...buildHistIndex(data, maxBin) };
  return { cuts: k.hist.cuts, bins: k.hist.bins };
}

/**
 * {@link sortColumns} of `data`, sorted on the first call and returned again after.
 *
 * @example
 * ```ts
 * const sorted = sortedColumnsOf(data);
 * ```
 */
export function sortedColumnsOf(data: TrainingData): SortedColumns {
  const k = entry(data);
  k.sorted ??= sortColumns(data);
  return k.sorted;
}
