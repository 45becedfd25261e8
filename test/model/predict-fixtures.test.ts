/**
 * Predictions against XGBoost 1.7.4's own (test/fixtures/xgboost/<model>/predictions.csv, from
 * `predict(output_margin=True)`, `predict()` and `predict(pred_leaf=True)` on the training rows):
 * margins and probabilities compared as float32 bit patterns, leaf ids exactly.
 */
import { describe, expect, it } from 'vitest';
import { Booster } from '../../src/model/booster.js';
import { Frame } from '../../src/frame/frame.js';
import { flattenModel, predictMarginMatrix, predictRowMarginFlat } from '../../src/model/predict.js';
import { FIXTURES, fixtureBytes, fixtureMatrix, fixturePredictions, hex32 } from './model-fixture-helpers.js';

describe.each(FIXTURES)('predictions of %s equal XGBoost 1.7.4 bit for bit', (name) => {
  const booster = Booster.load(fixtureBytes(name, 'xgboost-model'));
  const matrix = fixtureMatrix(name);
  const expected = fixturePredictions(name);

  it('margins (predictMargin) from a Float64Array matrix', () => {
    expect(Array.from(booster.predictMargin(matrix), hex32)).toEqual(expected.marginHex);
  });

  it('probabilities (predict) from a Float64Array matrix', () => {
    expect(Array.from(booster.predict(matrix), hex32)).toEqual(expected.probHex);
  });

  it('probabilities from a Float32Array matrix', () => {
    const f32 = { data: Float32Array.from(matrix.data), rows: matrix.rows, columns: matrix.columns };
    expect(Array.from(booster.predict(f32), hex32)).toEqual(expected.probHex);
  });

  it('probabilities from a Frame, columns in feature order', () => {
    const columns: Record<string, Float64Array> = {};
    ['visits', 'clicks', 'purchases', 'tenure'].forEach(
      (c, j) => (columns[c] = Float64Array.from(matrix.rowsArray, (r) => r[j]!)),
    );
    const frame = Frame.fromColumns({ session: matrix.rowsArray.map((_, i) => `s${i}`), ...columns });
    expect(Array.from(booster.predict(frame), hex32)).toEqual(expected.probHex);
    const shuffled = frame.select(['tenure', 'visits', 'session', 'purchases', 'clicks']);
    expect(
      Array.from(booster.predict(shuffled, { columns: ['visits', 'clicks', 'purchases', 'tenure'] }), hex32),
    ).toEqual(expected.probHex);
  });

  it('one row at a time (predictRow, predictRowMargin), from arrays and typed arrays', () => {
    matrix.rowsArray.forEach((row, i) => {
      expect(hex32(booster.predictRowMargin(row)), `row ${i}`).toBe(expected.marginHex[i]);
      expect(hex32(booster.predictRow(Float64Array.from(row))), `row ${i}`).toBe(expected.probHex[i]);
    });
  });

  it('leaf ids per tree (predictLeaf), rows × trees', () => {
    const leaves = booster.predictLeaf(matrix);
    const trees = booster.numTrees;
    expected.leaves.forEach((ids, r) =>
      expect(Array.from(leaves.subarray(r * trees, (r + 1) * trees)), `row ${r}`).toEqual(ids),
    );
  });

  it('the node-table walk (taken for trees deeper than 12 levels) gives the same bits as the fast kernels', () => {
    const forest = flattenModel(booster.model);
    expect(forest.complete).not.toBeNull();
    const plain = { ...forest, complete: null, uniform: null };
    expect(Array.from(predictMarginMatrix(plain, matrix), hex32)).toEqual(expected.marginHex);
    matrix.rowsArray.forEach((row, i) =>
      expect(hex32(predictRowMarginFlat(plain, row)), `row ${i}`).toBe(expected.marginHex[i]),
    );
  });

  it('margins match in blocks that mix rows with and without missing values, in any row order', () => {
    const order = Array.from({ length: matrix.rows }, (_, i) => (i * 37) % matrix.rows);
    const data = new Float64Array(matrix.data.length);
    order.forEach((src, dst) => data.set(matrix.data.subarray(src * 4, src * 4 + 4), dst * 4));
    const margins = booster.predictMargin({ data, rows: matrix.rows, columns: 4 });
    order.forEach((src, dst) => expect(hex32(margins[dst]!)).toBe(expected.marginHex[src]));
  });
});
