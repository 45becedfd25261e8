import { ColumnNotFoundError, InvalidArgumentError, ParseError } from '../errors.js';
import type { Frame } from '../frame/frame.js';
import { NON_FEATURE_COLUMNS } from '../split/frame-splitter.js';

/** Options of {@link TrainingData.fromFrame}. */
export interface FromFrameOptions {
  /** Name of the label column (0/1, or a probability in [0, 1]). Required. */
  readonly label: string;
  /**
   * Feature columns in model order. Default: every numeric column except the label, the weight
   * column and the row columns of a prefix frame (`prefix_length`, `weight`: NON_FEATURE_COLUMNS,
   * as FrameSplitter leaves them out).
   */
  readonly features?: readonly string[];
  /**
   * Instance weights (default none: every row weighs 1): the name of a numeric column, or one
   * value per row. See {@link TrainingWeights}.
   */
  readonly weight?: string | TrainingWeights;
}

/**
 * Instance weights, one per row, as XGBoost's `DMatrix(weight=…)`: stored as float32 (XGBoost's
 * `MetaInfo` keeps them so), each finite and ≥ 0. A row's gradient and hessian are multiplied by
 * its weight, the `hist` cut points come from the weighted quantile sketch (a value seen only in
 * rows of weight 0 gets no cut), and the evaluation metrics are weighted averages. A weight of 0
 * keeps the row in the data (it is still routed and predicted) without influence on the trees.
 */
export type TrainingWeights = Float64Array | Float32Array;

/** Options of {@link TrainingData.fromColumnMajor} and {@link TrainingData.fromRowMajor}. */
export interface FromMatrixOptions {
  /** Feature names, one per column, or none (default). */
  readonly featureNames?: readonly string[];
  /** Instance weights, one per row (default none: every row weighs 1). See {@link TrainingWeights}. */
  readonly weight?: TrainingWeights;
}

/** Options of {@link TrainingData.fromCsv}. */
export interface FromCsvOptions {
  /** Name used in error messages (default `<string>`). */
  readonly file?: string;
  /**
   * The second column holds instance weights (label, weight, features), as SageMaker's built-in
   * XGBoost reads a CSV channel with the hyperparameter `csv_weights=1` (default false).
   */
  readonly csvWeights?: boolean;
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
  /** Instance weights (float32, one per row), or `undefined` when every row weighs 1. */
  readonly weights: Float32Array | undefined;

  private constructor(
    rows: number,
    columns: number,
    values: Float32Array,
    labels: Float32Array,
    featureNames: readonly string[],
    weights: Float32Array | undefined,
  ) {
    this.rows = rows;
    this.columns = columns;
    this.values = values;
    this.labels = labels;
    this.featureNames = featureNames;
    this.weights = weights;
  }

  /**
   * Wraps a column-major matrix (`values[j * rows + i]`), converting to float32 as XGBoost does.
   * Labels must lie in [0, 1] (XGBoost's check for `binary:logistic`); weights, when given, must
   * be one finite value ≥ 0 per row.
   *
   * @example
   * ```ts
   * const data = TrainingData.fromColumnMajor([1, 2, 3, 0, 0, 1], [0, 1, 1], { weight: Float64Array.of(1, 0.5, 0) });
   * data.weights; // Float32Array [1, 0.5, 0]
   * ```
   */
  static fromColumnMajor(
    values: ArrayLike<number>,
    labels: ArrayLike<number>,
    options: FromMatrixOptions = {},
  ): TrainingData {
    const rows = labels.length;
    if (rows === 0) throw new InvalidArgumentError('TrainingData', 'labels', labels, 'at least one row');
    if (values.length % rows !== 0) {
      throw new InvalidArgumentError(
        'TrainingData',
        'values.length',
        values.length,
        `a multiple of the row count ${rows}`,
      );
    }
    const columns = values.length / rows;
    if (columns === 0) throw new InvalidArgumentError('TrainingData', 'values', values, 'at least one feature column');
    const { featureNames = [], weight } = options;
    if (featureNames.length !== 0 && featureNames.length !== columns) {
      throw new InvalidArgumentError('TrainingData', 'featureNames', featureNames, `${columns} names or none`);
    }
    const weights = weight === undefined ? undefined : checkWeights(weight, rows, 'TrainingData', 'weight');
    return new TrainingData(rows, columns, Float32Array.from(values), checkLabels(labels), [...featureNames], weights);
  }

  /**
   * Wraps a row-major matrix (`values[i * columns + j]`), transposing to column-major float32.
   *
   * @example
   * ```ts
   * const data = TrainingData.fromRowMajor([1, 0, 2, 0, 3, 1], 2, [0, 1, 1], { weight: Float32Array.of(1, 1, 2) });
   * data.value(2, 1); // 1
   * ```
   */
  static fromRowMajor(
    values: ArrayLike<number>,
    columns: number,
    labels: ArrayLike<number>,
    options: FromMatrixOptions = {},
  ): TrainingData {
    const rows = labels.length;
    if (!Number.isInteger(columns) || columns < 1 || values.length !== rows * columns) {
      throw new InvalidArgumentError(
        'TrainingData.fromRowMajor',
        'values.length',
        values.length,
        `rows × columns = ${rows} × ${columns}`,
      );
    }
    const out = new Float32Array(rows * columns);
    for (let i = 0; i < rows; i++) for (let j = 0; j < columns; j++) out[j * rows + i] = values[i * columns + j]!;
    return TrainingData.fromColumnMajor(out, labels, options);
  }

  /**
   * Takes the label and feature columns of a Frame. Feature columns must be numeric; NaN means
   * missing. `weight` names a column of instance weights (or gives them as an array); a weight
   * column is never a feature.
   *
   * @example
   * ```ts
   * const data = TrainingData.fromFrame(features, { label: 'BadActor' });
   * // prefix rows weighted 1/length, from a numeric column `weight`:
   * const weighted = TrainingData.fromFrame(prefixes, { label: 'BadActor', weight: 'weight' });
   * ```
   */
  static fromFrame(frame: Frame, options: FromFrameOptions): TrainingData {
    const { label, features, weight } = options;
    if (!frame.has(label)) throw new ColumnNotFoundError(label, frame.columnNames, 'TrainingData.fromFrame');
    let weights: TrainingWeights | undefined;
    if (typeof weight === 'string') {
      if (!frame.has(weight)) throw new ColumnNotFoundError(weight, frame.columnNames, 'TrainingData.fromFrame');
      if (frame.kind(weight) !== 'number')
        throw new InvalidArgumentError('TrainingData.fromFrame', 'weight', weight, 'a numeric column');
      if (weight === label)
        throw new InvalidArgumentError('TrainingData.fromFrame', 'weight', weight, 'a column other than the label');
      if (features?.includes(weight))
        throw new InvalidArgumentError(
          'TrainingData.fromFrame',
          'features',
          weight,
          'feature columns other than the weight column',
        );
      weights = frame.numbers(weight);
    } else weights = weight;
    const names =
      features ??
      frame.columnNames.filter(
        (n) => n !== label && n !== weight && !NON_FEATURE_COLUMNS.includes(n) && frame.kind(n) === 'number',
      );
    for (const name of names) {
      if (!frame.has(name)) throw new ColumnNotFoundError(name, frame.columnNames, 'TrainingData.fromFrame');
      if (frame.kind(name) !== 'number')
        throw new InvalidArgumentError('TrainingData.fromFrame', 'features', name, 'numeric columns only');
    }
    if (frame.kind(label) !== 'number')
      throw new InvalidArgumentError('TrainingData.fromFrame', 'label', label, 'a numeric column');
    const rows = frame.rowCount;
    const values = new Float32Array(rows * names.length);
    names.forEach((name, j) => values.set(frame.numbers(name), j * rows));
    const where = typeof weight === 'string' ? `column ${JSON.stringify(weight)}` : 'weight';
    const checked = weights === undefined ? undefined : checkWeights(weights, rows, 'TrainingData.fromFrame', where);
    return TrainingData.fromColumnMajor(values, frame.numbers(label), { featureNames: names, weight: checked });
  }

  /**
   * Parses CSV text the way SageMaker's built-in XGBoost reads a `text/csv` channel: no header,
   * the label in the first column, features after it, an empty field is missing (NaN). Every row
   * must have the same number of fields; a field that is not a number is a {@link ParseError}
   * naming the file, line and column. With `csvWeights` (the container's `csv_weights=1`) the
   * second column is the row's weight: a number, finite and ≥ 0 once read as float32.
   *
   * @example
   * ```ts
   * const data = TrainingData.fromCsv(await readFile('train.csv', 'utf8'), { file: 'train.csv' });
   * const weighted = TrainingData.fromCsv('1,0.25,3,0\n0,1,,2\n', { csvWeights: true });
   * weighted.weights; // Float32Array [0.25, 1]
   * weighted.columns; // 2
   * ```
   */
  static fromCsv(text: string, options: FromCsvOptions = {}): TrainingData {
    const { file = '<string>', csvWeights = false } = options;
    if (typeof csvWeights !== 'boolean')
      throw new InvalidArgumentError('TrainingData.fromCsv', 'csvWeights', csvWeights, 'true or false');
    const skip = csvWeights ? 2 : 1; // fields before the first feature
    const lines = text.split('\n');
    if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    if (lines.length === 0) throw new ParseError({ file, line: 1 }, 'no rows', { expected: 'label,feature,… rows' });
    let width = -1;
    const labels = new Float64Array(lines.length);
    const weights = csvWeights ? new Float32Array(lines.length) : undefined;
    let matrix = new Float32Array(0);
    for (let li = 0; li < lines.length; li++) {
      let line = lines[li]!;
      if (line.endsWith('\r')) line = line.slice(0, -1);
      const fields = line.split(',');
      if (width < 0) {
        width = fields.length;
        if (width <= skip) {
          throw new ParseError({ file, line: li + 1 }, 'row has no feature field', {
            value: line,
            expected: csvWeights ? 'label,weight,feature,…' : 'label,feature,…',
          });
        }
        matrix = new Float32Array(lines.length * (width - skip));
      } else if (fields.length !== width) {
        throw new ParseError({ file, line: li + 1 }, `row has ${fields.length} fields`, {
          value: line,
          expected: `${width} fields like line 1`,
        });
      }
      for (let c = 0; c < width; c++) {
        const field = fields[c]!.trim();
        let v: number;
        if (field === '') {
          if (c === 0)
            throw new ParseError({ file, line: li + 1, column: 1, columnName: 'label' }, 'label is empty', {
              expected: 'a label in [0, 1]',
            });
          if (c === 1 && csvWeights)
            throw new ParseError({ file, line: li + 1, column: 2, columnName: 'weight' }, 'weight is empty', {
              expected: 'a weight ≥ 0 (csv_weights=1)',
            });
          v = Number.NaN;
        } else if (NUMBER_FIELD.test(field)) v = Number(field);
        else if (/^[+-]?nan$/i.test(field)) v = Number.NaN;
        else if (/^[+-]?inf(inity)?$/i.test(field)) v = field.startsWith('-') ? -Infinity : Infinity;
        else
          throw new ParseError({ file, line: li + 1, column: c + 1 }, 'field is not a number', {
            value: field,
            expected: 'a number or an empty field',
          });
        if (c === 0) {
          if (!(v >= 0 && v <= 1))
            throw new ParseError({ file, line: li + 1, column: 1, columnName: 'label' }, 'label out of range', {
              value: field,
              expected: 'a label in [0, 1] for binary:logistic',
            });
          labels[li] = v;
        } else if (c === 1 && weights !== undefined) {
          const w = Math.fround(v);
          if (!(w >= 0 && w !== Infinity)) {
            throw new ParseError({ file, line: li + 1, column: 2, columnName: 'weight' }, 'weight out of range', {
              value: field,
              expected: 'a finite weight ≥ 0 (csv_weights=1)',
            });
          }
          weights[li] = w;
        } else matrix[(c - skip) * lines.length + li] = v;
      }
    }
    return new TrainingData(lines.length, width - skip, matrix, Float32Array.from(labels), [], weights);
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

/**
 * Weights as XGBoost's MetaInfo stores them: float32, one per row, each finite and ≥ 0 (XGBoost
 * rejects negative, infinite and NaN weights).
 */
function checkWeights(weight: unknown, rows: number, where: string, argument: string): Float32Array {
  if (!(weight instanceof Float64Array || weight instanceof Float32Array)) {
    throw new InvalidArgumentError(where, argument, weight, 'a column name, a Float64Array or a Float32Array');
  }
  if (weight.length !== rows)
    throw new InvalidArgumentError(where, `${argument}.length`, weight.length, `${rows}, one weight per row`);
  const out = Float32Array.from(weight);
  for (let i = 0; i < rows; i++) {
    const w = out[i]!;
    if (!(w >= 0 && w !== Infinity)) {
      throw new InvalidArgumentError(where, `${argument}[${i}]`, weight[i], 'a finite weight ≥ 0 (as float32)');
    }
  }
  return out;
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
