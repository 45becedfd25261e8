import type { DataFrame } from 'danfojs-node';
import { InvalidArgumentError } from '../errors.js';
import type { Frame } from '../frame/frame.js';
import { type FromDanfoOptions, frameFromDanfoLike, isDanfoLikeFrame } from '../frame/frame-input.js';

/**
 * Converts a danfo.js `DataFrame` into a {@link Frame}: numeric columns into typed arrays
 * (`Int32Array` for an `int32` column without missing values, `Uint8Array` for booleans,
 * `Float64Array` otherwise, `NaN` for missing values; `numberTypes` chooses per column), string
 * columns dictionary-encoded with `null`/`undefined`/`NaN` as missing. The row index is dropped
 * unless `indexColumn` names a column to keep it in. A column mixing numbers and strings is an
 * error naming the column, row and value.
 *
 * @example
 * ```ts
 * import { DataFrame } from 'danfojs-node';
 * import { fromDanfo } from 'sessionsentry/danfo';
 * const frame = fromDanfo(new DataFrame({ SessionNo: ['s1', 's2'], BadActor: [0, 1] }), {
 *   numberTypes: { BadActor: 'uint8' },
 * });
 * frame.columnData('BadActor').column; // { kind: 'number', values: Uint8Array [0, 1] }
 * ```
 */
export function fromDanfo(df: DataFrame, options: FromDanfoOptions = {}): Frame {
  const candidate: unknown = df;
  if (!isDanfoLikeFrame(candidate)) {
    throw new InvalidArgumentError(
      'fromDanfo',
      'df',
      candidate,
      'a danfo DataFrame (with columns, dtypes and column values)',
    );
  }
  return frameFromDanfoLike(candidate, options, 'fromDanfo', 'df');
}
