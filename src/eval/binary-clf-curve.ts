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
export function thresholdCounts(labels: ArrayLike<number>, scores: ArrayLike<number>, where = 'thresholdCounts'): ThresholdCounts {
  const y = binaryLabels(where, labels);
  const s = finiteScores(where, scores, y.length);
  const n = y.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const values = Float64Array.from(s);
  order.sort((a, b) => values[b]! - values[a]!);
  const thresholds: number[] = [];
  const tps: number[] = [];
  const fps: number[] = [];
  let tp = 0;
  for (let k = 0; k < n; k++) {
    tp += y[order[k]!]!;
    if (k === n - 1 || values[order[k + 1]!] !== values[order[k]!]) {
      thresholds.push(values[order[k]!]!);
      tps.push(tp);
      fps.push(k + 1 - tp);
    }
  }
  return { thresholds: Float64Array.from(thresholds), tps: Float64Array.from(tps), fps: Float64Array.from(fps) };
}
