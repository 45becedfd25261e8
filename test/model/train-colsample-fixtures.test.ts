import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { float32Hex } from '../../src/model/float32.js';
import type { RegTree } from '../../src/model/model-types.js';
import { train } from '../../src/model/train.js';
import { TrainingData } from '../../src/model/training-data.js';

// Golden models trained with colsample_bytree / colsample_bylevel / colsample_bynode by XGBoost 1.7.4
// (Debian python3-xgboost, nthread=1), written by test/fixtures/xgboost/colsample/make_fixtures.py;
// see the README there.
const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/xgboost/colsample');
const FIXTURES = readdirSync(dir)
  .filter((name) => statSync(path.join(dir, name)).isDirectory())
  .sort();

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

function expectSameTree(ours: RegTree, theirs: JsonTree, where: string): void {
  expect([ours.numNodes, ours.numDeleted], `${where} num_nodes, num_deleted`).toEqual([
    Number(theirs.tree_param.num_nodes),
    Number(theirs.tree_param.num_deleted),
  ]);
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

describe('training with column sampling reproduces XGBoost 1.7.4 models bit for bit', () => {
  const data = TrainingData.fromCsv(readFileSync(path.join(dir, 'train.csv'), 'utf8'), { file: 'train.csv' });

  it('has the ten fixtures: exact and hist, each sampler alone, the three together, and with subsample', () => {
    expect(FIXTURES).toHaveLength(10);
    expect([data.rows, data.columns]).toEqual([800, 12]);
  });

  for (const name of FIXTURES) {
    it(`${name}: every tree field and every training-row margin and probability match XGBoost, and the samplers change the model`, () => {
      const spec = JSON.parse(readFileSync(path.join(dir, name, 'params.json'), 'utf8')) as {
        params: Record<string, number | string>;
        num_boost_round: number;
      };
      const { booster } = train(data, { ...spec.params, num_round: spec.num_boost_round });
      const model = JSON.parse(readFileSync(path.join(dir, name, 'model.json'), 'utf8'));
      const trees = model.learner.gradient_booster.model.trees as JsonTree[];
      expect(booster.model.trees.length).toBe(trees.length);
      trees.forEach((tree, t) => expectSameTree(booster.model.trees[t]!, tree, `${name} tree ${t}`));

      const rows = readFileSync(path.join(dir, name, 'predictions.csv'), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(','));
      const matrix = { data: data.toRowMajor(), rows: data.rows, columns: data.columns };
      expect(hex(booster.predictMargin(matrix))).toEqual(rows.map((r) => r[0]));
      expect(hex(booster.predict(matrix))).toEqual(rows.map((r) => r[1]));

      // The fixture can tell: without the samplers the same parameters grow other trees.
      const unsampled = Object.fromEntries(
        Object.entries(spec.params).filter(([key]) => !key.startsWith('colsample_')),
      ) as Record<string, number | string>;
      const plain = train(data, { ...unsampled, num_round: spec.num_boost_round }).booster;
      expect(hex(plain.predictMargin(matrix))).not.toEqual(rows.map((r) => r[0]));
    });
  }
});
