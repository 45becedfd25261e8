import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import { Booster } from '../model/booster.js';
import { EndpointServer, MAX_PAYLOAD_BYTES } from '../serve/endpoint-server.js';
import { parseScores } from '../serve/parse-scores.js';
import type {
  Backend,
  BackendCallOptions,
  BatchTransformOutcome,
  BatchTransformSpec,
  DeleteEndpointOptions,
  EndpointOptions,
  EndpointOutcome,
  ResourceState,
  TrainingJobSpec,
  TrainingOutcome,
} from './backend.js';
import type { S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '../events/s3-source.js';
import { isS3Uri } from '../events/s3-uri.js';
import { abortable } from './abortable.js';
import { downloadS3Channel } from './s3-channel.js';
import { asyncDispose } from '../async-dispose.js';
import { toCsvPayloads } from './invoke-rows.js';
import { EndpointInvocationError, ResourceStateError, RunAbortedError } from './train-errors.js';
import { TrainingPool, type TrainingMode } from './training-pool.js';
import type { CrossValidationTask, CrossValidationTaskResult } from './cross-validation-task.js';
import type { TrainingTaskResult } from './training-task.js';

/** Options of {@link LocalBackend}. */
export interface LocalBackendOptions {
  /**
   * Where jobs write their artifacts (`<workDir>/<job>/output/model.tar.gz` and `model.json`).
   * Default: a new directory `sessionsentry-XXXXXX` under the system temp directory, created on
   * first use and removed by {@link LocalBackend.close} (download artifacts you keep with
   * `downloadArtifact` before closing). A directory given here is the caller's and is kept.
   */
  readonly workDir?: string;
  /** Training worker threads. Default `os.availableParallelism()`. */
  readonly workers?: number;
  /** `'worker'` (default) or `'in-process'` training; see `TrainingPool`. */
  readonly training?: TrainingMode;
  /** Interface the endpoint servers listen on. Default `'127.0.0.1'`. */
  readonly host?: string;
  /** Payload limit of endpoints and batch-transform requests. Default 6 MiB, as SageMaker. */
  readonly maxPayloadBytes?: number;
  /**
   * The S3 client for channels given as `s3://` URIs (copied into `<workDir>/<job>/input/<channel>/`
   * before training, as SageMaker's File mode does). Default: a client from the AWS environment,
   * created when a job first has one and destroyed by {@link LocalBackend.close}.
   */
  readonly s3?: S3Client;
}

interface JobRecord {
  state: ResourceState;
  readonly controller: AbortController;
  readonly outcome: Promise<TrainingOutcome>;
  result?: TrainingTaskResult;
}

interface EndpointRecord {
  state: ResourceState;
  readonly modelName: string;
  readonly server: EndpointServer;
  readonly ready: Promise<EndpointOutcome>;
}

/**
 * The default {@link Backend}: SageMaker's training-and-serving round trip on this machine.
 *
 * - Training jobs read the same CSV channels SageMaker's built-in XGBoost reads (label first, no
 *   header; a channel may be a file or a folder of files) and train with the library's
 *   XGBoost-compatible trainer on worker threads, as many as cores by default. Each writes
 *   `<workDir>/<job>/output/model.tar.gz` (holding `xgboost-model`, legacy binary, as the `1.7-1`
 *   container writes it) and `model.json`; the artifact is referenced by its path.
 * - Endpoints are {@link EndpointServer}s on 127.0.0.1, each on an ephemeral port, speaking the
 *   container contract and the runtime `InvokeEndpoint` path; deleting one closes its server.
 * - Batch transform splits a CSV file by line, sends batches of at most 6 MiB to a transient
 *   endpoint and writes `<outputDir>/<input name>.out`, one score per line.
 *
 * @example
 * ```ts
 * await using backend = new LocalBackend({ workers: 2 });
 * await using runner = new TrainRunner({ backend });
 * const result = await runner.runExperiment(jobs, { invokeWith: 'test' });
 * ```
 */
export class LocalBackend implements Backend, AsyncDisposable {
  readonly kind = 'local';
  readonly #options: LocalBackendOptions;
  readonly #pool: TrainingPool;
  readonly #maxPayloadBytes: number;
  readonly #host: string;
  #workDir: Promise<string> | undefined;
  readonly #jobs = new Map<string, JobRecord>();
  readonly #models = new Map<string, { readonly artifact: string; readonly booster: Booster }>();
  readonly #endpoints = new Map<string, EndpointRecord>();
  #closed = false;
  #s3: Promise<S3Client> | undefined;

  constructor(options: LocalBackendOptions = {}) {
    const {
      workers = os.availableParallelism(),
      training = 'worker',
      host = '127.0.0.1',
      maxPayloadBytes = MAX_PAYLOAD_BYTES,
    } = options;
    this.#options = options;
    this.#pool = new TrainingPool({ size: workers, mode: training });
    this.#host = host;
    this.#maxPayloadBytes = maxPayloadBytes;
  }

  /**
   * The work directory (created on first call).
   *
   * @example
   * ```ts
   * await backend.workDir(); // '/tmp/sessionsentry-Ab12Cd'
   * ```
   */
  workDir(): Promise<string> {
    this.#workDir ??=
      this.#options.workDir !== undefined
        ? mkdir(this.#options.workDir, { recursive: true }).then(() => path.resolve(this.#options.workDir as string))
        : mkdtemp(path.join(os.tmpdir(), 'sessionsentry-'));
    return this.#workDir;
  }

  /**
   * Starts the training worker threads now (see `TrainingPool.prestart`), so that they load their
   * code while the caller prepares the data rather than when the first job starts.
   *
   * @example
   * ```ts
   * const backend = new LocalBackend({ workers: 2 });
   * backend.prestart();
   * const logs = generateLogs({ seed: 42, outDir: 'data' }); // the workers load meanwhile
   * ```
   */
  prestart(): void {
    this.#pool.prestart();
  }

  /** How training runs: `'worker'`, or `'in-process'` when asked for or when workers could not start. */
  get trainingMode(): TrainingMode {
    return this.#pool.mode;
  }

  /** Why training fell back to in-process, when it did. */
  get trainingFallbackReason(): string | undefined {
    return this.#pool.fallbackReason;
  }

  /** Worker threads alive now. */
  get trainingThreads(): number {
    return this.#pool.threads;
  }

  /**
   * What the training task reported for a completed job: timing, thread id, tree count, metrics.
   *
   * @example
   * ```ts
   * backend.trainingDetails('exp1-first5')?.finalMetrics; // { train: { logloss: 0.05 }, validation: { logloss: 0.07 } }
   * ```
   */
  trainingDetails(jobName: string): TrainingTaskResult | undefined {
    return this.#jobs.get(jobName)?.result;
  }

  /**
   * The base URL of an endpoint's server. Point the `SageMakerRuntimeClient` at it
   * (`endpoint: url`) to invoke the endpoint by name, or POST to `${url}/invocations`.
   *
   * @example
   * ```ts
   * const client = new SageMakerRuntimeClient({ endpoint: backend.endpointUrl('exp1-first5'), region: 'us-east-1',
   *   credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
   * ```
   */
  endpointUrl(endpointName: string): string {
    const record = this.#endpoints.get(endpointName);
    if (!record || record.state !== 'InService')
      throw new ResourceStateError(
        `endpoint ${endpointName}`,
        `is not in service (state: ${record?.state ?? 'absent'})`,
      );
    return record.server.url;
  }

  async startTrainingJob(spec: TrainingJobSpec, options: BackendCallOptions = {}): Promise<void> {
    this.#open('startTrainingJob');
    if (!spec || typeof spec.name !== 'string' || spec.name.length === 0)
      throw new InvalidArgumentError('LocalBackend.startTrainingJob', 'spec.name', spec?.name, 'a job name');
    if (typeof spec.channels?.train !== 'string')
      throw new InvalidArgumentError(
        'LocalBackend.startTrainingJob',
        'spec.channels.train',
        spec.channels?.train,
        'the path of the train channel',
      );
    const exists = (): ResourceStateError =>
      new ResourceStateError(`training job ${spec.name}`, 'already exists (job names are unique, as in SageMaker)');
    if (this.#jobs.has(spec.name)) throw exists();
    const channels = await this.#localChannels(spec, options.signal);
    const outputDir = path.join(await this.workDir(), spec.name, 'output');
    // Checked after the await, so two concurrent starts of one name cannot both pass.
    if (this.#jobs.has(spec.name)) throw exists();
    const controller = new AbortController();
    const started = performance.now();
    const record: JobRecord = {
      state: 'InProgress',
      controller,
      outcome: this.#pool
        .run(
          {
            jobName: spec.name,
            channels,
            hyperparameters: { ...spec.hyperparameters },
            outputDir,
          },
          controller.signal,
          (progress) => {
            if (record.state === 'InProgress') options.onState?.('InProgress', undefined, progress);
          },
        )
        .then(
          (result): TrainingOutcome => {
            record.state = 'Completed';
            record.result = result;
            const summary = {
              trees: result.trees,
              bestIteration: result.bestIteration,
              ...(result.earlyStopping ? { earlyStopping: result.earlyStopping } : {}),
            };
            return {
              status: 'Completed',
              jobName: spec.name,
              artifact: result.artifact,
              seconds: result.seconds,
              summary,
            };
          },
          (err: unknown): TrainingOutcome => {
            const seconds = (performance.now() - started) / 1000;
            if (err instanceof RunAbortedError) {
              record.state = 'Stopped';
              return { status: 'Stopped', jobName: spec.name, reason: 'stopped on request', seconds };
            }
            record.state = 'Failed';
            return {
              status: 'Failed',
              jobName: spec.name,
              reason: err instanceof Error ? err.message : String(err),
              seconds,
            };
          },
        ),
    };
    this.#jobs.set(spec.name, record);
    options.onState?.('InProgress');
  }

  /**
   * Waits for a training job of this backend and says how it ended. A job this backend did not
   * start but whose artifact is in the work directory (`<workDir>/<job>/output/model.tar.gz`,
   * left by an earlier process with the same `workDir`) counts as `Completed` (with `seconds: 0`,
   * not recorded), so `TrainRunner.attach` picks it up as it does a SageMaker job.
   *
   * @throws ResourceStateError when the job is unknown and has no artifact; RunAbortedError on abort.
   * @example
   * ```ts
   * const outcome = await backend.waitForTrainingJob('exp1-first5'); // { status: 'Completed', artifact, seconds }
   * ```
   */
  async waitForTrainingJob(jobName: string, options: BackendCallOptions = {}): Promise<TrainingOutcome> {
    const record = this.#jobs.get(jobName);
    if (!record) {
      // Only a job name (letters, digits, hyphens) is looked up, never a path.
      if (typeof jobName !== 'string' || !/^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/.test(jobName))
        throw new ResourceStateError(`training job ${String(jobName)}`, 'does not exist');
      const artifact = path.join(await this.workDir(), jobName, 'output', 'model.tar.gz');
      if (!(await isFile(artifact)))
        throw new ResourceStateError(
          `training job ${jobName}`,
          `does not exist (not started by this backend, and no ${artifact})`,
        );
      options.onState?.('Completed');
      return { status: 'Completed', jobName, artifact, seconds: 0 };
    }
    const outcome = await abortable(record.outcome, options.signal, `waiting for training job ${jobName}`);
    options.onState?.(outcome.status, outcome.status === 'Completed' ? undefined : outcome.reason);
    return outcome;
  }

  async stopTrainingJob(jobName: string): Promise<void> {
    const record = this.#jobs.get(jobName);
    if (!record || record.state !== 'InProgress') return;
    record.controller.abort(new Error('stopped on request'));
    await record.outcome;
  }

  async createModel(modelName: string, artifact: string): Promise<void> {
    this.#open('createModel');
    const booster = Booster.fromTarGz(await readFile(artifact), { file: artifact });
    if (this.#models.has(modelName)) throw new ResourceStateError(`model ${modelName}`, 'already exists');
    this.#models.set(modelName, { artifact, booster });
  }

  async deleteModel(modelName: string): Promise<void> {
    this.#models.delete(modelName);
  }

  async createEndpoint(endpointName: string, modelName: string, _options: EndpointOptions = {}): Promise<void> {
    this.#open('createEndpoint');
    if (this.#endpoints.has(endpointName)) throw new ResourceStateError(`endpoint ${endpointName}`, 'already exists');
    const model = this.#models.get(modelName);
    if (!model) throw new ResourceStateError(`model ${modelName}`, 'does not exist (create it before its endpoint)');
    const server = new EndpointServer({
      host: this.#host,
      maxPayloadBytes: this.#maxPayloadBytes,
      defaultEndpoint: endpointName,
    }).addEndpoint(endpointName, model.booster);
    const record: EndpointRecord = {
      state: 'Creating',
      modelName,
      server,
      ready: server
        .listen()
        .then(async (url): Promise<EndpointOutcome> => {
          // In service once the container answers its health check, as SageMaker decides.
          const ping = await fetch(`${url}/ping`);
          await ping.arrayBuffer();
          if (ping.status !== 200) throw new Error(`GET /ping answered ${ping.status}`);
          if (record.state === 'Creating') record.state = 'InService';
          return record.state === 'InService'
            ? { status: 'InService', endpointName }
            : { status: 'Failed', endpointName, reason: `endpoint was ${record.state} while starting` };
        })
        .catch((err: unknown): EndpointOutcome => {
          if (record.state === 'Creating') record.state = 'Failed';
          return { status: 'Failed', endpointName, reason: err instanceof Error ? err.message : String(err) };
        }),
    };
    this.#endpoints.set(endpointName, record);
  }

  async waitForEndpoint(endpointName: string, options: BackendCallOptions = {}): Promise<EndpointOutcome> {
    const record = this.#endpoints.get(endpointName);
    if (!record) throw new ResourceStateError(`endpoint ${endpointName}`, 'does not exist');
    if (record.state === 'Creating') options.onState?.('Creating');
    const outcome = await abortable(record.ready, options.signal, `waiting for endpoint ${endpointName}`);
    options.onState?.(outcome.status, outcome.status === 'Failed' ? outcome.reason : undefined);
    return outcome;
  }

  /**
   * Closes the endpoint's server; with `withModels`, also forgets the model it served. An endpoint
   * that does not exist counts as deleted.
   *
   * @example
   * ```ts
   * await backend.deleteEndpoint('exp1-first5', { withModels: true });
   * ```
   */
  async deleteEndpoint(endpointName: string, options: DeleteEndpointOptions = {}): Promise<void> {
    const record = this.#endpoints.get(endpointName);
    if (!record) return;
    this.#endpoints.delete(endpointName);
    record.state = 'Deleting';
    await record.server.close();
    record.state = 'Deleted';
    if (options.withModels === true) this.#models.delete(record.modelName);
  }

  async invokeEndpoint(
    endpointName: string,
    csvRows: string,
    options: { signal?: AbortSignal } = {},
  ): Promise<Float64Array> {
    const record = this.#endpoints.get(endpointName);
    if (!record || record.state !== 'InService') {
      throw new ResourceStateError(
        `endpoint ${endpointName}`,
        `is not in service (state: ${record?.state ?? 'absent'})`,
      );
    }
    return postCsv(record.server.url, endpointName, csvRows, options.signal);
  }

  async batchTransform(spec: BatchTransformSpec, options: BackendCallOptions = {}): Promise<BatchTransformOutcome> {
    this.#open('batchTransform');
    const model = this.#models.get(spec.modelName);
    if (!model) throw new ResourceStateError(`model ${spec.modelName}`, 'does not exist');
    const output = path.join(spec.outputDir, `${path.basename(spec.input)}.out`);
    options.onState?.('InProgress');
    // A transient container for the job, as SageMaker starts one per transform job.
    const server = new EndpointServer({
      host: this.#host,
      maxPayloadBytes: this.#maxPayloadBytes,
      defaultEndpoint: 'transform',
    }).addEndpoint('transform', model.booster);
    try {
      const url = await server.listen();
      const text = await readFile(spec.input, 'utf8');
      const parts: string[] = [];
      for (const payload of toCsvPayloads(text, { maxBytes: this.#maxPayloadBytes, where: spec.input })) {
        if (options.signal?.aborted)
          throw new RunAbortedError(`batch transform ${spec.jobName}`, options.signal.reason);
        parts.push(await postCsvText(url, spec.jobName, payload, options.signal));
      }
      await mkdir(spec.outputDir, { recursive: true });
      await writeFile(output, parts.join(''));
      options.onState?.('Completed');
      return { status: 'Completed', output };
    } catch (err) {
      if (err instanceof RunAbortedError) throw err;
      const reason = err instanceof Error ? err.message : String(err);
      options.onState?.('Failed', reason);
      return { status: 'Failed', output, reason };
    } finally {
      await server.close();
    }
  }

  async downloadArtifact(artifact: string): Promise<Uint8Array> {
    return new Uint8Array(await readFile(artifact));
  }

  /**
   * Runs one cross-validation (a hyperparameter-search trial) on this backend's training workers,
   * queued with its training jobs, so a search and a run share the machine's cores.
   *
   * @example
   * ```ts
   * const result = await backend.crossValidate({ name: 'trial-0', data: taskData(data), hyperparameters: { max_depth: 4 },
   *   folds, numBoostRound: 100, earlyStoppingRounds: 10, metrics: ['logloss'] });
   * ```
   */
  crossValidate(task: CrossValidationTask, signal?: AbortSignal): Promise<CrossValidationTaskResult> {
    return this.#pool.crossValidate(task, signal);
  }

  /** Stops running jobs, closes every endpoint server and the training workers. Idempotent. */
  /**
   * The job's channels as local paths: an `s3://` channel (object or prefix, checked as SageMaker
   * would read it) is copied into `<workDir>/<job>/input/<channel>/` first.
   */
  async #localChannels(spec: TrainingJobSpec, signal: AbortSignal | undefined): Promise<TrainingJobSpec['channels']> {
    const local = async (channel: 'train' | 'validation', location: string): Promise<string> => {
      if (!isS3Uri(location)) return location;
      this.#s3 ??= this.#options.s3 !== undefined ? Promise.resolve(this.#options.s3) : createS3Client();
      const dir = path.join(await this.workDir(), spec.name, 'input', channel);
      await rm(dir, { recursive: true, force: true });
      const where = 'LocalBackend.startTrainingJob';
      return downloadS3Channel(await this.#s3, location, dir, where, `spec.channels.${channel}`, {
        ...(signal !== undefined ? { signal } : {}),
      });
    };
    const { train, validation } = spec.channels;
    return {
      train: await local('train', train),
      ...(validation !== undefined ? { validation: await local('validation', validation) } : {}),
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // A client this backend made is its own to destroy.
    if (this.#options.s3 === undefined && this.#s3 !== undefined) (await this.#s3.catch(() => undefined))?.destroy();
    await Promise.all([...this.#jobs.keys()].map((name) => this.stopTrainingJob(name)));
    await Promise.all([...this.#endpoints.keys()].map((name) => this.deleteEndpoint(name)));
    this.#models.clear();
    await this.#pool.close();
    // A temporary work directory this backend made is its own to remove; a given one is the caller's.
    if (this.#options.workDir === undefined && this.#workDir !== undefined) {
      const dir = await this.#workDir.catch(() => undefined);
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    }
  }

  async [asyncDispose](): Promise<void> {
    await this.close();
  }

  #open(method: string): void {
    if (this.#closed) throw new ResourceStateError('LocalBackend', `${method}: the backend is closed`);
  }
}

async function postCsv(
  url: string,
  endpointName: string,
  body: string,
  signal: AbortSignal | undefined,
): Promise<Float64Array> {
  return parseScores(await postCsvText(url, endpointName, body, signal), { source: `endpoint ${endpointName}` });
}

async function postCsvText(
  url: string,
  endpointName: string,
  body: string,
  signal: AbortSignal | undefined,
): Promise<string> {
  let response: Response;
  try {
    response = await fetch(`${url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', accept: 'text/csv' },
      body,
      signal: signal ?? null,
    });
  } catch (err) {
    if (signal?.aborted) throw new RunAbortedError(`invoking endpoint ${endpointName}`, signal.reason);
    throw new EndpointInvocationError(endpointName, 0, `request failed: ${(err as Error).message}`, { cause: err });
  }
  const text = await response.text();
  if (response.status !== 200) throw new EndpointInvocationError(endpointName, response.status, text);
  return text;
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
