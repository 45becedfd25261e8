import { InvocationError } from './invocation-error.js';
import type { FeatureMatrix } from './scoring-model.js';

/** Parsed request rows as float32 values, the precision XGBoost's DMatrix stores them in. */
export interface PayloadMatrix extends FeatureMatrix {
  readonly data: Float32Array;
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
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
 *
 * @throws InvocationError with status 415 naming the row, the field and the value when a field is
 *   not a number or the rows are ragged.
 * @example
 * ```ts
 * const m = parseCsvPayload('1,,3\n4,5,6\n');
 * // m.rows === 2, m.columns === 3, m.data[1] is NaN
 * ```
 */
export function parseCsvPayload(text: string): PayloadMatrix {
  const body = text.trim();
  if (body.length === 0) return { data: new Float32Array(0), rows: 0, columns: 0 };
  const lines = body.split('\n');
  const first = lines[0] as string;
  const delimiter = first.includes(',') || !first.includes('\t') ? ',' : '\t';
  const columns = first.split(delimiter).length;
  const data = new Float32Array(lines.length * columns);
  for (let r = 0; r < lines.length; r++) {
    const fields = (lines[r] as string).split(delimiter);
    if (fields.length !== columns) {
      throw new InvocationError(
        415,
        `text/csv payload line ${r + 1}: ${fields.length} fields, expected ${columns} like line 1 (rows must have the same number of fields)`,
      );
    }
    const base = r * columns;
    for (let c = 0; c < columns; c++) data[base + c] = readField(fields[c] as string, r + 1, c + 1);
  }
  return { data, rows: lines.length, columns };
}

function readField(raw: string, line: number, column: number): number {
  const field = raw.trim();
  if (field.length === 0) return Number.NaN;
  if (NUMBER.test(field)) return Number(field);
  const special = SPECIAL[field.toLowerCase()];
  if (special !== undefined) return special;
  throw new InvocationError(
    415,
    `text/csv payload line ${line}, column ${column}: ${JSON.stringify(field.slice(0, 40))} is not a number (expected a number or an empty field for a missing value)`,
  );
}

/**
 * Reads an `application/json` invocation body: `{"instances": [[…], …]}` (rows as arrays, or as
 * `{"features": […]}` objects, SageMaker's JSON format for built-in algorithms) or
 * `{"features": […]}` for a single row. `null` is a missing value.
 *
 * @throws InvocationError with status 415 when the body is not JSON of that shape.
 * @example
 * ```ts
 * parseJsonPayload('{"instances": [[1, null, 3], [4, 5, 6]]}'); // rows 2, columns 3
 * parseJsonPayload('{"features": [1, 2, 3]}');                // rows 1, columns 3
 * ```
 */
export function parseJsonPayload(text: string): PayloadMatrix {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new InvocationError(415, `application/json payload is not valid JSON: ${(err as Error).message}`, { cause: err });
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
    const vector = Array.isArray(row) ? row : row !== null && typeof row === 'object' ? (row as { features?: unknown }).features : undefined;
    if (!Array.isArray(vector)) throw new InvocationError(415, `application/json payload instances[${i}] is not an array of numbers (${expected})`);
    return vector as unknown[];
  });
  const columns = (vectors[0] as unknown[]).length;
  const data = new Float32Array(vectors.length * columns);
  vectors.forEach((vector, i) => {
    if (vector.length !== columns) {
      throw new InvocationError(415, `application/json payload instances[${i}] has ${vector.length} values, expected ${columns} like instances[0]`);
    }
    for (let c = 0; c < columns; c++) {
      const value = vector[c];
      if (value === null) data[i * columns + c] = Number.NaN;
      else if (typeof value === 'number') data[i * columns + c] = value;
      else {
        throw new InvocationError(415, `application/json payload instances[${i}][${c}] is ${JSON.stringify(value)}, expected a number or null`);
      }
    }
  });
  return { data, rows: vectors.length, columns };
}
