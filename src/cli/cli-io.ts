import { SessionSentryError } from '../errors.js';

/** Where a command writes: standard output and error, and whether the error stream is a terminal. */
export interface CliIO {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean; readonly columns?: number };
  /** Working folder relative paths resolve against. */
  readonly cwd: string;
  /** Environment variables (AWS settings for the SageMaker backend). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * Exit codes of the `sessionsentry` command: 0 success, 1 failure, 2 usage error, 130
 * interrupted (Ctrl-C; 128 + SIGINT, as shells report it).
 *
 * @example
 * ```ts
 * return result.failed.length > 0 ? EXIT.failure : EXIT.ok;
 * ```
 */
export const EXIT = Object.freeze({ ok: 0, failure: 1, usage: 2, interrupted: 130 });

/**
 * Bad command-line usage (unknown command or option, missing argument): printed with the
 * command's usage line, exit code 2.
 *
 * @example
 * ```ts
 * throw new UsageError('score: --model is required');
 * ```
 */
export class UsageError extends SessionSentryError {
  declare readonly code: 'ERR_USAGE';

  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_USAGE', message, options);
  }
}

/**
 * The CLI's I/O on this process: `process.stdout`, `process.stderr`, `process.cwd()`, `process.env`.
 *
 * @example
 * ```ts
 * const code = await runCli(process.argv.slice(2), processIO());
 * ```
 */
export function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env };
}

/**
 * A command stopped by Ctrl-C (SIGINT) or SIGTERM after cleaning up: exit code 130.
 *
 * @example
 * ```ts
 * if (signal.aborted) throw new InterruptedError('SIGINT', ['.demo']);
 * ```
 */
export class InterruptedError extends SessionSentryError {
  declare readonly code: 'ERR_INTERRUPTED';
  /** What was removed while stopping. */
  readonly removed: readonly string[];

  constructor(signal: string, removed: readonly string[], options?: { cause?: unknown }) {
    super(
      'ERR_INTERRUPTED',
      `interrupted by ${signal}${removed.length > 0 ? `; removed what this run created: ${removed.join(', ')}` : ''}`,
      options,
    );
    this.removed = removed;
  }
}
