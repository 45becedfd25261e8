/**
 * `early_stopping_rounds` through the TrainRunner and the LocalBackend, as SageMaker's XGBoost 1.7-1
 * container takes it: the validation channel decides on the last `eval_metric`, the artifact keeps
 * the trees up to the best round (test/train/early-stopping-differential.test.ts checks that against
 * XGBoost 1.7.4), and the runner reports the best round and score per job. What the container would
 * silently ignore (no `eval_metric`, no validation channel) is refused before any job starts.
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { Frame } from '../../src/frame/frame.js';
import { Booster } from '../../src/model/booster.js';
import { FrameSplitter } from '../../src/split/frame-splitter.js';
import { LocalBackend } from '../../src/train/local-backend.js';
import { TrainRunner } from '../../src/train/train-runner.js';
import { makeRows, makeTempDir, writeCsvSet } from './make-csv.js';

const root = makeTempDir('runner-early');
const set = writeCsvSet(root, 'data', 21, 900);
const EARLY = { num_round: 80, eta: 0.5, gamma: 0, eval_metric: 'logloss', early_stopping_rounds: 3 };

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('TrainRunner with early_stopping_rounds', () => {
  it("reports each job's best round, score and rounds trained, and its artifact keeps the trees up to the best round", async () => {
    await using backend = new LocalBackend({ workDir: path.join(root, 'work-1'), workers: 1 });
    await using runner = new TrainRunner({ backend, hyperparameters: EARLY });
    await runner.startJobs([{ name: 'early', train: set.train, validation: set.validation }]);
    const { succeeded, failed } = await runner.waitForJobs();
    expect(failed).toEqual([]);
    const early = succeeded.find((t) => t.job === 'early')!;
    const summary = early.summary!;
    expect(summary.earlyStopping).toMatchObject({ rounds: 3, metric: 'validation-logloss' });
    expect(summary.earlyStopping!.roundsTrained).toBeLessThan(80);
    expect(summary.earlyStopping!.roundsTrained).toBe(summary.bestIteration + 1 + 3);
    expect(summary.trees).toBe(summary.bestIteration + 1);
    const booster = Booster.fromTarGz(readFileSync(early.artifact));
    expect(booster.numTrees).toBe(summary.trees);
    expect(booster.model.attributes).toEqual({
      best_iteration: String(summary.bestIteration),
      best_ntree_limit: String(summary.trees),
    });
    const details = backend.trainingDetails(early.jobName)!;
    expect(details.earlyStopping).toEqual(summary.earlyStopping);
  }, 60_000);

  it('refuses early_stopping_rounds without eval_metric before starting any job, naming the job and the reason', async () => {
    await using backend = new LocalBackend({ workDir: path.join(root, 'work-2'), workers: 1 });
    await using runner = new TrainRunner({ backend, hyperparameters: { num_round: 5, early_stopping_rounds: 3 } });
    const error = await runner
      .startJobs([
        { name: 'ok', train: set.train, validation: set.validation, hyperparameters: { eval_metric: 'auc' } },
        { name: 'bad', train: set.train, validation: set.validation },
      ])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(
      /jobs\[1\] \(bad\)\.hyperparameters\.early_stopping_rounds must be set with an eval_metric and a validation channel \(needs eval_metric: SageMaker's XGBoost 1\.7-1 container ignores it without one\), got "3"/,
    );
    const { succeeded, failed } = await runner.waitForJobs();
    expect([...succeeded, ...failed]).toEqual([]);
  });

  it('refuses early_stopping_rounds for a job without a validation channel, on disk or as an empty split part', async () => {
    await using backend = new LocalBackend({ workDir: path.join(root, 'work-3'), workers: 1 });
    await using runner = new TrainRunner({ backend, hyperparameters: EARLY });
    await expect(runner.startJobs([{ name: 'no-validation', train: set.train }])).rejects.toThrow(
      /no-validation\)\.hyperparameters\.early_stopping_rounds .*needs a validation channel/,
    );
    const { labels, rows } = makeRows(60, 3, 5);
    const frame = Frame.fromColumns({
      BadActor: Float64Array.from(labels),
      a: Float64Array.from(rows.map((r) => r[0]!)),
      b: Float64Array.from(rows.map((r) => r[1]!)),
    });
    const split = new FrameSplitter({ label: 'BadActor' }).split(frame, { train: 1, validation: 0, test: 0, seed: 1 });
    await expect(runner.startJobs([{ name: 'frame', split }])).rejects.toThrow(/needs a validation channel/);
  });
});
