import type { DataFrame } from 'danfojs-node';
import { InvalidArgumentError } from '../errors.js';
import type { Frame } from '../frame/frame.js';
import { type FrameInput, asFrame } from '../frame/frame-input.js';
import { loadDanfo } from './load-danfo.js';

/** The danfo dtype a Frame column becomes. */
export type DanfoDtype = 'float32' | 'int32' | 'string' | 'boolean';

/**
 * The danfo dtype of each column of a Frame (or of a DataFrame read as one): integer typed arrays
 * become `int32` (a `Uint32Array` holding values above 2^31 − 1 becomes `float32`, danfo's only
 * other numeric dtype), float arrays `float32`, string columns `string`. danfo's `float32` is only
 * a label: the values stay JavaScript doubles, so a `Float64Array` column keeps its precision.
 *
 * @example
 * ```ts
 * danfoDtypes(Frame.fromColumns({ n: new Int32Array([1]), x: new Float64Array([0.5]), s: ['a'] }));
 * // ['int32', 'float32', 'string']
 * ```
 */
export function danfoDtypes(input: FrameInput): DanfoDtype[] {
  const frame = asFrame(input, 'frame', 'danfoDtypes');
  return frame.columnNames.map((name) => {
    const { column } = frame.columnData(name);
    if (column.kind === 'string') return 'string';
    const values = column.values;
    if (values instanceof Float64Array || values instanceof Float32Array) return 'float32';
    if (values instanceof Uint32Array && values.some((v) => v > 0x7fffffff)) return 'float32';
    return 'int32';
  });
}

/**
 * Converts a {@link Frame} into a danfo.js `DataFrame`, for display and pandas-style work in
 * notebooks. Column order, names, values and missing values are kept: numeric columns become
 * arrays of numbers (`NaN` stays `NaN`) with dtype `int32` or `float32` (see {@link danfoDtypes}),
 * string columns arrays of strings with `null` for missing values and dtype `string`. Row views
 * are materialised in view order. Passing a DataFrame returns a fresh copy through a Frame.
 *
 * `danfojs-node` is an optional peer dependency, loaded on the first call; when it is missing this
 * throws a `DanfoNotInstalledError` saying how to install it.
 *
 * @example
 * ```ts
 * import { toDanfo, fromDanfo } from 'sessionsentry/danfo';
 * const df = toDanfo(features);       // a danfo DataFrame
 * df.head().print();
 * const back = fromDanfo(df);         // a Frame again, identical values
 * ```
 */
export function toDanfo(input: FrameInput): DataFrame {
  const frame = asFrame(input, 'frame', 'toDanfo');
  const names = frame.columnNames;
  const rows = frame.rowCount;
  if (names.length === 0)
    throw new InvalidArgumentError(
      'toDanfo',
      'frame',
      'a frame with no columns',
      'at least one column (danfo cannot hold an empty table)',
    );
  const dtypes = danfoDtypes(frame);
  // danfo stores rows; building them directly avoids its object path, which reorders keys like '111'.
  const data: unknown[][] = new Array(rows);
  for (let i = 0; i < rows; i++) data[i] = new Array(names.length);
  names.forEach((name, j) => {
    const { column, index } = frame.columnData(name);
    if (column.kind === 'number') {
      const values = column.values;
      for (let i = 0; i < rows; i++) data[i]![j] = values[index === null ? i : index[i]!];
    } else {
      const { codes, dictionary } = column;
      for (let i = 0; i < rows; i++) {
        const code = codes[index === null ? i : index[i]!]!;
        data[i]![j] = code < 0 ? null : dictionary[code];
      }
    }
  });
  const { DataFrame: DanfoFrame } = loadDanfo();
  return new DanfoFrame(data, { columns: [...names], dtypes });
}
