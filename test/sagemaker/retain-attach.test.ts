import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { Booster } from '../../src/model/booster.js';
import { Predictor } from '../../src/sagemaker/predictor.js';
import { SageMakerBackend } from '../../src/sagemaker/sagemaker-backend.js';
import { AwsRequestError } from '../../src/sagemaker/sagemaker-errors.js';
import { EndpointServer } from '../../src/serve/endpoint-server.js';
import type { ProgressEvent } from '../../src/train/progress.js';
import { ResourceStateError, RunAbortedError } from '../../src/train/train-errors.js';
import { TrainRunner, type ExperimentJob } from '../../src/train/train-runner.js';
import { DUMMY_CREDENTIALS, startAwsTestEnv, TEST_BUCKET, TEST_ROLE, type AwsTestEnv } from './aws-test-env.js';
import type { LoopbackSageMakerOptions } from './loopback-sagemaker-server.js';
import { captureCommands, loadServiceModel, validateRequest, type CapturedCommand } from './service-model.js';
import { loadArtifactFixture } from './xgboost-fixture.js';

/**
 * Endpoints that outlive the runner (`retain: true`), deleted later by name or by tag, and a
 * training job started elsewhere picked up with `TrainRunner.attach`: the real SageMakerClient
 * against the loopback control plane, the real S3Client against s3rver, and the real
 * SageMakerRuntimeClient against the library's own EndpointServer hosting XGBoost 1.7.4's model
 * (the golden fixture; expected scores are XGBoost's `predictions.csv`). Every SageMaker request
 * is checked against the service model botocore ships.
 */

const execFileAsync = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = loadArtifactFixture();
const booster = Booster.fromTarGz(fixture.tarGz);
const testRows = `${fixture.rows.join('\n')}\n`;
const sagemakerModel = loadServiceModel('sagemaker');
/** Endpoint names the runtime server hosts (it plays the containers behind the loopback endpoints). */
const HOSTED = ['keep-first-5', 'keep-whole', 'keep2-first-5', 'keep2-whole', 'exp9-first-5'];

let dir: string;
let train: string;
let jobs: ExperimentJob[];
let runtimeServer: EndpointServer;
let runtimeUrl: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sentry-retain-attach-'));
  train = path.join(dir, 'train.csv');
  await writeFile(train, `${fixture.labelledRows.join('\n')}\n`);
  jobs = ['first-5', 'whole'].map((name) => ({ name, train, hyperparameters: { num_round: 10 } }));
  runtimeServer = new EndpointServer();
  for (const name of HOSTED) runtimeServer.addEndpoint(name, booster);
  runtimeUrl = await runtimeServer.listen();
});
afterAll(async () => {
  await runtimeServer?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

let env: AwsTestEnv | undefined;
let sent: CapturedCommand[] = [];
afterEach(async () => {
  await env?.close();
  env = undefined;
});

async function start(loopback: LoopbackSageMakerOptions = {}): Promise<AwsTestEnv> {
  let current: AwsTestEnv | undefined;
  current = await startAwsTestEnv({
    runtimeUrl,
    loopback: {
      ...loopback,
      onTrainingJobCompleted: async (job) => {
        const [, bucket, key] = /^s3:\/\/([^/]+)\/(.*)$/.exec(job.artifact)!;
        await current!.s3server.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: fixture.tarGz }));
      },
    },
  });
  env = current;
  sent = captureCommands(current.clients.sagemaker);
  return current;
}

function backendFor(testEnv: AwsTestEnv, tags?: Record<string, string>): SageMakerBackend {
  return new SageMakerBackend({
    role: TEST_ROLE,
    bucket: TEST_BUCKET,
    prefix: 'runs',
    ...testEnv.clients,
    ...(tags ? { tags } : {}),
    pollDelaySeconds: 0.005,
    maxPollDelaySeconds: 0.02,
  });
}

/** Every SageMaker request of the test, valid against botocore's model (or a plain note that it was not checked). */
function expectValidRequests(): void {
  if (sagemakerModel === undefined) {
    console.warn('sagemaker service model not found (python3-botocore is not installed): request shapes NOT checked');
    return;
  }
  expect(sent.length).toBeGreaterThan(0);
  for (const { operation, input } of sent)
    expect(validateRequest(sagemakerModel, operation, input), operation).toEqual([]);
}

/** A training job started by another program: its own backend, no runner. */
async function startAwsTestEnvJob(testEnv: AwsTestEnv, name: string): Promise<void> {
  await backendFor(testEnv).startTrainingJob({ name, channels: { train }, hyperparameters: { num_round: '10' } });
}

function tagsOf(testEnv: AwsTestEnv, operation: string, name: string): unknown {
  return testEnv.loopback
    .requestsFor(operation)
    .find((r) => (r.body.EndpointName ?? r.body.EndpointConfigName) === name)?.body.Tags;
}

describe('retain: true — endpoints that outlive the runner', () => {
  it('keeps endpoints in service with their models, says so in the clean-up report, and a Predictor scores them after the runner is closed, also from a second process', async () => {
    const testEnv = await start();
    const events: ProgressEvent[] = [];
    const runner = new TrainRunner({
      backend: backendFor(testEnv, { project: 'sessionsentry' }),
      prefix: 'keep',
      endpoint: { retain: true, tags: { keep: 'demo' } },
      onProgress: (e) => events.push(e),
    });
    const result = await runner.runExperiment(jobs, { invokeWith: testRows });
    expect(result.succeeded).toEqual(['first-5', 'whole']);
    for (const { scores } of result.scores) expect(Array.from(scores)).toEqual(Array.from(fixture.prob));
    const report = await runner.close();
    expect(report).toEqual({
      stoppedJobs: [],
      deletedEndpoints: [],
      deletedModels: [],
      retainedEndpoints: ['keep-first-5', 'keep-whole'],
      retainedModels: ['keep-first-5', 'keep-whole'],
    });
    expect(testEnv.loopback.live()).toEqual({
      endpoints: ['keep-first-5', 'keep-whole'],
      endpointConfigs: ['keep-first-5', 'keep-whole'],
      models: ['keep-first-5', 'keep-whole'],
    });
    expect(testEnv.loopback.requestsFor('DeleteEndpoint')).toEqual([]);
    const retained = events.filter((e) => e.resource === 'Endpoint' && e.detail?.startsWith('retained'));
    expect(retained.map((e) => [e.name, e.state])).toEqual([
      ['keep-first-5', 'InService'],
      ['keep-whole', 'InService'],
    ]);
    // The endpoint and its config carry the backend's tags and the endpoint's own.
    const expectedTags = [
      { Key: 'project', Value: 'sessionsentry' },
      { Key: 'keep', Value: 'demo' },
    ];
    expect(tagsOf(testEnv, 'CreateEndpoint', 'keep-whole')).toEqual(expectedTags);
    expect(tagsOf(testEnv, 'CreateEndpointConfig', 'keep-whole')).toEqual(expectedTags);

    // Later, with nothing of the runner left: a Predictor with a client of its own, here and in a second process.
    const client = new SageMakerRuntimeClient({
      endpoint: runtimeUrl,
      region: 'us-east-1',
      credentials: DUMMY_CREDENTIALS,
    });
    try {
      const predictor = new Predictor({ endpointName: 'keep-whole', client });
      expect(Array.from(await predictor.predict(fixture.rows.map((l) => l.split(',').map(Number))))).toEqual(
        Array.from(fixture.prob),
      );
    } finally {
      client.destroy();
    }
    const child = await execFileAsync(
      process.execPath,
      ['--import', 'tsx', path.join(here, 'predict-in-child.ts'), runtimeUrl, 'keep-whole', testRows],
      { encoding: 'utf8' },
    );
    expect(JSON.parse(child.stdout)).toEqual(Array.from(fixture.prob));

    // Deleted later by name (with its model), then the rest by tag, from a new backend.
    const later = backendFor(testEnv);
    await later.deleteEndpoint('keep-first-5', { withModels: true });
    expect(testEnv.loopback.requestsFor('DescribeEndpointConfig').map((r) => r.body.EndpointConfigName)).toContain(
      'keep-first-5',
    );
    expect(testEnv.loopback.live()).toEqual({
      endpoints: ['keep-whole'],
      endpointConfigs: ['keep-whole'],
      models: ['keep-whole'],
    });
    const found = await later.deleteTaggedResources({ tags: { keep: 'demo' }, withModels: true });
    expect(found.endpoints).toEqual(['keep-whole']);
    expect(testEnv.loopback.live()).toEqual({ endpoints: [], endpointConfigs: [], models: [] });
    // Each delete waited until the endpoint was gone before deleting its config.
    for (const name of ['keep-first-5', 'keep-whole']) {
      const ops = testEnv.loopback.requests
        .filter((r) => r.body.EndpointName === name || r.body.EndpointConfigName === name)
        .map((r) => `${r.operation}:${r.status}`);
      expect(ops.slice(ops.indexOf('DeleteEndpoint:200'))).toEqual([
        'DeleteEndpoint:200',
        'DescribeEndpoint:200',
        'DescribeEndpoint:400',
        'DescribeEndpointConfig:200',
        'DeleteEndpointConfig:200',
      ]);
    }
    expectValidRequests();
  });

  it('deletes a retained endpoint that never came into service, and keeps the others', async () => {
    const testEnv = await start();
    testEnv.loopback.failEndpoint(
      'keep2-whole',
      'The primary container for production variant AllTraffic did not pass the ping health check.',
    );
    const runner = new TrainRunner({ backend: backendFor(testEnv), prefix: 'keep2' });
    await runner.startJobs(jobs);
    await runner.waitForJobs();
    await runner.createModels();
    await runner.createEndpoints({ retain: true });
    const ready = await runner.waitForEndpoints();
    expect(ready.failed.map((f) => f.job)).toEqual(['whole']);
    const report = await runner.close();
    expect(report.retainedEndpoints).toEqual(['keep2-first-5']);
    expect(report.retainedModels).toEqual(['keep2-first-5']);
    expect(report.deletedEndpoints).toEqual(['keep2-whole']);
    expect(report.deletedModels).toEqual(['keep2-whole']);
    expect(testEnv.loopback.live()).toEqual({
      endpoints: ['keep2-first-5'],
      endpointConfigs: ['keep2-first-5'],
      models: ['keep2-first-5'],
    });
    // A second close has nothing more to do and still reports what it kept.
    expect(await runner.close()).toMatchObject({ deletedEndpoints: [], retainedEndpoints: ['keep2-first-5'] });
    expectValidRequests();
  });
});

describe('TrainRunner.attach — a training job started elsewhere', () => {
  it('waits for the job (DescribeTrainingJob), then creates its model from the job’s artifact, deploys and invokes; clean-up never stops the job', async () => {
    const testEnv = await start();
    // Started by another program: its own backend, no runner.
    await backendFor(testEnv).startTrainingJob({
      name: 'elsewhere-first-5',
      channels: { train },
      hyperparameters: { num_round: '10' },
    });
    const events: ProgressEvent[] = [];
    const runner = new TrainRunner({ backend: backendFor(testEnv), prefix: 'exp9', onProgress: (e) => events.push(e) });
    const trained = await runner.attach('elsewhere-first-5', { name: 'first-5' });
    const artifact = `s3://${TEST_BUCKET}/runs/elsewhere-first-5/output/model.tar.gz`;
    expect(trained).toMatchObject({ job: 'first-5', jobName: 'elsewhere-first-5', artifact });
    expect(
      testEnv.loopback.requestsFor('DescribeTrainingJob').every((r) => r.body.TrainingJobName === 'elsewhere-first-5'),
    ).toBe(true);
    expect(events.filter((e) => e.resource === 'TrainingJob').at(-1)).toMatchObject({
      job: 'first-5',
      name: 'elsewhere-first-5',
      state: 'Completed',
    });
    expect((await runner.waitForJobs()).succeeded).toEqual([trained]);

    const models = await runner.createModels();
    expect(models.succeeded).toEqual([{ job: 'first-5', modelName: 'exp9-first-5', artifact }]);
    expect(testEnv.loopback.requestsFor('CreateModel')[0]?.body.PrimaryContainer).toMatchObject({
      ModelDataUrl: artifact,
    });
    await runner.createEndpoints();
    expect((await runner.waitForEndpoints()).succeeded).toEqual([{ job: 'first-5', endpointName: 'exp9-first-5' }]);
    expect(Array.from(await runner.invoke('first-5', testRows))).toEqual(Array.from(fixture.prob));

    const report = await runner.close();
    expect(report).toMatchObject({
      stoppedJobs: [],
      deletedEndpoints: ['exp9-first-5'],
      deletedModels: ['exp9-first-5'],
    });
    expect(testEnv.loopback.requestsFor('StopTrainingJob')).toEqual([]);
    expect(testEnv.loopback.live()).toEqual({ endpoints: [], endpointConfigs: [], models: [] });
    expectValidRequests();
  });

  it('on abort while waiting for the job, rejects with RunAbortedError and leaves the job running: it is not the runner’s', async () => {
    // The job stays InProgress for the whole test.
    const testEnv = await start({ trainingDescribes: 1_000_000 });
    await startAwsTestEnvJob(testEnv, 'elsewhere-long');
    const controller = new AbortController();
    const runner = new TrainRunner({ backend: backendFor(testEnv), signal: controller.signal });
    const attaching = runner.attach('elsewhere-long');
    while (testEnv.loopback.requestsFor('DescribeTrainingJob').length < 2)
      await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort(new Error('Ctrl-C'));
    await expect(attaching).rejects.toThrow(RunAbortedError);
    const report = await runner.close();
    expect(report.stoppedJobs).toEqual([]);
    expect(testEnv.loopback.requestsFor('StopTrainingJob')).toEqual([]);
    expect(testEnv.loopback.trainingJobs.get('elsewhere-long')!.status).toBe('InProgress');
  });

  it('rejects a failed job with its reason, an unknown job with the service’s error, a name already used; none is added', async () => {
    const testEnv = await start();
    const backend = backendFor(testEnv);
    testEnv.loopback.failTrainingJob('elsewhere-bad', 'AlgorithmError: Training data has 0 rows');
    await backend.startTrainingJob({
      name: 'elsewhere-bad',
      channels: { train },
      hyperparameters: { num_round: '10' },
    });
    await backend.startTrainingJob({
      name: 'elsewhere-good',
      channels: { train },
      hyperparameters: { num_round: '10' },
    });
    const runner = new TrainRunner({ backend });
    const failed = runner.attach('elsewhere-bad');
    await expect(failed).rejects.toThrow(ResourceStateError);
    await expect(failed).rejects.toThrow(/Failed: AlgorithmError: Training data has 0 rows/);
    await expect(runner.attach('no-such-job')).rejects.toThrow(AwsRequestError);
    await expect(runner.attach('bad_name')).rejects.toThrow(InvalidArgumentError);
    await runner.attach('elsewhere-good', { name: 'good' });
    await expect(runner.attach('elsewhere-good', { name: 'good' })).rejects.toThrow(/options\.name/);
    expect((await runner.createModels()).succeeded.map((m) => m.job)).toEqual(['good']);
    await runner.close();
    expectValidRequests();
  });
});
