import { InvalidArgumentError, describeValue } from '../errors.js';
import type { Column, NumericArray } from './column.js';
import { Frame } from './frame.js';

/**
 * What a danfo.js `DataFrame` looks like from outside, as far as the library needs it: column
 * names, danfo dtypes (`'float32'`, `'int32'`, `'string'`, `'boolean'`), and the values either
 * column by column (`getColumnData`, danfo's column-major copy), through `column(name).values`,
 * or row by row (`values`). Recognised structurally, so danfo is never imported to check it.
 *
 * @example
 * ```ts
 * import { DataFrame } from 'danfojs-node';
 * const df: DanfoLikeFrame = new DataFrame({ a: [1, 2], s: ['x', 'y'] });
 * ```
 */
export interface DanfoLikeFrame {
  readonly columns: readonly string[];
  readonly dtypes: readonly string[];
  readonly getColumnData?: readonly (readonly unknown[])[] | unknown;
  readonly values?: readonly (readonly unknown[])[] | unknown;
  readonly index?: readonly (string | number)[] | unknown;
  column?(name: string): { readonly values: ArrayLike<unknown> };
}

/** Anything a public function that takes a table accepts: a {@link Frame} or a danfo DataFrame. */
export type FrameInput = Frame | DanfoLikeFrame;

/** Typed-array storage a numeric column read from danfo may be asked to use. */
export type NumericStorage = 'float64' | 'float32' | 'int32' | 'uint32' | 'int16' | 'uint16' | 'int8' | 'uint8';

/** Options of `frameFromDanfoLike`. */
export interface FromDanfoOptions {
  /**
   * Storage per numeric column, by name. Default: `Int32Array` for an `int32` column without
   * missing values, `Uint8Array` (0/1) for a `boolean` column without missing values, otherwise
   * `Float64Array` (danfo keeps JavaScript doubles whatever its dtype says, so nothing is rounded).
   * Integer storages reject non-integers, missing values and values out of range.
   */
  readonly numberTypes?: Readonly<Record<string, NumericStorage>>;
  /** Keep the DataFrame's row index as a column of this name (first). Default: the index is not kept. */
  readonly indexColumn?: string;
}

const DANFO_DTYPES = new Set(['float32', 'int32', 'string', 'boolean', 'undefined']);

/**
 * True when `value` has the shape of a danfo DataFrame ({@link DanfoLikeFrame}): string column
 * names, one dtype string per column, and a way to read values. No `instanceof`, no danfo import.
 *
 * @example
 * ```ts
 * isDanfoLikeFrame(new dfd.DataFrame({ a: [1] })); // true
 * isDanfoLikeFrame({ columns: ['a'] });           // false: no dtypes, no values
 * ```
 */
export function isDanfoLikeFrame(value: unknown): value is DanfoLikeFrame {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof DanfoLikeFrame, unknown>>;
  let columns: unknown;
  let dtypes: unknown;
  try {
    columns = candidate.columns;
    dtypes = candidate.dtypes;
  } catch {
    return false;
  }
  if (!Array.isArray(columns) || !columns.every((c) => typeof c === 'string')) return false;
  if (!Array.isArray(dtypes) || !dtypes.every((d) => typeof d === 'string')) return false;
  // danfo reports no dtypes for an empty frame; otherwise one per column.
  if (dtypes.length !== columns.length && !(dtypes.length === 0)) return false;
  // A danfo Series also has columns and dtypes, but one-dimensional values and no column().
  if (typeof candidate.column === 'function') return true;
  return isArrayOfArrays(candidate.values) || isArrayOfArrays(candidate.getColumnData);
}

function isArrayOfArrays(value: unknown): boolean {
  try {
    return Array.isArray(value) && value.every((row) => Array.isArray(row));
  } catch {
    return false;
  }
}

/**
 * True when `value` is a {@link Frame}, recognised structurally (column names, `kind` and
 * `toMatrix`), not by `instanceof`: a Frame made by another copy of the library (the CommonJS
 * build beside the ESM one, as in a notebook) passes too.
 *
 * @example
 * ```ts
 * isFrameLike(Frame.fromColumns({ a: [1] })); // true
 * isFrameLike({ a: [1] });                     // false
 * ```
 */
export function isFrameLike(value: unknown): value is Frame {
  if (value instanceof Frame) return true;
  if (typeof value !== 'object' || value === null) return false;
  const f = value as Partial<Record<'columnNames' | 'kind' | 'toMatrix', unknown>>;
  return Array.isArray(f.columnNames) && typeof f.kind === 'function' && typeof f.toMatrix === 'function';
}

/**
 * Accepts a {@link Frame} or a danfo DataFrame (both recognised structurally) and returns a Frame,
 * so every function that takes a table can take either. A Frame is returned as is; a DataFrame is
 * converted with `frameFromDanfoLike` (its row index is not kept). Anything else is an
 * {@link InvalidArgumentError} naming `argName`.
 *
 * @example
 * ```ts
 * export function describeSessions(input: FrameInput): string {
 *   const frame = asFrame(input, 'input');
 *   return frame.toString();
 * }
 * describeSessions(new dfd.DataFrame({ SessionNo: ['s1'], '111': [3] }));
 * ```
 */
export function asFrame(input: FrameInput, argName = 'frame', where = 'asFrame'): Frame {
  if (isFrameLike(input)) return input;
  if (isDanfoLikeFrame(input)) return frameFromDanfoLike(input, {}, where, argName);
  throw new InvalidArgumentError(
    where,
    argName,
    input,
    'a Frame or a danfo DataFrame (with columns, dtypes and column values)',
  );
}

/**
 * Converts a danfo DataFrame (or anything of its shape) into a {@link Frame}, column by column.
 * The values decide the column kind, the dtype only the storage: numbers (and `NaN`, `null`,
 * `undefined` as missing, stored as `NaN`) become a typed array; strings (with `null`,
 * `undefined` or `NaN` as missing, code −1) a dictionary-encoded string column; booleans 0/1.
 * A column mixing kinds (say numbers and strings) is an error naming the column, the row and
 * the value, never silently coerced.
 *
 * @example
 * ```ts
 * const frame = frameFromDanfoLike(df, { numberTypes: { BadActor: 'uint8' } });
 * ```
 */
export function frameFromDanfoLike(
  df: DanfoLikeFrame,
  options: FromDanfoOptions = {},
  where = 'fromDanfo',
  argName = 'df',
): Frame {
  const { numberTypes = {}, indexColumn } = options;
  const names = df.columns;
  const columnData = readColumns(df, where, argName);
  const columns = new Map<string, Column>();
  if (indexColumn !== undefined) {
    const index = Array.isArray(df.index) ? (df.index as unknown[]) : [];
    const rows = columnData[0]?.length ?? index.length;
    if (index.length !== rows)
      throw new InvalidArgumentError(
        where,
        `${argName}.index`,
        `${index.length} labels`,
        `${rows} labels, one per row`,
      );
    columns.set(indexColumn, toColumn(index, 'undefined', undefined, where, `${argName}.index`, indexColumn));
  }
  for (let j = 0; j < names.length; j++) {
    const name = names[j]!;
    if (columns.has(name))
      throw new InvalidArgumentError(where, `${argName}.columns[${j}]`, name, 'a column name not used before');
    columns.set(name, toColumn(columnData[j]!, df.dtypes[j] ?? 'undefined', numberTypes[name], where, argName, name));
  }
  for (const name of Object.keys(numberTypes)) {
    if (!columns.has(name))
      throw new InvalidArgumentError(
        where,
        `options.numberTypes.${name}`,
        name,
        `one of the columns (${names.join(', ')})`,
      );
  }
  return Frame.fromColumns(columns);
}

function readColumns(df: DanfoLikeFrame, where: string, argName: string): ArrayLike<unknown>[] {
  const names = df.columns;
  for (let j = 0; j < df.dtypes.length; j++) {
    if (!DANFO_DTYPES.has(df.dtypes[j]!)) {
      throw new InvalidArgumentError(
        where,
        `${argName}.dtypes[${j}]`,
        df.dtypes[j],
        `a danfo dtype (${[...DANFO_DTYPES].join(', ')})`,
      );
    }
  }
  let data: ArrayLike<unknown>[] | undefined;
  const byColumn = df.getColumnData;
  if (Array.isArray(byColumn) && byColumn.length === names.length && byColumn.every((c) => Array.isArray(c))) {
    data = byColumn as unknown[][];
  } else if (typeof df.column === 'function' && names.length > 0) {
    data = names.map((name) => df.column!(name).values);
  } else if (Array.isArray(df.values)) {
    const rows = df.values as unknown[];
    data = names.map((_, j) =>
      rows.map((row, i) => {
        if (!Array.isArray(row) || row.length !== names.length) {
          throw new InvalidArgumentError(where, `${argName}.values[${i}]`, row, `a row of ${names.length} values`);
        }
        return row[j];
      }),
    );
  } else if (names.length === 0 || byColumn !== undefined) {
    data = names.map(() => []);
  }
  if (data === undefined)
    throw new InvalidArgumentError(where, argName, df, 'a danfo DataFrame with readable column values');
  const rows = data[0]?.length ?? 0;
  data.forEach((values, j) => {
    if (values.length !== rows) {
      throw new InvalidArgumentError(
        where,
        `${argName} column ${JSON.stringify(names[j])}`,
        `${values.length} values`,
        `${rows} values like the first column`,
      );
    }
  });
  return data;
}

function isMissing(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));
}

function toColumn(
  values: ArrayLike<unknown>,
  dtype: string,
  storage: NumericStorage | undefined,
  where: string,
  argName: string,
  name: string,
): Column {
  const n = values.length;
  let numbers = 0;
  let strings = 0;
  let booleans = 0;
  let missing = 0;
  let firstOther = -1;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (isMissing(v)) missing++;
    else if (typeof v === 'number') numbers++;
    else if (typeof v === 'string') strings++;
    else if (typeof v === 'boolean') booleans++;
    else if (firstOther < 0) firstOther = i;
  }
  const at = (i: number): string => `${argName} column ${JSON.stringify(name)} row ${i}`;
  if (firstOther >= 0)
    throw new InvalidArgumentError(
      where,
      at(firstOther),
      values[firstOther],
      'a number, string, boolean or missing value',
    );
  const kinds = (numbers > 0 ? 1 : 0) + (strings > 0 ? 1 : 0) + (booleans > 0 ? 1 : 0);
  if (kinds > 1) {
    const majority = strings >= numbers && strings >= booleans ? 'string' : numbers >= booleans ? 'number' : 'boolean';
    let i = 0;
    while (isMissing(values[i]) || typeof values[i] === majority) i++;
    throw new InvalidArgumentError(
      where,
      at(i),
      values[i],
      `a ${majority} like the rest of the column (danfo dtype ${dtype})`,
    );
  }
  const isString = strings > 0 || (kinds === 0 && dtype === 'string' && storage === undefined);
  if (isString) {
    if (storage !== undefined)
      throw new InvalidArgumentError(
        where,
        `options.numberTypes.${name}`,
        storage,
        'storage for a numeric column only (this one holds strings)',
      );
    const codes = new Int32Array(n);
    const dictionary: string[] = [];
    const lookup = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (isMissing(v)) {
        codes[i] = -1;
        continue;
      }
      let code = lookup.get(v as string);
      if (code === undefined) {
        code = dictionary.length;
        dictionary.push(v as string);
        lookup.set(v as string, code);
      }
      codes[i] = code;
    }
    return { kind: 'string', codes, dictionary };
  }
  const chosen: NumericStorage =
    storage ??
    (missing === 0 && booleans > 0
      ? 'uint8'
      : missing === 0 && dtype === 'int32' && allInt32(values)
        ? 'int32'
        : 'float64');
  const out = allocate(chosen, n);
  const integer = !(out instanceof Float64Array || out instanceof Float32Array);
  for (let i = 0; i < n; i++) {
    const raw = values[i];
    const v = isMissing(raw) ? Number.NaN : typeof raw === 'boolean' ? (raw ? 1 : 0) : (raw as number);
    out[i] = v;
    if (integer && out[i] !== v)
      throw new InvalidArgumentError(where, at(i), raw, `an integer that fits ${chosen} storage`);
  }
  return { kind: 'number', values: out };
}

function allInt32(values: ArrayLike<unknown>): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || (v | 0) !== v || Object.is(v, -0)) return false;
  }
  return true;
}

function allocate(storage: NumericStorage, n: number): NumericArray {
  switch (storage) {
    case 'float64':
      return new Float64Array(n);
    case 'float32':
      return new Float32Array(n);
    case 'int32':
      return new Int32Array(n);
    case 'uint32':
      return new Uint32Array(n);
    case 'int16':
      return new Int16Array(n);
    case 'uint16':
      return new Uint16Array(n);
    case 'int8':
      return new Int8Array(n);
    case 'uint8':
      return new Uint8Array(n);
    default:
      throw new InvalidArgumentError(
        'fromDanfo',
        'options.numberTypes',
        describeValue(storage),
        'float64, float32, int32, uint32, int16, uint16, int8 or uint8',
      );
  }
}
