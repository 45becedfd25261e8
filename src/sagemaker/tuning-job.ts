import {
  DescribeHyperParameterTuningJobCommand,
  ListTrainingJobsForHyperParameterTuningJobCommand,
  StopHyperParameterTuningJobCommand,
  StopTrainingJobCommand,
  type DescribeHyperParameterTuningJobCommandOutput,
  type HyperParameterTrainingJobSummary,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { RunAbortedError } from '../train/train-errors.js';
import { AwsRequestError, awsErrorInfo, isNotFoundError, WaitTimeoutError } from './sagemaker-errors.js';
import type { PollOptions } from './waiters.js';

/** How a tuning job ended, and its best training job. */
export interface TuningJobOutcome {
  readonly status: 'Completed' | 'Failed' | 'Stopped';
  readonly tuningJobName: string;
  /** SageMaker's FailureReason of a failed tuning job. */
  readonly reason?: string;
  /** The best training job so far (absent when no trial completed). */
  readonly best?: {
    readonly trainingJobName: string;
    /** The objective metric's name and final value (`validation:auc`, 0.97). */
    readonly metric: string;
    readonly value: number;
    /** The hyperparameters the search chose for it. */
    readonly hyperparameters: Readonly<Record<string, string>>;
  };
  /** Trials by status (SageMaker's TrainingJobStatusCounters). */
  readonly counts: {
    readonly completed: number;
    readonly inProgress: number;
    readonly stopped: number;
    readonly failed: number;
  };
}

/**
 * Polls `DescribeHyperParameterTuningJob` (the JavaScript SDK has no waiter for it) with the same
 * jittered backoff as the SDK's waiters until the tuning job is Completed, Failed or Stopped, and
 * returns the last Describe. Reports each new status with its trial counts through `onStatus`.
 *
 * @throws {WaitTimeoutError} after `maxWaitSeconds`; {@link RunAbortedError} when aborted (the job
 *   keeps running: {@link stopTuningJob} stops it); {@link AwsRequestError} when Describe fails.
 *
 * @example
 * ```ts
 * const job = await waitForTuningJob(sagemaker, 'sentry-tune-1', { minDelaySeconds: 30 });
 * console.log(job.HyperParameterTuningJobStatus, job.BestTrainingJob?.TrainingJobName);
 * ```
 */
export async function waitForTuningJob(
  client: SageMakerClient,
  tuningJobName: string,
  options: PollOptions = {},
): Promise<DescribeHyperParameterTuningJobCommandOutput> {
  const { maxWaitSeconds = 3600, minDelaySeconds = 15, signal, onStatus } = options;
  const maxDelaySeconds = Math.max(options.maxDelaySeconds ?? Math.max(60, minDelaySeconds), minDelaySeconds);
  const what = `waiting for tuning job ${JSON.stringify(tuningJobName)}`;
  const deadline = Date.now() + maxWaitSeconds * 1000;
  let last: string | undefined;
  for (let attempt = 0; ; attempt++) {
    if (signal?.aborted) throw new RunAbortedError(what, signal.reason);
    let output: DescribeHyperParameterTuningJobCommandOutput;
    try {
      output = await client.send(
        new DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: tuningJobName }),
        {
          abortSignal: signal,
        },
      );
    } catch (err) {
      if (signal?.aborted) throw new RunAbortedError(what, signal.reason);
      throw new AwsRequestError('DescribeHyperParameterTuningJob', tuningJobName, err);
    }
    const status = output.HyperParameterTuningJobStatus ?? 'unknown';
    const counts = output.TrainingJobStatusCounters;
    const detail =
      counts === undefined ? undefined : `${counts.Completed ?? 0} completed, ${counts.InProgress ?? 0} in progress`;
    const key = `${status}|${detail}`;
    if (key !== last) {
      last = key;
      onStatus?.(status, detail);
    }
    if (status === 'Completed' || status === 'Failed' || status === 'Stopped') return output;
    if (Date.now() >= deadline) throw new WaitTimeoutError('tuning job', tuningJobName, maxWaitSeconds, status);
    // The SDK waiters' backoff: exponential from the minimum, capped, jittered.
    const ceiling = Math.min(maxDelaySeconds, minDelaySeconds * 2 ** attempt);
    const delay = (minDelaySeconds + Math.random() * (ceiling - minDelaySeconds)) * 1000;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, Math.min(delay, Math.max(0, deadline - Date.now())));
      function done(): void {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}

/** The outcome of a finished tuning job's Describe. */
export function tuningOutcome(output: DescribeHyperParameterTuningJobCommandOutput): TuningJobOutcome {
  const status = output.HyperParameterTuningJobStatus;
  const counts = output.TrainingJobStatusCounters;
  const best = output.BestTrainingJob;
  const metric = best?.FinalHyperParameterTuningJobObjectiveMetric;
  return {
    status: status === 'Completed' || status === 'Failed' ? status : 'Stopped',
    tuningJobName: output.HyperParameterTuningJobName ?? '',
    ...(output.FailureReason !== undefined ? { reason: output.FailureReason } : {}),
    ...(best?.TrainingJobName !== undefined && metric?.Value !== undefined
      ? {
          best: {
            trainingJobName: best.TrainingJobName,
            metric: metric.MetricName ?? '',
            value: metric.Value,
            hyperparameters: { ...(best.TunedHyperParameters ?? {}) },
          },
        }
      : {}),
    counts: {
      completed: counts?.Completed ?? 0,
      inProgress: counts?.InProgress ?? 0,
      stopped: counts?.Stopped ?? 0,
      failed: (counts?.NonRetryableError ?? 0) + (counts?.RetryableError ?? 0),
    },
  };
}

/**
 * Every training job a tuning job started (`ListTrainingJobsForHyperParameterTuningJob`, all pages).
 *
 * @example
 * ```ts
 * const trials = await listTuningTrainingJobs(sagemaker, 'sentry-tune-1');
 * ```
 */
export async function listTuningTrainingJobs(
  client: SageMakerClient,
  tuningJobName: string,
): Promise<HyperParameterTrainingJobSummary[]> {
  const jobs: HyperParameterTrainingJobSummary[] = [];
  let token: string | undefined;
  do {
    let page;
    try {
      page = await client.send(
        new ListTrainingJobsForHyperParameterTuningJobCommand({
          HyperParameterTuningJobName: tuningJobName,
          MaxResults: 100,
          ...(token === undefined ? {} : { NextToken: token }),
        }),
      );
    } catch (err) {
      throw new AwsRequestError('ListTrainingJobsForHyperParameterTuningJob', tuningJobName, err);
    }
    jobs.push(...(page.TrainingJobSummaries ?? []));
    token = page.NextToken;
  } while (token !== undefined);
  return jobs;
}

/**
 * Stops a tuning job and every training job of it still running: `StopHyperParameterTuningJob`
 * (a job that already ended, or does not exist, is left alone), then `StopTrainingJob` for each
 * trial still `InProgress`, so an aborted search leaves nothing billing. Returns the trials stopped.
 *
 * @throws {AwsRequestError} when SageMaker refuses for another reason.
 *
 * @example
 * ```ts
 * const stopped = await stopTuningJob(sagemaker, 'sentry-tune-1'); // ['sentry-tune-1-003-1a2b3c4d', …]
 * ```
 */
export async function stopTuningJob(client: SageMakerClient, tuningJobName: string): Promise<string[]> {
  try {
    await client.send(new StopHyperParameterTuningJobCommand({ HyperParameterTuningJobName: tuningJobName }));
  } catch (err) {
    if (isNotFoundError(err)) return [];
    // A job that already ended answers ValidationException; its trials are checked below all the same.
    if (awsErrorInfo(err).name !== 'ValidationException')
      throw new AwsRequestError('StopHyperParameterTuningJob', tuningJobName, err);
  }
  const stopped: string[] = [];
  for (const trial of await listTuningTrainingJobs(client, tuningJobName)) {
    if (trial.TrainingJobStatus !== 'InProgress' || trial.TrainingJobName === undefined) continue;
    try {
      await client.send(new StopTrainingJobCommand({ TrainingJobName: trial.TrainingJobName }));
      stopped.push(trial.TrainingJobName);
    } catch (err) {
      if (!isNotFoundError(err) && awsErrorInfo(err).name !== 'ValidationException')
        throw new AwsRequestError('StopTrainingJob', trial.TrainingJobName, err);
    }
  }
  return stopped;
}
