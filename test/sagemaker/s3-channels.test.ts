import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { S3SourceError } from '../../src/events/s3-errors.js';
import { SageMakerBackend, type SageMakerBackendOptions } from '../../src/sagemaker/sagemaker-backend.js';
import { startAwsTestEnv, TEST_BUCKET, TEST_ROLE, type AwsTestEnv } from './aws-test-env.js';
import { loadArtifactFixture } from './xgboost-fixture.js';

/**
 * Channels already in S3 (`s3://` object or prefix) are used in place by the SageMaker backend:
 * never downloaded and uploaded again, only checked to hold something (one object per instance when
 * sharded). The real S3Client against s3rver, the real SageMakerClient against the loopback control
 * plane (requests checked against botocore's service model).
 */

const fixture = loadArtifactFixture();
const rows = `${fixture.labelledRows.join('\n')}\n`;

let env: AwsTestEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

async function setup(
  options: Partial<SageMakerBackendOptions> = {},
): Promise<{ env: AwsTestEnv; backend: SageMakerBackend }> {
  const testEnv = await startAwsTestEnv();
  env = testEnv;
  for (const key of ['data/first-5/train/part-1.csv', 'data/first-5/train/part-2.csv', 'data/first-5/validation.csv'])
    await testEnv.s3server.s3.send(new PutObjectCommand({ Bucket: TEST_BUCKET, Key: key, Body: rows }));
  testEnv.s3server.commands.length = 0;
  const backend = new SageMakerBackend({
    role: TEST_ROLE,
    bucket: TEST_BUCKET,
    prefix: 'runs',
    ...testEnv.clients,
    ...options,
  });
  return { env: testEnv, backend };
}

describe('SageMakerBackend with channels already in S3', () => {
  it('points the training job at the S3 prefix and object as given, uploading nothing', async () => {
    const { env: testEnv, backend } = await setup();
    const train = `s3://${TEST_BUCKET}/data/first-5/train/`;
    const validation = `s3://${TEST_BUCKET}/data/first-5/validation.csv`;
    await backend.startTrainingJob({
      name: 'in-place',
      channels: { train, validation },
      hyperparameters: { num_round: '5' },
    });
    // Checked as SageMaker will read them (the prefix listed; the object headed, and no other key starting with it), never copied.
    expect([...testEnv.s3server.commands].sort()).toEqual([
      'HeadObjectCommand',
      'ListObjectsV2Command',
      'ListObjectsV2Command',
    ]);
    const channels = testEnv.loopback.firstRequestFor('CreateTrainingJob').body.InputDataConfig as {
      ChannelName: string;
      DataSource: { S3DataSource: { S3Uri: string } };
    }[];
    expect(channels.map((c) => [c.ChannelName, c.DataSource.S3DataSource.S3Uri])).toEqual([
      ['train', train],
      ['validation', validation],
    ]);
    await backend.close();
  });

  it('refuses an empty prefix, naming it, before any training job is created', async () => {
    const { env: testEnv, backend } = await setup();
    const missing = `s3://${TEST_BUCKET}/data/first-6/train/`;
    const error = await backend
      .startTrainingJob({ name: 'missing', channels: { train: missing }, hyperparameters: { num_round: '5' } })
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(S3SourceError);
    expect(error).toMatchObject({ problem: 'empty-prefix', uri: missing });
    expect((error as Error).message).toContain(missing);
    expect(testEnv.loopback.requestsFor('CreateTrainingJob')).toEqual([]);
    await backend.close();
  });

  it('refuses a prefix with fewer objects than instances when the channel is sharded by S3 key', async () => {
    const { env: testEnv, backend } = await setup({ instanceCount: 3, distribution: 'ShardedByS3Key' });
    const error = await backend
      .startTrainingJob({
        name: 'too-few',
        channels: { train: `s3://${TEST_BUCKET}/data/first-5/train/` },
        hyperparameters: { num_round: '5' },
      })
      .catch((err: unknown) => err);
    expect((error as Error).message).toMatch(/at least 3 objects, one per instance for ShardedByS3Key \(found 2\)/);
    expect(testEnv.loopback.requestsFor('CreateTrainingJob')).toEqual([]);
    await backend.close();
  });
});
