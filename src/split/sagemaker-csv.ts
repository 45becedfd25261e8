import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { once } from 'node:events';
import { InvalidArgumentError } from '../errors.js';
import type { Frame } from '../frame/frame.js';
import { asFrame, type FrameInput } from '../frame/frame-input.js';
import { xgboostPowerOfTen, xgboostStrtof } from './xgboost-strtof.js';

/**
 * How numbers are written.
 *
 * `'float32'` (the default of the SageMaker writers): XGBoost reads CSV features into float32
 * (SageMaker's built-in XGBoost loads channels with `DMatrix('…?format=csv&label_column=0')`),
 * with its own parser (`dmlc::strtof`), which is not correctly rounded. Each value is written as
 * the text with the fewest significant digits that both XGBoost 1.7.4's parser (emulated by
 * {@link xgboostStrtof}) and a correctly rounded float32 reader read back as exactly
 * `Math.fround(x)`: the float32 value an in-process model trained on the frame sees. Integers up
 * to 2^24 (counts) are written as integers. Below about 1e-22 in magnitude no text may satisfy
 * both readers; then XGBoost's reading wins (a correctly rounded reader may land one float32
 * away). Below about 1e-24 some values have no text XGBoost reads back exactly (its power of
 * ten drifts and its exponent stops at 38); for those the shortest correctly rounded text is
 * written and the writers count them (`inexactValues`). Session features never get that small.
 *
 * `'float64'`: the shortest text that reads back as the same float64 (JavaScript's `String(x)`),
 * exact for correctly rounded readers (Python's `float`, numpy, pandas, JavaScript); XGBoost
 * rounds it to float32 with its own parser.
 */
export type CsvPrecision = 'float64' | 'float32';

/**
 * Formats one number for a SageMaker CSV: `NaN` (missing) is the empty field, which XGBoost reads
 * as missing; `-0` keeps its sign; other values get the shortest text for the chosen precision
 * (see `CsvPrecision`; default `'float64'` here, `'float32'` in the writers). Infinities are
 * rejected: they have no CSV form XGBoost reads.
 *
 * @example
 * ```ts
 * formatCsvNumber(0.1);                  // '0.1'
 * formatCsvNumber(1 / 3);                // '0.3333333333333333'
 * formatCsvNumber(1 / 3, 'float32');     // '0.33333334'
 * formatCsvNumber(619.4566, 'float32');  // '619.4566'
 * formatCsvNumber(Number.NaN);           // ''
 * ```
 */
export function formatCsvNumber(value: number, precision: CsvPrecision = 'float64'): string {
  return formatField(value, precision).text;
}

/**
 * The text of one field, and whether XGBoost reads it back exactly (always true in float64 mode, where it is not
 * checked).
 */
function formatField(value: number, precision: CsvPrecision): { readonly text: string; readonly exact: boolean } {
  if (Number.isNaN(value)) return { text: '', exact: true };
  if (!Number.isFinite(value))
    throw new InvalidArgumentError('formatCsvNumber', 'value', value, 'a finite number or NaN (missing)');
  if (value === 0) return { text: Object.is(value, -0) ? '-0' : '0', exact: true };
  if (precision === 'float64') return { text: String(value), exact: true };
  const single = Math.fround(value);
  if (!Number.isFinite(single)) {
    throw new InvalidArgumentError(
      'formatCsvNumber',
      'value',
      value,
      'a number within float32 range (|x| < 3.4028235e38)',
    );
  }
  if (single === 0) return { text: Object.is(single, -0) ? '-0' : '0', exact: true };
  if (Number.isInteger(single) && Math.abs(single) <= 16777216) return { text: String(single), exact: true };
  // Session features repeat their values (gaps and durations in whole milliseconds, weights 1/n, the same session in
  // several truncations): the search below runs about once per distinct float32. The cache is direct-mapped by the
  // float32's bits (a value evicts the one in its slot), so memory stays bounded and a lookup is a few array reads.
  const cache = (FLOAT32_FIELDS ??= { bits: new Int32Array(FLOAT32_SLOTS), fields: new Array(FLOAT32_SLOTS) });
  SINGLE[0] = single;
  const bits = SINGLE_BITS[0]!;
  const slot = Math.imul(bits, 0x9e3779b1) >>> (32 - FLOAT32_SLOT_BITS);
  // Bits 0 (+0) never get here, so an empty slot (0) never matches.
  if (cache.bits[slot] === bits) return cache.fields[slot]!;
  const field = float32Field(single);
  cache.bits[slot] = bits;
  cache.fields[slot] = field;
  return field;
}

/** Texts already found by {@link float32Field}, by float32 bits (frozen: callers share them); made on first use. */
let FLOAT32_FIELDS:
  | { readonly bits: Int32Array; readonly fields: ({ readonly text: string; readonly exact: boolean } | undefined)[] }
  | undefined;
const FLOAT32_SLOT_BITS = 19;
const FLOAT32_SLOTS = 1 << FLOAT32_SLOT_BITS;
const SINGLE = new Float32Array(1);
const SINGLE_BITS = new Int32Array(SINGLE.buffer);

/** The float32 text of a non-zero, non-integer float32 `single` (see {@link formatField}). */
function float32Field(single: number): { readonly text: string; readonly exact: boolean } {
  const found = float32Text(single) ?? xgboostOnlyText(single);
  if (found !== undefined) return Object.freeze({ text: found, exact: true });
  for (let digits = 1; digits <= 9; digits++) {
    const text = String(Number(single.toPrecision(digits)));
    if (Math.fround(Number(text)) === single) return Object.freeze({ text, exact: false });
  }
  return Object.freeze({ text: String(single), exact: false });
}

/**
 * For tiny magnitudes (below about 1e-22), where no text satisfies both readers: an integer
 * mantissa of 6 to 9 digits and a negative power of ten that XGBoost's parser divides into exactly
 * `single` (a correctly rounded reader may then land one float32 away).
 */
function xgboostOnlyText(single: number): string | undefined {
  const magnitude = Math.abs(single);
  const sign = single < 0 ? '-' : '';
  const k0 = Math.ceil(-Math.log10(magnitude)) + 6;
  for (const k of [k0, k0 + 1, k0 + 2, k0 - 1]) {
    if (k <= 0 || k > 38) continue;
    const center = Math.round(magnitude * xgboostPowerOfTen(k));
    for (let d = 0; d <= 6; d++) {
      for (const m of d === 0 ? [center] : [center - d, center + d]) {
        if (m <= 0) continue;
        const text = `${sign}${m}e-${k}`;
        if (xgboostStrtof(text) === single) return text;
      }
    }
  }
  return undefined;
}

/**
 * Decimal forms of `mantissa × 10^exponent`: positional (when XGBoost's parser keeps every digit), `Me±k` and
 * `d.ddde±k`.
 */
function decimalForms(mantissa: number, exponent: number): string[] {
  let m = mantissa;
  let e = exponent;
  while (m % 10 === 0) {
    m /= 10;
    e++;
  }
  const digits = String(m);
  const forms: string[] = [];
  if (e >= 0) {
    if (digits.length + e <= 15) forms.push(digits + '0'.repeat(e));
  } else if (-e <= 19) {
    const point = digits.length + e;
    forms.push(point > 0 ? `${digits.slice(0, point)}.${digits.slice(point)}` : `0.${'0'.repeat(-point)}${digits}`);
  }
  if (e !== 0) forms.push(`${digits}e${e}`);
  if (digits.length > 1) forms.push(`${digits[0]}.${digits.slice(1)}e${e + digits.length - 1}`);
  return forms;
}

/**
 * The shortest text with the fewest significant digits that XGBoost's parser and a correctly
 * rounded reader both read as `single`, trying for each digit count the nearest decimal and its
 * neighbours (XGBoost's parser can land one float32 away) in every form; `undefined` if none.
 */
function float32Text(single: number): string | undefined {
  const negative = single < 0;
  const magnitude = Math.abs(single);
  // Fewer digits than the shortest correctly rounded text cannot read back in a correct reader;
  // find that count by bisection (9 digits always suffice for a float32).
  const digits = new PrecisionDigits(magnitude);
  let lo = 1;
  let hi = 9;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (Math.fround(digits.value(mid)) === magnitude) hi = mid;
    else lo = mid + 1;
  }
  // Usually the shortest correctly rounded text already reads back in XGBoost's parser too.
  const shortest = String(digits.value(lo));
  if (!shortest.includes('e') && xgboostStrtof(shortest) === magnitude) return negative ? `-${shortest}` : shortest;
  for (let p = lo; p <= 17; p++) {
    const [m, ex] = magnitude.toExponential(p - 1).split('e');
    const mantissa = Number(m!.replace('.', ''));
    const exponent = Number(ex) - (p - 1);
    let best: string | undefined;
    const spread = p >= 7 ? 3 : 1;
    // nearest decimal first, so among equally short texts the nearest wins
    for (let step = 0; step <= 2 * spread; step++) {
      const d = step % 2 === 0 ? step / 2 : -(step + 1) / 2;
      if (mantissa + d <= 0) continue;
      // Once the nearest decimal works, only a neighbour ending in 0 could be shorter.
      if (best !== undefined && (mantissa + d) % 10 !== 0) continue;
      for (const form of decimalForms(mantissa + d, exponent)) {
        const text = negative ? `-${form}` : form;
        if (
          (best === undefined || text.length < best.length) &&
          Math.fround(Number(text)) === single &&
          xgboostStrtof(text) === single
        )
          best = text;
      }
    }
    if (best !== undefined) return best;
  }
  return undefined;
}

/** Powers of ten a double holds exactly. */
const EXACT_POWERS_OF_TEN = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
  1e21, 1e22,
];

/**
 * `Number(x.toPrecision(p))` for p = 1…9 from one `toPrecision(9)`: the 9-digit decimal rounded to p digits (half up,
 * as `toPrecision`) is the exact value rounded to p digits unless the digits dropped are exactly 5 followed by zeros
 * (then `toPrecision(p)` itself decides), and a decimal of at most 9 digits scaled by a power of ten up to 10^22 is
 * one correctly rounded division or multiplication, which is what `Number` of its text gives.
 */
class PrecisionDigits {
  readonly #x: number;
  /** The first 9 significant digits as an integer, and the decimal exponent of the first; NaN when out of range. */
  readonly #digits: number;
  readonly #exponent: number;

  constructor(x: number) {
    this.#x = x;
    const text = x.toPrecision(9);
    const at = text.indexOf('e');
    const mantissa = at < 0 ? text : text.slice(0, at);
    const point = mantissa.indexOf('.');
    const whole = point < 0 ? mantissa : mantissa.slice(0, point);
    const all = point < 0 ? mantissa : whole + mantissa.slice(point + 1);
    // Leading zeros of positional text below 1 (`0.000123456789`) are not significant.
    let first = 0;
    while (first < all.length - 1 && all.charCodeAt(first) === 48) first++;
    this.#digits = Number(all.slice(first));
    this.#exponent = (at < 0 ? 0 : Number(text.slice(at + 1))) + (whole === '0' ? -first : whole.length - 1);
  }

  /** `Number(x.toPrecision(p))`, 1 ≤ p ≤ 9. */
  value(p: number): number {
    const drop = EXACT_POWERS_OF_TEN[9 - p]!;
    let n = Math.floor(this.#digits / drop);
    const rest = this.#digits - n * drop;
    if (rest * 2 === drop && drop > 1) return Number(this.#x.toPrecision(p));
    if (rest * 2 > drop) n++;
    let exponent = this.#exponent;
    if (n === EXACT_POWERS_OF_TEN[p]) {
      n = EXACT_POWERS_OF_TEN[p - 1]!;
      exponent++;
    }
    const k = exponent - (p - 1);
    if (k > 22 || k < -22) return Number(this.#x.toPrecision(p));
    return k >= 0 ? n * EXACT_POWERS_OF_TEN[k]! : n / EXACT_POWERS_OF_TEN[-k]!;
  }
}

/** What to write: the label column first, then the weight column if any, then the features, in order. */
export interface SageMakerCsvOptions {
  /** The label column, written first. */
  readonly label: string;
  /**
   * A column of instance weights, written second (label, weight, features): the layout SageMaker's
   * built-in XGBoost reads when the job's hyperparameters hold `csv_weights=1` (default none).
   * Every weight must be a finite number ≥ 0.
   */
  readonly weight?: string;
  /** The feature columns, in order. */
  readonly features: readonly string[];
  /** Number format (default `'float32'`, exact for XGBoost; see `CsvPrecision`). */
  readonly precision?: CsvPrecision;
  /** Rows per yielded chunk (default 4096). */
  readonly chunkRows?: number;
  /** Called for each value XGBoost will not read back exactly (float32 mode, some |x| below about 1e-24). */
  readonly onInexact?: (row: number, column: string, value: number) => void;
}

/**
 * Yields a frame (a {@link Frame} or a danfo DataFrame) as SageMaker built-in XGBoost CSV text in
 * chunks of `chunkRows` rows: label first, then the weight (with `weight`, for `csv_weights=1`),
 * then the features, comma-separated, no header, `\n` line ends, numbers as
 * {@link formatCsvNumber}. Columns and options are checked when called; a missing label, a
 * missing, negative or infinite weight (also once read as float32) or an infinite value is an
 * error, met while iterating, naming the column and the row; a missing feature is an empty field.
 *
 * @example
 * ```ts
 * const text = [...sageMakerCsvChunks(frame, { label: 'BadActor', features: ['111', '201'] })].join('');
 * // '0,3,0\n1,0,7\n'
 * const weighted = [...sageMakerCsvChunks(frame, { label: 'BadActor', weight: 'weight', features: ['111', '201'] })].join('');
 * // '0,0.5,3,0\n1,0.025,0,7\n' — train it with the hyperparameter csv_weights=1
 * ```
 */
export function sageMakerCsvChunks(
  input: FrameInput,
  options: SageMakerCsvOptions,
  where = 'sageMakerCsvChunks',
): Generator<string> {
  const { frame, names, columns, weighted, precision, chunkRows, onInexact } = checkCsvOptions(input, options, where);
  return csvChunks(frame.rowCount, names, columns, weighted, precision, chunkRows, onInexact, where);
}

/** The checks of {@link sageMakerCsvChunks} (when called, before any row), and the columns to write. */
function checkCsvOptions(input: FrameInput, options: SageMakerCsvOptions, where: string) {
  const frame = asFrame(input, 'frame', where);
  const { label, weight, features, precision = 'float32', chunkRows = 4096, onInexact } = options;
  if (precision !== 'float32' && precision !== 'float64')
    throw new InvalidArgumentError(where, 'precision', precision, "'float32' or 'float64'");
  if (!Number.isSafeInteger(chunkRows) || chunkRows < 1)
    throw new InvalidArgumentError(where, 'chunkRows', chunkRows, 'an integer ≥ 1');
  if (weight !== undefined) {
    if (typeof weight !== 'string') throw new InvalidArgumentError(where, 'weight', weight, 'a column name');
    if (weight === label || features.includes(weight)) {
      throw new InvalidArgumentError(where, 'weight', weight, 'a column that is neither the label nor a feature');
    }
  }
  const names = weight === undefined ? [label, ...features] : [label, weight, ...features];
  const columns = names.map((name) => {
    if (frame.kind(name) !== 'number') {
      throw new InvalidArgumentError(where, `column ${JSON.stringify(name)}`, 'a string column', 'a numeric column');
    }
    return frame.columnData(name);
  });
  return { frame, names, columns, weighted: weight !== undefined, precision, chunkRows, onInexact };
}

/** {@link sageMakerCsvChunks} as ASCII bytes (what {@link writeSageMakerCsv} streams). */
function sageMakerCsvByteChunks(input: FrameInput, options: SageMakerCsvOptions, where: string): Generator<Uint8Array> {
  const { frame, names, columns, weighted, precision, chunkRows, onInexact } = checkCsvOptions(input, options, where);
  return csvByteChunks(frame.rowCount, names, columns, weighted, precision, chunkRows, onInexact, where);
}

function* csvChunks(
  rows: number,
  names: readonly string[],
  columns: readonly ReturnType<Frame['columnData']>[],
  weighted: boolean,
  precision: CsvPrecision,
  chunkRows: number,
  onInexact: SageMakerCsvOptions['onInexact'],
  where: string,
): Generator<string> {
  const decoder = new TextDecoder();
  for (const bytes of csvByteChunks(rows, names, columns, weighted, precision, chunkRows, onInexact, where))
    yield decoder.decode(bytes);
}

/** {@link csvChunks} as ASCII bytes: the text is built in place, without a string per field and per line. */
function* csvByteChunks(
  rows: number,
  names: readonly string[],
  columns: readonly ReturnType<Frame['columnData']>[],
  weighted: boolean,
  precision: CsvPrecision,
  chunkRows: number,
  onInexact: SageMakerCsvOptions['onInexact'],
  where: string,
): Generator<Uint8Array> {
  const width = names.length;
  const values = columns.map(({ column }) => (column as { values: ArrayLike<number> }).values);
  const indexes = columns.map(({ index }) => index);
  // A field's text is at most 24 characters (`-1.2345678901234567e-300`), plus its comma or line end.
  const rowBytes = width * 25;
  for (let start = 0; start < rows; start += chunkRows) {
    const end = Math.min(rows, start + chunkRows);
    let out = new Uint8Array(Math.min(end - start, 1024) * rowBytes);
    let at = 0;
    for (let r = start; r < end; r++) {
      if (at + rowBytes > out.length) {
        const bigger = new Uint8Array(Math.max(out.length * 2, at + rowBytes));
        bigger.set(out.subarray(0, at));
        out = bigger;
      }
      for (let j = 0; j < width; j++) {
        if (j > 0) out[at++] = 44; // ,
        const index = indexes[j]!;
        const value = values[j]![index === null ? r : index[r]!]!;
        // Most values are small counts: their text is the integer's in both precisions, and they pass every check below.
        if (value >= 0 && value < 10_000 && Math.floor(value) === value && (value !== 0 || 1 / value > 0)) {
          if (value >= 1000) out[at++] = 48 + Math.floor(value / 1000);
          if (value >= 100) out[at++] = 48 + (Math.floor(value / 100) % 10);
          if (value >= 10) out[at++] = 48 + (Math.floor(value / 10) % 10);
          out[at++] = 48 + (value % 10);
          continue;
        }
        if (j === 0 && Number.isNaN(value)) {
          throw new InvalidArgumentError(
            where,
            `label ${names[0]} at row ${r}`,
            value,
            'a number (a row without a label cannot train)',
          );
        }
        // XGBoost rejects negative, NaN and infinite weights; it reads them as float32.
        if (weighted && j === 1 && !(value >= 0 && Math.fround(value) !== Infinity)) {
          throw new InvalidArgumentError(
            where,
            `weight ${names[1]} at row ${r}`,
            value,
            'a finite weight ≥ 0 (as float32)',
          );
        }
        if (value === Infinity || value === -Infinity) {
          throw new InvalidArgumentError(
            where,
            `column ${names[j]} at row ${r}`,
            value,
            'a finite number or NaN (missing)',
          );
        }
        const field = formatField(value, precision);
        if (!field.exact) onInexact?.(r, names[j]!, value);
        const { text } = field;
        for (let k = 0; k < text.length; k++) out[at++] = text.charCodeAt(k);
      }
      out[at++] = 10; // \n
    }
    yield out.subarray(0, at);
  }
}

/** What `writeSageMakerCsv` wrote. */
export interface SageMakerCsvSummary {
  readonly file: string;
  readonly rows: number;
  readonly bytes: number;
  /** Values XGBoost will read as a neighbouring float32 (see `CsvPrecision`); 0 for ordinary data. */
  readonly inexactValues: number;
}

/**
 * Streams a frame to a file as SageMaker built-in XGBoost CSV (see {@link sageMakerCsvChunks}),
 * chunk by chunk with back-pressure, so a large frame never becomes one giant string. The file is
 * created or replaced; an empty frame gives an empty file; on an error (a row without a label, a
 * write failure) the partial file is removed, so no channel holds part of the data.
 *
 * @example
 * ```ts
 * await writeSageMakerCsv(split.train, 'out/job1/train.csv', { label: 'BadActor', features: split.featureNames });
 * ```
 */
export async function writeSageMakerCsv(
  input: FrameInput,
  file: string,
  options: SageMakerCsvOptions,
): Promise<SageMakerCsvSummary> {
  const where = 'writeSageMakerCsv';
  const frame = asFrame(input, 'frame', where);
  let inexactValues = 0;
  const chunks = sageMakerCsvByteChunks(
    frame,
    {
      ...options,
      onInexact: (row, column, value) => {
        inexactValues++;
        options.onInexact?.(row, column, value);
      },
    },
    where,
  );
  const stream = createWriteStream(file);
  let bytes = 0;
  try {
    await once(stream, 'open');
    for (const chunk of chunks) {
      bytes += chunk.length;
      if (!stream.write(chunk)) await once(stream, 'drain');
    }
    stream.end();
    await once(stream, 'finish');
  } catch (error) {
    // Writes still queued fail once the stream is destroyed; the error that matters is `error`.
    stream.on('error', () => {});
    if (!stream.closed) {
      const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
      stream.destroy();
      await closed;
    }
    // A half-written channel would train silently on part of the data: leave no file behind.
    await rm(file, { force: true });
    throw error;
  }
  return { file, rows: frame.rowCount, bytes, inexactValues };
}
