import type {
  CreateEndpointCommandInput,
  CreateEndpointConfigCommandInput,
  CreateModelCommandInput,
  CreateTransformJobCommandInput,
  ProductionVariantInstanceType,
  TransformInstanceType,
} from '@aws-sdk/client-sagemaker';
import { InvalidArgumentError } from '../errors.js';
import { checkPositiveInteger, checkResourceName, checkRoleArn, toAwsTags, type TagRecord } from './resource-names.js';
import { parseS3Uri } from './s3-objects.js';

/** Inputs of {@link buildCreateModelRequest}. */
export interface ModelRequestOptions {
  readonly modelName: string;
  /** The serving image; for built-in XGBoost the same image that trained the model. */
  readonly imageUri: string;
  /** `s3://…/model.tar.gz`, a training job's `ModelArtifacts.S3ModelArtifacts`. */
  readonly artifact: string;
  readonly role: string;
  /** Container environment, e.g. `{ SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT: 'text/csv' }`. */
  readonly environment?: Readonly<Record<string, string>>;
  readonly tags?: TagRecord;
}

/**
 * Builds `CreateModel`: one primary container (image and `model.tar.gz`) and the execution role.
 *
 * @throws {InvalidArgumentError} for a bad name or role; {@link S3UriError} for a bad artifact URI.
 *
 * @example
 * ```ts
 * await sagemaker.send(new CreateModelCommand(buildCreateModelRequest({
 *   modelName: 'sentry-first-5',
 *   imageUri: xgboostImageUri('us-east-1'),
 *   artifact: 's3://my-bucket/sentry/sentry-first-5/output/sentry-first-5/output/model.tar.gz',
 *   role: 'arn:aws:iam::123456789012:role/SageMakerSentry',
 * })));
 * ```
 */
export function buildCreateModelRequest(options: ModelRequestOptions): CreateModelCommandInput {
  const where = 'buildCreateModelRequest';
  const { modelName, imageUri, artifact, role, environment, tags } = options;
  checkResourceName(where, 'modelName', modelName);
  checkRoleArn(where, 'role', role);
  parseS3Uri(artifact, where, 'artifact');
  if (typeof imageUri !== 'string' || imageUri.length === 0) {
    throw new InvalidArgumentError(where, 'imageUri', imageUri, 'an ECR image URI');
  }
  return {
    ModelName: modelName,
    PrimaryContainer: {
      Image: imageUri,
      ModelDataUrl: artifact,
      ...(environment !== undefined ? { Environment: { ...environment } } : {}),
    },
    ExecutionRoleArn: role,
    Tags: toAwsTags(tags, where),
  };
}

/** Inputs of {@link buildEndpointConfigRequest}. */
export interface EndpointConfigRequestOptions {
  readonly endpointConfigName: string;
  readonly modelName: string;
  /** Default `'ml.t2.medium'`, the cheapest real-time instance. */
  readonly instanceType?: ProductionVariantInstanceType;
  /** Default 1. */
  readonly instanceCount?: number;
  /** Default `'AllTraffic'`, the name the SageMaker console and Python SDK use. */
  readonly variantName?: string;
  readonly tags?: TagRecord;
}

/**
 * Builds `CreateEndpointConfig` with one production variant serving `modelName` on all traffic.
 *
 * @throws {InvalidArgumentError} for a bad name or instance count.
 *
 * @example
 * ```ts
 * await sagemaker.send(new CreateEndpointConfigCommand(buildEndpointConfigRequest({
 *   endpointConfigName: 'sentry-first-5',
 *   modelName: 'sentry-first-5',
 * })));
 * ```
 */
export function buildEndpointConfigRequest(options: EndpointConfigRequestOptions): CreateEndpointConfigCommandInput {
  const where = 'buildEndpointConfigRequest';
  const {
    endpointConfigName,
    modelName,
    instanceType = 'ml.t2.medium',
    instanceCount = 1,
    variantName = 'AllTraffic',
    tags,
  } = options;
  checkResourceName(where, 'endpointConfigName', endpointConfigName);
  checkResourceName(where, 'modelName', modelName);
  checkPositiveInteger(where, 'instanceCount', instanceCount);
  return {
    EndpointConfigName: endpointConfigName,
    ProductionVariants: [
      {
        VariantName: variantName,
        ModelName: modelName,
        InstanceType: instanceType,
        InitialInstanceCount: instanceCount,
        InitialVariantWeight: 1,
      },
    ],
    Tags: toAwsTags(tags, where),
  };
}

/**
 * Builds `CreateEndpoint` for an existing endpoint config.
 *
 * @throws {InvalidArgumentError} for a bad name.
 *
 * @example
 * ```ts
 * await sagemaker.send(new CreateEndpointCommand(buildCreateEndpointRequest({
 *   endpointName: 'sentry-first-5',
 *   endpointConfigName: 'sentry-first-5',
 * })));
 * ```
 */
export function buildCreateEndpointRequest(options: {
  readonly endpointName: string;
  readonly endpointConfigName: string;
  readonly tags?: TagRecord;
}): CreateEndpointCommandInput {
  const where = 'buildCreateEndpointRequest';
  checkResourceName(where, 'endpointName', options.endpointName);
  checkResourceName(where, 'endpointConfigName', options.endpointConfigName);
  return {
    EndpointName: options.endpointName,
    EndpointConfigName: options.endpointConfigName,
    Tags: toAwsTags(options.tags, where),
  };
}

/** Inputs of {@link buildTransformJobRequest}. */
export interface TransformJobRequestOptions {
  readonly jobName: string;
  readonly modelName: string;
  /** S3 prefix or object of CSV feature rows (no label, no header). */
  readonly input: string;
  /** S3 prefix for the output; each input object `x` gives `<outputPath>/x.out`. */
  readonly outputPath: string;
  /** Default `'ml.m5.large'`. */
  readonly instanceType?: TransformInstanceType;
  /** Default 1. */
  readonly instanceCount?: number;
  /** Size of one mini-batch request. Default 6 (MB, the container's limit); at most 100. */
  readonly maxPayloadInMb?: number;
  /** Requests in flight per instance; `maxConcurrentTransforms × maxPayloadInMb` must be ≤ 100. */
  readonly maxConcurrentTransforms?: number;
  readonly tags?: TagRecord;
}

/**
 * Builds `CreateTransformJob` for CSV rows: `SplitType: 'Line'` input with `text/csv`,
 * `MultiRecord` batches, output assembled by line with `Accept: 'text/csv'`, so the output file
 * has one score per input line, in order.
 *
 * @throws {InvalidArgumentError} for a bad name or payload setting; {@link S3UriError} for bad S3 URIs.
 *
 * @example
 * ```ts
 * await sagemaker.send(new CreateTransformJobCommand(buildTransformJobRequest({
 *   jobName: 'sentry-first-5-testday',
 *   modelName: 'sentry-first-5',
 *   input: 's3://my-bucket/sentry/testday/features.csv',
 *   outputPath: 's3://my-bucket/sentry/testday/scores',
 * })));
 * ```
 */
export function buildTransformJobRequest(options: TransformJobRequestOptions): CreateTransformJobCommandInput {
  const where = 'buildTransformJobRequest';
  const {
    jobName,
    modelName,
    input,
    outputPath,
    instanceType = 'ml.m5.large',
    instanceCount = 1,
    maxPayloadInMb = 6,
    maxConcurrentTransforms,
    tags,
  } = options;
  checkResourceName(where, 'jobName', jobName);
  checkResourceName(where, 'modelName', modelName);
  checkPositiveInteger(where, 'instanceCount', instanceCount);
  parseS3Uri(input, where, 'input');
  parseS3Uri(outputPath, where, 'outputPath');
  if (!Number.isInteger(maxPayloadInMb) || maxPayloadInMb < 1 || maxPayloadInMb > 100) {
    throw new InvalidArgumentError(
      where,
      'maxPayloadInMb',
      maxPayloadInMb,
      'an integer from 1 to 100 (0, chunked, is not supported by built-in XGBoost)',
    );
  }
  if (maxConcurrentTransforms !== undefined) {
    checkPositiveInteger(where, 'maxConcurrentTransforms', maxConcurrentTransforms);
    if (maxConcurrentTransforms * maxPayloadInMb > 100) {
      throw new InvalidArgumentError(
        where,
        'maxConcurrentTransforms',
        maxConcurrentTransforms,
        `at most ${Math.floor(100 / maxPayloadInMb)} (times maxPayloadInMb must be ≤ 100)`,
      );
    }
  }
  return {
    TransformJobName: jobName,
    ModelName: modelName,
    BatchStrategy: 'MultiRecord',
    MaxPayloadInMB: maxPayloadInMb,
    ...(maxConcurrentTransforms !== undefined ? { MaxConcurrentTransforms: maxConcurrentTransforms } : {}),
    TransformInput: {
      DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: input } },
      ContentType: 'text/csv',
      CompressionType: 'None',
      SplitType: 'Line',
    },
    TransformOutput: { S3OutputPath: outputPath, Accept: 'text/csv', AssembleWith: 'Line' },
    TransformResources: { InstanceType: instanceType, InstanceCount: instanceCount },
    Tags: toAwsTags(tags, where),
  };
}
