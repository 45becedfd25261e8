import { ColumnNotFoundError, InvalidArgumentError } from '../errors.js';
import { type Column, type ColumnInput, columnLength, encodeStrings, numberColumn, toColumn } from './column.js';
import { formatTable } from './format-table.js';

/** A cell value as seen from outside: numbers, strings, or `null` for a missing string. */
export type CellValue = number | string | null;

/** A row as a plain object, column name to value. */
export type Row = Record<string, CellValue>;

/**
 * An immutable columnar table. Numeric columns live in typed arrays, string columns are
 * dictionary-encoded. Row selections (`take`, `filter`, `slice`, `head`) are views: they share the
 * columns and keep only an index of rows, so nothing is copied until a caller asks for values.
 * Every operation returns a new Frame.
 *
 * @example
 * ```ts
 * const frame = Frame.fromColumns(
 *   { SessionNo: ['s1', 's2', 's3'], BadActor: new Uint8Array([0, 1, 0]), '111': new Float64Array([3, 0, 1]) },
 *   ['SessionNo', 'BadActor', '111'], // the order to keep: objects put integer-like keys first
 * );
 * frame.rowCount;                        // 3
 * frame.numbers('111');                  // Float64Array [3, 0, 1]
 * frame.filter((r) => frame.number('BadActor', r) === 1).toRows(); // [{ SessionNo: 's2', BadActor: 1, '111': 0 }]
 * console.log(frame.head(2).toString());
 * ```
 */
export class Frame {
  /** Column names in order. */
  readonly columnNames: readonly string[];
  /** Number of rows in this frame (the view's length when it is a view). */
  readonly rowCount: number;
  readonly #columns: ReadonlyMap<string, Column>;
  /** Physical row of each logical row, or `null` when rows map one to one. */
  readonly #index: Uint32Array | null;

  private constructor(
    names: readonly string[],
    columns: ReadonlyMap<string, Column>,
    index: Uint32Array | null,
    rowCount: number,
  ) {
    this.columnNames = names;
    this.#columns = columns;
    this.#index = index;
    this.rowCount = rowCount;
  }

  /**
   * Builds a frame from columns given as typed arrays, number arrays, string arrays (encoded here)
   * or ready {@link Column}s. All columns must have the same length.
   *
   * Column order is the Map's order or the object's key order, and JavaScript puts integer-like
   * keys (action codes such as `'111'`) first in objects: pass `columnNames` (the same names, in
   * the wanted order) or a Map to keep another order.
   *
   * @example
   * ```ts
   * Frame.fromColumns({ SessionNo: ['a'], '111': [2] }).columnNames;                  // ['111', 'SessionNo']
   * Frame.fromColumns({ SessionNo: ['a'], '111': [2] }, ['SessionNo', '111']).columnNames; // ['SessionNo', '111']
   * ```
   */
  static fromColumns(
    columns: Record<string, ColumnInput> | ReadonlyMap<string, ColumnInput>,
    columnNames?: readonly string[],
  ): Frame {
    let entries = columns instanceof Map ? [...columns.entries()] : Object.entries(columns);
    if (columnNames !== undefined) {
      const byName = new Map(entries);
      if (
        columnNames.length !== byName.size ||
        new Set(columnNames).size !== columnNames.length ||
        columnNames.some((n) => !byName.has(n))
      ) {
        throw new InvalidArgumentError(
          'Frame.fromColumns',
          'columnNames',
          columnNames.join(','),
          `each of the columns ${[...byName.keys()].join(',')} once`,
        );
      }
      entries = columnNames.map((n) => [n, byName.get(n)!]);
    }
    const map = new Map<string, Column>();
    let length = -1;
    for (const [name, input] of entries) {
      const column = toColumn(name, input as ColumnInput);
      const n = columnLength(column);
      if (length >= 0 && n !== length) {
        throw new InvalidArgumentError(
          'Frame.fromColumns',
          `columns.${name}`,
          `${n} rows`,
          `${length} rows like the columns before it`,
        );
      }
      length = n;
      map.set(name, column);
    }
    return new Frame([...map.keys()], map, null, Math.max(length, 0));
  }

  /**
   * Builds a frame from row objects; the columns are the keys of the first row, numbers become
   * `Float64Array` columns and strings dictionary-encoded columns.
   */
  static fromRows(rows: readonly Row[], columnNames?: readonly string[]): Frame {
    const names = columnNames ?? (rows.length > 0 ? Object.keys(rows[0]!) : []);
    const columns: Record<string, ColumnInput> = {};
    for (const name of names) {
      const values = rows.map((row) => row[name] ?? null);
      const numeric = values.every((v) => typeof v === 'number' || v === null);
      columns[name] = numeric
        ? Float64Array.from(values, (v) => (v === null ? Number.NaN : (v as number)))
        : encodeStrings(values.map((v) => (v === null ? null : String(v))));
    }
    return Frame.fromColumns(columns);
  }

  /** True when the frame has a column of that name. */
  has(name: string): boolean {
    return this.#columns.has(name);
  }

  /** The storage kind of a column: `'number'` or `'string'`. */
  kind(name: string): Column['kind'] {
    return this.#column(name).kind;
  }

  /**
   * The stored column and the row index of this view (`null` when rows map one to one). For code
   * that walks storage directly without materialising; most callers want {@link Frame.numbers}.
   */
  columnData(name: string): { readonly column: Column; readonly index: Uint32Array | null } {
    return { column: this.#column(name), index: this.#index };
  }

  /** The physical row behind logical row `row`; a row outside `[0, rowCount)` is an error. */
  physicalRow(row: number): number {
    if (!(row >= 0 && row < this.rowCount) || !Number.isInteger(row)) {
      throw new InvalidArgumentError('Frame', 'row', row, `an integer row in [0, ${this.rowCount})`);
    }
    return this.#index === null ? row : this.#index[row]!;
  }

  /** One numeric cell (NaN when missing). Throws for string columns. */
  number(name: string, row: number): number {
    const column = this.#column(name);
    if (column.kind !== 'number') throw new InvalidArgumentError('Frame.number', 'name', name, 'a numeric column');
    return column.values[this.physicalRow(row)]!;
  }

  /** One string cell (`null` when missing); numbers are formatted. */
  string(name: string, row: number): string | null {
    const value = this.value(name, row);
    return value === null ? null : String(value);
  }

  /** One cell as a number, string or `null`. */
  value(name: string, row: number): CellValue {
    const column = this.#column(name);
    const physical = this.physicalRow(row);
    if (column.kind === 'number') return column.values[physical]!;
    const code = column.codes[physical]!;
    return code < 0 ? null : column.dictionary[code]!;
  }

  /**
   * A numeric column's values in row order as a new `Float64Array` (a copy, safe to modify).
   * String columns are rejected.
   */
  numbers(name: string): Float64Array {
    const column = this.#column(name);
    if (column.kind !== 'number') throw new InvalidArgumentError('Frame.numbers', 'name', name, 'a numeric column');
    const out = new Float64Array(this.rowCount);
    const values = column.values;
    const index = this.#index;
    if (index === null) out.set(values);
    else for (let i = 0; i < out.length; i++) out[i] = values[index[i]!]!;
    return out;
  }

  /** A column's values in row order as strings (`null` when missing). */
  strings(name: string): (string | null)[] {
    const out = new Array<string | null>(this.rowCount);
    for (let i = 0; i < this.rowCount; i++) out[i] = this.string(name, i);
    return out;
  }

  /** A string column's codes in row order (a copy) with its dictionary. */
  codes(name: string): { codes: Int32Array; dictionary: readonly string[] } {
    const column = this.#column(name);
    if (column.kind !== 'string') throw new InvalidArgumentError('Frame.codes', 'name', name, 'a string column');
    const out = new Int32Array(this.rowCount);
    const index = this.#index;
    if (index === null) out.set(column.codes);
    else for (let i = 0; i < out.length; i++) out[i] = column.codes[index[i]!]!;
    return { codes: out, dictionary: column.dictionary };
  }

  /**
   * The listed numeric columns as one row-major `Float64Array` (`rows × columns`), the layout the
   * model reads. Defaults to every column.
   */
  toMatrix(names: readonly string[] = this.columnNames): { data: Float64Array; rows: number; columns: number } {
    const rows = this.rowCount;
    const width = names.length;
    const data = new Float64Array(rows * width);
    for (let j = 0; j < width; j++) {
      const column = this.#column(names[j]!);
      if (column.kind !== 'number')
        throw new InvalidArgumentError('Frame.toMatrix', 'names', names[j], 'numeric columns only');
      const values = column.values;
      const index = this.#index;
      for (let i = 0; i < rows; i++) data[i * width + j] = values[index === null ? i : index[i]!]!;
    }
    return { data, rows, columns: width };
  }

  /** A frame with only the named columns, in the order given. */
  select(names: readonly string[]): Frame {
    const map = new Map<string, Column>();
    for (const name of names) {
      if (map.has(name)) throw new InvalidArgumentError('Frame.select', 'names', name, 'each column named once');
      map.set(name, this.#column(name));
    }
    return new Frame([...names], map, this.#index, this.rowCount);
  }

  /** A frame without the named columns. Unknown names are an error, so typos do not pass silently. */
  drop(names: readonly string[]): Frame {
    for (const name of names) this.#column(name);
    const dropped = new Set(names);
    return this.select(this.columnNames.filter((n) => !dropped.has(n)));
  }

  /** A frame with the rows at the given logical positions, in that order (a view). */
  take(rows: ArrayLike<number>): Frame {
    const index = new Uint32Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      if (!Number.isInteger(row) || row < 0 || row >= this.rowCount) {
        throw new InvalidArgumentError('Frame.take', `rows[${i}]`, row, `an integer row in [0, ${this.rowCount})`);
      }
      index[i] = this.physicalRow(row);
    }
    return new Frame(this.columnNames, this.#columns, index, index.length);
  }

  /** A frame with the rows for which `predicate(row, frame)` is true (a view). */
  filter(predicate: (row: number, frame: Frame) => boolean): Frame {
    const kept: number[] = [];
    for (let row = 0; row < this.rowCount; row++) if (predicate(row, this)) kept.push(row);
    return this.take(kept);
  }

  /** Rows `start` (inclusive) to `end` (exclusive), as `Array.prototype.slice` (a view). */
  slice(start = 0, end = this.rowCount): Frame {
    const from = clampIndex(start, this.rowCount);
    const to = Math.max(from, clampIndex(end, this.rowCount));
    const rows = new Uint32Array(to - from);
    for (let i = 0; i < rows.length; i++) rows[i] = from + i;
    return this.take(rows);
  }

  /** The first `n` rows (a view). */
  head(n = 5): Frame {
    return this.slice(0, n);
  }

  /** A frame with one column added or replaced (the new column is given in this frame's row order). */
  withColumn(name: string, input: ColumnInput): Frame {
    const column = toColumn(name, input);
    if (columnLength(column) !== this.rowCount) {
      throw new InvalidArgumentError('Frame.withColumn', name, `${columnLength(column)} rows`, `${this.rowCount} rows`);
    }
    const base = this.materialize();
    const map = new Map(base.#columns);
    map.set(name, column);
    const names = base.columnNames.includes(name) ? base.columnNames : [...base.columnNames, name];
    return new Frame(names, map, null, this.rowCount);
  }

  /** A frame with columns renamed by `mapping` (old name to new name). */
  rename(mapping: Record<string, string>): Frame {
    const map = new Map<string, Column>();
    const names = this.columnNames.map((name) => mapping[name] ?? name);
    this.columnNames.forEach((name, i) => map.set(names[i]!, this.#column(name)));
    if (map.size !== names.length)
      throw new InvalidArgumentError('Frame.rename', 'mapping', mapping, 'a mapping that keeps names unique');
    return new Frame(names, map, this.#index, this.rowCount);
  }

  /** A frame whose columns are compact copies in row order (no view). Returns `this` when already compact. */
  materialize(): Frame {
    if (this.#index === null) return this;
    const map = new Map<string, Column>();
    for (const name of this.columnNames) {
      const column = this.#column(name);
      if (column.kind === 'number') {
        const source = column.values;
        const Ctor = source.constructor as new (n: number) => typeof source;
        const values = new Ctor(this.rowCount);
        for (let i = 0; i < this.rowCount; i++) values[i] = source[this.#index[i]!]!;
        map.set(name, numberColumn(values));
      } else {
        map.set(name, { kind: 'string', codes: this.codes(name).codes, dictionary: column.dictionary });
      }
    }
    return new Frame(this.columnNames, map, null, this.rowCount);
  }

  /** Rows as plain objects. */
  toRows(): Row[] {
    const rows: Row[] = new Array(this.rowCount);
    for (let r = 0; r < this.rowCount; r++) {
      const row: Row = {};
      for (const name of this.columnNames) row[name] = this.value(name, r);
      rows[r] = row;
    }
    return rows;
  }

  /**
   * A readable, aligned text table of the first `maxRows` rows (default 10) and the shape.
   *
   * @example
   * ```
   *  SessionNo  BadActor  111
   *  s1                0    3
   *  s2                1    0
   * [2 rows × 3 columns]
   * ```
   */
  toString(options: { maxRows?: number; maxColumns?: number; maxWidth?: number } = {}): string {
    return formatTable(this, options);
  }

  #column(name: string): Column {
    const column = this.#columns.get(name);
    if (column === undefined) throw new ColumnNotFoundError(name, this.columnNames);
    return column;
  }
}

function clampIndex(i: number, length: number): number {
  if (i < 0) return Math.max(0, length + i);
  return Math.min(i, length);
}

/**
 * Stacks frames with the same columns (by name, same kinds) into one compact frame; string
 * dictionaries are merged.
 */
export function concatFrames(frames: readonly Frame[]): Frame {
  if (frames.length === 0) return Frame.fromColumns({});
  const names = frames[0]!.columnNames;
  for (const frame of frames) {
    if (frame.columnNames.length !== names.length || frame.columnNames.some((n, i) => n !== names[i])) {
      throw new InvalidArgumentError(
        'concatFrames',
        'frames',
        frame.columnNames.join(','),
        `the columns ${names.join(',')}`,
      );
    }
  }
  for (const frame of frames) {
    for (const name of names) {
      if (frame.kind(name) !== frames[0]!.kind(name)) {
        throw new InvalidArgumentError(
          'concatFrames',
          `frames: column ${name}`,
          frame.kind(name),
          `a ${frames[0]!.kind(name)} column like in the first frame`,
        );
      }
    }
  }
  const total = frames.reduce((n, f) => n + f.rowCount, 0);
  const columns: Record<string, ColumnInput> = {};
  for (const name of names) {
    if (frames[0]!.kind(name) === 'number') {
      const values = new Float64Array(total);
      let at = 0;
      for (const frame of frames) {
        values.set(frame.numbers(name), at);
        at += frame.rowCount;
      }
      columns[name] = values;
    } else {
      columns[name] = encodeStrings(frames.flatMap((f) => f.strings(name)));
    }
  }
  return Frame.fromColumns(columns);
}
