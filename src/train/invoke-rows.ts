import { InvalidArgumentError } from '../errors.js';
import { Frame } from '../frame/frame.js';
import { MAX_PAYLOAD_BYTES } from '../serve/endpoint-server.js';

/** A row-major numeric matrix. */
export interface NumericMatrix {
  readonly data: ArrayLike<number>;
  readonly rows: number;
  readonly columns: number;
}

/**
 * Feature rows to score (no label column): a {@link Frame} of numeric columns, a row-major matrix,
 * an array of rows, or CSV text (one row per line, as SageMaker's `text/csv` takes it).
 */
export type InvokeRows = Frame | NumericMatrix | readonly (readonly number[])[] | string;

/** Options of {@link toCsvPayloads}. */
export interface CsvPayloadOptions {
  /** Largest payload in bytes; rows are split across payloads at line boundaries. Default 6 MiB. */
  readonly maxBytes?: number;
  /** Names the input in error messages. Default `'rows'`. */
  readonly where?: string;
}

/**
 * Turns feature rows into `text/csv` payloads no larger than SageMaker's 6 MiB invocation limit,
 * split at row boundaries. Missing values (NaN) become empty fields, which the container reads as
 * missing; numbers are written exactly (shortest round-trip text).
 *
 * @throws InvalidArgumentError when a Frame has a string column, a value is infinite, or one row
 *   alone exceeds `maxBytes`.
 * @example
 * ```ts
 * toCsvPayloads([[1, NaN, 3], [4, 5, 6]]); // ["1,,3\n4,5,6\n"]
 * toCsvPayloads(frame.drop(['label']));    // one or more payloads
 * ```
 */
export function toCsvPayloads(rows: InvokeRows, options: CsvPayloadOptions = {}): string[] {
  const { maxBytes = MAX_PAYLOAD_BYTES, where = 'rows' } = options;
  if (!Number.isInteger(maxBytes) || maxBytes < 2)
    throw new InvalidArgumentError('toCsvPayloads', 'maxBytes', maxBytes, 'an integer ≥ 2');
  if (typeof rows !== 'string') return matrixPayloads(toMatrix(rows, where), maxBytes, where);
  const lines = csvLines(rows);
  const payloads: string[] = [];
  let current: string[] = [];
  let size = 0;
  lines.forEach((line, i) => {
    const bytes = Buffer.byteLength(line, 'utf8') + 1;
    if (bytes > maxBytes)
      throw new InvalidArgumentError(
        'toCsvPayloads',
        `${where} row ${i + 1}`,
        `${bytes} bytes`,
        `at most ${maxBytes} bytes per payload`,
      );
    if (size + bytes > maxBytes) {
      payloads.push(`${current.join('\n')}\n`);
      current = [];
      size = 0;
    }
    current.push(line);
    size += bytes;
  });
  if (current.length > 0) payloads.push(`${current.join('\n')}\n`);
  return payloads;
}

/**
 * Counts the rows of {@link InvokeRows}.
 *
 * @example
 * ```ts
 * countRows('1,2\n3,4\n'); // 2
 * ```
 */
export function countRows(rows: InvokeRows): number {
  if (typeof rows === 'string') return csvLines(rows).length;
  if (rows instanceof Frame) return rows.rowCount;
  if (Array.isArray(rows)) return rows.length;
  return (rows as NumericMatrix).rows;
}

function csvLines(text: string): string[] {
  const trimmed = text.replace(/\r?\n$/, '');
  return trimmed.length === 0 ? [] : trimmed.split('\n');
}

function toMatrix(rows: Exclude<InvokeRows, string>, where: string): NumericMatrix {
  if (rows instanceof Frame) return rows.toMatrix();
  if (Array.isArray(rows)) {
    const list = rows as readonly (readonly number[])[];
    const columns = list.length > 0 ? (list[0] as readonly number[]).length : 0;
    const data = new Float64Array(list.length * columns);
    list.forEach((row, r) => {
      if (!Array.isArray(row) || row.length !== columns) {
        throw new InvalidArgumentError(
          'toCsvPayloads',
          `${where}[${r}]`,
          row,
          `an array of ${columns} numbers like ${where}[0]`,
        );
      }
      for (let c = 0; c < columns; c++) data[r * columns + c] = row[c] as number;
    });
    return { data, rows: list.length, columns };
  }
  const matrix = rows as NumericMatrix;
  if (
    !matrix ||
    typeof matrix.rows !== 'number' ||
    typeof matrix.columns !== 'number' ||
    !matrix.data ||
    matrix.data.length !== matrix.rows * matrix.columns
  ) {
    throw new InvalidArgumentError(
      'toCsvPayloads',
      where,
      rows,
      'a Frame, a { data, rows, columns } matrix, an array of rows, or CSV text',
    );
  }
  return matrix;
}

/**
 * The payloads of {@link toCsvPayloads} for a matrix, built as ASCII bytes: each value as `String(value)` (NaN as the
 * empty field), comma-separated, a line per row, rows packed into payloads of at most `maxBytes`.
 */
function matrixPayloads(matrix: NumericMatrix, maxBytes: number, where: string): string[] {
  const { data, rows, columns } = matrix;
  // Every value is checked before any payload is built, so a bad value is reported before an oversize row.
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const value = data[r * columns + c] as number;
      if (!Number.isNaN(value) && !Number.isFinite(value))
        throw new InvalidArgumentError(
          'toCsvPayloads',
          `${where} row ${r + 1} column ${c + 1}`,
          value,
          'a finite number or NaN for missing',
        );
    }
  }
  const payloads: string[] = [];
  let out = new Uint8Array(1 << 16);
  // The current payload is out[0, at); the row being written starts at `row`.
  let at = 0;
  for (let r = 0; r < rows; r++) {
    const row = at;
    for (let c = 0; c < columns; c++) {
      // A field is at most 24 characters (`-1.2345678901234567e-300`), plus its comma or line end.
      if (at + 25 > out.length) {
        const bigger = new Uint8Array(out.length * 2);
        bigger.set(out.subarray(0, at));
        out = bigger;
      }
      if (c > 0) out[at++] = 44; // ,
      const value = data[r * columns + c] as number;
      if (value >= 0 && value < 10_000 && Math.floor(value) === value) {
        // String(value) of a small count (and of -0: '0'), digit by digit.
        if (value >= 1000) out[at++] = 48 + Math.floor(value / 1000);
        if (value >= 100) out[at++] = 48 + (Math.floor(value / 100) % 10);
        if (value >= 10) out[at++] = 48 + (Math.floor(value / 10) % 10);
        out[at++] = 48 + (value % 10);
      } else if (!Number.isNaN(value)) {
        const text = String(value);
        for (let k = 0; k < text.length; k++) out[at++] = text.charCodeAt(k);
      }
    }
    if (at + 1 > out.length) {
      const bigger = new Uint8Array(out.length * 2);
      bigger.set(out.subarray(0, at));
      out = bigger;
    }
    out[at++] = 10; // \n
    const bytes = at - row;
    if (bytes > maxBytes)
      throw new InvalidArgumentError(
        'toCsvPayloads',
        `${where} row ${r + 1}`,
        `${bytes} bytes`,
        `at most ${maxBytes} bytes per payload`,
      );
    if (at > maxBytes) {
      // This row starts the next payload.
      payloads.push(latin1(out, 0, row));
      out.copyWithin(0, row, at);
      at = bytes;
    }
  }
  if (at > 0) payloads.push(latin1(out, 0, at));
  return payloads;
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
}
