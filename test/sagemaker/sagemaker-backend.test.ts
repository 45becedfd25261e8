import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateEndpointConfigCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { Booster } from '../../src/model/booster.js';
import { writeTarGz } from '../../src/model/model-tarball.js';
import { createSageMakerClients } from '../../src/sagemaker/sagemaker-clients.js';
import { SageMakerBackend, type SageMakerBackendOptions } from '../../src/sagemaker/sagemaker-backend.js';
import {
  AwsRequestError,
  ImageUriError,
  PredictionCountError,
  UnsupportedArtifactError,
  WaitTimeoutError,
} from '../../src/sagemaker/sagemaker-errors.js';
import { EndpointServer } from '../../src/serve/endpoint-server.js';
import type { ResourceState } from '../../src/train/backend.js';
import { EndpointInvocationError, ResourceStateError, RunAbortedError } from '../../src/train/train-errors.js';
import { startAwsTestEnv, TEST_BUCKET, TEST_ROLE, type AwsTestEnv } from './aws-test-env.js';
import {
  INTERNAL_FAILURE,
  SERVICE_UNAVAILABLE,
  THROTTLING,
  type LoopbackSageMakerOptions,
} from './loopback-sagemaker-server.js';
import { loadArtifactFixture } from './xgboost-fixture.js';

const fixture = loadArtifactFixture();
// The built-in image for us-east-1 and 1.7-1, from the SageMaker Python SDK's image URI config.
const US_EAST_1_IMAGE = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1';
const SEED_HYPERPARAMETERS = {
  max_depth: '5',
  eta: '0.2',
  gamma: '4',
  min_child_weight: '6',
  subsample: '0.7',
  objective: 'binary:logistic',
  num_round: '50',
};

let dir: string;
let trainCsv: string;
let validationCsv: string;
let featuresCsv: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sentry-sagemaker-test-'));
  trainCsv = path.join(dir, 'train.csv');
  validationCsv = path.join(dir, 'validation.csv');
  featuresCsv = path.join(dir, 'testday.csv');
  await writeFile(trainCsv, `${fixture.labelledRows.slice(0, 150).join('\n')}\n`);
  await writeFile(validationCsv, `${fixture.labelledRows.slice(150).join('\n')}\n`);
  await writeFile(featuresCsv, `${fixture.rows.join('\n')}\n`);
});
afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

let env: AwsTestEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

async function start(
  options: { loopback?: LoopbackSageMakerOptions; maxAttempts?: number; runtimeUrl?: string } = {},
): Promise<AwsTestEnv> {
  env = await startAwsTestEnv(options);
  return env;
}

function backendFor(testEnv: AwsTestEnv, options: Partial<SageMakerBackendOptions> = {}): SageMakerBackend {
  return new SageMakerBackend({
    role: TEST_ROLE,
    bucket: TEST_BUCKET,
    prefix: 'experiments',
    ...testEnv.clients,
    pollDelaySeconds: 0.005,
    maxPollDelaySeconds: 0.02,
    ...options,
  });
}

async function s3Text(testEnv: AwsTestEnv, key: string): Promise<string> {
  const output = await testEnv.s3server.s3.send(new GetObjectCommand({ Bucket: TEST_BUCKET, Key: key }));
  return output.Body!.transformToString();
}

/** Puts the XGBoost 1.7.4 legacy-binary model.tar.gz where SageMaker would write the job's artifact. */
function artifactWriter(getEnv: () => AwsTestEnv | undefined): LoopbackSageMakerOptions['onTrainingJobCompleted'] {
  return async (job) => {
    const [, bucket, key] = /^s3:\/\/([^/]+)\/(.*)$/.exec(job.artifact)!;
    await getEnv()!.s3server.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: fixture.tarGz }));
  };
}

describe('SageMakerBackend training jobs (real SageMakerClient against the loopback control plane, real S3Client against s3rver)', () => {
  it('uploads the channels to s3://bucket/prefix/<job>/{train,validation}/ and creates a job SageMaker accepts', async () => {
    const testEnv = await start();
    const backend = backendFor(testEnv, { tags: { project: 'sessionsentry' } });
    const states: ResourceState[] = [];
    await backend.startTrainingJob(
      {
        name: 'sentry-first-5',
        channels: { train: trainCsv, validation: validationCsv },
        hyperparameters: SEED_HYPERPARAMETERS,
      },
      { onState: (state) => states.push(state) },
    );
    expect(states).toEqual(['Uploading', 'InProgress']);
    expect(await s3Text(testEnv, 'experiments/sentry-first-5/train/train.csv')).toBe(await readFile(trainCsv, 'utf8'));
    expect(await s3Text(testEnv, 'experiments/sentry-first-5/validation/validation.csv')).toBe(
      await readFile(validationCsv, 'utf8'),
    );

    const create = testEnv.loopback.firstRequestFor('CreateTrainingJob');
    expect(create.status).toBe(200);
    expect(create.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(create.headers['x-amz-target']).toBe('SageMaker.CreateTrainingJob');
    const body = create.body;
    expect(body.TrainingJobName).toBe('sentry-first-5');
    // The image the SageMaker Python SDK resolves for xgboost 1.7-1 in the client's region (us-east-1).
    expect(body.AlgorithmSpecification).toEqual({ TrainingImage: US_EAST_1_IMAGE, TrainingInputMode: 'File' });
    expect(body.RoleArn).toBe(TEST_ROLE);
    expect(body.InputDataConfig).toEqual([
      {
        ChannelName: 'train',
        ContentType: 'text/csv',
        CompressionType: 'None',
        DataSource: {
          S3DataSource: {
            S3DataType: 'S3Prefix',
            S3Uri: `s3://${TEST_BUCKET}/experiments/sentry-first-5/train/`,
            S3DataDistributionType: 'FullyReplicated',
          },
        },
      },
      {
        ChannelName: 'validation',
        ContentType: 'text/csv',
        CompressionType: 'None',
        DataSource: {
          S3DataSource: {
            S3DataType: 'S3Prefix',
            S3Uri: `s3://${TEST_BUCKET}/experiments/sentry-first-5/validation/`,
            S3DataDistributionType: 'FullyReplicated',
          },
        },
      },
    ]);
    // On the wire every hyperparameter is a JSON string, as CreateTrainingJob requires.
    expect(body.HyperParameters).toEqual(SEED_HYPERPARAMETERS);
    expect(create.rawBody).toContain('"num_round":"50"');
    expect(body.OutputDataConfig).toEqual({ S3OutputPath: `s3://${TEST_BUCKET}/experiments` });
    expect(body.ResourceConfig).toEqual({ InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 });
    expect(body.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 86400 });
    expect(body.Tags).toEqual([{ Key: 'project', Value: 'sessionsentry' }]);
    expect(body.EnableManagedSpotTraining).toBeUndefined();
  });

  it('passes instance type and count, volume, max runtime and managed spot settings through', async () => {
    const testEnv = await start();
    const backend = backendFor(testEnv, {
      instanceType: 'ml.c5.2xlarge',
      instanceCount: 2,
      volumeSizeGb: 50,
      maxRuntimeSeconds: 1800,
      spot: { maxWaitSeconds: 3600 },
      region: 'eu-west-1',
      xgboostVersion: '3.0-5',
    });
    await backend.startTrainingJob({
      name: 'spot-job',
      channels: { train: trainCsv },
      hyperparameters: { num_round: '10' },
    });
    const body = testEnv.loopback.firstRequestFor('CreateTrainingJob').body;
    expect(body.ResourceConfig).toEqual({ InstanceType: 'ml.c5.2xlarge', InstanceCount: 2, VolumeSizeInGB: 50 });
    expect(body.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 1800, MaxWaitTimeInSeconds: 3600 });
    expect(body.EnableManagedSpotTraining).toBe(true);
    expect((body.InputDataConfig as unknown[]).length).toBe(1);
    // eu-west-1's account in the SDK's image config, with the 3.0-5 tag.
    expect((body.AlgorithmSpecification as { TrainingImage: string }).TrainingImage).toBe(
      '141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:3.0-5',
    );
  });

  it('uses the imageUri override for training and for the model', async () => {
    const testEnv = await start({ loopback: { trainingDescribes: 0 } });
    const imageUri = '123456789012.dkr.ecr.us-east-1.amazonaws.com/my-xgboost:latest';
    const backend = backendFor(testEnv, { imageUri });
    await backend.startTrainingJob({
      name: 'custom-image',
      channels: { train: trainCsv },
      hyperparameters: { num_round: '10' },
    });
    const outcome = await backend.waitForTrainingJob('custom-image');
    expect(outcome.status).toBe('Completed');
    await backend.createModel('custom-image', (outcome as { artifact: string }).artifact);
    expect(
      (testEnv.loopback.firstRequestFor('CreateTrainingJob').body.AlgorithmSpecification as { TrainingImage: string })
        .TrainingImage,
    ).toBe(imageUri);
    expect((testEnv.loopback.firstRequestFor('CreateModel').body.PrimaryContainer as { Image: string }).Image).toBe(
      imageUri,
    );
  });

  it('fails before uploading anything when the name or hyperparameters are ones SageMaker would refuse', async () => {
    const testEnv = await start();
    const backend = backendFor(testEnv);
    await expect(
      backend.startTrainingJob({ name: 'first_5', channels: { train: trainCsv }, hyperparameters: { num_round: '1' } }),
    ).rejects.toThrow(InvalidArgumentError);
    await expect(
      backend.startTrainingJob({ name: 'first-5', channels: { train: trainCsv }, hyperparameters: { max_depth: '5' } }),
    ).rejects.toThrow(/num_round/);
    expect(testEnv.s3server.commands).toEqual([]);
    expect(testEnv.loopback.requests).toEqual([]);
  });

  it('creates no job when aborted while the channels upload', async () => {
    const testEnv = await start();
    const backend = backendFor(testEnv);
    const controller = new AbortController();
    const started = backend.startTrainingJob(
      {
        name: 'job-aborted',
        channels: { train: trainCsv, validation: validationCsv },
        hyperparameters: SEED_HYPERPARAMETERS,
      },
      { signal: controller.signal, onState: (state) => state === 'Uploading' && controller.abort(new Error('Ctrl-C')) },
    );
    await expect(started).rejects.toThrow(RunAbortedError);
    expect(testEnv.loopback.requestsFor('CreateTrainingJob')).toEqual([]);
  });

  it('reports a completed job with ModelArtifacts.S3ModelArtifacts, its training seconds and every status change', async () => {
    const testEnv = await start({ loopback: { trainingDescribes: 2 } });
    const backend = backendFor(testEnv);
    await backend.startTrainingJob({
      name: 'job-ok',
      channels: { train: trainCsv },
      hyperparameters: SEED_HYPERPARAMETERS,
    });
    const seen: string[] = [];
    const outcome = await backend.waitForTrainingJob('job-ok', {
      onState: (state, detail) => seen.push(`${state}:${detail}`),
    });
    expect(outcome).toEqual({
      status: 'Completed',
      jobName: 'job-ok',
      artifact: `s3://${TEST_BUCKET}/experiments/job-ok/output/model.tar.gz`,
      seconds: 120,
    });
    expect(seen).toEqual(['InProgress:Starting', 'InProgress:Training', 'Completed:Completed']);
    // Three polls by the waiter (InProgress, InProgress, Completed), then the final status check.
    expect(testEnv.loopback.requestsFor('DescribeTrainingJob')).toHaveLength(4);
  });

  it('reports a job that ended Stopped (MaxRuntimeExceeded) as Stopped, although the SDK waiter counts Stopped as success', async () => {
    const testEnv = await start();
    testEnv.loopback.stopTrainingJobWith('job-slow', 'MaxRuntimeExceeded');
    const backend = backendFor(testEnv);
    await backend.startTrainingJob({
      name: 'job-slow',
      channels: { train: trainCsv },
      hyperparameters: SEED_HYPERPARAMETERS,
    });
    const outcome = await backend.waitForTrainingJob('job-slow');
    expect(outcome.status).toBe('Stopped');
    expect(outcome).toMatchObject({ jobName: 'job-slow', reason: expect.stringContaining('MaxRuntimeExceeded') });
    expect(outcome).not.toHaveProperty('artifact');
  });

  it("reports a failed job with SageMaker's FailureReason", async () => {
    const testEnv = await start();
    testEnv.loopback.failTrainingJob(
      'job-bad',
      'AlgorithmError: Failed to validate input data: label column 0 is not 0/1',
    );
    const backend = backendFor(testEnv);
    await backend.startTrainingJob({
      name: 'job-bad',
      channels: { train: trainCsv },
      hyperparameters: SEED_HYPERPARAMETERS,
    });
    expect(await backend.waitForTrainingJob('job-bad')).toMatchObject({
      status: 'Failed',
      jobName: 'job-bad',
      reason: 'AlgorithmError: Failed to validate input data: label column 0 is not 0/1',
    });
  });

  it('stops a running job, and treats stopping a finished or unknown job as done', async () => {
    const testEnv = await start({ loopback: { trainingDescribes: 1000 } });
    const backend = backendFor(testEnv);
    await backend.startTrainingJob({
      name: 'job-stop',
      channels: { train: trainCsv },
      hyperparameters: SEED_HYPERPARAMETERS,
    });
    await backend.stopTrainingJob('job-stop');
    expect(testEnv.loopback.trainingJobs.get('job-stop')!.status).toBe('Stopping');
    await backend.stopTrainingJob('job-stop');
    await backend.stopTrainingJob('never-created');
    expect(testEnv.loopback.requestsFor('StopTrainingJob').map((r) => r.status)).toEqual([200, 400, 400]);
  });

  it("rejects with RunAbortedError when the wait is aborted, leaving the job to the caller's clean-up", async () => {
    const testEnv = await start({ loopback: { trainingDescribes: 100_000 } });
    const backend = backendFor(testEnv);
    await backend.startTrainingJob({
      name: 'job-long',
      channels: { train: trainCsv },
      hyperparameters: SEED_HYPERPARAMETERS,
    });
    const controller = new AbortController();
    // Aborted once the wait has seen the job running (an event, not a delay that races the poll).
    const states: string[] = [];
    const onState = (state: string): void => {
      states.push(state);
      controller.abort(new Error('Ctrl-C'));
    };
    await expect(backend.waitForTrainingJob('job-long', { signal: controller.signal, onState })).rejects.toThrow(
      RunAbortedError,
    );
    expect(states).toEqual(['InProgress']);
    expect(testEnv.loopback.trainingJobs.get('job-long')!.status).toBe('InProgress');
  });

  it('reads the artifact SageMaker 1.7-1 writes (legacy binary in model.tar.gz) and scores locally exactly as XGBoost 1.7.4', async () => {
    let current: AwsTestEnv | undefined;
    const testEnv = await start({ loopback: { onTrainingJobCompleted: artifactWriter(() => current) } });
    current = testEnv;
    const backend = backendFor(testEnv);
    await backend.startTrainingJob({
      name: 'job-artifact',
      channels: { train: trainCsv },
      hyperparameters: SEED_HYPERPARAMETERS,
    });
    const outcome = await backend.waitForTrainingJob('job-artifact');
    if (outcome.status !== 'Completed') throw new Error(`expected Completed, got ${outcome.status}`);
    expect(Buffer.from(await backend.downloadArtifact(outcome.artifact)).equals(Buffer.from(fixture.tarGz))).toBe(true);
    const booster = await backend.loadModel(outcome.artifact);
    const data = Float64Array.from(fixture.rows.flatMap((row) => row.split(',').map(Number)));
    const scores = booster.predict({ data, rows: fixture.rows.length, columns: 4 });
    // predictions.csv: XGBoost 1.7.4's float32 probabilities for the same rows.
    expect(Array.from(scores)).toEqual(Array.from(fixture.prob));
  });
});

describe('SageMakerBackend.loadModel on artifacts of other image versions', () => {
  it('refuses the Python pickle of images 0.90-x to 1.2-x with UnsupportedArtifactError instead of misreading it', async () => {
    const testEnv = await start();
    // pickle.dumps({}, protocol=4) in Python 3: PROTO 4, EMPTY_DICT, MEMOIZE, STOP.
    const pickle = new Uint8Array([0x80, 0x04, 0x7d, 0x94, 0x2e]);
    const key = 'experiments/old-job/output/model.tar.gz';
    await testEnv.s3server.s3.send(
      new PutObjectCommand({
        Bucket: TEST_BUCKET,
        Key: key,
        Body: writeTarGz([{ name: 'xgboost-model', data: pickle }]),
      }),
    );
    const error = await backendFor(testEnv)
      .loadModel(`s3://${TEST_BUCKET}/${key}`)
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(UnsupportedArtifactError);
    expect((error as Error).message).toContain(`s3://${TEST_BUCKET}/${key}:xgboost-model: is a Python pickle`);
  });
});

describe('SageMakerBackend retries and throttling', () => {
  it('retries CreateTrainingJob through ThrottlingException (400) and InternalFailure (500) with the adaptive retry mode', async () => {
    const testEnv = await start({ maxAttempts: 5 });
    testEnv.loopback.inject('CreateTrainingJob', THROTTLING, 2);
    testEnv.loopback.inject('CreateTrainingJob', INTERNAL_FAILURE, 1);
    const backend = backendFor(testEnv);
    await backend.startTrainingJob({
      name: 'job-retried',
      channels: { train: trainCsv },
      hyperparameters: SEED_HYPERPARAMETERS,
    });
    const creates = testEnv.loopback.requestsFor('CreateTrainingJob');
    expect(creates.map((r) => r.status)).toEqual([400, 400, 500, 200]);
    expect(creates.map((r) => r.headers['amz-sdk-request'])).toEqual([
      'attempt=1; max=5',
      'attempt=2; max=5',
      'attempt=3; max=5',
      'attempt=4; max=5',
    ]);
    expect(testEnv.loopback.trainingJobs.size).toBe(1);
  });

  it('treats ResourceInUse on a retried CreateTrainingJob as its own job, when the first attempt reached SageMaker but its answer was lost', async () => {
    const testEnv = await start();
    testEnv.loopback.failAfterApplying('CreateTrainingJob', INTERNAL_FAILURE);
    const backend = backendFor(testEnv);
    await backend.startTrainingJob({
      name: 'job-lost-answer',
      channels: { train: trainCsv },
      hyperparameters: SEED_HYPERPARAMETERS,
    });
    expect(testEnv.loopback.requestsFor('CreateTrainingJob').map((r) => r.status)).toEqual([500, 400]);
    expect((await backend.waitForTrainingJob('job-lost-answer')).status).toBe('Completed');
  });

  it('reports ResourceInUse on a first attempt (a name already used) as an error', async () => {
    const testEnv = await start();
    const backend = backendFor(testEnv);
    const spec = { name: 'job-twice', channels: { train: trainCsv }, hyperparameters: SEED_HYPERPARAMETERS };
    await backend.startTrainingJob(spec);
    await expect(backend.startTrainingJob(spec)).rejects.toMatchObject({
      operation: 'CreateTrainingJob',
      awsErrorName: 'ResourceInUse',
    });
  });

  it('keeps polling through throttled and unavailable Describe calls', async () => {
    const testEnv = await start({ maxAttempts: 2 });
    const backend = backendFor(testEnv);
    await backend.startTrainingJob({
      name: 'job-polled',
      channels: { train: trainCsv },
      hyperparameters: SEED_HYPERPARAMETERS,
    });
    // More failures than one call's attempts: the waiter itself must poll again.
    testEnv.loopback.inject('DescribeTrainingJob', THROTTLING, 2);
    testEnv.loopback.inject('DescribeTrainingJob', SERVICE_UNAVAILABLE, 1);
    const outcome = await backend.waitForTrainingJob('job-polled');
    expect(outcome.status).toBe('Completed');
    expect(
      testEnv.loopback
        .requestsFor('DescribeTrainingJob')
        .slice(0, 3)
        .map((r) => r.status),
    ).toEqual([400, 400, 503]);
  });

  it('gives up after maxAttempts with an AwsRequestError naming the operation, resource, error, status and attempts', async () => {
    const testEnv = await start({ maxAttempts: 2 });
    testEnv.loopback.inject('CreateModel', THROTTLING, 2);
    const backend = backendFor(testEnv);
    const error = await backend
      .createModel('model-x', `s3://${TEST_BUCKET}/experiments/x/output/model.tar.gz`)
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(AwsRequestError);
    expect(error).toMatchObject({
      code: 'ERR_AWS_REQUEST',
      operation: 'CreateModel',
      resource: 'model-x',
      awsErrorName: 'ThrottlingException',
      httpStatus: 400,
      attempts: 2,
    });
    expect((error as Error).message).toBe(
      'CreateModel "model-x" failed after 2 attempts: ThrottlingException HTTP 400: Rate exceeded',
    );
    expect(testEnv.loopback.requestsFor('CreateModel')).toHaveLength(2);
  });

  it("does not retry a ValidationException and reports SageMaker's message", async () => {
    const testEnv = await start();
    const backend = backendFor(testEnv);
    const error = await backend.createEndpoint('ep-orphan', 'no-such-model').catch((err: unknown) => err);
    expect(error).toMatchObject({
      operation: 'CreateEndpointConfig',
      awsErrorName: 'ValidationException',
      attempts: 1,
    });
    expect((error as Error).message).toContain('Could not find model');
    expect(testEnv.loopback.requestsFor('CreateEndpointConfig')).toHaveLength(1);
  });
});

describe('SageMakerBackend models and endpoints', () => {
  async function trainedModel(_testEnv: AwsTestEnv, backend: SageMakerBackend, name: string): Promise<string> {
    await backend.startTrainingJob({ name, channels: { train: trainCsv }, hyperparameters: SEED_HYPERPARAMETERS });
    const outcome = await backend.waitForTrainingJob(name);
    if (outcome.status !== 'Completed') throw new Error(`training ${name} ended ${outcome.status}`);
    await backend.createModel(name, outcome.artifact);
    return outcome.artifact;
  }

  it('creates a model (image, model.tar.gz, role), an endpoint config with one variant and the endpoint', async () => {
    const testEnv = await start();
    const backend = backendFor(testEnv, { tags: { project: 'sessionsentry' } });
    const artifact = await trainedModel(testEnv, backend, 'job-a');
    await backend.createEndpoint('job-a', 'job-a');
    expect(testEnv.loopback.firstRequestFor('CreateModel').body).toEqual({
      ModelName: 'job-a',
      PrimaryContainer: { Image: US_EAST_1_IMAGE, ModelDataUrl: artifact },
      ExecutionRoleArn: TEST_ROLE,
      Tags: [{ Key: 'project', Value: 'sessionsentry' }],
    });
    expect(testEnv.loopback.firstRequestFor('CreateEndpointConfig').body).toEqual({
      EndpointConfigName: 'job-a',
      ProductionVariants: [
        {
          VariantName: 'AllTraffic',
          ModelName: 'job-a',
          InstanceType: 'ml.t2.medium',
          InitialInstanceCount: 1,
          InitialVariantWeight: 1,
        },
      ],
      Tags: [{ Key: 'project', Value: 'sessionsentry' }],
    });
    expect(testEnv.loopback.firstRequestFor('CreateEndpoint').body).toEqual({
      EndpointName: 'job-a',
      EndpointConfigName: 'job-a',
      Tags: [{ Key: 'project', Value: 'sessionsentry' }],
    });
    const states: ResourceState[] = [];
    expect(await backend.waitForEndpoint('job-a', { onState: (state) => states.push(state) })).toEqual({
      status: 'InService',
      endpointName: 'job-a',
    });
    expect(states).toEqual(['Creating', 'InService']);
  });

  it('takes the endpoint instance type and count from the call, else from endpointInstanceType', async () => {
    const testEnv = await start();
    const backend = backendFor(testEnv, { endpointInstanceType: 'ml.m5.large' });
    await trainedModel(testEnv, backend, 'job-b');
    await backend.createEndpoint('job-b', 'job-b');
    await backend.createEndpoint('job-b2', 'job-b', { instanceType: 'ml.c5.xlarge', instanceCount: 2 });
    const variants = testEnv.loopback
      .requestsFor('CreateEndpointConfig')
      .map((r) => (r.body.ProductionVariants as Record<string, unknown>[])[0]);
    expect(variants.map((v) => [v?.InstanceType, v?.InitialInstanceCount])).toEqual([
      ['ml.m5.large', 1],
      ['ml.c5.xlarge', 2],
    ]);
  });

  it('reports a failed endpoint with its FailureReason instead of throwing', async () => {
    const testEnv = await start();
    testEnv.loopback.failEndpoint(
      'job-c',
      'The primary container for production variant AllTraffic did not pass the ping health check.',
    );
    const backend = backendFor(testEnv);
    await trainedModel(testEnv, backend, 'job-c');
    await backend.createEndpoint('job-c', 'job-c');
    expect(await backend.waitForEndpoint('job-c')).toEqual({
      status: 'Failed',
      endpointName: 'job-c',
      reason: 'The primary container for production variant AllTraffic did not pass the ping health check.',
    });
  });

  it('gives up waiting after maxWaitSeconds with a WaitTimeoutError', async () => {
    const testEnv = await start({ loopback: { endpointDescribes: 1_000_000 } });
    const backend = backendFor(testEnv, { maxWaitSeconds: 1, pollDelaySeconds: 0.05, maxPollDelaySeconds: 0.1 });
    await trainedModel(testEnv, backend, 'job-d');
    await backend.createEndpoint('job-d', 'job-d');
    const error = await backend.waitForEndpoint('job-d').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as Error).message).toBe(
      'waiting for endpoint "job-d" timed out after 1 s (last status Creating; expected a final status)',
    );
  });

  it('deletes an endpoint, waits until it is gone, then deletes its config; deleting again is a no-op', async () => {
    const testEnv = await start({ loopback: { deleteDescribes: 2 } });
    const backend = backendFor(testEnv);
    await trainedModel(testEnv, backend, 'job-e');
    await backend.createEndpoint('job-e', 'job-e');
    await backend.waitForEndpoint('job-e');
    await backend.deleteEndpoint('job-e');
    expect(testEnv.loopback.endpoints.has('job-e')).toBe(false);
    expect(testEnv.loopback.live().endpointConfigs).toEqual([]);
    const afterDelete = testEnv.loopback.requests.slice(
      testEnv.loopback.requests.findIndex((r) => r.operation === 'DeleteEndpoint'),
    );
    // Deleting, Deleting, then "Could not find endpoint" (waitUntilEndpointDeleted's success), then the config.
    expect(afterDelete.map((r) => `${r.operation}:${r.status}`)).toEqual([
      'DeleteEndpoint:200',
      'DescribeEndpoint:200',
      'DescribeEndpoint:200',
      'DescribeEndpoint:400',
      'DeleteEndpointConfig:200',
    ]);
    await backend.deleteEndpoint('job-e');
    await backend.deleteModel('job-e');
    await backend.deleteModel('job-e');
    expect(testEnv.loopback.live()).toEqual({ endpoints: [], endpointConfigs: [], models: [] });
  });

  it('deletes an endpoint that is still Creating once it settles, since SageMaker refuses to delete it before', async () => {
    const testEnv = await start({ loopback: { endpointDescribes: 5 } });
    const backend = backendFor(testEnv);
    await trainedModel(testEnv, backend, 'job-early');
    await backend.createEndpoint('job-early', 'job-early');
    await backend.deleteEndpoint('job-early');
    expect(testEnv.loopback.requestsFor('DeleteEndpoint').map((r) => r.status)).toEqual([400, 200]);
    expect(testEnv.loopback.live().endpoints).toEqual([]);
    expect(testEnv.loopback.live().endpointConfigs).toEqual([]);
  });

  it('deletes the endpoint config again when CreateEndpoint fails', async () => {
    const testEnv = await start();
    const backend = backendFor(testEnv);
    await trainedModel(testEnv, backend, 'job-f');
    testEnv.loopback.inject('CreateEndpoint', {
      status: 400,
      type: 'ResourceLimitExceeded',
      message: 'The account-level service limit ml.t2.medium for endpoint usage is 0 Instances.',
    });
    const error = await backend.createEndpoint('job-f', 'job-f').catch((err: unknown) => err);
    expect(error).toMatchObject({ operation: 'CreateEndpoint', awsErrorName: 'ResourceLimitExceeded' });
    expect(testEnv.loopback.live().endpointConfigs).toEqual([]);
    expect(testEnv.loopback.deleted.endpointConfigs).toEqual(['job-f']);
  });
});

describe('SageMakerBackend invocations (real SageMakerRuntimeClient)', () => {
  const servers: EndpointServer[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
  });
  async function servedFixture(): Promise<EndpointServer> {
    const server = new EndpointServer().addEndpoint('sentry-ep', Booster.fromTarGz(fixture.tarGz));
    servers.push(server);
    await server.listen();
    return server;
  }

  it("scores rows on the library's endpoint server hosting the SageMaker 1.7-1 artifact, matching XGBoost 1.7.4", async () => {
    const server = await servedFixture();
    const testEnv = await start({ runtimeUrl: server.url });
    const backend = backendFor(testEnv);
    const scores = await backend.invokeEndpoint('sentry-ep', `${fixture.rows.join('\n')}\n`);
    expect(Array.from(scores)).toEqual(Array.from(fixture.prob));
  });

  it('splits a payload above maxPayloadBytes into several InvokeEndpoint calls and keeps row order', async () => {
    const server = await servedFixture();
    const testEnv = await start({ runtimeUrl: server.url });
    const backend = backendFor(testEnv, { maxPayloadBytes: 512 });
    const before = server.stats.requests;
    const scores = await backend.invokeEndpoint('sentry-ep', `${fixture.rows.join('\n')}\n`);
    expect(server.stats.requests - before).toBeGreaterThan(2);
    expect(Array.from(scores)).toEqual(Array.from(fixture.prob));
  });

  it("reports a container error (wrong column count) as EndpointInvocationError with the container's status", async () => {
    const server = await servedFixture();
    const testEnv = await start({ runtimeUrl: server.url });
    const backend = backendFor(testEnv);
    const error = await backend.invokeEndpoint('sentry-ep', '1,2,3,4,5,6\n').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(EndpointInvocationError);
    expect((error as EndpointInvocationError).status).toBe(400);
  });

  it('reads the comma-separated answer of older images sent with text/csv, as the request asked', async () => {
    const testEnv = await start({
      loopback: {
        endpointDescribes: 0,
        // An older image: ",".join of the scores; here each score is the row's first feature / 10.
        invoke: (_name, body) => ({
          status: 200,
          contentType: 'text/csv; charset=utf-8',
          body: body
            .trim()
            .split('\n')
            .map((line) => String(Number(line.split(',')[0]) / 10))
            .join(','),
        }),
      },
    });
    const backend = backendFor(testEnv);
    await backend.startTrainingJob({
      name: 'job-g',
      channels: { train: trainCsv },
      hyperparameters: SEED_HYPERPARAMETERS,
    });
    await backend.createModel('job-g', ((await backend.waitForTrainingJob('job-g')) as { artifact: string }).artifact);
    await backend.createEndpoint('job-g', 'job-g');
    await backend.waitForEndpoint('job-g');
    const scores = await backend.invokeEndpoint('job-g', '3,1,0,2\n5,0,0,1\n7,2,1,0\n');
    expect(Array.from(scores)).toEqual([0.3, 0.5, 0.7]);
    const invoke = testEnv.loopback.firstRequestFor('InvokeEndpoint');
    expect(invoke.headers['content-type']).toBe('text/csv');
    expect(invoke.headers.accept).toBe('text/csv');
  });

  it('reports an endpoint that does not exist or is not in service as ResourceStateError, as the local backend does', async () => {
    const testEnv = await start();
    const backend = backendFor(testEnv);
    const error = await backend.invokeEndpoint('never-deployed', '1,2,3,4\n').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ResourceStateError);
    // The runtime's ValidationError text, as users report it (aws/amazon-sagemaker-examples#559).
    expect((error as Error).message).toContain('Endpoint never-deployed of account 123456789012 not found.');
  });

  it('rejects an answer with fewer scores than rows with PredictionCountError', async () => {
    const testEnv = await start({
      loopback: { endpointDescribes: 0, invoke: () => ({ status: 200, contentType: 'text/csv', body: '0.5\n' }) },
    });
    const backend = backendFor(testEnv);
    await backend.startTrainingJob({
      name: 'job-h',
      channels: { train: trainCsv },
      hyperparameters: SEED_HYPERPARAMETERS,
    });
    await backend.createModel('job-h', ((await backend.waitForTrainingJob('job-h')) as { artifact: string }).artifact);
    await backend.createEndpoint('job-h', 'job-h');
    await backend.waitForEndpoint('job-h');
    const error = await backend.invokeEndpoint('job-h', '1,2,3,4\n5,6,7,8\n').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(PredictionCountError);
    expect(error).toMatchObject({ expected: 2, actual: 1 });
  });
});

describe('SageMakerBackend batch transform', () => {
  /**
   * Plays the batch container: scores every input object with the fixture model and writes `<name>.out`,
   * newline-separated.
   */
  function transformWriter(getEnv: () => AwsTestEnv | undefined): LoopbackSageMakerOptions['onTransformJobCompleted'] {
    const booster = Booster.fromTarGz(fixture.tarGz);
    return async (job) => {
      const s3 = getEnv()!.s3server.s3;
      const input = (job.request.TransformInput as { DataSource: { S3DataSource: { S3Uri: string } } }).DataSource
        .S3DataSource.S3Uri;
      const output = (job.request.TransformOutput as { S3OutputPath: string }).S3OutputPath;
      const [, bucket, prefix] = /^s3:\/\/([^/]+)\/(.*)$/.exec(input)!;
      const [, outBucket, outPrefix] = /^s3:\/\/([^/]+)\/(.*)$/.exec(output)!;
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
      for (const object of listed.Contents ?? []) {
        const text = await (
          await s3.send(new GetObjectCommand({ Bucket: bucket, Key: object.Key! }))
        ).Body!.transformToString();
        const lines = text.trim().split('\n');
        const data = Float64Array.from(lines.flatMap((line) => line.split(',').map(Number)));
        const scores = booster.predict({ data, rows: lines.length, columns: 4 });
        const body = `${Array.from(scores, String).join('\n')}\n`;
        await s3.send(
          new PutObjectCommand({
            Bucket: outBucket,
            Key: `${outPrefix}/${path.basename(object.Key!)}.out`,
            Body: body,
          }),
        );
      }
    };
  }

  it('uploads the input, runs a line-split text/csv transform job, downloads <file>.out and checks one score per row', async () => {
    let current: AwsTestEnv | undefined;
    const testEnv = await start({ loopback: { onTransformJobCompleted: transformWriter(() => current) } });
    current = testEnv;
    const backend = backendFor(testEnv);
    await backend.startTrainingJob({
      name: 'job-t',
      channels: { train: trainCsv },
      hyperparameters: SEED_HYPERPARAMETERS,
    });
    await backend.createModel('job-t', ((await backend.waitForTrainingJob('job-t')) as { artifact: string }).artifact);
    const outDir = path.join(dir, 'scores');
    const outcome = await backend.batchTransform({
      jobName: 'job-t-bt1',
      modelName: 'job-t',
      input: featuresCsv,
      outputDir: outDir,
    });
    expect(outcome).toEqual({ status: 'Completed', output: path.join(outDir, 'testday.csv.out'), rows: 200 });
    const scores = (await readFile(outcome.output, 'utf8')).trim().split('\n').map(Number);
    expect(scores).toEqual(Array.from(fixture.prob));
    expect(await backend.downloadArtifact(outcome.output)).toEqual(new Uint8Array(await readFile(outcome.output)));
    const request = testEnv.loopback.firstRequestFor('CreateTransformJob').body;
    expect(request).toMatchObject({
      TransformJobName: 'job-t-bt1',
      ModelName: 'job-t',
      BatchStrategy: 'MultiRecord',
      MaxPayloadInMB: 6,
      TransformInput: {
        DataSource: {
          S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://${TEST_BUCKET}/experiments/job-t-bt1/transform-input/` },
        },
        ContentType: 'text/csv',
        SplitType: 'Line',
      },
      TransformOutput: {
        S3OutputPath: `s3://${TEST_BUCKET}/experiments/job-t-bt1/transform-output`,
        Accept: 'text/csv',
        AssembleWith: 'Line',
      },
      TransformResources: { InstanceType: 'ml.m5.large', InstanceCount: 1 },
    });
  });

  it('writes to an s3:// outputDir and returns the S3 URI of the .out file', async () => {
    let current: AwsTestEnv | undefined;
    const testEnv = await start({ loopback: { onTransformJobCompleted: transformWriter(() => current) } });
    current = testEnv;
    const backend = backendFor(testEnv);
    await backend.startTrainingJob({
      name: 'job-u',
      channels: { train: trainCsv },
      hyperparameters: SEED_HYPERPARAMETERS,
    });
    await backend.createModel('job-u', ((await backend.waitForTrainingJob('job-u')) as { artifact: string }).artifact);
    const outcome = await backend.batchTransform({
      jobName: 'job-u-bt1',
      modelName: 'job-u',
      input: featuresCsv,
      outputDir: `s3://${TEST_BUCKET}/scores/`,
    });
    expect(outcome).toEqual({ status: 'Completed', output: `s3://${TEST_BUCKET}/scores/testday.csv.out`, rows: 200 });
    const text = new TextDecoder().decode(await backend.downloadArtifact(outcome.output));
    expect(text.trim().split('\n').map(Number)).toEqual(Array.from(fixture.prob));
  });

  it('reports a failed transform job with its FailureReason', async () => {
    const testEnv = await start();
    testEnv.loopback.failTransformJob('job-v-bt1', 'ClientError: See job logs for more information');
    const backend = backendFor(testEnv);
    await backend.startTrainingJob({
      name: 'job-v',
      channels: { train: trainCsv },
      hyperparameters: SEED_HYPERPARAMETERS,
    });
    await backend.createModel('job-v', ((await backend.waitForTrainingJob('job-v')) as { artifact: string }).artifact);
    expect(
      await backend.batchTransform({ jobName: 'job-v-bt1', modelName: 'job-v', input: featuresCsv, outputDir: dir }),
    ).toMatchObject({
      status: 'Failed',
      reason: 'ClientError: See job logs for more information',
    });
  });
});

describe('SageMakerBackend.deleteTaggedResources (leftovers of runs killed before their clean-up)', () => {
  const artifact = `s3://${TEST_BUCKET}/experiments/old/output/model.tar.gz`;

  async function leftovers(testEnv: AwsTestEnv): Promise<{ run1: SageMakerBackend; cut: Date }> {
    const run1 = backendFor(testEnv, { tags: { project: 'sessionsentry', run: 'r1' } });
    const run2 = backendFor(testEnv, { tags: { project: 'sessionsentry', run: 'r2' } });
    const untagged = backendFor(testEnv);
    await run1.createModel('r1-m1', artifact);
    await run1.createEndpoint('r1-e1', 'r1-m1');
    await run1.waitForEndpoint('r1-e1');
    await run1.createModel('r1-m2', artifact);
    await testEnv.clients.sagemaker.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: 'r1-c2',
        ProductionVariants: [
          { VariantName: 'AllTraffic', ModelName: 'r1-m2', InstanceType: 'ml.t2.medium', InitialInstanceCount: 1 },
        ],
        Tags: [
          { Key: 'project', Value: 'sessionsentry' },
          { Key: 'run', Value: 'r1' },
        ],
      }),
    );
    await run2.createModel('r2-m3', artifact);
    await untagged.createModel('m4', artifact);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const cut = new Date();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await run1.createModel('r1-m5', artifact);
    return { run1, cut };
  }

  it('deletes the endpoints, configs and models carrying every tag, created before the cut-off, across list pages', async () => {
    const testEnv = await start({ loopback: { pageSize: 2 } });
    const { run1, cut } = await leftovers(testEnv);
    const found = await run1.deleteTaggedResources({ createdBefore: cut });
    expect(found).toEqual({ endpoints: ['r1-e1'], endpointConfigs: ['r1-e1', 'r1-c2'], models: ['r1-m1', 'r1-m2'] });
    expect(testEnv.loopback.live()).toEqual({ endpoints: [], endpointConfigs: [], models: ['r2-m3', 'm4', 'r1-m5'] });
    expect(testEnv.loopback.requestsFor('ListModels').length).toBeGreaterThan(1);
  });

  it('only lists in a dry run, and refuses an empty tag set that would match the whole account', async () => {
    const testEnv = await start();
    const { run1 } = await leftovers(testEnv);
    const found = await run1.deleteTaggedResources({ dryRun: true, nameContains: 'r1-' });
    expect(found).toEqual({
      endpoints: ['r1-e1'],
      endpointConfigs: ['r1-e1', 'r1-c2'],
      models: ['r1-m1', 'r1-m2', 'r1-m5'],
    });
    expect(testEnv.loopback.requests.filter((r) => r.operation.startsWith('Delete'))).toEqual([]);
    await expect(backendFor(testEnv).deleteTaggedResources()).rejects.toThrow(/tags must be at least one tag/);
  });
});

describe('SageMakerBackend construction and clients', () => {
  it('creates its own clients with the adaptive retry mode and the configured maxAttempts, and closes them', async () => {
    const backend = new SageMakerBackend({ role: TEST_ROLE, bucket: TEST_BUCKET, region: 'eu-west-1', maxAttempts: 7 });
    expect(await backend.sagemaker.config.retryStrategy()).toHaveProperty('mode', 'adaptive');
    expect(await backend.sagemaker.config.maxAttempts()).toBe(7);
    expect(await backend.runtime.config.retryStrategy()).toHaveProperty('mode', 'adaptive');
    expect(await backend.s3.config.retryStrategy()).toHaveProperty('mode', 'adaptive');
    expect(await backend.imageUri()).toBe('141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1');
    await backend.close();
  });

  it('takes the image region from the injected client, and says so plainly when no region is configured', async () => {
    const fromClient = new SageMakerClient({ region: 'ap-northeast-1' });
    const backend = new SageMakerBackend({
      role: TEST_ROLE,
      bucket: TEST_BUCKET,
      sagemaker: fromClient,
      runtime: {} as SageMakerRuntimeClient,
      s3: {} as S3Client,
    });
    expect(await backend.imageUri()).toBe('354813040037.dkr.ecr.ap-northeast-1.amazonaws.com/sagemaker-xgboost:1.7-1');
    const noRegion = new SageMakerClient({
      region: async () => {
        throw new Error('Region is missing');
      },
    });
    const lost = new SageMakerBackend({
      role: TEST_ROLE,
      bucket: TEST_BUCKET,
      sagemaker: noRegion,
      runtime: {} as SageMakerRuntimeClient,
      s3: {} as S3Client,
    });
    await expect(lost.imageUri()).rejects.toThrow(
      /SageMakerBackend: region must be set to choose the built-in XGBoost image/,
    );
    fromClient.destroy();
    noRegion.destroy();
  });

  it('createSageMakerClients applies region, endpoints and path-style addressing', async () => {
    const clients = createSageMakerClients({
      region: 'ap-south-1',
      endpoints: { s3: 'http://127.0.0.1:9' },
      forcePathStyle: true,
    });
    expect(await clients.sagemaker.config.region()).toBe('ap-south-1');
    expect(clients.s3.config.forcePathStyle).toBe(true);
    for (const client of Object.values(clients)) client.destroy();
    expect(() => createSageMakerClients({ maxAttempts: 0 })).toThrow(/maxAttempts must be a positive integer, got 0/);
  });

  it('rejects a bad role, bucket, version, size or spot setting when constructed, before anything is uploaded', () => {
    const clients = { sagemaker: undefined, runtime: undefined, s3: undefined };
    const base = { role: TEST_ROLE, bucket: TEST_BUCKET, region: 'us-east-1', ...clients };
    expect(() => new SageMakerBackend({ ...base, role: 'my-role' })).toThrow(
      /SageMakerBackend: role must be an IAM role ARN/,
    );
    expect(() => new SageMakerBackend({ ...base, bucket: 'No_Such' })).toThrow(/bucket/);
    expect(() => new SageMakerBackend({ ...base, xgboostVersion: '1.7' })).toThrow(ImageUriError);
    expect(() => new SageMakerBackend({ ...base, region: 'moon-1' })).toThrow(/region "moon-1"/);
    expect(() => new SageMakerBackend({ ...base, maxRuntimeSeconds: 3600, spot: { maxWaitSeconds: 60 } })).toThrow(
      /spot\.maxWaitSeconds/,
    );
    expect(
      () => new SageMakerBackend({ ...base, spot: { maxWaitSeconds: 90_000, checkpointS3Uri: 'bucket/ckpt' } }),
    ).toThrow(/spot\.checkpointS3Uri/);
    expect(() => new SageMakerBackend({ ...base, volumeSizeGb: 0 })).toThrow(
      /SageMakerBackend: volumeSizeGb must be a positive integer, got 0/,
    );
  });
});
