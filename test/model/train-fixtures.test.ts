import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { train } from '../../src/model/train.js';
import { TrainingData } from '../../src/model/training-data.js';
import type { RegTree } from '../../src/model/model-types.js';
import { float32Hex } from '../../src/model/float32.js';

// Golden models written by XGBoost 1.7.4 (Debian python3-xgboost, nthread=1); see test/fixtures/xgboost/README.md.
const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/xgboost');

function readTable(file: string): { header: string[]; rows: string[][] } {
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  return { header: lines[0]!.split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

function loadData(file: string): TrainingData {
  const { header, rows } = readTable(path.join(fixtures, file));
  const labelAt = header.indexOf('label');
  const features = header.filter((_, i) => i !== labelAt);
  const values = new Float64Array(rows.length * features.length);
  rows.forEach((row, i) => {
    let j = 0;
    row.forEach((cell, c) => {
      if (c !== labelAt) values[i * features.length + j++] = cell === '' ? Number.NaN : Number(cell);
    });
  });
  return TrainingData.fromRowMajor(
    values,
    features.length,
    rows.map((r) => Number(r[labelAt])),
  );
}

interface JsonTree {
  left_children: number[];
  right_children: number[];
  parents: number[];
  split_indices: number[];
  split_conditions: number[];
  default_left: number[];
  base_weights: number[];
  loss_changes: number[];
  sum_hessian: number[];
  tree_param: { num_nodes: string; num_deleted: string };
}

const hex = (values: ArrayLike<number>) => Array.from(values, (v) => float32Hex(v));

/** Compares every node field of a tree with XGBoost's JSON, float fields by float32 bit pattern. */
function expectSameTree(ours: RegTree, theirs: JsonTree, where: string): void {
  expect(ours.numNodes, `${where} num_nodes`).toBe(Number(theirs.tree_param.num_nodes));
  expect(ours.numDeleted, `${where} num_deleted`).toBe(Number(theirs.tree_param.num_deleted));
  expect(Array.from(ours.leftChildren), `${where} left_children`).toEqual(theirs.left_children);
  expect(Array.from(ours.rightChildren), `${where} right_children`).toEqual(theirs.right_children);
  expect(Array.from(ours.parents), `${where} parents`).toEqual(theirs.parents);
  expect(Array.from(ours.splitIndices), `${where} split_indices`).toEqual(theirs.split_indices);
  expect(Array.from(ours.defaultLeft), `${where} default_left`).toEqual(theirs.default_left.map(Number));
  expect(hex(ours.splitConditions), `${where} split_conditions`).toEqual(hex(theirs.split_conditions));
  expect(hex(ours.baseWeights), `${where} base_weights`).toEqual(hex(theirs.base_weights));
  expect(hex(ours.lossChanges), `${where} loss_changes`).toEqual(hex(theirs.loss_changes));
  expect(hex(ours.sumHessian), `${where} sum_hessian`).toEqual(hex(theirs.sum_hessian));
}

const names = existsSync(fixtures)
  ? readdirSync(fixtures).filter((d) => existsSync(path.join(fixtures, d, 'params.json')))
  : [];

describe('training reproduces the golden XGBoost 1.7.4 models bit for bit', () => {
  it('finds the five fixtures', () => {
    expect(names.sort()).toEqual([
      'exact_gamma1',
      'hist_basic',
      'hist_nan',
      'hist_regularized',
      'hist_subsample0.8_seed7',
    ]);
  });

  for (const name of names) {
    it(`${name}: every tree field and every training-row margin and probability match XGBoost`, () => {
      const dir = path.join(fixtures, name);
      const spec = JSON.parse(readFileSync(path.join(dir, 'params.json'), 'utf8')) as {
        params: Record<string, number | string>;
        num_boost_round: number;
        data: string;
      };
      const data = loadData(spec.data.includes('with_nan') ? 'data_with_nan.csv' : 'data.csv');
      const { booster } = train(data, { ...spec.params, num_round: spec.num_boost_round });
      const model = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8'));
      const trees = model.learner.gradient_booster.model.trees as JsonTree[];
      expect(booster.model.trees.length).toBe(trees.length);
      trees.forEach((tree, t) => expectSameTree(booster.model.trees[t]!, tree, `${name} tree ${t}`));
      expect(booster.model.attributes).toEqual(model.learner.attributes);
      expect(booster.model.baseScore).toBe(Math.fround(Number(model.learner.learner_model_param.base_score)));
      expect(booster.model.boostFromAverage).toBe(model.learner.learner_model_param.boost_from_average === '1');

      const { rows } = readTable(path.join(dir, 'predictions.csv'));
      const matrix = { data: data.toRowMajor(), rows: data.rows, columns: data.columns };
      expect(hex(booster.predictMargin(matrix))).toEqual(rows.map((r) => r[2]));
      expect(hex(booster.predict(matrix))).toEqual(rows.map((r) => r[3]));
    });
  }
});
