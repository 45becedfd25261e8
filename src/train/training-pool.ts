import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import pLimit, { type LimitFunction } from 'p-limit';
import { InvalidArgumentError } from '../errors.js';
import { RunAbortedError, TrainingJobError } from './train-errors.js';
import { runTrainingTask, type TrainingTask, type TrainingTaskResult } from './training-task.js';
import {
  type CrossValidationTask,
  type CrossValidationTaskResult,
  runCrossValidationTask,
} from './cross-validation-task.js';
import type { TrainingProgress } from './progress.js';
import type { WorkerReply, WorkerRequest } from './training-worker-protocol.js';
import { workerEntry } from './worker-entry.js';

/** How a `TrainingPool` trains. */
export type TrainingMode = 'worker' | 'in-process';

/** Options of `TrainingPool`. */
export interface TrainingPoolOptions {
  /** Worker threads at most. Default `os.availableParallelism()`. */
  readonly size?: number;
  /**
   * `'worker'` (default) trains in worker threads; `'in-process'` trains on the calling thread, one
   * job at a time. The pool falls back to in-process by itself only when a worker cannot start,
   * and says so in `TrainingPool.fallbackReason`.
   */
  readonly mode?: TrainingMode;
}

interface Pending {
  /** Names the task in errors: `training job <name>`, `cross-validation <name>`. */
  readonly label: string;
  /** The job or trial name. */
  readonly name: string;
  /** What a worker is sent. */
  readonly request: WorkerRequest;
  /** Runs the task on this thread (in-process mode). */
  readonly runHere: (signal: AbortSignal, onProgress?: (progress: TrainingProgress) => void) => Promise<unknown>;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly signal: AbortSignal | undefined;
  /** Receives the rounds as they finish. */
  readonly onProgress: ((progress: TrainingProgress) => void) | undefined;
  /** Resolves once the task has settled (done, failed, aborted or dropped): frees its place in the limiter. */
  readonly settled: Promise<void>;
  readonly markSettled: () => void;
  done: boolean;
  onAbort?: () => void;
}

interface Slot {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  started: boolean;
  job: Pending | undefined;
}

/**
 * Runs training tasks on up to `size` worker threads; the rest wait in a `p-limit` queue, the
 * limiter the `TrainRunner` uses for jobs. Each task reads its CSV channels, trains and writes its
 * artifact on a worker, so the event loop stays free for endpoints and progress. Aborting a
 * waiting task settles it at once (it never starts); aborting a running one terminates its worker
 * (a fresh one replaces it on demand). Idle workers do not keep the process alive.
 *
 * Works from the built package (it starts the sibling `training-worker.js`/`.cjs`) and from the
 * TypeScript sources under vitest or tsx (it starts `training-worker.ts` through tsx's loader).
 *
 * @example
 * ```ts
 * const pool = new TrainingPool({ size: 2 });
 * const result = await pool.run({ jobName: 'j1', channels: { train: 'train.csv' }, hyperparameters: SEED_HYPERPARAMETERS, outputDir: 'out/j1/output' });
 * await pool.close();
 * ```
 */
export class TrainingPool {
  readonly size: number;
  #mode: TrainingMode;
  #fallbackReason: string | undefined;
  /** At most `size` tasks hold a worker at once (one at a time in-process). */
  readonly #limit: LimitFunction;
  readonly #waiting = new Set<Pending>();
  readonly #slots = new Set<Slot>();
  #closed = false;

  constructor(options: TrainingPoolOptions = {}) {
    const { size = os.availableParallelism(), mode = 'worker' } = options;
    if (!Number.isInteger(size) || size < 1)
      throw new InvalidArgumentError('TrainingPool', 'size', size, 'a positive integer');
    if (mode !== 'worker' && mode !== 'in-process')
      throw new InvalidArgumentError('TrainingPool', 'mode', mode, "'worker' or 'in-process'");
    this.size = size;
    this.#mode = mode;
    this.#limit = pLimit(mode === 'in-process' ? 1 : size);
  }

  /** `'worker'`, or `'in-process'` when asked for or when workers could not start. */
  get mode(): TrainingMode {
    return this.#mode;
  }

  /** Why the pool fell back to in-process training, when it did. */
  get fallbackReason(): string | undefined {
    return this.#fallbackReason;
  }

  /** Worker threads currently alive. */
  get threads(): number {
    return this.#slots.size;
  }

  /**
   * Starts the pool's worker threads now, idle, so that they load their code while this thread
   * does other work (generating or reading data) instead of when the first tasks come. Idle
   * workers do not keep the process alive. Does nothing in-process or once closed.
   *
   * @example
   * ```ts
   * const pool = new TrainingPool({ size: 2 });
   * pool.prestart();
   * // … prepare the channels meanwhile …
   * await pool.run(task);
   * ```
   */
  prestart(): void {
    if (this.#closed || this.#mode !== 'worker') return;
    while (this.#slots.size < this.size) {
      const slot = this.#spawn();
      slot.worker.unref();
      // A worker that cannot start is found out by the first task sent to it (which then trains in-process).
      slot.ready.catch(() => undefined);
    }
  }

  /** Trains one task; rejects with {@link RunAbortedError} when `signal` aborts first. */
  run(
    task: TrainingTask,
    signal?: AbortSignal,
    onProgress?: (progress: TrainingProgress) => void,
  ): Promise<TrainingTaskResult> {
    return this.#submit<TrainingTaskResult>(
      {
        label: `training job ${task.jobName}`,
        name: task.jobName,
        request: { kind: 'train', task },
        runHere: (here, progress) => runTrainingTask(task, here, progress),
      },
      signal,
      onProgress,
    );
  }

  /**
   * Runs one cross-validation (a hyperparameter-search trial) on a worker, in the same queue and
   * threads as training tasks; rejects with {@link RunAbortedError} when `signal` aborts first.
   *
   * @example
   * ```ts
   * const result = await pool.crossValidate({ name: 'trial-3', data: taskData(data), hyperparameters: { max_depth: 4 },
   *   folds, numBoostRound: 200, earlyStoppingRounds: 10, metrics: ['logloss'] });
   * ```
   */
  crossValidate(task: CrossValidationTask, signal?: AbortSignal): Promise<CrossValidationTaskResult> {
    return this.#submit<CrossValidationTaskResult>(
      {
        label: `cross-validation ${task.name}`,
        name: task.name,
        request: { kind: 'cross-validate', task },
        // In-process: one turn deferred so the caller's progress gets the loop first, then synchronous.
        runHere: async () => runCrossValidationTask(task),
      },
      signal,
      undefined,
    );
  }

  #submit<T>(
    work: Pick<Pending, 'label' | 'name' | 'request' | 'runHere'>,
    signal: AbortSignal | undefined,
    onProgress: ((progress: TrainingProgress) => void) | undefined,
  ): Promise<T> {
    if (this.#closed) return Promise.reject(new TrainingJobError(work.name, 'the training pool is closed'));
    if (signal?.aborted) return Promise.reject(new RunAbortedError(work.label, signal.reason));
    return new Promise<T>((resolve, reject) => {
      let markSettled: () => void = () => {};
      const settled = new Promise<void>((r) => (markSettled = r));
      const pending: Pending = {
        ...work,
        resolve: resolve as (result: unknown) => void,
        reject,
        signal,
        onProgress,
        settled,
        markSettled,
        done: false,
      };
      if (signal) {
        pending.onAbort = () => this.#abort(pending);
        signal.addEventListener('abort', pending.onAbort, { once: true });
      }
      this.#waiting.add(pending);
      void this.#limit(() => this.#start(pending));
    });
  }

  /** Terminates every worker and rejects waiting tasks. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#limit.clearQueue();
    for (const pending of [...this.#waiting])
      this.#settle(pending, new TrainingJobError(pending.name, 'the training pool was closed before the job started'));
    const slots = [...this.#slots];
    this.#slots.clear();
    await Promise.all(
      slots.map(async (slot) => {
        if (slot.job)
          this.#settle(slot.job, new TrainingJobError(slot.job.name, 'the training pool was closed while the job ran'));
        await slot.worker.terminate();
      }),
    );
  }

  /** Runs a task that the limiter let through; resolves when it has settled, freeing its place. */
  #start(pending: Pending): Promise<void> {
    this.#waiting.delete(pending);
    if (pending.done) return Promise.resolve();
    if (this.#mode === 'in-process') this.#runInProcess(pending);
    else this.#dispatch([...this.#slots].find((s) => s.job === undefined) ?? this.#spawn(), pending);
    return pending.settled;
  }

  #runInProcess(pending: Pending): void {
    // Deferred a turn so the caller's progress events and other I/O get the loop first.
    setImmediate(() => {
      if (pending.done) return;
      pending.runHere(pending.signal ?? new AbortController().signal, pending.onProgress).then(
        (result) => this.#settle(pending, undefined, result),
        (err: unknown) => this.#settle(pending, err),
      );
    });
  }

  #spawn(): Slot {
    const { filename, options } = workerEntry(moduleFile(), 'training-worker');
    const worker = new Worker(filename, options);
    let startFailed: (err: Error) => void = () => {};
    let started: () => void = () => {};
    const ready = new Promise<void>((resolve, reject) => {
      started = resolve;
      startFailed = reject;
    });
    const slot: Slot = { worker, ready, started: false, job: undefined };
    worker.on('message', (reply: WorkerReply) => {
      if (reply.kind === 'ready') {
        slot.started = true;
        started();
        return;
      }
      const pending = slot.job;
      if (!pending) return;
      if (reply.kind === 'progress') {
        pending.onProgress?.(reply.progress);
        return;
      }
      slot.job = undefined;
      worker.unref();
      if (reply.kind === 'done' || reply.kind === 'cross-validated') this.#settle(pending, undefined, reply.result);
      else this.#settle(pending, new TrainingJobError(pending.name, reply.message, { cause: reply }));
    });
    const lost = (reason: string, cause?: unknown): void => {
      if (!slot.started) {
        startFailed(cause instanceof Error ? cause : new Error(reason));
        return;
      }
      if (!this.#slots.delete(slot)) return;
      const pending = slot.job;
      slot.job = undefined;
      if (pending) this.#settle(pending, new TrainingJobError(pending.name, reason, { cause }));
    };
    worker.on('error', (err) => lost(`the training worker failed: ${err.message}`, err));
    worker.on('exit', (code) => lost(`the training worker exited with code ${code}`));
    this.#slots.add(slot);
    return slot;
  }

  #dispatch(slot: Slot, pending: Pending): void {
    slot.job = pending;
    slot.worker.ref();
    slot.ready.then(
      () => {
        if (slot.job !== pending) return;
        slot.worker.postMessage(pending.request);
      },
      (err: unknown) => {
        // Terminated on purpose (abort, close) before it was ready: nothing to do.
        if (!this.#slots.delete(slot)) return;
        void slot.worker.terminate();
        // The worker could not even start: train here instead, one job at a time, and say so.
        this.#fallbackReason ??= `worker threads could not start (${(err as Error).message}); training in-process`;
        this.#mode = 'in-process';
        this.#limit.concurrency = 1;
        if (slot.job === pending) {
          slot.job = undefined;
          this.#runInProcess(pending);
        }
      },
    );
  }

  #abort(pending: Pending): void {
    const slot = [...this.#slots].find((s) => s.job === pending);
    if (slot) {
      this.#slots.delete(slot);
      slot.job = undefined;
      void slot.worker.terminate();
    }
    this.#settle(pending, new RunAbortedError(pending.label, pending.signal?.reason));
  }

  #settle(pending: Pending, error: unknown, result?: unknown): void {
    if (pending.done) return;
    pending.done = true;
    this.#waiting.delete(pending);
    if (pending.onAbort) pending.signal?.removeEventListener('abort', pending.onAbort);
    if (error !== undefined) pending.reject(error);
    else pending.resolve(result);
    pending.markSettled();
  }
}

/** Where this module lives: `__filename` under CommonJS and vitest, `import.meta.url` under ESM. */
function moduleFile(): string {
  return typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url);
}
