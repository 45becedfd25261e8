import { thresholdCounts, type ThresholdCounts } from './binary-clf-curve.js';
import { UndefinedMetricError } from './eval-errors.js';

/** Options of {@link rocCurve}. */
export interface RocCurveOptions {
  /**
   * Drop points that lie on a straight line between their neighbours (they do not change the
   * curve's shape or area), as scikit-learn's `drop_intermediate` (default `true`).
   */
  readonly dropIntermediate?: boolean;
}

/** A ROC curve: `fpr[i]`, `tpr[i]` are the rates when scores `>= thresholds[i]` are flagged. */
export interface RocCurve {
  /** False positive rates, increasing from 0 to 1. */
  readonly fpr: Float64Array;
  /** True positive rates (recall), increasing from 0 to 1. */
  readonly tpr: Float64Array;
  /**
   * Decreasing thresholds. The first is the highest score + 1 (flag nothing), as scikit-learn
   * 1.2 (from 1.3 on scikit-learn writes `inf` there).
   */
  readonly thresholds: Float64Array;
}

/**
 * The receiver operating characteristic curve of scores against 0/1 labels, the same points as
 * scikit-learn 1.2.1's `roc_curve(labels, scores, drop_intermediate=…)`, ties included (tied
 * scores are one point). Throws {@link UndefinedMetricError} when the labels hold only one class
 * (scikit-learn warns and returns NaN rates).
 *
 * @example
 * ```ts
 * // scikit-learn's roc_curve documentation example
 * const roc = rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
 * roc.fpr;        // [0, 0, 0.5, 0.5, 1]
 * roc.tpr;        // [0, 0.5, 0.5, 1, 1]
 * roc.thresholds; // [1.8, 0.8, 0.4, 0.35, 0.1]
 * ```
 */
export function rocCurve(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  options: RocCurveOptions = {},
): RocCurve {
  const { dropIntermediate = true } = options;
  return rocFromCounts(thresholdCounts(labels, scores, 'rocCurve'), dropIntermediate);
}

function rocFromCounts(counts: ThresholdCounts, dropIntermediate: boolean): RocCurve {
  let { thresholds, tps, fps } = counts;
  const n = thresholds.length;
  const positives = n > 0 ? tps[n - 1]! : 0;
  const negatives = n > 0 ? fps[n - 1]! : 0;
  if (positives === 0)
    throw new UndefinedMetricError(
      'rocCurve',
      'the labels hold no positives (the true positive rate has no denominator)',
    );
  if (negatives === 0)
    throw new UndefinedMetricError(
      'rocCurve',
      'the labels hold no negatives (the false positive rate has no denominator)',
    );
  if (dropIntermediate && n > 2) {
    const keep: number[] = [0];
    for (let i = 1; i < n - 1; i++) {
      const bendsF = fps[i - 1]! - 2 * fps[i]! + fps[i + 1]! !== 0;
      const bendsT = tps[i - 1]! - 2 * tps[i]! + tps[i + 1]! !== 0;
      if (bendsF || bendsT) keep.push(i);
    }
    keep.push(n - 1);
    thresholds = Float64Array.from(keep, (i) => thresholds[i]!);
    tps = Float64Array.from(keep, (i) => tps[i]!);
    fps = Float64Array.from(keep, (i) => fps[i]!);
  }
  const m = thresholds.length + 1;
  const fpr = new Float64Array(m);
  const tpr = new Float64Array(m);
  const th = new Float64Array(m);
  th[0] = thresholds[0]! + 1;
  for (let i = 1; i < m; i++) {
    fpr[i] = fps[i - 1]! / negatives;
    tpr[i] = tps[i - 1]! / positives;
    th[i] = thresholds[i - 1]!;
  }
  return { fpr, tpr, thresholds: th };
}

/**
 * The area under a curve by the trapezoidal rule, for increasing `x` (as scikit-learn's `auc`).
 *
 * @example
 * ```ts
 * trapezoidArea([0, 0.5, 1], [0, 1, 1]); // 0.75
 * ```
 */
export function trapezoidArea(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let area = 0;
  for (let i = 1; i < x.length; i++) area += ((x[i]! - x[i - 1]!) * (y[i]! + y[i - 1]!)) / 2;
  return area;
}

/**
 * The area under the ROC curve, as scikit-learn 1.2.1's `roc_auc_score` for binary labels (the
 * trapezoidal area under {@link rocCurve}; tied scores count half). `undefined` when the labels
 * hold only one class (scikit-learn raises `ValueError`).
 *
 * @example
 * ```ts
 * rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.75 (scikit-learn's roc_auc_score docs)
 * rocAuc([0, 0], [0.1, 0.4]);                  // undefined
 * ```
 */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number | undefined {
  const counts = thresholdCounts(labels, scores, 'rocAuc');
  const n = counts.tps.length;
  if (n === 0 || counts.tps[n - 1] === 0 || counts.fps[n - 1] === 0) return undefined;
  const { fpr, tpr } = rocFromCounts(counts, true);
  return trapezoidArea(fpr, tpr);
}
