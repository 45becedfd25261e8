import type { ResourceState } from './backend.js';

/**
 * How far a training job is: rounds done of the rounds asked for, and the last round's metrics
 * (`validation-logloss`, as `xgb.train` names them), from the backends that report it.
 */
export interface TrainingProgress {
  /** Rounds finished (1-based count). */
  readonly round: number;
  /** Rounds asked for (`num_round`); early stopping may end sooner. */
  readonly rounds: number;
  /** The finished round's metrics, `<set>-<metric>` → value, e.g. `{ 'validation-logloss': 0.071 }`. */
  readonly metrics: Readonly<Record<string, number>>;
}

/**
 * What a progress event is about. `TrainingLog` events carry a training job's own reports in
 * {@link ProgressEvent.log} (its log lines, status transitions and final metrics) and never change
 * the job's state: their `state` is always `InProgress`.
 */
export type ProgressResource = 'TrainingJob' | 'TrainingLog' | 'Model' | 'Endpoint' | 'Invocation' | 'Transform';

/**
 * One report of a running training job, from the backends that have them (SageMaker, as its
 * Python SDK's `logs=True` shows them): a line the container logged (CloudWatch Logs stream
 * `<job>/algo-<n>-<ts>`, `instance` counting from 0 in stream-name order), a secondary status
 * transition (`Starting`, `Downloading`, `Training`, `Uploading`, … with SageMaker's message), or
 * the final metrics the algorithm emitted (`FinalMetricDataList`: `validation:auc`, …) with the
 * training and billable seconds.
 */
export type TrainingLogEntry =
  | {
      readonly kind: 'log';
      readonly stream: string;
      readonly instance: number;
      /** Milliseconds since the epoch, as CloudWatch Logs stamps events. */
      readonly timestamp: number;
      readonly message: string;
    }
  | { readonly kind: 'status'; readonly status: string; readonly message: string; readonly timestamp: number }
  | {
      readonly kind: 'metrics';
      readonly metrics: Readonly<Record<string, number>>;
      readonly trainingSeconds?: number;
      readonly billableSeconds?: number;
    };

/**
 * One observed state change of one job's resource, emitted by {@link TrainRunner} through its
 * `onProgress` callback and as its `'progress'` event. Enough for a CLI progress bar or a notebook
 * table: which job, which resource, which state, how long since that resource started.
 */
export interface ProgressEvent {
  /** The job's name as given to the runner (without prefix). */
  readonly job: string;
  readonly resource: ProgressResource;
  /** The backend's name of the resource (prefixed job name). */
  readonly name: string;
  readonly state: ResourceState;
  /** Milliseconds since this resource's first event. */
  readonly elapsedMs: number;
  /** A failure reason or a backend message, when there is one. */
  readonly detail?: string;
  /** Rounds and metrics of a training job in progress, when the backend reports them (the local one does). */
  readonly training?: TrainingProgress;
  /** What a `TrainingLog` event reports. */
  readonly log?: TrainingLogEntry;
}

/** Receives progress events. */
export type ProgressListener = (event: ProgressEvent) => void;

/**
 * Formats a progress event as one line for a terminal or a log.
 *
 * @example
 * ```ts
 * formatProgress({ job: 'firstN-5', resource: 'TrainingJob', name: 'exp-firstN-5', state: 'Completed', elapsedMs: 1234 });
 * // "firstN-5  TrainingJob  Completed  1.2 s"
 * ```
 */
export function formatProgress(event: ProgressEvent): string {
  const seconds = `${(event.elapsedMs / 1000).toFixed(1)} s`;
  return [event.job, event.resource, event.state, seconds, event.detail]
    .filter((part) => part !== undefined && part !== '')
    .join('  ');
}

/**
 * Stamps events with the elapsed time of their resource and hands them to a listener; a listener
 * that throws does not disturb the run (its error is kept in `listenerErrors`).
 *
 * @example
 * ```ts
 * const clock = new ProgressClock((e) => console.log(formatProgress(e)));
 * clock.emit('job-1', 'TrainingJob', 'exp-job-1', 'InProgress');
 * ```
 */
export class ProgressClock {
  readonly #listener: ProgressListener;
  readonly #started = new Map<string, number>();
  readonly #now: () => number;
  /** Errors thrown by the listener, in order. */
  readonly listenerErrors: unknown[] = [];

  constructor(listener: ProgressListener, now: () => number = () => performance.now()) {
    this.#listener = listener;
    this.#now = now;
  }

  /** Restarts the clock of a (resource, name) pair, for a resource used again (an invocation). */
  restart(resource: ProgressResource, name: string): void {
    this.#started.delete(`${resource}\u0000${name}`);
  }

  /** Emits one event; the first event of a (resource, name) pair starts its clock. */
  emit(
    job: string,
    resource: ProgressResource,
    name: string,
    state: ResourceState,
    detail?: string,
    training?: TrainingProgress,
    log?: TrainingLogEntry,
  ): ProgressEvent {
    const key = `${resource}\u0000${name}`;
    const now = this.#now();
    let started = this.#started.get(key);
    if (started === undefined) {
      started = now;
      this.#started.set(key, now);
    }
    const event: ProgressEvent = {
      job,
      resource,
      name,
      state,
      elapsedMs: now - started,
      ...(detail === undefined ? {} : { detail }),
      ...(training === undefined ? {} : { training }),
      ...(log === undefined ? {} : { log }),
    };
    try {
      this.#listener(event);
    } catch (err) {
      this.listenerErrors.push(err);
    }
    return event;
  }
}
