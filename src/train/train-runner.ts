import { EventEmitter } from 'node:events';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pLimit, { type LimitFunction } from 'p-limit';
import { InvalidArgumentError } from '../errors.js';
import type { FrameSplit } from '../split/frame-splitter.js';
import { writeCsvs } from '../split/write-csvs.js';
import { parseScores } from '../serve/parse-scores.js';
import type { S3Client } from '@aws-sdk/client-s3';
import { isS3Uri } from '../events/s3-uri.js';
import { abortable } from './abortable.js';
import { readS3Text } from './s3-channel.js';
import { asyncDispose } from '../async-dispose.js';
import type { Backend, EndpointOptions, ResourceState, TrainingJobSpec } from './backend.js';
import { SEED_HYPERPARAMETERS } from './default-hyperparameters.js';
import { earlyStoppingIgnored } from './container-early-stopping.js';
import { toHyperparameterStrings, type Hyperparameters } from './hyperparameters.js';
import { countRows, toCsvPayloads, type InvokeRows } from './invoke-rows.js';
import { LocalBackend } from './local-backend.js';
import {
  ProgressClock,
  type ProgressEvent,
  type ProgressListener,
  type ProgressResource,
  type TrainingProgress,
} from './progress.js';
import {
  collectResults,
  reasonOf,
  type CreatedModel,
  type JobFailure,
  type JobScores,
  type RunResult,
  type ServingEndpoint,
  type TrainedJob,
  type TransformResult,
} from './run-result.js';
import { CleanupError, ResourceStateError, RunAbortedError, type CleanupFailure } from './train-errors.js';

/**
 * One experiment: a name and the CSV channels SageMaker's built-in XGBoost reads (label first, no
 * header). What `writeCsvs` returns fits as is. `hyperparameters` are merged over the runner's.
 */
export interface ExperimentJob {
  /** Unique within a run; letters, digits and hyphens (it becomes a SageMaker resource name). */
  readonly name: string;
  /**
   * The train channel: a CSV file or a folder of them, or data already on S3: an object
   * `s3://bucket/key` or every object under a prefix `s3://bucket/prefix/`. S3 channels are used
   * in place by the SageMaker backend (the job's `S3Uri`, nothing uploaded) and copied to the job's
   * input folder by the local backend, as SageMaker's File mode does.
   */
  readonly train: string;
  /** The validation channel, as `train`. */
  readonly validation?: string;
  /** A labelled test CSV (label first), a path or an `s3://` object; `invokeWith: 'test'` scores it. */
  readonly test?: string;
  readonly hyperparameters?: Hyperparameters;
}

/**
 * A job given as data: a split from `FrameSplitter.split`, which {@link TrainRunner.startJobs}
 * writes as SageMaker CSV channels (label first, no header) in the run's work folder before
 * training. An empty validation or test part is left out.
 */
export interface FrameJob {
  /** Unique within a run; letters, digits and hyphens (it becomes a SageMaker resource name). */
  readonly name: string;
  readonly split: FrameSplit;
  /** Where the frame came from (file names, truncation), recorded in the channel manifest. */
  readonly source?: string;
  /** A weight column of every part: written second and trained with `csv_weights: '1'`. */
  readonly weight?: string;
  readonly hyperparameters?: Hyperparameters;
}

/** A job for {@link TrainRunner.startJobs}: CSV channels on disk, or a split to write as channels. */
export type StartJob = ExperimentJob | FrameJob;

/** Options of {@link TrainRunner}. */
export interface TrainRunnerOptions {
  /** Where jobs train and serve. Default: a new {@link LocalBackend}, closed by {@link TrainRunner.close}. */
  readonly backend?: Backend;
  /**
   * Jobs in flight at once (training, then each later stage), through `p-limit`. Default 6, the
   * seed's six experiments; keep it within your SageMaker quotas.
   */
  readonly concurrency?: number;
  /** Hyperparameters of every job. Default {@link SEED_HYPERPARAMETERS}. */
  readonly hyperparameters?: Hyperparameters;
  /** Prepended to job names (joined with `-`) for every resource the run creates. Default none. */
  readonly prefix?: string;
  /** Aborts waits and jobs; clean-up still runs. */
  readonly signal?: AbortSignal;
  /** Receives every progress event (also emitted as the runner's `'progress'` event). */
  readonly onProgress?: ProgressListener;
  /**
   * Options of every endpoint: instance type and count, tags (SageMaker backend), and `retain`
   * (keep endpoints that came into service, with their models, when the runner cleans up).
   */
  readonly endpoint?: EndpointOptions;
  /**
   * Where the channels of {@link FrameJob}s are written (`<workDir>/csv/<job>/…`). Default: a
   * temporary folder the runner creates when needed and removes when closed.
   */
  readonly workDir?: string;
  /**
   * The S3 client that reads test channels given as `s3://` objects (`invokeWith: 'test'`).
   * Default: a client from the AWS environment for each read.
   */
  readonly s3?: S3Client;
}

/** What to score after deploying, per job. */
export type InvokeWith = 'test' | InvokeRows | ((job: ExperimentJob) => InvokeRows | Promise<InvokeRows>);

/** Options of {@link TrainRunner.runExperiment}. */
export interface ExperimentOptions {
  /** Create endpoints and wait for them. Default `true` when `invokeWith` is given, else `false`. */
  readonly deploy?: boolean;
  /**
   * Rows each endpoint scores once in service: `'test'` (the job's labelled test CSV, label
   * stripped and returned beside the scores), the same rows for every job, or a function of the job.
   */
  readonly invokeWith?: InvokeWith;
  /** A features-only CSV file per job (or one for all) to score with batch transform. */
  readonly transformWith?: string | ((job: ExperimentJob) => string);
}

/** Everything one experiment round trip produced. */
export interface ExperimentResult {
  readonly training: RunResult<TrainedJob>;
  readonly models: RunResult<CreatedModel>;
  readonly endpoints?: RunResult<ServingEndpoint>;
  readonly scores: readonly JobScores[];
  readonly transforms: readonly TransformResult[];
  /** Jobs that got through every stage asked for. */
  readonly succeeded: readonly string[];
  /** Every failure of every stage, with its reason. */
  readonly failed: readonly JobFailure[];
}

/** What {@link TrainRunner.cleanup} released, and what it kept on purpose. */
export interface CleanupReport {
  readonly stoppedJobs: readonly string[];
  readonly deletedEndpoints: readonly string[];
  readonly deletedModels: readonly string[];
  /** Endpoints in service created with `retain: true`: left running (they bill until deleted). */
  readonly retainedEndpoints: readonly string[];
  /** The models of the retained endpoints, left too. */
  readonly retainedModels: readonly string[];
}

/** Options of {@link TrainRunner.attach}. */
export interface AttachOptions {
  /**
   * The job's name in this runner (and, with the prefix, of its model and endpoint). Default: the training job name.
   */
  readonly name?: string;
}

/** Events of a {@link TrainRunner}. */
export interface TrainRunnerEvents {
  progress: [ProgressEvent];
}

/** SageMaker resource names: 1–63 letters, digits and hyphens, alphanumeric at both ends. */
const RESOURCE_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const DEFAULT_CONCURRENCY = 6;

interface JobRecord {
  readonly job: ExperimentJob;
  readonly jobName: string;
  training?: Promise<TrainedJob>;
  trained?: TrainedJob;
  modelName?: string;
  endpointName?: string;
  endpointCreated?: Promise<void>;
  inService?: boolean;
  /** The endpoint was created with `retain: true`. */
  retain?: boolean;
  transforms: number;
  /** The job's own abort signal, aborted with the runner's (see TrainRunner.#signalOf). */
  controller?: AbortController;
}

/**
 * Runs many experiments at once on a {@link Backend} — the {@link LocalBackend} by default, or
 * the SageMaker backend — and always cleans up after them.
 *
 * Stages: {@link startJobs} → {@link waitForJobs} → {@link createModels} → {@link createEndpoints}
 * → {@link waitForEndpoints} → {@link invoke} / {@link batchTransform} → {@link cleanup}; or all
 * of them in {@link TrainRunner.runExperiment}. At most `concurrency` jobs are in flight (p-limit). Every
 * stage reports per job: one failure never sinks the others, and each failure says why. Every
 * model and endpoint the runner creates is tracked, and {@link cleanup} (also run by `await using`
 * and by `runExperiment`'s `finally`) deletes them on success, failure and abort. Progress events
 * (`{ job, resource, name, state, elapsedMs }`) go to `onProgress` and the `'progress'` event.
 *
 * @example
 * ```ts
 * const jobs = await writeCsvs(splits, 'out/csv'); // [{ name: 'first5', train: 'out/csv/first5/train.csv', validation, test, … }, …]
 * await using runner = new TrainRunner({ prefix: 'exp1', onProgress: (e) => console.log(formatProgress(e)) });
 * await runner.startJobs(jobs);
 * const { succeeded, failed } = await runner.waitForJobs();
 * await runner.createModels();
 * await runner.createEndpoints();
 * await runner.waitForEndpoints();              // every endpoint, failures with reasons
 * const scores = await runner.invoke('first5', splitter.features(testDay)); // Float64Array
 * // leaving the block deletes every endpoint and model the runner created
 * ```
 */
export class TrainRunner extends EventEmitter<TrainRunnerEvents> implements AsyncDisposable {
  /** The backend jobs run on. */
  readonly backend: Backend;
  readonly #ownsBackend: boolean;
  readonly #limit: LimitFunction;
  readonly #hyperparameters: Hyperparameters;
  readonly #prefix: string;
  readonly #signal: AbortSignal | undefined;
  readonly #endpointOptions: EndpointOptions;
  readonly #clock: ProgressClock;
  readonly #records = new Map<string, JobRecord>();
  readonly #liveJobs = new Set<string>();
  readonly #models = new Set<string>();
  readonly #endpoints = new Set<string>();
  readonly #retained = { endpoints: new Set<string>(), models: new Set<string>() };
  readonly #onAbort: (() => void) | undefined;
  readonly #workDirOption: string | undefined;
  readonly #s3: S3Client | undefined;
  #workDir: Promise<string> | undefined;
  #closed = false;

  constructor(options: TrainRunnerOptions = {}) {
    super();
    const {
      backend,
      concurrency = DEFAULT_CONCURRENCY,
      hyperparameters = SEED_HYPERPARAMETERS,
      prefix = '',
      signal,
      onProgress,
      endpoint = {},
      workDir,
    } = options;
    if (workDir !== undefined && (typeof workDir !== 'string' || workDir === ''))
      throw new InvalidArgumentError('TrainRunner', 'workDir', workDir, 'a folder path');
    this.#workDirOption = workDir;
    this.#s3 = options.s3;
    if (!(Number.isInteger(concurrency) && concurrency >= 1) && concurrency !== Infinity) {
      throw new InvalidArgumentError('TrainRunner', 'concurrency', concurrency, 'a positive integer or Infinity');
    }
    if (prefix !== '' && !/^[a-zA-Z0-9][a-zA-Z0-9-]*$/.test(prefix)) {
      throw new InvalidArgumentError(
        'TrainRunner',
        'prefix',
        prefix,
        'letters, digits and hyphens, starting with a letter or digit',
      );
    }
    toHyperparameterStrings(hyperparameters);
    if (endpoint.retain === true && backend === undefined) {
      throw new InvalidArgumentError(
        'TrainRunner',
        'endpoint.retain',
        true,
        'used with a backend passed to the runner (one the runner creates is closed with it, and its endpoints too)',
      );
    }
    this.backend = backend ?? new LocalBackend();
    this.#ownsBackend = backend === undefined;
    this.#limit = pLimit(concurrency);
    this.#hyperparameters = hyperparameters;
    this.#prefix = prefix === '' || prefix.endsWith('-') ? prefix : `${prefix}-`;
    this.#signal = signal;
    this.#endpointOptions = endpoint;
    this.#clock = new ProgressClock((event) => {
      onProgress?.(event);
      this.emit('progress', event);
    });
    if (signal) {
      // Stop what is running at once; waits reject by themselves, clean-up releases the rest.
      this.#onAbort = () => {
        for (const record of this.#records.values()) record.controller?.abort(signal.reason);
        for (const jobName of this.#liveJobs) this.backend.stopTrainingJob(jobName).catch(() => undefined);
      };
      signal.addEventListener('abort', this.#onAbort, { once: true });
    }
  }

  /**
   * The backend name of a job's resources: the prefix joined to the job name.
   *
   * @example
   * ```ts
   * new TrainRunner({ prefix: 'exp1' }).resourceName('first5'); // 'exp1-first5'
   * ```
   */
  resourceName(job: string): string {
    return `${this.#prefix}${job}`;
  }

  /**
   * Starts training every job, at most `concurrency` at a time (the rest queue). Resolves once all
   * are scheduled; a job that fails to start is reported by {@link waitForJobs}. A job is either
   * CSV channels on disk (`{ name, train, validation?, test? }`) or a split from
   * `FrameSplitter.split` (`{ name, split }`), which is first written as channels in the run's work
   * folder (see {@link TrainRunnerOptions.workDir}), so a notebook needs no `writeCsvs` step.
   *
   * @throws InvalidArgumentError for a job without a name or train channel (or split), a name used
   *   twice, or a resource name SageMaker would refuse; nothing is started then.
   * @example
   * ```ts
   * await runner.startJobs([{ name: 'first5', train: 'out/first5/train.csv', validation: 'out/first5/validation.csv' }]);
   * // or straight from a split:
   * const split = new FrameSplitter({ label: 'BadActor', drop: ['SessionNo'] }).split(frame, { train: 0.8, validation: 0.2, test: 0, seed: 42 });
   * await runner.startJobs([{ name: 'first10', split }]);
   * ```
   */
  async startJobs(jobs: readonly StartJob[]): Promise<void> {
    this.#checkOpen('startJobs');
    if (!Array.isArray(jobs)) throw new InvalidArgumentError('TrainRunner.startJobs', 'jobs', jobs, 'an array of jobs');
    jobs.forEach((job, i) => this.#checkJob(isFrameJob(job) ? { ...job, train: '<split>' } : job, i));
    const names = new Set<string>();
    for (const job of jobs) {
      if (names.has(job.name))
        throw new InvalidArgumentError('TrainRunner.startJobs', 'jobs', job.name, 'unique job names');
      names.add(job.name);
    }
    const fresh = (await this.#writeChannels(jobs)).map((job, i) => this.#checkJob(job, i));
    for (const record of fresh) {
      this.#records.set(record.job.name, record);
      this.#emit(record, 'TrainingJob', record.jobName, 'Pending');
      record.training = this.#limit(() => this.#train(record));
      // Failures are reported by waitForJobs; this keeps an unobserved one from crashing the process.
      record.training.catch(() => undefined);
    }
  }

  /**
   * Waits for every started job. Resolves with the jobs that completed and those that failed or
   * stopped, with the backend's reason.
   *
   * @throws RunAbortedError when the runner's signal aborts (running jobs are stopped).
   * @example
   * ```ts
   * const { succeeded, failed } = await runner.waitForJobs();
   * failed.forEach((f) => console.error(f.job, f.reason));
   * ```
   */
  async waitForJobs(): Promise<RunResult<TrainedJob>> {
    const records = [...this.#records.values()].filter((r) => r.training !== undefined);
    const settled = await Promise.allSettled(records.map((r) => r.training as Promise<TrainedJob>));
    this.#throwIfAborted('waitForJobs');
    return collectResults(
      records.map((r) => r.job.name),
      'TrainingJob',
      settled,
    );
  }

  /**
   * Waits for one started job, so that its model can be used as soon as it is trained while other
   * jobs still train: resolves with the trained job, rejects with the reason it failed or stopped
   * (as {@link waitForJobs} reports it for that job).
   *
   * @throws InvalidArgumentError for a job this runner did not start.
   * @example
   * ```ts
   * await runner.startJobs(jobs);
   * const first = await runner.waitForJob('first5'); // { job: 'first5', jobName: 'exp1-first5', artifact, seconds }
   * const booster = Booster.fromTarGz(await runner.backend.downloadArtifact(first.artifact));
   * ```
   */
  async waitForJob(job: string): Promise<TrainedJob> {
    const record = this.#record(job, 'waitForJob');
    if (record.training === undefined)
      throw new InvalidArgumentError('TrainRunner.waitForJob', 'job', job, 'a job started by this runner');
    return record.training;
  }

  /**
   * Picks up a training job started elsewhere (another runner, another process, the console):
   * waits for it through the backend (`DescribeTrainingJob` on SageMaker; on the local backend, a
   * job of the same backend or an artifact in its `workDir`) and adds it to this runner as a
   * trained job, so {@link createModels}, {@link createEndpoints}, {@link invoke} and
   * {@link batchTransform} work on it. The training job itself is not the runner's: clean-up never
   * stops it; the model and endpoint made from it are named `prefix` + `options.name` (default the
   * job name) and cleaned up as usual.
   *
   * @throws InvalidArgumentError for a bad job name, a name this runner already has, or a
   *   resource name SageMaker would refuse; ResourceStateError when the job failed or stopped (or,
   *   on the local backend, does not exist); the backend's error for an unknown job on SageMaker
   *   (`AwsRequestError`, `ValidationException`); RunAbortedError on abort. The job is not added then.
   * @example
   * ```ts
   * await using runner = new TrainRunner({ backend: sagemakerBackend, prefix: 'exp2' });
   * const trained = await runner.attach('exp1-first5', { name: 'first5' }); // { job: 'first5', jobName: 'exp1-first5', artifact: 's3://…/model.tar.gz', seconds }
   * await runner.createModels();                                           // model exp2-first5
   * await runner.createEndpoints({ retain: true });
   * await runner.waitForEndpoints();
   * ```
   */
  async attach(jobName: string, options: AttachOptions = {}): Promise<TrainedJob> {
    this.#checkOpen('attach');
    const where = 'TrainRunner.attach';
    if (typeof jobName !== 'string' || !RESOURCE_NAME.test(jobName))
      throw new InvalidArgumentError(
        where,
        'jobName',
        jobName,
        'a training job name (1-63 letters, digits and hyphens)',
      );
    const name = options.name ?? jobName;
    if (typeof name !== 'string' || name === '')
      throw new InvalidArgumentError(where, 'options.name', name, 'a non-empty name');
    if (this.#records.has(name))
      throw new InvalidArgumentError(
        where,
        options.name === undefined ? 'jobName' : 'options.name',
        name,
        'a name not already used by this runner',
      );
    const resourceName = this.resourceName(name);
    if (!RESOURCE_NAME.test(resourceName)) {
      throw new InvalidArgumentError(
        where,
        'options.name',
        resourceName,
        'with the prefix, 1-63 letters, digits and hyphens (a SageMaker resource name); pass a shorter name',
      );
    }
    // The channels are the other run's; this record only carries the job's name.
    const record: JobRecord = { job: { name, train: '' }, jobName: resourceName, transforms: 0 };
    this.#records.set(name, record);
    const signal = this.#signalOf(record);
    try {
      const outcome = await abortable(
        this.backend.waitForTrainingJob(jobName, {
          signal,
          onState: (state, detail, training) => this.#emit(record, 'TrainingJob', jobName, state, detail, training),
          onLog: (entry) => this.#clock.emit(name, 'TrainingLog', jobName, 'InProgress', undefined, undefined, entry),
        }),
        signal,
        `attaching training job ${jobName}`,
      );
      if (outcome.status !== 'Completed')
        throw new ResourceStateError(`training job ${jobName}`, `${outcome.status}: ${outcome.reason}`);
      record.trained = { job: name, jobName, artifact: outcome.artifact, seconds: outcome.seconds };
    } catch (err) {
      this.#records.delete(name);
      throw err;
    }
    record.training = Promise.resolve(record.trained);
    return record.trained;
  }

  /**
   * Registers a model for every trained job that has none yet.
   *
   * @example
   * ```ts
   * const models = await runner.createModels(); // { succeeded: [{ job, modelName, artifact }], failed }
   * ```
   */
  async createModels(): Promise<RunResult<CreatedModel>> {
    this.#checkOpen('createModels');
    const records = [...this.#records.values()].filter((r) => r.trained && r.modelName === undefined);
    const settled = await Promise.allSettled(
      records.map((record) =>
        this.#limit(async () => {
          this.#throwIfAborted('createModels');
          const trained = record.trained as TrainedJob;
          const modelName = record.jobName;
          this.#emit(record, 'Model', modelName, 'Creating');
          this.#models.add(modelName);
          try {
            await this.backend.createModel(modelName, trained.artifact);
          } catch (err) {
            this.#emit(record, 'Model', modelName, 'Failed', reasonOf(err));
            throw err;
          }
          record.modelName = modelName;
          this.#emit(record, 'Model', modelName, 'Completed');
          return { job: record.job.name, modelName, artifact: trained.artifact };
        }),
      ),
    );
    this.#throwIfAborted('createModels');
    return collectResults(
      records.map((r) => r.job.name),
      'Model',
      settled,
    );
  }

  /**
   * Creates an endpoint (and its config) for every model that has none yet; does not wait.
   * `options` go over the runner's `endpoint` options; with `retain: true`, endpoints that come
   * into service outlive the runner (see {@link cleanup}).
   *
   * @example
   * ```ts
   * await runner.createEndpoints();
   * await runner.waitForEndpoints();
   * // or keep them for a Predictor after the runner is gone:
   * await runner.createEndpoints({ retain: true, tags: { keep: 'demo' } });
   * ```
   */
  async createEndpoints(options: EndpointOptions = {}): Promise<RunResult<ServingEndpoint>> {
    this.#checkOpen('createEndpoints');
    const endpointOptions: EndpointOptions = {
      ...this.#endpointOptions,
      ...options,
      ...(this.#endpointOptions.tags !== undefined || options.tags !== undefined
        ? { tags: { ...this.#endpointOptions.tags, ...options.tags } }
        : {}),
    };
    if (endpointOptions.retain === true && this.#ownsBackend) {
      // The runner closes a backend it created, and a local endpoint ends with its backend.
      throw new InvalidArgumentError(
        'TrainRunner.createEndpoints',
        'retain',
        true,
        'used with a backend passed to the runner (one the runner creates is closed with it)',
      );
    }
    const records = [...this.#records.values()].filter(
      (r) => r.modelName !== undefined && r.endpointName === undefined,
    );
    const settled = await Promise.allSettled(
      records.map((record) =>
        this.#limit(async () => {
          this.#throwIfAborted('createEndpoints');
          const endpointName = record.jobName;
          // Tracked before the call: a create that fails halfway may still have made something to delete.
          this.#endpoints.add(endpointName);
          record.endpointName = endpointName;
          record.retain = endpointOptions.retain === true;
          this.#emit(record, 'Endpoint', endpointName, 'Creating');
          try {
            await this.backend.createEndpoint(endpointName, record.modelName as string, endpointOptions);
          } catch (err) {
            record.endpointName = undefined;
            this.#emit(record, 'Endpoint', endpointName, 'Failed', reasonOf(err));
            throw err;
          }
          return { job: record.job.name, endpointName };
        }),
      ),
    );
    this.#throwIfAborted('createEndpoints');
    return collectResults(
      records.map((r) => r.job.name),
      'Endpoint',
      settled,
    );
  }

  /**
   * Waits until every created endpoint is in service or failed — all of them, not the first —
   * and reports each failure with its reason.
   *
   * @throws RunAbortedError when the runner's signal aborts.
   * @example
   * ```ts
   * const { succeeded, failed } = await runner.waitForEndpoints(); // all of them, not the first
   * ```
   */
  async waitForEndpoints(): Promise<RunResult<ServingEndpoint>> {
    const records = [...this.#records.values()].filter((r) => r.endpointName !== undefined);
    const settled = await Promise.allSettled(
      records.map(async (record): Promise<ServingEndpoint> => {
        const endpointName = record.endpointName as string;
        if (record.inService) return { job: record.job.name, endpointName };
        const outcome = await this.backend.waitForEndpoint(endpointName, {
          signal: this.#signalOf(record),
          onState: (state, detail) => this.#emit(record, 'Endpoint', endpointName, state, detail),
        });
        if (outcome.status !== 'InService') throw new ResourceStateError(`endpoint ${endpointName}`, outcome.reason);
        record.inService = true;
        return { job: record.job.name, endpointName };
      }),
    );
    this.#throwIfAborted('waitForEndpoints');
    return collectResults(
      records.map((r) => r.job.name),
      'Endpoint',
      settled,
    );
  }

  /**
   * Scores feature rows (no label) on a job's endpoint and returns one probability per row, in
   * order. Rows are sent as `text/csv` in payloads under SageMaker's 6 MiB limit.
   *
   * @throws ResourceStateError when the job has no endpoint in service;
   *   EndpointInvocationError when the endpoint refuses a payload.
   * @example
   * ```ts
   * const scores = await runner.invoke('first5', [[3, 0, 1, 7], [0, 2, NaN, 1]]); // Float64Array(2)
   * ```
   */
  async invoke(job: string, rows: InvokeRows): Promise<Float64Array> {
    this.#checkOpen('invoke');
    const record = this.#record(job, 'invoke');
    if (!record.inService || record.endpointName === undefined) {
      throw new ResourceStateError(
        `job ${job}`,
        'has no endpoint in service (run createEndpoints and waitForEndpoints first)',
      );
    }
    const endpointName = record.endpointName;
    const payloads = toCsvPayloads(rows, { where: `invoke(${JSON.stringify(job)})` });
    this.#clock.restart('Invocation', endpointName);
    this.#emit(
      record,
      'Invocation',
      endpointName,
      'InProgress',
      `${countRows(rows)} rows in ${payloads.length} payload(s)`,
    );
    const parts: Float64Array[] = [];
    try {
      for (const payload of payloads) {
        this.#throwIfAborted('invoke');
        parts.push(await this.backend.invokeEndpoint(endpointName, payload, { signal: this.#signalOf(record) }));
      }
    } catch (err) {
      this.#emit(record, 'Invocation', endpointName, 'Failed', reasonOf(err));
      throw err;
    }
    const scores = concat(parts);
    this.#emit(record, 'Invocation', endpointName, 'Completed');
    return scores;
  }

  /**
   * Scores a features-only CSV file with a batch transform of the job's model, like SageMaker
   * (`SplitType: Line`, output `<input>.out`, one score per line), and returns the scores.
   *
   * @param outputDir Where the `.out` file goes (local backend) or its S3 prefix. Default: the input's folder.
   * @example
   * ```ts
   * const { output, scores } = await runner.batchTransform('first5', 'out/testday-features.csv');
   * // output === 'out/testday-features.csv.out'
   * ```
   */
  async batchTransform(job: string, input: string, outputDir: string = path.dirname(input)): Promise<TransformResult> {
    this.#checkOpen('batchTransform');
    const record = this.#record(job, 'batchTransform');
    if (record.modelName === undefined)
      throw new ResourceStateError(`job ${job}`, 'has no model (run createModels first)');
    record.transforms++;
    const jobName = `${record.jobName.slice(0, 55)}-bt${record.transforms}`;
    this.#emit(record, 'Transform', jobName, 'InProgress');
    const outcome = await this.backend.batchTransform(
      { modelName: record.modelName, input, outputDir, jobName },
      {
        signal: this.#signalOf(record),
        onState: (state, detail) => this.#emit(record, 'Transform', jobName, state, detail),
      },
    );
    if (outcome.status !== 'Completed') {
      this.#emit(record, 'Transform', jobName, 'Failed', outcome.reason);
      throw new ResourceStateError(`batch transform ${jobName}`, outcome.reason ?? 'failed');
    }
    const bytes = await this.backend.downloadArtifact(outcome.output);
    const scores = parseScores(bytes, { source: outcome.output });
    this.#emit(record, 'Transform', jobName, 'Completed');
    return { job, output: outcome.output, scores };
  }

  /**
   * Stops running training jobs and deletes every endpoint (with its config) and model this
   * runner created, even after failures and aborts. Each delete is tried, failures once more;
   * idempotent (a second call has nothing left to do). Endpoints created with `retain: true` that
   * came into service are kept with their models, reported under `retainedEndpoints` and
   * `retainedModels` (and once as an `InService` progress event with detail `retained`); delete
   * them later with `backend.deleteEndpoint(name, { withModels: true })` or by tag.
   *
   * @throws CleanupError listing what could not be deleted; those stay tracked for a next call.
   * @example
   * ```ts
   * try { await runner.createEndpoints(); await runner.waitForEndpoints(); } finally { await runner.cleanup(); }
   * ```
   */
  async cleanup(): Promise<CleanupReport> {
    const failures: CleanupFailure[] = [];
    const stoppedJobs: string[] = [];
    const deletedEndpoints: string[] = [];
    const deletedModels: string[] = [];
    const release = async (
      resource: CleanupFailure['resource'],
      names: Set<string>,
      remove: (name: string) => Promise<void>,
      done: string[],
    ): Promise<void> => {
      await Promise.all(
        [...names].map(async (name) => {
          let lastError: unknown;
          for (let attempt = 0; attempt < 2; attempt++) {
            try {
              await remove(name);
              names.delete(name);
              done.push(name);
              return;
            } catch (err) {
              lastError = err;
            }
          }
          failures.push({ resource, name, reason: reasonOf(lastError) });
        }),
      );
    };
    await release('TrainingJob', this.#liveJobs, (name) => this.backend.stopTrainingJob(name), stoppedJobs);
    this.#retain();
    await release(
      'Endpoint',
      this.#endpoints,
      async (name) => {
        await this.backend.deleteEndpoint(name);
        const record = [...this.#records.values()].find((r) => r.endpointName === name);
        if (record) {
          record.endpointName = undefined;
          record.inService = false;
          this.#emit(record, 'Endpoint', name, 'Deleted');
        }
      },
      deletedEndpoints,
    );
    await release(
      'Model',
      this.#models,
      async (name) => {
        await this.backend.deleteModel(name);
        const record = [...this.#records.values()].find((r) => r.modelName === name);
        if (record) {
          record.modelName = undefined;
          this.#emit(record, 'Model', name, 'Deleted');
        }
      },
      deletedModels,
    );
    if (failures.length > 0) throw new CleanupError(failures);
    return {
      stoppedJobs,
      deletedEndpoints,
      deletedModels,
      retainedEndpoints: [...this.#retained.endpoints],
      retainedModels: [...this.#retained.models],
    };
  }

  /** Moves retained endpoints in service, and their models, out of what clean-up deletes. */
  #retain(): void {
    for (const record of this.#records.values()) {
      const { endpointName, modelName } = record;
      if (!record.retain || !record.inService || endpointName === undefined || !this.#endpoints.has(endpointName))
        continue;
      this.#endpoints.delete(endpointName);
      this.#retained.endpoints.add(endpointName);
      if (modelName !== undefined && this.#models.delete(modelName)) this.#retained.models.add(modelName);
      this.#emit(record, 'Endpoint', endpointName, 'InService', 'retained: not deleted by clean-up');
    }
  }

  /**
   * {@link cleanup}, then closes the backend if the runner created it, and returns the clean-up
   * report. Idempotent; what `await using` calls.
   *
   * @example
   * ```ts
   * const runner = new TrainRunner();
   * try { await runner.startJobs(jobs); await runner.waitForJobs(); } finally { await runner.close(); }
   * ```
   */
  async close(): Promise<CleanupReport> {
    try {
      return await this.cleanup();
    } finally {
      if (!this.#closed) {
        this.#closed = true;
        if (this.#onAbort) this.#signal?.removeEventListener('abort', this.#onAbort);
        if (this.#ownsBackend) await this.backend.close?.();
        if (this.#workDir !== undefined && this.#workDirOption === undefined)
          await rm(await this.#workDir, { recursive: true, force: true });
      }
    }
  }

  /** The run's work folder: `workDir`, or a temporary folder made on first use. */
  #ensureWorkDir(): Promise<string> {
    this.#workDir ??=
      this.#workDirOption !== undefined
        ? mkdir(this.#workDirOption, { recursive: true }).then(() => path.resolve(this.#workDirOption as string))
        : mkdtemp(path.join(os.tmpdir(), 'sessionsentry-run-'));
    return this.#workDir;
  }

  /** Writes the splits of frame jobs as CSV channels and returns every job as channel files. */
  async #writeChannels(jobs: readonly StartJob[]): Promise<ExperimentJob[]> {
    if (!jobs.some(isFrameJob)) return jobs as readonly ExperimentJob[] as ExperimentJob[];
    const outDir = path.join(await this.#ensureWorkDir(), 'csv');
    const out: ExperimentJob[] = [];
    for (const job of jobs) {
      if (!isFrameJob(job)) {
        out.push(job);
        continue;
      }
      const { name, split, source, weight, hyperparameters } = job;
      const [files] = await writeCsvs([{ name, split, source }], outDir, { weight });
      out.push({
        name,
        train: files!.train,
        validation: split.validation.rowCount > 0 ? files!.validation : undefined,
        test: split.test.rowCount > 0 ? files!.test : undefined,
        hyperparameters: weight === undefined ? hyperparameters : { ...hyperparameters, csv_weights: '1' },
      });
    }
    return out;
  }

  async [asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * The whole round trip in one call: train every job, register models, and when asked deploy
   * endpoints, score rows on each and batch-transform files; then, in a `finally`, delete every
   * endpoint and model the run created. Failures of single jobs are collected, not thrown.
   *
   * @throws RunAbortedError on abort, after clean-up; CleanupError when clean-up could not delete
   *   everything (its `cause` is the run's own error, if it had one).
   * @example
   * ```ts
   * const runner = new TrainRunner({ prefix: 'exp1' });
   * const result = await runner.runExperiment(jobs, { invokeWith: 'test' });
   * for (const { job, scores, labels } of result.scores) report(job, scores, labels);
   * ```
   */
  async runExperiment(jobs: readonly StartJob[], options: ExperimentOptions = {}): Promise<ExperimentResult> {
    const { invokeWith, transformWith, deploy = invokeWith !== undefined } = options;
    let result: ExperimentResult | undefined;
    let failure: unknown;
    try {
      result = await this.#roundTrip(jobs, deploy, invokeWith, transformWith);
    } catch (err) {
      failure = err;
    }
    try {
      await this.cleanup();
    } catch (err) {
      if (failure !== undefined && err instanceof CleanupError)
        throw new CleanupError(err.failures, { cause: failure });
      throw err;
    }
    if (failure !== undefined) throw failure;
    return result as ExperimentResult;
  }

  async #roundTrip(
    jobs: readonly StartJob[],
    deploy: boolean,
    invokeWith: InvokeWith | undefined,
    transformWith: ExperimentOptions['transformWith'],
  ): Promise<ExperimentResult> {
    await this.startJobs(jobs);
    const training = await this.waitForJobs();
    const models = await this.createModels();
    const failed: JobFailure[] = [...training.failed, ...models.failed];
    let endpoints: RunResult<ServingEndpoint> | undefined;
    const scores: JobScores[] = [];
    const transforms: TransformResult[] = [];
    if (deploy) {
      const created = await this.createEndpoints();
      const ready = await this.waitForEndpoints();
      endpoints = { succeeded: ready.succeeded, failed: [...created.failed, ...ready.failed] };
      failed.push(...endpoints.failed);
      if (invokeWith !== undefined) {
        const settled = await Promise.allSettled(
          ready.succeeded.map((endpoint) =>
            this.#limit(async () => {
              const job = (this.#records.get(endpoint.job) as JobRecord).job;
              const { rows, labels } = await resolveInvokeRows(invokeWith, job, this.#s3);
              const jobScores = await this.invoke(job.name, rows);
              return labels === undefined
                ? { job: job.name, scores: jobScores }
                : { job: job.name, scores: jobScores, labels };
            }),
          ),
        );
        this.#throwIfAborted('runExperiment');
        const invoked = collectResults(
          ready.succeeded.map((e) => e.job),
          'Invocation',
          settled,
        );
        scores.push(...invoked.succeeded);
        failed.push(...invoked.failed);
      }
    }
    if (transformWith !== undefined) {
      const settled = await Promise.allSettled(
        models.succeeded.map((model) =>
          this.#limit(async () => {
            const job = (this.#records.get(model.job) as JobRecord).job;
            return this.batchTransform(
              job.name,
              typeof transformWith === 'function' ? transformWith(job) : transformWith,
            );
          }),
        ),
      );
      this.#throwIfAborted('runExperiment');
      const transformed = collectResults(
        models.succeeded.map((m) => m.job),
        'Transform',
        settled,
      );
      transforms.push(...transformed.succeeded);
      failed.push(...transformed.failed);
    }
    const failedJobs = new Set(failed.map((f) => f.job));
    const succeeded = jobs.map((j) => j.name).filter((name) => !failedJobs.has(name));
    return { training, models, ...(endpoints ? { endpoints } : {}), scores, transforms, succeeded, failed };
  }

  async #train(record: JobRecord): Promise<TrainedJob> {
    this.#throwIfAborted(`training job ${record.jobName}`);
    const spec: TrainingJobSpec = {
      name: record.jobName,
      channels:
        record.job.validation === undefined
          ? { train: record.job.train }
          : { train: record.job.train, validation: record.job.validation },
      hyperparameters: toHyperparameterStrings(this.#hyperparameters, record.job.hyperparameters),
    };
    let finalReported = false;
    const onState = (state: ResourceState, detail?: string, training?: TrainingProgress): void => {
      if (state === 'Failed' || state === 'Stopped') finalReported = true;
      this.#emit(record, 'TrainingJob', record.jobName, state, detail, training);
    };
    try {
      this.#liveJobs.add(record.jobName);
      const signal = this.#signalOf(record);
      await this.backend.startTrainingJob(spec, { signal, onState });
      const outcome = await abortable(
        this.backend.waitForTrainingJob(record.jobName, {
          signal,
          onState,
          onLog: (entry) =>
            this.#clock.emit(record.job.name, 'TrainingLog', record.jobName, 'InProgress', undefined, undefined, entry),
        }),
        signal,
        `training job ${record.jobName}`,
      );
      this.#liveJobs.delete(record.jobName);
      if (outcome.status !== 'Completed') {
        if (!finalReported) this.#emit(record, 'TrainingJob', record.jobName, outcome.status, outcome.reason);
        finalReported = true;
        throw new ResourceStateError(`training job ${record.jobName}`, `${outcome.status}: ${outcome.reason}`);
      }
      record.trained = {
        job: record.job.name,
        jobName: record.jobName,
        artifact: outcome.artifact,
        seconds: outcome.seconds,
        ...(outcome.summary ? { summary: outcome.summary } : {}),
      };
      return record.trained;
    } catch (err) {
      if (err instanceof RunAbortedError) {
        // Stop it now; clean-up retries if this fails.
        await this.backend.stopTrainingJob(record.jobName).then(
          () => this.#liveJobs.delete(record.jobName),
          () => undefined,
        );
        this.#emit(record, 'TrainingJob', record.jobName, 'Stopped', 'aborted');
      } else {
        this.#liveJobs.delete(record.jobName);
        if (!finalReported) this.#emit(record, 'TrainingJob', record.jobName, 'Failed', reasonOf(err));
      }
      throw err;
    }
  }

  #checkJob(job: ExperimentJob, index: number): JobRecord {
    const where = 'TrainRunner.startJobs';
    if (job === null || typeof job !== 'object')
      throw new InvalidArgumentError(
        where,
        `jobs[${index}]`,
        job,
        'a job { name, train, validation?, test?, hyperparameters? }',
      );
    if (typeof job.name !== 'string' || job.name.length === 0)
      throw new InvalidArgumentError(where, `jobs[${index}].name`, job.name, 'a non-empty name');
    if ('split' in job) {
      const split = (job as unknown as FrameJob).split as Partial<FrameSplit> | null;
      if (
        split === null ||
        typeof split !== 'object' ||
        typeof split.label !== 'string' ||
        split.train === undefined ||
        split.train.rowCount === 0
      ) {
        throw new InvalidArgumentError(
          where,
          `jobs[${index}].split`,
          split,
          'a split from FrameSplitter.split with a non-empty train part',
        );
      }
    } else if (typeof job.train !== 'string' || job.train.length === 0) {
      throw new InvalidArgumentError(
        where,
        `jobs[${index}].train`,
        job.train,
        'the path of the train channel (or a split)',
      );
    }
    if (this.#records.has(job.name))
      throw new InvalidArgumentError(where, `jobs[${index}].name`, job.name, 'a name not already run by this runner');
    const jobName = this.resourceName(job.name);
    if (!RESOURCE_NAME.test(jobName)) {
      throw new InvalidArgumentError(
        where,
        `jobs[${index}].name`,
        jobName,
        'with the prefix, 1-63 letters, digits and hyphens, starting and ending with a letter or digit (a SageMaker resource name)',
      );
    }
    const hyperparameters = toHyperparameterStrings(this.#hyperparameters, job.hyperparameters);
    const hasValidation =
      'split' in job ? (job as unknown as FrameJob).split.validation.rowCount > 0 : job.validation !== undefined;
    const ignored = earlyStoppingIgnored(hyperparameters, hasValidation);
    if (ignored !== undefined)
      throw new InvalidArgumentError(
        where,
        `jobs[${index}] (${job.name}).hyperparameters.early_stopping_rounds`,
        hyperparameters.early_stopping_rounds,
        `set with an eval_metric and a validation channel (${ignored.replace(/^early_stopping_rounds /, '')})`,
      );
    return { job, jobName, transforms: 0 };
  }

  #record(job: string, where: string): JobRecord {
    const record = this.#records.get(job);
    if (!record)
      throw new InvalidArgumentError(
        `TrainRunner.${where}`,
        'job',
        job,
        `a job of this runner (${[...this.#records.keys()].join(', ') || 'none started'})`,
      );
    return record;
  }

  #emit(
    record: JobRecord,
    resource: ProgressResource,
    name: string,
    state: ResourceState,
    detail?: string,
    training?: TrainingProgress,
  ): void {
    this.#clock.emit(record.job.name, resource, name, state, detail, training);
  }

  /**
   * The job's own signal, aborted when the runner's is. Every wait and request of a job listens
   * on it, so the caller's signal carries one listener (the runner's) however many jobs run at
   * once, instead of several per job (Node warns past 10 listeners on one signal).
   */
  #signalOf(record: JobRecord): AbortSignal | undefined {
    if (this.#signal === undefined) return undefined;
    record.controller ??= new AbortController();
    if (this.#signal.aborted && !record.controller.signal.aborted) record.controller.abort(this.#signal.reason);
    return record.controller.signal;
  }

  #throwIfAborted(where: string): void {
    if (this.#signal?.aborted) throw new RunAbortedError(`TrainRunner.${where}`, this.#signal.reason);
  }

  #checkOpen(where: string): void {
    if (this.#closed) throw new ResourceStateError('TrainRunner', `${where}: the runner is closed`);
    this.#throwIfAborted(where);
  }
}

async function resolveInvokeRows(
  invokeWith: InvokeWith,
  job: ExperimentJob,
  s3: S3Client | undefined,
): Promise<{ rows: InvokeRows; labels?: Float64Array }> {
  if (invokeWith === 'test') {
    if (job.test === undefined)
      throw new InvalidArgumentError(
        'runExperiment',
        `job ${job.name}: test`,
        undefined,
        "a labelled test CSV path when invokeWith is 'test'",
      );
    const text = isS3Uri(job.test) ? await readS3Text(job.test, s3, 'TrainRunner') : await readFile(job.test, 'utf8');
    return splitLabelledCsv(text, job.test);
  }
  return { rows: typeof invokeWith === 'function' ? await invokeWith(job) : invokeWith };
}

/**
 * Splits a labelled CSV (label first, no header — a SageMaker channel) into the labels and the
 * feature rows as CSV text, what SageMaker's `InputFilter: "$[1:]"` sends to an endpoint.
 *
 * @example
 * ```ts
 * splitLabelledCsv('1,0.5,3\n0,,2\n'); // { labels: Float64Array [1, 0], rows: '0.5,3\n,2\n' }
 * ```
 */
export function splitLabelledCsv(text: string, source = '<csv>'): { labels: Float64Array; rows: string } {
  const lines = text.replace(/\r?\n$/, '').split('\n');
  if (lines.length === 1 && lines[0] === '') return { labels: new Float64Array(0), rows: '' };
  const labels = new Float64Array(lines.length);
  const rows = new Array<string>(lines.length);
  lines.forEach((line, i) => {
    const comma = line.indexOf(',');
    const label = Number(comma < 0 ? line : line.slice(0, comma));
    if (!Number.isFinite(label) || (comma < 0 ? line : line.slice(0, comma)).trim() === '') {
      throw new InvalidArgumentError(
        'splitLabelledCsv',
        `${source}:${i + 1} label`,
        comma < 0 ? line : line.slice(0, comma),
        'a number in the first column',
      );
    }
    labels[i] = label;
    rows[i] = comma < 0 ? '' : line.slice(comma + 1);
  });
  return { labels, rows: `${rows.join('\n')}\n` };
}

function concat(parts: readonly Float64Array[]): Float64Array {
  if (parts.length === 1) return parts[0] as Float64Array;
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function isFrameJob(job: StartJob): job is FrameJob {
  return job !== null && typeof job === 'object' && 'split' in job;
}
