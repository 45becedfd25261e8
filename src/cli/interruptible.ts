import type { CliIO } from './cli-io.js';

/**
 * Runs long work with an AbortSignal that fires on the first Ctrl-C (SIGINT) or SIGTERM, so the
 * training runner stops its jobs and deletes what it created before the command exits; a second
 * Ctrl-C is left to Node's default (exit at once).
 *
 * @example
 * ```ts
 * const result = await interruptible(io, (signal) => runPartialSessionExperiment(spec, { signal }));
 * ```
 */
export async function interruptible<T>(io: CliIO, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals): void => {
    io.stderr.write(`\n${name}: stopping jobs and deleting what this run created (press Ctrl-C again to exit at once)\n`);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
