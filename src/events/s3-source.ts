import type { S3Client } from '@aws-sdk/client-s3';
import { InvalidArgumentError } from '../errors.js';
import type { TextSource } from '../frame/text-source.js';
import { S3SourceError } from './s3-errors.js';
import { isS3Prefix, isS3Uri, parseS3Uri } from './s3-uri.js';

/** How sources on S3 are reached. */
export interface S3ReadOptions {
  /**
   * The S3 client (its region, credentials, endpoint and retries). Default: a client built from
   * the usual AWS environment (`AWS_REGION`, the credential chain, `AWS_ENDPOINT_URL_S3` or
   * `AWS_ENDPOINT_URL`), with path-style addressing when the endpoint comes from the environment
   * (S3-compatible servers need it), destroyed when the reading ends. A client you pass is yours
   * to destroy.
   */
  readonly client?: S3Client;
  /** Aborts listing and reading. */
  readonly signal?: AbortSignal;
}

/** One S3 object, as a prefix listing or a `HeadObject` found it. */
export interface S3ObjectEntry {
  /** `s3://bucket/key` of the object itself. */
  readonly uri: string;
  readonly bucket: string;
  readonly key: string;
  /** Size in bytes. */
  readonly size: number;
  /** The ETag seen when the object was listed: reading fails if the object changes after. */
  readonly etag: string | undefined;
}

/** Options of {@link listS3Objects}. */
export interface ListS3ObjectsOptions {
  /** Keeps only the keys (below a prefix) for which it returns true; objects named exactly are always kept. */
  readonly filter?: (relativeKey: string) => boolean;
  /** The function and argument named in errors. Default `'listS3Objects'`, `'uris'`. */
  readonly where?: string;
  readonly argument?: string;
  readonly signal?: AbortSignal;
  /** Keys per `ListObjectsV2` page (1 to 1000). Default 1000, S3's maximum. */
  readonly pageSize?: number;
}

type S3Module = typeof import('@aws-sdk/client-s3');
let s3Module: Promise<S3Module> | undefined;

/**
 * The AWS SDK's S3 module, loaded on first use only: importing the package never loads it.
 *
 * @example
 * ```ts
 * const { HeadObjectCommand } = await loadS3();
 * ```
 */
export function loadS3(): Promise<S3Module> {
  s3Module ??= import('@aws-sdk/client-s3');
  return s3Module;
}

/**
 * An S3 client from the usual AWS environment: region and credentials from the SDK's default
 * chain, the endpoint from `AWS_ENDPOINT_URL_S3` or `AWS_ENDPOINT_URL` when set (then with
 * path-style addressing, as S3-compatible servers such as MinIO or s3rver need), adaptive retries.
 * The SDK is loaded when this is first called.
 *
 * @example
 * ```ts
 * const s3 = await createS3Client();
 * const objects = await listS3Objects(s3, ['s3://my-bucket/logs/']);
 * s3.destroy();
 * ```
 */
export async function createS3Client(): Promise<S3Client> {
  const { S3Client } = await loadS3();
  const endpoint = process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL;
  return new S3Client({ retryMode: 'adaptive', forcePathStyle: endpoint !== undefined && endpoint !== '' });
}

/** What the SDK's errors carry that tells the cases apart. */
interface SdkErrorShape {
  readonly name?: string;
  readonly Code?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/** The typed error for a failed S3 call about `uri`. */
function s3Failure(uri: string, operation: string, error: unknown): S3SourceError {
  if (error instanceof S3SourceError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const status = e.$metadata?.httpStatusCode;
  const s3Code = e.Code ?? e.name;
  const detail = `${s3Code ?? 'error'}${status !== undefined ? ` HTTP ${status}` : ''}${e.message !== undefined && e.message !== s3Code && e.message !== 'UnknownError' ? `: ${e.message}` : ''}`;
  const options = {
    cause: error,
    ...(s3Code !== undefined ? { s3Code } : {}),
    ...(status !== undefined ? { httpStatus: status } : {}),
  };
  if (
    status === 403 ||
    s3Code === 'AccessDenied' ||
    s3Code === 'InvalidAccessKeyId' ||
    s3Code === 'SignatureDoesNotMatch'
  )
    return new S3SourceError(
      uri,
      'access-denied',
      `access denied by S3 to ${operation} (${detail}; check the credentials, the bucket policy and the role)`,
      options,
    );
  if (s3Code === 'NoSuchBucket') return new S3SourceError(uri, 'no-such-bucket', `no such bucket (${detail})`, options);
  if (status === 404 || s3Code === 'NoSuchKey' || s3Code === 'NotFound')
    return new S3SourceError(uri, 'no-such-object', `no such object (${detail})`, options);
  return new S3SourceError(uri, 'request-failed', `${operation} failed (${detail})`, options);
}

/** UTF-8 binary order, the order S3 lists keys in. */
function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Resolves S3 URIs to the objects they name, before anything is read: a URI whose key ends with
 * `/` (or is empty) is a prefix and stands for every object under it, in key order (folder
 * markers, keys ending with `/`, left out); any other URI is one object, checked with
 * `HeadObject`. Sizes and ETags come back with each object.
 *
 * @throws {S3UriError} for a malformed URI.
 * @throws {S3SourceError} naming the URI: no such object (with a hint when objects exist under
 *   `key/`), no such bucket, a prefix with no object, access denied, or another failed request.
 *
 * @example
 * ```ts
 * const objects = await listS3Objects(s3, ['s3://my-bucket/logs/2019-07/', 's3://my-bucket/single.txt.gz']);
 * objects.map((o) => o.uri); // ['s3://my-bucket/logs/2019-07/mixed-1.txt', …, 's3://my-bucket/single.txt.gz']
 * ```
 */
export async function listS3Objects(
  client: S3Client,
  uris: readonly string[],
  options: ListS3ObjectsOptions = {},
): Promise<S3ObjectEntry[]> {
  const { where = 'listS3Objects', argument = 'uris', filter, signal, pageSize = 1000 } = options;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000)
    throw new InvalidArgumentError(where, 'pageSize', pageSize, 'an integer from 1 to 1000');
  const { HeadObjectCommand, ListObjectsV2Command } = await loadS3();
  const out: S3ObjectEntry[] = [];
  for (const [i, uri] of uris.entries()) {
    const { bucket, key } = parseS3Uri(uri, where, uris.length === 1 ? argument : `${argument}[${i}]`);
    if (isS3Prefix(uri)) {
      const found: S3ObjectEntry[] = [];
      let token: string | undefined;
      do {
        let page;
        try {
          page = await client.send(
            new ListObjectsV2Command({
              Bucket: bucket,
              Prefix: key,
              MaxKeys: pageSize,
              ...(token !== undefined ? { ContinuationToken: token } : {}),
            }),
            { abortSignal: signal },
          );
        } catch (error) {
          throw s3Failure(uri, 'list the prefix (ListObjectsV2)', error);
        }
        for (const object of page.Contents ?? []) {
          const objectKey = object.Key;
          if (objectKey === undefined || objectKey.endsWith('/')) continue;
          if (filter !== undefined && !filter(objectKey.slice(key.length))) continue;
          found.push({
            uri: `s3://${bucket}/${objectKey}`,
            bucket,
            key: objectKey,
            size: object.Size ?? 0,
            etag: object.ETag,
          });
        }
        token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
      if (found.length === 0)
        throw new S3SourceError(uri, 'empty-prefix', 'no object under this prefix (expected at least one object)');
      out.push(...found.sort((a, b) => compareKeys(a.key, b.key)));
      continue;
    }
    try {
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
      out.push({ uri, bucket, key, size: head.ContentLength ?? 0, etag: head.ETag });
    } catch (error) {
      const failure = s3Failure(uri, 'read the object (HeadObject)', error);
      if (failure.problem !== 'no-such-object') throw failure;
      throw await withFolderHint(client, failure, bucket, key, signal);
    }
  }
  return out;
}

/** A missing object's error, with a hint when `key/` is a prefix holding objects (the URI lacks its trailing slash). */
async function withFolderHint(
  client: S3Client,
  failure: S3SourceError,
  bucket: string,
  key: string,
  signal: AbortSignal | undefined,
): Promise<S3SourceError> {
  const { ListObjectsV2Command } = await loadS3();
  try {
    // One page is enough to tell; no MaxKeys, so a small folder fits in it whole.
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${key}/` }), {
      abortSignal: signal,
    });
    if ((page.KeyCount ?? page.Contents?.length ?? 0) === 0) return failure;
  } catch {
    return failure;
  }
  return new S3SourceError(
    failure.uri,
    'no-such-object',
    `no such object, but s3://${bucket}/${key}/ holds objects (end the URI with / to read every object under the prefix)`,
    {
      cause: failure.cause,
      ...(failure.s3Code !== undefined ? { s3Code: failure.s3Code } : {}),
      ...(failure.httpStatus !== undefined ? { httpStatus: failure.httpStatus } : {}),
    },
  );
}

/**
 * The bytes of one S3 object, streamed with one `GetObject` as they arrive from the network: the
 * object is never held whole in memory. The request is sent when iteration starts, with the
 * listed ETag as `If-Match`, so an object replaced after listing fails instead of mixing versions;
 * stopping early closes the connection.
 *
 * @throws {S3SourceError} naming the object's URI when S3 refuses the request.
 *
 * @example
 * ```ts
 * for await (const chunk of s3ObjectChunks(s3, object)) bytes += chunk.length;
 * ```
 */
export async function* s3ObjectChunks(
  client: S3Client,
  object: S3ObjectEntry,
  options: { signal?: AbortSignal } = {},
): AsyncGenerator<Uint8Array> {
  const { GetObjectCommand } = await loadS3();
  let body: AsyncIterable<Uint8Array> & { destroy?: () => void };
  try {
    const output = await client.send(
      new GetObjectCommand({
        Bucket: object.bucket,
        Key: object.key,
        ...(object.etag !== undefined ? { IfMatch: object.etag } : {}),
      }),
      { abortSignal: options.signal },
    );
    if (output.Body === undefined) throw new S3SourceError(object.uri, 'request-failed', 'GetObject returned no body');
    body = output.Body as unknown as AsyncIterable<Uint8Array> & { destroy?: () => void };
  } catch (error) {
    const e = error as SdkErrorShape;
    if (e.$metadata?.httpStatusCode === 412 || e.name === 'PreconditionFailed')
      throw new S3SourceError(
        object.uri,
        'request-failed',
        'the object changed after it was listed (its ETag no longer matches); read it again',
        {
          cause: error,
          httpStatus: 412,
        },
      );
    throw s3Failure(object.uri, 'read the object (GetObject)', error);
  }
  try {
    for await (const chunk of body) yield chunk;
  } finally {
    body.destroy?.();
  }
}

/** Sources of a reader with its S3 URIs resolved into streams; see {@link openS3Sources}. */
export interface OpenedS3Sources {
  /** The sources in order, each S3 URI replaced by its objects as `{ stream, name: uri }`. */
  readonly sources: TextSource[];
  /** The bytes of the S3 objects that are not gzip by name (to size a reader's arrays). */
  readonly plainBytes: number;
  /** Releases the client when it was created here. */
  close(): void;
}

/** The S3 URI a source names (`'s3://…'` or `{ path: 's3://…' }`), else undefined. */
function s3UriOf(source: TextSource): string | undefined {
  if (typeof source === 'string') return isS3Uri(source) ? source : undefined;
  if (
    typeof source === 'object' &&
    source !== null &&
    !(source instanceof Uint8Array) &&
    'path' in source &&
    typeof source.path === 'string' &&
    isS3Uri(source.path)
  )
    return source.path;
  return undefined;
}

/**
 * Replaces the S3 URIs among a reader's sources (a string `s3://bucket/key`, a prefix ending in
 * `/`, or `{ path: 's3://…' }`) by streams of their objects, resolved up front with
 * {@link listS3Objects} so a missing object, an empty prefix or an access error fails before any
 * reading. Each object keeps its URI as its name, so parse errors read `s3://bucket/key:12:3: …`;
 * gzip is decided by the magic bytes as for local files. Other sources pass through untouched,
 * and no S3 client is created (nor the SDK loaded) when there is no S3 URI.
 *
 * @throws {InvalidArgumentError} when an object comes twice (its events would count twice).
 * @throws {S3UriError} / {@link S3SourceError} as {@link listS3Objects}.
 *
 * @example
 * ```ts
 * const { sources, close } = await openS3Sources(['s3://my-bucket/logs/', 'local.txt'], {}, 'readEventLog');
 * try { for (const source of sources) await tokenizeSource(source, {}, onRow); } finally { close(); }
 * ```
 */
export async function openS3Sources(
  list: readonly TextSource[],
  options: S3ReadOptions = {},
  where = 'read',
): Promise<OpenedS3Sources> {
  if (!list.some((source) => s3UriOf(source) !== undefined))
    return { sources: [...list], plainBytes: 0, close: () => undefined };
  const owned = options.client === undefined;
  const client = options.client ?? (await createS3Client());
  const close = (): void => {
    if (owned) client.destroy();
  };
  try {
    const sources: TextSource[] = [];
    const seen = new Map<string, string>();
    let plainBytes = 0;
    for (const [i, source] of list.entries()) {
      const uri = s3UriOf(source);
      if (uri === undefined) {
        sources.push(source);
        continue;
      }
      const argument = list.length === 1 ? 'sources' : `sources[${i}]`;
      const objects = await listS3Objects(client, [uri], {
        where,
        argument,
        ...(options.signal !== undefined ? { signal: options.signal } : {}),
      });
      for (const object of objects) {
        const before = seen.get(object.uri);
        if (before !== undefined)
          throw new InvalidArgumentError(
            where,
            'sources',
            uri,
            `each object once (${object.uri} comes from both ${JSON.stringify(before)} and ${JSON.stringify(uri)}: its events would count twice)`,
          );
        seen.set(object.uri, uri);
        if (!object.key.endsWith('.gz')) plainBytes += object.size;
        const signal = options.signal;
        sources.push({
          stream: s3ObjectChunks(client, object, signal !== undefined ? { signal } : {}),
          name: object.uri,
        });
      }
    }
    return { sources, plainBytes, close };
  } catch (error) {
    close();
    throw error;
  }
}
