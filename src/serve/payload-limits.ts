import { InvalidArgumentError } from '../errors.js';
import { MAX_NUM_FEATURE } from '../model/model-validate.js';
import { InvocationError } from './invocation-error.js';

/**
 * Default most rows in one invocation: 1 000 000 (a 6 MiB body of 4-value rows holds 786 432; of one-value rows, 3.1M).
 */
export const MAX_PAYLOAD_ROWS = 1_000_000;

/**
 * Default most values one invocation may expand to: rows × the model's feature count (rows are
 * padded to it), 2^24 float32 values = 64 MiB. Without it a 6 MiB body of one-column rows (3.1M
 * rows) padded to a wide model took 737 MB and blocked the event loop for seconds.
 */
export const MAX_PAYLOAD_CELLS = 1 << 24;

/**
 * What an invocation payload may expand to in memory, checked before anything is allocated. Rows
 * or cells over the limits are 413; more columns than the model has features 400 (as the
 * SageMaker XGBoost container answers).
 */
export interface PayloadLimits {
  /** Most rows. Default {@link MAX_PAYLOAD_ROWS}. */
  readonly maxRows?: number;
  /** Most columns: the model's feature count. Default `MAX_NUM_FEATURE`. */
  readonly maxColumns?: number;
  /** Most values after padding rows to `width` (rows × width). Default {@link MAX_PAYLOAD_CELLS}. */
  readonly maxCells?: number;
  /** Width rows are padded to (the model's feature count); default the payload's own columns. */
  readonly width?: number;
}

/** {@link PayloadLimits} with defaults filled. */
export interface ResolvedPayloadLimits {
  readonly maxRows: number;
  readonly maxColumns: number;
  readonly maxCells: number;
  readonly width: number;
}

/**
 * Fills the defaults of {@link PayloadLimits}, checking each value.
 *
 * @example
 * ```ts
 * resolvePayloadLimits({ maxRows: 1000, maxColumns: booster.numFeature, width: booster.numFeature });
 * ```
 */
export function resolvePayloadLimits(limits: PayloadLimits = {}, where = 'payload limits'): ResolvedPayloadLimits {
  const { maxRows = MAX_PAYLOAD_ROWS, maxColumns = MAX_NUM_FEATURE, maxCells = MAX_PAYLOAD_CELLS, width = 0 } = limits;
  for (const [name, value] of [
    ['maxRows', maxRows],
    ['maxColumns', maxColumns],
    ['maxCells', maxCells],
    ['width', width],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 0) throw new InvalidArgumentError(where, name, value, 'an integer ≥ 0');
  }
  return { maxRows, maxColumns, maxCells, width };
}

/**
 * Throws the {@link InvocationError} a payload of `rows` rows and `columns` columns deserves
 * under `limits` (400 for too many columns, 413 for too many rows or values), before it is
 * allocated.
 *
 * @example
 * ```ts
 * checkPayloadShape('text/csv', rows, columns, limits);
 * ```
 */
export function checkPayloadShape(kind: string, rows: number, columns: number, limits: ResolvedPayloadLimits): void {
  if (columns > limits.maxColumns) {
    throw new InvocationError(
      400,
      `${kind} payload has ${columns} columns but the model has ${limits.maxColumns} features (send feature ` +
        `columns only, no label)`,
    );
  }
  if (rows > limits.maxRows) {
    throw new InvocationError(
      413,
      `${kind} payload has ${rows} rows, over the limit of ${limits.maxRows} rows per request ` +
        `(maxRowsPerRequest); split it into smaller requests`,
    );
  }
  const cells = rows * Math.max(columns, limits.width);
  if (cells > limits.maxCells) {
    throw new InvocationError(
      413,
      `${kind} payload expands to ${cells} values (${rows} rows × ${Math.max(columns, limits.width)} features), ` +
        `over the limit of ${limits.maxCells} values per request (maxCellsPerRequest); split it into smaller ` +
        `requests`,
    );
  }
}
