/**
 * TrainRunner.startJobs given a split instead of files: it writes the SageMaker CSV channels
 * itself, and trains exactly the model the file-based form trains on the channels writeCsvs writes.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { Frame } from '../../src/frame/frame.js';
import { Booster } from '../../src/model/booster.js';
import { createRandom } from '../../src/random/random.js';
import { FrameSplitter } from '../../src/split/frame-splitter.js';
import { writeCsvs } from '../../src/split/write-csvs.js';
import { SEED_HYPERPARAMETERS } from '../../src/train/default-hyperparameters.js';
import { LocalBackend } from '../../src/train/local-backend.js';
import { TrainRunner } from '../../src/train/train-runner.js';
import { makeTempDir } from './make-csv.js';

const root = makeTempDir('runner-frames');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const HYPERPARAMETERS = { ...SEED_HYPERPARAMETERS, num_round: '8' };

function features(rows: number, seed: number): Frame {
  const random = createRandom(seed);
  const a = Float64Array.from({ length: rows }, () => random.next() * 10);
  const b = Float64Array.from({ length: rows }, () => Math.floor(random.next() * 5));
  const label = Uint8Array.from(a, (x, i) => (x + b[i]! > 9 ? 1 : 0));
  return Frame.fromColumns({
    SessionNo: Array.from({ length: rows }, (_, i) => `s${i}`),
    BadActor: label,
    a,
    b,
    weight: Float64Array.from(b, (x) => 1 / (x + 1)),
  });
}

const splitter = new FrameSplitter({ label: 'BadActor', drop: ['SessionNo'] });
const split = splitter.split(features(400, 3), { train: 0.7, validation: 0.3, test: 0, seed: 11 });

function newRunner(workDir?: string): TrainRunner {
  return new TrainRunner({
    backend: new LocalBackend({ training: 'in-process' }),
    hyperparameters: HYPERPARAMETERS,
    workDir,
  });
}

describe('TrainRunner.startJobs with a split', () => {
  it('trains the same model as the file-based form on the channels writeCsvs writes', async () => {
    const files = await writeCsvs([{ name: 'byfile', split }], path.join(root, 'csv'));
    const fromFiles = newRunner();
    const fromSplit = newRunner(path.join(root, 'work'));
    try {
      await fromFiles.startJobs([{ name: 'j', train: files[0]!.train, validation: files[0]!.validation }]);
      await fromSplit.startJobs([{ name: 'j', split }]);
      const [a, b] = await Promise.all([fromFiles.waitForJobs(), fromSplit.waitForJobs()]);
      expect(a.failed).toEqual([]);
      expect(b.failed).toEqual([]);
      const modelA = Booster.fromTarGz(readFileSync(a.succeeded[0]!.artifact));
      const modelB = Booster.fromTarGz(readFileSync(b.succeeded[0]!.artifact));
      expect(modelB.numTrees).toBe(8);
      expect(modelB.toJSON()).toBe(modelA.toJSON());
      // The channels are in the work folder given, and identical to writeCsvs' files.
      expect(readFileSync(path.join(root, 'work', 'csv', 'j', 'train.csv'), 'utf8')).toBe(
        readFileSync(files[0]!.train, 'utf8'),
      );
      expect(readFileSync(path.join(root, 'work', 'csv', 'j', 'validation.csv'), 'utf8')).toBe(
        readFileSync(files[0]!.validation, 'utf8'),
      );
    } finally {
      await Promise.all([fromFiles.close(), fromSplit.close()]);
    }
    expect(existsSync(path.join(root, 'work', 'csv', 'j', 'train.csv'))).toBe(true); // a workDir given is the caller's
  });

  it('trains on a weight column with csv_weights, and leaves an empty validation part out', async () => {
    const noValidation = splitter.split(features(300, 5), { train: 1, validation: 0, test: 0, seed: 2 });
    const runner = newRunner(path.join(root, 'weighted'));
    try {
      await runner.startJobs([{ name: 'w', split: noValidation, weight: 'weight' }]);
      const { succeeded, failed } = await runner.waitForJobs();
      expect(failed).toEqual([]);
      const model = Booster.fromTarGz(readFileSync(succeeded[0]!.artifact));
      expect(model.numFeature).toBe(2); // a and b: the weight is not a feature
      const firstRow = readFileSync(path.join(root, 'weighted', 'csv', 'w', 'train.csv'), 'utf8')
        .split('\n')[0]!
        .split(',');
      expect(firstRow).toHaveLength(4); // label, weight, a, b
      expect(readFileSync(path.join(root, 'weighted', 'csv', 'w', 'validation.csv'), 'utf8')).toBe('');
    } finally {
      await runner.close();
    }
  });

  it('removes the temporary work folder it made when closed', async () => {
    const before = new Set(readdirSync(os.tmpdir()).filter((f) => f.startsWith('sessionsentry-run-')));
    const runner = newRunner();
    await runner.startJobs([{ name: 't', split }]);
    const made = readdirSync(os.tmpdir()).filter((f) => f.startsWith('sessionsentry-run-') && !before.has(f));
    expect(made).toHaveLength(1);
    await runner.waitForJobs();
    await runner.close();
    expect(existsSync(path.join(os.tmpdir(), made[0]!))).toBe(false);
  });

  it('rejects a job whose split has no train rows, before starting anything', async () => {
    const runner = newRunner();
    try {
      const empty = { ...split, train: split.train.head(0) };
      await expect(
        runner.startJobs([
          { name: 'ok', split },
          { name: 'bad', split: empty },
        ]),
      ).rejects.toThrow(InvalidArgumentError);
      await expect(runner.startJobs([{ name: 'bad', split: empty }])).rejects.toThrow(
        /jobs\[0\]\.split must be a split from FrameSplitter\.split with a non-empty train part/,
      );
      expect((await runner.waitForJobs()).succeeded).toEqual([]);
    } finally {
      await runner.close();
    }
  });
});
