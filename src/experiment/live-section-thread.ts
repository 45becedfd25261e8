import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EventLog } from '../events/event-log.js';
import { LiveDetector } from '../live/live-detector.js';
import { trainLiveDetector } from '../live/train-live-detector.js';
import { Booster } from '../model/booster.js';
import { type ReplayReport, replay } from '../serve/replay.js';
import { RunAbortedError, TrainingJobError } from '../train/train-errors.js';
import { workerEntry } from '../train/worker-entry.js';
import { type SavedLivePolicy, calibrateAndReplayJob } from './live-section.js';
import type {
  LiveJobTask,
  LiveSectionReply,
  LiveSectionRequest,
  PlainLiveDetectorOptions,
} from './live-section-worker-protocol.js';

/** One job's model and what its live work needs (see {@link LiveSectionThread.calibrateJob}). */
export interface LiveJobInputs extends Omit<LiveJobTask, 'model'> {
  readonly booster: Booster;
}

interface Waiting {
  readonly label: string;
  readonly resolve: (reply: LiveSectionReply) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The heavy work of an experiment's live section on a worker thread of its own, so that it runs
 * while the experiment's jobs train and are scored, and this thread stays free for the endpoints,
 * the progress and Ctrl-C: training the recommended live detector, and each job's live policy
 * calibrated on its validation sessions and the test log replayed at it. Results are those of the
 * same calls on this thread, bit for bit (models cross back as XGBoost model data). Started before
 * the logs are read, so the worker loads its code meanwhile; the logs are sent once
 * ({@link useLogs}). The signal terminates the worker and rejects what is pending with a
 * `RunAbortedError`. When no worker can start, the tasks run on this thread instead; a task that
 * fails there with a library error is run again here, so that it throws that error's own class.
 *
 * @example
 * ```ts
 * const live = new LiveSectionThread({ signal });
 * live.useLogs(trainLog, testLog);
 * const detector = live.trainDetector({ maxFalseAlertsPer10k: 10, seed: 42, validationSessions });
 * const first5 = live.calibrateJob({ name: 'first5', booster, schema, validationSessions, budget: 10, eventsSeen: 50 });
 * (await first5).saved.policy; (await detector).policy;
 * ```
 */
export class LiveSectionThread {
  readonly #signal: AbortSignal | undefined;
  readonly #waiting = new Map<number, Waiting>();
  #worker: Worker | undefined;
  #started = false;
  #nextId = 0;
  #logs: { readonly train: EventLog; readonly test: EventLog } | undefined;
  #stopped: unknown;

  constructor(options: { readonly signal?: AbortSignal } = {}) {
    const { signal } = options;
    this.#signal = signal;
    if (signal?.aborted) {
      this.#stopped = new RunAbortedError('live section', signal.reason);
      return;
    }
    signal?.addEventListener('abort', () => this.#stop(new RunAbortedError('live section', signal.reason)), {
      once: true,
    });
    try {
      const { filename, options: workerOptions } = workerEntry(moduleFile(), 'live-section-worker');
      const worker = new Worker(filename, workerOptions);
      this.#worker = worker;
      worker.unref();
      worker.on('message', (reply: LiveSectionReply) => {
        if (reply.kind === 'ready') {
          this.#started = true;
          return;
        }
        const waiting = this.#waiting.get(reply.id);
        if (waiting === undefined) return;
        this.#waiting.delete(reply.id);
        if (this.#waiting.size === 0) worker.unref();
        if (reply.kind === 'failed')
          waiting.reject(new TrainingJobError(waiting.label, reply.message, { cause: reply }));
        else waiting.resolve(reply);
      });
      worker.on('error', (err) => this.#lost(`the live-section worker failed: ${err.message}`, err));
      worker.on('exit', (code) => this.#lost(`the live-section worker exited with code ${code}`));
    } catch {
      this.#worker = undefined;
    }
  }

  /**
   * Sends the logs every task works on (once, before the first task). A log arrives as its parts:
   * the structured clone keeps an object's own fields, which are an EventLog's parts, and not its class.
   */
  useLogs(trainLog: EventLog, testLog: EventLog): void {
    this.#logs = { train: trainLog, test: testLog };
    this.#worker?.postMessage({ kind: 'logs', train: trainLog, test: testLog } satisfies LiveSectionRequest);
  }

  /** `trainLiveDetector(trainLog, options)` on the worker. */
  async trainDetector(options: PlainLiveDetectorOptions): Promise<LiveDetector> {
    return (await this.#detector(options, undefined)).detector;
  }

  /**
   * `trainLiveDetector(trainLog, options)` on the worker, then the test log replayed there at the
   * detector's policy (`replay(testLog, detector.createScorer(), { maxEventsSeen: eventsSeen })`).
   */
  trainAndReplayDetector(
    options: PlainLiveDetectorOptions,
    eventsSeen: number,
  ): Promise<{ detector: LiveDetector; test: ReplayReport }> {
    return this.#detector(options, eventsSeen) as Promise<{ detector: LiveDetector; test: ReplayReport }>;
  }

  async #detector(
    options: PlainLiveDetectorOptions,
    eventsSeen: number | undefined,
  ): Promise<{ detector: LiveDetector; test?: ReplayReport }> {
    const reply = await this.#request(
      'live-detector',
      (id) => ({
        kind: 'detector',
        id,
        options,
        ...(eventsSeen === undefined ? {} : { replayEventsSeen: eventsSeen }),
      }),
      async () => {
        const { train, test } = this.#logsGiven();
        const detector = await trainLiveDetector(train, {
          ...options,
          ...(this.#signal === undefined ? {} : { signal: this.#signal }),
        });
        return {
          kind: 'detector',
          id: -1,
          schema: detector.schema,
          models: detector.models.map((m) => ({ name: m.name, model: m.booster.model, trainedOn: m.trainedOn })),
          policy: detector.policy,
          validation: detector.validation,
          ...(eventsSeen === undefined
            ? {}
            : { test: replay(test, detector.createScorer(), { maxEventsSeen: eventsSeen }) }),
        };
      },
    );
    if (reply.kind !== 'detector') throw new Error(`the live-section worker answered ${reply.kind}`);
    const detector = new LiveDetector({
      schema: reply.schema,
      models: reply.models.map((m) => ({ name: m.name, booster: new Booster(m.model), trainedOn: m.trainedOn })),
      policy: reply.policy,
      validation: reply.validation,
    });
    return reply.test === undefined ? { detector } : { detector, test: reply.test };
  }

  /** `calibrateAndReplayJob(trainLog, testLog, job)` on the worker. */
  async calibrateJob(job: LiveJobInputs): Promise<{ saved: SavedLivePolicy; test: ReplayReport }> {
    const { booster, ...rest } = job;
    const reply = await this.#request(
      `live policy of ${job.name}`,
      (id) => ({ kind: 'job', id, task: { ...rest, model: booster.model } }),
      async () => {
        const { train, test } = this.#logsGiven();
        return { kind: 'job', id: -1, ...calibrateAndReplayJob(train, test, job) };
      },
    );
    if (reply.kind !== 'job') throw new Error(`the live-section worker answered ${reply.kind}`);
    return { saved: reply.saved, test: reply.test };
  }

  /** Terminates the worker; pending tasks reject. Idempotent. */
  close(): void {
    this.#stop(new RunAbortedError('live section', 'closed'));
  }

  #request(
    label: string,
    message: (id: number) => LiveSectionRequest,
    here: () => Promise<LiveSectionReply>,
  ): Promise<LiveSectionReply> {
    if (this.#stopped !== undefined) return Promise.reject(this.#stopped);
    this.#logsGiven();
    const worker = this.#worker;
    if (worker === undefined) return here();
    const id = this.#nextId++;
    return new Promise<LiveSectionReply>((resolve, reject) => {
      this.#waiting.set(id, { label, resolve, reject });
      worker.ref();
      worker.postMessage(message(id));
    }).catch((err: unknown) => {
      // The worker could not even start: run this task here (the others fall back by themselves).
      if (err === NOT_STARTED) return here();
      // The task failed on purpose there (a library error with its code, such as too few attackers to calibrate on):
      // the same call here fails the same way, with the error's own class and fields, which cannot cross threads.
      if (err instanceof TrainingJobError && isLibraryFailure(err.cause) && this.#stopped === undefined) return here();
      throw err;
    });
  }

  #logsGiven(): { readonly train: EventLog; readonly test: EventLog } {
    if (this.#logs === undefined) throw new Error('LiveSectionThread: useLogs must be called before the first task');
    return this.#logs;
  }

  #lost(reason: string, cause?: unknown): void {
    const worker = this.#worker;
    if (worker === undefined) return;
    this.#worker = undefined;
    void worker.terminate();
    for (const [id, waiting] of this.#waiting) {
      this.#waiting.delete(id);
      waiting.reject(this.#started ? new TrainingJobError(waiting.label, reason, { cause }) : NOT_STARTED);
    }
  }

  #stop(error: unknown): void {
    this.#stopped ??= error;
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker !== undefined) void worker.terminate();
    for (const [id, waiting] of this.#waiting) {
      this.#waiting.delete(id);
      waiting.reject(this.#stopped);
    }
  }
}

/** Whether a worker's reply is a task that failed with a library error (one with a code). */
function isLibraryFailure(reply: unknown): boolean {
  const failed = reply as Partial<Extract<LiveSectionReply, { kind: 'failed' }>> | null;
  return typeof failed === 'object' && failed !== null && failed.kind === 'failed' && typeof failed.code === 'string';
}

/** What a task waiting on a worker that failed before it was ready rejects with: it runs on the calling thread instead. */
const NOT_STARTED = Symbol('the live-section worker did not start');

/** Where this module lives: `__filename` under CommonJS and vitest, `import.meta.url` under ESM. */
function moduleFile(): string {
  return typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url);
}
