import { binaryLabels, finiteScores } from './eval-input.js';

/** Counts of positives and negatives scored at or above each distinct score, highest score first. */
export interface ThresholdCounts {
  /** Distinct scores, decreasing. */
  readonly thresholds: Float64Array;
  /** `tps[i]`: positives with score `>= thresholds[i]`. Increasing; the last is the number of positives. */
  readonly tps: Float64Array;
  /** `fps[i]`: negatives with score `>= thresholds[i]`. Increasing; the last is the number of negatives. */
  readonly fps: Float64Array;
}

/**
 * Sorts scores in decreasing order and counts true and false positives at every distinct score,
 * as scikit-learn's `_binary_clf_curve` (tied scores form one threshold). The base of the ROC and
 * precision-recall curves and the threshold tools.
 *
 * @example
 * ```ts
 * thresholdCounts([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
 * // thresholds [0.8, 0.4, 0.35, 0.1], tps [1, 1, 2, 2], fps [0, 1, 1, 2]
 * ```
 */
export function thresholdCounts(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  where = 'thresholdCounts',
): ThresholdCounts {
  const y = binaryLabels(where, labels);
  const s = finiteScores(where, scores, y.length);
  const n = y.length;
  let positives = 0;
  for (let i = 0; i < n; i++) positives += y[i]!;
  // Two native numeric sorts (no comparator) and a merge from the top beat sorting an index.
  const pos = new Float64Array(positives);
  const neg = new Float64Array(n - positives);
  for (let i = 0, a = 0, b = 0; i < n; i++) {
    if (y[i] === 1) pos[a++] = s[i]!;
    else neg[b++] = s[i]!;
  }
  pos.sort();
  neg.sort();
  const thresholds = new Float64Array(n);
  const tps = new Float64Array(n);
  const fps = new Float64Array(n);
  let i = pos.length - 1;
  let j = neg.length - 1;
  let tp = 0;
  let fp = 0;
  let k = 0;
  while (i >= 0 || j >= 0) {
    const v = i < 0 ? neg[j]! : j < 0 ? pos[i]! : Math.max(pos[i]!, neg[j]!);
    while (i >= 0 && pos[i] === v) {
      tp++;
      i--;
    }
    while (j >= 0 && neg[j] === v) {
      fp++;
      j--;
    }
    thresholds[k] = v;
    tps[k] = tp;
    fps[k] = fp;
    k++;
  }
  return { thresholds: thresholds.slice(0, k), tps: tps.slice(0, k), fps: fps.slice(0, k) };
}
