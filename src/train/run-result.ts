import type { TrainingSummary } from './backend.js';
import type { ProgressResource } from './progress.js';

/** Why one job did not get through a stage. */
export interface JobFailure {
  /** The job's name as given to the runner. */
  readonly job: string;
  /** The stage that failed. */
  readonly stage: ProgressResource;
  /** A readable reason: the backend's failure reason or the error's message. */
  readonly reason: string;
  /** The error, when there was one (not for jobs the backend reported as Failed). */
  readonly error?: unknown;
}

/**
 * The outcome of a stage over many jobs: which succeeded, which failed and why. One failed job
 * never hides the others.
 *
 * @example
 * ```ts
 * const { succeeded, failed } = await runner.waitForJobs();
 * for (const f of failed) console.error(`${f.job}: ${f.reason}`);
 * ```
 */
export interface RunResult<T> {
  readonly succeeded: readonly T[];
  readonly failed: readonly JobFailure[];
}

/** A training job that completed. */
export interface TrainedJob {
  readonly job: string;
  /** The backend's job name (prefix applied). */
  readonly jobName: string;
  /** Where the model artifact (`model.tar.gz`) is: a local path or an `s3://` URI. */
  readonly artifact: string;
  /** Training time the backend reported, in seconds. */
  readonly seconds: number;
  /** Trees, best round and early stopping, when the backend reports them (the local backend does). */
  readonly summary?: TrainingSummary;
}

/** A model registered from a trained job. */
export interface CreatedModel {
  readonly job: string;
  readonly modelName: string;
  readonly artifact: string;
}

/** An endpoint in service. */
export interface ServingEndpoint {
  readonly job: string;
  readonly endpointName: string;
}

/** Scores one job's endpoint returned. */
export interface JobScores {
  readonly job: string;
  /** One probability per input row. */
  readonly scores: Float64Array;
  /** Labels of the rows, when the input carried them (a test channel, label first). */
  readonly labels?: Float64Array;
}

/** A finished batch transform. */
export interface TransformResult {
  readonly job: string;
  /** The output file (`<input>.out`, one score per line) or S3 URI. */
  readonly output: string;
  /** The scores, read back from the output. */
  readonly scores: Float64Array;
}

/**
 * Builds a {@link RunResult} from settled per-job promises, keeping job order.
 *
 * @example
 * ```ts
 * collectResults(['a', 'b'], 'Model', await Promise.allSettled([createA(), createB()]));
 * ```
 */
export function collectResults<T>(
  jobs: readonly string[],
  stage: ProgressResource,
  settled: readonly PromiseSettledResult<T>[],
): RunResult<T> {
  const succeeded: T[] = [];
  const failed: JobFailure[] = [];
  settled.forEach((result, i) => {
    if (result.status === 'fulfilled') succeeded.push(result.value);
    else failed.push({ job: jobs[i] as string, stage, reason: reasonOf(result.reason), error: result.reason });
  });
  return { succeeded, failed };
}

/**
 * A readable reason for an error value: its message, or the value as text.
 *
 * @example
 * ```ts
 * reasonOf(new Error('eta: must be ≥ 0')); // 'eta: must be ≥ 0'
 * ```
 */
export function reasonOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : (JSON.stringify(error) ?? String(error));
}
