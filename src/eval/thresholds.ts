import { InvalidArgumentError } from '../errors.js';
import { thresholdCounts, type ThresholdCounts } from './binary-clf-curve.js';
import { UndefinedMetricError } from './eval-errors.js';

/** A threshold with the rates and counts it gives on the data it was chosen on. */
export interface ThresholdChoice {
  /** Flag scores `>= threshold`. `Infinity` means flag nothing. */
  readonly threshold: number;
  readonly tp: number;
  readonly fp: number;
  readonly recall: number;
  readonly fpr: number;
}

function countsWithBothClasses(where: string, labels: ArrayLike<number>, scores: ArrayLike<number>): ThresholdCounts {
  const counts = thresholdCounts(labels, scores, where);
  const n = counts.tps.length;
  if (n === 0 || counts.tps[n - 1] === 0)
    throw new UndefinedMetricError(where, 'the labels hold no positives (recall has no denominator)');
  if (counts.fps[n - 1] === 0)
    throw new UndefinedMetricError(where, 'the labels hold no negatives (the false positive rate has no denominator)');
  return counts;
}

/**
 * Finds, on the data given, the threshold with the highest recall whose false positive rate is at
 * most `maxFalsePositiveRate`; among thresholds with that recall, the highest (fewest false
 * positives). Candidates are the distinct scores (each point of scikit-learn's
 * `roc_curve(drop_intermediate=False)`) and `Infinity` (flag nothing), which always qualifies.
 * Use it on validation data (see {@link chooseOperatingPoint}); applied to the data it was chosen
 * on, the rates are optimistic.
 *
 * @example
 * ```ts
 * const choice = chooseThresholdForFalsePositiveRate(valLabels, valScores, 0.05);
 * choice.threshold; choice.recall; choice.fpr; // fpr ≤ 0.05 on valLabels
 * ```
 */
export function chooseThresholdForFalsePositiveRate(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  maxFalsePositiveRate: number,
): ThresholdChoice {
  const where = 'thresholdForFalsePositiveRate';
  if (typeof maxFalsePositiveRate !== 'number' || !(maxFalsePositiveRate >= 0 && maxFalsePositiveRate <= 1)) {
    throw new InvalidArgumentError(where, 'maxFalsePositiveRate', maxFalsePositiveRate, 'a rate in [0, 1]');
  }
  const { thresholds, tps, fps } = countsWithBothClasses(where, labels, scores);
  const n = thresholds.length;
  const positives = tps[n - 1]!;
  const negatives = fps[n - 1]!;
  let best: ThresholdChoice = { threshold: Infinity, tp: 0, fp: 0, recall: 0, fpr: 0 };
  for (let i = 0; i < n; i++) {
    const fpr = fps[i]! / negatives;
    if (fpr > maxFalsePositiveRate) break;
    if (tps[i]! > best.tp)
      best = { threshold: thresholds[i]!, tp: tps[i]!, fp: fps[i]!, recall: tps[i]! / positives, fpr };
  }
  return best;
}

/**
 * The threshold with the highest recall at a false positive rate of at most `maxFalsePositiveRate`
 * on the data given (see {@link chooseThresholdForFalsePositiveRate}); `Infinity` when no score
 * qualifies. Throws {@link UndefinedMetricError} when the labels lack a class.
 *
 * @example
 * ```ts
 * thresholdForFalsePositiveRate([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], 0.5); // 0.35 (recall 1, fpr 0.5)
 * thresholdForFalsePositiveRate([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], 0);   // 0.8  (recall 0.5, fpr 0)
 * ```
 */
export function thresholdForFalsePositiveRate(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  maxFalsePositiveRate: number,
): number {
  return chooseThresholdForFalsePositiveRate(labels, scores, maxFalsePositiveRate).threshold;
}

/**
 * The highest recall reachable at a false positive rate of at most `maxFalsePositiveRate` on the
 * data given (the user's "70% of attacks at 5% false positives" question), by thresholding
 * (no interpolation between ROC points).
 *
 * @example
 * ```ts
 * recallAtFalsePositiveRate([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], 0); // 0.5
 * ```
 */
export function recallAtFalsePositiveRate(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  maxFalsePositiveRate: number,
): number {
  return chooseThresholdForFalsePositiveRate(labels, scores, maxFalsePositiveRate).recall;
}

/** A threshold chosen for the best F1, with that F1. */
export interface BestF1Choice extends ThresholdChoice {
  readonly f1: number;
  readonly precision: number;
}

/**
 * Finds, on the data given, the threshold (a distinct score) with the highest F1 =
 * 2tp / (2tp + fp + fn); ties go to the highest threshold. Throws {@link UndefinedMetricError} when
 * the labels hold no positives.
 *
 * @example
 * ```ts
 * chooseBestF1Threshold([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // { threshold: 0.35, f1: 0.8, … }
 * ```
 */
export function chooseBestF1Threshold(labels: ArrayLike<number>, scores: ArrayLike<number>): BestF1Choice {
  const where = 'bestF1Threshold';
  const { thresholds, tps, fps } = thresholdCounts(labels, scores, where);
  const n = thresholds.length;
  if (n === 0 || tps[n - 1] === 0)
    throw new UndefinedMetricError(where, 'the labels hold no positives (F1 is 0 or undefined everywhere)');
  const positives = tps[n - 1]!;
  const negatives = fps[n - 1]!;
  let best = -1;
  let bestF1 = -1;
  for (let i = 0; i < n; i++) {
    const f1 = (2 * tps[i]!) / (tps[i]! + fps[i]! + positives);
    if (f1 > bestF1) {
      bestF1 = f1;
      best = i;
    }
  }
  const tp = tps[best]!;
  const fp = fps[best]!;
  return {
    threshold: thresholds[best]!,
    tp,
    fp,
    recall: tp / positives,
    fpr: negatives === 0 ? 0 : fp / negatives,
    f1: bestF1,
    precision: tp / (tp + fp),
  };
}

/**
 * The threshold with the highest F1 on the data given (see {@link chooseBestF1Threshold}).
 *
 * @example
 * ```ts
 * bestF1Threshold([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.35
 * ```
 */
export function bestF1Threshold(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  return chooseBestF1Threshold(labels, scores).threshold;
}
