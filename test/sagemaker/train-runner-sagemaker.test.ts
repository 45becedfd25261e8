import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Booster } from '../../src/model/booster.js';
import { SageMakerBackend } from '../../src/sagemaker/sagemaker-backend.js';
import { RunAbortedError } from '../../src/train/train-errors.js';
import { TrainRunner, type ExperimentJob } from '../../src/train/train-runner.js';
import type { ProgressEvent } from '../../src/train/progress.js';
import { startAwsTestEnv, TEST_BUCKET, TEST_ROLE, type AwsTestEnv } from './aws-test-env.js';
import type { LoopbackSageMakerOptions } from './loopback-sagemaker-server.js';
import { loadArtifactFixture } from './xgboost-fixture.js';

/**
 * The TrainRunner driving the SageMakerBackend: the real SageMakerClient and SageMakerRuntimeClient
 * against the loopback control plane (which plays the 1.7-1 container with XGBoost 1.7.4's model
 * from the golden fixture), the real S3Client against s3rver.
 */

const fixture = loadArtifactFixture();
const booster = Booster.fromTarGz(fixture.tarGz);
const testRows = `${fixture.rows.join('\n')}\n`;

let dir: string;
let jobs: ExperimentJob[];
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sentry-runner-sagemaker-'));
  const train = path.join(dir, 'train.csv');
  await writeFile(train, `${fixture.labelledRows.join('\n')}\n`);
  jobs = ['first-5', 'first-10', 'whole'].map((name) => ({ name, train, hyperparameters: { num_round: 10 } }));
});
afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

let env: AwsTestEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

/** Starts the environment; completed jobs get the fixture artifact, endpoints score with its model. */
async function start(loopback: LoopbackSageMakerOptions = {}): Promise<AwsTestEnv> {
  let current: AwsTestEnv | undefined;
  current = await startAwsTestEnv({
    loopback: {
      onTrainingJobCompleted: async (job) => {
        const [, bucket, key] = /^s3:\/\/([^/]+)\/(.*)$/.exec(job.artifact)!;
        await current!.s3server.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: fixture.tarGz }));
      },
      // The 1.7-1 container's real-time answer: one probability per line.
      invoke: (_name, body) => {
        const lines = body.trim().split('\n');
        const scores = booster.predict({
          data: Float64Array.from(lines.flatMap((l) => l.split(',').map(Number))),
          rows: lines.length,
          columns: 4,
        });
        return { status: 200, contentType: 'text/csv', body: `${Array.from(scores, String).join('\n')}\n` };
      },
      ...loopback,
    },
  });
  env = current;
  return current;
}

function backendFor(testEnv: AwsTestEnv): SageMakerBackend {
  return new SageMakerBackend({
    role: TEST_ROLE,
    bucket: TEST_BUCKET,
    prefix: 'runs',
    ...testEnv.clients,
    pollDelaySeconds: 0.005,
    maxPollDelaySeconds: 0.02,
  });
}

describe('TrainRunner on the SageMakerBackend', () => {
  it('runs the round trip: one failed job does not sink the others, and every endpoint, config and model is deleted', async () => {
    const testEnv = await start();
    testEnv.loopback.failTrainingJob('exp1-first-10', 'AlgorithmError: Training data has 0 rows');
    const events: ProgressEvent[] = [];
    const runner = new TrainRunner({
      backend: backendFor(testEnv),
      prefix: 'exp1',
      concurrency: 3,
      onProgress: (e) => events.push(e),
    });
    const result = await runner.runExperiment(jobs, { invokeWith: testRows });

    expect([...result.succeeded].sort()).toEqual(['first-5', 'whole']);
    expect(result.failed).toHaveLength(1);
    expect(result.failed[0]).toMatchObject({ job: 'first-10', stage: 'TrainingJob' });
    expect(result.failed[0]?.reason).toContain('AlgorithmError: Training data has 0 rows');
    // Scores of each endpoint: XGBoost 1.7.4's probabilities for the test rows (predictions.csv).
    for (const { scores } of result.scores) expect(Array.from(scores)).toEqual(Array.from(fixture.prob));
    expect(result.scores.map((s) => s.job).sort()).toEqual(['first-5', 'whole']);

    const hyperparameters = testEnv.loopback
      .requestsFor('CreateTrainingJob')
      .map((r) => r.body.HyperParameters as Record<string, string>);
    expect(hyperparameters).toHaveLength(3);
    // The seed's hyperparameters as named defaults, num_round overridden per job, all strings.
    for (const h of hyperparameters)
      expect(h).toMatchObject({
        max_depth: '5',
        eta: '0.2',
        gamma: '4',
        min_child_weight: '6',
        subsample: '0.7',
        objective: 'binary:logistic',
        num_round: '10',
      });

    expect(testEnv.loopback.live()).toEqual({ endpoints: [], endpointConfigs: [], models: [] });
    expect([...testEnv.loopback.deleted.endpoints].sort()).toEqual(['exp1-first-5', 'exp1-whole']);
    expect([...testEnv.loopback.deleted.models].sort()).toEqual(['exp1-first-5', 'exp1-whole']);
    const states = events.filter((e) => e.job === 'first-5' && e.resource === 'TrainingJob').map((e) => e.state);
    expect(states).toContain('Uploading');
    expect(states.at(-1)).toBe('Completed');
  });

  it('passes early_stopping_rounds and eval_metric through to CreateTrainingJob with the validation channel the container stops on', async () => {
    const testEnv = await start();
    const runner = new TrainRunner({ backend: backendFor(testEnv), prefix: 'early' });
    const train = jobs[0]!.train;
    await runner.startJobs([
      {
        name: 'stop',
        train,
        validation: train,
        hyperparameters: { num_round: 200, eval_metric: 'logloss,auc', early_stopping_rounds: 10 },
      },
    ]);
    const { succeeded } = await runner.waitForJobs();
    await runner.close();
    const [request] = testEnv.loopback.requestsFor('CreateTrainingJob');
    expect(request!.body.HyperParameters).toMatchObject({
      num_round: '200',
      eval_metric: 'logloss,auc',
      early_stopping_rounds: '10',
    });
    const channels = (request!.body.InputDataConfig as { ChannelName: string }[]).map((c) => c.ChannelName);
    expect(channels).toEqual(['train', 'validation']);
    // SageMaker reports no rounds: a model directory then takes them from the artifact.
    expect(succeeded[0]!.summary).toBeUndefined();
  });

  it('cleans up every endpoint, config and model when endpoints fail midway (one Failed, one refused by a quota)', async () => {
    const testEnv = await start();
    testEnv.loopback.failEndpoint(
      'exp2-first-10',
      'The primary container for production variant AllTraffic did not pass the ping health check.',
    );
    testEnv.loopback.inject(
      'CreateEndpoint',
      {
        status: 400,
        type: 'ResourceLimitExceeded',
        message: 'The account-level service limit for ml.t2.medium endpoint usage is 0 Instances.',
      },
      1,
      (body) => body.EndpointName === 'exp2-whole',
    );
    const runner = new TrainRunner({ backend: backendFor(testEnv), prefix: 'exp2', concurrency: 2 });
    const result = await runner.runExperiment(jobs, { invokeWith: testRows });

    expect(result.succeeded).toEqual(['first-5']);
    const reasons = Object.fromEntries(result.failed.map((f) => [f.job, f.reason]));
    expect(reasons['first-10']).toContain('did not pass the ping health check');
    expect(reasons.whole).toContain('ResourceLimitExceeded');
    expect(testEnv.loopback.live()).toEqual({ endpoints: [], endpointConfigs: [], models: [] });
    expect([...testEnv.loopback.deleted.endpoints].sort()).toEqual(['exp2-first-10', 'exp2-first-5']);
    expect([...testEnv.loopback.deleted.endpointConfigs].sort()).toEqual([
      'exp2-first-10',
      'exp2-first-5',
      'exp2-whole',
    ]);
    expect([...testEnv.loopback.deleted.models].sort()).toEqual(['exp2-first-10', 'exp2-first-5', 'exp2-whole']);
  });

  it('on abort while endpoints are being created, rejects with RunAbortedError and still deletes everything the run created', async () => {
    // Endpoints stay Creating for 30 polls; SageMaker refuses to delete them before they settle.
    const testEnv = await start({ endpointDescribes: 30 });
    const controller = new AbortController();
    let creating = 0;
    const runner = new TrainRunner({
      backend: backendFor(testEnv),
      prefix: 'exp3',
      signal: controller.signal,
      onProgress: (e) => {
        if (e.resource === 'Endpoint' && e.state === 'Creating' && ++creating === jobs.length * 2)
          controller.abort(new Error('Ctrl-C'));
      },
    });
    await expect(runner.runExperiment(jobs, { invokeWith: testRows })).rejects.toThrow(RunAbortedError);
    expect(testEnv.loopback.requestsFor('CreateEndpoint')).toHaveLength(3);
    expect(testEnv.loopback.live()).toEqual({ endpoints: [], endpointConfigs: [], models: [] });
    expect([...testEnv.loopback.deleted.endpoints].sort()).toEqual(['exp3-first-10', 'exp3-first-5', 'exp3-whole']);
    // Each endpoint was still Creating when clean-up began: refused first, deleted once it settled.
    const deletes = testEnv.loopback.requestsFor('DeleteEndpoint');
    for (const name of ['exp3-first-5', 'exp3-first-10', 'exp3-whole']) {
      expect(deletes.filter((r) => r.body.EndpointName === name).map((r) => r.status)).toEqual([400, 200]);
    }
  });

  it('on abort during training, stops every running training job', async () => {
    const testEnv = await start({ trainingDescribes: 1_000_000 });
    const controller = new AbortController();
    const runner = new TrainRunner({ backend: backendFor(testEnv), prefix: 'exp4', signal: controller.signal });
    await runner.startJobs(jobs);
    const waiting = runner.waitForJobs();
    while (testEnv.loopback.requestsFor('DescribeTrainingJob').length < 3)
      await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort(new Error('Ctrl-C'));
    await expect(waiting).rejects.toThrow(RunAbortedError);
    await runner.close();
    expect([...testEnv.loopback.trainingJobs.values()].map((j) => j.status)).toEqual([
      'Stopping',
      'Stopping',
      'Stopping',
    ]);
  });
});
