import {
  DescribeEndpointCommand,
  DescribeTrainingJobCommand,
  DescribeTransformJobCommand,
  waitUntilEndpointDeleted,
  waitUntilEndpointInService,
  waitUntilTrainingJobCompletedOrStopped,
  waitUntilTransformJobCompletedOrStopped,
  type DescribeEndpointCommandOutput,
  type DescribeTrainingJobCommandOutput,
  type DescribeTransformJobCommandOutput,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { ResourceStateError, RunAbortedError } from '../train/train-errors.js';
import { AwsRequestError, isNotFoundError, WaitTimeoutError } from './sagemaker-errors.js';

/** How a waiter polls. Delays are in seconds, as in the AWS SDK's waiter configuration. */
export interface PollOptions {
  /** Give up after this long. Default one hour. */
  readonly maxWaitSeconds?: number;
  /** Shortest delay between two Describe calls (the first poll is immediate). Default 15 s. */
  readonly minDelaySeconds?: number;
  /** Longest delay; the delay grows with jitter from the minimum up to this. Default 60 s. */
  readonly maxDelaySeconds?: number;
  /** Stops waiting (the resource itself keeps running). */
  readonly signal?: AbortSignal;
  /** Called whenever a Describe shows a new status (`detail` is the secondary status or reason). */
  readonly onStatus?: (status: string, detail?: string) => void;
}

interface WaiterRun<Output> {
  readonly what: string;
  readonly name: string;
  readonly describe: () => Promise<Output>;
  readonly status: (output: Output) => string | undefined;
  readonly detail: (output: Output) => string | undefined;
  readonly operation: string;
}

/**
 * Waits for a training job with the SDK's `waitUntilTrainingJobCompletedOrStopped`, then checks
 * the final status itself with one more `DescribeTrainingJob`: the waiter counts `Stopped`
 * (which includes `MaxRuntimeExceeded`) as success and throws on `Failed`, so only the final
 * Describe says how the job really ended. Returns that Describe.
 *
 * @throws {WaitTimeoutError} after `maxWaitSeconds`; {@link RunAbortedError} when aborted;
 *   {@link AwsRequestError} when the job does not exist or Describe keeps failing.
 *
 * @example
 * ```ts
 * const job = await waitForTrainingJob(sagemaker, 'sentry-first-5', { minDelaySeconds: 30 });
 * if (job.TrainingJobStatus !== 'Completed') console.error(job.TrainingJobStatus, job.FailureReason);
 * else console.log(job.ModelArtifacts?.S3ModelArtifacts);
 * ```
 */
export async function waitForTrainingJob(
  client: SageMakerClient,
  jobName: string,
  options: PollOptions & {
    /** Sees every `DescribeTrainingJob` answer, before `onStatus` (e.g. for secondary status transitions). */
    readonly onDescribe?: (output: DescribeTrainingJobCommandOutput) => void;
  } = {},
): Promise<DescribeTrainingJobCommandOutput> {
  const input = { TrainingJobName: jobName };
  const status = (o: DescribeTrainingJobCommandOutput): string | undefined => o.TrainingJobStatus;
  const detail = (o: DescribeTrainingJobCommandOutput): string | undefined => o.FailureReason ?? o.SecondaryStatus;
  const reporter = new StatusReporter(options.onStatus, status, detail, options.onDescribe);
  await runWaiter(
    (config) => waitUntilTrainingJobCompletedOrStopped({ ...config, client: observe(client, reporter) }, input),
    options,
    'training job',
    jobName,
    reporter,
  );
  return finalDescribe(
    {
      what: 'training job',
      name: jobName,
      operation: 'DescribeTrainingJob',
      describe: () => client.send(new DescribeTrainingJobCommand(input)),
      status,
      detail,
    },
    reporter,
  );
}

/**
 * Waits for an endpoint with the SDK's `waitUntilEndpointInService`, then checks the final status
 * with one more `DescribeEndpoint` (the waiter throws on `Failed`; the Describe carries the
 * `FailureReason`). Returns that Describe.
 *
 * @throws {WaitTimeoutError}, {@link RunAbortedError}, {@link AwsRequestError} as {@link waitForTrainingJob}.
 *
 * @example
 * ```ts
 * const endpoint = await waitForEndpoint(sagemaker, 'sentry-first-5');
 * if (endpoint.EndpointStatus === 'Failed') console.error(endpoint.FailureReason);
 * ```
 */
export async function waitForEndpoint(
  client: SageMakerClient,
  endpointName: string,
  options: PollOptions = {},
): Promise<DescribeEndpointCommandOutput> {
  const input = { EndpointName: endpointName };
  const status = (o: DescribeEndpointCommandOutput): string | undefined => o.EndpointStatus;
  const detail = (o: DescribeEndpointCommandOutput): string | undefined => o.FailureReason;
  const reporter = new StatusReporter(options.onStatus, status, detail);
  await runWaiter(
    (config) => waitUntilEndpointInService({ ...config, client: observe(client, reporter) }, input),
    options,
    'endpoint',
    endpointName,
    reporter,
  );
  return finalDescribe(
    {
      what: 'endpoint',
      name: endpointName,
      operation: 'DescribeEndpoint',
      describe: () => client.send(new DescribeEndpointCommand(input)),
      status,
      detail,
    },
    reporter,
  );
}

/**
 * Waits for a batch transform job with the SDK's `waitUntilTransformJobCompletedOrStopped`, then
 * checks the final status with one more `DescribeTransformJob` (the waiter counts `Stopped` as
 * success). Returns that Describe.
 *
 * @throws {WaitTimeoutError}, {@link RunAbortedError}, {@link AwsRequestError} as {@link waitForTrainingJob}.
 *
 * @example
 * ```ts
 * const job = await waitForTransformJob(sagemaker, 'sentry-first-5-testday');
 * if (job.TransformJobStatus !== 'Completed') console.error(job.FailureReason);
 * ```
 */
export async function waitForTransformJob(
  client: SageMakerClient,
  jobName: string,
  options: PollOptions = {},
): Promise<DescribeTransformJobCommandOutput> {
  const input = { TransformJobName: jobName };
  const status = (o: DescribeTransformJobCommandOutput): string | undefined => o.TransformJobStatus;
  const detail = (o: DescribeTransformJobCommandOutput): string | undefined => o.FailureReason;
  const reporter = new StatusReporter(options.onStatus, status, detail);
  await runWaiter(
    (config) => waitUntilTransformJobCompletedOrStopped({ ...config, client: observe(client, reporter) }, input),
    options,
    'transform job',
    jobName,
    reporter,
  );
  return finalDescribe(
    {
      what: 'transform job',
      name: jobName,
      operation: 'DescribeTransformJob',
      describe: () => client.send(new DescribeTransformJobCommand(input)),
      status,
      detail,
    },
    reporter,
  );
}

/**
 * Waits until an endpoint is gone with the SDK's `waitUntilEndpointDeleted` (success is the
 * service answering "Could not find endpoint").
 *
 * @throws {ResourceStateError} when the endpoint is `Failed` instead of going away;
 *   {@link WaitTimeoutError}, {@link RunAbortedError} as {@link waitForTrainingJob}.
 *
 * @example
 * ```ts
 * await sagemaker.send(new DeleteEndpointCommand({ EndpointName: 'sentry-first-5' }));
 * await waitForEndpointDeleted(sagemaker, 'sentry-first-5');
 * ```
 */
export async function waitForEndpointDeleted(
  client: SageMakerClient,
  endpointName: string,
  options: PollOptions = {},
): Promise<void> {
  const input = { EndpointName: endpointName };
  const reporter = new StatusReporter(
    options.onStatus,
    (o: DescribeEndpointCommandOutput) => o.EndpointStatus,
    (o) => o.FailureReason,
  );
  const failed = await runWaiter(
    (config) => waitUntilEndpointDeleted({ ...config, client: observe(client, reporter) }, input),
    options,
    'deletion of endpoint',
    endpointName,
    reporter,
  );
  if (!failed) return;
  let last: DescribeEndpointCommandOutput;
  try {
    last = await client.send(new DescribeEndpointCommand(input));
  } catch (err) {
    if (isNotFoundError(err)) return;
    throw new AwsRequestError('DescribeEndpoint', endpointName, err);
  }
  throw new ResourceStateError(
    `endpoint ${endpointName}`,
    `is ${last.EndpointStatus ?? 'in an unknown state'}${last.FailureReason ? ` (${last.FailureReason})` : ''}; ` +
      `expected it to be deleted`,
  );
}

type WaiterConfig = { maxWaitTime: number; minDelay: number; maxDelay: number; abortSignal?: AbortSignal };

/** Runs an SDK waiter; returns true when it ended in FAILURE (the caller's final check decides what that means). */
async function runWaiter(
  wait: (config: WaiterConfig) => Promise<unknown>,
  options: PollOptions,
  what: string,
  name: string,
  reporter: { readonly lastStatus: string | undefined },
): Promise<boolean> {
  const {
    maxWaitSeconds = 3600,
    minDelaySeconds = 15,
    maxDelaySeconds = Math.max(60, minDelaySeconds),
    signal,
  } = options;
  if (signal?.aborted) throw new RunAbortedError(`waiting for ${what} ${JSON.stringify(name)}`, signal.reason);
  try {
    await wait({
      maxWaitTime: maxWaitSeconds,
      minDelay: minDelaySeconds,
      maxDelay: Math.max(maxDelaySeconds, minDelaySeconds),
      abortSignal: signal,
    });
    return false;
  } catch (err) {
    const errorName = (err as { name?: unknown } | null)?.name;
    if (errorName === 'AbortError' || signal?.aborted)
      throw new RunAbortedError(`waiting for ${what} ${JSON.stringify(name)}`, signal?.reason);
    if (errorName === 'TimeoutError')
      throw new WaitTimeoutError(what, name, maxWaitSeconds, reporter.lastStatus, { cause: err });
    return true;
  }
}

async function finalDescribe<Output>(run: WaiterRun<Output>, reporter: StatusReporter<Output>): Promise<Output> {
  let output: Output;
  try {
    output = await run.describe();
  } catch (err) {
    throw new AwsRequestError(run.operation, run.name, err);
  }
  reporter.report(output);
  return output;
}

/** Reports a Describe's status to `onStatus` when it differs from the last one reported. */
class StatusReporter<Output> {
  readonly onStatus: PollOptions['onStatus'];
  readonly #status: (output: Output) => string | undefined;
  readonly #detail: (output: Output) => string | undefined;
  readonly #onOutput: ((output: Output) => void) | undefined;
  #last: string | undefined;
  #lastStatus: string | undefined;

  constructor(
    onStatus: PollOptions['onStatus'],
    status: (output: Output) => string | undefined,
    detail: (output: Output) => string | undefined,
    onOutput?: (output: Output) => void,
  ) {
    this.onStatus = onStatus;
    this.#status = status;
    this.#detail = detail;
    this.#onOutput = onOutput;
  }

  /** The status of the last Describe seen, for timeout messages. */
  get lastStatus(): string | undefined {
    return this.#lastStatus;
  }

  report(output: Output): void {
    this.#onOutput?.(output);
    const status = this.#status(output);
    if (status !== undefined) this.#lastStatus = status;
    if (this.onStatus === undefined || status === undefined) return;
    const detail = this.#detail(output);
    const key = `${status}|${detail}`;
    if (key === this.#last) return;
    this.#last = key;
    this.onStatus(status, detail);
  }
}

/**
 * A view of the client whose `send` also hands each Describe to the reporter, so callers see
 * progress while the SDK waiter polls, and a timeout can say where the resource was stuck.
 */
function observe<Output>(client: SageMakerClient, reporter: StatusReporter<Output>): SageMakerClient {
  const send = async (...args: Parameters<SageMakerClient['send']>): Promise<unknown> => {
    const output = (await client.send(...args)) as Output;
    reporter.report(output);
    return output;
  };
  return new Proxy(client, {
    get(target, property) {
      return property === 'send' ? send : Reflect.get(target, property, target);
    },
  });
}
