import { InvalidArgumentError } from '../errors.js';
import { binaryLabels, finiteScores } from './eval-input.js';
import { confusionMetrics, type ConfusionCounts, type ConfusionMetrics } from './confusion-metrics.js';

/** Options of {@link ConfusionMatrix.fromScores}. */
export interface ScoreThresholdOptions {
  /** A score at or above the threshold is predicted positive (attack). */
  readonly threshold: number;
}

/**
 * The plain-data form of a {@link ConfusionMatrix} (`JSON.stringify` turns `undefined` metrics into absent keys; see
 * `toJSON`).
 */
export interface ConfusionMatrixJSON extends ConfusionCounts {
  readonly total: number;
  readonly support: number;
  readonly negatives: number;
  readonly metrics: { readonly [K in keyof ConfusionMetrics]: number | null };
}

/**
 * Counts the cells of the binary confusion matrix of 0/1 labels against 0/1 predictions.
 *
 * @example
 * ```ts
 * confusionCounts([1, 1, 0, 0], [1, 0, 1, 0]); // { tp: 1, fp: 1, tn: 1, fn: 1 }
 * ```
 */
export function confusionCounts(labels: ArrayLike<number>, predictions: ArrayLike<number>): ConfusionCounts {
  const y = binaryLabels('confusionCounts', labels);
  const p = binaryLabels('confusionCounts', predictions, 'predictions');
  if (p.length !== y.length)
    throw new InvalidArgumentError('confusionCounts', 'predictions.length', p.length, `${y.length} (one per label)`);
  return tally(y, p, 1);
}

/**
 * Counts the confusion matrix of labels against scores cut at `threshold`: a score `>= threshold`
 * is predicted positive. This is the convention of scikit-learn's `roc_curve` and
 * `precision_recall_curve` thresholds, so a threshold read off those curves gives the matrix of
 * that point of the curve.
 *
 * @example
 * ```ts
 * confusionCountsAt([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], 0.4); // { tp: 1, fp: 1, tn: 1, fn: 1 }
 * ```
 */
export function confusionCountsAt(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  threshold: number,
): ConfusionCounts {
  const y = binaryLabels('confusionCountsAt', labels);
  const s = finiteScores('confusionCountsAt', scores, y.length);
  if (typeof threshold !== 'number' || Number.isNaN(threshold))
    throw new InvalidArgumentError('confusionCountsAt', 'threshold', threshold, 'a number');
  return tally(y, s, threshold);
}

/** Counts checked 0/1 labels against values, a value `>= threshold` predicted positive. */
function tally(labels: ArrayLike<number>, values: ArrayLike<number>, threshold: number): ConfusionCounts {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < labels.length; i++) {
    if (values[i]! >= threshold) {
      if (labels[i] === 1) tp++;
      else fp++;
    } else if (labels[i] === 1) fn++;
    else tn++;
  }
  return { tp, fp, tn, fn };
}

/**
 * A binary confusion matrix (positive = attack = label 1) with its metrics. Ratios that are not
 * defined for the data are `undefined` (see {@link ConfusionMetrics}), so "no session flagged"
 * never shows a made-up precision. Immutable; a thin class over `confusionMetrics`.
 *
 * @example
 * ```ts
 * const cm = ConfusionMatrix.fromScores(testLabels, testScores, { threshold: 0.5 });
 * cm.recall;     // share of attacks caught
 * cm.fpr;        // share of normal sessions flagged
 * cm.precision;  // undefined when nothing was flagged
 * console.log(cm.toString());
 * ConfusionMatrix.baseline(testLabels).accuracy; // "no session is an attack"
 * ```
 */
export class ConfusionMatrix implements ConfusionCounts, ConfusionMetrics {
  readonly tp: number;
  readonly fp: number;
  readonly tn: number;
  readonly fn: number;
  readonly accuracy: number | undefined;
  readonly precision: number | undefined;
  readonly recall: number | undefined;
  readonly fpr: number | undefined;
  readonly specificity: number | undefined;
  readonly f1: number | undefined;
  readonly mcc: number | undefined;
  readonly balancedAccuracy: number | undefined;

  constructor(counts: ConfusionCounts) {
    for (const key of ['tp', 'fp', 'tn', 'fn'] as const) {
      const v = counts[key];
      if (!Number.isSafeInteger(v) || v < 0)
        throw new InvalidArgumentError('ConfusionMatrix', key, v, 'a count (an integer ≥ 0)');
    }
    this.tp = counts.tp;
    this.fp = counts.fp;
    this.tn = counts.tn;
    this.fn = counts.fn;
    const m = confusionMetrics(counts);
    this.accuracy = m.accuracy;
    this.precision = m.precision;
    this.recall = m.recall;
    this.fpr = m.fpr;
    this.specificity = m.specificity;
    this.f1 = m.f1;
    this.mcc = m.mcc;
    this.balancedAccuracy = m.balancedAccuracy;
    Object.freeze(this);
  }

  /** The matrix of 0/1 labels against 0/1 predictions. */
  static fromPredictions(labels: ArrayLike<number>, predictions: ArrayLike<number>): ConfusionMatrix {
    return new ConfusionMatrix(confusionCounts(labels, predictions));
  }

  /** The matrix of labels against scores, a score `>= threshold` predicted positive (see `confusionCountsAt`). */
  static fromScores(
    labels: ArrayLike<number>,
    scores: ArrayLike<number>,
    options: ScoreThresholdOptions,
  ): ConfusionMatrix {
    const { threshold } = options;
    return new ConfusionMatrix(confusionCountsAt(labels, scores, threshold));
  }

  /** The baseline "no session is an attack": every row predicted negative. */
  static baseline(labels: ArrayLike<number>): ConfusionMatrix {
    const y = binaryLabels('ConfusionMatrix.baseline', labels);
    let positives = 0;
    for (let i = 0; i < y.length; i++) positives += y[i]!;
    return new ConfusionMatrix({ tp: 0, fp: 0, tn: y.length - positives, fn: positives });
  }

  /** Number of rows counted. */
  get total(): number {
    return this.tp + this.fp + this.tn + this.fn;
  }

  /** Positives in the labels (tp + fn): scikit-learn's `support` of the positive class. */
  get support(): number {
    return this.tp + this.fn;
  }

  /** Negatives in the labels (tn + fp). */
  get negatives(): number {
    return this.tn + this.fp;
  }

  /** Counts, totals and metrics as plain data; undefined metrics become `null`. */
  toJSON(): ConfusionMatrixJSON {
    const metrics = {} as { -readonly [K in keyof ConfusionMetrics]: number | null };
    for (const key of METRIC_KEYS) metrics[key] = this[key] ?? null;
    return {
      tp: this.tp,
      fp: this.fp,
      tn: this.tn,
      fn: this.fn,
      total: this.total,
      support: this.support,
      negatives: this.negatives,
      metrics,
    };
  }

  /**
   * The 2×2 table and the metrics as aligned text; an undefined metric reads `undefined (…why)`.
   *
   * @example
   * ```
   *                   predicted attack  predicted normal
   * actual attack                    8                 5   (support 13)
   * actual normal                    2                85
   *
   * accuracy            0.9300
   * precision           0.8000
   * ...
   * ```
   */
  toString(): string {
    const cell = (n: number) => String(n).padStart(16);
    const lines = [
      `${''.padEnd(14)}${'predicted attack'.padStart(18)}${'predicted normal'.padStart(18)}`,
      `${'actual attack'.padEnd(14)}  ${cell(this.tp)}  ${cell(this.fn)}   (support ${this.support})`,
      `${'actual normal'.padEnd(14)}  ${cell(this.fp)}  ${cell(this.tn)}   (negatives ${this.negatives})`,
      '',
    ];
    const why: Record<keyof ConfusionMetrics, string> = {
      accuracy: 'no rows',
      precision: 'nothing predicted positive',
      recall: 'no positives',
      fpr: 'no negatives',
      specificity: 'no negatives',
      f1: 'no positives and none predicted',
      mcc: 'a row or column of the matrix is empty',
      balancedAccuracy: 'recall or specificity undefined',
    };
    for (const key of METRIC_KEYS) {
      const value = this[key];
      lines.push(
        `${METRIC_LABELS[key].padEnd(20)}${value === undefined ? `undefined (${why[key]})` : value.toFixed(4)}`,
      );
    }
    return lines.join('\n');
  }
}

/** The metric names in display order. */
const METRIC_KEYS = ['accuracy', 'precision', 'recall', 'fpr', 'specificity', 'f1', 'mcc', 'balancedAccuracy'] as const;

/** Human labels of the metrics. */
const METRIC_LABELS: Readonly<Record<keyof ConfusionMetrics, string>> = {
  accuracy: 'accuracy',
  precision: 'precision',
  recall: 'recall',
  fpr: 'false positive rate',
  specificity: 'specificity',
  f1: 'F1',
  mcc: 'MCC',
  balancedAccuracy: 'balanced accuracy',
};
