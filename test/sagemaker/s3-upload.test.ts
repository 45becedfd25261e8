import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunAbortedError } from '../../src/train/train-errors.js';
import { downloadObject, joinKey, parseS3Uri, s3Uri, uploadFile } from '../../src/sagemaker/s3-upload.js';
import { AwsRequestError, S3UriError } from '../../src/sagemaker/sagemaker-errors.js';
import { startS3, TEST_BUCKET, type S3TestServer } from './aws-test-env.js';

describe('parseS3Uri', () => {
  it('splits s3://bucket/key into bucket and key', () => {
    expect(parseS3Uri('s3://sentry-bucket/p/job-1/output/model.tar.gz')).toEqual({ bucket: 'sentry-bucket', key: 'p/job-1/output/model.tar.gz' });
    expect(parseS3Uri('s3://sentry-bucket')).toEqual({ bucket: 'sentry-bucket', key: '' });
  });

  it('rejects other schemes and invalid bucket names with S3UriError naming the URI', () => {
    expect(() => parseS3Uri('https://sentry-bucket/x')).toThrow(S3UriError);
    expect(() => parseS3Uri('s3://Sentry_Bucket/x')).toThrow(/got "s3:\/\/Sentry_Bucket\/x"/);
    expect(() => parseS3Uri('s3:///x')).toThrow(S3UriError);
  });

  it('joins key parts without doubled slashes', () => {
    expect(s3Uri('b-1', 'prefix/', '/job', 'train/train.csv')).toBe('s3://b-1/prefix/job/train/train.csv');
    expect(joinKey('', 'a', '', 'b/')).toBe('a/b');
  });
});

describe('uploadFile and downloadObject against s3rver with the real S3Client', () => {
  let s3: S3TestServer;
  let dir: string;
  beforeAll(async () => {
    s3 = await startS3();
    dir = await mkdtemp(path.join(tmpdir(), 'sentry-s3-test-'));
  });
  afterAll(async () => {
    await s3?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('uploads a small CSV in one PutObject with Content-Type text/csv and downloads the same bytes', async () => {
    const file = path.join(dir, 'train.csv');
    await writeFile(file, '1,0.5,3\n0,0.1,2\n');
    s3.commands.length = 0;
    const result = await uploadFile(s3.s3, file, `s3://${TEST_BUCKET}/p/job-1/train/train.csv`);
    expect(result).toEqual({ uri: `s3://${TEST_BUCKET}/p/job-1/train/train.csv`, bytes: 16, multipart: false });
    expect(s3.commands).toEqual(['PutObjectCommand']);
    const head = await s3.s3.send(new HeadObjectCommand({ Bucket: TEST_BUCKET, Key: 'p/job-1/train/train.csv' }));
    expect(head.ContentType).toBe('text/csv');
    expect(new TextDecoder().decode(await downloadObject(s3.s3, result.uri))).toBe('1,0.5,3\n0,0.1,2\n');
  });

  it('uploads a 12 MiB file as a multipart upload of 5 MiB parts and reads it back byte for byte', async () => {
    const file = path.join(dir, 'big.csv');
    const bytes = randomBytes(12 * 1024 * 1024);
    await writeFile(file, bytes);
    s3.commands.length = 0;
    const progress: number[] = [];
    const result = await uploadFile(s3.s3, file, `s3://${TEST_BUCKET}/p/job-2/train/train.csv`, {
      partSize: 5 * 1024 * 1024,
      onProgress: (loaded) => progress.push(loaded),
    });
    expect(result.multipart).toBe(true);
    expect(s3.commands.filter((c) => c === 'UploadPartCommand')).toHaveLength(3);
    expect(s3.commands[0]).toBe('CreateMultipartUploadCommand');
    expect(s3.commands.at(-1)).toBe('CompleteMultipartUploadCommand');
    expect(Math.max(...progress)).toBe(bytes.length);
    const back = await downloadObject(s3.s3, result.uri);
    expect(back.length).toBe(bytes.length);
    expect(Buffer.from(back).equals(bytes)).toBe(true);
  });

  it('refuses a part size below the S3 minimum of 5 MiB', async () => {
    await expect(uploadFile(s3.s3, path.join(dir, 'train.csv'), `s3://${TEST_BUCKET}/x`, { partSize: 1024 })).rejects.toThrow(/partSize must be an integer of at least 5242880/);
  });

  it('does not start an upload whose signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    s3.commands.length = 0;
    await expect(uploadFile(s3.s3, path.join(dir, 'train.csv'), `s3://${TEST_BUCKET}/y`, { signal: controller.signal })).rejects.toThrow(RunAbortedError);
    expect(s3.commands).toEqual([]);
  });

  it('reports a missing object as AwsRequestError with the S3 error name and the URI', async () => {
    const error = await downloadObject(s3.s3, `s3://${TEST_BUCKET}/nope/model.tar.gz`).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(AwsRequestError);
    expect((error as AwsRequestError).awsErrorName).toBe('NoSuchKey');
    expect((error as AwsRequestError).httpStatus).toBe(404);
    expect((error as Error).message).toContain(`s3://${TEST_BUCKET}/nope/model.tar.gz`);
  });
});
