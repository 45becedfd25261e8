/**
 * The four cells of a binary confusion matrix: counts of true positives, false positives, true
 * negatives and false negatives. Positive means "attack" (label 1).
 */
export interface ConfusionCounts {
  readonly tp: number;
  readonly fp: number;
  readonly tn: number;
  readonly fn: number;
}

/**
 * The metrics of a confusion matrix. A ratio whose denominator is zero is `undefined` (never a
 * number made up with an epsilon, and not scikit-learn's `zero_division` 0): precision when
 * nothing is predicted positive, recall with no positives, the false positive rate and
 * specificity with no negatives, F1 when there are no positives and none predicted, MCC when any
 * row or column of the matrix is empty, balanced accuracy when recall or specificity is.
 */
export interface ConfusionMetrics {
  /** (tp + tn) / total. */
  readonly accuracy: number | undefined;
  /** tp / (tp + fp): of the sessions flagged, the share that are attacks. */
  readonly precision: number | undefined;
  /** tp / (tp + fn), the true positive rate: of the attacks, the share flagged. */
  readonly recall: number | undefined;
  /** fp / (fp + tn): of the normal sessions, the share flagged. */
  readonly fpr: number | undefined;
  /** tn / (tn + fp) = 1 − fpr. */
  readonly specificity: number | undefined;
  /** 2tp / (2tp + fp + fn), the harmonic mean of precision and recall. */
  readonly f1: number | undefined;
  /** Matthews correlation coefficient, (tp·tn − fp·fn) / √((tp+fp)(tp+fn)(tn+fp)(tn+fn)). */
  readonly mcc: number | undefined;
  /** (recall + specificity) / 2. */
  readonly balancedAccuracy: number | undefined;
}

function ratio(numerator: number, denominator: number): number | undefined {
  return denominator === 0 ? undefined : numerator / denominator;
}

/**
 * Computes every {@link ConfusionMetrics} value from counts, as scikit-learn 1.2.1 defines them
 * (`accuracy_score`, `precision_score`, `recall_score`, `f1_score`, `matthews_corrcoef`,
 * `balanced_accuracy_score`) wherever they are defined.
 *
 * @example
 * ```ts
 * confusionMetrics({ tp: 8, fp: 2, tn: 85, fn: 5 }); // { precision: 0.8, recall: 0.615…, fpr: 0.0229…, … }
 * confusionMetrics({ tp: 0, fp: 0, tn: 95, fn: 5 }).precision; // undefined: nothing was flagged
 * ```
 */
export function confusionMetrics(counts: ConfusionCounts): ConfusionMetrics {
  const { tp, fp, tn, fn } = counts;
  const recall = ratio(tp, tp + fn);
  const specificity = ratio(tn, tn + fp);
  const mccDenominator = (tp + fp) * (tp + fn) * (tn + fp) * (tn + fn);
  return {
    accuracy: ratio(tp + tn, tp + fp + tn + fn),
    precision: ratio(tp, tp + fp),
    recall,
    fpr: ratio(fp, fp + tn),
    specificity,
    f1: ratio(2 * tp, 2 * tp + fp + fn),
    mcc: mccDenominator === 0 ? undefined : (tp * tn - fp * fn) / Math.sqrt(mccDenominator),
    balancedAccuracy: recall === undefined || specificity === undefined ? undefined : (recall + specificity) / 2,
  };
}
