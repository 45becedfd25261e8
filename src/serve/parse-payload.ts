import { InvocationError } from './invocation-error.js';
import { type PayloadLimits, checkPayloadShape, resolvePayloadLimits } from './payload-limits.js';
import type { FeatureMatrix } from './scoring-model.js';

/** Parsed request rows as float32 values, the precision XGBoost's DMatrix stores them in. */
export interface PayloadMatrix extends FeatureMatrix {
  readonly data: Float32Array;
}

const SPECIAL: Readonly<Record<string, number>> = {
  nan: Number.NaN,
  '+nan': Number.NaN,
  '-nan': Number.NaN,
  inf: Infinity,
  '+inf': Infinity,
  '-inf': -Infinity,
  infinity: Infinity,
  '+infinity': Infinity,
  '-infinity': -Infinity,
};

/**
 * Reads a `text/csv` invocation body the way the SageMaker XGBoost container does
 * (`encoder.csv_to_dmatrix`): the text is trimmed, split into rows on `\n`, fields on `,` (or tab
 * when the first row has no comma), surrounding whitespace ignored, empty fields read as NaN
 * (missing), no header and no label column. Every row must have the same number of fields.
 * The shape is checked against `limits` before anything is allocated (see {@link PayloadLimits}).
 *
 * @throws InvocationError with status 415 naming the row, the field and the value when a field is
 *   not a number or the rows are ragged; 400 for more columns than `limits.maxColumns`; 413 for
 *   more rows or values than the limits allow.
 * @example
 * ```ts
 * const m = parseCsvPayload('1,,3\n4,5,6\n');
 * // m.rows === 2, m.columns === 3, m.data[1] is NaN
 * ```
 */
export function parseCsvPayload(text: string, limits?: PayloadLimits): PayloadMatrix {
  const limit = resolvePayloadLimits(limits, 'parseCsvPayload');
  const body = text.trim();
  const length = body.length;
  if (length === 0) return { data: new Float32Array(0), rows: 0, columns: 0 };
  let firstEnd = body.indexOf('\n');
  if (firstEnd < 0) firstEnd = length;
  const first = body.slice(0, firstEnd);
  const delimiter = first.includes(',') || !first.includes('\t') ? COMMA : TAB;
  let columns = 1;
  for (let i = 0; i < firstEnd; i++) if (body.charCodeAt(i) === delimiter) columns++;
  let rows = 1;
  // Counting stops past the limit: the answer is 413 however many more rows follow.
  for (let i = body.indexOf('\n'); i >= 0 && rows <= limit.maxRows; i = body.indexOf('\n', i + 1)) rows++;
  checkPayloadShape('text/csv', rows, columns, limit);
  const data = new Float32Array(rows * columns);
  // One pass over the text: fields are cut by index, never split into arrays.
  let row = 0;
  let column = 0;
  let start = 0;
  for (let i = 0; i <= length; i++) {
    const code = i < length ? body.charCodeAt(i) : NEWLINE;
    if (code !== delimiter && code !== NEWLINE) continue;
    if (column >= columns) throw raggedRow(body, row, columns);
    data[row * columns + column] = readField(body, start, i, row + 1, column + 1);
    column++;
    start = i + 1;
    if (code === NEWLINE) {
      if (column !== columns) throw raggedRow(body, row, columns);
      row++;
      column = 0;
    }
  }
  return { data, rows, columns };
}

const COMMA = 44;
const TAB = 9;
const NEWLINE = 10;

function raggedRow(body: string, row: number, columns: number): InvocationError {
  const line = body.split('\n')[row] ?? '';
  const fields = line.split(columns > 0 && line.includes(',') ? ',' : '\t').length;
  return new InvocationError(
    415,
    `text/csv payload line ${row + 1}: ${fields} fields, expected ${columns} like line 1 (rows must have the same ` +
      `number of fields)`,
  );
}

function readField(body: string, from: number, to: number, line: number, column: number): number {
  let start = from;
  let end = to;
  while (start < end && isSpace(body.charCodeAt(start))) start++;
  while (end > start && isSpace(body.charCodeAt(end - 1))) end--;
  if (start === end) return Number.NaN;
  const field = body.slice(start, end);
  // Number() is the fast path; it also takes 0x/0b/0o literals, which Python's float() refuses.
  const value = Number(field);
  if (value === value && !(field.length > 1 && field.charCodeAt(0) === 48 && isRadixLetter(field.charCodeAt(1))))
    return value;
  const special = SPECIAL[field.toLowerCase()];
  if (special !== undefined) return special;
  throw new InvocationError(
    415,
    `text/csv payload line ${line}, column ${column}: ${JSON.stringify(field.slice(0, 40))} is not a number ` +
      `(expected a number or an empty field for a missing value)`,
  );
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 13 || code === 11 || code === 12;
}

function isRadixLetter(code: number): boolean {
  return code === 120 || code === 88 || code === 98 || code === 66 || code === 111 || code === 79;
}

/**
 * Reads an `application/json` invocation body: `{"instances": [[…], …]}` (rows as arrays, or as
 * `{"features": […]}` objects, SageMaker's JSON format for built-in algorithms) or
 * `{"features": […]}` for a single row. `null` is a missing value.
 *
 * @throws InvocationError with status 415 when the body is not JSON of that shape; 400 or 413
 *   beyond `limits` (see {@link PayloadLimits}).
 * @example
 * ```ts
 * parseJsonPayload('{"instances": [[1, null, 3], [4, 5, 6]]}'); // rows 2, columns 3
 * parseJsonPayload('{"features": [1, 2, 3]}');                // rows 1, columns 3
 * ```
 */
export function parseJsonPayload(text: string, limits?: PayloadLimits): PayloadMatrix {
  const limit = resolvePayloadLimits(limits, 'parseJsonPayload');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new InvocationError(415, `application/json payload is not valid JSON: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const expected = 'expected {"instances": [[...], ...]} or {"features": [...]}';
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InvocationError(415, `application/json payload must be an object (${expected})`);
  }
  const body = parsed as Record<string, unknown>;
  let rows: unknown[];
  if (Array.isArray(body.instances)) rows = body.instances;
  else if (Array.isArray(body.features)) rows = [body.features];
  else throw new InvocationError(415, `application/json payload has neither "instances" nor "features" (${expected})`);
  if (rows.length === 0) return { data: new Float32Array(0), rows: 0, columns: 0 };
  const vectors = rows.map((row, i) => {
    const vector = Array.isArray(row)
      ? row
      : row !== null && typeof row === 'object'
        ? (row as { features?: unknown }).features
        : undefined;
    if (!Array.isArray(vector))
      throw new InvocationError(
        415,
        `application/json payload instances[${i}] is not an array of numbers (${expected})`,
      );
    return vector as unknown[];
  });
  const columns = (vectors[0] as unknown[]).length;
  checkPayloadShape('application/json', vectors.length, columns, limit);
  const data = new Float32Array(vectors.length * columns);
  vectors.forEach((vector, i) => {
    if (vector.length !== columns) {
      throw new InvocationError(
        415,
        `application/json payload instances[${i}] has ${vector.length} values, expected ${columns} like instances[0]`,
      );
    }
    for (let c = 0; c < columns; c++) {
      const value = vector[c];
      if (value === null) data[i * columns + c] = Number.NaN;
      else if (typeof value === 'number') data[i * columns + c] = value;
      else {
        throw new InvocationError(
          415,
          `application/json payload instances[${i}][${c}] is ${JSON.stringify(value)}, expected a number or null`,
        );
      }
    }
  });
  return { data, rows: vectors.length, columns };
}

/**
 * Reads a `text/libsvm` (or `text/x-libsvm`) invocation body as the container does: one row per
 * line of `index:value` pairs separated by spaces (0-based indices, as XGBoost reads them); a
 * leading token without `:` (a label) is ignored; absent features are missing (NaN), XGBoost's
 * meaning of a sparse entry. Columns = largest index + 1.
 *
 * @throws InvocationError with status 415 naming the line and the token that is not `index:value`;
 *   400 for an index at or beyond `limits.maxColumns`, 413 beyond the other limits.
 * @example
 * ```ts
 * parseLibsvmPayload('0 0:1 3:2.5\n1 1:4\n'); // rows 2, columns 4; data[1] is NaN
 * ```
 */
export function parseLibsvmPayload(text: string, limits?: PayloadLimits): PayloadMatrix {
  const limit = resolvePayloadLimits(limits, 'parseLibsvmPayload');
  const body = text.trim();
  if (body.length === 0) return { data: new Float32Array(0), rows: 0, columns: 0 };
  let lineCount = 1;
  for (let i = body.indexOf('\n'); i >= 0 && lineCount <= limit.maxRows; i = body.indexOf('\n', i + 1)) lineCount++;
  checkPayloadShape('text/libsvm', lineCount, 0, limit);
  const lines = body.split('\n');
  const entries: { row: number; index: number; value: number }[] = [];
  let columns = 0;
  lines.forEach((line, row) => {
    for (const token of line.trim().split(/\s+/)) {
      const colon = token.indexOf(':');
      if (colon < 0) continue;
      const indexText = token.slice(0, colon);
      const valueText = token.slice(colon + 1);
      const index = /^\d+$/.test(indexText) ? Number(indexText) : Number.NaN;
      const value = valueText.trim() === '' ? Number.NaN : Number(valueText);
      if (!Number.isSafeInteger(index) || Number.isNaN(value)) {
        throw new InvocationError(
          415,
          `text/libsvm payload line ${row + 1}: ${JSON.stringify(token.slice(0, 40))} is not index:value ` +
            `(expected a 0-based integer index and a number)`,
        );
      }
      if (index >= limit.maxColumns) {
        throw new InvocationError(
          400,
          `text/libsvm payload line ${row + 1}: feature index ${index} is beyond the model's ${limit.maxColumns} ` +
            `features (indices 0 to ${limit.maxColumns - 1})`,
        );
      }
      entries.push({ row, index, value });
      if (index + 1 > columns) columns = index + 1;
    }
  });
  checkPayloadShape('text/libsvm', lines.length, columns, limit);
  const data = new Float32Array(lines.length * columns).fill(Number.NaN);
  for (const { row, index, value } of entries) data[row * columns + index] = value;
  return { data, rows: lines.length, columns };
}
