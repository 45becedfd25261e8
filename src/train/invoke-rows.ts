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
  const lines = typeof rows === 'string' ? csvLines(rows) : matrixLines(toMatrix(rows, where), where);
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

function matrixLines(matrix: NumericMatrix, where: string): string[] {
  const { data, rows, columns } = matrix;
  const lines = new Array<string>(rows);
  const fields = new Array<string>(columns);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const value = data[r * columns + c] as number;
      if (Number.isNaN(value)) fields[c] = '';
      else if (Number.isFinite(value)) fields[c] = String(value);
      else
        throw new InvalidArgumentError(
          'toCsvPayloads',
          `${where} row ${r + 1} column ${c + 1}`,
          value,
          'a finite number or NaN for missing',
        );
    }
    lines[r] = fields.join(',');
  }
  return lines;
}
