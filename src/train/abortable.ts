import { RunAbortedError } from './train-errors.js';

/**
 * Resolves with `promise`, or rejects with {@link RunAbortedError} as soon as `signal` aborts
 * (the underlying work is not cancelled; the caller releases it).
 *
 * @example
 * ```ts
 * const outcome = await abortable(backend.waitForTrainingJob(name), signal, `waiting for ${name}`);
 * ```
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined, where: string): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    // The work's own outcome (often its own abort) is no longer awaited: keep it from surfacing as
    // an unhandled rejection.
    promise.catch(() => undefined);
    return Promise.reject(new RunAbortedError(where, signal.reason));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new RunAbortedError(where, signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
