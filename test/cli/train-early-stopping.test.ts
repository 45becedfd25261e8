/**
 * `sessionsentry train --hp early_stopping_rounds=N --hp eval_metric=…` stops each job on its
 * validation part as SageMaker's XGBoost 1.7-1 container does (the container's rule itself is checked
 * against XGBoost 1.7.4 in test/train/early-stopping-differential.test.ts), records the best round and
 * score in the model directory's manifest, and scores with the trees the container keeps.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { readModelDirectory } from '../../src/experiment/model-directory.js';
import { readChannel } from '../../src/cli/split-folder.js';
import { captureIO } from './capture-io.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ss-cli-early-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIO(dir);
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

beforeAll(async () => {
  expect((await cli('generate', '--out', 'data', '--seed', '5', '--scale', '0.1')).code).toBe(0);
  const training = ['data/known-attacker.txt', 'data/mixed-1.txt', 'data/mixed-2.txt', 'data/mixed-3.txt'];
  expect((await cli('flatten', ...training, '--truncation', 'first10', '--out', 'feat/first10.csv')).code).toBe(0);
  const split = await cli('split', 'feat/first10.csv', '--out', 'csv', '--train', '0.6', '--validation', '0.2');
  expect(split.code).toBe(0);
  expect(
    (await cli('split', 'feat/first10.csv', '--out', 'csv-novalid', '--train', '0.8', '--validation', '0')).code,
  ).toBe(0);
}, 120_000);

describe('sessionsentry train with early stopping', () => {
  it('records the best round, its validation score and the rounds trained in manifest.json, and keeps the trees up to the best round', async () => {
    const hp = ['num_round=200', 'eta=0.5', 'gamma=0', 'eval_metric=logloss', 'early_stopping_rounds=3'];
    const run = await cli(
      'train',
      'csv/first10',
      '--out',
      'models',
      ...hp.flatMap((h) => ['--hp', h]),
      '--workers',
      '1',
    );
    expect(run.code, run.err).toBe(0);
    const model = await readModelDirectory(path.join(dir, 'models/first10'));
    const training = model.manifest.training!;
    expect(training.earlyStopping).toMatchObject({ rounds: 3, metric: 'validation-logloss' });
    expect(training.earlyStopping!.roundsTrained).toBe(training.bestIteration + 4);
    expect(training.earlyStopping!.roundsTrained).toBeLessThan(200);
    expect(model.booster.numTrees).toBe(training.bestIteration + 1);
    expect(run.out).toMatch(
      new RegExp(
        `models/first10\\ttrained in [\\d.]+ s\\tbest round ${training.bestIteration} of ${training.earlyStopping!.roundsTrained} \\(validation-logloss [\\d.]+\\), ${training.trees} trees kept`,
      ),
    );
    // The validation scores written are the saved model's, i.e. what the container's endpoint answers.
    const { features } = await readChannel(path.join(dir, 'csv/first10/validation.csv'), model.booster.numFeature);
    const written = readFileSync(path.join(dir, 'models/scores/first10.validation.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => Number(line.split(',')[2]));
    expect(written).toEqual(Array.from(model.booster.predict(features)));
    // Validation logloss at the best round is recomputable from the saved model's validation scores.
    const labels = readFileSync(path.join(dir, 'models/scores/first10.validation.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => Number(line.split(',')[1]));
    const logloss =
      -labels.reduce((a, y, i) => a + (y === 1 ? Math.log(written[i]!) : Math.log(1 - written[i]!)), 0) / labels.length;
    expect(logloss).toBeCloseTo(training.earlyStopping!.bestScore, 4);
  }, 120_000);

  it('without early stopping records every round as the best-round bookkeeping of xgb.train does', async () => {
    const run = await cli('train', 'csv/first10', '--out', 'plain', '--hp', 'num_round=7', '--workers', '1');
    expect(run.code, run.err).toBe(0);
    const model = await readModelDirectory(path.join(dir, 'plain/first10'));
    expect(model.manifest.training).toEqual({ trees: 7, bestIteration: 6 });
  }, 60_000);

  it('refuses early_stopping_rounds without eval_metric, or for a folder without a validation part, before training (exit 2)', async () => {
    const noMetric = await cli('train', 'csv/first10', '--out', 'm2', '--hp', 'early_stopping_rounds=3');
    expect(noMetric.code).toBe(2);
    expect(noMetric.err).toMatch(
      /--hp early_stopping_rounds needs eval_metric: SageMaker's XGBoost 1\.7-1 container ignores it without one \(add --hp eval_metric=logloss, auc or error/,
    );
    const noValidation = await cli(
      'train',
      'csv-novalid/first10',
      '--out',
      'm3',
      '--hp',
      'early_stopping_rounds=3',
      '--hp',
      'eval_metric=auc',
    );
    expect(noValidation.code).toBe(2);
    expect(noValidation.err).toMatch(/needs a validation part, and csv-novalid\/first10 has none/);
  });
});
