import { InvalidArgumentError } from '../errors.js';
import { ConfusionMatrix } from './confusion-matrix.js';
import { chooseBestF1Threshold, chooseThresholdForFalsePositiveRate } from './thresholds.js';

/** How to choose an operating point on validation data. */
export type OperatingRule =
  /** The highest recall with a false positive rate at most this (the user's "at most 5% false positives"). */
  | { readonly maxFalsePositiveRate: number }
  /** A fixed threshold (validation data only measures it). */
  | { readonly threshold: number }
  /** The threshold with the best F1. */
  | { readonly bestF1: true };

/**
 * What scores an operating point was chosen on: a validation set's, or out-of-fold scores of the
 * training rows (each row scored by the cross-validation model that did not train on it, so every
 * training negative counts towards the false positive rate, not only a few hundred validation ones).
 */
export type OperatingPointSource = 'validation' | 'out-of-fold';

/** Options of {@link chooseOperatingPoint}. */
export interface ChooseOperatingPointOptions {
  /** What the scores are (default `'validation'`); recorded in {@link OperatingPoint.chosenOn}. */
  readonly chosenOn?: OperatingPointSource;
}

/**
 * A threshold chosen on validation (or out-of-fold) scores, with the rule that chose it and the
 * confusion matrix it gave there. Apply it unchanged to test data with {@link evaluateAt}.
 */
export interface OperatingPoint {
  /** Flag scores `>= threshold`; `Infinity` flags nothing. */
  readonly threshold: number;
  readonly rule: OperatingRule;
  /** The scores the point was chosen on. */
  readonly chosenOn: OperatingPointSource;
  /** The matrix on the scores the point was chosen on (optimistic by construction). */
  readonly validation: ConfusionMatrix;
}

/**
 * Chooses an operating point (a score threshold) on validation data by a rule, the honest half of
 * evaluation: choose on validation, then measure unchanged on test with {@link evaluateAt}. No
 * function here chooses a threshold on test data.
 *
 * @example
 * ```ts
 * const point = chooseOperatingPoint(valLabels, valScores, { maxFalsePositiveRate: 0.05 });
 * const test = evaluateAt(point, testLabels, testScores);
 * console.log(point.threshold, point.validation.recall, test.recall, test.fpr);
 * chooseOperatingPoint(valLabels, valScores, { bestF1: true });
 * chooseOperatingPoint(valLabels, valScores, { threshold: 0.5 });
 *
 * // on every training row, scored out of fold by crossValidate: FPR 0.1% measured on all training negatives
 * const cv = crossValidate(trainData, params, { nfold: 5, stratified: true });
 * chooseOperatingPoint(cv.outOfFold!.labels, cv.outOfFold!.scores, { maxFalsePositiveRate: 0.001 }, { chosenOn: 'out-of-fold' });
 * ```
 */
export function chooseOperatingPoint(
  validationLabels: ArrayLike<number>,
  validationScores: ArrayLike<number>,
  rule: OperatingRule,
  options: ChooseOperatingPointOptions = {},
): OperatingPoint {
  const { chosenOn = 'validation' } = options;
  if (chosenOn !== 'validation' && chosenOn !== 'out-of-fold') {
    throw new InvalidArgumentError(
      'chooseOperatingPoint',
      'options.chosenOn',
      chosenOn,
      '"validation" or "out-of-fold"',
    );
  }
  let threshold: number;
  if ('maxFalsePositiveRate' in rule) {
    threshold = chooseThresholdForFalsePositiveRate(
      validationLabels,
      validationScores,
      rule.maxFalsePositiveRate,
    ).threshold;
  } else if ('threshold' in rule) {
    if (typeof rule.threshold !== 'number' || Number.isNaN(rule.threshold)) {
      throw new InvalidArgumentError('chooseOperatingPoint', 'rule.threshold', rule.threshold, 'a number');
    }
    threshold = rule.threshold;
  } else if ('bestF1' in rule && rule.bestF1 === true) {
    threshold = chooseBestF1Threshold(validationLabels, validationScores).threshold;
  } else {
    throw new InvalidArgumentError(
      'chooseOperatingPoint',
      'rule',
      rule,
      '{ maxFalsePositiveRate }, { threshold } or { bestF1: true }',
    );
  }
  const validation = ConfusionMatrix.fromScores(validationLabels, validationScores, { threshold });
  return Object.freeze({ threshold, rule, chosenOn, validation });
}

/**
 * Applies an operating point chosen on validation data, unchanged, to test data: the confusion
 * matrix of `testLabels` against `testScores >= point.threshold`.
 *
 * @example
 * ```ts
 * const cm = evaluateAt(point, testLabels, testScores);
 * cm.recall; cm.fpr; cm.precision;
 * ```
 */
export function evaluateAt(
  point: OperatingPoint,
  testLabels: ArrayLike<number>,
  testScores: ArrayLike<number>,
): ConfusionMatrix {
  if (
    point === null ||
    typeof point !== 'object' ||
    typeof point.threshold !== 'number' ||
    Number.isNaN(point.threshold)
  ) {
    throw new InvalidArgumentError('evaluateAt', 'point', point, 'an OperatingPoint from chooseOperatingPoint');
  }
  return ConfusionMatrix.fromScores(testLabels, testScores, { threshold: point.threshold });
}
