import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { InvalidArgumentError } from '../errors.js';
import { RunAbortedError } from '../train/train-errors.js';
import { AwsRequestError } from './sagemaker-errors.js';
import { parseS3Uri } from '../events/s3-uri.js';
import { listChannelFiles } from '../train/channel-files.js';

export { parseS3Uri, type S3Location } from '../events/s3-uri.js';

/**
 * Builds `s3://bucket/key` from a bucket and key parts joined by `/`, without doubled slashes. A
 * trailing slash on the last part is kept (a folder prefix).
 *
 * @example
 * ```ts
 * s3Uri('my-bucket', 'sentry/', 'job-1', 'train/train.csv'); // 's3://my-bucket/sentry/job-1/train/train.csv'
 * s3Uri('my-bucket', 'sentry', 'job-1', 'train/');           // 's3://my-bucket/sentry/job-1/train/'
 * ```
 */
export function s3Uri(bucket: string, ...keyParts: readonly string[]): string {
  const key = joinKey(...keyParts);
  // A trailing slash marks a folder prefix: S3Prefix `job/train/` must not also match `job/train-2/…`.
  const folder = keyParts[keyParts.length - 1]?.endsWith('/') === true && key !== '';
  return `s3://${bucket}/${key}${folder ? '/' : ''}`;
}

/**
 * Joins S3 key parts with single slashes, dropping empty parts and stray slashes at the joins.
 *
 * @example
 * ```ts
 * joinKey('sentry/', '/job-1', 'train'); // 'sentry/job-1/train'
 * ```
 */
export function joinKey(...parts: readonly string[]): string {
  return parts
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter((part) => part.length > 0)
    .join('/');
}

/** Options of {@link uploadFile}. */
export interface UploadFileOptions {
  /** Content type stored with the object. Default `'text/csv'`. */
  readonly contentType?: string;
  /** Multipart part size in bytes (S3's minimum is 5 MiB). Default 8 MiB; smaller files go in one PUT. */
  readonly partSize?: number;
  /** Parts uploaded at once. Default 4. */
  readonly queueSize?: number;
  /** Cancels the upload (multipart uploads are aborted, leaving no parts behind). */
  readonly signal?: AbortSignal;
  /** Called with the bytes uploaded so far. */
  readonly onProgress?: (loaded: number, total: number) => void;
}

/** What {@link uploadFile} stored. */
export interface UploadFileOutput {
  readonly uri: string;
  readonly bytes: number;
  /** Whether the object went up in several parts. */
  readonly multipart: boolean;
}

const MIN_PART_SIZE = 5 * 1024 * 1024;

/**
 * Uploads a local file to S3, streaming it from disk. Files larger than `partSize` go up as a
 * multipart upload (`@aws-sdk/lib-storage`'s `Upload`), so channel CSVs of any size work; a failed
 * or aborted multipart upload is aborted on S3 so no billed parts are left behind.
 *
 * @throws {InvalidArgumentError} for a part size below S3's 5 MiB minimum.
 * @throws {S3UriError} for a malformed destination.
 * @throws {AwsRequestError} when S3 refuses the upload; {@link RunAbortedError} when aborted.
 *
 * @example
 * ```ts
 * const s3 = new S3Client({});
 * await uploadFile(s3, 'out/train.csv', 's3://my-bucket/sentry/job-1/train/train.csv');
 * ```
 */
export async function uploadFile(
  s3: S3Client,
  localPath: string,
  destination: string,
  options: UploadFileOptions = {},
): Promise<UploadFileOutput> {
  const { contentType = 'text/csv', partSize = 8 * 1024 * 1024, queueSize = 4, signal, onProgress } = options;
  if (!Number.isInteger(partSize) || partSize < MIN_PART_SIZE) {
    throw new InvalidArgumentError(
      'uploadFile',
      'partSize',
      partSize,
      `an integer of at least ${MIN_PART_SIZE} bytes (5 MiB, the S3 minimum)`,
    );
  }
  const { bucket, key } = parseS3Uri(destination, 'uploadFile', 'destination');
  if (signal?.aborted) throw new RunAbortedError(`upload of ${destination}`, signal.reason);
  const { size } = await stat(localPath);
  const upload = new Upload({
    client: s3,
    params: {
      Bucket: bucket,
      Key: key,
      Body: createReadStream(localPath),
      ContentType: contentType,
      ContentLength: size,
    },
    partSize,
    queueSize,
    leavePartsOnError: false,
  });
  if (onProgress !== undefined) upload.on('httpUploadProgress', (p) => onProgress(p.loaded ?? 0, p.total ?? size));
  const onAbort = (): void => void upload.abort().catch(() => undefined);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await upload.done();
  } catch (err) {
    if (signal?.aborted) throw new RunAbortedError(`upload of ${destination}`, signal.reason);
    throw new AwsRequestError(size > partSize ? 'multipart Upload' : 'PutObject', destination, err);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  return { uri: s3Uri(bucket, key), bytes: size, multipart: size > partSize };
}

/**
 * Downloads an S3 object into memory, e.g. a training job's `model.tar.gz` or a batch transform's
 * `.out` file.
 *
 * @throws {AwsRequestError} when the object does not exist or S3 refuses; {@link RunAbortedError} when aborted.
 *
 * @example
 * ```ts
 * const bytes = await downloadObject(s3, 's3://my-bucket/sentry/job-1/output/model.tar.gz');
 * const booster = Booster.fromTarGz(bytes);
 * ```
 */
export async function downloadObject(
  s3: S3Client,
  source: string,
  options: { signal?: AbortSignal } = {},
): Promise<Uint8Array> {
  const { bucket, key } = parseS3Uri(source, 'downloadObject', 'source');
  try {
    const output = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: options.signal });
    if (output.Body === undefined) throw new Error('GetObject returned no body');
    return await output.Body.transformToByteArray();
  } catch (err) {
    if (options.signal?.aborted) throw new RunAbortedError(`download of ${source}`, options.signal.reason);
    throw new AwsRequestError('GetObject', source, err);
  }
}

/** Options of {@link uploadChannel}. */
export interface UploadChannelOptions extends UploadFileOptions {
  /** The object name of a single-file channel. Default: the file's own name. */
  readonly fileName?: string;
}

/**
 * Uploads a training channel: a CSV file, or a folder of CSV files (read up to three levels deep,
 * skipping names that start with `.` or `_`, which SageMaker ignores), under an S3 folder prefix
 * that a channel's `S3Prefix` data source then points at.
 *
 * @throws {InvalidArgumentError} when the path does not exist or a folder holds no files;
 *   {@link AwsRequestError} / {@link RunAbortedError} as {@link uploadFile}.
 *
 * @example
 * ```ts
 * await uploadChannel(s3, 'out/first-5/train.csv', 's3://my-bucket/sentry/first-5/train/', { fileName: 'train.csv' });
 * await uploadChannel(s3, 'out/first-5/train-parts', 's3://my-bucket/sentry/first-5/train/');
 * ```
 */
export async function uploadChannel(
  s3: S3Client,
  source: string,
  destinationPrefix: string,
  options: UploadChannelOptions = {},
): Promise<UploadFileOutput[]> {
  const { fileName, ...uploadOptions } = options;
  const { bucket, key } = parseS3Uri(destinationPrefix, 'uploadChannel', 'destinationPrefix');
  let info;
  try {
    info = await stat(source);
  } catch (err) {
    throw new InvalidArgumentError('uploadChannel', 'source', source, 'an existing CSV file or folder', { cause: err });
  }
  if (!info.isDirectory()) {
    return [await uploadFile(s3, source, s3Uri(bucket, key, fileName ?? path.basename(source)), uploadOptions)];
  }
  const files = await listChannelFiles(source, 1);
  if (files.length === 0)
    throw new InvalidArgumentError('uploadChannel', 'source', source, 'a folder holding at least one CSV file');
  const uploaded: UploadFileOutput[] = [];
  for (const file of files) {
    const relative = path.relative(source, file).split(path.sep).join('/');
    uploaded.push(await uploadFile(s3, file, s3Uri(bucket, key, relative), uploadOptions));
  }
  return uploaded;
}
