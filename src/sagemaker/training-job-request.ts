import type { Channel, CreateTrainingJobCommandInput, TrainingInstanceType } from '@aws-sdk/client-sagemaker';
import { InvalidArgumentError } from '../errors.js';
import type { HyperparameterStrings } from '../train/backend.js';
import { checkPositiveInteger, checkResourceName, checkRoleArn, toAwsTags, type TagRecord } from './resource-names.js';
import { parseS3Uri } from './s3-objects.js';

/** Managed spot training: pay spot prices, wait up to `maxWaitSeconds` (≥ the max runtime) for capacity. */
export interface SpotTrainingOptions {
  /** Total time SageMaker may spend waiting for spot capacity plus training. */
  readonly maxWaitSeconds: number;
  /** Where SageMaker keeps checkpoints across spot interruptions (optional for built-in XGBoost). */
  readonly checkpointS3Uri?: string;
}

/** The compute, time limit, spot and tag settings of a training job, shared by the request builder and the backend. */
export interface TrainingResourceOptions {
  /** Training instance type. Default `'ml.m5.xlarge'`. */
  readonly instanceType?: TrainingInstanceType;
  /** Training instances per job. Default 1. */
  readonly instanceCount?: number;
  /**
   * How the `train` channel reaches the instances (`S3DataDistributionType`). `FullyReplicated`
   * (the default): every instance gets every file, so with several instances XGBoost's distributed
   * training sees each row once per instance. `ShardedByS3Key`: each instance gets its share of the
   * channel's files (the backend uploads a local training file split into `instanceCount` files at
   * row boundaries), so each trains on a shard and the instances combine their gradient statistics:
   * faster on large data, but the trees are not bit-identical to one instance's (approximate split
   * candidates come from each shard's sketch, and float sums are added in another order). The
   * `validation` channel is always replicated, so every instance evaluates the same rows.
   */
  readonly distribution?: 'FullyReplicated' | 'ShardedByS3Key';
  /** EBS volume per instance, in GB. Default 30. */
  readonly volumeSizeGb?: number;
  /** Hard stop for each training job. Default 86400 s (one day, SageMaker's default). */
  readonly maxRuntimeSeconds?: number;
  /** Managed spot training; `maxWaitSeconds` must be at least `maxRuntimeSeconds`. */
  readonly spot?: SpotTrainingOptions;
  /** Tags on what is created (find and delete leftovers by tag). */
  readonly tags?: TagRecord;
}

/** Inputs of {@link buildTrainingJobRequest}. */
export interface TrainingJobRequestOptions extends TrainingResourceOptions {
  readonly jobName: string;
  /** The training image, e.g. from `xgboostImageUri(region)`. */
  readonly imageUri: string;
  /** The execution role SageMaker assumes to read the channels and write the artifact. */
  readonly role: string;
  /** S3 prefixes of the CSV channels (label first, no header). `train` is required. */
  readonly channels: { readonly train: string; readonly validation?: string };
  /** S3 prefix for the artifact; SageMaker writes `<outputPath>/<jobName>/output/model.tar.gz`. */
  readonly outputPath: string;
  /** XGBoost hyperparameters, every value a string; `num_round` is required by the container. */
  readonly hyperparameters: HyperparameterStrings;
}

const MAX_HYPERPARAMETERS = 100;
const MAX_HYPERPARAMETER_LENGTH = 256;

/**
 * Builds the `CreateTrainingJob` input for SageMaker's built-in XGBoost from CSV channels in S3:
 * `File` input mode, `train`/`validation` channels with `ContentType: 'text/csv'` (the container's
 * default is libsvm) and `S3Prefix` data, the output path, instance type, count and volume, the
 * stopping condition, optional managed spot training, role, tags and the hyperparameters as
 * strings. Everything SageMaker would reject later is checked here first.
 *
 * @throws {InvalidArgumentError} for a bad name, role, size, hyperparameter or spot setting.
 *
 * @example
 * ```ts
 * const input = buildTrainingJobRequest({
 *   jobName: 'sentry-first-5',
 *   imageUri: xgboostImageUri('us-east-1'),
 *   role: 'arn:aws:iam::123456789012:role/SageMakerSentry',
 *   channels: { train: 's3://my-bucket/sentry/sentry-first-5/train/' },
 *   outputPath: 's3://my-bucket/sentry/sentry-first-5/output',
 *   hyperparameters: { num_round: '50', max_depth: '5', objective: 'binary:logistic' },
 * });
 * await sagemaker.send(new CreateTrainingJobCommand(input));
 * ```
 */
export function buildTrainingJobRequest(options: TrainingJobRequestOptions): CreateTrainingJobCommandInput {
  const where = 'buildTrainingJobRequest';
  const {
    jobName,
    imageUri,
    role,
    channels,
    outputPath,
    hyperparameters,
    instanceType = 'ml.m5.xlarge',
    instanceCount = 1,
    volumeSizeGb = 30,
    maxRuntimeSeconds = 86_400,
    spot,
    tags,
    distribution = 'FullyReplicated',
  } = options;
  checkResourceName(where, 'jobName', jobName);
  checkRoleArn(where, 'role', role);
  if (typeof imageUri !== 'string' || imageUri.length === 0) {
    throw new InvalidArgumentError(where, 'imageUri', imageUri, 'an ECR image URI');
  }
  checkTrainingResources(where, options);
  parseS3Uri(outputPath, where, 'outputPath');
  checkHyperparameters(where, hyperparameters);

  const inputChannels: Channel[] = [csvChannel('train', channels.train, distribution)];
  if (channels.validation !== undefined)
    inputChannels.push(csvChannel('validation', channels.validation, 'FullyReplicated'));

  const input: CreateTrainingJobCommandInput = {
    TrainingJobName: jobName,
    AlgorithmSpecification: { TrainingImage: imageUri, TrainingInputMode: 'File' },
    RoleArn: role,
    InputDataConfig: inputChannels,
    OutputDataConfig: { S3OutputPath: outputPath },
    ResourceConfig: { InstanceType: instanceType, InstanceCount: instanceCount, VolumeSizeInGB: volumeSizeGb },
    StoppingCondition: { MaxRuntimeInSeconds: maxRuntimeSeconds },
    HyperParameters: { ...hyperparameters },
    Tags: toAwsTags(tags, where),
  };
  if (spot !== undefined) {
    input.EnableManagedSpotTraining = true;
    input.StoppingCondition = { MaxRuntimeInSeconds: maxRuntimeSeconds, MaxWaitTimeInSeconds: spot.maxWaitSeconds };
    if (spot.checkpointS3Uri !== undefined) input.CheckpointConfig = { S3Uri: spot.checkpointS3Uri };
  }
  return input;
}

/**
 * Checks the {@link TrainingResourceOptions} SageMaker would reject: counts, sizes and times that
 * are not positive integers, a spot wait shorter than the maximum runtime, a checkpoint location
 * that is no S3 URI, tags SageMaker refuses. The backend runs it when constructed, so a bad setting
 * fails before anything is uploaded.
 *
 * @throws {InvalidArgumentError} naming `where`, the option, its value and what was expected.
 *
 * @example
 * ```ts
 * checkTrainingResources('SageMakerBackend', { maxRuntimeSeconds: 3600, spot: { maxWaitSeconds: 600 } });
 * // InvalidArgumentError: SageMakerBackend: spot.maxWaitSeconds must be at least maxRuntimeSeconds (3600), got 600
 * ```
 */
export function checkTrainingResources(where: string, options: TrainingResourceOptions): void {
  const { instanceCount = 1, volumeSizeGb = 30, maxRuntimeSeconds = 86_400, spot, tags, distribution } = options;
  checkPositiveInteger(where, 'instanceCount', instanceCount);
  if (distribution !== undefined && distribution !== 'FullyReplicated' && distribution !== 'ShardedByS3Key')
    throw new InvalidArgumentError(where, 'distribution', distribution, "'FullyReplicated' or 'ShardedByS3Key'");
  checkPositiveInteger(where, 'volumeSizeGb', volumeSizeGb);
  checkPositiveInteger(where, 'maxRuntimeSeconds', maxRuntimeSeconds);
  if (spot !== undefined) {
    checkPositiveInteger(where, 'spot.maxWaitSeconds', spot.maxWaitSeconds);
    if (spot.maxWaitSeconds < maxRuntimeSeconds) {
      throw new InvalidArgumentError(
        where,
        'spot.maxWaitSeconds',
        spot.maxWaitSeconds,
        `at least maxRuntimeSeconds (${maxRuntimeSeconds})`,
      );
    }
    if (spot.checkpointS3Uri !== undefined) parseS3Uri(spot.checkpointS3Uri, where, 'spot.checkpointS3Uri');
  }
  toAwsTags(tags, where);
}

function csvChannel(
  name: 'train' | 'validation',
  uri: string,
  distribution: 'FullyReplicated' | 'ShardedByS3Key',
): Channel {
  parseS3Uri(uri, 'buildTrainingJobRequest', `channels.${name}`);
  return {
    ChannelName: name,
    ContentType: 'text/csv',
    CompressionType: 'None',
    DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: uri, S3DataDistributionType: distribution } },
  };
}

function checkHyperparameters(where: string, hyperparameters: HyperparameterStrings): void {
  const entries = Object.entries(hyperparameters ?? {});
  if (entries.length > MAX_HYPERPARAMETERS) {
    throw new InvalidArgumentError(
      where,
      'hyperparameters',
      `${entries.length} entries`,
      `at most ${MAX_HYPERPARAMETERS} entries`,
    );
  }
  for (const [key, value] of entries) {
    if (key.length === 0 || key.length > MAX_HYPERPARAMETER_LENGTH) {
      throw new InvalidArgumentError(where, 'hyperparameters key', key, `1-${MAX_HYPERPARAMETER_LENGTH} characters`);
    }
    if (typeof value !== 'string' || value.length > MAX_HYPERPARAMETER_LENGTH) {
      throw new InvalidArgumentError(
        where,
        `hyperparameters.${key}`,
        value,
        `a string of at most ${MAX_HYPERPARAMETER_LENGTH} characters (SageMaker passes hyperparameters as strings)`,
      );
    }
  }
  if (!Object.hasOwn(hyperparameters ?? {}, 'num_round')) {
    throw new InvalidArgumentError(
      where,
      'hyperparameters.num_round',
      undefined,
      'set (the built-in XGBoost requires num_round)',
    );
  }
}
