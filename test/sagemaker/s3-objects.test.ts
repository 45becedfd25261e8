import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunAbortedError } from '../../src/train/train-errors.js';
import { InvalidArgumentError } from '../../src/errors.js';
import {
  downloadObject,
  joinKey,
  parseS3Uri,
  s3Uri,
  uploadChannel,
  uploadFile,
} from '../../src/sagemaker/s3-objects.js';
import { AwsRequestError, S3UriError } from '../../src/sagemaker/sagemaker-errors.js';
import { startS3, TEST_BUCKET, type S3TestServer } from './aws-test-env.js';

describe('parseS3Uri', () => {
  it('splits s3://bucket/key into bucket and key', () => {
    expect(parseS3Uri('s3://sentry-bucket/p/job-1/output/model.tar.gz')).toEqual({
      bucket: 'sentry-bucket',
      key: 'p/job-1/output/model.tar.gz',
    });
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

  it('keeps a trailing slash on the last part: an S3Prefix folder must not also match its siblings', () => {
    expect(s3Uri('b-1', 'prefix', 'job', 'train/')).toBe('s3://b-1/prefix/job/train/');
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

  it('uploads a channel folder as SageMaker reads it: three levels deep, skipping names starting with . or _', async () => {
    const folder = path.join(dir, 'train-parts');
    await mkdir(path.join(folder, 'a/b/c'), { recursive: true });
    await mkdir(path.join(folder, '_tmp'), { recursive: true });
    await writeFile(path.join(folder, 'part-1.csv'), '1,2\n');
    await writeFile(path.join(folder, 'a/part-2.csv'), '0,3\n');
    await writeFile(path.join(folder, 'a/b/part-3.csv'), '1,4\n');
    await writeFile(path.join(folder, 'a/b/c/too-deep.csv'), '0,5\n');
    await writeFile(path.join(folder, '.hidden.csv'), '0,6\n');
    await writeFile(path.join(folder, '_SUCCESS'), '');
    await writeFile(path.join(folder, '_tmp/part-4.csv'), '1,7\n');
    const uploaded = await uploadChannel(s3.s3, folder, `s3://${TEST_BUCKET}/p/job-3/train/`);
    expect(uploaded.map((u) => u.uri)).toEqual([
      `s3://${TEST_BUCKET}/p/job-3/train/a/b/part-3.csv`,
      `s3://${TEST_BUCKET}/p/job-3/train/a/part-2.csv`,
      `s3://${TEST_BUCKET}/p/job-3/train/part-1.csv`,
    ]);
    const listed = await s3.s3.send(new ListObjectsV2Command({ Bucket: TEST_BUCKET, Prefix: 'p/job-3/' }));
    expect((listed.Contents ?? []).map((o) => o.Key).sort()).toEqual([
      'p/job-3/train/a/b/part-3.csv',
      'p/job-3/train/a/part-2.csv',
      'p/job-3/train/part-1.csv',
    ]);
  });

  it('uploads a single-file channel under the given file name and rejects a missing path naming it', async () => {
    const uploaded = await uploadChannel(s3.s3, path.join(dir, 'train.csv'), `s3://${TEST_BUCKET}/p/job-4/train/`, {
      fileName: 'train.csv',
    });
    expect(uploaded.map((one) => one.uri)).toEqual([`s3://${TEST_BUCKET}/p/job-4/train/train.csv`]);
    const missing = path.join(dir, 'nope.csv');
    await expect(uploadChannel(s3.s3, missing, `s3://${TEST_BUCKET}/p/job-4/train/`)).rejects.toThrow(
      InvalidArgumentError,
    );
    await expect(uploadChannel(s3.s3, missing, `s3://${TEST_BUCKET}/p/job-4/train/`)).rejects.toThrow(missing);
  });

  it('refuses a part size below the S3 minimum of 5 MiB', async () => {
    await expect(
      uploadFile(s3.s3, path.join(dir, 'train.csv'), `s3://${TEST_BUCKET}/x`, { partSize: 1024 }),
    ).rejects.toThrow(/partSize must be an integer of at least 5242880/);
  });

  it('does not start an upload whose signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    s3.commands.length = 0;
    await expect(
      uploadFile(s3.s3, path.join(dir, 'train.csv'), `s3://${TEST_BUCKET}/y`, { signal: controller.signal }),
    ).rejects.toThrow(RunAbortedError);
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
