/**
 * TrainRunner on the LocalBackend with small generated channels: the full round trip, partial
 * failure, bounded concurrency, abort, and clean-up — after any run, no endpoint it created is
 * left listening. Expected scores are those of the trained artifact itself (`model.tar.gz`, which
 * the LocalBackend test checks against XGBoost 1.7.4), so the round trip must not alter them.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { Frame } from '../../src/frame/frame.js';
import { Booster } from '../../src/model/booster.js';
import { LocalBackend } from '../../src/train/local-backend.js';
import type { ProgressEvent } from '../../src/train/progress.js';
import { ResourceStateError, RunAbortedError } from '../../src/train/train-errors.js';
import { TrainRunner, splitLabelledCsv, type ExperimentJob } from '../../src/train/train-runner.js';
import { makeTempDir, writeCsvSet, type CsvSet } from './make-csv.js';

const root = makeTempDir('runner');
const sets: CsvSet[] = [writeCsvSet(root, 'first5', 1), writeCsvSet(root, 'first10', 2), writeCsvSet(root, 'all', 3)];
const FAST = { num_round: 10 };
let run = 0;

afterAll(() => rmSync(root, { recursive: true, force: true }));

function jobsFor(hyperparameters?: Record<string, string | number>): ExperimentJob[] {
  return sets.map((s) => ({
    name: path.basename(s.dir),
    train: s.train,
    validation: s.validation,
    test: s.test,
    ...(hyperparameters ? { hyperparameters } : {}),
  }));
}

function newBackend(options: ConstructorParameters<typeof LocalBackend>[0] = {}): LocalBackend {
  run++;
  return new LocalBackend({ workDir: path.join(root, `work-${run}`), workers: 2, ...options });
}

function testInput(s: CsvSet) {
  return { data: Float64Array.from(s.testMatrix.flat()), rows: s.testMatrix.length, columns: 5 };
}

/** Records endpoint URLs as they come into service, to check later that they no longer answer. */
function urlRecorder(backend: LocalBackend, events: ProgressEvent[]) {
  const urls = new Map<string, string>();
  return {
    urls,
    onProgress: (event: ProgressEvent) => {
      events.push(event);
      if (event.resource === 'Endpoint' && event.state === 'InService')
        urls.set(event.job, backend.endpointUrl(event.name));
    },
  };
}

async function expectRefused(url: string): Promise<void> {
  await expect(fetch(`${url}/ping`), url).rejects.toThrow();
}

describe('TrainRunner round trip', () => {
  it('trains every job, deploys, scores the test channel, batch-transforms, then deletes every endpoint and model', async () => {
    const backend = newBackend();
    const events: ProgressEvent[] = [];
    const recorder = urlRecorder(backend, events);
    const features = sets.map((s) => {
      const file = path.join(s.dir, 'test-features.csv');
      writeFileSync(file, s.testFeatures);
      return file;
    });
    const runner = new TrainRunner({ backend, prefix: 'exp1', onProgress: recorder.onProgress });
    try {
      const result = await runner.runExperiment(jobsFor(), {
        invokeWith: 'test',
        transformWith: (job) => features[sets.findIndex((s) => path.basename(s.dir) === job.name)] as string,
      });
      expect(result.failed).toEqual([]);
      expect(result.succeeded).toEqual(['first5', 'first10', 'all']);
      expect(result.training.succeeded.map((t) => t.jobName)).toEqual(['exp1-first5', 'exp1-first10', 'exp1-all']);
      for (const [i, s] of sets.entries()) {
        const name = path.basename(s.dir);
        const trained = result.training.succeeded.find((t) => t.job === name);
        const booster = Booster.fromTarGz(readFileSync(trained?.artifact as string));
        const expected = Array.from(booster.predict(testInput(s)));
        const scored = result.scores.find((x) => x.job === name);
        expect(Array.from(scored?.scores ?? []), name).toEqual(expected);
        // The labels are the first field of each line of the job's test CSV.
        const labels = readFileSync(s.test, 'utf8')
          .trimEnd()
          .split('\n')
          .map((line) => Number(line.split(',')[0]));
        expect(Array.from(scored?.labels ?? [])).toEqual(labels);
        const transformed = result.transforms.find((x) => x.job === name);
        expect(transformed?.output).toBe(`${features[i]}.out`);
        expect(Array.from(transformed?.scores ?? [])).toEqual(expected);
        expect(booster.numTrees).toBe(50);
      }
      expect([...recorder.urls.keys()].sort()).toEqual(['all', 'first10', 'first5']);
      for (const url of recorder.urls.values()) await expectRefused(url);
      for (const job of ['first5', 'first10', 'all']) {
        // State changes; the local backend's round reports are InProgress events carrying `training`.
        const states = (resource: string) =>
          events
            .filter((e) => e.job === job && e.resource === resource && e.training === undefined)
            .map((e) => e.state);
        expect(states('TrainingJob')).toEqual(['Pending', 'InProgress', 'Completed']);
        const rounds = events.filter((e) => e.job === job && e.training !== undefined).map((e) => e.training!);
        expect(rounds.at(-1)).toMatchObject({ round: 50, rounds: 50 });
        expect(states('Model')).toEqual(['Creating', 'Completed', 'Deleted']);
        expect(states('Endpoint')).toEqual(['Creating', 'Creating', 'InService', 'Deleted']);
        expect(
          events
            .filter((e) => e.job === job)
            .every((e) => e.name === `exp1-${job}` || e.name.startsWith(`exp1-${job}-bt`)),
        ).toBe(true);
      }
      const elapsed = events
        .filter((e) => e.resource === 'TrainingJob' && e.state === 'Completed')
        .map((e) => e.elapsedMs);
      expect(elapsed.every((ms) => ms > 0)).toBe(true);
      expect(await runner.cleanup()).toEqual({
        stoppedJobs: [],
        deletedEndpoints: [],
        deletedModels: [],
        retainedEndpoints: [],
        retainedModels: [],
      });
    } finally {
      await runner.close();
      await backend.close();
    }
  });

  it('keeps going when one job has a bad CSV and another a bad hyperparameter, and says why each failed', async () => {
    const backend = newBackend();
    const bad = path.join(root, 'bad-train.csv');
    writeFileSync(bad, '1,2,3,4,5,6\n0,1,2,oops,4,5\n');
    const jobs: ExperimentJob[] = [
      { name: 'good', train: sets[0]!.train, test: sets[0]!.test, hyperparameters: FAST },
      { name: 'bad-csv', train: bad, test: sets[0]!.test },
      { name: 'bad-param', train: sets[1]!.train, test: sets[1]!.test, hyperparameters: { max_depth: 'deep' } },
    ];
    const events: ProgressEvent[] = [];
    const recorder = urlRecorder(backend, events);
    await using runner = new TrainRunner({ backend, onProgress: recorder.onProgress });
    const result = await runner.runExperiment(jobs, { invokeWith: 'test' });
    expect(result.succeeded).toEqual(['good']);
    expect(result.failed.map((f) => [f.job, f.stage])).toEqual([
      ['bad-csv', 'TrainingJob'],
      ['bad-param', 'TrainingJob'],
    ]);
    expect(result.failed[0]?.reason).toContain(`${bad}:2:4: field is not a number "oops"`);
    expect(result.failed[1]?.reason).toMatch(/max_depth: must be .*got "deep"/);
    expect(result.scores.map((s) => s.job)).toEqual(['good']);
    expect(events.find((e) => e.job === 'bad-csv' && e.state === 'Failed')?.detail).toContain('oops');
    for (const url of recorder.urls.values()) await expectRefused(url);
    await backend.close();
  });

  it('waits for every endpoint, not the first, and reports each failure with its reason', async () => {
    const backend = newBackend({ host: '203.0.113.9' });
    await using runner = new TrainRunner({ backend, hyperparameters: FAST });
    await runner.startJobs(jobsFor());
    expect((await runner.waitForJobs()).succeeded).toHaveLength(3);
    expect((await runner.createModels()).succeeded).toHaveLength(3);
    expect((await runner.createEndpoints()).succeeded).toHaveLength(3);
    const ready = await runner.waitForEndpoints();
    expect(ready.succeeded).toEqual([]);
    expect(ready.failed.map((f) => f.job)).toEqual(['first5', 'first10', 'all']);
    for (const failure of ready.failed) expect(failure.reason).toMatch(/cannot listen on 203\.0\.113\.9/);
    await expect(runner.invoke('first5', [[1, 2, 3, 4, 5]])).rejects.toBeInstanceOf(ResourceStateError);
    const report = await runner.cleanup();
    expect([...report.deletedEndpoints].sort()).toEqual(['all', 'first10', 'first5']);
    expect([...report.deletedModels].sort()).toEqual(['all', 'first10', 'first5']);
    await backend.close();
  });
});

describe('TrainRunner stages', () => {
  it('waits for one job alone (its trained job as waitForJobs reports it, or the reason it failed), and refuses a job it did not start', async () => {
    const backend = newBackend();
    const bad = path.join(root, 'bad-one.csv');
    writeFileSync(bad, '1,2,3,4,5,6\n0,1,2,oops,4,5\n');
    await using runner = new TrainRunner({ backend, hyperparameters: FAST });
    await runner.startJobs([
      { name: 'good', train: sets[0]!.train },
      { name: 'bad', train: bad },
    ]);
    const good = await runner.waitForJob('good');
    await expect(runner.waitForJob('bad')).rejects.toThrow(`${bad}:2:4: field is not a number "oops"`);
    const all = await runner.waitForJobs();
    expect(all.succeeded).toEqual([good]);
    expect(all.failed.map((f) => f.job)).toEqual(['bad']);
    expect(Booster.fromTarGz(await backend.downloadArtifact(good.artifact)).numTrees).toBe(10);
    await expect(runner.waitForJob('other')).rejects.toBeInstanceOf(InvalidArgumentError);
    await backend.close();
  });

  it('scores a Frame, a matrix, arrays of rows and CSV text identically', async () => {
    const backend = newBackend();
    await using runner = new TrainRunner({ backend, hyperparameters: FAST, concurrency: 2 });
    await runner.startJobs(jobsFor().slice(0, 1));
    await runner.waitForJobs();
    await runner.createModels();
    await runner.createEndpoints();
    await runner.waitForEndpoints();
    const rows = sets[0]!.testMatrix;
    const frame = Frame.fromColumns(
      Object.fromEntries([0, 1, 2, 3, 4].map((c) => [`f${c}`, Float64Array.from(rows, (r) => r[c] as number)])),
    );
    const fromText = await runner.invoke('first5', sets[0]!.testFeatures);
    expect(fromText).toHaveLength(rows.length);
    expect(Array.from(await runner.invoke('first5', frame))).toEqual(Array.from(fromText));
    expect(Array.from(await runner.invoke('first5', testInput(sets[0]!)))).toEqual(Array.from(fromText));
    expect(Array.from(await runner.invoke('first5', rows))).toEqual(Array.from(fromText));
    await expect(runner.invoke('nope', rows)).rejects.toBeInstanceOf(InvalidArgumentError);
    await backend.close();
  });

  it("passes hyperparameters through as strings: the runner's set, with each job's overrides merged over it", async () => {
    const backend = newBackend();
    await using runner = new TrainRunner({
      backend,
      hyperparameters: { max_depth: 2, num_round: 7, eta: 0.3, objective: 'binary:logistic' },
    });
    await runner.startJobs([
      { name: 'runner-level', train: sets[0]!.train },
      { name: 'job-level', train: sets[0]!.train, hyperparameters: { max_depth: 1, num_round: '3' } },
    ]);
    const { succeeded } = await runner.waitForJobs();
    const model = (job: string) =>
      JSON.parse(
        readFileSync(
          path.join(path.dirname(succeeded.find((t) => t.job === job)?.artifact as string), 'model.json'),
          'utf8',
        ),
      ) as {
        learner: { gradient_booster: { model: { trees: { left_children: number[] }[] } } };
      };
    const depth = (left: number[]) => {
      const walk = (node: number): number =>
        left[node] === -1 ? 0 : 1 + Math.max(walk(left[node] as number), walk((left[node] as number) + 1));
      return walk(0);
    };
    const runnerTrees = model('runner-level').learner.gradient_booster.model.trees;
    const jobTrees = model('job-level').learner.gradient_booster.model.trees;
    expect(runnerTrees).toHaveLength(7);
    expect(Math.max(...runnerTrees.map((t) => depth(t.left_children)))).toBeLessThanOrEqual(2);
    expect(jobTrees).toHaveLength(3);
    expect(Math.max(...jobTrees.map((t) => depth(t.left_children)))).toBe(1);
    await backend.close();
  });

  it('reports a model whose artifact is corrupt as failed, naming the file, and registers the others', async () => {
    const backend = newBackend();
    await using runner = new TrainRunner({ backend, hyperparameters: FAST });
    await runner.startJobs(jobsFor().slice(0, 2));
    const { succeeded } = await runner.waitForJobs();
    const corrupt = succeeded.find((t) => t.job === 'first10')?.artifact as string;
    writeFileSync(corrupt, 'not a tarball');
    const models = await runner.createModels();
    expect(models.succeeded.map((m) => m.job)).toEqual(['first5']);
    expect(models.failed.map((f) => [f.job, f.stage])).toEqual([['first10', 'Model']]);
    expect(models.failed[0]?.reason).toContain(corrupt);
    await backend.close();
  });

  it('runs at most `concurrency` jobs at a time', async () => {
    const backend = newBackend();
    const events: ProgressEvent[] = [];
    await using runner = new TrainRunner({
      backend,
      concurrency: 1,
      hyperparameters: FAST,
      onProgress: (e) => events.push(e),
    });
    await runner.startJobs(jobsFor());
    await runner.waitForJobs();
    const sequence = events
      .filter((e) => e.resource === 'TrainingJob' && e.state !== 'Pending' && e.training === undefined)
      .map((e) => `${e.job}:${e.state}`);
    expect(sequence).toEqual([
      'first5:InProgress',
      'first5:Completed',
      'first10:InProgress',
      'first10:Completed',
      'all:InProgress',
      'all:Completed',
    ]);
    await backend.close();
  });

  it('refuses duplicate job names and names SageMaker would refuse, before starting anything', async () => {
    const backend = newBackend();
    await using runner = new TrainRunner({ backend });
    await expect(
      runner.startJobs([
        { name: 'a', train: sets[0]!.train },
        { name: 'a', train: sets[0]!.train },
      ]),
    ).rejects.toThrow(/unique job names/);
    await expect(runner.startJobs([{ name: 'first_5', train: sets[0]!.train }])).rejects.toThrow(
      /SageMaker resource name/,
    );
    await expect(
      runner.startJobs([{ name: 'x', train: sets[0]!.train, hyperparameters: { eta: Number.NaN } }]),
    ).rejects.toThrow(/eta must be a finite number/);
    expect((await runner.waitForJobs()).succeeded).toEqual([]);
    await backend.close();
  });
});

describe('TrainRunner clean-up and abort', () => {
  it("keeps one listener on the caller's signal however many jobs train, score and wait at once (no MaxListenersExceededWarning)", async () => {
    const backend = newBackend({ workers: 1, training: 'in-process' });
    const controller = new AbortController();
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w);
    };
    process.on('warning', onWarning);
    // Node counts listeners per signal; sample the caller's signal while everything is in flight.
    let most = 0;
    const { signal } = controller;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    let live = 0;
    signal.addEventListener = ((...args: Parameters<typeof add>) => {
      live++;
      most = Math.max(most, live);
      add(...args);
    }) as typeof add;
    signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
      live--;
      remove(...args);
    }) as typeof remove;
    try {
      const jobs = Array.from({ length: 4 }, (_, k) => jobsFor().map((j) => ({ ...j, name: `${j.name}-${k}` }))).flat();
      await using runner = new TrainRunner({
        backend,
        hyperparameters: { num_round: 2 },
        signal,
        concurrency: Infinity,
      });
      const result = await runner.runExperiment(jobs, { invokeWith: 'test' });
      expect(result.failed).toEqual([]);
      expect(result.succeeded.length).toBe(12);
      await new Promise((r) => setImmediate(r));
      expect(most).toBe(1);
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      await backend.close();
    }
  });

  it('releases endpoints and models when an `await using` block exits by an exception', async () => {
    const backend = newBackend();
    const events: ProgressEvent[] = [];
    const recorder = urlRecorder(backend, events);
    const failing = async () => {
      await using runner = new TrainRunner({ backend, hyperparameters: FAST, onProgress: recorder.onProgress });
      await runner.startJobs(jobsFor().slice(0, 2));
      await runner.waitForJobs();
      await runner.createModels();
      await runner.createEndpoints();
      await runner.waitForEndpoints();
      throw new Error('analysis failed');
    };
    await expect(failing()).rejects.toThrow('analysis failed');
    expect(recorder.urls.size).toBe(2);
    for (const url of recorder.urls.values()) await expectRefused(url);
    expect(
      events
        .filter((e) => e.state === 'Deleted')
        .map((e) => `${e.resource}:${e.job}`)
        .sort(),
    ).toEqual(['Endpoint:first10', 'Endpoint:first5', 'Model:first10', 'Model:first5']);
    await backend.close();
  });

  it('on abort once an endpoint is in service, rejects and leaves no endpoint running', async () => {
    const backend = newBackend();
    const controller = new AbortController();
    const events: ProgressEvent[] = [];
    const recorder = urlRecorder(backend, events);
    const runner = new TrainRunner({
      backend,
      hyperparameters: FAST,
      signal: controller.signal,
      onProgress: (e) => {
        recorder.onProgress(e);
        if (e.resource === 'Endpoint' && e.state === 'InService') controller.abort(new Error('Ctrl-C'));
      },
    });
    const outcome = await runner.runExperiment(jobsFor(), { invokeWith: 'test' }).catch((e: unknown) => e);
    expect(outcome).toBeInstanceOf(RunAbortedError);
    expect((outcome as RunAbortedError).message).toContain('Ctrl-C');
    expect(recorder.urls.size).toBeGreaterThanOrEqual(1);
    for (const url of recorder.urls.values()) await expectRefused(url);
    for (const job of ['first5', 'first10', 'all']) expect(() => backend.endpointUrl(job)).toThrow(/state: absent/);
    expect(await runner.cleanup()).toEqual({
      stoppedJobs: [],
      deletedEndpoints: [],
      deletedModels: [],
      retainedEndpoints: [],
      retainedModels: [],
    });
    await backend.close();
  });

  it('on abort during training, stops the running job and starts no queued one', async () => {
    const backend = newBackend();
    const controller = new AbortController();
    const runner = new TrainRunner({
      backend,
      concurrency: 1,
      hyperparameters: { num_round: 100000 },
      signal: controller.signal,
      onProgress: (e) => {
        // Aborted as soon as the one running job is in progress: the other stays queued.
        if (e.resource === 'TrainingJob' && e.state === 'InProgress') controller.abort();
      },
    });
    await runner.startJobs(jobsFor());
    await expect(runner.waitForJobs()).rejects.toBeInstanceOf(RunAbortedError);
    expect((await backend.waitForTrainingJob('first5')).status).toBe('Stopped');
    await expect(backend.waitForTrainingJob('first10')).rejects.toBeInstanceOf(ResourceStateError);
    await expect(runner.createModels()).rejects.toBeInstanceOf(RunAbortedError);
    await runner.close();
    await backend.close();
  });

  it('closes the LocalBackend it created itself', async () => {
    const runner = new TrainRunner({ hyperparameters: FAST });
    const backend = runner.backend as LocalBackend;
    await runner.close();
    await expect(
      backend.startTrainingJob({ name: 'x', channels: { train: sets[0]!.train }, hyperparameters: {} }),
    ).rejects.toThrow(/backend is closed/);
    await runner.close();
  });

  it('runExperiment as one call scores and then deletes its endpoints', async () => {
    const backend = newBackend();
    const events: ProgressEvent[] = [];
    const recorder = urlRecorder(backend, events);
    const runner = new TrainRunner({ backend, concurrency: 1, onProgress: recorder.onProgress });
    const result = await runner.runExperiment(jobsFor(FAST).slice(0, 1), { invokeWith: 'test' });
    await runner.close();
    expect(result.succeeded).toEqual(['first5']);
    expect(result.endpoints?.succeeded.map((e) => e.endpointName)).toEqual(['first5']);
    expect(result.scores[0]?.scores).toHaveLength(sets[0]!.testMatrix.length);
    expect(recorder.urls.size).toBe(1);
    for (const url of recorder.urls.values()) await expectRefused(url);
    expect(() => backend.endpointUrl('first5')).toThrow(/state: absent/);
    await backend.close();
  });
});

describe('splitLabelledCsv', () => {
  it('splits a SageMaker channel into its first column as labels and the rest as CSV rows, as InputFilter "$[1:]" does', () => {
    const { labels, rows } = splitLabelledCsv('1,0.5,3\n0,,2\n0,7,1e-3\n');
    expect(Array.from(labels)).toEqual([1, 0, 0]);
    expect(rows).toBe('0.5,3\n,2\n7,1e-3\n');
    expect(splitLabelledCsv('')).toEqual({ labels: new Float64Array(0), rows: '' });
  });

  it('names the line of a missing or non-numeric label', () => {
    expect(() => splitLabelledCsv('1,2\n,3\n', 'test.csv')).toThrow(/test\.csv:2 label/);
    expect(() => splitLabelledCsv('x,3\n', 'test.csv')).toThrow(/test\.csv:1 label/);
  });
});
