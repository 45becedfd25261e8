import { InvalidArgumentError } from '../errors.js';

/** Typed arrays a numeric column may be stored in. `NaN` marks a missing value in float arrays. */
export type NumericArray =
  | Float64Array
  | Float32Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array;

/** A numeric column: values in one typed array. */
export interface NumberColumn {
  readonly kind: 'number';
  readonly values: NumericArray;
}

/**
 * A dictionary-encoded string column: `codes[i]` indexes `dictionary`; `-1` marks a missing value.
 * Strings are encoded once, so equality and grouping work on integers.
 */
export interface StringColumn {
  readonly kind: 'string';
  readonly codes: Int32Array;
  readonly dictionary: readonly string[];
}

/** One column of a {@link Frame}. */
export type Column = NumberColumn | StringColumn;

/** What {@link Frame.fromColumns} accepts for a column. */
export type ColumnInput = Column | NumericArray | readonly number[] | readonly (string | null)[];

/** Wraps a typed array as a numeric column. */
export function numberColumn(values: NumericArray): NumberColumn {
  return { kind: 'number', values };
}

/**
 * Dictionary-encodes strings into a {@link StringColumn}; `null` becomes the missing code `-1`.
 *
 * @example
 * ```ts
 * encodeStrings(['b', 'a', 'b', null]); // { codes: [0, 1, 0, -1], dictionary: ['b', 'a'] }
 * ```
 */
export function encodeStrings(values: readonly (string | null | undefined)[]): StringColumn {
  const codes = new Int32Array(values.length);
  const dictionary: string[] = [];
  const lookup = new Map<string, number>();
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null || value === undefined) {
      codes[i] = -1;
      continue;
    }
    let code = lookup.get(value);
    if (code === undefined) {
      code = dictionary.length;
      dictionary.push(value);
      lookup.set(value, code);
    }
    codes[i] = code;
  }
  return { kind: 'string', codes, dictionary };
}

/** Normalises a {@link ColumnInput} into a {@link Column}. */
export function toColumn(name: string, input: ColumnInput): Column {
  if (ArrayBuffer.isView(input)) return numberColumn(input as NumericArray);
  if (Array.isArray(input)) {
    const values = input as readonly unknown[];
    if (values.every((v) => typeof v === 'number')) return numberColumn(Float64Array.from(values as number[]));
    if (values.every((v) => typeof v === 'string' || v === null || v === undefined)) {
      return encodeStrings(values as (string | null)[]);
    }
    throw new InvalidArgumentError('Frame.fromColumns', `columns.${name}`, input, 'all numbers or all strings');
  }
  const column = input as Column;
  if (column.kind === 'number' || column.kind === 'string') return column;
  throw new InvalidArgumentError('Frame.fromColumns', `columns.${name}`, input, 'a column, a typed array or an array');
}

/** Number of values stored in a column (its physical length, before any row view). */
export function columnLength(column: Column): number {
  return column.kind === 'number' ? column.values.length : column.codes.length;
}
