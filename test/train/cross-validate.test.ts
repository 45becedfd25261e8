import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { chooseOperatingPoint } from '../../src/eval/operating-point.js';
import { TrainParamError } from '../../src/model/train-params.js';
import { train } from '../../src/model/train.js';
import { TrainingData } from '../../src/model/training-data.js';
import { crossValidate, selectRows } from '../../src/train/cross-validate.js';
import { makeFolds } from '../../src/train/cv-folds.js';
import { foldMeanStd } from '../../src/train/fold-statistics.js';

/** A small separable-with-noise data set from a fixed linear congruential stream. */
function dataset(rows: number, positiveShare = 0.2): TrainingData {
  let s = 12345;
  const u = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 4294967296;
  };
  const values = new Float32Array(rows * 3);
  const labels = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const y = u() < positiveShare ? 1 : 0;
    labels[r] = y;
    values[r] = y + u() * 1.5;
    values[rows + r] = u();
    values[2 * rows + r] = y * u() + u();
  }
  return TrainingData.fromColumnMajor(values, labels);
}

describe('foldMeanStd', () => {
  it('equals numpy.mean and numpy.std (ddof 0) to the bit, below and above numpy’s 8-value unrolled sum', () => {
    // numpy 1.24.2: np.mean(a), np.std(a)
    expect(foldMeanStd([0.25, 0.5, 0.75])).toEqual({ mean: 0.5, std: 0.2041241452319315 });
    expect(foldMeanStd([0.1, 0.2, 0.4, 0.7, 0.3, 0.9, 0.11, 0.13, 0.17, 0.19, 0.23])).toEqual({
      mean: 0.31181818181818177,
      std: 0.2481501811337123,
    });
    // np.linspace(0.01, 0.99, 150) ** 2: more than 128 values, numpy's recursive halves
    const squares = Array.from({ length: 150 }, (_, i) => (0.01 + (i * (0.99 - 0.01)) / 149) ** 2);
    expect(foldMeanStd(squares)).toEqual({ mean: 0.3311076062639821, std: 0.2938871544780772 });
  });
});

describe('makeFolds', () => {
  it('cuts shuffled rows into nfold parts as numpy.array_split sizes them (the first rows % nfold one larger), covering every row once', () => {
    const folds = makeFolds(new Float32Array(23), { nfold: 5, seed: 3 });
    expect(folds.map((f) => f.test.length)).toEqual([5, 5, 5, 4, 4]);
    const all = folds.flatMap((f) => [...f.test]).sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 23 }, (_, i) => i));
    for (const f of folds) expect(f.train.length + f.test.length).toBe(23);
  });

  it('is seeded: the same seed gives the same folds, another seed others', () => {
    const labels = new Float32Array(50);
    expect(makeFolds(labels, { nfold: 4, seed: 9 })).toEqual(makeFolds(labels, { nfold: 4, seed: 9 }));
    expect(makeFolds(labels, { nfold: 4, seed: 9 })).not.toEqual(makeFolds(labels, { nfold: 4, seed: 10 }));
  });

  it('stratified: every fold’s size and positive count differ from the others’ by at most one', () => {
    const { labels } = dataset(203, 0.1);
    const positives = [...labels].filter((y) => y === 1).length;
    const folds = makeFolds(labels, { nfold: 7, stratified: true, seed: 1 });
    const sizes = folds.map((f) => f.test.length);
    const pos = folds.map((f) => [...f.test].filter((r) => labels[r] === 1).length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(Math.max(...pos) - Math.min(...pos)).toBeLessThanOrEqual(1);
    expect(pos.reduce((a, b) => a + b)).toBe(positives);
  });
});

describe('crossValidate', () => {
  const data = dataset(300);

  it('trains each fold as train() trains on the fold’s rows: the last round’s test logloss equals a model trained alone (no subsample)', () => {
    const params = { max_depth: 3, eta: 0.3 };
    const cv = crossValidate(data, params, { nfold: 3, seed: 5, numBoostRound: 8 });
    const perFold = cv.folds.map((fold) => {
      const { evalHistory } = train(
        selectRows(data, fold.train),
        { ...params, num_round: 8 },
        {
          evals: [{ name: 'test', data: selectRows(data, fold.test) }],
        },
      );
      return evalHistory.test!.logloss!.at(-1)!;
    });
    const mean = cv.history['test-logloss-mean']!.at(-1)!;
    expect(mean).toBeCloseTo(perFold.reduce((a, b) => a + b) / perFold.length, 12);
    expect(cv.rounds).toHaveLength(8);
    expect(Object.keys(cv.history)).toEqual([
      'train-logloss-mean',
      'train-logloss-std',
      'test-logloss-mean',
      'test-logloss-std',
    ]);
  });

  it('with early stopping keeps the rounds up to the best, as xgb.cv does, and scores every row out of fold', () => {
    const cv = crossValidate(
      data,
      { max_depth: 6, eta: 0.9, min_child_weight: 0 },
      {
        nfold: 4,
        seed: 2,
        numBoostRound: 200,
        earlyStoppingRounds: 3,
        metrics: ['auc', 'logloss'],
      },
    );
    expect(cv.stoppedEarly).toBe(true);
    expect(cv.rounds).toHaveLength(cv.bestIteration + 1);
    expect(cv.history['test-logloss-mean']).toHaveLength(cv.bestIteration + 1);
    const watched = cv.history['test-logloss-mean']!;
    expect(cv.bestScore).toBe(Math.min(...watched));
    const oof = cv.outOfFold!;
    expect(oof.scores).toHaveLength(data.rows);
    expect([...oof.scores].every((p) => p > 0 && p < 1)).toBe(true);
  });

  it('out-of-fold scores let an operating point at FPR 0.1% be set by every training negative', () => {
    const cv = crossValidate(data, { max_depth: 3 }, { nfold: 5, stratified: true, seed: 4, numBoostRound: 10 });
    const oof = cv.outOfFold!;
    const point = chooseOperatingPoint(
      oof.labels,
      oof.scores,
      { maxFalsePositiveRate: 0.001 },
      { chosenOn: 'out-of-fold' },
    );
    const negatives = [...oof.labels].filter((y) => y === 0).length;
    expect(point.chosenOn).toBe('out-of-fold');
    expect(point.validation.tn + point.validation.fp).toBe(negatives);
    expect(point.validation.fp / negatives).toBeLessThanOrEqual(0.001);
  });

  it('uses explicit folds as given; out-of-fold scores are left out when the test parts overlap', () => {
    const rows = Array.from({ length: data.rows }, (_, i) => i);
    const folds = [
      { train: rows.slice(100), test: rows.slice(0, 150) },
      { train: rows.slice(0, 100), test: rows.slice(100) },
    ];
    const cv = crossValidate(data, { max_depth: 2 }, { folds, numBoostRound: 2 });
    expect([...cv.folds[0]!.test]).toEqual(rows.slice(0, 150));
    expect(cv.outOfFold).toBeUndefined();
  });

  it.each([
    ['nfold below 2', { nfold: 1 }, 'nfold'],
    ['nfold not an integer', { nfold: 2.5 }, 'nfold'],
    ['more folds than rows', { nfold: 301 }, 'nfold'],
    ['more folds than positive rows when stratified', { nfold: 100, stratified: true }, 'nfold'],
    ['a single explicit fold', { folds: [{ train: [1, 2], test: [0] }] }, 'folds'],
    [
      'an explicit index outside the data',
      {
        folds: [
          { train: [1], test: [0] },
          { train: [0], test: [300] },
        ],
      },
      'folds[1].test[0]',
    ],
    [
      'an empty explicit part',
      {
        folds: [
          { train: [1], test: [] },
          { train: [0], test: [1] },
        ],
      },
      'folds[0].test',
    ],
    ['numBoostRound 0', { numBoostRound: 0 }, 'numBoostRound'],
    ['earlyStoppingRounds 0', { earlyStoppingRounds: 0 }, 'earlyStoppingRounds'],
  ])('rejects %s with an InvalidArgumentError naming the argument, before training', (_t, options, argument) => {
    let rounds = 0;
    let caught: unknown;
    try {
      crossValidate(data, {}, { ...options, onIteration: () => rounds++ } as never);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InvalidArgumentError);
    expect((caught as InvalidArgumentError).argument).toBe(argument);
    expect((caught as Error).message).toMatch(/^crossValidate: /);
    expect(rounds).toBe(0);
  });

  it('rejects an unknown metric or hyperparameter with the trainer’s TrainParamError, before training', () => {
    expect(() => crossValidate(data, {}, { metrics: 'rmse' as never })).toThrow(TrainParamError);
    expect(() => crossValidate(data, { max_dept: 3 })).toThrow(TrainParamError);
  });
});
