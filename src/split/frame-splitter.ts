import { ColumnNotFoundError, InvalidArgumentError } from '../errors.js';
import type { Frame } from '../frame/frame.js';
import { asFrame, type FrameInput } from '../frame/frame-input.js';
import { PREFIX_LENGTH_COLUMN, WEIGHT_COLUMN } from '../sessions/flatten-prefixes.js';
import { validateFractions, type SplitFractions } from './fractions.js';
import { groupedSplit } from './grouped-split.js';
import { orderedSplit } from './ordered-split.js';
import type { SplitIndices } from './split-types.js';
import { stratifiedSplit } from './stratified-split.js';

/** Which columns are the label and which are not features. */
export interface FrameSplitterOptions {
  /** The 0/1 label column, e.g. `BadActor`. */
  readonly label: string;
  /** Columns kept in the parts but left out of the features, e.g. `['SessionNo']` (default none). */
  readonly drop?: readonly string[];
  /**
   * Columns that are never features when a frame has them, besides `drop`. Default
   * {@link NON_FEATURE_COLUMNS} (`prefix_length` and `weight`, the row columns of a prefix frame);
   * pass `[]` to treat columns of those names as features.
   */
  readonly nonFeatures?: readonly string[];
}

/**
 * The columns left out of the features by default whenever a frame has them: a prefix frame's
 * `prefix_length` (which prefix a row is) and `weight` (its instance weight). See `flattenPrefixes`.
 *
 * @example
 * ```ts
 * featureColumns(prefixFrame, { label: 'BadActor', drop: ['SessionNo'] }); // no prefix_length, no weight
 * ```
 */
export const NON_FEATURE_COLUMNS: readonly string[] = Object.freeze([PREFIX_LENGTH_COLUMN, WEIGHT_COLUMN]);

/** Options shared by every kind of split: the fractions of the three parts (summing to 1). */
export type SplitOptions = SplitFractions &
  (
    | {
        /** Seed of the shuffle: the same seed gives the same parts. */
        readonly seed: number;
        /** Split each label class separately (default `true`). With `groupBy`: positive groups separately. */
        readonly stratify?: boolean;
        /** A column whose equal values (e.g. one `CustID`) must land in one part. */
        readonly groupBy?: string;
        readonly orderBy?: undefined;
      }
    | {
        /** A numeric (or ISO-timestamp string) column: train the earliest rows, test the latest. No shuffle. */
        readonly orderBy: string;
        readonly seed?: number;
        readonly stratify?: false;
        readonly groupBy?: undefined;
      }
  );

/** How a split was made, as a discriminated union. */
export type SplitMode =
  | { readonly kind: 'stratified' }
  | { readonly kind: 'random' }
  | { readonly kind: 'grouped'; readonly groupBy: string; readonly stratified: boolean }
  | { readonly kind: 'ordered'; readonly orderBy: string };

/** The three parts of a split (row views of the input, all columns kept) and how they were made. */
export interface FrameSplit {
  readonly train: Frame;
  readonly validation: Frame;
  readonly test: Frame;
  /** Row positions of each part in the input frame. */
  readonly indices: SplitIndices;
  /** The label column. */
  readonly label: string;
  /** The columns left out of the features besides the label (`drop`, and the non-feature columns the frame has). */
  readonly drop: readonly string[];
  /** The feature columns in order: every column but the label and `drop`. */
  readonly featureNames: readonly string[];
  readonly fractions: SplitFractions;
  /** The seed, or `undefined` for an ordered split (no randomness). */
  readonly seed: number | undefined;
  readonly mode: SplitMode;
}

/**
 * Splits a feature frame (a {@link Frame} or a danfo DataFrame) into train, validation and test
 * parts: stratified by label (default), plain random (`stratify: false`), grouped (`groupBy`), or
 * ordered by time (`orderBy`). The parts are row views of the frame that keep every column; `FrameSplitter.features`
 * and `FrameSplitter.labels` take them apart. Labels must be 0 or 1; feature columns must be numeric (drop the others).
 *
 * A frame of session prefixes (it has a `prefix_length` column, see `flattenPrefixes`) must be
 * split with `groupBy` on the session id, so all prefixes of a session land in one part (and,
 * stratified, attacker sessions are spread over the parts by session): a shuffled split of its
 * rows would put prefixes of one session in training and validation, and is refused.
 *
 * @example
 * ```ts
 * const split = splitFrame(frame, { label: 'BadActor', drop: ['SessionNo'] },
 *   { train: 0.7, validation: 0.15, test: 0.15, seed: 42 });
 * split.train.rowCount + split.validation.rowCount + split.test.rowCount === frame.rowCount; // true
 * ```
 */
export function splitFrame(input: FrameInput, columns: FrameSplitterOptions, options: SplitOptions): FrameSplit {
  const where = 'FrameSplitter.split';
  const frame = asFrame(input, 'frame', where);
  const { label, drop = [], nonFeatures = NON_FEATURE_COLUMNS } = columns;
  const featureNames = featureColumns(frame, columns, where);
  const labels = labelValues(frame, label, where);
  const fractions: SplitFractions = { train: options.train, validation: options.validation, test: options.test };
  validateFractions(fractions, where);
  let indices: SplitIndices;
  let mode: SplitMode;
  if (options.orderBy !== undefined) {
    if ((options as { stratify?: boolean }).stratify === true)
      throw new InvalidArgumentError(
        where,
        'stratify',
        true,
        'false or absent with orderBy (a time-ordered split is not shuffled)',
      );
    if ((options as { groupBy?: string }).groupBy !== undefined) {
      throw new InvalidArgumentError(
        where,
        'groupBy',
        (options as { groupBy?: string }).groupBy,
        'absent with orderBy (choose one kind of split)',
      );
    }
    indices = orderedSplit(orderValues(frame, options.orderBy, where), fractions);
    mode = { kind: 'ordered', orderBy: options.orderBy };
  } else {
    const { seed, stratify = true, groupBy } = options;
    if (typeof seed !== 'number')
      throw new InvalidArgumentError(where, 'seed', seed, 'an integer seed (required for a shuffled split)');
    if (groupBy === undefined && frame.has(PREFIX_LENGTH_COLUMN) && nonFeatures.includes(PREFIX_LENGTH_COLUMN)) {
      throw new InvalidArgumentError(
        where,
        'groupBy',
        undefined,
        `the session id column (e.g. groupBy: 'SessionNo'): the frame's rows are session prefixes (column ` +
          `${PREFIX_LENGTH_COLUMN}), and prefixes of one session must land in one part`,
      );
    }
    if (groupBy !== undefined) {
      indices = groupedSplit(groupKeys(frame, groupBy, where), labels, fractions, { seed, stratify });
      mode = { kind: 'grouped', groupBy, stratified: stratify };
    } else {
      indices = stratifiedSplit(labels, fractions, { seed, stratify });
      mode = stratify ? { kind: 'stratified' } : { kind: 'random' };
    }
  }
  return {
    train: frame.take(indices.train),
    validation: frame.take(indices.validation),
    test: frame.take(indices.test),
    indices,
    label,
    drop: [...drop, ...nonFeatures.filter((name) => frame.has(name) && name !== label && !drop.includes(name))],
    featureNames,
    fractions,
    seed: options.orderBy !== undefined ? undefined : options.seed,
    mode,
  };
}

/**
 * The feature columns of a Frame or danfo DataFrame for a label and drop list: every other column,
 * in order, except the {@link NON_FEATURE_COLUMNS} (`prefix_length`, `weight`) when present (unless
 * `nonFeatures` says otherwise). Throws when the label or a dropped column is missing, or a feature
 * column is not numeric.
 *
 * @example
 * ```ts
 * featureColumns(frame, { label: 'BadActor', drop: ['SessionNo'] }); // ['111', '201', ...]
 * ```
 */
export function featureColumns(input: FrameInput, columns: FrameSplitterOptions, where = 'featureColumns'): string[] {
  const frame = asFrame(input, 'frame', where);
  const { label, drop = [], nonFeatures = NON_FEATURE_COLUMNS } = columns;
  for (const name of [label, ...drop]) {
    if (!frame.has(name)) throw new ColumnNotFoundError(name, frame.columnNames, where);
  }
  const skip = new Set([label, ...drop, ...nonFeatures]);
  const names = frame.columnNames.filter((n) => !skip.has(n));
  for (const name of names) {
    if (frame.kind(name) !== 'number') {
      throw new InvalidArgumentError(
        where,
        `column ${JSON.stringify(name)}`,
        'a string column',
        'numeric to be a feature (add it to drop)',
      );
    }
  }
  return names;
}

/**
 * A part's label column (of a Frame or danfo DataFrame) as a `Uint8Array` of 0/1, checked: any
 * other value (or a missing one) is an error naming the row.
 *
 * @example
 * ```ts
 * labelValues(split.test, 'BadActor'); // Uint8Array [0, 0, 1, ...]
 * ```
 */
export function labelValues(input: FrameInput, label: string, where = 'labelValues'): Uint8Array {
  const frame = asFrame(input, 'frame', where);
  if (!frame.has(label)) throw new ColumnNotFoundError(label, frame.columnNames, where);
  if (frame.kind(label) !== 'number')
    throw new InvalidArgumentError(
      where,
      `label column ${JSON.stringify(label)}`,
      'a string column',
      'a numeric 0/1 column',
    );
  const values = frame.numbers(label);
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== 0 && v !== 1) throw new InvalidArgumentError(where, `${label} at row ${i}`, v, '0 or 1');
    out[i] = v;
  }
  return out;
}

function orderValues(frame: Frame, name: string, where: string): Float64Array | string[] {
  if (!frame.has(name)) throw new ColumnNotFoundError(name, frame.columnNames, where);
  if (frame.kind(name) === 'number') {
    const values = frame.numbers(name);
    const bad = values.findIndex((v) => Number.isNaN(v));
    if (bad >= 0)
      throw new InvalidArgumentError(
        where,
        `orderBy column ${name} at row ${bad}`,
        Number.NaN,
        'a number (rows without a time cannot be ordered)',
      );
    return values;
  }
  const values = frame.strings(name);
  const bad = values.findIndex((v) => v === null);
  if (bad >= 0)
    throw new InvalidArgumentError(
      where,
      `orderBy column ${name} at row ${bad}`,
      null,
      'a value (rows without a time cannot be ordered)',
    );
  return values as string[];
}

function groupKeys(frame: Frame, name: string, where: string): Float64Array | Int32Array {
  if (!frame.has(name)) throw new ColumnNotFoundError(name, frame.columnNames, where);
  const keys = frame.kind(name) === 'number' ? frame.numbers(name) : frame.codes(name).codes;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (Number.isNaN(k) || (frame.kind(name) === 'string' && k < 0)) {
      throw new InvalidArgumentError(
        where,
        `groupBy column ${name} at row ${i}`,
        null,
        'a group value (a missing value belongs to no group)',
      );
    }
  }
  return keys;
}

/**
 * Splits feature frames into train, validation and test, and takes parts apart into features and
 * labels: the user's `FrameSplitter(bad_col, [sess_col])`. A thin class over `splitFrame`.
 *
 * - Stratified (default): each class is shuffled with the seed and cut by the largest-remainder
 *   method, and a class with at least 3 rows has a row in each of 3 non-empty parts
 *   (`stratifiedSplit`, `allocateCounts`).
 * - `groupBy`: whole groups go to one part; groups holding a positive are split separately
 *   (`groupedSplit`); sizes follow the fractions by rows, within about half a group per cut.
 * - `orderBy`: train the earliest rows, test the latest; a run of equal times never straddles a
 *   cut (it goes to the earlier part) (`orderedSplit`).
 * - Fractions must sum to 1 within 1e-9; a zero fraction gives an empty part.
 *
 * @example
 * ```ts
 * const splitter = new FrameSplitter({ label: 'BadActor', drop: ['SessionNo'] });
 * const split = splitter.split(frame, { train: 0.7, validation: 0.15, test: 0.15, seed: 42 });
 * const byCustomer = splitter.split(frame, { train: 0.8, validation: 0.1, test: 0.1, seed: 42, groupBy: 'CustID' });
 * const byTime = splitter.split(frame, { train: 0.7, validation: 0.15, test: 0.15, orderBy: 'FirstTime' });
 * splitter.features(split.train); // a Frame of the numeric feature columns
 * splitter.labels(split.test);    // Uint8Array of 0/1
 * ```
 */
export class FrameSplitter {
  readonly label: string;
  readonly drop: readonly string[];
  readonly nonFeatures: readonly string[];

  constructor(options: FrameSplitterOptions) {
    const { label, drop = [], nonFeatures = NON_FEATURE_COLUMNS } = options;
    if (typeof label !== 'string' || label === '')
      throw new InvalidArgumentError('FrameSplitter', 'label', label, 'a column name');
    if (drop.includes(label))
      throw new InvalidArgumentError('FrameSplitter', 'drop', label, 'columns other than the label');
    this.label = label;
    this.drop = [...drop];
    if (!Array.isArray(nonFeatures))
      throw new InvalidArgumentError('FrameSplitter', 'nonFeatures', nonFeatures, 'an array of column names');
    this.nonFeatures = [...nonFeatures];
  }

  /** Splits a Frame or danfo DataFrame (see `splitFrame`). */
  split(frame: FrameInput, options: SplitOptions): FrameSplit {
    return splitFrame(frame, { label: this.label, drop: this.drop, nonFeatures: this.nonFeatures }, options);
  }

  /** The feature columns of a frame or part, in order (see `featureColumns`). */
  featureNames(frame: FrameInput): string[] {
    return featureColumns(
      frame,
      { label: this.label, drop: this.drop, nonFeatures: this.nonFeatures },
      'FrameSplitter.featureNames',
    );
  }

  /** A view of the frame's feature columns only. */
  features(frame: FrameInput): Frame {
    const f = asFrame(frame, 'frame', 'FrameSplitter.features');
    return f.select(
      featureColumns(
        f,
        { label: this.label, drop: this.drop, nonFeatures: this.nonFeatures },
        'FrameSplitter.features',
      ),
    );
  }

  /** The frame's labels as 0/1 (see `labelValues`). */
  labels(frame: FrameInput): Uint8Array {
    return labelValues(frame, this.label, 'FrameSplitter.labels');
  }
}
