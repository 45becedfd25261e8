import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Booster } from '../../src/model/booster.js';
import { SageMakerBackend } from '../../src/sagemaker/sagemaker-backend.js';
import { buildTuningJobRequest, type TuningJobRequestOptions } from '../../src/sagemaker/tuning-job-request.js';
import { XGBOOST_TUNING_METRICS } from '../../src/sagemaker/xgboost-container-hyperparameters.js';
import { RunAbortedError } from '../../src/train/train-errors.js';
import { TrainRunner } from '../../src/train/train-runner.js';
import { SearchSpaceError } from '../../src/tune/search-space.js';
import { startAwsTestEnv, TEST_BUCKET, TEST_ROLE, type AwsTestEnv } from './aws-test-env.js';
import type { LoopbackSageMakerOptions } from './loopback-sagemaker-server.js';
import { loadServiceModel, validateRequest } from './service-model.js';
import { loadArtifactFixture } from './xgboost-fixture.js';

/**
 * SageMaker hyperparameter tuning for the built-in XGBoost from the library's own search-space
 * type: the request checked against botocore's service model (ranges as strings, scaling types,
 * the 32-character name), the hyperparameters and metrics against the container's own lists
 * (aws/sagemaker-xgboost-container: hyperparameter_validation.py, metrics.py), the real
 * SageMakerClient against the loopback control plane (which plays the trials), s3rver for S3.
 */

const fixture = loadArtifactFixture();
const booster = Booster.fromTarGz(fixture.tarGz);
const testRows = `${fixture.rows.join('\n')}\n`;
const sagemakerModel = loadServiceModel('sagemaker');
const IMAGE = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1';

let dir: string;
let train: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sentry-tuning-'));
  train = path.join(dir, 'train.csv');
  await writeFile(train, `${fixture.labelledRows.join('\n')}\n`);
});
afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

let env: AwsTestEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

const base: TuningJobRequestOptions = {
  tuningJobName: 'sentry-tune-1',
  imageUri: IMAGE,
  role: TEST_ROLE,
  channels: { train: `s3://${TEST_BUCKET}/t/train/`, validation: `s3://${TEST_BUCKET}/t/validation/` },
  outputPath: `s3://${TEST_BUCKET}/t`,
  hyperparameters: { num_round: '50', objective: 'binary:logistic', max_depth: '5' },
  space: {
    max_depth: { min: 3, max: 8 },
    eta: { min: 0.01, max: 0.3, scale: 'log' },
    subsample: { min: 0.5, max: 1 },
    tree_method: ['exact', 'hist'],
  },
  maxJobs: 10,
  maxParallelJobs: 3,
};

describe('buildTuningJobRequest', () => {
  it('maps the search space onto integer, continuous (log scale: Logarithmic) and categorical ranges, the rest static, in a request the service model accepts', () => {
    const input = buildTuningJobRequest(base);
    const config = input.HyperParameterTuningJobConfig!;
    expect(config.ParameterRanges).toEqual({
      IntegerParameterRanges: [{ Name: 'max_depth', MinValue: '3', MaxValue: '8', ScalingType: 'Linear' }],
      ContinuousParameterRanges: [
        { Name: 'eta', MinValue: '0.01', MaxValue: '0.3', ScalingType: 'Logarithmic' },
        { Name: 'subsample', MinValue: '0.5', MaxValue: '1', ScalingType: 'Linear' },
      ],
      CategoricalParameterRanges: [{ Name: 'tree_method', Values: ['exact', 'hist'] }],
    });
    expect(config.HyperParameterTuningJobObjective).toEqual({ Type: 'Maximize', MetricName: 'validation:auc' });
    expect(config.ResourceLimits).toEqual({ MaxNumberOfTrainingJobs: 10, MaxParallelTrainingJobs: 3 });
    expect(config.Strategy).toBe('Bayesian');
    // max_depth is searched, so its static value is not sent.
    expect(input.TrainingJobDefinition?.StaticHyperParameters).toEqual({
      num_round: '50',
      objective: 'binary:logistic',
    });
    // The built-in image: SageMaker knows its metrics and refuses definitions for it.
    expect(input.TrainingJobDefinition?.AlgorithmSpecification).toEqual({
      TrainingImage: IMAGE,
      TrainingInputMode: 'File',
    });
    if (sagemakerModel !== undefined)
      expect(validateRequest(sagemakerModel, 'CreateHyperParameterTuningJob', input)).toEqual([]);
  });

  it("minimizes the container's loss metrics, sends an alias under the container's name, and defines the metric for a custom image", () => {
    const input = buildTuningJobRequest({
      ...base,
      objectiveMetric: 'validation:logloss',
      space: { learning_rate: { min: 0.05, max: 0.5 } },
      customImage: true,
    });
    expect(input.HyperParameterTuningJobConfig?.HyperParameterTuningJobObjective).toEqual({
      Type: 'Minimize',
      MetricName: 'validation:logloss',
    });
    expect(input.HyperParameterTuningJobConfig?.ParameterRanges?.ContinuousParameterRanges?.[0]?.Name).toBe('eta');
    // The container's own metric definition (metrics.py): CloudWatch shows the tabs as #011.
    expect(input.TrainingJobDefinition?.AlgorithmSpecification?.MetricDefinitions).toEqual([
      { Name: 'validation:logloss', Regex: '.*\\[[0-9]+\\].*#011validation-logloss:(\\S+)' },
    ]);
    expect(XGBOOST_TUNING_METRICS['validation:auc']).toBe('Maximize');
    expect(XGBOOST_TUNING_METRICS['validation:error']).toBe('Minimize');
  });

  it('refuses a hyperparameter the container does not take, a metric it does not emit, and a name over 32 characters', () => {
    // num_boost_round is xgb.train's argument; the container only knows num_round.
    const error = (() => {
      try {
        buildTuningJobRequest({ ...base, space: { num_boost_round: { min: 10, max: 100 } } });
      } catch (err) {
        return err;
      }
    })();
    expect(error).toBeInstanceOf(SearchSpaceError);
    expect(error).toMatchObject({ hyperparameter: 'num_boost_round' });
    expect((error as Error).message).toContain("is not a hyperparameter of SageMaker's built-in XGBoost container");
    expect(() => buildTuningJobRequest({ ...base, objectiveMetric: 'validation:brier' })).toThrow(/objectiveMetric/);
    expect(() => buildTuningJobRequest({ ...base, tuningJobName: 'a'.repeat(33) })).toThrow(/1-32 letters/);
    expect(() => buildTuningJobRequest({ ...base, maxParallelJobs: 11 })).toThrow(/maxParallelJobs/);
  });
});

describe('SageMakerBackend tuning jobs', () => {
  async function start(loopback: LoopbackSageMakerOptions = {}): Promise<AwsTestEnv> {
    let current: AwsTestEnv | undefined;
    current = await startAwsTestEnv({
      loopback: {
        onTrainingJobCompleted: async (job) => {
          const [, bucket, key] = /^s3:\/\/([^/]+)\/(.*)$/.exec(job.artifact)!;
          await current!.s3server.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: fixture.tarGz }));
        },
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
      prefix: 'tuning',
      ...testEnv.clients,
      pollDelaySeconds: 0.005,
      maxPollDelaySeconds: 0.01,
      tags: { project: 'sessionsentry' },
    });
  }

  it('runs 10 trials three at a time, reports the best by the objective, and its artifact deploys through TrainRunner.attach', async () => {
    // The trials' objective: the loopback gives trial i its value; the best is the largest.
    const testEnv = await start({ trialMetric: (_hp, i) => (i === 6 ? 0.97 : 0.9 + i / 1000) });
    const backend = backendFor(testEnv);
    await backend.startTuningJob({
      name: 'tune-1',
      channels: { train, validation: train },
      hyperparameters: { num_round: '10', objective: 'binary:logistic' },
      space: { max_depth: { min: 2, max: 6 }, eta: { min: 0.05, max: 0.5, scale: 'log' } },
      maxJobs: 10,
      maxParallelJobs: 3,
    });
    const statuses: string[] = [];
    const outcome = await backend.waitForTuningJob('tune-1', {
      onState: (state, detail) => statuses.push(`${state} ${detail}`),
    });
    expect(outcome.status).toBe('Completed');
    expect(outcome.counts).toEqual({ completed: 10, inProgress: 0, stopped: 0, failed: 0 });
    const trials = testEnv.loopback.tuningJobs.get('tune-1')!.trials;
    expect(trials).toHaveLength(10);
    expect(trials.every((t) => /^tune-1-\d{3}-[0-9a-f]{8}$/.test(t))).toBe(true);
    expect(outcome.best).toMatchObject({
      trainingJobName: trials[6],
      metric: 'validation:auc',
      value: 0.97,
      artifact: `s3://${TEST_BUCKET}/tuning/${trials[6]}/output/model.tar.gz`,
    });
    expect(Object.keys(outcome.best!.hyperparameters).sort()).toEqual(['eta', 'max_depth']);
    // Each trial gets the static hyperparameters, its drawn values and the objective, as SageMaker passes them.
    expect(testEnv.loopback.trainingJobs.get(trials[6]!)!.request.HyperParameters).toMatchObject({
      num_round: '10',
      objective: 'binary:logistic',
      _tuning_objective_metric: 'validation:auc',
      ...outcome.best!.hyperparameters,
    });
    expect(statuses.at(-1)).toBe('Completed 10 completed, 0 in progress');

    const runner = new TrainRunner({ backend, prefix: 'best' });
    const trained = await runner.attach(outcome.best!.trainingJobName, { name: 'tuned' });
    expect(trained.artifact).toBe(outcome.best!.artifact);
    await runner.createModels();
    await runner.createEndpoints();
    expect((await runner.waitForEndpoints()).succeeded).toEqual([{ job: 'tuned', endpointName: 'best-tuned' }]);
    expect(Array.from(await runner.invoke('tuned', testRows))).toEqual(Array.from(fixture.prob));
    await runner.close();
    expect(testEnv.loopback.live()).toEqual({ endpoints: [], endpointConfigs: [], models: [] });
    const create = testEnv.loopback.firstRequestFor('CreateHyperParameterTuningJob');
    expect(create.checked || !testEnv.loopback.checksRequests).toBe(true);
    expect(create.body.Tags).toEqual([{ Key: 'project', Value: 'sessionsentry' }]);
  });

  it('stops the tuning job and every trial still running when the wait is aborted', async () => {
    // Trials never finish on their own.
    const testEnv = await start({ trainingDescribes: 1_000_000 });
    const backend = backendFor(testEnv);
    await backend.startTuningJob({
      name: 'tune-2',
      channels: { train },
      hyperparameters: { num_round: '10' },
      space: { max_depth: [3, 5] },
      objectiveMetric: 'validation:logloss',
      maxJobs: 6,
      maxParallelJobs: 4,
    });
    const controller = new AbortController();
    const waiting = backend.waitForTuningJob('tune-2', {
      signal: controller.signal,
      onState: () => setTimeout(() => controller.abort(new Error('Ctrl-C')), 20),
    });
    await expect(waiting).rejects.toBeInstanceOf(RunAbortedError);
    expect(testEnv.loopback.requestsFor('StopHyperParameterTuningJob')).toHaveLength(1);
    const running = testEnv.loopback.tuningJobs.get('tune-2')!.trials;
    // Four at once (maxParallelJobs) of the six.
    expect(running).toHaveLength(4);
    expect(
      testEnv.loopback
        .requestsFor('StopTrainingJob')
        .map((r) => r.body.TrainingJobName)
        .sort(),
    ).toEqual([...running].sort());
    expect(running.every((t) => testEnv.loopback.trainingJobs.get(t)!.status === 'Stopping')).toBe(true);
  });

  it('fails before uploading or sending anything when the space names a hyperparameter the container does not take', async () => {
    const testEnv = await start();
    const backend = backendFor(testEnv);
    await expect(
      backend.startTuningJob({
        name: 'tune-3',
        channels: { train },
        hyperparameters: { num_round: '10' },
        space: { max_depth: [3, 5], num_boost_round: [10, 20] },
        maxJobs: 2,
      }),
    ).rejects.toBeInstanceOf(SearchSpaceError);
    expect(testEnv.loopback.requests).toEqual([]);
    expect(testEnv.s3server.commands).toEqual([]);
  });
});
