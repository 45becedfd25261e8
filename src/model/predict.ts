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
  /** The same trees padded to complete binary trees, for the fast kernels; `null` when a tree is too deep. */
  readonly complete: CompleteLayout | null;
  /** Every tree padded to the forest's depth, for the one-row kernel; `null` when too deep. */
  readonly uniform: CompleteLayout | null;
  /** Scratch space of `numFeature` values for the one-row kernel, so it allocates nothing. */
  readonly rowScratch: Float64Array;
}

/**
 * Trees padded to complete binary trees of their own depth, in level order: internal node `i` of
 * tree `t` is entry `internalOffset[t] + i`, its children `2i+1` and `2i+2`, and the walk ends after
 * `depth[t]` steps at leaf slot `i − (2^depth − 1)`. A leaf above the bottom level is copied into
 * every slot below it, so the path length is fixed and the walk needs no data-dependent branch:
 * `i = 2i + 1 + (x ≥ threshold)` (`<` goes left, as in XGBoost).
 */
export interface CompleteLayout {
  readonly depth: Int32Array;
  readonly internalOffset: Int32Array;
  readonly leafOffset: Int32Array;
  readonly feature: Int32Array;
  /** Float32 thresholds held as doubles (exact), so the compare needs no conversion. */
  readonly threshold: Float64Array;
  /** 1 when a missing value goes right (XGBoost's `default_left = 0`). */
  readonly missingRight: Int32Array;
  readonly leafValue: Float64Array;
}

/** Deepest tree the complete layout takes (2^12 leaf slots); deeper forests use the node table. */
const MAX_COMPLETE_DEPTH = 12;

/**
 * Flattens a model's trees into one {@link FlatForest}. The model must have passed
 * `validateModel` (the `Booster` constructor runs it): a tree with a cycle would make the walk loop.
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
  const forest = {
    numTrees,
    numFeature: model.numFeature,
    baseMargin: baseMarginF32(model.baseScore),
    nodeOffset,
    left,
    right,
    feature,
    threshold,
    defaultLeft,
  };
  const complete = completeLayout(forest);
  let uniform: CompleteLayout | null = null;
  if (complete !== null) {
    const maxDepth = complete.depth.reduce((a, b) => Math.max(a, b), 0);
    if (maxDepth <= MAX_UNIFORM_DEPTH) uniform = completeLayout(forest, maxDepth);
  }
  return { ...forest, complete, uniform, rowScratch: new Float64Array(model.numFeature) };
}

/** Deepest forest the one-row kernel pads every tree to. */
const MAX_UNIFORM_DEPTH = 8;

type NodeTable = Omit<FlatForest, 'complete' | 'uniform' | 'rowScratch'>;

function completeLayout(f: NodeTable, uniformDepth?: number): CompleteLayout | null {
  const depth = new Int32Array(f.numTrees);
  let internalTotal = 0;
  for (let t = 0; t < f.numTrees; t++) {
    const d = uniformDepth ?? treeDepth(f, f.nodeOffset[t]!);
    if (d > MAX_COMPLETE_DEPTH) return null;
    depth[t] = d;
    internalTotal += 2 ** d - 1;
  }
  // Padding a lopsided tree can cost far more than its nodes; stay within a few times the model.
  const realNodes = f.nodeOffset[f.numTrees]!;
  if (uniformDepth === undefined && internalTotal > 16 * realNodes + 4096) return null;
  const internalOffset = new Int32Array(f.numTrees + 1);
  const leafOffset = new Int32Array(f.numTrees + 1);
  for (let t = 0; t < f.numTrees; t++) {
    internalOffset[t + 1] = internalOffset[t]! + 2 ** depth[t]! - 1;
    leafOffset[t + 1] = leafOffset[t]! + 2 ** depth[t]!;
  }
  const feature = new Int32Array(internalTotal);
  const threshold = new Float64Array(internalTotal);
  const missingRight = new Int32Array(internalTotal);
  const leafValue = new Float64Array(leafOffset[f.numTrees]!);
  for (let t = 0; t < f.numTrees; t++) {
    const d = depth[t]!;
    const io = internalOffset[t]!;
    const lo = leafOffset[t]!;
    const internal = 2 ** d - 1;
    // Iterative level-order fill: (node, slot, level) triples.
    const stack: number[] = [f.nodeOffset[t]!, 0, 0];
    while (stack.length > 0) {
      const level = stack.pop()!;
      const slot = stack.pop()!;
      const node = stack.pop()!;
      if (level === d) {
        leafValue[lo + slot - internal] = f.threshold[node]!;
        continue;
      }
      const leaf = f.left[node] === -1;
      if (!leaf) {
        feature[io + slot] = f.feature[node]!;
        threshold[io + slot] = f.threshold[node]!;
        missingRight[io + slot] = f.defaultLeft[node] === 1 ? 0 : 1;
      }
      // A leaf above the bottom sends both ways to copies of itself (feature 0, threshold 0: any).
      stack.push(leaf ? node : f.left[node]!, 2 * slot + 1, level + 1);
      stack.push(leaf ? node : f.right[node]!, 2 * slot + 2, level + 1);
    }
  }
  return { depth, internalOffset, leafOffset, feature, threshold, missingRight, leafValue };
}

/**
 * Depth of the deepest leaf below `root` (0 for a lone leaf); iterative, so hostile depth cannot overflow the stack.
 */
function treeDepth(f: NodeTable, root: number): number {
  let max = 0;
  const stack: number[] = [root, 0];
  while (stack.length > 0) {
    const d = stack.pop()!;
    const n = stack.pop()!;
    if (d > MAX_COMPLETE_DEPTH) return d;
    if (f.left[n] === -1) {
      if (d > max) max = d;
      continue;
    }
    stack.push(f.left[n]!, d + 1, f.right[n]!, d + 1);
  }
  return max;
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
 *
 * @example
 * ```ts
 * resolveTreeLimit(forest, 0, 'predict'); // forest.numTrees
 * ```
 */
export function resolveTreeLimit(forest: FlatForest, ntreeLimit: number | undefined, where: string): number {
  if (ntreeLimit === undefined || ntreeLimit === 0) return forest.numTrees;
  if (!Number.isInteger(ntreeLimit) || ntreeLimit < 0 || ntreeLimit > forest.numTrees) {
    throw new InvalidArgumentError(
      where,
      'ntreeLimit',
      ntreeLimit,
      `an integer in [0, ${forest.numTrees}] (0 = all trees)`,
    );
  }
  return ntreeLimit;
}

function checkMatrix(forest: FlatForest, matrix: Matrix, where: string): void {
  const { data, rows, columns } = matrix;
  if (!Number.isInteger(rows) || rows < 0)
    throw new InvalidArgumentError(where, 'rows', rows, 'a non-negative integer');
  if (!Number.isInteger(columns) || columns < 0)
    throw new InvalidArgumentError(where, 'columns', columns, 'a non-negative integer');
  if (columns > forest.numFeature) {
    throw new InvalidArgumentError(
      where,
      'columns',
      columns,
      `at most num_feature = ${forest.numFeature} columns (XGBoost rejects wider input)`,
    );
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
export function predictMarginMatrix(
  forest: FlatForest,
  matrix: Matrix,
  treeLimit = forest.numTrees,
  where = 'predictMargin',
): Float32Array {
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
    const complete = forest.complete;
    if (complete !== null) {
      if (hasNaN(block, count * width)) completeBlockNaN(complete, block, count, width, treeLimit, out, start);
      else completeBlock(complete, block, count, width, treeLimit, out, start);
      continue;
    }
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
        out[start + r]! += threshold[n]!; // Float32Array store rounds: a float32 add
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
export function predictLeafMatrix(
  forest: FlatForest,
  matrix: Matrix,
  treeLimit = forest.numTrees,
  where = 'predictLeaf',
): Int32Array {
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

function hasNaN(block: Float32Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (block[i] !== block[i]) return true;
  return false;
}

/*
 * The fast kernel: no NaN in the block, eight rows walked in lockstep so their independent loads
 * and compares overlap. `(x >= t)` added to a number is 0 or 1 without a branch. Margins are
 * accumulated in a Float32Array, so each `+=` is a float32 addition, in tree order per row.
 */
function completeBlock(
  c: CompleteLayout,
  x: Float32Array,
  count: number,
  w: number,
  treeLimit: number,
  out: Float32Array,
  start: number,
): void {
  const { depth, internalOffset, leafOffset, feature: f, threshold: th, leafValue } = c;
  for (let t = 0; t < treeLimit; t++) {
    const d = depth[t]!;
    const io = internalOffset[t]!;
    const lo = leafOffset[t]! - ((1 << d) - 1);
    let r = 0;
    for (; r + 8 <= count; r += 8) {
      const b0 = r * w;
      const b1 = b0 + w;
      const b2 = b1 + w;
      const b3 = b2 + w;
      const b4 = b3 + w;
      const b5 = b4 + w;
      const b6 = b5 + w;
      const b7 = b6 + w;
      let i0 = 0;
      let i1 = 0;
      let i2 = 0;
      let i3 = 0;
      let i4 = 0;
      let i5 = 0;
      let i6 = 0;
      let i7 = 0;
      for (let k = 0; k < d; k++) {
        let g = io + i0;
        i0 = 2 * i0 + 1 + ((x[b0 + f[g]!]! >= th[g]!) as unknown as number);
        g = io + i1;
        i1 = 2 * i1 + 1 + ((x[b1 + f[g]!]! >= th[g]!) as unknown as number);
        g = io + i2;
        i2 = 2 * i2 + 1 + ((x[b2 + f[g]!]! >= th[g]!) as unknown as number);
        g = io + i3;
        i3 = 2 * i3 + 1 + ((x[b3 + f[g]!]! >= th[g]!) as unknown as number);
        g = io + i4;
        i4 = 2 * i4 + 1 + ((x[b4 + f[g]!]! >= th[g]!) as unknown as number);
        g = io + i5;
        i5 = 2 * i5 + 1 + ((x[b5 + f[g]!]! >= th[g]!) as unknown as number);
        g = io + i6;
        i6 = 2 * i6 + 1 + ((x[b6 + f[g]!]! >= th[g]!) as unknown as number);
        g = io + i7;
        i7 = 2 * i7 + 1 + ((x[b7 + f[g]!]! >= th[g]!) as unknown as number);
      }
      const o = start + r;
      out[o]! += leafValue[lo + i0]!;
      out[o + 1]! += leafValue[lo + i1]!;
      out[o + 2]! += leafValue[lo + i2]!;
      out[o + 3]! += leafValue[lo + i3]!;
      out[o + 4]! += leafValue[lo + i4]!;
      out[o + 5]! += leafValue[lo + i5]!;
      out[o + 6]! += leafValue[lo + i6]!;
      out[o + 7]! += leafValue[lo + i7]!;
    }
    for (; r < count; r++) {
      const b = r * w;
      let i = 0;
      for (let k = 0; k < d; k++) {
        const g = io + i;
        i = 2 * i + 1 + ((x[b + f[g]!]! >= th[g]!) as unknown as number);
      }
      out[start + r]! += leafValue[lo + i]!;
    }
  }
}

/** The kernel for blocks with missing values: NaN fails `>=`, so it goes right only where `missingRight`. */
function completeBlockNaN(
  c: CompleteLayout,
  x: Float32Array,
  count: number,
  w: number,
  treeLimit: number,
  out: Float32Array,
  start: number,
): void {
  const { depth, internalOffset, leafOffset, feature: f, threshold: th, missingRight: mr, leafValue } = c;
  for (let t = 0; t < treeLimit; t++) {
    const d = depth[t]!;
    const io = internalOffset[t]!;
    const lo = leafOffset[t]! - ((1 << d) - 1);
    for (let r = 0; r < count; r++) {
      const b = r * w;
      let i = 0;
      for (let k = 0; k < d; k++) {
        const g = io + i;
        const v = x[b + f[g]!]!;
        i = 2 * i + 1 + (((v >= th[g]!) as unknown as number) | (((v !== v) as unknown as number) & mr[g]!));
      }
      out[start + r]! += leafValue[lo + i]!;
    }
  }
}

/** Copies `count` rows into the float32 block, padding absent columns with NaN (missing). */
function loadBlock(
  block: Float32Array,
  data: Float32Array | Float64Array,
  start: number,
  count: number,
  columns: number,
  width: number,
): void {
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
    throw new InvalidArgumentError(
      'predictRow',
      'row.length',
      columns,
      `at most num_feature = ${forest.numFeature} values (XGBoost rejects wider input)`,
    );
  }
  const u = forest.uniform;
  if (u !== null && columns === forest.numFeature)
    return uniformRowMargin(u, forest.baseMargin, row, treeLimit, forest.rowScratch);
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

/*
 * One row through trees padded to one depth. The row is first copied, rounded to float32, into a
 * scratch array (no allocation); without NaN the walk needs no missing-value test. Four trees are
 * walked at a time: independent chains of loads the CPU overlaps. Leaves are still added to the
 * margin in tree order.
 */
function uniformRowMargin(
  c: CompleteLayout,
  base: number,
  row: ArrayLike<number>,
  treeLimit: number,
  x: Float64Array,
): number {
  let missing = 0;
  for (let j = 0; j < x.length; j++) {
    const v = Math.fround(row[j]!);
    x[j] = v;
    missing |= (v !== v) as unknown as number;
  }
  const { feature: f, threshold: th, missingRight: mr, leafValue } = c;
  const d = treeLimit > 0 ? c.depth[0]! : 0;
  const internal = (1 << d) - 1;
  const leaves = 1 << d;
  let m = base;
  let t = 0;
  if (missing === 0) {
    for (; t + 4 <= treeLimit; t += 4) {
      const o0 = t * internal;
      const o1 = o0 + internal;
      const o2 = o1 + internal;
      const o3 = o2 + internal;
      let i0 = 0;
      let i1 = 0;
      let i2 = 0;
      let i3 = 0;
      for (let k = 0; k < d; k++) {
        let g = o0 + i0;
        i0 = 2 * i0 + 1 + ((x[f[g]!]! >= th[g]!) as unknown as number);
        g = o1 + i1;
        i1 = 2 * i1 + 1 + ((x[f[g]!]! >= th[g]!) as unknown as number);
        g = o2 + i2;
        i2 = 2 * i2 + 1 + ((x[f[g]!]! >= th[g]!) as unknown as number);
        g = o3 + i3;
        i3 = 2 * i3 + 1 + ((x[f[g]!]! >= th[g]!) as unknown as number);
      }
      const l = t * leaves - internal;
      m = Math.fround(m + leafValue[l + i0]!);
      m = Math.fround(m + leafValue[l + leaves + i1]!);
      m = Math.fround(m + leafValue[l + 2 * leaves + i2]!);
      m = Math.fround(m + leafValue[l + 3 * leaves + i3]!);
    }
  }
  for (; t < treeLimit; t++) {
    const o = t * internal;
    let i = 0;
    for (let k = 0; k < d; k++) {
      const g = o + i;
      const v = x[f[g]!]!;
      i = 2 * i + 1 + (((v >= th[g]!) as unknown as number) | (((v !== v) as unknown as number) & mr[g]!));
    }
    m = Math.fround(m + leafValue[t * leaves - internal + i]!);
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
