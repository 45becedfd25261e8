/**
 * The local backend reads weighted CSV channels the way SageMaker's built-in XGBoost does with the
 * hyperparameter `csv_weights=1` (label, weight, features, in the train and validation channels),
 * so the model it trains is the one XGBoost 1.7.4 trains with those weights: checked against the
 * golden fixture test/fixtures/xgboost/weighted/hist_weighted (written by XGBoost with
 * DMatrix(weight=…), see make_fixtures.py there).
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalBackend } from '../../src/train/local-backend.js';
import { makeTempDir } from './make-csv.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/xgboost/weighted');
const channel = path.join(fixtures, 'train.csv');
const root = makeTempDir('local-backend-weights');
const backend = new LocalBackend({ workDir: path.join(root, 'work'), workers: 1 });

afterAll(async () => {
  await backend.close();
  rmSync(root, { recursive: true, force: true });
});

const spec = JSON.parse(readFileSync(path.join(fixtures, 'hist_weighted', 'params.json'), 'utf8')) as {
  params: Record<string, unknown>;
  num_boost_round: number;
};
const hyperparameters = {
  tree_method: String(spec.params.tree_method),
  max_depth: String(spec.params.max_depth),
  eta: String(spec.params.eta),
  max_bin: String(spec.params.max_bin),
  num_round: String(spec.num_boost_round),
  eval_metric: 'logloss,auc,error',
};

describe('LocalBackend with csv_weights', () => {
  it('csv_weights=1: trains on the channel as label, weight, features, giving the trees and weighted metrics XGBoost 1.7.4 gives with those weights', async () => {
    await backend.startTrainingJob({
      name: 'weighted',
      channels: { train: channel, validation: channel },
      hyperparameters: { ...hyperparameters, csv_weights: '1' },
    });
    const outcome = await backend.waitForTrainingJob('weighted');
    expect(outcome.status, outcome.status === 'Failed' ? outcome.reason : '').toBe('Completed');
    const ours = JSON.parse(readFileSync(path.join(root, 'work', 'weighted', 'output', 'model.json'), 'utf8'));
    const theirs = JSON.parse(readFileSync(path.join(fixtures, 'hist_weighted', 'model.json'), 'utf8'));
    expect(ours.learner.learner_model_param.num_feature).toBe('5');
    expect(ours.learner.gradient_booster.model.trees).toEqual(theirs.learner.gradient_booster.model.trees);
    const evals = JSON.parse(readFileSync(path.join(fixtures, 'hist_weighted', 'evals.json'), 'utf8')) as {
      train: Record<string, number[]>;
    };
    const last = Object.fromEntries(
      Object.entries(evals.train).map(([metric, values]) => [metric, values[values.length - 1]]),
    );
    expect(backend.trainingDetails('weighted')?.finalMetrics).toEqual({ train: last, validation: last });
  });

  it('without csv_weights the same channel is read as six features (the weight among them), as the container would', async () => {
    await backend.startTrainingJob({ name: 'unweighted', channels: { train: channel }, hyperparameters });
    const outcome = await backend.waitForTrainingJob('unweighted');
    expect(outcome.status).toBe('Completed');
    const ours = JSON.parse(readFileSync(path.join(root, 'work', 'unweighted', 'output', 'model.json'), 'utf8'));
    expect(ours.learner.learner_model_param.num_feature).toBe('6');
  });

  it('rejects csv_weights other than 0 or 1, as the container validates it', async () => {
    await backend.startTrainingJob({
      name: 'bad',
      channels: { train: channel },
      hyperparameters: { ...hyperparameters, csv_weights: '2' },
    });
    const outcome = await backend.waitForTrainingJob('bad');
    expect(outcome.status === 'Failed' && outcome.reason).toMatch(
      /csv_weights: must be an integer in \[0, 1\], got "2"/,
    );
  });
});
