import { SessionSentryError } from '../errors.js';

/**
 * A run was aborted through its `AbortSignal`. `cause` is the signal's reason. Resources the run
 * created are still released by the runner's clean-up.
 *
 * @example
 * ```ts
 * try { await runner.waitForJobs(); } catch (err) { if (err instanceof RunAbortedError) console.log('stopped'); }
 * ```
 */
export class RunAbortedError extends SessionSentryError {
  declare readonly code: 'ERR_ABORTED';
  constructor(where: string, reason: unknown) {
    super(
      'ERR_ABORTED',
      `${where}: aborted${reason instanceof Error ? ` (${reason.message})` : reason !== undefined ? ` (${String(reason)})` : ''}`,
      { cause: reason },
    );
  }
}

/**
 * A training job failed (bad channel file, bad hyperparameter, trainer error). The runner records
 * it as the job's failure reason; other jobs go on.
 *
 * @example
 * ```ts
 * const outcome = await backend.waitForTrainingJob('exp-1'); // { status: 'Failed', reason: 'train.csv:3: …' }
 * ```
 */
export class TrainingJobError extends SessionSentryError {
  declare readonly code: 'ERR_TRAINING_JOB';
  readonly jobName: string;
  constructor(jobName: string, message: string, options?: { cause?: unknown }) {
    super('ERR_TRAINING_JOB', `training job ${jobName}: ${message}`, options);
    this.jobName = jobName;
  }
}

/**
 * A backend resource does not exist or is in the wrong state for the request (invoking an endpoint
 * that is not in service, a model name already used).
 *
 * @example
 * ```ts
 * await backend.invokeEndpoint('missing', '1,2\n'); // throws ResourceStateError
 * ```
 */
export class ResourceStateError extends SessionSentryError {
  declare readonly code: 'ERR_RESOURCE_STATE';
  readonly resource: string;
  constructor(resource: string, message: string, options?: { cause?: unknown }) {
    super('ERR_RESOURCE_STATE', `${resource}: ${message}`, options);
    this.resource = resource;
  }
}

/**
 * An endpoint answered an invocation with an error status; `status` and `body` are its answer.
 *
 * @example
 * ```ts
 * try { await runner.invoke('exp-1', 'a,b'); } catch (err) { if (err instanceof EndpointInvocationError) console.log(err.status); } // 415
 * ```
 */
export class EndpointInvocationError extends SessionSentryError {
  declare readonly code: 'ERR_ENDPOINT_INVOCATION';
  readonly endpointName: string;
  readonly status: number;
  readonly body: string;
  constructor(endpointName: string, status: number, body: string, options?: { cause?: unknown }) {
    super(
      'ERR_ENDPOINT_INVOCATION',
      `endpoint ${endpointName} answered ${status}: ${body.trim().slice(0, 300)}`,
      options,
    );
    this.endpointName = endpointName;
    this.status = status;
    this.body = body;
  }
}

/** One resource clean-up could not delete. */
export interface CleanupFailure {
  readonly resource: 'Endpoint' | 'Model' | 'TrainingJob' | 'Backend';
  readonly name: string;
  readonly reason: string;
}

/**
 * Clean-up tried to delete everything and some deletes failed (twice). The listed resources are
 * still tracked, so calling `cleanup()` again retries them.
 *
 * @example
 * ```ts
 * try { await runner.cleanup(); } catch (err) { if (err instanceof CleanupError) console.table(err.failures); }
 * ```
 */
export class CleanupError extends SessionSentryError {
  declare readonly code: 'ERR_CLEANUP';
  readonly failures: readonly CleanupFailure[];
  constructor(failures: readonly CleanupFailure[], options?: { cause?: unknown }) {
    const after = options?.cause instanceof Error ? ` after: ${options.cause.message}` : '';
    super(
      'ERR_CLEANUP',
      `clean-up left ${failures.length} resource(s): ` +
        `${failures.map((f) => `${f.resource} ${f.name} (${f.reason})`).join('; ')}${after}`,
      options,
    );
    this.failures = failures;
  }
}
