import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { S3SourceError } from '../events/s3-errors.js';
import { loadS3 } from '../events/s3-source.js';
import { isS3Prefix, parseS3Uri } from '../events/s3-uri.js';

/** Content types of the files an experiment writes, by extension. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.csv': 'text/csv',
  '.json': 'application/json',
  '.html': 'text/html; charset=utf-8',
  '.gz': 'application/gzip',
  '.txt': 'text/plain',
};

/**
 * Checks, before any work, that outputs can go to an S3 prefix: the URI is a folder prefix (ending
 * in `/`) and S3 answers a listing of it (the bucket exists and the credentials may list it).
 *
 * @throws {S3UriError} for a malformed URI; {@link S3SourceError} naming the URI when it is not a
 *   folder prefix, the bucket does not exist or access is denied.
 *
 * @example
 * ```ts
 * await checkS3Output(s3, 's3://my-bucket/experiments/trial-1/', 'runPartialSessionExperiment', 'spec.outDir');
 * ```
 */
export async function checkS3Output(client: S3Client, prefix: string, where: string, argument: string): Promise<void> {
  const { bucket, key } = parseS3Uri(prefix, where, argument);
  if (!isS3Prefix(prefix))
    throw new S3SourceError(prefix, 'request-failed', `${where}: ${argument} must be an S3 folder prefix ending in /`);
  const { ListObjectsV2Command } = await loadS3();
  try {
    await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key }));
  } catch (error) {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    const status = e.$metadata?.httpStatusCode;
    const options = {
      cause: error,
      ...(e.name !== undefined ? { s3Code: e.name } : {}),
      ...(status !== undefined ? { httpStatus: status } : {}),
    };
    if (status === 403)
      throw new S3SourceError(
        prefix,
        'access-denied',
        `access denied by S3 to write here (${e.name} HTTP 403)`,
        options,
      );
    if (e.name === 'NoSuchBucket')
      throw new S3SourceError(prefix, 'no-such-bucket', `no such bucket (${e.name})`, options);
    throw new S3SourceError(prefix, 'request-failed', `cannot list the output prefix (${String(error)})`, options);
  }
}

/**
 * Uploads every file under `dir` to the S3 folder `prefix`, keeping relative paths as keys
 * (`dir/models/first5/model.tar.gz` → `prefix` + `models/first5/model.tar.gz`), streamed from disk
 * (large files as multipart uploads), with a content type from the extension. Returns the URIs
 * in path order.
 *
 * @throws {S3SourceError} / `AwsRequestError` naming the object that S3 refused.
 *
 * @example
 * ```ts
 * await uploadFolder(s3, 'out/trial-1', 's3://my-bucket/experiments/trial-1/');
 * // ['s3://my-bucket/experiments/trial-1/csv/manifest.json', …, 's3://my-bucket/experiments/trial-1/summary.json']
 * ```
 */
export async function uploadFolder(
  client: S3Client,
  dir: string,
  prefix: string,
  options: { signal?: AbortSignal } = {},
): Promise<string[]> {
  const { uploadFile } = await import('../sagemaker/s3-objects.js');
  const files = (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) =>
      path
        .relative(dir, path.join(entry.parentPath ?? entry.path, entry.name))
        .split(path.sep)
        .join('/'),
    )
    .sort();
  const base = prefix.endsWith('/') ? prefix : `${prefix}/`;
  const uris: string[] = [];
  for (const relative of files) {
    const uri = `${base}${relative}`;
    await uploadFile(client, path.join(dir, relative), uri, {
      contentType: CONTENT_TYPES[path.extname(relative).toLowerCase()] ?? 'application/octet-stream',
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
    });
    uris.push(uri);
  }
  return uris;
}
