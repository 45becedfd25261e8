import { SessionSentryError } from '../errors.js';

/**
 * A string is not an S3 URI of the form `s3://bucket/key`.
 *
 * @example
 * ```ts
 * try {
 *   parseS3Uri('https://example.com/model.tar.gz');
 * } catch (err) {
 *   if (err instanceof S3UriError) console.error(err.uri);
 * }
 * ```
 */
export class S3UriError extends SessionSentryError {
  declare readonly code: 'ERR_S3_URI';
  readonly uri: string;

  constructor(where: string, argument: string, uri: string, expected: string) {
    super('ERR_S3_URI', `${where}: ${argument} must be ${expected}, got ${JSON.stringify(uri)}`);
    this.uri = uri;
  }
}

/** Why an S3 source could not be read: see {@link S3SourceError}. */
export type S3SourceProblem = 'no-such-object' | 'no-such-bucket' | 'empty-prefix' | 'access-denied' | 'request-failed';

/**
 * An S3 object or prefix given as a source cannot be read: the object or bucket does not exist,
 * the prefix holds no object, S3 refused access (HTTP 403: `AccessDenied`, an unknown access
 * key, a bad signature), or the request failed otherwise. The message names the URI; `problem`
 * says which case it is, and `cause` holds the SDK's error when there was one.
 *
 * @example
 * ```ts
 * try {
 *   await readEventLog('s3://my-bucket/logs/');
 * } catch (err) {
 *   if (err instanceof S3SourceError && err.problem === 'empty-prefix') console.error(`nothing under ${err.uri}`);
 * }
 * ```
 */
export class S3SourceError extends SessionSentryError {
  declare readonly code: 'ERR_S3_SOURCE';
  readonly uri: string;
  readonly problem: S3SourceProblem;
  /** The S3 error code (`NoSuchKey`, `AccessDenied`, `InvalidAccessKeyId`, …) when S3 answered with one. */
  readonly s3Code: string | undefined;
  /** The HTTP status of S3's answer, when there was one. */
  readonly httpStatus: number | undefined;

  constructor(
    uri: string,
    problem: S3SourceProblem,
    detail: string,
    options: { cause?: unknown; s3Code?: string; httpStatus?: number } = {},
  ) {
    super('ERR_S3_SOURCE', `${uri}: ${detail}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.uri = uri;
    this.problem = problem;
    this.s3Code = options.s3Code;
    this.httpStatus = options.httpStatus;
  }
}
