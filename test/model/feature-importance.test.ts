/**
 * Feature importance against XGBoost 1.7.4's `Booster.get_score(importance_type=…)`: the golden
 * scores in test/fixtures/xgboost-insight (made by its make_insight.py with Debian's
 * python3-xgboost 1.7.4). XGBoost accumulates the scores in float32 (`std::vector<float>`), so the
 * comparison is of float32 bit patterns.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { Booster } from '../../src/model/booster.js';
import { IMPORTANCE_TYPES, featureImportance, rankFeatures } from '../../src/model/feature-importance.js';
import { INSIGHT_MODELS, insightBooster, insightImportance } from './insight-fixture-helpers.js';
import { hex32, thrown } from './model-fixture-helpers.js';

const golden = insightImportance;

describe('Booster.importance equals XGBoost 1.7.4 get_score', () => {
  for (const name of INSIGHT_MODELS) {
    it(`${name}: weight, gain, cover, total_gain and total_cover are bit-equal (float32) to get_score, same keys in the same order`, () => {
      const booster = insightBooster(name);
      const expected = golden(name);
      for (const type of IMPORTANCE_TYPES) {
        const ours = booster.importance({ type });
        expect(Object.keys(ours), `${name} ${type} keys`).toEqual(Object.keys(expected[type]!));
        expect(Object.values(ours).map(hex32), `${name} ${type}`).toEqual(
          Object.values(expected[type]!).map(([, h]) => h),
        );
        // XGBoost hands Python the float32 value; ours is that value as a number.
        expect(Object.values(ours), `${name} ${type} values`).toEqual(Object.values(expected[type]!).map(([v]) => v));
      }
    });
  }

  it("keys the scores by the model's feature names when it has them (deep_named: visits, clicks, purchases, tenure), else f0, f1, …", () => {
    expect(Object.keys(insightBooster('deep_named').importance())).toEqual(['visits', 'clicks', 'purchases', 'tenure']);
    expect(Object.keys(insightBooster('hist_basic').importance()).every((k) => /^f\d$/.test(k))).toBe(true);
  });

  it('keys the scores by options.featureNames when given (a schema for a model file without names), and rejects a list of the wrong length', () => {
    const booster = insightBooster('hist_basic');
    const named = booster.importance({ type: 'cover', featureNames: ['visits', 'clicks', 'purchases', 'tenure'] });
    expect(Object.entries(named)).toEqual(
      Object.entries(booster.importance({ type: 'cover' })).map(([k, v]) => [
        ['visits', 'clicks', 'purchases', 'tenure'][Number(k.slice(1))],
        v,
      ]),
    );
    const short = thrown(() => booster.importance({ featureNames: ['visits'] }));
    expect(short).toBeInstanceOf(InvalidArgumentError);
    expect((short as InvalidArgumentError).argument).toBe('options.featureNames');
  });

  it('defaults to weight, as get_score does', () => {
    const booster = insightBooster('hist_regularized');
    expect(booster.importance()).toEqual(booster.importance({ type: 'weight' }));
  });

  it('counts every tree, not only best_ntree_limit, as get_score does', () => {
    const booster = insightBooster('hist_basic');
    const limited = new Booster({ ...booster.model, attributes: { best_ntree_limit: '2', best_iteration: '1' } });
    expect(limited.importance({ type: 'total_gain' })).toEqual(booster.importance({ type: 'total_gain' }));
  });

  it('leaves out features no split uses, and gives {} for a model of single-leaf trees', () => {
    const booster = insightBooster('hist_basic');
    const leaf = booster.model.trees[0]!;
    const stump = {
      ...leaf,
      numNodes: 1,
      numDeleted: 0,
      leftChildren: Int32Array.of(-1),
      rightChildren: Int32Array.of(-1),
      parents: Int32Array.of(2147483647),
      splitIndices: Uint32Array.of(0),
      splitConditions: Float32Array.of(0.5),
      defaultLeft: Uint8Array.of(0),
      baseWeights: Float32Array.of(1),
      lossChanges: Float32Array.of(0),
      sumHessian: Float32Array.of(10),
    };
    const wide = new Booster({ ...booster.model, numFeature: 6, trees: [stump], treeInfo: Int32Array.of(0) });
    expect(wide.importance({ type: 'gain' })).toEqual({});
    expect(Object.keys(new Booster({ ...booster.model, numFeature: 6 }).importance())).toEqual(
      Object.keys(booster.importance()),
    );
  });

  it('rejects an unknown importance type and a model without trees with InvalidArgumentError naming the argument', () => {
    const booster = insightBooster('hist_basic');
    const bad = thrown(() => booster.importance({ type: 'total' as never }));
    expect(bad).toBeInstanceOf(InvalidArgumentError);
    expect((bad as InvalidArgumentError).argument).toBe('options.type');
    expect((bad as Error).message).toMatch(
      /Booster\.importance: options\.type must be one of 'weight', 'gain', 'cover', 'total_gain', 'total_cover'/,
    );
    const empty = thrown(() => featureImportance({ ...booster.model, trees: [], treeInfo: new Int32Array(0) }));
    expect(empty).toBeInstanceOf(InvalidArgumentError);
    expect((empty as InvalidArgumentError).argument).toBe('model');
  });

  it('rankFeatures orders scores highest first, ties in feature order, and keeps the top n', () => {
    expect(rankFeatures({ a: 1, b: 3, c: 3, d: 2 })).toEqual([
      ['b', 3],
      ['c', 3],
      ['d', 2],
      ['a', 1],
    ]);
    expect(rankFeatures({ a: 1, b: 3, c: 3, d: 2 }, 2)).toEqual([
      ['b', 3],
      ['c', 3],
    ]);
    expect((thrown(() => rankFeatures({ a: 1 }, -1)) as InvalidArgumentError).argument).toBe('top');
    expect((thrown(() => rankFeatures({ a: 1 }, 1.5)) as InvalidArgumentError).argument).toBe('top');
  });
});
