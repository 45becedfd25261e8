import path from 'node:path';
import { S3UriError } from './s3-errors.js';

/** A bucket and a key: where an S3 object lives. */
export interface S3Location {
  readonly bucket: string;
  readonly key: string;
}

/** S3 bucket names: 3–63 lower-case letters, digits, dots and hyphens, starting and ending alphanumeric. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Whether `value` is meant as an S3 URI: a string that starts with `s3://` (well formed or not;
 * {@link parseS3Uri} says what is wrong with it).
 *
 * @example
 * ```ts
 * isS3Uri('s3://my-bucket/logs/'); // true
 * isS3Uri('logs/mixed-1.txt');     // false
 * ```
 */
export function isS3Uri(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith('s3://');
}

/**
 * Splits `s3://bucket/key/parts` into its bucket and key. The key may be empty (`s3://bucket/`
 * names a bucket prefix); the bucket must be a valid S3 bucket name.
 *
 * @throws {S3UriError} for anything not of the form `s3://bucket[/key]`.
 *
 * @example
 * ```ts
 * parseS3Uri('s3://my-bucket/sentry/job-1/output/model.tar.gz');
 * // { bucket: 'my-bucket', key: 'sentry/job-1/output/model.tar.gz' }
 * ```
 */
export function parseS3Uri(uri: string, where = 'parseS3Uri', argument = 'uri'): S3Location {
  const match = typeof uri === 'string' ? /^s3:\/\/([^/]+)(?:\/(.*))?$/s.exec(uri) : null;
  const bucket = match?.[1];
  if (match === null || bucket === undefined || !BUCKET_NAME.test(bucket)) {
    throw new S3UriError(where, argument, uri, 'an S3 URI of the form s3://bucket/key');
  }
  return { bucket, key: match[2] ?? '' };
}

/**
 * Whether an S3 URI names a folder prefix rather than one object: its key is empty
 * (`s3://bucket/`) or ends with `/` (`s3://bucket/logs/2019-07/`).
 *
 * @example
 * ```ts
 * isS3Prefix('s3://my-bucket/logs/');          // true
 * isS3Prefix('s3://my-bucket/logs/mixed.txt'); // false
 * ```
 */
export function isS3Prefix(uri: string): boolean {
  const { key } = parseS3Uri(uri, 'isS3Prefix');
  return key === '' || key.endsWith('/');
}

/**
 * Resolves a location given relative to `base`, where either may be an S3 URI: an S3 URI stays as
 * it is; a relative path under an S3 `base` is appended to it (as a key below that prefix); a local
 * path is resolved with `path.resolve`. Command lines and experiment files resolve their log and
 * data locations through it, so `s3://` works wherever a path does.
 *
 * @example
 * ```ts
 * resolveLocation('/home/me', 's3://my-bucket/logs/');      // 's3://my-bucket/logs/'
 * resolveLocation('s3://my-bucket/logs', 'mixed-1.txt');    // 's3://my-bucket/logs/mixed-1.txt'
 * resolveLocation('/home/me/exp', 'data/mixed-1.txt');      // '/home/me/exp/data/mixed-1.txt'
 * ```
 */
export function resolveLocation(base: string, location: string): string {
  if (isS3Uri(location)) return location;
  if (isS3Uri(base)) {
    const relative = location.replace(/^(\.\/)+/, '');
    return relative === '' || relative === '.' ? base : `${base.endsWith('/') ? base : `${base}/`}${relative}`;
  }
  return path.resolve(base, location);
}

/**
 * A location as seen from the folder `from`, for records that travel with their folder: a local
 * path relative to `from`, an S3 URI as it is. The inverse of {@link resolveLocation}.
 *
 * @example
 * ```ts
 * relativeLocation('/home/me/feat', '/home/me/data/mixed-1.txt'); // '../data/mixed-1.txt'
 * relativeLocation('/home/me/feat', 's3://my-bucket/logs/');      // 's3://my-bucket/logs/'
 * ```
 */
export function relativeLocation(from: string, location: string): string {
  return isS3Uri(location) ? location : path.relative(from, location);
}
