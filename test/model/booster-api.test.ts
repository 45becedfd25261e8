/**
 * The Booster API others build on: construction and validation, tree limits (best_ntree_limit as the
 * SageMaker container honours it), inputs (matrices, Frames, column selection, feature names), and
 * reading the JSON variants XGBoost accepts (XGBOOST_COMPAT §1 "Loading a JSON produced by another
 * tool", and the 3.x `"[5E-1]"` base_score).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ColumnNotFoundError, InvalidArgumentError, SessionSentryError } from '../../src/errors.js';
import { Frame } from '../../src/frame/frame.js';
import { Booster } from '../../src/model/booster.js';
import { InvalidModelError } from '../../src/model/model-errors.js';
import { readModelJSON } from '../../src/model/model-json.js';
import type { BoosterModel } from '../../src/model/model-types.js';
import {
  FIXTURES,
  expectModelsBitwiseEqual,
  fixtureMatrix,
  fixturePath,
  fixturePredictions,
  hex32,
  thrown,
} from './model-fixture-helpers.js';

const jsonText = readFileSync(fixturePath('hist_regularized', 'model.json'), 'utf8');
const base = Booster.fromJSON(jsonText);
const matrix = fixtureMatrix('hist_regularized');
const expected = fixturePredictions('hist_regularized');

function withAttributes(model: BoosterModel, attributes: Record<string, string>): BoosterModel {
  return { ...model, attributes };
}

/** XGBoost's own all-tree margins summed tree by tree to a limit, via leaf ids and leaf values. */
function marginFromLeaves(model: BoosterModel, row: number, limit: number): number {
  let m = 0; // base_score 0.5 → margin 0
  for (let t = 0; t < limit; t++) m = Math.fround(m + model.trees[t]!.splitConditions[expected.leaves[row]![t]!]!);
  return m;
}

describe('Booster: construction', () => {
  it('exposes numFeature, numTrees and bestNtreeLimit from the model', () => {
    expect(base.numFeature).toBe(4);
    expect(base.numTrees).toBe(20);
    expect(base.bestNtreeLimit).toBe(20);
    expect(new Booster(withAttributes(base.model, {})).bestNtreeLimit).toBeUndefined();
  });

  it('rejects inconsistent models with InvalidModelError naming the tree and array', () => {
    const tree = base.model.trees[3]!;
    const short = { ...tree, sumHessian: tree.sumHessian.subarray(1) };
    const err = thrown(
      () => new Booster({ ...base.model, trees: base.model.trees.map((t, i) => (i === 3 ? short : t)) }),
    );
    expect(err).toBeInstanceOf(InvalidModelError);
    expect((err as Error).message).toBe(
      `tree 3: sum_hessian has ${tree.numNodes - 1} entries (expected num_nodes = ${tree.numNodes})`,
    );
    expect(thrown(() => new Booster({ ...base.model, treeInfo: new Int32Array(2) }))).toMatchObject({
      code: 'ERR_INVALID_MODEL',
    });
    expect(thrown(() => new Booster({ ...base.model, baseScore: 1 }))).toMatchObject({
      message: expect.stringContaining('base_score is 1'),
    });
  });

  it('is what every loader returns: fromJSON (text or object), load (string or bytes), the same model', () => {
    expectModelsBitwiseEqual(Booster.fromJSON(JSON.parse(jsonText)).model, base.model, 'object');
    expectModelsBitwiseEqual(Booster.load(jsonText).model, base.model, 'string');
    expectModelsBitwiseEqual(
      Booster.load(new TextEncoder().encode(`  \n${jsonText}`)).model,
      base.model,
      'bytes with leading whitespace',
    );
    expect(JSON.parse(JSON.stringify(base))).toBe(jsonText);
  });
});

describe('Booster: tree limits', () => {
  it('uses best_ntree_limit by default (as SageMaker serving does) and all trees when it is absent', () => {
    const limited = new Booster(withAttributes(base.model, { best_ntree_limit: '7', best_iteration: '6' }));
    const margins = limited.predictMargin(matrix);
    for (let r = 0; r < matrix.rows; r += 13)
      expect(hex32(margins[r]!)).toBe(hex32(marginFromLeaves(base.model, r, 7)));
    expect(hex32(limited.predictRowMargin(matrix.rowsArray[5]!))).toBe(hex32(marginFromLeaves(base.model, 5, 7)));
    expect(Array.from(limited.predictLeaf(matrix).subarray(0, 7))).toEqual(expected.leaves[0]!.slice(0, 7));
    const unlimited = new Booster(withAttributes(base.model, {}));
    expect(Array.from(unlimited.predictMargin(matrix), hex32)).toEqual(expected.marginHex);
  });

  it('takes ntreeLimit (0 = all trees, as XGBoost) and rejects limits beyond the tree count', () => {
    expect(hex32(base.predictMargin(matrix, { ntreeLimit: 3 })[9]!)).toBe(hex32(marginFromLeaves(base.model, 9, 3)));
    expect(Array.from(base.predictMargin(matrix, { ntreeLimit: 0 }), hex32)).toEqual(expected.marginHex);
    expect(hex32(base.predictRow(matrix.rowsArray[9]!, { ntreeLimit: 3 }))).toBe(
      hex32(base.predict(matrix, { ntreeLimit: 3 })[9]!),
    );
    expect(thrown(() => base.predict(matrix, { ntreeLimit: 21 }))).toBeInstanceOf(InvalidArgumentError);
    expect(thrown(() => base.predict(matrix, { ntreeLimit: 2.5 }))).toMatchObject({
      message: expect.stringContaining('ntreeLimit must be an integer in [0, 20]'),
    });
  });
});

describe('Booster: inputs', () => {
  it('rejects more columns than num_feature (as XGBoost does) for matrices, Frames and rows', () => {
    const wide = { data: new Float64Array(10), rows: 2, columns: 5 };
    expect(thrown(() => base.predict(wide))).toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
      message: expect.stringContaining('at most num_feature = 4'),
    });
    expect(thrown(() => base.predict(Frame.fromColumns({ a: [1], b: [1], c: [1], d: [1], e: [1] })))).toBeInstanceOf(
      InvalidArgumentError,
    );
    expect(thrown(() => base.predictRow([1, 2, 3, 4, 5]))).toBeInstanceOf(InvalidArgumentError);
    expect(thrown(() => base.predict({ data: new Float64Array(7), rows: 2, columns: 4 }))).toMatchObject({
      message: expect.stringContaining('rows × columns = 8'),
    });
  });

  it('predicts from a danfo.js DataFrame, recognised by its shape (columns, dtypes, values)', () => {
    const names = ['visits', 'clicks', 'purchases', 'tenure'];
    const dataFrameLike = {
      columns: ['session', ...names],
      dtypes: ['string', 'int32', 'int32', 'int32', 'int32'],
      values: matrix.rowsArray.map((r, i) => [`s${i}`, ...r]),
      column: (name: string) => ({
        values: matrix.rowsArray.map((r, i) => (name === 'session' ? `s${i}` : r[names.indexOf(name)]!)),
      }),
    };
    expect(Array.from(base.predict(dataFrameLike), hex32)).toEqual(expected.probHex);
  });

  it('predicts from plain column objects (PredictColumns), numeric columns in order, strings skipped', () => {
    const cols = (j: number): number[] => matrix.rowsArray.map((r) => r[j]!);
    const p = base.predict({
      id: matrix.rowsArray.map((_, i) => `r${i}`),
      visits: cols(0),
      clicks: cols(1),
      purchases: cols(2),
      tenure: cols(3),
    });
    expect(Array.from(p, hex32)).toEqual(expected.probHex);
  });

  it("uses the model's feature names to pick Frame columns, and names a missing one", () => {
    const named = new Booster({
      ...base.model,
      featureNames: ['visits', 'clicks', 'purchases', 'tenure'],
      featureTypes: ['q', 'q', 'q', 'q'],
    });
    const cols = (j: number): Float64Array => Float64Array.from(matrix.rowsArray, (r) => r[j]!);
    const frame = Frame.fromColumns({
      tenure: cols(3),
      label: new Float64Array(matrix.rows),
      clicks: cols(1),
      visits: cols(0),
      purchases: cols(2),
    });
    expect(Array.from(named.predict(frame), hex32)).toEqual(expected.probHex);
    expect(thrown(() => named.predict(frame.drop(['clicks'])))).toBeInstanceOf(ColumnNotFoundError);
    expect(Booster.fromJSON(named.toJSON()).model.featureNames).toEqual(['visits', 'clicks', 'purchases', 'tenure']);
    expect(named.dump()[0]!.split('\n')[0]).toMatch(/^0:\[(visits|clicks|purchases|tenure)</);
  });

  it('accepts a Frame structurally (one from another copy of the library, ESM beside CJS), not by instanceof', () => {
    const cols = (j: number): Float64Array => Float64Array.from(matrix.rowsArray, (r) => r[j]!);
    const frame = Frame.fromColumns({ visits: cols(0), clicks: cols(1), purchases: cols(2), tenure: cols(3) });
    const foreign = {
      columnNames: frame.columnNames,
      rowCount: frame.rowCount,
      kind: (n: string) => frame.kind(n),
      toMatrix: (n?: readonly string[]) => frame.toMatrix(n),
    };
    expect(foreign instanceof Frame).toBe(false);
    expect(Array.from(base.predict(foreign as unknown as Frame), hex32)).toEqual(expected.probHex);
  });

  it('predicts nothing for zero rows', () => {
    expect(base.predict({ data: new Float64Array(0), rows: 0, columns: 4 })).toHaveLength(0);
    expect(base.predictLeaf({ data: new Float32Array(0), rows: 0, columns: 4 })).toHaveLength(0);
  });
});

describe('Booster: JSON variants XGBoost accepts (XGBOOST_COMPAT §1)', () => {
  type Obj = Record<string, unknown>;
  const doc = (): Obj => JSON.parse(jsonText) as Obj;
  const at = (o: unknown, ...keys: string[]): Obj => keys.reduce<Obj>((v, k) => v[k] as Obj, o as Obj);
  const trees = (d: Obj): Obj[] => at(d, 'learner', 'gradient_booster', 'model').trees as Obj[];

  it('reads the 3.x vector base_score "[5E-1]" and numbers where dmlc strings are expected', () => {
    const d = doc();
    at(d, 'learner', 'learner_model_param').base_score = '[5E-1]';
    at(d, 'learner', 'learner_model_param').num_feature = 4;
    at(d, 'learner', 'gradient_booster', 'model', 'gbtree_model_param').num_trees = 20;
    expect(Array.from(Booster.fromJSON(d).predict(matrix), hex32)).toEqual(expected.probHex);
  });

  it('reads default_left as booleans, the root parent as −1, trees in any array order (placed by id), optional fields absent', () => {
    const d = doc();
    const list = trees(d);
    for (const t of list) {
      t.default_left = (t.default_left as number[]).map((v) => v === 1);
      (t.parents as number[])[0] = -1;
      delete t.split_type;
      delete t.categories;
      delete t.categories_nodes;
      delete t.categories_segments;
      delete t.categories_sizes;
      delete at(t, 'tree_param').num_deleted;
      delete at(t, 'tree_param').size_leaf_vector;
    }
    list.reverse();
    delete d.version;
    delete at(d, 'learner').feature_names;
    delete at(d, 'learner').feature_types;
    delete at(d, 'learner', 'learner_model_param').num_target;
    delete at(d, 'learner', 'learner_model_param').boost_from_average;
    const model = readModelJSON(d);
    expect(Array.from(new Booster(model).predict(matrix), hex32)).toEqual(expected.probHex);
    expect(model.trees[0]!.parents[0]).toBe(2147483647);
  });

  it('names a missing required field by its path', () => {
    const d = doc();
    delete trees(d)[4]!.sum_hessian;
    expect(thrown(() => Booster.fromJSON(d))).toMatchObject({
      where: '$.learner.gradient_booster.model.trees[4].sum_hessian',
      message: expect.stringContaining('missing'),
    });
  });

  it('gives every loading failure as a SessionSentryError subclass with a literal code', () => {
    for (const bad of ['', '{', '{"learner":1}', 'null']) {
      const err = thrown(() => Booster.load(bad));
      expect(err).toBeInstanceOf(SessionSentryError);
      expect((err as SessionSentryError).code).toBe('ERR_MODEL_FORMAT');
    }
  });
});

describe('Booster: every fixture through toJSON and back predicts the same', () => {
  it.each(FIXTURES)('%s', (name) => {
    const booster = Booster.load(new Uint8Array(readFileSync(fixturePath(name, 'xgboost-model'))));
    const again = Booster.fromJSON(booster.toJSON());
    expect(Array.from(again.predict(fixtureMatrix(name)), hex32)).toEqual(fixturePredictions(name).probHex);
  });
});
