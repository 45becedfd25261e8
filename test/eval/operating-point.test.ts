import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { chooseOperatingPoint, evaluateAt } from '../../src/eval/operating-point.js';

// scikit-learn's documentation example data, and a second, disjoint "test" set.
const validation = { labels: [0, 0, 1, 1], scores: [0.1, 0.4, 0.35, 0.8] };
const test = { labels: [0, 0, 0, 1, 1, 1], scores: [0.3, 0.5, 0.9, 0.2, 0.36, 0.85] };

describe('chooseOperatingPoint and evaluateAt', () => {
  it('chooses the highest-recall threshold within the FPR budget on validation data', () => {
    const point = chooseOperatingPoint(validation.labels, validation.scores, { maxFalsePositiveRate: 0 });
    expect(point.threshold).toBe(0.8);
    expect(point.chosenOn).toBe('validation');
    expect(point.rule).toEqual({ maxFalsePositiveRate: 0 });
    expect([point.validation.tp, point.validation.fp, point.validation.recall]).toEqual([1, 0, 0.5]);
    expect(chooseOperatingPoint(validation.labels, validation.scores, { maxFalsePositiveRate: 0.5 }).threshold).toBe(
      0.35,
    );
  });

  it('records out-of-fold scores as what the point was chosen on, with the same threshold the rule gives', () => {
    const point = chooseOperatingPoint(
      validation.labels,
      validation.scores,
      { maxFalsePositiveRate: 0 },
      { chosenOn: 'out-of-fold' },
    );
    expect(point.chosenOn).toBe('out-of-fold');
    expect(point.threshold).toBe(0.8);
    expect(() =>
      chooseOperatingPoint(validation.labels, validation.scores, { bestF1: true }, { chosenOn: 'test' as never }),
    ).toThrow(InvalidArgumentError);
  });

  it('chooses the best-F1 threshold, or keeps a fixed one', () => {
    expect(chooseOperatingPoint(validation.labels, validation.scores, { bestF1: true }).threshold).toBe(0.35);
    const fixed = chooseOperatingPoint(validation.labels, validation.scores, { threshold: 0.5 });
    expect(fixed.threshold).toBe(0.5);
    expect([fixed.validation.tp, fixed.validation.fp]).toEqual([1, 0]);
  });

  it('applies the validation threshold unchanged to test data', () => {
    const point = chooseOperatingPoint(validation.labels, validation.scores, { maxFalsePositiveRate: 0.5 });
    const cm = evaluateAt(point, test.labels, test.scores);
    // threshold 0.35 on test: flagged 0.5, 0.9 (normal) and 0.36, 0.85 (attacks)
    expect([cm.tp, cm.fp, cm.tn, cm.fn]).toEqual([2, 2, 1, 1]);
  });

  it('flags nothing (threshold Infinity) when no score meets the FPR budget', () => {
    const point = chooseOperatingPoint([0, 1], [0.9, 0.1], { maxFalsePositiveRate: 0 });
    expect(point.threshold).toBe(Infinity);
    expect(evaluateAt(point, [1, 0], [1e9, 0]).tp).toBe(0);
  });

  it('rejects an unknown rule and a bad point', () => {
    expect(() => chooseOperatingPoint(validation.labels, validation.scores, {} as never)).toThrow(InvalidArgumentError);
    expect(() => chooseOperatingPoint(validation.labels, validation.scores, { maxFalsePositiveRate: 1.5 })).toThrow(
      /maxFalsePositiveRate must be a rate in \[0, 1\]/,
    );
    expect(() => evaluateAt({} as never, test.labels, test.scores)).toThrow(/point must be an OperatingPoint/);
  });
});
