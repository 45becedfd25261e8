import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { SageMakerBackend } from '../../src/sagemaker/sagemaker-backend.js';
import { splitCsvChannel } from '../../src/sagemaker/shard-channel.js';
import { buildTrainingJobRequest } from '../../src/sagemaker/training-job-request.js';
import { startAwsTestEnv, TEST_BUCKET, TEST_ROLE, type AwsTestEnv } from './aws-test-env.js';
import { loadArtifactFixture } from './xgboost-fixture.js';

/**
 * More than one training instance: `ShardedByS3Key` hands each instance its share of the train
 * channel's files (SageMaker's S3DataDistributionType), so a local training file goes up split
 * into one file per instance, at row boundaries; `FullyReplicated` (the default) gives every
 * instance everything. Requests go through the loopback control plane, checked against botocore's
 * service model; the files through the real S3Client to s3rver.
 */

const fixture = loadArtifactFixture();
const csv = `${fixture.labelledRows.join('\n')}\n`;
let dir: string;
let train: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sentry-shards-'));
  train = path.join(dir, 'train.csv');
  await writeFile(train, csv);
});
afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

let env: AwsTestEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

describe('splitCsvChannel', () => {
  it('splits a file into shards of about equal bytes, at row boundaries, rows in order', async () => {
    const out = await mkdtemp(path.join(dir, 'split-'));
    const parts = await splitCsvChannel(train, 3, out);
    expect(parts.map((p) => path.basename(p.path))).toEqual([
      'train-part-0001.csv',
      'train-part-0002.csv',
      'train-part-0003.csv',
    ]);
    const texts = await Promise.all(parts.map((p) => readFile(p.path, 'utf8')));
    expect(texts.join('')).toBe(csv);
    expect(parts.reduce((sum, p) => sum + p.rows, 0)).toBe(fixture.labelledRows.length);
    const longest = Math.max(...fixture.labelledRows.map((row) => row.length + 1));
    for (const text of texts) {
      expect(text.endsWith('\n')).toBe(true);
      expect(Math.abs(Buffer.byteLength(text) - Buffer.byteLength(csv) / 3)).toBeLessThanOrEqual(longest);
    }
  });

  it('refuses more shards than rows, since an instance without rows fails the job', async () => {
    const small = path.join(dir, 'two-rows.csv');
    await writeFile(small, '0,1,2,3,4\n1,2,3,4,5\n');
    const out = await mkdtemp(path.join(dir, 'split-'));
    const error = await splitCsvChannel(small, 3, out).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(/2 row\(s\), and shard 3 would be empty/);
  });
});

describe('buildTrainingJobRequest distribution', () => {
  const base = {
    jobName: 'sharded-1',
    imageUri: '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1',
    role: TEST_ROLE,
    channels: { train: 's3://sentry-bucket/p/train/', validation: 's3://sentry-bucket/p/validation/' },
    outputPath: 's3://sentry-bucket/p',
    hyperparameters: { num_round: '10' },
    instanceCount: 4,
  };

  it('shards the train channel only: every instance evaluates the whole validation channel', () => {
    const input = buildTrainingJobRequest({ ...base, distribution: 'ShardedByS3Key' });
    expect(input.ResourceConfig?.InstanceCount).toBe(4);
    expect(
      input.InputDataConfig?.map((c) => [c.ChannelName, c.DataSource?.S3DataSource?.S3DataDistributionType]),
    ).toEqual([
      ['train', 'ShardedByS3Key'],
      ['validation', 'FullyReplicated'],
    ]);
  });

  it('replicates by default and refuses a distribution SageMaker does not have', () => {
    const input = buildTrainingJobRequest(base);
    expect(input.InputDataConfig?.[0]?.DataSource?.S3DataSource?.S3DataDistributionType).toBe('FullyReplicated');
    expect(() => buildTrainingJobRequest({ ...base, distribution: 'Sharded' as 'ShardedByS3Key' })).toThrow(
      InvalidArgumentError,
    );
  });
});

describe('SageMakerBackend with instanceCount > 1', () => {
  async function keysUnder(testEnv: AwsTestEnv, prefix: string): Promise<string[]> {
    const listed = await testEnv.s3server.s3.send(new ListObjectsV2Command({ Bucket: TEST_BUCKET, Prefix: prefix }));
    return (listed.Contents ?? []).map((o) => o.Key!).sort();
  }

  it('uploads one training file per instance and asks for ShardedByS3Key, in a request the service model accepts', async () => {
    const testEnv = await startAwsTestEnv();
    env = testEnv;
    const backend = new SageMakerBackend({
      role: TEST_ROLE,
      bucket: TEST_BUCKET,
      prefix: 'sharded',
      ...testEnv.clients,
      instanceCount: 3,
      distribution: 'ShardedByS3Key',
    });
    await backend.startTrainingJob({
      name: 'sharded-job',
      channels: { train, validation: train },
      hyperparameters: { num_round: '10' },
    });
    const keys = await keysUnder(testEnv, 'sharded/sharded-job/');
    expect(keys).toEqual([
      'sharded/sharded-job/train/train-part-0001.csv',
      'sharded/sharded-job/train/train-part-0002.csv',
      'sharded/sharded-job/train/train-part-0003.csv',
      'sharded/sharded-job/validation/validation.csv',
    ]);
    const parts = await Promise.all(
      keys.slice(0, 3).map(async (Key) => {
        const object = await testEnv.s3server.s3.send(new GetObjectCommand({ Bucket: TEST_BUCKET, Key }));
        return object.Body!.transformToString();
      }),
    );
    expect(parts.join('')).toBe(csv);
    const create = testEnv.loopback.firstRequestFor('CreateTrainingJob');
    expect(create.status).toBe(200);
    expect(create.checked || !testEnv.loopback.checksRequests).toBe(true);
    expect(create.body.ResourceConfig).toMatchObject({ InstanceCount: 3 });
    const channels = create.body.InputDataConfig as { DataSource: { S3DataSource: Record<string, string> } }[];
    expect(channels.map((c) => c.DataSource.S3DataSource.S3DataDistributionType)).toEqual([
      'ShardedByS3Key',
      'FullyReplicated',
    ]);
    await backend.close();
  });

  it('uploads the training file whole and replicates it without distribution', async () => {
    const testEnv = await startAwsTestEnv();
    env = testEnv;
    const backend = new SageMakerBackend({
      role: TEST_ROLE,
      bucket: TEST_BUCKET,
      prefix: 'replicated',
      ...testEnv.clients,
      instanceCount: 2,
    });
    await backend.startTrainingJob({
      name: 'replicated-job',
      channels: { train },
      hyperparameters: { num_round: '10' },
    });
    expect(await keysUnder(testEnv, 'replicated/replicated-job/')).toEqual([
      'replicated/replicated-job/train/train.csv',
    ]);
    const channels = testEnv.loopback.firstRequestFor('CreateTrainingJob').body.InputDataConfig as {
      DataSource: { S3DataSource: Record<string, string> };
    }[];
    expect(channels[0]?.DataSource.S3DataSource.S3DataDistributionType).toBe('FullyReplicated');
    await backend.close();
  });

  it('refuses an unknown distribution when constructed', () => {
    expect(
      () =>
        new SageMakerBackend({
          role: TEST_ROLE,
          bucket: TEST_BUCKET,
          distribution: 'ByRecord' as 'ShardedByS3Key',
        }),
    ).toThrow(/distribution/);
  });
});
