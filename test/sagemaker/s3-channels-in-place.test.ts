import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { SageMakerBackend } from '../../src/sagemaker/sagemaker-backend.js';
import { startAwsTestEnv, TEST_BUCKET, TEST_ROLE, type AwsTestEnv } from './aws-test-env.js';
import { loadArtifactFixture } from './xgboost-fixture.js';

/**
 * Channels already on S3 reach SageMaker in place: the training job's S3Uri is the user's URI and
 * nothing is uploaded for them (s3rver records every S3 command; the loopback control plane checks
 * each request against botocore's service model).
 */

const fixture = loadArtifactFixture();
const lines = (rows: readonly string[]): string => `${rows.join('\n')}\n`;
let dir: string;
let validationCsv: string;
let env: AwsTestEnv | undefined;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sentry-s3-in-place-'));
  validationCsv = path.join(dir, 'validation.csv');
  await writeFile(validationCsv, lines(fixture.labelledRows.slice(150)));
});
afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await env?.close();
  env = undefined;
});

async function setUp(): Promise<{ env: AwsTestEnv; backend: SageMakerBackend }> {
  env = await startAwsTestEnv();
  const put = (key: string, body: string) =>
    env!.s3server.s3.send(new PutObjectCommand({ Bucket: TEST_BUCKET, Key: key, Body: body }));
  await put('existing/first5/train/part-0.csv', lines(fixture.labelledRows.slice(0, 70)));
  await put('existing/first5/train/part-1.csv', lines(fixture.labelledRows.slice(70, 150)));
  await put('existing/first5/validation.csv', lines(fixture.labelledRows.slice(150)));
  await put('existing/first5/validation.csv.old', lines(fixture.labelledRows.slice(150)));
  env.s3server.commands.length = 0;
  const backend = new SageMakerBackend({
    role: TEST_ROLE,
    bucket: TEST_BUCKET,
    prefix: 'experiments',
    ...env.clients,
    pollDelaySeconds: 0.005,
    maxPollDelaySeconds: 0.02,
  });
  return { env, backend };
}

describe('SageMakerBackend with channels already on S3', () => {
  it('puts an S3 prefix in the train channel as its S3Uri and uploads only the local validation file', async () => {
    const { env, backend } = await setUp();
    const train = `s3://${TEST_BUCKET}/existing/first5/train/`;
    await backend.startTrainingJob({
      name: 'in-place-1',
      channels: { train, validation: validationCsv },
      hyperparameters: { num_round: '5', objective: 'binary:logistic' },
    });
    const create = env.loopback.firstRequestFor('CreateTrainingJob');
    expect(create.status).toBe(200);
    const channels = create.body.InputDataConfig as {
      ChannelName: string;
      DataSource: { S3DataSource: { S3Uri: string; S3DataType: string } };
    }[];
    expect(
      channels.map((c) => [c.ChannelName, c.DataSource.S3DataSource.S3DataType, c.DataSource.S3DataSource.S3Uri]),
    ).toEqual([
      ['train', 'S3Prefix', train],
      ['validation', 'S3Prefix', `s3://${TEST_BUCKET}/experiments/in-place-1/validation/`],
    ]);
    // Listed to check it, never copied: the only upload is the local validation file.
    expect([...env.s3server.commands].sort()).toEqual(['ListObjectsV2Command', 'PutObjectCommand']);
  });

  it('puts an S3 object as the validation channel, and refuses one that other keys start with before any request to SageMaker', async () => {
    const { env, backend } = await setUp();
    await backend
      .startTrainingJob({
        name: 'in-place-2',
        channels: {
          train: `s3://${TEST_BUCKET}/existing/first5/train/`,
          validation: `s3://${TEST_BUCKET}/existing/first5/validation.csv`,
        },
        hyperparameters: { num_round: '5' },
      })
      .then(
        () => expect.unreachable('validation.csv.old shares the key prefix of validation.csv'),
        (error: unknown) => {
          expect(error).toBeInstanceOf(InvalidArgumentError);
          expect((error as Error).message).toContain('channels.validation');
          expect((error as Error).message).toContain(
            `s3://${TEST_BUCKET}/existing/first5/validation.csv.old would be read too`,
          );
        },
      );
    expect(env.loopback.requestsFor('CreateTrainingJob')).toEqual([]);
    expect(env.s3server.commands).not.toContain('PutObjectCommand');

    await env.s3server.s3.send(
      new PutObjectCommand({
        Bucket: TEST_BUCKET,
        Key: 'existing/first6/validation.csv',
        Body: lines(fixture.labelledRows.slice(150)),
      }),
    );
    await backend.startTrainingJob({
      name: 'in-place-3',
      channels: {
        train: `s3://${TEST_BUCKET}/existing/first5/train/`,
        validation: `s3://${TEST_BUCKET}/existing/first6/validation.csv`,
      },
      hyperparameters: { num_round: '5' },
    });
    const create = env.loopback.firstRequestFor('CreateTrainingJob');
    expect(create.status).toBe(200);
    const channels = create.body.InputDataConfig as { DataSource: { S3DataSource: { S3Uri: string } } }[];
    expect(channels.map((c) => c.DataSource.S3DataSource.S3Uri)).toEqual([
      `s3://${TEST_BUCKET}/existing/first5/train/`,
      `s3://${TEST_BUCKET}/existing/first6/validation.csv`,
    ]);
  });

  it('a tuning job uses the S3 channels in place too: its training job definition names them, nothing is uploaded', async () => {
    const { env, backend } = await setUp();
    const train = `s3://${TEST_BUCKET}/existing/first5/train/`;
    await backend.startTuningJob({
      name: 'tune-in-place',
      channels: { train, validation: train },
      hyperparameters: { num_round: '10', objective: 'binary:logistic' },
      space: { max_depth: { min: 2, max: 6 } },
      maxJobs: 4,
    });
    const create = env.loopback.firstRequestFor('CreateHyperParameterTuningJob');
    expect(create.status).toBe(200);
    const definition = create.body.TrainingJobDefinition as {
      InputDataConfig: { ChannelName: string; DataSource: { S3DataSource: { S3Uri: string } } }[];
    };
    expect(definition.InputDataConfig.map((c) => [c.ChannelName, c.DataSource.S3DataSource.S3Uri])).toEqual([
      ['train', train],
      ['validation', train],
    ]);
    expect(env.s3server.commands).not.toContain('PutObjectCommand');
  });

  it('refuses a missing S3 channel with S3SourceError naming it, before any request to SageMaker', async () => {
    const { env, backend } = await setUp();
    await expect(
      backend.startTrainingJob({
        name: 'in-place-4',
        channels: { train: `s3://${TEST_BUCKET}/existing/nothing/` },
        hyperparameters: { num_round: '5' },
      }),
    ).rejects.toMatchObject({
      code: 'ERR_S3_SOURCE',
      problem: 'empty-prefix',
      uri: `s3://${TEST_BUCKET}/existing/nothing/`,
    });
    expect(env.loopback.requests).toEqual([]);
  });
});
