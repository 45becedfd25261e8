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
 * A threshold chosen on validation data, with the rule that chose it and the confusion matrix it
 * gave there. Apply it unchanged to test data with {@link evaluateAt}.
 */
export interface OperatingPoint {
  /** Flag scores `>= threshold`; `Infinity` flags nothing. */
  readonly threshold: number;
  readonly rule: OperatingRule;
  readonly chosenOn: 'validation';
  /** The matrix on the validation data the point was chosen on (optimistic by construction). */
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
 * ```
 */
export function chooseOperatingPoint(
  validationLabels: ArrayLike<number>,
  validationScores: ArrayLike<number>,
  rule: OperatingRule,
): OperatingPoint {
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
  return Object.freeze({ threshold, rule, chosenOn: 'validation' as const, validation });
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
