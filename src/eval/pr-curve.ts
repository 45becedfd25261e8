import { thresholdCounts, type ThresholdCounts } from './binary-clf-curve.js';
import { UndefinedMetricError } from './eval-errors.js';

/**
 * A precision-recall curve in scikit-learn's layout: `precision[i]`, `recall[i]` when scores
 * `>= thresholds[i]` are flagged, thresholds increasing, and a last point (precision 1, recall 0)
 * with no threshold.
 */
export interface PrecisionRecallCurve {
  /**
   * Precision at each threshold, then 1. Where nothing is flagged at a threshold scikit-learn writes 0, and so does
   * this.
   */
  readonly precision: Float64Array;
  /** Recall at each threshold (decreasing), then 0. */
  readonly recall: Float64Array;
  /** Distinct scores, increasing; one fewer than `precision` and `recall`. */
  readonly thresholds: Float64Array;
}

/**
 * The precision-recall curve of scores against 0/1 labels, the same arrays as scikit-learn
 * 1.2.1's `precision_recall_curve` (every distinct score is a threshold; tied scores are one
 * point). Throws {@link UndefinedMetricError} when the labels hold no positives (scikit-learn
 * warns and sets recall to 1).
 *
 * @example
 * ```ts
 * // scikit-learn's precision_recall_curve documentation example
 * const pr = precisionRecallCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
 * pr.precision;  // [0.5, 0.6667, 0.5, 1, 1]
 * pr.recall;     // [1, 1, 0.5, 0.5, 0]
 * pr.thresholds; // [0.1, 0.35, 0.4, 0.8]
 * ```
 */
export function precisionRecallCurve(labels: ArrayLike<number>, scores: ArrayLike<number>): PrecisionRecallCurve {
  return prFromCounts(thresholdCounts(labels, scores, 'precisionRecallCurve'));
}

function prFromCounts(counts: ThresholdCounts): PrecisionRecallCurve {
  const { thresholds, tps, fps } = counts;
  const n = thresholds.length;
  const positives = n > 0 ? tps[n - 1]! : 0;
  if (positives === 0)
    throw new UndefinedMetricError('precisionRecallCurve', 'the labels hold no positives (recall has no denominator)');
  const precision = new Float64Array(n + 1);
  const recall = new Float64Array(n + 1);
  const th = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const i = n - 1 - k;
    const flagged = tps[i]! + fps[i]!;
    precision[k] = flagged === 0 ? 0 : tps[i]! / flagged;
    recall[k] = tps[i]! / positives;
    th[k] = thresholds[i]!;
  }
  precision[n] = 1;
  recall[n] = 0;
  return { precision, recall, thresholds: th };
}

/**
 * Average precision, as scikit-learn 1.2.1's `average_precision_score`: the sum over thresholds
 * of precision × the recall gained, `Σ (R[i] − R[i+1]) · P[i]` (a step function, no
 * interpolation). `undefined` when the labels hold no positives (scikit-learn warns and returns a
 * meaningless 0).
 *
 * @example
 * ```ts
 * averagePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.8333… (scikit-learn's docs)
 * ```
 */
export function averagePrecision(labels: ArrayLike<number>, scores: ArrayLike<number>): number | undefined {
  const counts = thresholdCounts(labels, scores, 'averagePrecision');
  const { tps } = counts;
  if (tps.length === 0 || tps[tps.length - 1] === 0) return undefined;
  const { precision, recall } = prFromCounts(counts);
  let sum = 0;
  for (let i = 0; i < recall.length - 1; i++) sum += (recall[i]! - recall[i + 1]!) * precision[i]!;
  return sum;
}
