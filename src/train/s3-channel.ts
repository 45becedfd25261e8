import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { InvalidArgumentError } from '../errors.js';
import { S3SourceError } from '../events/s3-errors.js';
import { createS3Client, listS3Objects, loadS3, type S3ObjectEntry, s3ObjectChunks } from '../events/s3-source.js';
import { isS3Prefix, isS3Uri, parseS3Uri } from '../events/s3-uri.js';

/**
 * The objects a SageMaker channel with `S3DataType: 'S3Prefix'` and this `S3Uri` hands to the
 * container, checked before any job starts: every object under a folder prefix (ending in `/`), in
 * key order; or the one object an object URI names. SageMaker reads an `S3Prefix` as a plain key
 * prefix, so an object URI that other keys start with (`train.csv` and `train.csv.bak`) would feed
 * those keys too: that is refused rather than trained on silently.
 *
 * @throws {S3UriError} for a malformed URI; {@link S3SourceError} for a missing object, an empty
 *   prefix or an access error; {@link InvalidArgumentError} for an object URI other keys start with,
 *   or a key that cannot be a file below the channel folder (`..` segments).
 *
 * @example
 * ```ts
 * const objects = await listS3Channel(s3, 's3://my-bucket/features/first5/train/', 'TrainRunner', 'jobs[0].train');
 * objects.map((o) => o.key); // ['features/first5/train/part-0.csv', 'features/first5/train/part-1.csv']
 * ```
 */
export async function listS3Channel(
  client: S3Client,
  uri: string,
  where: string,
  argument: string,
): Promise<S3ObjectEntry[]> {
  const { bucket, key } = parseS3Uri(uri, where, argument);
  if (isS3Prefix(uri)) {
    const objects = await listS3Objects(client, [uri], { where, argument });
    for (const object of objects) relativeChannelPath(object.key.slice(key.length), uri, where, argument);
    return objects;
  }
  const [object] = await listS3Objects(client, [uri], { where, argument });
  // What S3Prefix would match beside the object itself (one page is enough to tell).
  const { ListObjectsV2Command } = await loadS3();
  let matching: { Key?: string }[];
  try {
    matching = (await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key }))).Contents ?? [];
  } catch (error) {
    throw new S3SourceError(uri, 'request-failed', `cannot list the keys that start with this one (${String(error)})`, {
      cause: error,
    });
  }
  const others = matching.flatMap((o) => (o.Key === undefined || o.Key === key ? [] : [`s3://${bucket}/${o.Key}`]));
  if (others.length > 0)
    throw new InvalidArgumentError(
      where,
      argument,
      uri,
      `an object no other key starts with, or a folder prefix ending in / (SageMaker reads an S3Prefix channel as a key prefix: ${others
        .slice(0, 3)
        .join(', ')}${others.length > 3 ? ', …' : ''} would be read too)`,
    );
  return object === undefined ? [] : [object];
}

/** `relative` (a key below a channel prefix) as a relative file path, refusing keys that would leave the folder. */
function relativeChannelPath(relative: string, uri: string, where: string, argument: string): string {
  const parts = relative.split('/');
  if (parts.some((part) => part === '' || part === '.' || part === '..'))
    throw new InvalidArgumentError(
      where,
      argument,
      uri,
      `a prefix whose keys are plain relative paths (${JSON.stringify(relative)} has an empty, "." or ".." segment)`,
    );
  return parts.join(path.sep);
}

/**
 * Copies an S3 channel (see {@link listS3Channel}) into `dir`, streaming each object to a file, as
 * SageMaker's File mode copies a channel to `/opt/ml/input/data/<channel>/` before training: keys
 * below a prefix keep their relative paths, an object keeps its name. Returns `dir`.
 *
 * @throws as {@link listS3Channel}; {@link S3SourceError} when an object cannot be read.
 *
 * @example
 * ```ts
 * await downloadS3Channel(s3, 's3://my-bucket/features/first5/train/', 'work/first5/input/train', 'LocalBackend', 'train');
 * ```
 */
export async function downloadS3Channel(
  client: S3Client,
  uri: string,
  dir: string,
  where: string,
  argument: string,
  options: { signal?: AbortSignal } = {},
): Promise<string> {
  const objects = await listS3Channel(client, uri, where, argument);
  const { key } = parseS3Uri(uri, where, argument);
  for (const object of objects) {
    const relative = isS3Prefix(uri)
      ? relativeChannelPath(object.key.slice(key.length), uri, where, argument)
      : path.basename(object.key);
    const file = path.join(dir, relative);
    await mkdir(path.dirname(file), { recursive: true });
    await pipeline(s3ObjectChunks(client, object, options), createWriteStream(file));
  }
  return dir;
}

/**
 * The text of an S3 object (a labelled test CSV), read with `client` or a client from the AWS
 * environment that is destroyed after.
 *
 * @throws {S3UriError} / {@link S3SourceError} naming the URI.
 *
 * @example
 * ```ts
 * const csv = await readS3Text('s3://my-bucket/features/first5/test.csv');
 * ```
 */
export async function readS3Text(uri: string, client?: S3Client, where = 'readS3Text'): Promise<string> {
  if (!isS3Uri(uri)) throw new InvalidArgumentError(where, 'uri', uri, 'an S3 URI');
  const s3 = client ?? (await createS3Client());
  try {
    const [object] = await listS3Objects(s3, [uri], { where, argument: 'uri' });
    const chunks: Buffer[] = [];
    if (object !== undefined) for await (const chunk of s3ObjectChunks(s3, object)) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    if (client === undefined) s3.destroy();
  }
}
