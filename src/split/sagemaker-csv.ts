import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { InvalidArgumentError } from '../errors.js';
import type { Frame } from '../frame/frame.js';

/**
 * How numbers are written. `'float64'` (default): the shortest text that reads back as the same
 * float64 (JavaScript's `String(x)`, which Python's `float`, pandas and JS all parse back exactly).
 * `'float32'`: the shortest text that reads back as the same float32 value `Math.fround(x)`, which
 * is all XGBoost keeps: it reads CSV features into float32 (SageMaker's built-in XGBoost loads
 * channels with `DMatrix('…?format=csv&label_column=0')`). Shorter files, the same model input.
 */
export type CsvPrecision = 'float64' | 'float32';

/**
 * Formats one number for a SageMaker CSV: `NaN` (missing) is the empty field, which XGBoost reads
 * as missing; `-0` keeps its sign; other values get the shortest round-trip text for the chosen
 * precision (see {@link CsvPrecision}). Infinities are rejected: they have no CSV form XGBoost reads.
 *
 * @example
 * ```ts
 * formatCsvNumber(0.1);              // '0.1'
 * formatCsvNumber(1 / 3);            // '0.3333333333333333'
 * formatCsvNumber(1 / 3, 'float32'); // '0.33333334'
 * formatCsvNumber(Number.NaN);       // ''
 * ```
 */
export function formatCsvNumber(value: number, precision: CsvPrecision = 'float64'): string {
  if (Number.isNaN(value)) return '';
  if (!Number.isFinite(value)) throw new InvalidArgumentError('formatCsvNumber', 'value', value, 'a finite number or NaN (missing)');
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  if (precision === 'float64') return String(value);
  const single = Math.fround(value);
  if (!Number.isFinite(single)) {
    throw new InvalidArgumentError('formatCsvNumber', 'value', value, 'a number within float32 range (|x| < 3.4028235e38)');
  }
  if (single === 0) return Object.is(single, -0) ? '-0' : '0';
  if (Number.isInteger(single) && Math.abs(single) <= 16777216) return String(single);
  for (let digits = 1; digits < 9; digits++) {
    const text = single.toPrecision(digits);
    if (Math.fround(Number(text)) === single) return String(Number(text));
  }
  return String(Number(single.toPrecision(9)));
}

/** What to write: the label column first, then the features, in order. */
export interface SageMakerCsvOptions {
  /** The label column, written first. */
  readonly label: string;
  /** The feature columns, in order. */
  readonly features: readonly string[];
  /** Number format (default `'float64'`). */
  readonly precision?: CsvPrecision;
  /** Rows per yielded chunk (default 4096). */
  readonly chunkRows?: number;
}

/**
 * Yields a frame as SageMaker built-in XGBoost CSV text in chunks of `chunkRows` rows: label
 * first, then the features, comma-separated, no header, `\n` line ends, numbers as
 * {@link formatCsvNumber}. A missing label or an infinite value is an error naming the column and
 * the row; a missing feature is an empty field.
 *
 * @example
 * ```ts
 * const text = [...sageMakerCsvChunks(frame, { label: 'BadActor', features: ['111', '201'] })].join('');
 * // '0,3,0\n1,0,7\n'
 * ```
 */
export function* sageMakerCsvChunks(frame: Frame, options: SageMakerCsvOptions): Generator<string> {
  const { label, features, precision = 'float64', chunkRows = 4096 } = options;
  const names = [label, ...features];
  const columns = names.map((name) => {
    if (frame.kind(name) !== 'number') {
      throw new InvalidArgumentError('sageMakerCsv', `column ${JSON.stringify(name)}`, 'a string column', 'a numeric column');
    }
    return frame.columnData(name);
  });
  const rows = frame.rowCount;
  const width = names.length;
  for (let start = 0; start < rows; start += chunkRows) {
    const end = Math.min(rows, start + chunkRows);
    const lines = new Array<string>(end - start);
    const fields = new Array<string>(width);
    for (let r = start; r < end; r++) {
      for (let j = 0; j < width; j++) {
        const { column, index } = columns[j]!;
        const value = (column as { values: ArrayLike<number> }).values[index === null ? r : index[r]!]!;
        if (j === 0 && Number.isNaN(value)) {
          throw new InvalidArgumentError('sageMakerCsv', `label ${label} at row ${r}`, value, 'a number (a row without a label cannot train)');
        }
        if (value === Infinity || value === -Infinity) {
          throw new InvalidArgumentError('sageMakerCsv', `column ${names[j]} at row ${r}`, value, 'a finite number or NaN (missing)');
        }
        fields[j] = formatCsvNumber(value, precision);
      }
      lines[r - start] = fields.join(',');
    }
    yield lines.join('\n') + '\n';
  }
}

/** What {@link writeSageMakerCsv} wrote. */
export interface SageMakerCsvSummary {
  readonly file: string;
  readonly rows: number;
  readonly bytes: number;
}

/**
 * Streams a frame to a file as SageMaker built-in XGBoost CSV (see {@link sageMakerCsvChunks}),
 * chunk by chunk with back-pressure, so a large frame never becomes one giant string. The file is
 * created or replaced; an empty frame gives an empty file.
 *
 * @example
 * ```ts
 * await writeSageMakerCsv(split.train, 'out/job1/train.csv', { label: 'BadActor', features: split.featureNames });
 * ```
 */
export async function writeSageMakerCsv(frame: Frame, file: string, options: SageMakerCsvOptions): Promise<SageMakerCsvSummary> {
  const chunks = sageMakerCsvChunks(frame, options);
  const stream = createWriteStream(file);
  let bytes = 0;
  try {
    await once(stream, 'open');
    for (const chunk of chunks) {
      bytes += Buffer.byteLength(chunk);
      if (!stream.write(chunk)) await once(stream, 'drain');
    }
    stream.end();
    await once(stream, 'finish');
  } catch (error) {
    stream.destroy();
    throw error;
  }
  return { file, rows: frame.rowCount, bytes };
}
