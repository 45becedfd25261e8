import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../examples/sagemaker.js';
import type { ExperimentRunResult } from '../../src/experiment/partial-session-experiment.js';
import type { Booster } from '../../src/model/booster.js';
import { train } from '../../src/model/train.js';
import { TrainingData } from '../../src/model/training-data.js';
import { generateLogs } from '../../src/synth/generate-logs.js';
import { startAwsTestEnv, TEST_BUCKET, TEST_ROLE, type AwsTestEnv } from '../sagemaker/aws-test-env.js';

// SageMaker's documented image of the built-in XGBoost 1.7-1 container in us-east-1.
const XGBOOST_1_7_IMAGE = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1';

/**
 * examples/sagemaker.ts against the loopback SageMaker control plane (real SageMakerClient and
 * SageMakerRuntimeClient) and s3rver (real S3Client). The loopback plays the container: a completed
 * job trains on the CSV the example uploaded and stores model.tar.gz where SageMaker would; an
 * endpoint scores with its job's model.
 */
describe('examples/sagemaker.ts against the loopback SageMaker server', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ss-example-sm-'));
  const models = new Map<string, Booster>();
  let env: AwsTestEnv;
  let result: ExperimentRunResult;
  const lines: string[] = [];

  beforeAll(async () => {
    generateLogs({ seed: 4, scale: 0.05, outDir: path.join(dir, 'data') });
    env = await startAwsTestEnv({
      loopback: {
        onTrainingJobCompleted: async (job) => {
          const channels = job.request.InputDataConfig as { ChannelName: string; DataSource: { S3DataSource: { S3Uri: string } } }[];
          const uri = channels.find((c) => c.ChannelName === 'train')!.DataSource.S3DataSource.S3Uri;
          const [, bucket, prefix] = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri)!;
          const listed = await env.s3server.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
          const object = await env.s3server.s3.send(new GetObjectCommand({ Bucket: bucket, Key: listed.Contents![0]!.Key! }));
          const csv = await object.Body!.transformToString();
          // The stand-in container trains with hist to stay fast; the request's own hyperparameters are checked below.
          const { booster } = train(TrainingData.fromCsv(csv), { ...(job.request.HyperParameters as Record<string, string>), tree_method: 'hist' });
          models.set(job.name, booster);
          const [, artifactBucket, key] = /^s3:\/\/([^/]+)\/(.*)$/.exec(job.artifact)!;
          await env.s3server.s3.send(new PutObjectCommand({ Bucket: artifactBucket, Key: key, Body: booster.toTarGz() }));
        },
        invoke: (endpointName, body) => {
          const booster = models.get(endpointName)!;
          const rows = body.trim().split('\n').map((l) => l.split(',').map((v) => (v === '' ? Number.NaN : Number(v))));
          const scores = rows.map((r) => booster.predictRow(r));
          return { status: 200, contentType: 'text/csv', body: `${scores.join('\n')}\n` };
        },
      },
    });
    result = await main({
      role: TEST_ROLE,
      bucket: TEST_BUCKET,
      dataDir: path.join(dir, 'data'),
      outDir: path.join(dir, 'out'),
      jobs: ['drop0', 'first5'],
      numRound: 5,
      backend: { ...env.clients, pollDelaySeconds: 0.005, maxPollDelaySeconds: 0.02 },
      log: (line) => lines.push(line),
    });
  }, 120_000);
  afterAll(async () => {
    await env?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates one training job per truncation on the XGBoost 1.7-1 image with the seed hyperparameters and CSV channels', () => {
    interface TrainingJobRequest {
      TrainingJobName: string;
      RoleArn: string;
      AlgorithmSpecification: { TrainingImage: string };
      HyperParameters: Record<string, string>;
      InputDataConfig: { ChannelName: string; ContentType: string }[];
    }
    const requests = env.loopback.requestsFor('CreateTrainingJob').map((r) => r.body as unknown as TrainingJobRequest);
    expect(requests.map((r) => r.TrainingJobName).sort()).toEqual(['sm-partial-drop0', 'sm-partial-first5']);
    for (const r of requests) {
      expect(r.AlgorithmSpecification.TrainingImage).toBe(XGBOOST_1_7_IMAGE);
      expect(r.RoleArn).toBe(TEST_ROLE);
      expect(r.HyperParameters).toMatchObject({ max_depth: '5', eta: '0.2', gamma: '4', min_child_weight: '6', subsample: '0.7', objective: 'binary:logistic', num_round: '5' });
      expect(r.InputDataConfig.map((c) => c.ChannelName).sort()).toEqual(['train', 'validation']);
      for (const c of r.InputDataConfig) expect(c.ContentType).toBe('text/csv');
    }
  });

  it('scores validation and test data through the endpoints and builds the comparison', () => {
    expect(result.failed).toEqual([]);
    expect(result.jobs.map((j) => j.name)).toEqual(['drop0', 'first5']);
    expect(env.loopback.requestsFor('InvokeEndpoint').length).toBeGreaterThanOrEqual(4);
    expect(result.comparisons[0]!.comparison.rows.map((r) => r.name)).toEqual(['drop0', 'first5', 'baseline (no attacks)']);
    expect(lines.some((l) => l.includes('TrainingJob  Completed'))).toBe(true);
  });

  it('scores the same as the trained model loaded from the downloaded artifact', async () => {
    const { Booster: B } = await import('../../src/model/booster.js');
    for (const job of result.jobs) {
      const local = await B.loadFile(job.modelPath);
      expect(local.toJSON()).toBe(models.get(`sm-partial-${job.name}`)!.toJSON());
    }
  });

  it('deletes every endpoint, endpoint config and model it created', () => {
    const created = env.loopback.requestsFor('CreateEndpoint').map((r) => r.body.EndpointName).sort();
    expect(created).toEqual(['sm-partial-drop0', 'sm-partial-first5']);
    expect(env.loopback.requestsFor('DeleteEndpoint').map((r) => r.body.EndpointName).sort()).toEqual(created);
    expect(env.loopback.requestsFor('DeleteEndpointConfig').map((r) => r.body.EndpointConfigName).sort()).toEqual(created);
    expect(env.loopback.requestsFor('DeleteModel').map((r) => r.body.ModelName).sort()).toEqual(env.loopback.requestsFor('CreateModel').map((r) => r.body.ModelName).sort());
  });
});
