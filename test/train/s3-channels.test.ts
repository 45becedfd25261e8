import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { S3SourceError } from '../../src/events/s3-errors.js';
import { LocalBackend } from '../../src/train/local-backend.js';
import { downloadS3Channel, listS3Channel } from '../../src/train/s3-channel.js';
import { TrainRunner, type ExperimentJob } from '../../src/train/train-runner.js';
import { DUMMY_CREDENTIALS, startS3, TEST_BUCKET, type S3TestServer } from '../sagemaker/aws-test-env.js';
import { loadArtifactFixture } from '../sagemaker/xgboost-fixture.js';

/**
 * Training channels already on S3 (s3rver, the real S3Client): the local backend reads them as
 * SageMaker's File mode would (every object under a prefix, or one object) and trains the model it
 * trains from the same bytes in local files.
 */

const fixture = loadArtifactFixture();
const TRAIN = fixture.labelledRows.slice(0, 150);
const VALIDATION = fixture.labelledRows.slice(150);
const lines = (rows: readonly string[]): string => `${rows.join('\n')}\n`;
const dir = mkdtempSync(path.join(tmpdir(), 'ss-s3-channels-'));
const uri = (key: string): string => `s3://${TEST_BUCKET}/${key}`;
let s3: S3TestServer;

beforeAll(async () => {
  s3 = await startS3();
  const put = (key: string, body: string) =>
    s3.s3.send(new PutObjectCommand({ Bucket: TEST_BUCKET, Key: key, Body: body }));
  // The train channel in two parts under a prefix, with what SageMaker's XGBoost skips beside them.
  await put('features/first5/train/part-0.csv', lines(TRAIN.slice(0, 70)));
  await put('features/first5/train/part-1.csv', lines(TRAIN.slice(70)));
  await put('features/first5/train/_SUCCESS', '');
  await put('features/first5/validation.csv', lines(VALIDATION));
  await put('features/first5/test.csv', lines(VALIDATION));
  await put('features/shared/train.csv', lines(TRAIN));
  await put('features/shared/train.csv.bak', lines(TRAIN));
  writeFileSync(path.join(dir, 'train.csv'), lines(TRAIN));
  writeFileSync(path.join(dir, 'validation.csv'), lines(VALIDATION));
});
afterAll(async () => {
  await s3?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ExperimentJob channels on S3, on the local backend', () => {
  it('trains from an S3 prefix and S3 objects the model it trains from the same rows in local files, and scores an S3 test CSV', async () => {
    const run = async (name: string, job: Omit<ExperimentJob, 'name'>) => {
      const backend = new LocalBackend({ workDir: path.join(dir, `work-${name}`), workers: 1, s3: s3.s3 });
      const runner = new TrainRunner({ backend, s3: s3.s3, hyperparameters: { num_round: 8, max_depth: 3 } });
      try {
        const result = await runner.runExperiment([{ name, ...job }], { invokeWith: 'test' });
        expect(result.failed).toEqual([]);
        return { scores: result.scores[0]!, work: path.join(dir, `work-${name}`, name) };
      } finally {
        await runner.close();
        await backend.close();
      }
    };
    const local = await run('local', {
      train: path.join(dir, 'train.csv'),
      validation: path.join(dir, 'validation.csv'),
      test: path.join(dir, 'validation.csv'),
    });
    const fromS3 = await run('remote', {
      train: uri('features/first5/train/'),
      validation: uri('features/first5/validation.csv'),
      test: uri('features/first5/test.csv'),
    });
    expect(Array.from(fromS3.scores.scores)).toEqual(Array.from(local.scores.scores));
    expect(Array.from(fromS3.scores.labels!)).toEqual(Array.from(local.scores.labels!));
    // Copied in as File mode does: the prefix's keys as files, the object by its name.
    expect(readdirSync(path.join(fromS3.work, 'input', 'train')).sort()).toEqual([
      '_SUCCESS',
      'part-0.csv',
      'part-1.csv',
    ]);
    expect(readdirSync(path.join(fromS3.work, 'input', 'validation'))).toEqual(['validation.csv']);
  });

  it('refuses, before training, a channel that is missing, an empty prefix, or an object other keys start with', async () => {
    const backend = new LocalBackend({ workDir: path.join(dir, 'work-bad'), workers: 1, s3: s3.s3 });
    try {
      const start = (train: string) =>
        backend.startTrainingJob({
          name: `bad-${Math.random().toString(36).slice(2, 8)}`,
          channels: { train },
          hyperparameters: { num_round: '2' },
        });
      await expect(start(uri('features/none/train.csv'))).rejects.toMatchObject({
        problem: 'no-such-object',
        uri: uri('features/none/train.csv'),
      });
      await expect(start(uri('features/empty/'))).rejects.toBeInstanceOf(S3SourceError);
      const shared = await start(uri('features/shared/train.csv')).catch((e: unknown) => e);
      expect(shared).toBeInstanceOf(InvalidArgumentError);
      expect((shared as Error).message).toContain(`${uri('features/shared/train.csv.bak')} would be read too`);
    } finally {
      await backend.close();
    }
  });
});

describe('listS3Channel', () => {
  it('lists every object under a folder prefix in key order, and the one object an object URI names', async () => {
    const prefix = await listS3Channel(s3.s3, uri('features/first5/train/'), 'test', 'train');
    expect(prefix.map((o) => o.key)).toEqual([
      'features/first5/train/_SUCCESS',
      'features/first5/train/part-0.csv',
      'features/first5/train/part-1.csv',
    ]);
    const object = await listS3Channel(s3.s3, uri('features/first5/validation.csv'), 'test', 'validation');
    expect(object.map((o) => o.key)).toEqual(['features/first5/validation.csv']);
  });

  it('refuses a listed key with a ".." segment (S3 keys may hold one), which would write outside the channel folder', async () => {
    // A loopback endpoint listing such a key in S3's ListObjectsV2 answer (s3rver normalizes keys, S3 does not).
    const server = createServer((_, response) => {
      response.writeHead(200, { 'content-type': 'application/xml' });
      response.end(
        '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
          `<Name>${TEST_BUCKET}</Name><Prefix>features/hostile/</Prefix><KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys>` +
          '<IsTruncated>false</IsTruncated><Contents><Key>features/hostile/../../escape.csv</Key><Size>4</Size>' +
          '<ETag>"0123"</ETag></Contents></ListBucketResult>',
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = new S3Client({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      forcePathStyle: true,
      credentials: DUMMY_CREDENTIALS,
    });
    try {
      await expect(
        downloadS3Channel(client, uri('features/hostile/'), path.join(dir, 'hostile'), 'test', 'train'),
      ).rejects.toThrow(
        /a prefix whose keys are plain relative paths \("\.\.\/\.\.\/escape\.csv" has an empty, "\." or "\.\." segment\)/,
      );
      expect(() => readdirSync(path.join(dir, 'hostile'))).toThrow();
    } finally {
      client.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
