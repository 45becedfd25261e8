import { InvalidArgumentError } from '../errors.js';
import { baseMarginF32, sigmoidF32 } from './expf.js';
import type { BoosterModel } from './model-types.js';

/**
 * All trees of a model in one node table of typed arrays, the layout prediction walks. Node `i` of
 * tree `t` is row `nodeOffset[t] + i`; children are stored as global rows, `-1` on leaves, and a
 * leaf's value sits in `threshold` (as XGBoost keeps it in `split_conditions`).
 */
export interface FlatForest {
  readonly numTrees: number;
  readonly numFeature: number;
  /** `−logf(1/base_score − 1)` in float32. */
  readonly baseMargin: number;
  /** First global row of each tree (its root); one extra entry with the total node count. */
  readonly nodeOffset: Int32Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly feature: Int32Array;
  /** Split threshold (float32) on internal nodes, leaf value on leaves. */
  readonly threshold: Float32Array;
  readonly defaultLeft: Uint8Array;
}

/**
 * Flattens a validated model's trees into one {@link FlatForest}.
 *
 * @example
 * ```ts
 * const forest = flattenModel(booster.model);
 * predictMarginMatrix(forest, { data, rows, columns });
 * ```
 */
export function flattenModel(model: BoosterModel): FlatForest {
  const numTrees = model.trees.length;
  const nodeOffset = new Int32Array(numTrees + 1);
  for (let t = 0; t < numTrees; t++) nodeOffset[t + 1] = nodeOffset[t]! + model.trees[t]!.numNodes;
  const total = nodeOffset[numTrees]!;
  const left = new Int32Array(total);
  const right = new Int32Array(total);
  const feature = new Int32Array(total);
  const threshold = new Float32Array(total);
  const defaultLeft = new Uint8Array(total);
  for (let t = 0; t < numTrees; t++) {
    const tree = model.trees[t]!;
    const base = nodeOffset[t]!;
    for (let i = 0; i < tree.numNodes; i++) {
      const g = base + i;
      const l = tree.leftChildren[i]!;
      threshold[g] = tree.splitConditions[i]!;
      if (l === -1) {
        left[g] = -1;
        right[g] = -1;
        continue;
      }
      left[g] = base + l;
      right[g] = base + tree.rightChildren[i]!;
      feature[g] = tree.splitIndices[i]!;
      defaultLeft[g] = tree.defaultLeft[i]!;
    }
  }
  return { numTrees, numFeature: model.numFeature, baseMargin: baseMarginF32(model.baseScore), nodeOffset, left, right, feature, threshold, defaultLeft };
}

/** A row-major numeric matrix: `data[r * columns + c]`. */
export interface Matrix {
  readonly data: Float32Array | Float64Array;
  readonly rows: number;
  readonly columns: number;
}

/** Rows per block: trees are walked tree-major over a block so the node table stays in cache. */
const BLOCK = 64;

/**
 * Resolves how many trees to use: `ntreeLimit` when given (0 means all, as in XGBoost), else all.
 * Values beyond the tree count are an error, as XGBoost's `ntree_limit` is.
 */
export function resolveTreeLimit(forest: FlatForest, ntreeLimit: number | undefined, where: string): number {
  if (ntreeLimit === undefined || ntreeLimit === 0) return forest.numTrees;
  if (!Number.isInteger(ntreeLimit) || ntreeLimit < 0 || ntreeLimit > forest.numTrees) {
    throw new InvalidArgumentError(where, 'ntreeLimit', ntreeLimit, `an integer in [0, ${forest.numTrees}] (0 = all trees)`);
  }
  return ntreeLimit;
}

function checkMatrix(forest: FlatForest, matrix: Matrix, where: string): void {
  const { data, rows, columns } = matrix;
  if (!Number.isInteger(rows) || rows < 0) throw new InvalidArgumentError(where, 'rows', rows, 'a non-negative integer');
  if (!Number.isInteger(columns) || columns < 0) throw new InvalidArgumentError(where, 'columns', columns, 'a non-negative integer');
  if (columns > forest.numFeature) {
    throw new InvalidArgumentError(where, 'columns', columns, `at most num_feature = ${forest.numFeature} columns (XGBoost rejects wider input)`);
  }
  if (data.length !== rows * columns) {
    throw new InvalidArgumentError(where, 'data.length', data.length, `rows × columns = ${rows * columns}`);
  }
}

/**
 * Raw margins for every row of a matrix, exactly as XGBoost 1.7.4's `predict(output_margin=True)`:
 * inputs rounded to float32, `<` against float32 thresholds, NaN following the default direction,
 * absent trailing columns missing, margins summed in float32 in tree order from the base margin.
 *
 * @example
 * ```ts
 * const margins = predictMarginMatrix(flattenModel(model), { data: new Float64Array([1, 0, 2, 3]), rows: 1, columns: 4 });
 * ```
 */
export function predictMarginMatrix(forest: FlatForest, matrix: Matrix, treeLimit = forest.numTrees, where = 'predictMargin'): Float32Array {
  checkMatrix(forest, matrix, where);
  const { data, rows, columns } = matrix;
  const width = forest.numFeature;
  const out = new Float32Array(rows);
  const block = new Float32Array(BLOCK * width);
  const { left, right, feature, threshold, defaultLeft, nodeOffset } = forest;
  for (let start = 0; start < rows; start += BLOCK) {
    const count = Math.min(BLOCK, rows - start);
    loadBlock(block, data, start, count, columns, width);
    for (let r = 0; r < count; r++) out[start + r] = forest.baseMargin;
    for (let t = 0; t < treeLimit; t++) {
      const root = nodeOffset[t]!;
      for (let r = 0; r < count; r++) {
        const rowBase = r * width;
        let n = root;
        let l = left[n]!;
        while (l !== -1) {
          const v = block[rowBase + feature[n]!]!;
          if (v < threshold[n]!) n = l;
          else if (v !== v && defaultLeft[n] === 1) n = l;
          else n = right[n]!;
          l = left[n]!;
        }
        out[start + r] += threshold[n]!; // Float32Array store rounds: a float32 add
      }
    }
  }
  return out;
}

/**
 * Leaf ids (node ids within each tree) for every row, rows × trees, row-major, as XGBoost's
 * `predict(pred_leaf=True)`.
 *
 * @example
 * ```ts
 * const leaves = predictLeafMatrix(forest, matrix); // leaves[r * trees + t]
 * ```
 */
export function predictLeafMatrix(forest: FlatForest, matrix: Matrix, treeLimit = forest.numTrees, where = 'predictLeaf'): Int32Array {
  checkMatrix(forest, matrix, where);
  const { data, rows, columns } = matrix;
  const width = forest.numFeature;
  const out = new Int32Array(rows * treeLimit);
  const block = new Float32Array(BLOCK * width);
  const { left, right, feature, threshold, defaultLeft, nodeOffset } = forest;
  for (let start = 0; start < rows; start += BLOCK) {
    const count = Math.min(BLOCK, rows - start);
    loadBlock(block, data, start, count, columns, width);
    for (let t = 0; t < treeLimit; t++) {
      const root = nodeOffset[t]!;
      for (let r = 0; r < count; r++) {
        const rowBase = r * width;
        let n = root;
        let l = left[n]!;
        while (l !== -1) {
          const v = block[rowBase + feature[n]!]!;
          if (v < threshold[n]!) n = l;
          else if (v !== v && defaultLeft[n] === 1) n = l;
          else n = right[n]!;
          l = left[n]!;
        }
        out[(start + r) * treeLimit + t] = n - root;
      }
    }
  }
  return out;
}

/** Copies `count` rows into the float32 block, padding absent columns with NaN (missing). */
function loadBlock(block: Float32Array, data: Float32Array | Float64Array, start: number, count: number, columns: number, width: number): void {
  if (columns === width) {
    block.set(data.subarray(start * width, (start + count) * width));
    return;
  }
  for (let r = 0; r < count; r++) {
    const src = (start + r) * columns;
    const dst = r * width;
    for (let c = 0; c < columns; c++) block[dst + c] = data[src + c]!;
    for (let c = columns; c < width; c++) block[dst + c] = Number.NaN;
  }
}

/**
 * The margin of one row without allocating: values are rounded to float32 on read, columns past
 * `row.length` are missing. For live scoring, one call per event.
 *
 * @example
 * ```ts
 * predictRowMarginFlat(forest, [3, 0, 1, 7]);
 * ```
 */
export function predictRowMarginFlat(forest: FlatForest, row: ArrayLike<number>, treeLimit = forest.numTrees): number {
  const { left, right, feature, threshold, defaultLeft, nodeOffset } = forest;
  const columns = row.length;
  if (columns > forest.numFeature) {
    throw new InvalidArgumentError('predictRow', 'row.length', columns, `at most num_feature = ${forest.numFeature} values (XGBoost rejects wider input)`);
  }
  let m = forest.baseMargin;
  for (let t = 0; t < treeLimit; t++) {
    let n = nodeOffset[t]!;
    let l = left[n]!;
    while (l !== -1) {
      const f = feature[n]!;
      const v = f < columns ? Math.fround(row[f]!) : Number.NaN;
      if (v < threshold[n]!) n = l;
      else if (v !== v && defaultLeft[n] === 1) n = l;
      else n = right[n]!;
      l = left[n]!;
    }
    m = Math.fround(m + threshold[n]!);
  }
  return m;
}

/**
 * Turns margins into probabilities in place with XGBoost's float32 sigmoid; returns the array.
 *
 * @example
 * ```ts
 * marginsToProbabilities(new Float32Array([0])); // Float32Array [0.5]
 * ```
 */
export function marginsToProbabilities(margins: Float32Array): Float32Array {
  for (let i = 0; i < margins.length; i++) margins[i] = sigmoidF32(margins[i]!);
  return margins;
}
