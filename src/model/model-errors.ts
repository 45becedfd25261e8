import { SessionSentryError } from '../errors.js';

/** The model file formats the library reads and writes. */
export type ModelFormat = 'json' | 'ubjson' | 'binary' | 'tarball';

/**
 * A model file could not be decoded: truncated, corrupt, not a model, or a value of the wrong
 * type. The message names the file (when known), the format, where in it (byte offset or JSON
 * path), what was found and what was expected.
 *
 * @example
 * ```ts
 * try {
 *   Booster.load(bytes);
 * } catch (err) {
 *   if (err instanceof ModelFormatError) console.error(err.format, err.where, err.message);
 * }
 * // binary model, byte 181: num_nodes is 2147483647 but only 6166 bytes remain (expected at most 171 nodes)
 * ```
 */
export class ModelFormatError extends SessionSentryError {
  declare readonly code: 'ERR_MODEL_FORMAT';
  /** Which decoder failed. */
  readonly format: ModelFormat | 'unknown';
  /** Where in the input: `byte 181`, `learner.gradient_booster.model.trees[3].left_children[7]`. */
  readonly where: string;

  constructor(
    format: ModelFormat | 'unknown',
    where: string,
    problem: string,
    options?: { cause?: unknown; file?: string },
  ) {
    const file = options?.file !== undefined ? `${options.file}: ` : '';
    super('ERR_MODEL_FORMAT', `${file}${formatLabel(format)}, ${where}: ${problem}`, options);
    this.format = format;
    this.where = where;
  }
}

/**
 * A model decoded fine but its trees are inconsistent: arrays of different lengths, children out
 * of range, a node reachable twice (cycles, shared subtrees), a split on a feature beyond
 * `num_feature`, an unsupported objective. Such a model would crash or loop at prediction time.
 *
 * @example
 * ```ts
 * new Booster({ ...model, trees: [brokenTree] });
 * // InvalidModelError: tree 0: node 3 is reachable twice (left child of node 1 and of node 2)
 * ```
 */
export class InvalidModelError extends SessionSentryError {
  declare readonly code: 'ERR_INVALID_MODEL';
  /** Index of the offending tree, when the problem is inside one. */
  readonly tree: number | undefined;

  /** The model file, when the model was read from one. */
  readonly file: string | undefined;

  constructor(problem: string, tree?: number, options?: { cause?: unknown; file?: string }) {
    super(
      'ERR_INVALID_MODEL',
      `${options?.file !== undefined ? `${options.file}: ` : ''}${tree !== undefined ? `tree ${tree}: ` : ''}${problem}`,
      options,
    );
    this.tree = tree;
    this.file = options?.file;
  }
}

/**
 * An input is larger than the limit the reader allows: a decompressed tarball or gzip stream, a
 * tar member, a model file. Limits keep memory bounded on hostile input (gzip bombs).
 *
 * @example
 * ```ts
 * Booster.fromTarGz(bomb); // ModelSizeLimitError: model.tar.gz: decompressed size exceeds the limit of 268435456 bytes
 * ```
 */
export class ModelSizeLimitError extends SessionSentryError {
  declare readonly code: 'ERR_MODEL_TOO_LARGE';
  /** The limit in bytes that was exceeded. */
  readonly limit: number;

  constructor(what: string, limit: number) {
    super('ERR_MODEL_TOO_LARGE', `${what} exceeds the limit of ${limit} bytes`);
    this.limit = limit;
  }
}

function formatLabel(format: ModelFormat | 'unknown'): string {
  switch (format) {
    case 'json':
      return 'XGBoost JSON model';
    case 'ubjson':
      return 'XGBoost UBJSON model';
    case 'binary':
      return 'XGBoost legacy binary model';
    case 'tarball':
      return 'model.tar.gz';
    default:
      return 'model';
  }
}
