import { describe, expect, it } from 'vitest';
import { ConfusionMatrix } from '../../src/eval/confusion-matrix.js';
import { averagePrecision, precisionRecallCurve } from '../../src/eval/pr-curve.js';
import { rocAuc, rocCurve } from '../../src/eval/roc-curve.js';

// Expected values copied from scikit-learn 1.2 documentation examples (docstrings and user guide).
const y = [0, 0, 1, 1];
const scores = [0.1, 0.4, 0.35, 0.8];

describe('scikit-learn 1.2 documentation examples', () => {
  it('roc_curve docstring: fpr [0, 0, .5, .5, 1], tpr [0, .5, .5, 1, 1], thresholds [1.8, .8, .4, .35, .1]', () => {
    // sklearn.metrics.roc_curve example: y = [1, 1, 2, 2] with pos_label=2 is these labels.
    const roc = rocCurve(y, scores);
    expect([...roc.fpr]).toEqual([0, 0, 0.5, 0.5, 1]);
    expect([...roc.tpr]).toEqual([0, 0.5, 0.5, 1, 1]);
    expect([...roc.thresholds]).toEqual([1.8, 0.8, 0.4, 0.35, 0.1]);
  });

  it('roc_auc_score user guide (3.3.2.15): 0.75', () => {
    expect(rocAuc(y, scores)).toBe(0.75);
  });

  it('precision_recall_curve docstring: precision [.5, .667, .5, 1, 1], recall [1, 1, .5, .5, 0], thresholds [.1, .35, .4, .8]', () => {
    const pr = precisionRecallCurve(y, scores);
    expect([...pr.precision].map((v) => Number(v.toFixed(8)))).toEqual([0.5, 0.66666667, 0.5, 1, 1]);
    expect([...pr.recall]).toEqual([1, 1, 0.5, 0.5, 0]);
    expect([...pr.thresholds]).toEqual([0.1, 0.35, 0.4, 0.8]);
  });

  it('average_precision_score docstring: 0.83…', () => {
    expect(averagePrecision(y, scores)).toBeCloseTo(0.8333333333, 9);
  });

  it('confusion_matrix docstring: tn, fp, fn, tp = 0, 2, 1, 1 for [0, 1, 0, 1] against [1, 1, 1, 0]', () => {
    const cm = ConfusionMatrix.fromPredictions([0, 1, 0, 1], [1, 1, 1, 0]);
    expect([cm.tn, cm.fp, cm.fn, cm.tp]).toEqual([0, 2, 1, 1]);
  });

  it('matthews_corrcoef docstring: -0.33… for [+1, +1, +1, -1] against [+1, -1, +1, +1]', () => {
    expect(ConfusionMatrix.fromPredictions([1, 1, 1, 0], [1, 0, 1, 1]).mcc).toBeCloseTo(-0.3333333333, 9);
  });

  it('balanced_accuracy_score docstring: 0.625 for [0, 1, 0, 0, 1, 0] against [0, 1, 0, 0, 0, 1]', () => {
    expect(ConfusionMatrix.fromPredictions([0, 1, 0, 0, 1, 0], [0, 1, 0, 0, 0, 1]).balancedAccuracy).toBe(0.625);
  });
});
