import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { S3Client } from '@aws-sdk/client-s3';
import { InvalidArgumentError } from '../errors.js';
import { listChannelFiles } from '../train/channel-files.js';
import { parseS3Uri, s3Uri, uploadFile, type UploadFileOptions, type UploadFileOutput } from './s3-objects.js';

/**
 * Splits a CSV channel (a file, or a folder of files read in order) into `shards` files of about
 * the same size in bytes, at row boundaries and in row order, written into `outDir` as
 * `<baseName>-part-0001.csv`, …: what `S3DataDistributionType: ShardedByS3Key` hands out, one
 * file per training instance. Returns the paths and row counts.
 *
 * @throws {InvalidArgumentError} when a shard would be empty (fewer rows than shards, or rows too
 *   long for an even split), since an instance with no rows fails the training job.
 *
 * @example
 * ```ts
 * const parts = await splitCsvChannel('out/first-5/train.csv', 4, '/tmp/shards');
 * // [{ path: '/tmp/shards/train-part-0001.csv', rows: 6012 }, …]
 * ```
 */
export async function splitCsvChannel(
  source: string,
  shards: number,
  outDir: string,
  baseName = 'train',
): Promise<{ path: string; rows: number }[]> {
  const where = 'splitCsvChannel';
  if (!Number.isInteger(shards) || shards < 1)
    throw new InvalidArgumentError(where, 'shards', shards, 'a positive integer');
  let files: string[];
  try {
    files = (await stat(source)).isDirectory() ? await listChannelFiles(source, 1) : [source];
  } catch (err) {
    throw new InvalidArgumentError(where, 'source', source, 'an existing CSV file or folder', { cause: err });
  }
  let total = 0;
  for (const file of files) total += (await stat(file)).size;
  const parts = Array.from({ length: shards }, (_, i) => ({
    path: path.join(outDir, `${baseName}-part-${String(i + 1).padStart(4, '0')}.csv`),
    rows: 0,
  }));
  const streams: WriteStream[] = parts.map((part) => createWriteStream(part.path));
  let offset = 0;
  try {
    for (const file of files) {
      const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
      for await (const line of lines) {
        // The shard is the one whose share of the bytes the row starts in.
        const shard = Math.min(shards - 1, Math.floor((offset * shards) / Math.max(total, 1)));
        const text = `${line}\n`;
        const stream = streams[shard]!;
        if (!stream.write(text)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
        parts[shard]!.rows++;
        offset += Buffer.byteLength(text);
      }
    }
  } finally {
    await Promise.all(streams.map((stream) => new Promise<void>((resolve) => stream.end(() => resolve()))));
  }
  const rows = parts.reduce((sum, part) => sum + part.rows, 0);
  const empty = parts.findIndex((part) => part.rows === 0);
  if (empty >= 0)
    throw new InvalidArgumentError(
      where,
      'source',
      source,
      `rows enough for ${shards} shards (it has ${rows} row(s), and shard ${empty + 1} would be empty: an instance without rows fails the job)`,
    );
  return parts;
}

/**
 * Uploads a local training channel as `shards` files under an S3 folder prefix, for a training job
 * whose channel is `ShardedByS3Key` over `shards` instances (see {@link splitCsvChannel}). A
 * folder that already holds at least `shards` files goes up as it is.
 *
 * @throws {InvalidArgumentError} as {@link splitCsvChannel}; {@link AwsRequestError} when S3 refuses.
 *
 * @example
 * ```ts
 * await uploadShardedChannel(s3, 'out/first-5/train.csv', 's3://my-bucket/sentry/job-1/train/', 4);
 * ```
 */
export async function uploadShardedChannel(
  s3: S3Client,
  source: string,
  destinationPrefix: string,
  shards: number,
  options: UploadFileOptions = {},
): Promise<UploadFileOutput[]> {
  const { bucket, key } = parseS3Uri(destinationPrefix, 'uploadShardedChannel', 'destinationPrefix');
  const isFolder = await stat(source).then(
    (info) => info.isDirectory(),
    () => false,
  );
  if (isFolder) {
    const files = await listChannelFiles(source, 1);
    if (files.length >= shards) {
      const uploaded: UploadFileOutput[] = [];
      for (const file of files) {
        const relative = path.relative(source, file).split(path.sep).join('/');
        uploaded.push(await uploadFile(s3, file, s3Uri(bucket, key, relative), options));
      }
      return uploaded;
    }
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'sessionsentry-shards-'));
  try {
    const parts = await splitCsvChannel(source, shards, dir);
    const uploaded: UploadFileOutput[] = [];
    for (const part of parts)
      uploaded.push(await uploadFile(s3, part.path, s3Uri(bucket, key, path.basename(part.path)), options));
    return uploaded;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
