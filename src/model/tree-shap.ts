import { InvalidArgumentError } from '../errors.js';
import { baseMarginF32 } from './expf.js';
import type { BoosterModel, RegTree } from './model-types.js';
import type { Matrix } from './predict.js';

const f32 = Math.fround;

/** Deepest tree the contribution kernels take (the exact one recurses once per level). */
export const MAX_CONTRIBUTION_DEPTH = 2000;

/** Options of {@link predictContributionsMatrix}. */
export interface ContributionMatrixOptions {
  /** Use the first `treeLimit` trees; default all. */
  readonly treeLimit?: number;
  /**
   * `false` (default): exact TreeSHAP, as `predict(pred_contribs=True)`. `true`: the Saabas
   * path attribution, as `predict(pred_contribs=True, approx_contribs=True)`.
   */
  readonly approximate?: boolean;
}

/**
 * Per-row feature contributions, rows × (`numFeature` + 1) row-major: one column per feature, the
 * last column the bias (the expected margin plus the base margin). Each row sums to the row's
 * margin (up to float32 rounding of the sum).
 */
export interface Contributions extends Matrix {
  readonly data: Float32Array;
  /** Column names: the model's feature names (else `f0`, `f1`, …), then `bias`. */
  readonly names: readonly string[];
}

/**
 * Per-row contributions to the margin, bit-equal to XGBoost 1.7.4's
 * `predict(pred_contribs=True)` (exact TreeSHAP, Lundberg et al.) or, with `approximate`,
 * `predict(pred_contribs=True, approx_contribs=True)` (Saabas): XGBoost's recursion, path
 * bookkeeping and node mean values replayed operation by operation in float32, inputs rounded to
 * float32, NaN (and absent trailing columns) missing and sent the default way, per-tree values
 * added to the row in tree order and the base margin added to the bias last. Over many rows, a
 * leaf's TreeSHAP terms are worked out once per pattern of ways to it and reused (see
 * `TreeShapKernelChoice`), and a leaf's Saabas values once; the bits stay XGBoost's.
 *
 * Throws {@link InvalidArgumentError} for a matrix of the wrong shape or wider than the model, an
 * invalid `treeLimit`, or a tree deeper than {@link MAX_CONTRIBUTION_DEPTH}, before any work.
 *
 * @example
 * ```ts
 * const c = predictContributionsMatrix(booster.model, { data: new Float64Array([3, NaN, 1, 7]), rows: 1, columns: 4 });
 * c.data; // [visits, clicks, purchases, tenure, bias]; their sum is the row's margin
 * ```
 */
export function predictContributionsMatrix(
  model: BoosterModel,
  matrix: Matrix,
  options: ContributionMatrixOptions = {},
  where = 'predictContributions',
): Contributions {
  return predictContributionsWith(model, matrix, options, where, 'auto');
}

/**
 * {@link predictContributionsMatrix} with the TreeSHAP kernel chosen (see
 * {@link TreeShapKernelChoice}). Every choice gives the same bits; it only moves time.
 */
export function predictContributionsWith(
  model: BoosterModel,
  matrix: Matrix,
  options: ContributionMatrixOptions,
  where: string,
  kernel: TreeShapKernelChoice,
): Contributions {
  checkMatrix(model, matrix, where);
  return prepareContributions(model, options, where, kernel)(matrix);
}

/**
 * {@link predictContributionsMatrix} prepared once for many calls: the trees' node mean values,
 * depths and the kernels' buffers are made here, and each tree whose leaf memo fits keeps it across
 * calls, so a pattern's TreeSHAP terms worked out for one row serve every later row; the returned
 * function only runs the kernels (same values, bit for bit). For a few rows at a time, such as each
 * live alert, where preparing the trees would cost more than explaining the row.
 *
 * Throws {@link InvalidArgumentError} for an invalid `treeLimit` or a tree deeper than
 * {@link MAX_CONTRIBUTION_DEPTH} here, and for a badly shaped matrix when called.
 *
 * @example
 * ```ts
 * const explain = contributionsKernel(booster.model, { treeLimit: booster.bestNtreeLimit });
 * const c = explain({ data: row, rows: 1, columns: row.length }); // as predictContributionsMatrix
 * ```
 */
export function contributionsKernel(
  model: BoosterModel,
  options: ContributionMatrixOptions = {},
  where = 'predictContributions',
): (matrix: Matrix) => Contributions {
  return prepareContributions(model, options, where, 'persistent');
}

function checkMatrix(model: BoosterModel, matrix: Matrix, where: string): void {
  const nf = model.numFeature;
  const { data, rows, columns } = matrix;
  if (!Number.isInteger(rows) || rows < 0)
    throw new InvalidArgumentError(where, 'rows', rows, 'a non-negative integer');
  if (!Number.isInteger(columns) || columns < 0)
    throw new InvalidArgumentError(where, 'columns', columns, 'a non-negative integer');
  if (columns > nf)
    throw new InvalidArgumentError(
      where,
      'columns',
      columns,
      `at most num_feature = ${nf} columns (XGBoost rejects wider input)`,
    );
  if (data.length !== rows * columns)
    throw new InvalidArgumentError(where, 'data.length', data.length, `rows × columns = ${rows * columns}`);
}

// `persistent`: every tree whose leaf memo fits keeps its own memo across calls, so the terms of a
// pattern worked out for one row serve every later row (a live scorer explains one row per alert).
function prepareContributions(
  model: BoosterModel,
  options: ContributionMatrixOptions,
  where: string,
  kernel: TreeShapKernelChoice | 'persistent',
): (matrix: Matrix) => Contributions {
  const { approximate = false } = options;
  const nf = model.numFeature;
  const numTrees = model.trees.length;
  const limit = options.treeLimit ?? numTrees;
  if (!Number.isInteger(limit) || limit < 0 || limit > numTrees) {
    throw new InvalidArgumentError(where, 'ntreeLimit', limit, `an integer in [0, ${numTrees}] (0 = all trees)`);
  }
  const trees = model.trees.slice(0, limit === 0 ? numTrees : limit);
  const prepared = trees.map((tree, t) => prepareTree(tree, t, nf, where));
  const width = nf + 1;
  const names = [
    ...(model.featureNames.length === nf ? model.featureNames : Array.from({ length: nf }, (_, f) => `f${f}`)),
    'bias',
  ];
  const baseMargin = baseMarginF32(model.baseScore);
  const maxDepth = prepared.reduce((m, p) => Math.max(m, p.depth), 0);
  const recursive = approximate ? undefined : treeShapKernel(maxDepth, nf);
  const memo = approximate ? undefined : new LeafMemo(maxDepth);
  let kept = 0;
  const memos =
    approximate || kernel !== 'persistent'
      ? undefined
      : prepared.map((p, t) => {
          // The kept tables together stay within PERSISTENT_MEMO_LIMIT values (a model of deep,
          // bushy trees would otherwise keep up to MEMO_LIMIT per tree); later trees recurse.
          const size = memoSize(p);
          if (size > MEMO_LIMIT || kept + size > PERSISTENT_MEMO_LIMIT) return undefined;
          kept += size;
          const own = new LeafMemo(maxDepth);
          own.prepare(trees[t]!, p);
          return own;
        });
  const phi = new Float32Array(width);
  return (matrix) => {
    checkMatrix(model, matrix, where);
    const { data, rows, columns } = matrix;
    const out = new Float32Array(rows * width);
    const x = float32Rows(data, rows, columns, nf);
    // Tree by tree over all rows: every cell still receives its trees' values in tree order, as
    // XGBoost adds them row by row, and each tree's tables serve every row before the next tree.
    if (approximate) {
      const leaves = new SaabasLeaves(nf);
      for (let t = 0; t < trees.length; t++) saabasTree(trees[t]!, prepared[t]!, x, rows, nf, out, leaves);
    } else {
      for (let t = 0; t < trees.length; t++) {
        const tree = trees[t]!;
        const p = prepared[t]!;
        const own = memos?.[t];
        if (own !== undefined) {
          for (let r = 0; r < rows; r++) {
            own.tree(x, r * nf, phi);
            addTree(out, r * width, phi, p.columns);
          }
          continue;
        }
        const useMemo =
          kernel !== 'recursive' &&
          kernel !== 'persistent' &&
          (kernel === 'memo' || 2 ** p.depth <= 4 * rows) &&
          memo!.fits(p);
        if (!useMemo) {
          for (let r = 0; r < rows; r++) {
            recursive!(tree, p.means, x, r * nf, phi);
            addTree(out, r * width, phi, p.columns);
          }
        } else {
          memo!.prepare(tree, p);
          for (let r = 0; r < rows; r++) {
            memo!.tree(x, r * nf, phi);
            addTree(out, r * width, phi, p.columns);
          }
        }
      }
    }
    for (let r = 0; r < rows; r++) out[r * width + nf] = out[r * width + nf]! + baseMargin;
    return { data: out, rows, columns: width, names };
  };
}

/**
 * Which TreeSHAP kernel runs a tree: `auto` takes the leaf memo when its table fits and 4 × the
 * rows reach the patterns of the deepest leaf (2^depth; measured: for depth 5 the memo is the
 * faster from 8 rows), else the recursion; `memo` takes the memo
 * wherever its table fits; `recursive` always recurses.
 */
export type TreeShapKernelChoice = 'auto' | 'memo' | 'recursive';

/**
 * The rows as float32, `nf` values per row, NaN for absent trailing columns: XGBoost reads its
 * input as float32. A float32 input of the model's width is used as it is.
 */
function float32Rows(data: Float32Array | Float64Array, rows: number, columns: number, nf: number): Float32Array {
  if (data instanceof Float32Array && columns === nf) return data;
  const x = new Float32Array(rows * nf);
  if (columns < nf) x.fill(Number.NaN);
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) x[r * nf + c] = data[r * columns + c]!;
  return x;
}

/**
 * Adds one tree's contributions `phi` to the row's cells and clears them. XGBoost adds every
 * column of the tree's contributions; the others hold +0, and adding +0 changes no sum here (a sum
 * that starts at +0 never becomes −0), so only the tree's own columns are added.
 */
function addTree(out: Float32Array, row: number, phi: Float32Array, columns: Int32Array): void {
  for (let k = 0; k < columns.length; k++) {
    const c = columns[k]!;
    out[row + c] = out[row + c]! + phi[c]!;
    phi[c] = 0;
  }
}

interface PreparedTree {
  readonly depth: number;
  /** Cover-weighted mean leaf value under each node (XGBoost's FillNodeMeanValues), float32. */
  readonly means: Float32Array;
  /** The columns the tree can write: its split features, then the bias column. */
  readonly columns: Int32Array;
  /** Parent of each reachable node (−1 for the root). */
  readonly parent: Int32Array;
  /** Depth of each reachable node. */
  readonly depthOf: Int32Array;
  /** The reachable leaves, breadth-first. */
  readonly leaves: Int32Array;
}

function prepareTree(tree: RegTree, t: number, numFeature: number, where: string): PreparedTree {
  const { leftChildren: left, rightChildren: right, sumHessian: hess, splitConditions: value } = tree;
  const n = tree.numNodes;
  const means = new Float32Array(n);
  // Breadth-first without recursion; read backwards, every child precedes its parent. The model
  // was validated as a tree (each node reached once), so `order` holds at most n nodes.
  const order = new Int32Array(n);
  const depthOf = new Int32Array(n);
  const parent = new Int32Array(n).fill(-1);
  const used = new Uint8Array(numFeature);
  const columns = new Int32Array(numFeature + 1);
  const leaves = new Int32Array(n);
  let reached = 1;
  let leafCount = 0;
  let columnCount = 0;
  let depth = 0;
  for (let k = 0; k < reached; k++) {
    const node = order[k]!;
    const l = left[node]!;
    if (l === -1) {
      leaves[leafCount++] = node;
      continue;
    }
    const d = depthOf[node]! + 1;
    if (d > depth) depth = d;
    if (d > MAX_CONTRIBUTION_DEPTH) {
      throw new InvalidArgumentError(
        where,
        'model',
        `tree ${t} deeper than ${MAX_CONTRIBUTION_DEPTH} levels`,
        `trees at most ${MAX_CONTRIBUTION_DEPTH} levels deep for contributions`,
      );
    }
    const split = tree.splitIndices[node]!;
    if (used[split] === 0) {
      used[split] = 1;
      columns[columnCount++] = split;
    }
    const r = right[node]!;
    depthOf[l] = d;
    depthOf[r] = d;
    parent[l] = node;
    parent[r] = node;
    order[reached++] = l;
    order[reached++] = r;
  }
  for (let k = reached - 1; k >= 0; k--) {
    const node = order[k]!;
    const l = left[node]!;
    if (l === -1) {
      means[node] = value[node]!;
      continue;
    }
    const r = right[node]!;
    let result = f32(means[l]! * hess[l]!);
    result = f32(result + f32(means[r]! * hess[r]!));
    means[node] = f32(result / hess[node]!);
  }
  columns[columnCount++] = numFeature;
  return {
    depth,
    means,
    columns: columns.subarray(0, columnCount),
    parent,
    depthOf,
    leaves: leaves.subarray(0, leafCount),
  };
}

/**
 * Saabas contributions of one tree for every row (RegTree::CalculateContributionsApprox). A row's
 * values depend only on the leaf it reaches, so each leaf's values are worked out once, the first
 * time a row reaches it, by XGBoost's walk from the root in its order and float32 arithmetic; every
 * row reaching the leaf then adds them to its cells.
 */
function saabasTree(
  tree: RegTree,
  p: PreparedTree,
  x: Float32Array,
  rows: number,
  nf: number,
  out: Float32Array,
  pool: SaabasLeaves,
): void {
  const { leftChildren: left, rightChildren: right, splitIndices: split, splitConditions: cond } = tree;
  const defaultLeft = tree.defaultLeft;
  pool.clear();
  const start = new Int32Array(tree.numNodes).fill(-1);
  const count = new Int32Array(tree.numNodes);
  const width = nf + 1;
  for (let r = 0; r < rows; r++) {
    const base = r * nf;
    let node = 0;
    for (let l = left[0]!; l !== -1; l = left[node]!) {
      const v = x[base + split[node]!]!;
      node = v !== v ? (defaultLeft[node] === 1 ? l : right[node]!) : v < cond[node]! ? l : right[node]!;
    }
    if (start[node]! < 0) {
      start[node] = pool.add(tree, p, node, nf);
      count[node] = pool.size - start[node]!;
    }
    const from = start[node]!;
    const to = from + count[node]!;
    const cols = pool.columns;
    const vals = pool.values;
    const row = r * width;
    for (let k = from; k < to; k++) {
      const c = row + cols[k]!;
      out[c] = out[c]! + vals[k]!;
    }
  }
}

/** The per-leaf Saabas values of the current tree: (column, value) pairs, stored end to end. */
class SaabasLeaves {
  columns = new Int32Array(256);
  values = new Float32Array(256);
  size = 0;
  readonly #phi: Float32Array;
  readonly #touched: Int32Array;
  #path = new Int32Array(16);

  constructor(nf: number) {
    this.#phi = new Float32Array(nf + 1);
    this.#touched = new Int32Array(nf + 1).fill(-1);
  }

  /** Works out the values of `leaf` as XGBoost does for a row reaching it; returns where they start. */
  add(tree: RegTree, p: PreparedTree, leaf: number, nf: number): number {
    const d = p.depthOf[leaf]!;
    if (this.#path.length < d + 1) this.#path = new Int32Array(2 * (d + 1));
    const path = this.#path;
    for (let j = d, node = leaf; j >= 0; j--, node = p.parent[node]!) path[j] = node;
    const phi = this.#phi;
    const touched = this.#touched;
    const from = this.size;
    if (this.columns.length < from + d + 2) {
      const columns = new Int32Array(2 * (from + d + 2));
      columns.set(this.columns);
      this.columns = columns;
      const values = new Float32Array(2 * (from + d + 2));
      values.set(this.values);
      this.values = values;
    }
    let n = from;
    const touch = (c: number): void => {
      if (touched[c] !== from) {
        touched[c] = from;
        this.columns[n++] = c;
      }
    };
    const means = p.means;
    let nodeValue = means[0]!;
    phi[nf] = phi[nf]! + nodeValue;
    touch(nf);
    if (d > 0) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        s = tree.splitIndices[path[j]!]!;
        const newValue = means[path[j + 1]!]!;
        phi[s] = phi[s]! + f32(newValue - nodeValue);
        touch(s);
        nodeValue = newValue;
      }
      phi[s] = phi[s]! + f32(tree.splitConditions[leaf]! - nodeValue);
    }
    for (let k = from; k < n; k++) {
      const c = this.columns[k]!;
      this.values[k] = phi[c]!;
      phi[c] = 0;
    }
    this.size = n;
    return from;
  }

  /** Forgets the leaves of the previous tree. */
  clear(): void {
    this.size = 0;
    this.#touched.fill(-1);
  }
}

/** ExtendPath, on the path stored at `at` in the parallel arrays. */
function extendPath(
  feature: Int32Array,
  zero: Float32Array,
  one: Float32Array,
  pw: Float32Array,
  at: number,
  ud: number,
  zeroFraction: number,
  oneFraction: number,
  featureIndex: number,
): void {
  feature[at + ud] = featureIndex;
  zero[at + ud] = zeroFraction;
  one[at + ud] = oneFraction;
  pw[at + ud] = ud === 0 ? 1 : 0;
  const n = ud + 1;
  for (let i = ud - 1; i >= 0; i--) {
    pw[at + i + 1] = pw[at + i + 1]! + f32(f32(f32(oneFraction * pw[at + i]!) * (i + 1)) / n);
    pw[at + i] = f32(f32(f32(zeroFraction * pw[at + i]!) * (ud - i)) / n);
  }
}

/** UnwindPath. */
function unwindPath(
  feature: Int32Array,
  zero: Float32Array,
  one: Float32Array,
  pw: Float32Array,
  at: number,
  ud: number,
  k: number,
): void {
  const oneFraction = one[at + k]!;
  const zeroFraction = zero[at + k]!;
  let nextOne = pw[at + ud]!;
  const n = ud + 1;
  for (let i = ud - 1; i >= 0; i--) {
    if (oneFraction !== 0) {
      const tmp = pw[at + i]!;
      pw[at + i] = f32(f32(nextOne * n) / f32((i + 1) * oneFraction));
      nextOne = f32(tmp - f32(f32(f32(pw[at + i]! * zeroFraction) * (ud - i)) / n));
    } else {
      pw[at + i] = f32(f32(pw[at + i]! * n) / f32(zeroFraction * (ud - i)));
    }
  }
  for (let i = k; i < ud; i++) {
    feature[at + i] = feature[at + i + 1]!;
    zero[at + i] = zero[at + i + 1]!;
    one[at + i] = one[at + i + 1]!;
  }
}

/** UnwoundPathSum. */
function unwoundPathSum(zero: Float32Array, one: Float32Array, pw: Float32Array, at: number, ud: number, k: number) {
  const oneFraction = one[at + k]!;
  const zeroFraction = zero[at + k]!;
  let nextOne = pw[at + ud]!;
  let total = 0;
  const n = ud + 1;
  for (let i = ud - 1; i >= 0; i--) {
    if (oneFraction !== 0) {
      const tmp = f32(f32(nextOne * n) / f32((i + 1) * oneFraction));
      total = f32(total + tmp);
      nextOne = f32(pw[at + i]! - f32(f32(tmp * zeroFraction) * f32((ud - i) / n)));
    } else if (zeroFraction !== 0) {
      total = f32(total + f32(f32(pw[at + i]! / zeroFraction) / f32((ud - i) / n)));
    }
  }
  return total;
}

/** Largest table of memoised leaf values per tree, in float32 values (16 MiB). */
const MEMO_LIMIT = 1 << 22;
/** Largest total of the tables a prepared kernel keeps across calls, in float32 values (32 MiB). */
const PERSISTENT_MEMO_LIMIT = 1 << 23;

/** Values in the memo table of a tree: 2^depth patterns × depth terms per leaf; Infinity past MEMO_DEPTH. */
function memoSize(p: PreparedTree): number {
  if (p.depth > MEMO_DEPTH) return Number.POSITIVE_INFINITY;
  let size = 0;
  for (const leaf of p.leaves) size += 2 ** p.depthOf[leaf]! * p.depthOf[leaf]!;
  return size;
}

/** Deepest tree the memo takes: a leaf's pattern is an int32 bit field. */
const MEMO_DEPTH = 20;

/**
 * TreeSHAP with memoised leaves. XGBoost's recursion visits every node of the tree and adds, at
 * each leaf, one term per element of the path that leads there. Those terms depend on the row only
 * through the way the row goes at each of the leaf's ancestors (the path's one fractions): a
 * pattern of `depth` bits. This kernel walks the tree in XGBoost's order (the hot child first),
 * carrying the pattern; the first time a leaf meets a pattern its terms are worked out by replaying
 * XGBoost's path operations (ExtendPath, UnwindPath, UnwoundPathSum) from the root to that leaf, in
 * its float32 order, and stored; later rows add the stored terms to the tree's values in the same
 * order. The values are the same bits as the recursion's; the work per row falls to a walk and one
 * addition per term.
 */
class LeafMemo {
  // Replay workspace: one path, extended and unwound in place.
  readonly #feature: Int32Array;
  readonly #zero: Float32Array;
  readonly #one: Float32Array;
  readonly #pw: Float32Array;
  readonly #path: Int32Array;
  readonly #nodes: Int32Array;
  readonly #patterns: Int32Array;
  // The current tree.
  #tree: RegTree | undefined;
  #means: Float32Array = new Float32Array(0);
  #parent: Int32Array = new Int32Array(0);
  #slot: Int32Array = new Int32Array(0);
  #depth = new Int32Array(0);
  #terms = new Int32Array(0);
  #featureAt = new Int32Array(0);
  #valueAt = new Int32Array(0);
  #seenAt = new Int32Array(0);
  #features = new Int32Array(0);
  #values = new Float32Array(0);
  #seen = new Uint8Array(0);

  constructor(maxDepth: number) {
    this.#feature = new Int32Array(maxDepth + 2);
    this.#zero = new Float32Array(maxDepth + 2);
    this.#one = new Float32Array(maxDepth + 2);
    this.#pw = new Float32Array(maxDepth + 2);
    this.#path = new Int32Array(maxDepth + 2);
    this.#nodes = new Int32Array(maxDepth + 2);
    this.#patterns = new Int32Array(maxDepth + 2);
  }

  /**
   * Whether the tree's table fits (patterns of at most {@link MEMO_DEPTH} bits, at most
   * {@link MEMO_LIMIT} values). It pays when the rows outnumber a leaf's patterns.
   */
  fits(p: PreparedTree): boolean {
    return memoSize(p) <= MEMO_LIMIT;
  }

  /** Lays out the table of `tree`'s leaves: per leaf, its path's features and a row of terms per pattern. */
  prepare(tree: RegTree, p: PreparedTree): void {
    this.#tree = tree;
    this.#means = p.means;
    this.#parent = p.parent;
    const leaves = p.leaves;
    if (this.#slot.length < tree.numNodes) this.#slot = new Int32Array(tree.numNodes);
    if (this.#depth.length < leaves.length) {
      const n = leaves.length;
      this.#depth = new Int32Array(n);
      this.#terms = new Int32Array(n);
      this.#featureAt = new Int32Array(n);
      this.#valueAt = new Int32Array(n);
      this.#seenAt = new Int32Array(n);
    }
    let features = 0;
    let values = 0;
    let seen = 0;
    for (let s = 0; s < leaves.length; s++) {
      const d = p.depthOf[leaves[s]!]!;
      features += d;
      values += 2 ** d * d;
      seen += 2 ** d;
    }
    if (this.#features.length < features) this.#features = new Int32Array(features);
    if (this.#values.length < values) this.#values = new Float32Array(values);
    if (this.#seen.length < seen) this.#seen = new Uint8Array(seen);
    this.#seen.fill(0, 0, seen);
    features = 0;
    values = 0;
    seen = 0;
    const path = this.#path;
    const list = this.#feature;
    for (let s = 0; s < leaves.length; s++) {
      const leaf = leaves[s]!;
      const d = p.depthOf[leaf]!;
      for (let j = d, node = leaf; j >= 0; j--, node = p.parent[node]!) path[j] = node;
      // The path's features as XGBoost's recursion leaves them: a feature met again is unwound
      // from its place and appended anew.
      let ud = 0;
      list[0] = -1;
      for (let j = 0; j < d; j++) {
        const split = tree.splitIndices[path[j]!]!;
        let k = 0;
        while (k <= ud && list[k] !== split) k++;
        if (k <= ud) {
          for (let i = k; i < ud; i++) list[i] = list[i + 1]!;
          ud--;
        }
        list[++ud] = split;
      }
      this.#slot[leaf] = s;
      this.#depth[s] = d;
      this.#terms[s] = ud;
      this.#featureAt[s] = features;
      this.#valueAt[s] = values;
      this.#seenAt[s] = seen;
      for (let i = 1; i <= ud; i++) this.#features[features + i - 1] = list[i]!;
      features += d;
      values += 2 ** d * d;
      seen += 2 ** d;
    }
  }

  /** One row's contributions of the prepared tree into `phi` (zeroed by the caller). */
  tree(x: Float32Array, row: number, phi: Float32Array): void {
    const tree = this.#tree!;
    const { leftChildren: left, rightChildren: right, splitIndices: splitIndex, splitConditions: cond } = tree;
    const defaultLeft = tree.defaultLeft;
    const slot = this.#slot;
    const seenAt = this.#seenAt;
    const valueAt = this.#valueAt;
    const featureAt = this.#featureAt;
    const terms = this.#terms;
    const seen = this.#seen;
    const values = this.#values;
    const features = this.#features;
    const nodes = this.#nodes;
    const patterns = this.#patterns;
    const bias = phi.length - 1;
    phi[bias] = phi[bias]! + this.#means[0]!;
    nodes[0] = 0;
    patterns[0] = 0;
    let top = 1;
    while (top > 0) {
      top--;
      const node = nodes[top]!;
      const pattern = patterns[top]!;
      const l = left[node]!;
      if (l === -1) {
        const s = slot[node]!;
        const n = terms[s]!;
        const v = valueAt[s]! + pattern * n;
        const seenIndex = seenAt[s]! + pattern;
        if (seen[seenIndex] === 0) {
          this.#replay(node, this.#depth[s]!, pattern, v);
          seen[seenIndex] = 1;
        }
        const f = featureAt[s]!;
        for (let i = 0; i < n; i++) {
          const c = features[f + i]!;
          phi[c] = phi[c]! + values[v + i]!;
        }
        continue;
      }
      const value = x[row + splitIndex[node]!]!;
      const r = right[node]!;
      const hot = value !== value ? (defaultLeft[node] === 1 ? l : r) : value < cond[node]! ? l : r;
      // The cold child is pushed first so that the hot one is visited first, as XGBoost recurses.
      nodes[top] = hot === l ? r : l;
      patterns[top] = pattern << 1;
      nodes[top + 1] = hot;
      patterns[top + 1] = (pattern << 1) | 1;
      top += 2;
    }
  }

  /**
   * The terms of `leaf` for a pattern (bit `depth − 1 − j` set when the row goes toward the leaf
   * at its ancestor of depth `j`): XGBoost's recursion from the root down to the leaf, one path
   * updated in place, then UnwoundPathSum per element; stored at `v`.
   */
  #replay(leaf: number, d: number, pattern: number, v: number): void {
    const tree = this.#tree!;
    const { splitIndices: splitIndex, sumHessian: hess } = tree;
    const feature = this.#feature;
    const zero = this.#zero;
    const one = this.#one;
    const pw = this.#pw;
    const path = this.#path;
    const parent = this.#parent;
    for (let j = d, node = leaf; j > 0; j--, node = parent[node]!) path[j] = node;
    path[0] = 0;
    let ud = 0;
    let parentZero = 1;
    let parentOne = 1;
    let parentFeature = -1;
    for (let j = 0; j < d; j++) {
      const node = path[j]!;
      extendPath(feature, zero, one, pw, 0, ud, parentZero, parentOne, parentFeature);
      const split = splitIndex[node]!;
      const child = path[j + 1]!;
      const zeroFraction = f32(hess[child]! / hess[node]!);
      let incomingZero = 1;
      let incomingOne = 1;
      let k = 0;
      for (; k <= ud; k++) if (feature[k] === split) break;
      if (k !== ud + 1) {
        incomingZero = zero[k]!;
        incomingOne = one[k]!;
        unwindPath(feature, zero, one, pw, 0, ud, k);
        ud -= 1;
      }
      parentZero = f32(zeroFraction * incomingZero);
      parentOne = ((pattern >>> (d - 1 - j)) & 1) === 1 ? incomingOne : 0;
      parentFeature = split;
      ud += 1;
    }
    extendPath(feature, zero, one, pw, 0, ud, parentZero, parentOne, parentFeature);
    const leafValue = tree.splitConditions[leaf]!;
    const values = this.#values;
    for (let i = 1; i <= ud; i++) {
      const w = unwoundPathSum(zero, one, pw, 0, ud, i);
      values[v + i - 1] = f32(f32(w * f32(one[i]! - zero[i]!)) * leafValue);
    }
  }
}

/** One tree's contributions to one row into `phi` (zeroed by the caller): `(tree, means, x, row, phi)`. */
type TreeKernel = (tree: RegTree, means: Float32Array, x: Float32Array, row: number, phi: Float32Array) => void;

/**
 * XGBoost's TreeSHAP (RegTree::TreeShap with ExtendPath, UnwindPath and UnwoundPathSum) over
 * struct-of-arrays path storage: the path of recursion level `k` starts where the previous level's
 * ends, as XGBoost lays its `unique_path_data` out. Every float operation is rounded to float32 in
 * XGBoost's order of evaluation, so the results are bit-equal. Used for trees too deep, or rows too
 * few, for {@link LeafMemo}.
 */
function treeShapKernel(maxDepth: number, nf: number): TreeKernel {
  // Level k holds at most min(k, nf) + 1 elements: the root element and one per distinct feature.
  let size = 1;
  for (let k = 0; k <= maxDepth + 1; k++) size += Math.min(k, nf) + 1;
  const feature = new Int32Array(size);
  const zero = new Float32Array(size);
  const one = new Float32Array(size);
  const pw = new Float32Array(size);
  let left: Int32Array = new Int32Array(0);
  let right: Int32Array = new Int32Array(0);
  let splitIndex: Uint32Array = new Uint32Array(0);
  let cond: Float32Array = new Float32Array(0);
  let defaultLeft: Uint8Array = new Uint8Array(0);
  let hess: Float32Array = new Float32Array(0);
  let x: Float32Array = new Float32Array(0);
  let row = 0;
  let phi: Float32Array = new Float32Array(0);

  const recurse = (
    node: number,
    depth: number,
    parentAt: number,
    parentZero: number,
    parentOne: number,
    parentFeature: number,
  ): void => {
    let ud = depth;
    // Copy the parent's path (ud + 1 elements) to this level's slot.
    const at = parentAt + ud + 1;
    for (let i = 0; i <= ud; i++) {
      feature[at + i] = feature[parentAt + i]!;
      zero[at + i] = zero[parentAt + i]!;
      one[at + i] = one[parentAt + i]!;
      pw[at + i] = pw[parentAt + i]!;
    }
    extendPath(feature, zero, one, pw, at, ud, parentZero, parentOne, parentFeature);
    const l = left[node]!;
    if (l === -1) {
      const leaf = cond[node]!;
      for (let i = 1; i <= ud; i++) {
        const w = unwoundPathSum(zero, one, pw, at, ud, i);
        const e = at + i;
        const f = feature[e]!;
        phi[f] = phi[f]! + f32(f32(w * f32(one[e]! - zero[e]!)) * leaf);
      }
      return;
    }
    const split = splitIndex[node]!;
    const v = x[row + split]!;
    const hot = v !== v ? (defaultLeft[node] === 1 ? l : right[node]!) : v < cond[node]! ? l : right[node]!;
    const cold = hot === l ? right[node]! : l;
    const w = hess[node]!;
    const hotZero = f32(hess[hot]! / w);
    const coldZero = f32(hess[cold]! / w);
    let incomingZero = 1;
    let incomingOne = 1;
    let k = 0;
    for (; k <= ud; k++) if (feature[at + k] === split) break;
    if (k !== ud + 1) {
      incomingZero = zero[at + k]!;
      incomingOne = one[at + k]!;
      unwindPath(feature, zero, one, pw, at, ud, k);
      ud -= 1;
    }
    recurse(hot, ud + 1, at, f32(hotZero * incomingZero), incomingOne, split);
    recurse(cold, ud + 1, at, f32(coldZero * incomingZero), 0, split);
  };

  return (tree, means, rows, rowAt, out) => {
    left = tree.leftChildren;
    right = tree.rightChildren;
    splitIndex = tree.splitIndices;
    cond = tree.splitConditions;
    defaultLeft = tree.defaultLeft;
    hess = tree.sumHessian;
    x = rows;
    row = rowAt;
    phi = out;
    out[nf] = out[nf]! + means[0]!;
    recurse(0, 0, 0, 1, 1, -1);
  };
}
