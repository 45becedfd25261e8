import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { recallAtFalsePositiveRate } from '../../src/eval/thresholds.js';
import { TrainParamError } from '../../src/model/train-params.js';
import { TrainingData } from '../../src/model/training-data.js';
import { crossValidate } from '../../src/train/cross-validate.js';
import { makeFolds } from '../../src/train/cv-folds.js';
import { SearchSpaceError, resolveSearchSpace, withSearchPoint } from '../../src/tune/search-space.js';
import { gridPoints, randomPoints } from '../../src/tune/search-strategy.js';
import { type TuneOptions, tuneHyperparameters } from '../../src/tune/tune-hyperparameters.js';

/** Rare positives with a learnable signal, from a fixed linear congruential stream. */
function dataset(rows: number, salt = 1): TrainingData {
  let s = 987 + salt;
  const u = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 4294967296;
  };
  const values = new Float32Array(rows * 4);
  const labels = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const y = u() < 0.15 ? 1 : 0;
    labels[r] = y;
    values[r] = y * 0.8 + u();
    values[rows + r] = u();
    values[2 * rows + r] = y * u() + u();
    values[3 * rows + r] = Math.round(u() * 5);
  }
  return TrainingData.fromColumnMajor(values, labels);
}

const data = dataset(400);
const BASE = { max_depth: 3, eta: 0.3 };

describe('search strategies', () => {
  it('a grid enumerates every combination, the last hyperparameter fastest (as scikit-learn’s ParameterGrid)', () => {
    expect(gridPoints(resolveSearchSpace({ max_depth: [3, 5], eta: [0.1, 0.3], gamma: [0] }))).toEqual([
      { max_depth: 3, eta: 0.1, gamma: 0 },
      { max_depth: 3, eta: 0.3, gamma: 0 },
      { max_depth: 5, eta: 0.1, gamma: 0 },
      { max_depth: 5, eta: 0.3, gamma: 0 },
    ]);
  });

  it('a grid refuses a range, naming it', () => {
    expect(() => gridPoints(resolveSearchSpace({ eta: { min: 0.1, max: 0.3 } }))).toThrow(/space\.eta must be a list/);
  });

  it('random draws are seeded, inside their ranges, integers where integer, spread over decades on a log scale', () => {
    const dims = resolveSearchSpace({
      eta: { min: 0.001, max: 1, scale: 'log' },
      max_depth: { min: 2, max: 9 },
      subsample: { min: 0.5, max: 1 },
      tree_method: ['exact', 'hist'],
    });
    const points = randomPoints(dims, 400, 7);
    expect(randomPoints(dims, 400, 7)).toEqual(points);
    expect(randomPoints(dims, 400, 8)).not.toEqual(points);
    const etas = points.map((p) => p.eta as number);
    expect(Math.min(...etas)).toBeGreaterThanOrEqual(0.001);
    expect(Math.max(...etas)).toBeLessThanOrEqual(1);
    // log-uniform: about a third of the draws in each decade below 1
    expect(etas.filter((e) => e < 0.01).length).toBeGreaterThan(90);
    expect(etas.filter((e) => e < 0.01).length).toBeLessThan(180);
    const depths = new Set(points.map((p) => p.max_depth));
    expect([...depths].sort()).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(points.every((p) => (p.subsample as number) >= 0.5 && (p.subsample as number) <= 1)).toBe(true);
    expect(new Set(points.map((p) => p.tree_method))).toEqual(new Set(['exact', 'hist']));
  });

  it('a searched name replaces its alias in the base hyperparameters', () => {
    expect(withSearchPoint({ eta: '0.2', max_depth: '5' }, { learning_rate: 0.05 })).toEqual({
      max_depth: '5',
      learning_rate: 0.05,
    });
  });
});

describe('tuneHyperparameters', () => {
  it('grid search on worker threads: every trial scored as crossValidate scores it on the same folds, the best chosen, its rounds in num_round', async () => {
    const finished: number[] = [];
    const result = await tuneHyperparameters({
      data,
      hyperparameters: BASE,
      space: { max_depth: [1, 3], min_child_weight: [1, 8] },
      seed: 3,
      nfold: 4,
      numBoostRound: 60,
      earlyStoppingRounds: 5,
      concurrency: 2,
      onTrial: (_t, done) => finished.push(done),
    });
    expect(result.strategy).toBe('grid');
    expect(result.trials.map((t) => t.point)).toEqual([
      { max_depth: 1, min_child_weight: 1 },
      { max_depth: 1, min_child_weight: 8 },
      { max_depth: 3, min_child_weight: 1 },
      { max_depth: 3, min_child_weight: 8 },
    ]);
    expect(finished).toEqual([1, 2, 3, 4]);
    const folds = makeFolds(data.labels, { nfold: 4, stratified: true, seed: 3 });
    for (const trial of result.trials) {
      const cv = crossValidate(
        data,
        { ...BASE, ...trial.point },
        {
          folds,
          numBoostRound: 60,
          earlyStoppingRounds: 5,
          metrics: 'logloss',
        },
      );
      expect(trial.score).toBe(cv.bestScore);
      expect(trial.rounds).toBe(cv.bestIteration + 1);
      expect(trial.metric).toEqual({ name: 'logloss', ...cv.rounds[cv.bestIteration]!.test.logloss });
    }
    const scores = result.trials.map((t) => t.score!);
    expect(result.best.score).toBe(Math.min(...scores));
    expect(result.objective).toBe('test-logloss');
    expect(result.bestHyperparameters).toEqual({
      max_depth: String(result.best.point.max_depth),
      eta: '0.3',
      min_child_weight: String(result.best.point.min_child_weight),
      num_round: String(result.best.rounds),
    });
  });

  it('a detection objective scores recall at FPR ≤ 0.1% on the out-of-fold scores, maximised', async () => {
    const result = await tuneHyperparameters({
      data,
      hyperparameters: BASE,
      space: { max_depth: { min: 1, max: 4 } },
      strategy: 'random',
      trials: 3,
      seed: 5,
      objective: { recallAtFalsePositiveRate: 0.001 },
      numBoostRound: 30,
      training: 'in-process',
    });
    expect(result.objective).toBe('recall@fpr<=0.001');
    expect(result.maximize).toBe(true);
    const folds = makeFolds(data.labels, { nfold: 5, stratified: true, seed: 5 });
    for (const trial of result.trials) {
      const cv = crossValidate(
        data,
        { ...BASE, ...trial.point },
        {
          folds,
          numBoostRound: 30,
          earlyStoppingRounds: 10,
          metrics: 'logloss',
        },
      );
      expect(trial.score).toBe(recallAtFalsePositiveRate(data.labels, cv.outOfFold!.scores, 0.001));
    }
    expect(result.best.score).toBe(Math.max(...result.trials.map((t) => t.score!)));
  });

  it('several jobs: each trial cross-validated on every job, scored by the mean of their scores', async () => {
    const other = dataset(300, 2);
    const result = await tuneHyperparameters({
      jobs: [
        { name: 'whole', data },
        { name: 'first10', data: other },
      ],
      hyperparameters: BASE,
      space: { max_depth: [2] },
      objective: 'auc',
      numBoostRound: 20,
      training: 'in-process',
    });
    const [trial] = result.trials;
    expect(trial!.jobs.map((j) => j.name)).toEqual(['whole', 'first10']);
    expect(trial!.score).toBe((trial!.jobs[0]!.score + trial!.jobs[1]!.score) / 2);
  });

  const bad: [string, Partial<TuneOptions>, new (...args: never[]) => Error, RegExp][] = [
    ['an unknown hyperparameter in the space', { space: { max_dept: [3] } }, SearchSpaceError, /space\.max_dept/],
    ['an invalid value in the space', { space: { subsample: [0.5, 2] } }, SearchSpaceError, /space\.subsample/],
    ['nfold 1', { nfold: 1 }, InvalidArgumentError, /nfold must be an integer ≥ 2/],
    [
      'more folds than positive rows',
      { nfold: 200 },
      InvalidArgumentError,
      /nfold must be at most the number of positive rows/,
    ],
    ['an unknown objective', { objective: 'rmse' as never }, InvalidArgumentError, /objective must be/],
    [
      'a rate outside [0, 1]',
      { objective: { recallAtFalsePositiveRate: 5 } },
      InvalidArgumentError,
      /recallAtFalsePositiveRate/,
    ],
    [
      'a grid over a range',
      { strategy: 'grid', space: { eta: { min: 0.1, max: 0.2 } } },
      InvalidArgumentError,
      /space\.eta/,
    ],
    ['an unknown strategy', { strategy: 'bayesian' as never }, InvalidArgumentError, /strategy must be/],
    ['zero trials', { trials: 0 }, InvalidArgumentError, /trials must be a positive integer/],
    ['data and jobs together', { jobs: [{ name: 'x', data }] }, InvalidArgumentError, /data must be given, or jobs/],
    ['a bad base hyperparameter', { hyperparameters: { max_depth: 0 } }, TrainParamError, /max_depth/],
  ];
  it.each(bad)('rejects %s with a typed error naming it, before any trial', async (_t, override, type, message) => {
    let trials = 0;
    const options = {
      data,
      space: { max_depth: [2, 3] },
      training: 'in-process',
      onTrial: () => trials++,
      ...override,
    } as TuneOptions;
    const err = await tuneHyperparameters(options).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(type);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).toMatch(/^tuneHyperparameters|^max_depth/);
    expect(trials).toBe(0);
  });
});
