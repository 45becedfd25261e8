import { asyncDispose, syncDispose } from '../async-dispose.js';

/** Options of {@link interruptSignal}. */
export interface InterruptSignalOptions {
  /** Process signals that abort. Default `['SIGINT', 'SIGTERM']` (Ctrl-C, `kill`). */
  readonly signals?: readonly NodeJS.Signals[];
  /**
   * After the first signal aborts, further ones are held off so clean-up can delete what the run
   * created; this many signals in all end the process at once (exit code 130). Default 3.
   */
  readonly forceAfter?: number;
  /** Called on each signal received (e.g. to print "cleaning up, press Ctrl-C twice more to force"). */
  readonly onSignal?: (signal: NodeJS.Signals, count: number) => void;
}

/** An AbortSignal tied to process signals, and the way to untie it. */
export interface InterruptSignal extends Disposable, AsyncDisposable {
  readonly signal: AbortSignal;
  /** Removes the process listeners. Idempotent. */
  dispose(): void;
}

/**
 * An `AbortSignal` that aborts on Ctrl-C (or `kill`), for a {@link TrainRunner} in a CLI or a
 * notebook: the first signal aborts the run — waits stop, jobs are stopped — and the runner's
 * clean-up still deletes every endpoint and model it created, because the default "exit now"
 * is replaced while the listener is installed. Pressing Ctrl-C `forceAfter` times ends the
 * process anyway.
 *
 * @example
 * ```ts
 * using interrupt = interruptSignal({ onSignal: () => console.error('stopping, cleaning up…') });
 * await using runner = new TrainRunner({ signal: interrupt.signal });
 * const result = await runner.runExperiment(jobs, { invokeWith: 'test' });
 * ```
 */
export function interruptSignal(options: InterruptSignalOptions = {}): InterruptSignal {
  const { signals = ['SIGINT', 'SIGTERM'], forceAfter = 3, onSignal } = options;
  const controller = new AbortController();
  let count = 0;
  const listener = (signal: NodeJS.Signals): void => {
    count++;
    onSignal?.(signal, count);
    if (count === 1) controller.abort(new Error(`interrupted by ${signal}`));
    else if (count >= forceAfter) process.exit(130);
  };
  for (const name of signals) process.on(name, listener);
  let disposed = false;
  const dispose = (): void => {
    if (disposed) return;
    disposed = true;
    for (const name of signals) process.off(name, listener);
  };
  return {
    signal: controller.signal,
    dispose,
    [syncDispose]: dispose,
    [asyncDispose]: async () => dispose(),
  };
}
