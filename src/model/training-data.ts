import { ColumnNotFoundError, InvalidArgumentError, ParseError } from '../errors.js';
import type { Frame } from '../frame/frame.js';

/** Options of {@link TrainingData.fromFrame}. */
export interface FromFrameOptions {
  /** Name of the label column (0/1, or a probability in [0, 1]). Required. */
  readonly label: string;
  /** Feature columns in model order. Default: every numeric column except the label. */
  readonly features?: readonly string[];
}

/** Options of {@link TrainingData.fromCsv}. */
export interface FromCsvOptions {
  /** Name used in error messages (default `<string>`). */
  readonly file?: string;
}

/** A number field: what C's strtod accepts for plain decimals, plus nan/inf spellings. */
const NUMBER_FIELD = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A training set as XGBoost's DMatrix holds it: a float32 feature matrix (NaN = missing) stored
 * column-major, one float32 label per row, and optional feature names. Immutable; build it from a
 * Frame, from SageMaker-style CSV text, or from a row- or column-major matrix.
 *
 * @example
 * ```ts
 * const data = TrainingData.fromCsv('1,3,0\n0,,2\n'); // label first, empty field = missing
 * data.rows;        // 2
 * data.columns;     // 2
 * data.value(1, 0); // NaN
 * ```
 */
export class TrainingData {
  /** Number of rows. */
  readonly rows: number;
  /** Number of features. */
  readonly columns: number;
  /** Feature values, column-major: feature `j` of row `i` is `values[j * rows + i]`. */
  readonly values: Float32Array;
  /** Labels in [0, 1], one per row. */
  readonly labels: Float32Array;
  /** Feature names (empty when unnamed, as XGBoost's DMatrix from a CSV). */
  readonly featureNames: readonly string[];

  private constructor(rows: number, columns: number, values: Float32Array, labels: Float32Array, featureNames: readonly string[]) {
    this.rows = rows;
    this.columns = columns;
    this.values = values;
    this.labels = labels;
    this.featureNames = featureNames;
  }

  /**
   * Wraps a column-major matrix (`values[j * rows + i]`), converting to float32 as XGBoost does.
   * Labels must lie in [0, 1] (XGBoost's check for `binary:logistic`).
   */
  static fromColumnMajor(
    values: ArrayLike<number>,
    labels: ArrayLike<number>,
    options: { featureNames?: readonly string[] } = {},
  ): TrainingData {
    const rows = labels.length;
    if (rows === 0) throw new InvalidArgumentError('TrainingData', 'labels', labels, 'at least one row');
    if (values.length % rows !== 0) {
      throw new InvalidArgumentError('TrainingData', 'values.length', values.length, `a multiple of the row count ${rows}`);
    }
    const columns = values.length / rows;
    if (columns === 0) throw new InvalidArgumentError('TrainingData', 'values', values, 'at least one feature column');
    const { featureNames = [] } = options;
    if (featureNames.length !== 0 && featureNames.length !== columns) {
      throw new InvalidArgumentError('TrainingData', 'featureNames', featureNames, `${columns} names or none`);
    }
    return new TrainingData(rows, columns, Float32Array.from(values), checkLabels(labels), [...featureNames]);
  }

  /** Wraps a row-major matrix (`values[i * columns + j]`), transposing to column-major float32. */
  static fromRowMajor(
    values: ArrayLike<number>,
    columns: number,
    labels: ArrayLike<number>,
    options: { featureNames?: readonly string[] } = {},
  ): TrainingData {
    const rows = labels.length;
    if (!Number.isInteger(columns) || columns < 1 || values.length !== rows * columns) {
      throw new InvalidArgumentError('TrainingData.fromRowMajor', 'values.length', values.length, `rows × columns = ${rows} × ${columns}`);
    }
    const out = new Float32Array(rows * columns);
    for (let i = 0; i < rows; i++) for (let j = 0; j < columns; j++) out[j * rows + i] = values[i * columns + j]!;
    return TrainingData.fromColumnMajor(out, labels, options);
  }

  /**
   * Takes the label and feature columns of a Frame. Feature columns must be numeric; NaN means
   * missing.
   *
   * @example
   * ```ts
   * const data = TrainingData.fromFrame(features, { label: 'BadActor' });
   * ```
   */
  static fromFrame(frame: Frame, options: FromFrameOptions): TrainingData {
    const { label, features } = options;
    if (!frame.has(label)) throw new ColumnNotFoundError(label, frame.columnNames, 'TrainingData.fromFrame');
    const names = features ?? frame.columnNames.filter((n) => n !== label && frame.kind(n) === 'number');
    for (const name of names) {
      if (!frame.has(name)) throw new ColumnNotFoundError(name, frame.columnNames, 'TrainingData.fromFrame');
      if (frame.kind(name) !== 'number') throw new InvalidArgumentError('TrainingData.fromFrame', 'features', name, 'numeric columns only');
    }
    if (frame.kind(label) !== 'number') throw new InvalidArgumentError('TrainingData.fromFrame', 'label', label, 'a numeric column');
    const rows = frame.rowCount;
    const values = new Float32Array(rows * names.length);
    names.forEach((name, j) => values.set(frame.numbers(name), j * rows));
    return TrainingData.fromColumnMajor(values, frame.numbers(label), { featureNames: names });
  }

  /**
   * Parses CSV text the way SageMaker's built-in XGBoost reads a `text/csv` channel: no header,
   * the label in the first column, features after it, an empty field is missing (NaN). Every row
   * must have the same number of fields; a field that is not a number is a {@link ParseError}
   * naming the file, line and column.
   *
   * @example
   * ```ts
   * const data = TrainingData.fromCsv(await readFile('train.csv', 'utf8'), { file: 'train.csv' });
   * ```
   */
  static fromCsv(text: string, options: FromCsvOptions = {}): TrainingData {
    const { file = '<string>' } = options;
    const lines = text.split('\n');
    if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    if (lines.length === 0) throw new ParseError({ file, line: 1 }, 'no rows', { expected: 'label,feature,… rows' });
    let width = -1;
    const labels = new Float64Array(lines.length);
    let matrix = new Float32Array(0);
    for (let li = 0; li < lines.length; li++) {
      let line = lines[li]!;
      if (line.endsWith('\r')) line = line.slice(0, -1);
      const fields = line.split(',');
      if (width < 0) {
        width = fields.length;
        if (width < 2) throw new ParseError({ file, line: li + 1 }, 'row has no feature field', { value: line, expected: 'label,feature,…' });
        matrix = new Float32Array(lines.length * (width - 1));
      } else if (fields.length !== width) {
        throw new ParseError({ file, line: li + 1 }, `row has ${fields.length} fields`, { value: line, expected: `${width} fields like line 1` });
      }
      for (let c = 0; c < width; c++) {
        const field = fields[c]!.trim();
        let v: number;
        if (field === '') {
          if (c === 0) throw new ParseError({ file, line: li + 1, column: 1, columnName: 'label' }, 'label is empty', { expected: 'a label in [0, 1]' });
          v = Number.NaN;
        } else if (NUMBER_FIELD.test(field)) v = Number(field);
        else if (/^[+-]?nan$/i.test(field)) v = Number.NaN;
        else if (/^[+-]?inf(inity)?$/i.test(field)) v = field.startsWith('-') ? -Infinity : Infinity;
        else throw new ParseError({ file, line: li + 1, column: c + 1 }, 'field is not a number', { value: field, expected: 'a number or an empty field' });
        if (c === 0) {
          if (!(v >= 0 && v <= 1)) throw new ParseError({ file, line: li + 1, column: 1, columnName: 'label' }, 'label out of range', { value: field, expected: 'a label in [0, 1] for binary:logistic' });
          labels[li] = v;
        } else matrix[(c - 1) * lines.length + li] = v;
      }
    }
    return new TrainingData(lines.length, width - 1, matrix, Float32Array.from(labels), []);
  }

  /** Feature `column` of row `row` (float32, NaN when missing). */
  value(row: number, column: number): number {
    return this.values[column * this.rows + row]!;
  }

  /** The features as a row-major float32 matrix, the layout prediction reads. */
  toRowMajor(): Float32Array {
    const { rows, columns, values } = this;
    const out = new Float32Array(rows * columns);
    for (let j = 0; j < columns; j++) for (let i = 0; i < rows; i++) out[i * columns + j] = values[j * rows + i]!;
    return out;
  }

  /** True when some feature value is missing. */
  hasMissing(): boolean {
    const v = this.values;
    for (let i = 0; i < v.length; i++) if (v[i] !== v[i]) return true;
    return false;
  }
}

function checkLabels(labels: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(labels);
  for (let i = 0; i < out.length; i++) {
    const y = out[i]!;
    if (!(y >= 0 && y <= 1)) {
      throw new InvalidArgumentError('TrainingData', `labels[${i}]`, labels[i], 'in [0, 1] (binary:logistic)');
    }
  }
  return out;
}
