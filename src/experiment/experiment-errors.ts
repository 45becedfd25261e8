import { SessionSentryError } from '../errors.js';

/**
 * An experiment configuration (JSON or YAML) that cannot be used: the message names the file, the
 * line and column when known, the key (`hyperparameters.eta`), the value and what was expected.
 *
 * @example
 * ```ts
 * try { await readExperimentConfig('experiment.yaml'); }
 * catch (err) { if (err instanceof ExperimentConfigError) console.error(err.message, err.key, err.line); }
 * // experiment.yaml:7:3: split.validation must be a number in (0, 1), got 2
 * ```
 */
export class ExperimentConfigError extends SessionSentryError {
  declare readonly code: 'ERR_EXPERIMENT_CONFIG';
  /** The offending key as a dotted path (`truncations[2].n`), or `''` for the document itself. */
  readonly key: string;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(
    details: {
      readonly key: string;
      readonly problem: string;
      readonly file?: string;
      readonly line?: number;
      readonly column?: number;
    },
    options?: { cause?: unknown },
  ) {
    const { key, problem, file, line, column } = details;
    const where =
      file === undefined
        ? 'experiment config'
        : `${file}${line !== undefined ? `:${line}${column !== undefined ? `:${column}` : ''}` : ''}`;
    super('ERR_EXPERIMENT_CONFIG', `${where}: ${key === '' ? '' : `${key} `}${problem}`, options);
    this.key = key;
    this.file = file;
    this.line = line;
    this.column = column;
  }
}

/**
 * An experiment in which no job got through (every failure is listed in the message).
 *
 * @example
 * ```ts
 * try { await runPartialSessionExperiment(spec); }
 * catch (err) { if (err instanceof ExperimentFailedError) console.error(err.message); }
 * ```
 */
export class ExperimentFailedError extends SessionSentryError {
  declare readonly code: 'ERR_EXPERIMENT_FAILED';

  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_EXPERIMENT_FAILED', message, options);
  }
}
