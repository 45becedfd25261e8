import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { InterruptedError, type CliIO } from './cli-io.js';

/** Options of {@link interruptible}. */
export interface InterruptibleOptions {
  /**
   * Paths the run created or will create (list only those that did not exist before it began):
   * removed if it is interrupted, so a stopped run leaves nothing behind.
   */
  readonly creates?: readonly string[];
}

/**
 * Runs long work with an AbortSignal that fires on the first Ctrl-C (SIGINT) or SIGTERM, so the
 * training runner stops its jobs and deletes what it created; then removes the outputs the work
 * created (`creates`) and throws {@link InterruptedError} (exit code 130). A second Ctrl-C is left
 * to Node's default (exit at once).
 *
 * @example
 * ```ts
 * const result = await interruptible(io, (signal) => runPartialSessionExperiment(spec, { signal }), { creates: createdBy(spec.outDir).filter((p) => !existsSync(p)) });
 * ```
 */
export async function interruptible<T>(
  io: CliIO,
  work: (signal: AbortSignal) => Promise<T>,
  options: InterruptibleOptions = {},
): Promise<T> {
  const fresh = options.creates ?? [];
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const onSignal = (name: NodeJS.Signals): void => {
    received = name;
    io.stderr.write(
      `\n${name}: stopping jobs and deleting what this run created (press Ctrl-C again to exit at once)\n`,
    );
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    controller.abort(new Error(`interrupted by ${name}`));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const result = await work(controller.signal);
    if (received === undefined) return result;
    throw new Error(`interrupted by ${received}`);
  } catch (err) {
    if (received === undefined) throw err;
    const removed: string[] = [];
    for (const p of fresh) {
      if (!existsSync(p)) continue;
      await rm(p, { recursive: true, force: true });
      removed.push(path.relative(io.cwd, p) || p);
    }
    throw new InterruptedError(received, removed, { cause: err });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
