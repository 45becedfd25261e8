import { describe, expect, it } from 'vitest';
import { SessionSentryError } from '../../src/errors.js';
import { TrainParamError, resolveTrainParams } from '../../src/model/train-params.js';

const f32 = Math.fround;

function errorOf(fn: () => unknown): TrainParamError {
  try {
    fn();
  } catch (err) {
    if (err instanceof TrainParamError) return err;
    throw err;
  }
  throw new Error('expected a TrainParamError');
}

describe('resolveTrainParams', () => {
  it("fills XGBoost 1.7.4's defaults (as Booster.save_config reports them) and xgb.train's 10 rounds", () => {
    const p = resolveTrainParams({});
    expect(p).toMatchObject({
      numRound: 10,
      eta: f32(0.3),
      maxDepth: 6,
      gamma: 0,
      minChildWeight: 1,
      maxDeltaStep: 0,
      subsample: 1,
      colsampleBytree: 1,
      colsampleBylevel: 1,
      colsampleBynode: 1,
      lambda: 1,
      alpha: 0,
      baseScore: 0.5,
      baseScoreGiven: false,
      maxBin: 256,
      seed: 0,
      scalePosWeight: 1,
      objective: 'binary:logistic',
      evalMetric: ['logloss'],
      earlyStoppingRounds: undefined,
    });
  });

  it("resolves tree_method 'auto' to 'exact', the grow_colmaker,prune updaters XGBoost 1.7 picks in memory", () => {
    expect(resolveTrainParams({}).treeMethod).toBe('exact');
    expect(resolveTrainParams({ tree_method: 'auto' }).treeMethod).toBe('exact');
    expect(resolveTrainParams({ tree_method: 'hist' }).treeMethod).toBe('hist');
  });

  it('accepts every value as text, the way SageMaker passes hyperparameters, and rounds floats to float32', () => {
    const p = resolveTrainParams({
      num_round: '50',
      max_depth: '5',
      eta: '0.2',
      gamma: '4',
      min_child_weight: '6',
      subsample: '0.7',
      alpha: '1e-3',
      seed: '42',
      eval_metric: 'logloss,auc',
    });
    expect(p.numRound).toBe(50);
    expect(p.maxDepth).toBe(5);
    expect(p.eta).toBe(f32(0.2));
    expect(p.eta).not.toBe(0.2);
    expect(p.subsample).toBe(f32(0.7));
    expect(p.alpha).toBe(f32(0.001));
    expect(p.seed).toBe(42);
    expect(p.evalMetric).toEqual(['logloss', 'auc']);
  });

  it('takes the XGBoost aliases learning_rate, min_split_loss, reg_lambda, reg_alpha, random_state, num_boost_round', () => {
    const p = resolveTrainParams({
      learning_rate: 0.1,
      min_split_loss: 2,
      reg_lambda: 3,
      reg_alpha: 0.5,
      random_state: 9,
      num_boost_round: 7,
    });
    expect([p.eta, p.gamma, p.lambda, p.alpha, p.seed, p.numRound]).toEqual([f32(0.1), 2, 3, 0.5, 9, 7]);
  });

  it('records that base_score was given, which XGBoost stores as boost_from_average 0', () => {
    expect(resolveTrainParams({ base_score: 0.3 })).toMatchObject({ baseScore: f32(0.3), baseScoreGiven: true });
  });

  it('reduces the seed modulo 2^32 as std::mt19937 does', () => {
    expect(resolveTrainParams({ seed: -1 }).seed).toBe(4294967295);
    expect(resolveTrainParams({ seed: 2 ** 32 + 5 }).seed).toBe(5);
  });

  it('accepts threading and container parameters that do not change the model, and knobs at their default value', () => {
    expect(() =>
      resolveTrainParams({ nthread: 4, verbosity: '0', _tuning_objective_metric: 'validation:auc' }),
    ).not.toThrow();
    expect(() =>
      resolveTrainParams({ colsample_bytree: '1', booster: 'gbtree', grow_policy: 'depthwise', num_parallel_tree: 1 }),
    ).not.toThrow();
  });

  it.each([
    ['eta', -0.1, 'a number ≥ 0'],
    ['max_depth', '5.5', 'an integer in [1, 30]'],
    ['max_depth', 0, 'an integer in [1, 30]'],
    ['subsample', 0, 'a number in (0, 1]'],
    ['subsample', '1.5', 'a number in (0, 1]'],
    ['colsample_bytree', 0, 'a number in (0, 1]'],
    ['colsample_bylevel', '1.01', 'a number in (0, 1]'],
    ['colsample_bynode', -0.5, 'a number in (0, 1]'],
    ['colsample_bynode', 'half', 'a number in (0, 1]'],
    ['base_score', 1, 'a number in (0, 1)'],
    ['max_bin', 1, 'an integer in [2, 65536]'],
    ['gamma', 'lots', 'a number ≥ 0'],
    ['num_round', 0, 'an integer ≥ 1'],
    ['lambda', Number.NaN, 'a number ≥ 0'],
  ])(
    'rejects %s = %s with a typed error naming the parameter, the value and the expected range',
    (name, value, expected) => {
      const err = errorOf(() => resolveTrainParams({ [name]: value }));
      expect(err).toBeInstanceOf(SessionSentryError);
      expect(err.code).toBe('ERR_TRAIN_PARAM');
      expect(err.parameter).toBe(name);
      expect(err.message).toContain(name);
      expect(err.message).toContain(expected);
      expect(err.message).toContain(typeof value === 'string' ? JSON.stringify(value) : String(value));
    },
  );

  it('rejects objectives, tree methods and metrics it does not reproduce', () => {
    expect(errorOf(() => resolveTrainParams({ objective: 'reg:squarederror' })).parameter).toBe('objective');
    expect(errorOf(() => resolveTrainParams({ tree_method: 'approx' })).parameter).toBe('tree_method');
    expect(errorOf(() => resolveTrainParams({ eval_metric: 'aucpr' })).parameter).toBe('eval_metric');
  });

  it('rejects unknown names (typos) and model-changing knobs away from their default instead of ignoring them', () => {
    expect(errorOf(() => resolveTrainParams({ max_dpeth: 5 })).message).toContain('no such parameter');
    expect(errorOf(() => resolveTrainParams({ grow_policy: 'lossguide' })).parameter).toBe('grow_policy');
    expect(errorOf(() => resolveTrainParams({ booster: 'dart' })).parameter).toBe('booster');
  });

  it('takes colsample_bytree, colsample_bylevel and colsample_bynode in (0, 1], as text or numbers, rounded to float32 as XGBoost stores them', () => {
    const p = resolveTrainParams({ colsample_bytree: '0.8', colsample_bylevel: 0.5, colsample_bynode: '1' });
    expect([p.colsampleBytree, p.colsampleBylevel, p.colsampleBynode]).toEqual([f32(0.8), 0.5, 1]);
    expect(p.colsampleBytree).not.toBe(0.8);
  });

  it('rejects a parameter given under both its name and its alias', () => {
    expect(errorOf(() => resolveTrainParams({ eta: 0.1, learning_rate: 0.2 })).parameter).toBe('learning_rate');
  });
});
