import { SessionSentryError } from '../errors.js';

/**
 * No built-in XGBoost image is known for a region or version. The message names the argument,
 * the value and the values that are known, so a typo (`us-east1`, `1.7`) is obvious.
 *
 * @example
 * ```ts
 * try {
 *   xgboostImageUri('mars-north-1');
 * } catch (err) {
 *   if (err instanceof ImageUriError) console.error(err.argument, err.value); // 'region', 'mars-north-1'
 * }
 * ```
 */
export class ImageUriError extends SessionSentryError {
  declare readonly code: 'ERR_IMAGE_URI';
  /** `'region'` or `'version'`. */
  readonly argument: 'region' | 'version';
  readonly value: string;

  constructor(argument: 'region' | 'version', value: string, known: readonly string[]) {
    super(
      'ERR_IMAGE_URI',
      `xgboostImageUri: ${argument} ${JSON.stringify(value)} has no built-in SageMaker XGBoost image ` +
        `(expected one of ${known.join(', ')}; pass imageUri to use another image)`,
    );
    this.argument = argument;
    this.value = value;
  }
}

export { S3UriError } from '../events/s3-errors.js';

/**
 * An AWS call (SageMaker, SageMaker Runtime or S3) failed after the client's retries. Carries the
 * operation, the resource it was about, and the service's error name and HTTP status; the SDK's
 * exception is the `cause`.
 *
 * @example
 * ```ts
 * try {
 *   await backend.createModel('m1', 's3://bucket/prefix/job/output/model.tar.gz');
 * } catch (err) {
 *   if (err instanceof AwsRequestError && err.awsErrorName === 'ResourceLimitExceeded') {
 *     console.error('ask AWS for a higher quota:', err.message);
 *   }
 * }
 * ```
 */
export class AwsRequestError extends SessionSentryError {
  declare readonly code: 'ERR_AWS_REQUEST';
  /** The API operation, e.g. `CreateTrainingJob`. */
  readonly operation: string;
  /** The job, model, endpoint or S3 object the call was about. */
  readonly resource: string;
  /** The service's error name, e.g. `ThrottlingException`, `ValidationException`. */
  readonly awsErrorName: string;
  /** The HTTP status of the last attempt, when the service answered. */
  readonly httpStatus: number | undefined;
  /** How many attempts the client made (retries included). */
  readonly attempts: number | undefined;

  constructor(operation: string, resource: string, cause: unknown) {
    const info = awsErrorInfo(cause);
    const status = info.httpStatus !== undefined ? ` HTTP ${info.httpStatus}` : '';
    const attempts =
      info.attempts !== undefined ? ` after ${info.attempts} attempt${info.attempts === 1 ? '' : 's'}` : '';
    super(
      'ERR_AWS_REQUEST',
      `${operation} ${JSON.stringify(resource)} failed${attempts}: ${info.name}${status}: ${info.message}`,
      { cause },
    );
    this.operation = operation;
    this.resource = resource;
    this.awsErrorName = info.name;
    this.httpStatus = info.httpStatus;
    this.attempts = info.attempts;
  }
}

/**
 * A waiter gave up: the resource did not reach a final state within `maxWaitSeconds`. The
 * resource keeps running on AWS; stop or delete it.
 *
 * @example
 * ```ts
 * try {
 *   await backend.waitForTrainingJob('job-1');
 * } catch (err) {
 *   if (err instanceof WaitTimeoutError) await backend.stopTrainingJob(err.resource);
 * }
 * ```
 */
export class WaitTimeoutError extends SessionSentryError {
  declare readonly code: 'ERR_WAIT_TIMEOUT';
  readonly resource: string;
  readonly seconds: number;

  constructor(
    what: string,
    resource: string,
    seconds: number,
    lastStatus: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(
      'ERR_WAIT_TIMEOUT',
      `waiting for ${what} ${JSON.stringify(resource)} timed out after ${seconds} s ` +
        `(last status ${lastStatus ?? 'unknown'}; expected a final status)`,
      options,
    );
    this.resource = resource;
    this.seconds = seconds;
  }
}

/**
 * An endpoint or batch transform answered something other than one score per input row.
 *
 * @example
 * ```ts
 * try {
 *   await backend.invokeEndpoint('ep-1', '1,2,3\n4,5,6\n');
 * } catch (err) {
 *   if (err instanceof PredictionCountError) console.error(err.expected, err.actual);
 * }
 * ```
 */
export class PredictionCountError extends SessionSentryError {
  declare readonly code: 'ERR_PREDICTION_COUNT';
  readonly expected: number;
  readonly actual: number;

  constructor(source: string, expected: number, actual: number) {
    super(
      'ERR_PREDICTION_COUNT',
      `${source}: got ${actual} prediction${actual === 1 ? '' : 's'} for ${expected} input ` +
        `row${expected === 1 ? '' : 's'} (expected one per row)`,
    );
    this.expected = expected;
    this.actual = actual;
  }
}

/** The parts of an AWS SDK v3 exception this library reports. */
export interface AwsErrorInfo {
  readonly name: string;
  readonly message: string;
  readonly httpStatus: number | undefined;
  readonly attempts: number | undefined;
}

/**
 * Reads the name, message, HTTP status and attempt count of an AWS SDK v3 exception (or anything
 * thrown), without assuming its class.
 *
 * @example
 * ```ts
 * const { name, httpStatus } = awsErrorInfo(err); // 'ThrottlingException', 400
 * ```
 */
export function awsErrorInfo(error: unknown): AwsErrorInfo {
  if (typeof error !== 'object' || error === null) {
    return { name: 'Error', message: String(error), httpStatus: undefined, attempts: undefined };
  }
  const record = error as {
    name?: unknown;
    message?: unknown;
    $metadata?: { httpStatusCode?: unknown; attempts?: unknown };
  };
  const meta = record.$metadata;
  return {
    name: typeof record.name === 'string' ? record.name : 'Error',
    message: typeof record.message === 'string' ? record.message : '',
    httpStatus: typeof meta?.httpStatusCode === 'number' ? meta.httpStatusCode : undefined,
    attempts: typeof meta?.attempts === 'number' ? meta.attempts : undefined,
  };
}

/**
 * True when an AWS error says the resource does not exist: SageMaker answers `ValidationException`
 * with "Could not find …" for models, endpoint configs and endpoints, `ResourceNotFound` for jobs;
 * S3 answers `NoSuchKey`/`NotFound`.
 *
 * @example
 * ```ts
 * try { await sm.send(new DeleteModelCommand({ ModelName: 'm' })); }
 * catch (err) { if (!isNotFoundError(err)) throw err; }
 * ```
 */
export function isNotFoundError(error: unknown): boolean {
  const { name, message } = awsErrorInfo(error);
  if (
    name === 'ResourceNotFound' ||
    name === 'ResourceNotFoundException' ||
    name === 'NoSuchKey' ||
    name === 'NotFound'
  ) {
    return true;
  }
  return name === 'ValidationException' && /could not find|does not exist|not found/i.test(message);
}

/**
 * A training artifact is in a format the library cannot read: the Python pickle that the 0.90-x
 * to 1.2-x images write (a pickle is a Python program, not data, and is never executed here).
 *
 * @example
 * ```ts
 * try {
 *   await backend.loadModel(artifact);
 * } catch (err) {
 *   if (err instanceof UnsupportedArtifactError) console.error(err.message); // retrain with 1.3-1 or later
 * }
 * ```
 */
export class UnsupportedArtifactError extends SessionSentryError {
  declare readonly code: 'ERR_UNSUPPORTED_ARTIFACT';
  readonly artifact: string;

  constructor(artifact: string, member: string, problem: string, expected: string) {
    super('ERR_UNSUPPORTED_ARTIFACT', `${artifact}:${member}: ${problem} (expected ${expected})`);
    this.artifact = artifact;
  }
}
