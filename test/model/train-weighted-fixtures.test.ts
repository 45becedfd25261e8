import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { float32Hex } from '../../src/model/float32.js';
import type { RegTree } from '../../src/model/model-types.js';
import { train } from '../../src/model/train.js';
import { TrainingData } from '../../src/model/training-data.js';

// Golden models trained with instance weights by XGBoost 1.7.4 (Debian python3-xgboost, nthread=1),
// written by test/fixtures/xgboost/weighted/make_fixtures.py; see the README there.
const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/xgboost/weighted');
const FIXTURES = ['hist_weighted', 'hist_weighted_regularized_subsample', 'exact_weighted_gamma_subsample'] as const;

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

describe('training with instance weights reproduces XGBoost 1.7.4 models bit for bit', () => {
  const data = TrainingData.fromCsv(readFileSync(path.join(dir, 'train.csv'), 'utf8'), {
    file: 'train.csv',
    csvWeights: true,
  });

  it('reads the csv_weights=1 channel: label, weight, five features, zeros among the weights', () => {
    expect([data.rows, data.columns]).toEqual([1000, 5]);
    const weights = data.weights!;
    expect(weights.some((w) => w === 0)).toBe(true);
    expect(weights.every((w) => w >= 0 && w <= 1)).toBe(true);
  });

  for (const name of FIXTURES) {
    it(`${name}: every tree field, every training-row margin and probability, and the weighted logloss, auc and error of every round match XGBoost`, () => {
      const spec = JSON.parse(readFileSync(path.join(dir, name, 'params.json'), 'utf8')) as {
        params: Record<string, number | string | string[]>;
        num_boost_round: number;
      };
      const { eval_metric: metrics, ...params } = spec.params;
      const { booster, evalHistory } = train(
        data,
        {
          ...(params as Record<string, number | string>),
          eval_metric: (metrics as string[]).join(','),
          num_round: spec.num_boost_round,
        },
        { evals: [{ name: 'train', data }] },
      );
      const model = JSON.parse(readFileSync(path.join(dir, name, 'model.json'), 'utf8'));
      expect(booster.model.baseScore).toBe(Math.fround(Number(model.learner.learner_model_param.base_score)));
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

      const evals = JSON.parse(readFileSync(path.join(dir, name, 'evals.json'), 'utf8')) as Record<
        string,
        Record<string, number[]>
      >;
      expect(evalHistory).toEqual(evals);
    });
  }
});
