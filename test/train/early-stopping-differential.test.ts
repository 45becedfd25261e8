/**
 * Early stopping in a training job is SageMaker's XGBoost 1.7-1 container's: the validation channel
 * is the eval set, the last `eval_metric` decides, and the saved `xgboost-model` keeps the trees up
 * to the best round only (the container's `EarlyStopping(save_best=True)` callback). Differential
 * test against XGBoost 1.7.4 (Debian's python3-xgboost at /usr/bin/python3) driven the way the
 * container drives it (early-stopping-differential.py beside this file): same best iteration, same
 * trees bit for bit, same attributes, same endpoint scores.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Booster } from '../../src/model/booster.js';
import { float32Hex } from '../../src/model/float32.js';
import { SEED_HYPERPARAMETERS } from '../../src/train/default-hyperparameters.js';
import { runTrainingTask, type TrainingTaskResult } from '../../src/train/training-task.js';
import { makeRows, makeTempDir, toCsv } from './make-csv.js';

const PYTHON = '/usr/bin/python3';
const here = path.dirname(fileURLToPath(import.meta.url));
const version = (() => {
  const probe = spawnSync(PYTHON, ['-c', 'import xgboost, numpy; print(xgboost.__version__)'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
})();
if (version === undefined)
  console.log(
    `early-stopping-differential: SKIPPED — XGBoost is not installed at ${PYTHON} (apt-get install python3-xgboost)`,
  );

interface Case {
  readonly name: string;
  readonly hyperparameters: Record<string, string>;
  readonly validation: boolean;
  /** The container turns early stopping on for this case. */
  readonly stops: boolean;
  readonly seed: number;
}

const SEED = { ...SEED_HYPERPARAMETERS, num_round: '60' };
const CASES: readonly Case[] = [
  {
    name: 'auc (maximised), exact, the seed hyperparameters with subsample 0.7',
    hyperparameters: { ...SEED, eval_metric: 'auc', early_stopping_rounds: '3' },
    validation: true,
    stops: true,
    seed: 11,
  },
  {
    name: 'logloss then error: the last metric (error, minimised) decides, hist',
    hyperparameters: {
      ...SEED,
      tree_method: 'hist',
      eta: '0.4',
      gamma: '0',
      eval_metric: 'logloss,error',
      early_stopping_rounds: '4',
    },
    validation: true,
    stops: true,
    seed: 12,
  },
  {
    name: 'auc then logloss: logloss decides, deeper trees overfit',
    hyperparameters: {
      ...SEED,
      max_depth: '8',
      eta: '0.6',
      gamma: '0',
      min_child_weight: '1',
      eval_metric: 'auc,logloss',
      early_stopping_rounds: '2',
    },
    validation: true,
    stops: true,
    seed: 13,
  },
  {
    name: 'weighted channels (csv_weights=1), logloss',
    hyperparameters: { ...SEED, csv_weights: '1', eval_metric: 'logloss', early_stopping_rounds: '3' },
    validation: true,
    stops: true,
    seed: 14,
  },
  {
    name: 'patience longer than the run: every round trained, the model still cut at the best round',
    hyperparameters: { ...SEED, num_round: '25', eval_metric: 'auc', early_stopping_rounds: '1000' },
    validation: true,
    stops: true,
    seed: 15,
  },
  {
    name: 'no validation channel: the container ignores early_stopping_rounds',
    hyperparameters: { ...SEED, num_round: '20', eval_metric: 'auc', early_stopping_rounds: '2' },
    validation: false,
    stops: false,
    seed: 16,
  },
  {
    name: 'no eval_metric: the container ignores early_stopping_rounds',
    hyperparameters: { ...SEED, num_round: '20', early_stopping_rounds: '2' },
    validation: true,
    stops: false,
    seed: 17,
  },
];

function writeChannel(file: string, rows: number, seed: number, weighted: boolean): void {
  const { labels, rows: features } = makeRows(rows, 6, seed);
  if (!weighted) {
    writeFileSync(file, toCsv(labels, features));
    return;
  }
  // A 1/length-style weight after the label, as prefix jobs write it.
  const withWeights = features.map((row, i) => [1 / (1 + ((i * 7919) % 13)), ...row]);
  writeFileSync(file, toCsv(labels, withWeights));
}

interface Theirs {
  history: Record<string, Record<string, number[]>>;
  best_iteration: number;
  trees: number;
  early_stopping: boolean;
}

const root = makeTempDir('early-stopping');
const ours = new Map<string, TrainingTaskResult>();

beforeAll(async () => {
  if (version === undefined) return;
  CASES.forEach((c, k) => {
    const dir = path.join(root, `case-${k}`);
    mkdirSync(dir, { recursive: true });
    const weighted = c.hyperparameters.csv_weights === '1';
    writeChannel(path.join(dir, 'train.csv'), 900, c.seed, weighted);
    if (c.validation) writeChannel(path.join(dir, 'validation.csv'), 400, c.seed + 100, weighted);
    writeChannel(path.join(dir, 'test.csv'), 300, c.seed + 200, false);
  });
  writeFileSync(
    path.join(root, 'cases.json'),
    JSON.stringify(CASES.map((c, k) => ({ dir: `case-${k}`, hyperparameters: c.hyperparameters }))),
  );
  const run = spawnSync(PYTHON, [path.join(here, 'early-stopping-differential.py'), root], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (run.status !== 0) throw new Error(`XGBoost failed: ${run.stderr}`);
  for (const [k, c] of CASES.entries()) {
    const dir = path.join(root, `case-${k}`);
    const channels = c.validation
      ? { train: path.join(dir, 'train.csv'), validation: path.join(dir, 'validation.csv') }
      : { train: path.join(dir, 'train.csv') };
    ours.set(
      c.name,
      await runTrainingTask({
        jobName: `case-${k}`,
        channels,
        hyperparameters: c.hyperparameters,
        outputDir: path.join(dir, 'ours'),
      }),
    );
  }
}, 120_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.skipIf(version === undefined)(
  `a training job's early stopping equals SageMaker's 1.7-1 container running XGBoost ${version ?? '(not installed)'}`,
  () => {
    it.each(CASES.map((c, k) => [c.name, c, k] as const))('%s', (_name, c, k) => {
      const dir = path.join(root, `case-${k}`);
      const theirs = JSON.parse(readFileSync(path.join(dir, 'result.json'), 'utf8')) as Theirs;
      const theirModel = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8'));
      const result = ours.get(c.name)!;
      const ourModel = JSON.parse(readFileSync(result.modelJson, 'utf8'));

      expect(theirs.early_stopping).toBe(c.stops);
      expect(result.bestIteration).toBe(theirs.best_iteration);
      expect(result.trees).toBe(theirs.trees);
      expect(ourModel.learner.attributes).toEqual(theirModel.learner.attributes);
      expect(ourModel.learner.gradient_booster.model.trees).toEqual(theirModel.learner.gradient_booster.model.trees);

      // The artifact SageMaker would serve: model.tar.gz scored as the endpoint scores.
      const booster = Booster.fromTarGz(readFileSync(result.artifact));
      const test = readFileSync(path.join(dir, 'test.csv'), 'utf8').trim().split('\n');
      const rows = test.map((l) =>
        l
          .split(',')
          .slice(1)
          .map((v) => (v === '' ? Number.NaN : Number(v))),
      );
      const scores = booster.predict({ data: Float64Array.from(rows.flat()), rows: rows.length, columns: 6 });
      const expected = readFileSync(path.join(dir, 'scores.txt'), 'utf8').trim().split('\n');
      expect(Array.from(scores, float32Hex)).toEqual(expected);

      const metrics = (c.hyperparameters.eval_metric ?? 'logloss').split(',');
      const metric = metrics[metrics.length - 1]!;
      const rounds = theirs.history.train![metrics[0]!]!.length;
      if (c.stops) {
        expect(result.earlyStopping).toEqual({
          rounds: Number(c.hyperparameters.early_stopping_rounds),
          metric: `validation-${metric}`,
          bestScore: theirs.history.validation![metric]![theirs.best_iteration],
          roundsTrained: rounds,
        });
        expect(result.trees).toBe(theirs.best_iteration + 1);
      } else {
        expect(result.earlyStopping).toBeUndefined();
        expect(result.trees).toBe(Number(c.hyperparameters.num_round));
      }
      // The last metrics reported are those of the last round trained, as the container logs them.
      for (const [set, values] of Object.entries(theirs.history))
        for (const [name, series] of Object.entries(values))
          expect(result.finalMetrics[set]![name]).toBe(series[series.length - 1]);
    });

    it('stops early in most cases, so the cut is exercised', () => {
      const cut = CASES.filter(
        (c) => c.stops && ours.get(c.name)!.earlyStopping!.roundsTrained > ours.get(c.name)!.trees,
      );
      expect(cut.length).toBeGreaterThanOrEqual(3);
    });
  },
);

describe('what the container ignores, shown where it happens', () => {
  it('a job with early_stopping_rounds the container would ignore reports why', async () => {
    const dir = path.join(root, 'ignored');
    mkdirSync(dir, { recursive: true });
    writeChannel(path.join(dir, 'train.csv'), 200, 5, false);
    const result = await runTrainingTask({
      jobName: 'ignored',
      channels: { train: path.join(dir, 'train.csv') },
      hyperparameters: { ...SEED, num_round: '5', eval_metric: 'auc', early_stopping_rounds: '2' },
      outputDir: path.join(dir, 'out'),
    });
    expect(result.earlyStopping).toBeUndefined();
    expect(result.earlyStoppingIgnored).toMatch(/needs a validation channel/);
    expect(existsSync(result.artifact)).toBe(true);
  });
});
