import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  CreateHyperParameterTuningJobCommand,
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  CreateTrainingJobCommand,
  CreateTransformJobCommand,
  DeleteEndpointCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeTrainingJobCommand,
  StopTrainingJobCommand,
  StopTransformJobCommand,
  type DescribeTrainingJobCommandOutput,
  type ProductionVariantInstanceType,
  type SageMakerClient,
  type TransformInstanceType,
} from '@aws-sdk/client-sagemaker';
import type { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { InvalidArgumentError } from '../errors.js';
import { Booster } from '../model/booster.js';
import { extractModelMember } from '../model/model-tarball.js';
import { CleanupError, ResourceStateError, RunAbortedError, type CleanupFailure } from '../train/train-errors.js';
import type {
  Backend,
  BackendCallOptions,
  BatchTransformOutcome,
  BatchTransformSpec,
  DeleteEndpointOptions,
  EndpointOptions,
  EndpointOutcome,
  HyperparameterStrings,
  ResourceState,
  TrainingJobSpec,
  TrainingOutcome,
} from '../train/backend.js';
import {
  buildCreateEndpointRequest,
  buildCreateModelRequest,
  buildEndpointConfigRequest,
  buildTransformJobRequest,
} from './endpoint-requests.js';
import { DEFAULT_XGBOOST_VERSION, xgboostImageUri } from './image-uri.js';
import { parseScores } from '../serve/parse-scores.js';
import { countCsvRows, splitCsvPayload } from './csv-payload.js';
import { invokeCsvPayloads } from './invoke-endpoint.js';
import { findTaggedResources, type FindTaggedResourcesOptions, type TaggedResources } from './leftovers.js';
import { checkPositiveInteger, checkResourceName, checkRoleArn, type TagRecord } from './resource-names.js';
import { createSageMakerClients } from './sagemaker-clients.js';
import {
  AwsRequestError,
  awsErrorInfo,
  ImageUriError,
  isNotFoundError,
  PredictionCountError,
  UnsupportedArtifactError,
} from './sagemaker-errors.js';
import { downloadObject, parseS3Uri, s3Uri, uploadChannel, uploadFile } from './s3-objects.js';
import {
  finalMetrics,
  loadCloudWatchLogs,
  newStatusTransitions,
  parseXgboostRound,
  TrainingLogTail,
} from './training-logs.js';
import { uploadShardedChannel } from './shard-channel.js';
import { buildTuningJobRequest, type TuningStrategy } from './tuning-job-request.js';
import { stopTuningJob, tuningOutcome, waitForTuningJob, type TuningJobOutcome } from './tuning-job.js';
import type { SearchSpace } from '../tune/search-space.js';
import { isS3Uri } from '../events/s3-uri.js';
import { listS3Channel } from '../train/s3-channel.js';
import {
  buildTrainingJobRequest,
  checkTrainingResources,
  type TrainingResourceOptions,
} from './training-job-request.js';
import {
  waitForEndpoint,
  waitForEndpointDeleted,
  waitForTrainingJob,
  waitForTransformJob,
  type PollOptions,
} from './waiters.js';
import { XGBOOST_IMAGE_VERSIONS } from './xgboost-ecr-accounts.js';

/** A SageMaker hyperparameter tuning job over the built-in XGBoost, for {@link SageMakerBackend.startTuningJob}. */
export interface TuningJobSpec {
  /** The tuning job's name: 1-32 letters, digits and hyphens. Its trials are named `<name>-<nnn>-<hex>`. */
  readonly name: string;
  /** Local CSV files or folders (label first, no header), uploaded as for a training job. */
  readonly channels: { readonly train: string; readonly validation?: string };
  /** Static hyperparameters, strings as SageMaker takes them (`num_round` unless searched). */
  readonly hyperparameters: HyperparameterStrings;
  /** What to search: the same space type as local tuning. */
  readonly space: SearchSpace;
  /** The container's metric to optimize. Default `'validation:auc'`. */
  readonly objectiveMetric?: string;
  readonly objectiveType?: 'Maximize' | 'Minimize';
  /** Default `'Bayesian'`. */
  readonly strategy?: TuningStrategy;
  readonly maxJobs: number;
  /** Default min(maxJobs, 10). */
  readonly maxParallelJobs?: number;
  readonly earlyStopping?: 'Off' | 'Auto';
  /** Tags on the tuning job (and so its trials), beside the backend's. */
  readonly tags?: TagRecord;
}

/** Options of {@link SageMakerBackend}. */
export interface SageMakerBackendOptions extends TrainingResourceOptions {
  /** IAM role SageMaker assumes (S3 read/write on the bucket, ECR pull, CloudWatch logs). */
  readonly role: string;
  /** S3 bucket for channels, artifacts and batch transform data. */
  readonly bucket: string;
  /** Key prefix inside the bucket. Default `'sessionsentry'`. */
  readonly prefix?: string;
  /** AWS region of created clients and of the image; default the standard chain. */
  readonly region?: string;
  /** A training and serving image to use instead of the built-in XGBoost image. */
  readonly imageUri?: string;
  /** Built-in XGBoost image version. Default `'1.7-1'` (XGBoost 1.7.4). */
  readonly xgboostVersion?: string;
  /** Tags on every job, model, endpoint config and endpoint (find and delete leftovers by tag). */
  readonly tags?: TagRecord;
  /** Real-time endpoint instance type. Default `'ml.t2.medium'`. */
  readonly endpointInstanceType?: ProductionVariantInstanceType;
  /** Batch transform instance type. Default `'ml.m5.large'`. */
  readonly transformInstanceType?: TransformInstanceType;
  /** Injected clients; those absent are created with `retryMode: 'adaptive'` and `maxAttempts`. */
  readonly sagemaker?: SageMakerClient;
  readonly runtime?: SageMakerRuntimeClient;
  readonly s3?: S3Client;
  /** Attempts per AWS call for the clients this backend creates. Default 5. */
  readonly maxAttempts?: number;
  /** Shortest delay between two Describe polls, in seconds. Default 15. */
  readonly pollDelaySeconds?: number;
  /** Longest delay between two polls (jittered backoff grows up to it), in seconds. Default 60. */
  readonly maxPollDelaySeconds?: number;
  /** How long to wait for an endpoint, transform job or deletion, in seconds. Default 3600. */
  readonly maxWaitSeconds?: number;
  /** Wait, in {@link SageMakerBackend.deleteEndpoint}, until the endpoint is gone. Default true. */
  readonly waitForDeletion?: boolean;
  /**
   * Stream each training job's CloudWatch log lines (`/aws/sagemaker/TrainingJobs`, one stream per
   * instance) to the `onLog` listener while `waitForTrainingJob` waits, as the SageMaker Python
   * SDK's `logs=True` does; the secondary status transitions and final metrics are reported to
   * `onLog` either way. Needs `logs:DescribeLogStreams` and `logs:GetLogEvents`. Default false.
   */
  readonly logs?: boolean;
  /** The CloudWatch Logs client for `logs: true`; default one created on first use (the SDK loaded then). */
  readonly cloudWatchLogs?: CloudWatchLogsClient;
  /** Endpoint override of the CloudWatch Logs client this backend creates. */
  readonly logsEndpoint?: string;
  /** Delay between two reads of the logs, in seconds. Default `pollDelaySeconds`. */
  readonly logPollSeconds?: number;
  /**
   * Largest InvokeEndpoint request; bigger payloads are split at line boundaries. Default 5 MiB (the limit is 6 MB).
   */
  readonly maxPayloadBytes?: number;
  /** Multipart upload part size for channel files. Default 8 MiB. */
  readonly partSize?: number;
}

/**
 * Trains and serves models on Amazon SageMaker with the built-in XGBoost container: the
 * `sessionsentry/sagemaker` implementation of the {@link Backend} contract the `TrainRunner` drives.
 *
 * - `startTrainingJob` uploads the CSV channels to `s3://bucket/prefix/<job>/train/train.csv`
 *   and `validation/validation.csv` (a channel folder keeps its file names; large files go up in
 *   parts), then calls `CreateTrainingJob` with the image for the region and version, `text/csv`
 *   channels, role, instance type and count, volume, max runtime, optional spot training and
 *   tags. The artifact lands at `s3://bucket/prefix/<job>/output/model.tar.gz`. With
 *   `instanceCount > 1` and `distribution: 'ShardedByS3Key'` the training file goes up split into
 *   one file per instance (`train/train-part-0001.csv`, …) and each instance trains on its shard;
 *   the trees then differ slightly from one instance's (see `distribution`).
 * - Waits use the SDK's `waitUntil…` waiters with jittered polling, then one more Describe: the
 *   training waiter treats `Stopped` as success, and only the final status says what happened.
 * - Endpoints get an endpoint config of the same name; `deleteEndpoint` removes both and counts
 *   "already gone" as done, so clean-up can always run.
 * - `loadModel` downloads `model.tar.gz` and reads it with the library's own XGBoost reader, so a
 *   SageMaker-trained model scores locally for free.
 *
 * @example
 * ```ts
 * import { SageMakerBackend } from 'sessionsentry/sagemaker';
 *
 * const backend = new SageMakerBackend({
 *   role: 'arn:aws:iam::123456789012:role/SageMakerSentry',
 *   bucket: 'my-sentry-bucket',
 *   prefix: 'experiments/2026-11',
 *   spot: { maxWaitSeconds: 7200 },
 *   maxRuntimeSeconds: 3600,
 *   tags: { project: 'sessionsentry' },
 * });
 * await backend.startTrainingJob({
 *   name: 'sentry-first-5',
 *   channels: { train: 'out/first-5/train.csv', validation: 'out/first-5/validation.csv' },
 *   hyperparameters: { num_round: '50', max_depth: '5', eta: '0.2', objective: 'binary:logistic' },
 * });
 * const outcome = await backend.waitForTrainingJob('sentry-first-5');
 * if (outcome.status === 'Completed') {
 *   const booster = await backend.loadModel(outcome.artifact); // score locally, no endpoint needed
 * }
 * ```
 */
export class SageMakerBackend implements Backend {
  readonly kind = 'sagemaker' as const;
  readonly sagemaker: SageMakerClient;
  readonly runtime: SageMakerRuntimeClient;
  readonly s3: S3Client;
  readonly bucket: string;
  readonly prefix: string;

  readonly #options: SageMakerBackendOptions;
  readonly #ownedClients: { destroy(): void }[] = [];
  readonly #startedAt = new Map<string, number>();
  #logsClient: CloudWatchLogsClient | undefined;
  #imageUri: Promise<string> | undefined;

  constructor(options: SageMakerBackendOptions) {
    const where = 'SageMakerBackend';
    if (options === null || typeof options !== 'object')
      throw new InvalidArgumentError(where, 'options', options, 'an options object');
    const {
      role,
      bucket,
      prefix = 'sessionsentry',
      region,
      imageUri,
      xgboostVersion = DEFAULT_XGBOOST_VERSION,
      maxRuntimeSeconds = 86_400,
      maxAttempts = 5,
      pollDelaySeconds = 15,
      maxPollDelaySeconds = Math.max(60, pollDelaySeconds),
      maxWaitSeconds = 3600,
      maxPayloadBytes = 5 * 1024 * 1024,
    } = options;
    checkRoleArn(where, 'role', role);
    parseS3Uri(`s3://${bucket}/`, where, 'bucket');
    if (typeof prefix !== 'string') throw new InvalidArgumentError(where, 'prefix', prefix, 'a string');
    if (imageUri === undefined && !XGBOOST_IMAGE_VERSIONS.includes(xgboostVersion)) {
      throw new ImageUriError('version', xgboostVersion, XGBOOST_IMAGE_VERSIONS);
    }
    if (imageUri === undefined && region !== undefined) xgboostImageUri(region, xgboostVersion);
    checkTrainingResources(where, options);
    checkPositiveInteger(where, 'maxWaitSeconds', maxWaitSeconds);
    checkPositiveInteger(where, 'maxPayloadBytes', maxPayloadBytes);
    if (!(pollDelaySeconds > 0) || !(maxPollDelaySeconds >= pollDelaySeconds)) {
      throw new InvalidArgumentError(
        where,
        'pollDelaySeconds',
        pollDelaySeconds,
        'a positive number of seconds, at most maxPollDelaySeconds',
      );
    }
    this.#options = {
      ...options,
      maxRuntimeSeconds,
      pollDelaySeconds,
      maxPollDelaySeconds,
      maxWaitSeconds,
      maxPayloadBytes,
    };
    this.bucket = bucket;
    this.prefix = prefix.replace(/^\/+|\/+$/g, '');

    const missing = options.sagemaker === undefined || options.runtime === undefined || options.s3 === undefined;
    const created = missing ? createSageMakerClients({ region, maxAttempts }) : undefined;
    this.sagemaker = this.#client(options.sagemaker, created?.sagemaker);
    this.runtime = this.#client(options.runtime, created?.runtime);
    this.s3 = this.#client(options.s3, created?.s3);
    this.#logsClient = options.cloudWatchLogs;
    if (options.logPollSeconds !== undefined && !(options.logPollSeconds > 0))
      throw new InvalidArgumentError(where, 'logPollSeconds', options.logPollSeconds, 'a positive number of seconds');
  }

  /**
   * The training and serving image: the `imageUri` option, or the built-in XGBoost image for the
   * region (the option, or the client's region from the standard chain) and version.
   *
   * @throws {ImageUriError} when the region has no built-in image; {@link InvalidArgumentError}
   *   when no region is configured anywhere.
   *
   * @example
   * ```ts
   * await backend.imageUri(); // '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1'
   * ```
   */
  imageUri(): Promise<string> {
    this.#imageUri ??= (async () => {
      const { imageUri, region, xgboostVersion = DEFAULT_XGBOOST_VERSION } = this.#options;
      if (imageUri !== undefined) return imageUri;
      let resolved = region;
      if (resolved === undefined) {
        try {
          resolved = await this.sagemaker.config.region();
        } catch (err) {
          throw new InvalidArgumentError(
            'SageMakerBackend',
            'region',
            undefined,
            'set to choose the built-in XGBoost image (pass region, or set AWS_REGION or a profile region)',
            { cause: err },
          );
        }
      }
      return xgboostImageUri(resolved, xgboostVersion);
    })();
    // A failed resolution is not cached: the next call tries again.
    this.#imageUri.catch(() => {
      this.#imageUri = undefined;
    });
    return this.#imageUri;
  }

  /**
   * The S3 URI of a job's file under the backend's prefix.
   *
   * @example
   * ```ts
   * backend.s3UriFor('sentry-first-5', 'train/train.csv'); // 's3://my-bucket/sessionsentry/sentry-first-5/train/train.csv'
   * ```
   */
  s3UriFor(jobName: string, ...parts: string[]): string {
    return s3Uri(this.bucket, this.prefix, jobName, ...parts);
  }

  /**
   * Uploads the job's CSV channels, then creates the training job. Reports `Uploading`, then
   * `InProgress`. A request SageMaker would reject (bad name, missing `num_round`, a
   * hyperparameter over 256 characters) fails before anything is uploaded. A channel given as an
   * `s3://` object or prefix is used in place (its URI is the channel's `S3Uri`, nothing is
   * uploaded for it), after checking that it holds what SageMaker will read (see `listS3Channel`).
   *
   * @throws {InvalidArgumentError} for a bad name or hyperparameters; {@link AwsRequestError} when
   *   S3 or SageMaker refuse; {@link RunAbortedError} when aborted during the upload.
   *
   * @example
   * ```ts
   * await backend.startTrainingJob(
   *   { name: 'exp1-first-5', channels: { train: 'out/first-5/train.csv' }, hyperparameters: { num_round: '50' } },
   *   { onState: (state) => console.log(state) }, // Uploading, InProgress
   * );
   * ```
   */
  async startTrainingJob(spec: TrainingJobSpec, options: BackendCallOptions = {}): Promise<void> {
    const { signal, onState } = options;
    const jobName = spec.name;
    checkResourceName('SageMakerBackend.startTrainingJob', 'spec.name', jobName);
    if (spec.channels?.train === undefined) {
      throw new InvalidArgumentError(
        'SageMakerBackend.startTrainingJob',
        'spec.channels.train',
        spec.channels?.train,
        'a local CSV path or an s3:// URI',
      );
    }
    const started = Date.now();
    const request = buildTrainingJobRequest({
      jobName,
      imageUri: await this.imageUri(),
      role: this.#options.role,
      channels: this.#channelUris(jobName, spec.channels),
      outputPath: s3Uri(this.bucket, this.prefix),
      hyperparameters: spec.hyperparameters,
      instanceType: this.#options.instanceType,
      instanceCount: this.#options.instanceCount,
      distribution: this.#options.distribution,
      volumeSizeGb: this.#options.volumeSizeGb,
      maxRuntimeSeconds: this.#options.maxRuntimeSeconds,
      spot: this.#options.spot,
      tags: this.#options.tags,
    });
    onState?.('Uploading');
    await this.#placeChannels(jobName, spec.channels, signal);
    if (signal?.aborted) throw new RunAbortedError(`training job ${jobName}`, signal.reason);
    try {
      await this.sagemaker.send(new CreateTrainingJobCommand(request), { abortSignal: signal });
    } catch (err) {
      if (signal?.aborted) throw new RunAbortedError(`training job ${jobName}`, signal.reason);
      // A retried create whose first attempt reached the service answers ResourceInUse: it is ours.
      const info = awsErrorInfo(err);
      if (!(info.name === 'ResourceInUse' && (info.attempts ?? 1) > 1))
        throw new AwsRequestError('CreateTrainingJob', jobName, err);
    }
    this.#startedAt.set(jobName, started);
    onState?.('InProgress');
  }

  /**
   * Waits until the training job ends (SDK waiter, then a final `DescribeTrainingJob`) and says
   * how: `Completed` with the artifact's S3 URI, or `Failed`/`Stopped` with the reason
   * (`FailureReason`, or the secondary status such as `MaxRuntimeExceeded`). A stopped job is not
   * a completed one. Reports each status change through `onState`.
   *
   * @throws {WaitTimeoutError} / {@link RunAbortedError} when the wait gives up or is aborted;
   *   {@link AwsRequestError} when the job does not exist.
   *
   * @example
   * ```ts
   * const outcome = await backend.waitForTrainingJob('exp1-first-5', { onState: (s, detail) => console.log(s, detail) });
   * if (outcome.status === 'Completed') console.log(outcome.artifact, outcome.seconds);
   * else console.error(outcome.status, outcome.reason); // e.g. Stopped: stopped before completing (MaxRuntimeExceeded)
   * ```
   */
  async waitForTrainingJob(jobName: string, options: BackendCallOptions = {}): Promise<TrainingOutcome> {
    const { maxRuntimeSeconds = 86_400, spot } = this.#options;
    const { onLog, signal } = options;
    const seen = new Set<string>();
    const rounds = new Map<string, number>();
    const tail = onLog !== undefined && this.#options.logs === true ? await this.#logTail(jobName) : undefined;
    const tailing = tail === undefined ? undefined : this.#tailLogs(tail, options, rounds);
    let job: DescribeTrainingJobCommandOutput;
    try {
      job = await waitForTrainingJob(this.sagemaker, jobName, {
        ...this.#poll(options),
        maxWaitSeconds: (spot?.maxWaitSeconds ?? maxRuntimeSeconds) + 3600,
        onDescribe: (output) => {
          if (tail !== undefined && output.ResourceConfig?.InstanceCount !== undefined)
            tail.instanceCount = output.ResourceConfig.InstanceCount;
          const numRound = Number(output.HyperParameters?.num_round);
          if (Number.isInteger(numRound)) rounds.set('num_round', numRound);
          if (onLog !== undefined) for (const entry of newStatusTransitions(output, seen)) onLog(entry);
        },
      });
    } finally {
      await tailing?.stop();
    }
    // One more read once the job has ended, for the lines written after the last poll (the SDK's JOB_COMPLETE state).
    if (tail !== undefined && tailing?.healthy === true && !signal?.aborted)
      await this.#readLogs(tail, options, rounds).catch(() => undefined);
    const summary = finalMetrics(job);
    if (onLog !== undefined && summary !== undefined) onLog(summary);
    const seconds = this.#elapsed(jobName, job);
    if (job.TrainingJobStatus === 'Completed') {
      const artifact = job.ModelArtifacts?.S3ModelArtifacts;
      if (artifact === undefined)
        throw new ResourceStateError(
          `training job ${jobName}`,
          'is Completed but reports no ModelArtifacts.S3ModelArtifacts',
        );
      return {
        status: 'Completed',
        jobName,
        artifact,
        seconds,
        ...(summary !== undefined && Object.keys(summary.metrics).length > 0 ? { metrics: summary.metrics } : {}),
      };
    }
    if (job.TrainingJobStatus === 'Failed') {
      return { status: 'Failed', jobName, reason: job.FailureReason ?? 'no FailureReason reported', seconds };
    }
    if (job.TrainingJobStatus === 'Stopped') {
      const why = job.FailureReason ?? job.SecondaryStatus ?? 'Stopped';
      return { status: 'Stopped', jobName, reason: `stopped before completing (${why})`, seconds };
    }
    throw new ResourceStateError(
      `training job ${jobName}`,
      `is ${job.TrainingJobStatus ?? 'in an unknown state'} after the waiter (expected Completed, Failed or Stopped)`,
    );
  }

  /**
   * Starts a SageMaker hyperparameter tuning job over the built-in XGBoost: checks the search
   * space and settings first ({@link buildTuningJobRequest}: a hyperparameter the container does
   * not take fails here, before anything is uploaded or sent), uploads the channels as
   * {@link startTrainingJob} does (under `<prefix>/<name>/`), then calls
   * `CreateHyperParameterTuningJob` with the backend's image, role, resources, spot and tags.
   *
   * @throws {SearchSpaceError}, {@link InvalidArgumentError}, {@link AwsRequestError}, {@link RunAbortedError}.
   *
   * @example
   * ```ts
   * await backend.startTuningJob({
   *   name: 'sentry-tune-1',
   *   channels: { train: 'out/first-5/train.csv', validation: 'out/first-5/validation.csv' },
   *   hyperparameters: { num_round: '50', objective: 'binary:logistic' },
   *   space: { max_depth: { min: 3, max: 8 }, eta: { min: 0.01, max: 0.3, scale: 'log' } },
   *   objectiveMetric: 'validation:auc',
   *   maxJobs: 10,
   *   maxParallelJobs: 2,
   * });
   * const outcome = await backend.waitForTuningJob('sentry-tune-1');
   * ```
   */
  async startTuningJob(spec: TuningJobSpec, options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    const { signal } = options;
    const name = spec.name;
    const request = buildTuningJobRequest({
      tuningJobName: name,
      imageUri: await this.imageUri(),
      customImage: this.#options.imageUri !== undefined,
      role: this.#options.role,
      channels: this.#channelUris(name, spec.channels),
      outputPath: s3Uri(this.bucket, this.prefix),
      hyperparameters: spec.hyperparameters,
      space: spec.space,
      maxJobs: spec.maxJobs,
      ...(spec.maxParallelJobs !== undefined ? { maxParallelJobs: spec.maxParallelJobs } : {}),
      ...(spec.objectiveMetric !== undefined ? { objectiveMetric: spec.objectiveMetric } : {}),
      ...(spec.objectiveType !== undefined ? { objectiveType: spec.objectiveType } : {}),
      ...(spec.strategy !== undefined ? { strategy: spec.strategy } : {}),
      ...(spec.earlyStopping !== undefined ? { earlyStopping: spec.earlyStopping } : {}),
      instanceType: this.#options.instanceType,
      instanceCount: this.#options.instanceCount,
      distribution: this.#options.distribution,
      volumeSizeGb: this.#options.volumeSizeGb,
      maxRuntimeSeconds: this.#options.maxRuntimeSeconds,
      spot: this.#options.spot,
      tags: { ...this.#options.tags, ...spec.tags },
    });
    await this.#placeChannels(name, spec.channels, signal);
    if (signal?.aborted) throw new RunAbortedError(`tuning job ${name}`, signal.reason);
    try {
      await this.sagemaker.send(new CreateHyperParameterTuningJobCommand(request), { abortSignal: signal });
    } catch (err) {
      if (signal?.aborted) throw new RunAbortedError(`tuning job ${name}`, signal.reason);
      const info = awsErrorInfo(err);
      if (!(info.name === 'ResourceInUse' && (info.attempts ?? 1) > 1))
        throw new AwsRequestError('CreateHyperParameterTuningJob', name, err);
    }
  }

  /**
   * Waits until a tuning job ends and says how, with its best training job: name, objective
   * metric and value, the hyperparameters the search chose, and its artifact, ready for
   * {@link createModel} or `TrainRunner.attach` and deployment. When aborted, the tuning job and
   * every trial still running are stopped before the {@link RunAbortedError} is thrown.
   *
   * @example
   * ```ts
   * const outcome = await backend.waitForTuningJob('sentry-tune-1', { signal });
   * if (outcome.best) await backend.createModel('sentry-best', outcome.best.artifact!);
   * ```
   */
  async waitForTuningJob(
    tuningJobName: string,
    options: BackendCallOptions = {},
  ): Promise<TuningJobOutcome & { readonly best?: TuningJobOutcome['best'] & { readonly artifact?: string } }> {
    let output;
    try {
      output = await waitForTuningJob(this.sagemaker, tuningJobName, {
        ...this.#poll(options),
        maxWaitSeconds: Math.max(
          this.#options.maxWaitSeconds ?? 3600,
          (this.#options.maxRuntimeSeconds ?? 86_400) + 3600,
        ),
      });
    } catch (err) {
      if (err instanceof RunAbortedError) await this.stopTuningJob(tuningJobName).catch(() => undefined);
      throw err;
    }
    const outcome = tuningOutcome(output);
    if (outcome.best === undefined) return outcome;
    let artifact: string | undefined;
    try {
      const best = await this.sagemaker.send(
        new DescribeTrainingJobCommand({ TrainingJobName: outcome.best.trainingJobName }),
      );
      artifact = best.ModelArtifacts?.S3ModelArtifacts;
    } catch (err) {
      throw new AwsRequestError('DescribeTrainingJob', outcome.best.trainingJobName, err);
    }
    return { ...outcome, best: { ...outcome.best, ...(artifact !== undefined ? { artifact } : {}) } };
  }

  /**
   * Stops a tuning job and every one of its training jobs still running (see {@link stopTuningJob});
   * returns the trials stopped.
   *
   * @example
   * ```ts
   * await backend.stopTuningJob('sentry-tune-1');
   * ```
   */
  async stopTuningJob(tuningJobName: string): Promise<string[]> {
    return stopTuningJob(this.sagemaker, tuningJobName);
  }

  /**
   * Stops a training job. A job that already ended or does not exist is left as it is.
   *
   * @throws {AwsRequestError} when SageMaker refuses for another reason.
   *
   * @example
   * ```ts
   * await backend.stopTrainingJob('exp1-first-5'); // ends Stopped; waitForTrainingJob reports it
   * ```
   */
  async stopTrainingJob(jobName: string): Promise<void> {
    try {
      await this.sagemaker.send(new StopTrainingJobCommand({ TrainingJobName: jobName }));
    } catch (err) {
      if (isNotFoundError(err)) return;
      if (awsErrorInfo(err).name === 'ValidationException') {
        let status: string | undefined;
        try {
          status = (await this.sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: jobName })))
            .TrainingJobStatus;
        } catch (describeErr) {
          if (isNotFoundError(describeErr)) return;
          throw new AwsRequestError('DescribeTrainingJob', jobName, describeErr);
        }
        if (status !== 'InProgress') return;
      }
      throw new AwsRequestError('StopTrainingJob', jobName, err);
    }
  }

  /**
   * Registers a model serving `artifact` (a `model.tar.gz` in S3) with the training image.
   *
   * @throws {InvalidArgumentError} for a bad name; {@link AwsRequestError} when SageMaker refuses.
   *
   * @example
   * ```ts
   * await backend.createModel('exp1-first-5', outcome.artifact);
   * ```
   */
  async createModel(modelName: string, artifact: string): Promise<void> {
    const request = buildCreateModelRequest({
      modelName,
      imageUri: await this.imageUri(),
      artifact,
      role: this.#options.role,
      tags: this.#options.tags,
    });
    try {
      await this.sagemaker.send(new CreateModelCommand(request));
    } catch (err) {
      throw new AwsRequestError('CreateModel', modelName, err);
    }
  }

  /**
   * Deletes a model; one that does not exist counts as deleted.
   *
   * @example
   * ```ts
   * await backend.deleteModel('exp1-first-5');
   * ```
   */
  async deleteModel(modelName: string): Promise<void> {
    try {
      await this.sagemaker.send(new DeleteModelCommand({ ModelName: modelName }));
    } catch (err) {
      if (!isNotFoundError(err)) throw new AwsRequestError('DeleteModel', modelName, err);
    }
  }

  /**
   * Creates an endpoint config named like the endpoint (one production variant, `AllTraffic`)
   * and the endpoint, both tagged with the backend's `tags` and `options.tags`. If
   * `CreateEndpoint` fails, the config just created is deleted again. (`options.retain` is the
   * runner's business: the backend never deletes on its own.)
   *
   * @throws {InvalidArgumentError} for a bad name; {@link AwsRequestError} when SageMaker refuses
   *   (e.g. `ResourceLimitExceeded` when the account's endpoint quota is 0).
   *
   * @example
   * ```ts
   * await backend.createEndpoint('exp1-first-5', 'exp1-first-5', { instanceType: 'ml.m5.large' });
   * ```
   */
  async createEndpoint(endpointName: string, modelName: string, options: EndpointOptions = {}): Promise<void> {
    const { endpointInstanceType = 'ml.t2.medium' } = this.#options;
    const tags = options.tags === undefined ? this.#options.tags : { ...this.#options.tags, ...options.tags };
    const configRequest = buildEndpointConfigRequest({
      endpointConfigName: endpointName,
      modelName,
      instanceType: (options.instanceType as ProductionVariantInstanceType | undefined) ?? endpointInstanceType,
      instanceCount: options.instanceCount ?? 1,
      tags,
    });
    const endpointRequest = buildCreateEndpointRequest({ endpointName, endpointConfigName: endpointName, tags });
    try {
      await this.sagemaker.send(new CreateEndpointConfigCommand(configRequest));
    } catch (err) {
      throw new AwsRequestError('CreateEndpointConfig', endpointName, err);
    }
    try {
      await this.sagemaker.send(new CreateEndpointCommand(endpointRequest));
    } catch (err) {
      await this.#deleteEndpointConfig(endpointName).catch(() => undefined);
      throw new AwsRequestError('CreateEndpoint', endpointName, err);
    }
  }

  /**
   * Waits until the endpoint is in service (SDK waiter, then a final `DescribeEndpoint`); a failed
   * endpoint is reported with its `FailureReason`, not thrown.
   *
   * @throws {WaitTimeoutError} / {@link RunAbortedError}; {@link AwsRequestError} when the endpoint does not exist.
   *
   * @example
   * ```ts
   * const outcome = await backend.waitForEndpoint('exp1-first-5');
   * if (outcome.status === 'Failed') console.error(outcome.reason);
   * ```
   */
  async waitForEndpoint(endpointName: string, options: BackendCallOptions = {}): Promise<EndpointOutcome> {
    const endpoint = await waitForEndpoint(this.sagemaker, endpointName, this.#poll(options));
    if (endpoint.EndpointStatus === 'InService') return { status: 'InService', endpointName };
    return {
      status: 'Failed',
      endpointName,
      reason: endpoint.FailureReason ?? `endpoint is ${endpoint.EndpointStatus ?? 'in an unknown state'}`,
    };
  }

  /**
   * Deletes the endpoint, waits until it is gone (unless `waitForDeletion: false`), then deletes
   * its endpoint config. Whatever is already gone counts as deleted, so this is safe to call in
   * any clean-up, for endpoints that failed or were never created. With `withModels: true` the
   * models its config serves (read with `DescribeEndpointConfig` first) are deleted too: how a
   * retained endpoint is removed for good. An endpoint still `Creating`
   * (SageMaker refuses to delete those) is waited for, then deleted, so an abort during
   * deployment does not leave an endpoint that later comes up and bills.
   *
   * @throws {AwsRequestError} when SageMaker refuses a delete for another reason.
   *
   * @example
   * ```ts
   * try {
   *   await backend.createEndpoint('exp1-first-5', 'exp1-first-5');
   *   await backend.waitForEndpoint('exp1-first-5');
   * } finally {
   *   await backend.deleteEndpoint('exp1-first-5');
   * }
   * // Later, a retained endpoint and its model, by name:
   * await backend.deleteEndpoint('exp1-first-5', { withModels: true });
   * ```
   */
  async deleteEndpoint(endpointName: string, options: DeleteEndpointOptions = {}): Promise<void> {
    await this.#removeEndpoint(endpointName, options.withModels === true);
  }

  /**
   * Deletes the endpoint, its configs and (with `withModels`) their models; returns the configs and models it removed.
   */
  async #removeEndpoint(endpointName: string, withModels: boolean): Promise<{ configs: string[]; models: string[] }> {
    const configs = new Set([endpointName]);
    let status: string | undefined;
    try {
      const described = await this.sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName }));
      if (described.EndpointConfigName !== undefined) configs.add(described.EndpointConfigName);
      status = described.EndpointStatus;
    } catch (err) {
      if (!isNotFoundError(err)) throw new AwsRequestError('DescribeEndpoint', endpointName, err);
    }
    let exists = status !== undefined;
    if (exists && status !== 'Deleting') exists = await this.#sendDeleteEndpoint(endpointName);
    if (exists && this.#options.waitForDeletion !== false) {
      await waitForEndpointDeleted(this.sagemaker, endpointName, this.#poll({}));
    }
    const models = withModels ? await this.#modelsOf(configs) : [];
    for (const config of configs) await this.#deleteEndpointConfig(config);
    for (const model of models) await this.deleteModel(model);
    return { configs: [...configs], models };
  }

  /** The models the production variants of these endpoint configs serve (configs already gone have none). */
  async #modelsOf(configs: Iterable<string>): Promise<string[]> {
    const models = new Set<string>();
    for (const name of configs) {
      try {
        const config = await this.sagemaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: name }));
        for (const variant of config.ProductionVariants ?? [])
          if (variant.ModelName !== undefined) models.add(variant.ModelName);
      } catch (err) {
        if (!isNotFoundError(err)) throw new AwsRequestError('DescribeEndpointConfig', name, err);
      }
    }
    return [...models];
  }

  /**
   * Sends DeleteEndpoint; returns false when the endpoint is already gone. SageMaker refuses to
   * delete an endpoint that is still being created or updated (an abort during deployment leaves
   * exactly that), so on a refusal this waits until the endpoint settles, then deletes it.
   */
  async #sendDeleteEndpoint(endpointName: string): Promise<boolean> {
    try {
      await this.sagemaker.send(new DeleteEndpointCommand({ EndpointName: endpointName }));
      return true;
    } catch (err) {
      if (isNotFoundError(err)) return false;
      if (awsErrorInfo(err).name !== 'ValidationException')
        throw new AwsRequestError('DeleteEndpoint', endpointName, err);
      let settled;
      try {
        settled = await waitForEndpoint(this.sagemaker, endpointName, this.#poll({}));
      } catch (waitErr) {
        if (waitErr instanceof AwsRequestError && isNotFoundError(waitErr.cause)) return false;
        throw waitErr;
      }
      if (settled.EndpointStatus === 'Deleting') return true;
      try {
        await this.sagemaker.send(new DeleteEndpointCommand({ EndpointName: endpointName }));
        return true;
      } catch (retryErr) {
        if (isNotFoundError(retryErr)) return false;
        throw new AwsRequestError('DeleteEndpoint', endpointName, retryErr);
      }
    }
  }

  /**
   * Scores CSV feature rows (no label, no header) on an endpoint with `InvokeEndpoint`
   * (`ContentType` and `Accept` `text/csv`) and returns one probability per row. Payloads over
   * `maxPayloadBytes` are sent in several requests split at line boundaries.
   *
   * @throws `EndpointInvocationError` when the container answers an error (its status and
   *   message); {@link ResourceStateError} when the endpoint does not exist or is not in service;
   *   {@link AwsRequestError} when the runtime refuses otherwise; {@link PredictionCountError}
   *   when the endpoint answers a different number of scores; `ParseError` for unreadable output.
   *
   * @example
   * ```ts
   * const scores = await backend.invokeEndpoint('exp1-first-5', '3,0,1,7\n0,2,0,1\n'); // Float64Array(2)
   * ```
   */
  async invokeEndpoint(
    endpointName: string,
    csvRows: string,
    options: { signal?: AbortSignal } = {},
  ): Promise<Float64Array> {
    if (typeof csvRows !== 'string')
      throw new InvalidArgumentError('SageMakerBackend.invokeEndpoint', 'csvRows', csvRows, 'CSV text');
    const pieces = splitCsvPayload(csvRows, this.#options.maxPayloadBytes ?? 5 * 1024 * 1024);
    return invokeCsvPayloads(this.runtime, endpointName, pieces, options);
  }

  /**
   * Scores a local CSV file of feature rows (no label) with a batch transform job: uploads it to
   * `s3://bucket/prefix/<jobName>/transform-input/`, runs `CreateTransformJob` (line-split,
   * `text/csv`, `MultiRecord`), waits (SDK waiter, then a final Describe), reads `<file>.out` and
   * checks it holds one score per input row. When `spec.outputDir` is an `s3://` prefix the job
   * writes there and `output` is the S3 URI of the `.out` file; otherwise the job writes under
   * `s3://bucket/prefix/<jobName>/transform-output/` and the `.out` file is downloaded into the
   * local `outputDir`. A failed or stopped job is reported with its reason; an aborted wait stops
   * the job so it does not keep billing.
   *
   * @throws {AwsRequestError}, {@link WaitTimeoutError}, {@link RunAbortedError},
   *   {@link PredictionCountError}, `ParseError` (unreadable output).
   *
   * @example
   * ```ts
   * const outcome = await backend.batchTransform({
   *   jobName: 'sentry-first-5-testday', modelName: 'sentry-first-5',
   *   input: 'out/testday-features.csv', outputDir: 'out/scores',
   * });
   * // outcome.output === 'out/scores/testday-features.csv.out', one score per line
   * ```
   */
  async batchTransform(
    spec: BatchTransformSpec,
    options: BackendCallOptions = {},
  ): Promise<BatchTransformOutcome & { readonly rows: number }> {
    const { jobName, modelName, input, outputDir } = spec;
    checkResourceName('SageMakerBackend.batchTransform', 'spec.jobName', jobName);
    const fileName = path.basename(input);
    const toS3 = outputDir.startsWith('s3://');
    const outputPath = toS3 ? outputDir.replace(/\/+$/, '') : this.s3UriFor(jobName, 'transform-output');
    const request = buildTransformJobRequest({
      jobName,
      modelName,
      input: this.s3UriFor(jobName, 'transform-input/'),
      outputPath,
      instanceType: this.#options.transformInstanceType,
      tags: this.#options.tags,
    });
    options.onState?.('Uploading');
    await uploadFile(this.s3, input, this.s3UriFor(jobName, 'transform-input', fileName), {
      signal: options.signal,
      partSize: this.#options.partSize,
    });
    if (options.signal?.aborted) throw new RunAbortedError(`batch transform ${jobName}`, options.signal.reason);
    try {
      await this.sagemaker.send(new CreateTransformJobCommand(request), { abortSignal: options.signal });
    } catch (err) {
      if (options.signal?.aborted) throw new RunAbortedError(`batch transform ${jobName}`, options.signal.reason);
      throw new AwsRequestError('CreateTransformJob', jobName, err);
    }
    options.onState?.('InProgress');
    let job;
    try {
      job = await waitForTransformJob(this.sagemaker, jobName, this.#poll(options));
    } catch (err) {
      if (err instanceof RunAbortedError) {
        await this.sagemaker.send(new StopTransformJobCommand({ TransformJobName: jobName })).catch(() => undefined);
      }
      throw err;
    }
    if (job.TransformJobStatus !== 'Completed') {
      return {
        status: 'Failed',
        output: '',
        rows: 0,
        reason: job.FailureReason ?? `transform job ${job.TransformJobStatus ?? 'ended'} before completing`,
      };
    }
    const source = `${outputPath}/${fileName}.out`;
    const bytes = await downloadObject(this.s3, source, { signal: options.signal });
    const scores = parseScores(bytes, { contentType: 'text/csv', source });
    const expected = countCsvRows(await readFile(input, 'utf8'));
    if (scores.length !== expected) throw new PredictionCountError(source, expected, scores.length);
    if (toS3) return { status: 'Completed', output: source, rows: scores.length };
    await mkdir(outputDir, { recursive: true });
    const output = path.join(outputDir, `${fileName}.out`);
    await writeFile(output, bytes);
    return { status: 'Completed', output, rows: scores.length };
  }

  /**
   * The bytes of a training artifact (`s3://…/model.tar.gz`) or of a batch transform's output,
   * from S3, or from local disk for a path that is not an `s3://` URI (where
   * {@link SageMakerBackend.batchTransform} puts the downloaded `.out` file).
   *
   * @throws {S3UriError} for a malformed S3 URI; {@link AwsRequestError} when S3 refuses.
   *
   * @example
   * ```ts
   * await writeFile('model.tar.gz', await backend.downloadArtifact(outcome.artifact));
   * ```
   */
  async downloadArtifact(artifact: string): Promise<Uint8Array> {
    if (!artifact.startsWith('s3://')) return new Uint8Array(await readFile(artifact));
    return downloadObject(this.s3, artifact);
  }

  /**
   * Downloads a training artifact and reads it with the library's XGBoost reader (legacy binary
   * from images 1.3-1 to 1.7-1, UBJSON from 3.0-5, JSON), giving a {@link Booster} that scores
   * locally with the endpoint's predictions, at no endpoint cost.
   *
   * @throws {UnsupportedArtifactError} for a pickle (images 0.90-x to 1.2-x); {@link AwsRequestError}
   *   when S3 refuses; the model reader's errors for a corrupt archive.
   *
   * @example
   * ```ts
   * const outcome = await backend.waitForTrainingJob('sentry-first-5');
   * if (outcome.status === 'Completed') {
   *   const booster = await backend.loadModel(outcome.artifact);
   *   const scores = booster.predict(testFeatures);
   * }
   * ```
   */
  async loadModel(artifact: string): Promise<Booster> {
    const bytes = await this.downloadArtifact(artifact);
    const member = extractModelMember(bytes, { file: artifact });
    // Pickles start with the PROTO opcode 0x80 (protocol ≥ 2); XGBoost's formats never do.
    if (member.data[0] === 0x80) {
      throw new UnsupportedArtifactError(
        artifact,
        member.name,
        'is a Python pickle, as the 0.90-x to 1.2-x images write',
        'XGBoost legacy binary, UBJSON or JSON: train with image 1.3-1 or later',
      );
    }
    return Booster.load(member.data, { file: `${artifact}:${member.name}` });
  }

  /**
   * Deletes the endpoints (with their configs), endpoint configs and models that carry every tag
   * in `tags` (default: the backend's `tags`): what runs killed before their clean-up left
   * behind, or what runs kept with `retain: true`. Narrow it with `nameContains` (e.g. a run
   * prefix) and `createdBefore` (e.g. a TTL); `dryRun` only lists; `withModels` also deletes the
   * models the found endpoints serve, untagged or not (e.g. endpoints tagged through the
   * runner's `endpoint.tags`). Every delete is tried; failures are collected and thrown together.
   *
   * @throws {InvalidArgumentError} when no tags are given (that would match the whole account);
   *   `CleanupError` listing what could not be deleted.
   *
   * @example
   * ```ts
   * const backend = new SageMakerBackend({ role, bucket, tags: { project: 'sessionsentry' } });
   * const stale = await backend.deleteTaggedResources({ createdBefore: new Date(Date.now() - 6 * 3600e3) });
   * console.log('deleted', stale.endpoints, stale.models);
   * ```
   */
  async deleteTaggedResources(
    options: FindTaggedResourcesOptions & {
      readonly tags?: TagRecord;
      readonly dryRun?: boolean;
      readonly withModels?: boolean;
    } = {},
  ): Promise<TaggedResources> {
    const { tags = this.#options.tags ?? {}, dryRun = false, withModels = false, ...filter } = options;
    const found = await findTaggedResources(this.sagemaker, tags, filter);
    if (dryRun) return found;
    const failures: CleanupFailure[] = [];
    const attempt = async (
      resource: CleanupFailure['resource'],
      name: string,
      remove: () => Promise<void>,
    ): Promise<void> => {
      try {
        await remove();
      } catch (err) {
        failures.push({ resource, name, reason: err instanceof Error ? err.message : String(err) });
      }
    };
    // What deleting the endpoints already removed is not deleted twice.
    const removed = new Set<string>();
    await Promise.all(
      found.endpoints.map((name) =>
        attempt('Endpoint', name, async () => {
          const { configs, models } = await this.#removeEndpoint(name, withModels);
          for (const config of configs) removed.add(`config:${config}`);
          for (const model of models) removed.add(`model:${model}`);
        }),
      ),
    );
    for (const name of found.endpointConfigs)
      if (!removed.has(`config:${name}`)) await attempt('Endpoint', name, () => this.#deleteEndpointConfig(name));
    for (const name of found.models)
      if (!removed.has(`model:${name}`)) await attempt('Model', name, () => this.deleteModel(name));
    if (failures.length > 0) throw new CleanupError(failures);
    return found;
  }

  /**
   * Destroys the clients this backend created (not injected ones). Resources on AWS are untouched.
   *
   * @example
   * ```ts
   * await using backend = new SageMakerBackend({ role, bucket }); // closed at the end of the block
   * ```
   */
  async close(): Promise<void> {
    for (const client of this.#ownedClients.splice(0)) client.destroy();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #deleteEndpointConfig(name: string): Promise<void> {
    try {
      await this.sagemaker.send(new DeleteEndpointConfigCommand({ EndpointConfigName: name }));
    } catch (err) {
      if (!isNotFoundError(err)) throw new AwsRequestError('DeleteEndpointConfig', name, err);
    }
  }

  /** Where each channel is read from: an `s3://` channel in place, a local one where it is uploaded. */
  #channelUris(jobName: string, channels: TrainingJobSpec['channels']): { train: string; validation?: string } {
    const uri = (channel: string, folder: string): string =>
      isS3Uri(channel) ? channel : this.s3UriFor(jobName, folder);
    return {
      train: uri(channels.train, 'train/'),
      ...(channels.validation !== undefined ? { validation: uri(channels.validation, 'validation/') } : {}),
    };
  }

  /**
   * Uploads the local channels (the train channel split into one file per instance when sharded
   * over several); an `s3://` channel is used in place, never downloaded, after checking that it
   * holds an object (enough objects for every instance when sharded).
   */
  async #placeChannels(jobName: string, channels: TrainingJobSpec['channels'], signal?: AbortSignal): Promise<void> {
    const uploadOptions = { signal, partSize: this.#options.partSize };
    const instances = this.#options.instanceCount ?? 1;
    const sharded = this.#options.distribution === 'ShardedByS3Key' && instances > 1;
    const place = async (channel: string, name: 'train' | 'validation'): Promise<unknown> => {
      const destination = this.s3UriFor(jobName, `${name}/`);
      if (isS3Uri(channel)) {
        const needed = sharded && name === 'train' ? instances : 1;
        // Checked as SageMaker will read it: a missing object or empty prefix is an S3SourceError, an
        // object other keys start with is refused (S3Prefix would feed them too).
        const found = (await listS3Channel(this.s3, channel, 'SageMakerBackend', `channels.${name}`)).length;
        if (found < needed)
          throw new InvalidArgumentError(
            'SageMakerBackend',
            `channels.${name}`,
            channel,
            needed === 1
              ? 'an S3 object or a prefix holding one (nothing is there)'
              : `a prefix holding at least ${needed} objects, one per instance for ShardedByS3Key (found ${found})`,
          );
        return undefined;
      }
      // Sharded over several instances, the training rows go up as one file per instance.
      if (sharded && name === 'train')
        return uploadShardedChannel(this.s3, channel, destination, instances, uploadOptions);
      return uploadChannel(this.s3, channel, destination, { ...uploadOptions, fileName: `${name}.csv` });
    };
    const uploads: Promise<unknown>[] = [place(channels.train, 'train')];
    if (channels.validation !== undefined) uploads.push(place(channels.validation, 'validation'));
    await settleAll(uploads);
  }

  /** A log tail of the job, with the injected CloudWatch Logs client or one created on first use. */
  async #logTail(jobName: string): Promise<TrainingLogTail> {
    if (this.#logsClient === undefined) {
      const { CloudWatchLogsClient } = await loadCloudWatchLogs();
      const { region, maxAttempts = 5, logsEndpoint } = this.#options;
      const client = new CloudWatchLogsClient({
        retryMode: 'adaptive',
        maxAttempts,
        // The SageMaker client's region, so both talk to the same place.
        region: region ?? (await this.sagemaker.config.region()),
        ...(logsEndpoint !== undefined ? { endpoint: logsEndpoint } : {}),
      });
      this.#ownedClients.push(client);
      this.#logsClient = client;
    }
    return new TrainingLogTail(this.#logsClient, jobName, { instanceCount: this.#options.instanceCount ?? 1 });
  }

  /** Reads new log lines and hands them on; XGBoost's evaluation lines also report rounds. */
  async #readLogs(tail: TrainingLogTail, options: BackendCallOptions, rounds: Map<string, number>): Promise<void> {
    const lines = await tail.flush(options.signal);
    for (const line of lines) {
      options.onLog?.(line);
      const progress = parseXgboostRound(line.message, rounds.get('num_round') ?? 0);
      // Every instance logs the same rounds in distributed training; the first one speaks for the job.
      if (progress !== undefined && line.instance === 0) options.onState?.('InProgress', undefined, progress);
    }
  }

  /**
   * Reads the job's logs every poll interval until stopped. A CloudWatch Logs failure (no
   * permission, say) ends the tail with one status line saying so; the training goes on.
   */
  #tailLogs(
    tail: TrainingLogTail,
    options: BackendCallOptions,
    rounds: Map<string, number>,
  ): { stop(): Promise<void>; readonly healthy: boolean } {
    let stopped = false;
    let healthy = true;
    let wake: (() => void) | undefined;
    const delayMs = (this.#options.logPollSeconds ?? this.#options.pollDelaySeconds ?? 15) * 1000;
    const loop = (async () => {
      while (!stopped && !options.signal?.aborted) {
        try {
          await this.#readLogs(tail, options, rounds);
        } catch (err) {
          healthy = false;
          options.onLog?.({
            kind: 'status',
            status: 'LogsUnavailable',
            message: `CloudWatch Logs could not be read, so the job's log lines are not shown: ${(err as Error).message}`,
            timestamp: Date.now(),
          });
          return;
        }
        if (stopped) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, delayMs).unref?.();
        });
      }
    })();
    return {
      async stop() {
        stopped = true;
        wake?.();
        await loop;
      },
      get healthy() {
        return healthy;
      },
    };
  }

  #poll(options: BackendCallOptions): PollOptions {
    const { onState, signal } = options;
    return {
      minDelaySeconds: this.#options.pollDelaySeconds,
      maxDelaySeconds: this.#options.maxPollDelaySeconds,
      maxWaitSeconds: this.#options.maxWaitSeconds,
      signal,
      onStatus: onState === undefined ? undefined : (status, detail) => onState(toResourceState(status), detail),
    };
  }

  /** Training seconds as SageMaker reports them (`TrainingTimeInSeconds`), else the time waited. */
  #elapsed(jobName: string, job: DescribeTrainingJobCommandOutput): number {
    if (job.TrainingTimeInSeconds !== undefined) return job.TrainingTimeInSeconds;
    if (job.TrainingStartTime !== undefined && job.TrainingEndTime !== undefined) {
      return (job.TrainingEndTime.getTime() - job.TrainingStartTime.getTime()) / 1000;
    }
    const start = this.#startedAt.get(jobName);
    return start !== undefined ? (Date.now() - start) / 1000 : 0;
  }

  /** The injected client, else the created one (which the backend then owns and closes). */
  #client<T extends { destroy(): void }>(injected: T | undefined, created: T | undefined): T {
    if (injected !== undefined) {
      created?.destroy();
      return injected;
    }
    this.#ownedClients.push(created!);
    return created!;
  }
}

function toResourceState(status: string): ResourceState {
  switch (status) {
    case 'Completed':
    case 'Failed':
    case 'Stopped':
    case 'Creating':
    case 'InService':
    case 'Deleting':
      return status;
    case 'Stopping':
    case 'Updating':
    case 'SystemUpdating':
    case 'RollingBack':
    case 'UpdateRollbackFailed':
      return 'InProgress';
    default:
      return 'InProgress';
  }
}

/** Waits for every promise, then throws the first failure (so no upload is left running unobserved). */
async function settleAll(promises: readonly Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(promises);
  for (const result of results) if (result.status === 'rejected') throw result.reason;
}
