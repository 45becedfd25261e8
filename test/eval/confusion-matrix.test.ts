import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { ConfusionMatrix } from '../../src/eval/confusion-matrix.js';

describe('ConfusionMatrix', () => {
  // Counts worked by hand; metric formulas as scikit-learn 1.2.1 documents them.
  const cm = new ConfusionMatrix({ tp: 8, fp: 2, tn: 85, fn: 5 });

  it('computes the metrics of a 2×2 matrix', () => {
    expect(cm.total).toBe(100);
    expect(cm.support).toBe(13);
    expect(cm.negatives).toBe(87);
    expect(cm.accuracy).toBe(0.93);
    expect(cm.precision).toBe(0.8);
    expect(cm.recall).toBe(8 / 13);
    expect(cm.fpr).toBe(2 / 87);
    expect(cm.specificity).toBe(85 / 87);
    expect(cm.f1).toBe(16 / 23);
    expect(cm.mcc).toBeCloseTo((8 * 85 - 2 * 5) / Math.sqrt(10 * 13 * 87 * 90), 15);
    expect(cm.balancedAccuracy).toBeCloseTo((8 / 13 + 85 / 87) / 2, 15);
  });

  it('reports undefined ratios as undefined, never as a number made up with an epsilon', () => {
    const nothingFlagged = new ConfusionMatrix({ tp: 0, fp: 0, tn: 95, fn: 5 });
    expect(nothingFlagged.precision).toBeUndefined();
    expect(nothingFlagged.mcc).toBeUndefined();
    expect(nothingFlagged.recall).toBe(0);
    expect(nothingFlagged.f1).toBe(0);
    const noPositives = new ConfusionMatrix({ tp: 0, fp: 3, tn: 97, fn: 0 });
    expect(noPositives.recall).toBeUndefined();
    expect(noPositives.f1).toBe(0);
    expect(noPositives.balancedAccuracy).toBeUndefined();
    const noNegatives = new ConfusionMatrix({ tp: 4, fp: 0, tn: 0, fn: 1 });
    expect(noNegatives.fpr).toBeUndefined();
    expect(noNegatives.specificity).toBeUndefined();
    const empty = new ConfusionMatrix({ tp: 0, fp: 0, tn: 0, fn: 0 });
    expect([empty.accuracy, empty.precision, empty.recall, empty.fpr, empty.f1, empty.mcc]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('fromPredictions counts labels against 0/1 predictions', () => {
    const m = ConfusionMatrix.fromPredictions(Uint8Array.from([1, 1, 0, 0, 1]), [1, 0, 1, 0, 1]);
    expect([m.tp, m.fp, m.tn, m.fn]).toEqual([2, 1, 1, 1]);
  });

  it('fromScores flags a score equal to the threshold (score >= threshold is positive)', () => {
    const m = ConfusionMatrix.fromScores([1, 0, 1, 0], Float32Array.from([0.5, 0.5, 0.49, 0.1]), { threshold: 0.5 });
    expect([m.tp, m.fp, m.tn, m.fn]).toEqual([1, 1, 1, 1]);
    const none = ConfusionMatrix.fromScores([1, 0], [0.9, 0.2], { threshold: Infinity });
    expect([none.tp, none.fp]).toEqual([0, 0]);
  });

  it('baseline predicts every session negative (the "no session is an attack" baseline)', () => {
    const b = ConfusionMatrix.baseline([0, 0, 1, 0, 0, 0, 0, 0, 0, 1]);
    expect([b.tp, b.fp, b.tn, b.fn]).toEqual([0, 0, 8, 2]);
    expect(b.accuracy).toBe(0.8);
    expect(b.recall).toBe(0);
    expect(b.fpr).toBe(0);
    expect(b.precision).toBeUndefined();
  });

  it('prints the 2×2 table and the metrics, saying why a metric is undefined', () => {
    const text = ConfusionMatrix.baseline([0, 1, 0, 0]).toString();
    expect(text).toContain('predicted attack');
    expect(text).toMatch(/actual attack\s+0\s+1\s+\(support 1\)/);
    expect(text).toMatch(/actual normal\s+0\s+3\s+\(negatives 3\)/);
    expect(text).toMatch(/accuracy\s+0\.7500/);
    expect(text).toMatch(/precision\s+undefined \(nothing predicted positive\)/);
  });

  it('toJSON gives counts, totals and metrics with null for undefined', () => {
    const json = JSON.parse(JSON.stringify(ConfusionMatrix.baseline([0, 1, 0, 0])));
    expect(json).toMatchObject({ tp: 0, fp: 0, tn: 3, fn: 1, total: 4, support: 1, negatives: 3 });
    expect(json.metrics.precision).toBeNull();
    expect(json.metrics.accuracy).toBe(0.75);
    expect(Object.keys(json.metrics)).toEqual([
      'accuracy',
      'precision',
      'recall',
      'fpr',
      'specificity',
      'f1',
      'mcc',
      'balancedAccuracy',
    ]);
  });

  it('rejects bad labels, predictions, scores and counts, naming the index and value', () => {
    expect(() => ConfusionMatrix.fromPredictions([0, 1, 2], [0, 1, 1])).toThrow(/labels\[2\] must be 0 or 1, got 2/);
    expect(() => ConfusionMatrix.fromPredictions([0, 1], [0, 0.5])).toThrow(/predictions\[1\] must be 0 or 1, got 0.5/);
    expect(() => ConfusionMatrix.fromPredictions([0, 1], [0])).toThrow(/predictions.length must be 2/);
    expect(() => ConfusionMatrix.fromScores([0, 1], [0.1, Number.NaN], { threshold: 0.5 })).toThrow(
      /scores\[1\] must be a finite number, got NaN/,
    );
    expect(() => ConfusionMatrix.fromScores([0, 1], [0.1, 0.2], { threshold: Number.NaN })).toThrow(
      InvalidArgumentError,
    );
    expect(() => new ConfusionMatrix({ tp: -1, fp: 0, tn: 0, fn: 0 })).toThrow(/tp must be a count/);
  });
});
