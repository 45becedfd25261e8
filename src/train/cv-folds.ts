import { InvalidArgumentError } from '../errors.js';
import { createRandom } from '../random/random.js';

/** One cross-validation fold: the rows a model trains on and the rows it is measured on. */
export interface CrossValidationFold {
  /** Row indices of the training part, in the order the model sees them. */
  readonly train: ArrayLike<number>;
  /** Row indices of the held-out part. */
  readonly test: ArrayLike<number>;
}

/** A fold as the library holds it: indices as `Int32Array`. */
export interface ResolvedFold {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

/** Options of `makeFolds`. */
export interface MakeFoldsOptions {
  /** Number of folds, at least 2 (default 3, as `xgb.cv`). */
  readonly nfold?: number;
  /** Keep each fold's share of positive rows (label ≥ 0.5) equal to the whole (default false). */
  readonly stratified?: boolean;
  /** Seed of the shuffle (default 0). */
  readonly seed?: number;
}

/**
 * Splits rows `0..labels.length-1` into `nfold` folds, seeded. Rows are shuffled with the library's
 * seeded generator (the same seed gives the same folds), then dealt: without stratification the
 * shuffled rows are cut into `nfold` consecutive parts, the first `rows % nfold` one row larger (as
 * `numpy.array_split`); with stratification positives (label ≥ 0.5) and negatives are shuffled
 * separately and dealt round-robin, negatives continuing where positives stopped, so every fold's
 * size and positive count differ from the others' by at most one. Each fold's `test` is its part,
 * in ascending row order; its `train` is every other row, ascending. (`xgb.cv` draws its folds
 * with NumPy's or scikit-learn's generators instead; give `folds` explicitly to reproduce them.)
 *
 * @throws InvalidArgumentError when `nfold` is not an integer ≥ 2, exceeds the rows, or — stratified —
 *   exceeds the positive or the negative rows.
 * @example
 * ```ts
 * const folds = makeFolds(data.labels, { nfold: 5, stratified: true, seed: 1 });
 * folds[0].test; // Int32Array of about rows / 5 indices
 * ```
 */
export function makeFolds(
  labels: ArrayLike<number>,
  options: MakeFoldsOptions = {},
  where = 'makeFolds',
): ResolvedFold[] {
  const { nfold = 3, stratified = false, seed = 0 } = options;
  const rows = labels.length;
  checkFoldCount(labels, nfold, stratified, where);
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new InvalidArgumentError(where, 'seed', seed, 'a non-negative safe integer');
  }
  const rng = createRandom(seed);
  const foldOf = new Int32Array(rows);
  if (stratified) {
    const positives: number[] = [];
    const negatives: number[] = [];
    for (let r = 0; r < rows; r++) (labels[r]! >= 0.5 ? positives : negatives).push(r);
    rng.shuffle(positives);
    rng.shuffle(negatives);
    positives.forEach((r, i) => {
      foldOf[r] = i % nfold;
    });
    negatives.forEach((r, i) => {
      foldOf[r] = (positives.length + i) % nfold;
    });
  } else {
    const order = new Int32Array(rows);
    for (let r = 0; r < rows; r++) order[r] = r;
    rng.shuffle(order);
    const small = Math.floor(rows / nfold);
    const extra = rows % nfold;
    let at = 0;
    for (let k = 0; k < nfold; k++) {
      const size = small + (k < extra ? 1 : 0);
      for (let i = 0; i < size; i++) foldOf[order[at + i]!] = k;
      at += size;
    }
  }
  const folds: ResolvedFold[] = [];
  for (let k = 0; k < nfold; k++) {
    const test: number[] = [];
    const train: number[] = [];
    for (let r = 0; r < rows; r++) (foldOf[r] === k ? test : train).push(r);
    folds.push({ train: Int32Array.from(train), test: Int32Array.from(test) });
  }
  return folds;
}

/** Checks a fold count against the rows (and, stratified, against each class), before any work. */
export function checkFoldCount(labels: ArrayLike<number>, nfold: unknown, stratified: boolean, where: string): void {
  if (typeof nfold !== 'number' || !Number.isInteger(nfold) || nfold < 2) {
    throw new InvalidArgumentError(where, 'nfold', nfold, 'an integer ≥ 2');
  }
  if (nfold > labels.length) {
    throw new InvalidArgumentError(where, 'nfold', nfold, `at most the number of rows (${labels.length})`);
  }
  if (stratified) {
    let positives = 0;
    for (let r = 0; r < labels.length; r++) if (labels[r]! >= 0.5) positives++;
    const negatives = labels.length - positives;
    if (nfold > positives) {
      throw new InvalidArgumentError(
        where,
        'nfold',
        nfold,
        `at most the number of positive rows (${positives}) when stratified, so every fold holds a positive`,
      );
    }
    if (nfold > negatives) {
      throw new InvalidArgumentError(
        where,
        'nfold',
        nfold,
        `at most the number of negative rows (${negatives}) when stratified, so every fold holds a negative`,
      );
    }
  }
}

/**
 * Checks folds given explicitly (`xgb.cv(folds=…)`) and copies them to `Int32Array`s, order kept:
 * at least 2 folds (one split is not cross-validation), every index an integer row of the data, no
 * part empty.
 *
 * @throws InvalidArgumentError naming `folds[k].train` or `folds[k].test`.
 */
export function resolveFolds(folds: readonly CrossValidationFold[], rows: number, where: string): ResolvedFold[] {
  if (!Array.isArray(folds) || folds.length < 2) {
    throw new InvalidArgumentError(where, 'folds', folds, 'an array of at least 2 { train, test } folds');
  }
  return folds.map((fold, k) => {
    if (fold === null || typeof fold !== 'object') {
      throw new InvalidArgumentError(where, `folds[${k}]`, fold, 'a { train, test } object of row indices');
    }
    const part = (name: 'train' | 'test'): Int32Array => {
      const indices = fold[name];
      if (
        indices === null ||
        typeof indices !== 'object' ||
        typeof indices.length !== 'number' ||
        indices.length === 0
      ) {
        throw new InvalidArgumentError(where, `folds[${k}].${name}`, indices, 'a non-empty array of row indices');
      }
      const out = new Int32Array(indices.length);
      for (let i = 0; i < indices.length; i++) {
        const r = indices[i];
        if (typeof r !== 'number' || !Number.isInteger(r) || r < 0 || r >= rows) {
          throw new InvalidArgumentError(where, `folds[${k}].${name}[${i}]`, r, `a row index in [0, ${rows})`);
        }
        out[i] = r;
      }
      return out;
    };
    return { train: part('train'), test: part('test') };
  });
}
