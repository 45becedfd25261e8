/**
 * The LocalBackend side of "attach, keep, predict": a job trained by one process picked up by a
 * runner of another (same `workDir`), endpoints kept after the runner closes and scored through a
 * Predictor by URL, then deleted by name. Expected scores are those of the trained artifact
 * itself (`model.tar.gz`, which the LocalBackend test checks against XGBoost 1.7.4).
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { Booster } from '../../src/model/booster.js';
import { Predictor } from '../../src/sagemaker/predictor.js';
import { LocalBackend } from '../../src/train/local-backend.js';
import type { ProgressEvent } from '../../src/train/progress.js';
import { ResourceStateError } from '../../src/train/train-errors.js';
import { TrainRunner } from '../../src/train/train-runner.js';
import { makeTempDir, writeCsvSet } from './make-csv.js';

const root = makeTempDir('retain-attach');
const set = writeCsvSet(root, 'first5', 7, 200);
const job = { name: 'first5', train: set.train, validation: set.validation, hyperparameters: { num_round: 5 } };
afterAll(() => rmSync(root, { recursive: true, force: true }));

function expectedScores(artifact: string): number[] {
  const booster = Booster.fromTarGz(readFileSync(artifact));
  return Array.from(
    booster.predict({ data: Float64Array.from(set.testMatrix.flat()), rows: set.testMatrix.length, columns: 5 }),
  );
}

describe('TrainRunner.attach on the LocalBackend', () => {
  it('picks up a job an earlier backend trained in the same workDir, and deploys and invokes it', async () => {
    const workDir = path.join(root, 'work-attach');
    const first = new LocalBackend({ workDir, workers: 1, training: 'in-process' });
    const trainer = new TrainRunner({ backend: first, prefix: 'exp1' });
    await trainer.startJobs([job]);
    const [trained] = (await trainer.waitForJobs()).succeeded;
    await trainer.close();
    await first.close();

    const second = new LocalBackend({ workDir, workers: 1, training: 'in-process' });
    const events: ProgressEvent[] = [];
    const runner = new TrainRunner({ backend: second, prefix: 'exp2', onProgress: (e) => events.push(e) });
    try {
      const attached = await runner.attach('exp1-first5', { name: 'first5' });
      expect(attached).toEqual({ job: 'first5', jobName: 'exp1-first5', artifact: trained!.artifact, seconds: 0 });
      expect(events.map((e) => [e.resource, e.name, e.state])).toEqual([['TrainingJob', 'exp1-first5', 'Completed']]);
      expect((await runner.createModels()).succeeded).toEqual([
        { job: 'first5', modelName: 'exp2-first5', artifact: trained!.artifact },
      ]);
      await runner.createEndpoints();
      await runner.waitForEndpoints();
      expect(Array.from(await runner.invoke('first5', set.testMatrix))).toEqual(expectedScores(trained!.artifact));
      await expect(runner.attach('exp1-nothing')).rejects.toThrow(ResourceStateError);
      await expect(runner.attach('exp1-nothing')).rejects.toThrow(/no .*exp1-nothing.*model\.tar\.gz/);
    } finally {
      await runner.close();
      await second.close();
    }
  });
});

describe('retain: true on the LocalBackend', () => {
  it('keeps the endpoint serving after the runner closes; a Predictor scores it by URL; deleteEndpoint removes it with its model', async () => {
    const backend = new LocalBackend({ workDir: path.join(root, 'work-retain'), workers: 1, training: 'in-process' });
    try {
      const runner = new TrainRunner({ backend, prefix: 'keep', endpoint: { retain: true } });
      const result = await runner.runExperiment([job], { deploy: true });
      expect(result.succeeded).toEqual(['first5']);
      const report = await runner.close();
      expect(report).toMatchObject({
        deletedEndpoints: [],
        deletedModels: [],
        retainedEndpoints: ['keep-first5'],
        retainedModels: ['keep-first5'],
      });

      await using predictor = new Predictor({ endpointName: 'keep-first5', url: backend.endpointUrl('keep-first5') });
      const artifact = result.training.succeeded[0]!.artifact;
      expect(Array.from(await predictor.predict(set.testFeatures))).toEqual(expectedScores(artifact));

      await backend.deleteEndpoint('keep-first5', { withModels: true });
      expect(() => backend.endpointUrl('keep-first5')).toThrow(ResourceStateError);
      // The model went with it: a new endpoint cannot be made from it.
      await expect(backend.createEndpoint('again', 'keep-first5')).rejects.toThrow(/model keep-first5/);
    } finally {
      await backend.close();
    }
  });

  it('is refused with the default backend, which the runner closes (and its endpoints with it)', async () => {
    expect(() => new TrainRunner({ endpoint: { retain: true } })).toThrow(InvalidArgumentError);
    expect(() => new TrainRunner({ endpoint: { retain: true } })).toThrow(/endpoint\.retain/);
    const runner = new TrainRunner();
    try {
      await expect(runner.createEndpoints({ retain: true })).rejects.toThrow(/retain/);
    } finally {
      await runner.close();
    }
  });
});
