/**
 * Per-row contributions against XGBoost 1.7.4's `predict(pred_contribs=True)` (exact TreeSHAP) and
 * `predict(pred_contribs=True, approx_contribs=True)` (Saabas): the golden values in
 * test/fixtures/xgboost-insight (make_insight.py, Debian's python3-xgboost 1.7.4) for seven models
 * on data_with_nan.csv (about 10% missing cells). XGBoost computes them in float32, so the
 * comparison is of float32 bit patterns.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { Booster } from '../../src/model/booster.js';
import {
  MAX_CONTRIBUTION_DEPTH,
  contributionsKernel,
  predictContributionsMatrix,
  predictContributionsWith,
} from '../../src/model/tree-shap.js';
import { INSIGHT_MODELS, insightBooster, insightContributions } from './insight-fixture-helpers.js';
import { fixtureMatrix, hex32, thrown } from './model-fixture-helpers.js';

const data = fixtureMatrix('hist_nan'); // data_with_nan.csv

describe('Booster.contributions equals XGBoost 1.7.4 pred_contribs', () => {
  for (const approximate of [false, true]) {
    const what = approximate ? 'approx_contribs=True (Saabas)' : 'pred_contribs=True (TreeSHAP)';
    for (const name of INSIGHT_MODELS) {
      it(`${name}: every value of ${what} on 200 rows with missing cells is bit-equal (float32), columns named as XGBoost's`, () => {
        const booster = insightBooster(name);
        const expected = insightContributions(name, approximate);
        const c = booster.contributions(data, { approximate });
        expect([c.rows, c.columns]).toEqual([200, booster.numFeature + 1]);
        expect(c.names).toEqual(expected.header);
        const ours = Array.from({ length: c.rows }, (_, r) =>
          Array.from(c.data.subarray(r * c.columns, (r + 1) * c.columns), hex32),
        );
        expect(ours).toEqual(expected.rows);
      });
    }
  }

  for (const kernel of ['memo', 'recursive'] as const) {
    it(`TreeSHAP with the ${kernel === 'memo' ? 'leaf memo' : 'recursion'} forced on every tree it takes: every value of every model bit-equal to pred_contribs=True`, () => {
      for (const name of INSIGHT_MODELS) {
        const booster = insightBooster(name);
        const expected = insightContributions(name, false);
        const c = predictContributionsWith(booster.model, data, {}, 'test', kernel);
        const ours = Array.from({ length: c.rows }, (_, r) =>
          Array.from(c.data.subarray(r * c.columns, (r + 1) * c.columns), hex32),
        );
        expect(ours, name).toEqual(expected.rows);
      }
    });
  }

  it('one row at a time (the recursion for trees deeper than log2(rows)) gives the bits of the 200-row call (the leaf memo)', () => {
    for (const name of ['deep_named', 'hist_nan'] as const) {
      const booster = insightBooster(name);
      const all = booster.contributions(data);
      for (let r = 0; r < 200; r += 7) {
        const one = booster.contributions({ data: Float64Array.from(data.rowsArray[r]!), rows: 1, columns: 4 });
        expect(Array.from(one.data, hex32), `${name} row ${r}`).toEqual(
          Array.from(all.data.subarray(r * all.columns, (r + 1) * all.columns), hex32),
        );
      }
    }
  });

  it("each row's contributions sum to its margin (deep_named, base_score 0.3: the bias carries the base margin) within float32 rounding of the sum", () => {
    const booster = insightBooster('deep_named');
    const margins = booster.predictMargin(data);
    for (const approximate of [false, true]) {
      const c = booster.contributions(data, { approximate });
      for (let r = 0; r < c.rows; r++) {
        let sum = 0;
        for (let j = 0; j < c.columns; j++) sum += c.data[r * c.columns + j]!;
        expect(Math.abs(sum - margins[r]!), `row ${r}`).toBeLessThan(
          1e-5 * (1 + Math.abs(margins[r]!)) * c.columns * booster.numTrees,
        );
      }
    }
  });

  it('uses the trees predict uses: best_ntree_limit by default, all trees with ntreeLimit 0', () => {
    const full = insightBooster('hist_basic');
    const limited = new Booster({ ...full.model, attributes: { best_ntree_limit: '3', best_iteration: '2' } });
    expect(Array.from(limited.contributions(data).data)).toEqual(
      Array.from(full.contributions(data, { ntreeLimit: 3 }).data),
    );
    expect(Array.from(limited.contributions(data, { ntreeLimit: 0 }).data)).toEqual(
      Array.from(full.contributions(data).data),
    );
  });

  it('treats absent trailing columns as missing, as predict does', () => {
    const booster = insightBooster('hist_nan');
    const narrow = { data: Float64Array.from(data.rowsArray.flatMap((r) => r.slice(0, 3))), rows: 200, columns: 3 };
    const padded = {
      data: Float64Array.from(data.rowsArray.flatMap((r) => [...r.slice(0, 3), Number.NaN])),
      rows: 200,
      columns: 4,
    };
    expect(Array.from(booster.contributions(narrow).data)).toEqual(Array.from(booster.contributions(padded).data));
  });

  it('rejects input wider than the model, a wrong data length, a bad ntreeLimit and too-deep trees with InvalidArgumentError naming the argument', () => {
    const booster = insightBooster('hist_basic');
    const wide = thrown(() => booster.contributions({ data: new Float64Array(5), rows: 1, columns: 5 }));
    expect(wide).toBeInstanceOf(InvalidArgumentError);
    expect((wide as Error).message).toMatch(/^Booster\.contributions: columns must be at most num_feature = 4/);
    expect(
      (thrown(() => booster.contributions({ data: new Float64Array(7), rows: 2, columns: 4 })) as InvalidArgumentError)
        .argument,
    ).toBe('data.length');
    expect((thrown(() => booster.contributions(data, { ntreeLimit: 11 })) as InvalidArgumentError).argument).toBe(
      'ntreeLimit',
    );
    // A chain of MAX_CONTRIBUTION_DEPTH + 1 splits (a hostile or degenerate model file).
    const depth = MAX_CONTRIBUTION_DEPTH + 1;
    const n = 2 * depth + 1;
    const leftChildren = new Int32Array(n).fill(-1);
    const rightChildren = new Int32Array(n).fill(-1);
    const parents = new Int32Array(n).fill(2147483647);
    for (let d = 0; d < depth; d++) {
      const node = d === 0 ? 0 : 2 * d;
      leftChildren[node] = 2 * d + 1;
      rightChildren[node] = 2 * d + 2;
      parents[2 * d + 1] = node;
      parents[2 * d + 2] = node;
    }
    const chain = {
      numNodes: n,
      numDeleted: 0,
      numFeature: 4,
      leftChildren,
      rightChildren,
      parents,
      splitIndices: new Uint32Array(n),
      splitConditions: new Float32Array(n),
      defaultLeft: new Uint8Array(n),
      baseWeights: new Float32Array(n),
      lossChanges: new Float32Array(n),
      sumHessian: new Float32Array(n).fill(1),
    };
    const deep = new Booster({ ...booster.model, trees: [chain], treeInfo: Int32Array.of(0) });
    const tooDeep = thrown(() =>
      predictContributionsMatrix(deep.model, { data: new Float64Array(4), rows: 1, columns: 4 }),
    );
    expect(tooDeep).toBeInstanceOf(InvalidArgumentError);
    expect((tooDeep as InvalidArgumentError).argument).toBe('model');
  });
});

describe('contributionsKernel (the trees prepared once, for explaining one row at a time)', () => {
  it("gives XGBoost 1.7.4's pred_contribs bit for bit row by row, call after call, with the same kernel", () => {
    for (const name of INSIGHT_MODELS) {
      const booster = insightBooster(name);
      const expected = insightContributions(name, false);
      const kernel = contributionsKernel(booster.model, { treeLimit: booster.bestNtreeLimit ?? 0 });
      for (let r = 0; r < 200; r += 7) {
        const row = {
          data: data.data.subarray(r * data.columns, (r + 1) * data.columns),
          rows: 1,
          columns: data.columns,
        };
        expect(Array.from(kernel(row).data, hex32), `${name} row ${r}`).toEqual(expected.rows[r]);
      }
    }
  });

  it('refuses a bad treeLimit when prepared and a matrix wider than the model when called', () => {
    const booster = insightBooster(INSIGHT_MODELS[0]!);
    expect(() => contributionsKernel(booster.model, { treeLimit: booster.numTrees + 1 })).toThrow(InvalidArgumentError);
    const kernel = contributionsKernel(booster.model);
    const columns = booster.numFeature + 1;
    expect(() => kernel({ data: new Float64Array(columns), rows: 1, columns })).toThrow(/at most num_feature/);
  });
});
