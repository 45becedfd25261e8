import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient, type SageMakerClientConfig } from '@aws-sdk/client-sagemaker';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { InvalidArgumentError } from '../errors.js';

/** Options of {@link createSageMakerClients}. */
export interface SageMakerClientsOptions {
  /** AWS region; default from the standard chain (`AWS_REGION`, the profile's config). */
  readonly region?: string;
  /** Attempts per call, retries included. Default 5 (the SDK's default is 3). */
  readonly maxAttempts?: number;
  /** Credentials; default the standard chain (environment, SSO, profile, container, instance role). */
  readonly credentials?: SageMakerClientConfig['credentials'];
  /** Endpoint overrides, e.g. VPC endpoints or local servers. */
  readonly endpoints?: { readonly sagemaker?: string; readonly runtime?: string; readonly s3?: string };
  /** Path-style S3 addressing (`https://host/bucket/key`), needed by most S3-compatible servers. Default false. */
  readonly forcePathStyle?: boolean;
}

/** The three clients a {@link SageMakerBackend} talks through. */
export interface SageMakerClients {
  readonly sagemaker: SageMakerClient;
  readonly runtime: SageMakerRuntimeClient;
  readonly s3: S3Client;
}

/**
 * Creates the SageMaker, SageMaker Runtime and S3 clients with `retryMode: 'adaptive'`: throttled
 * calls (`ThrottlingException: Rate exceeded`, common when many jobs are polled at once) are
 * retried with jittered exponential backoff and the client slows its own request rate.
 *
 * @throws {InvalidArgumentError} for a `maxAttempts` below 1.
 *
 * @example
 * ```ts
 * const clients = createSageMakerClients({ region: 'eu-west-1', maxAttempts: 8 });
 * const backend = new SageMakerBackend({ role, bucket: 'my-bucket', ...clients });
 * ```
 */
export function createSageMakerClients(options: SageMakerClientsOptions = {}): SageMakerClients {
  const { region, maxAttempts = 5, credentials, endpoints = {}, forcePathStyle = false } = options;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new InvalidArgumentError('createSageMakerClients', 'maxAttempts', maxAttempts, 'a positive integer');
  }
  const common = {
    retryMode: 'adaptive',
    maxAttempts,
    ...(region !== undefined ? { region } : {}),
    ...(credentials !== undefined ? { credentials } : {}),
  };
  return {
    sagemaker: new SageMakerClient({
      ...common,
      ...(endpoints.sagemaker !== undefined ? { endpoint: endpoints.sagemaker } : {}),
    }),
    runtime: new SageMakerRuntimeClient({
      ...common,
      ...(endpoints.runtime !== undefined ? { endpoint: endpoints.runtime } : {}),
    }),
    s3: new S3Client({ ...common, forcePathStyle, ...(endpoints.s3 !== undefined ? { endpoint: endpoints.s3 } : {}) }),
  };
}
