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
 * added to the row in tree order and the base margin added to the bias last.
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
  const { approximate = false } = options;
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
  const numTrees = model.trees.length;
  const limit = options.treeLimit ?? numTrees;
  if (!Number.isInteger(limit) || limit < 0 || limit > numTrees) {
    throw new InvalidArgumentError(where, 'ntreeLimit', limit, `an integer in [0, ${numTrees}] (0 = all trees)`);
  }
  const trees = model.trees.slice(0, limit === 0 ? numTrees : limit);
  const prepared = trees.map((tree, t) => prepareTree(tree, t, nf, where));
  const maxDepth = prepared.reduce((m, p) => Math.max(m, p.depth), 0);
  const width = nf + 1;
  const out = new Float32Array(rows * width);
  const names = [
    ...(model.featureNames.length === nf ? model.featureNames : Array.from({ length: nf }, (_, f) => `f${f}`)),
    'bias',
  ];
  const baseMargin = baseMarginF32(model.baseScore);
  const x = new Float32Array(nf);
  const phi = new Float32Array(width);
  const kernel: TreeKernel = approximate
    ? (tree, means, row, out) => saabas(tree, means, row, out, nf)
    : treeShapKernel(maxDepth, nf);
  for (let r = 0; r < rows; r++) {
    x.fill(Number.NaN);
    for (let c = 0; c < columns; c++) x[c] = data[r * columns + c]!;
    const row = r * width;
    for (let t = 0; t < trees.length; t++) {
      const p = prepared[t]!;
      kernel(trees[t]!, p.means, x, phi);
      // XGBoost adds every column of the tree's contributions; the others hold +0, and adding +0
      // changes no sum here (a sum that starts at +0 never becomes −0), so only the tree's own
      // columns are added, and reset for the next tree.
      const columnsOfTree = p.columns;
      for (let k = 0; k < columnsOfTree.length; k++) {
        const c = columnsOfTree[k]!;
        out[row + c] = out[row + c]! + phi[c]!;
        phi[c] = 0;
      }
    }
    out[row + nf] = out[row + nf]! + baseMargin;
  }
  return { data: out, rows, columns: width, names };
}

interface PreparedTree {
  readonly depth: number;
  /** Cover-weighted mean leaf value under each node (XGBoost's FillNodeMeanValues), float32. */
  readonly means: Float32Array;
  /** The columns the tree can write: its split features, then the bias column. */
  readonly columns: Int32Array;
}

function prepareTree(tree: RegTree, t: number, numFeature: number, where: string): PreparedTree {
  const { leftChildren: left, rightChildren: right, sumHessian: hess, splitConditions: value } = tree;
  const means = new Float32Array(tree.numNodes);
  // Post-order without recursion: `order` is a pre-order, read backwards every child precedes its parent.
  const order: number[] = [0];
  const depthOf = new Int32Array(tree.numNodes);
  let depth = 0;
  for (let k = 0; k < order.length; k++) {
    const node = order[k]!;
    const l = left[node]!;
    if (l === -1) continue;
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
    depthOf[l] = d;
    depthOf[right[node]!] = d;
    order.push(l, right[node]!);
  }
  for (let k = order.length - 1; k >= 0; k--) {
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
  const used = new Set<number>();
  for (const node of order) if (left[node] !== -1) used.add(tree.splitIndices[node]!);
  return { depth, means, columns: Int32Array.from([...used, numFeature]) };
}

/** The child a value goes to: missing → the default side, else `<` threshold → left. */
function nextNode(tree: RegTree, node: number, v: number): number {
  if (Number.isNaN(v)) return tree.defaultLeft[node] === 1 ? tree.leftChildren[node]! : tree.rightChildren[node]!;
  return v < tree.splitConditions[node]! ? tree.leftChildren[node]! : tree.rightChildren[node]!;
}

/** RegTree::CalculateContributionsApprox. */
function saabas(tree: RegTree, means: Float32Array, x: Float32Array, phi: Float32Array, nf: number): void {
  let nodeValue = means[0]!;
  phi[nf] = phi[nf]! + nodeValue;
  if (tree.leftChildren[0] === -1) return;
  let node = 0;
  let split = 0;
  while (tree.leftChildren[node] !== -1) {
    split = tree.splitIndices[node]!;
    node = nextNode(tree, node, x[split]!);
    const newValue = means[node]!;
    phi[split] = phi[split]! + f32(newValue - nodeValue);
    nodeValue = newValue;
  }
  phi[split] = phi[split]! + f32(tree.splitConditions[node]! - nodeValue);
}

/** One tree's contributions into `phi` (zeroed by the caller): `(tree, means, x, phi)`. */
type TreeKernel = (tree: RegTree, means: Float32Array, x: Float32Array, phi: Float32Array) => void;

/**
 * XGBoost's TreeSHAP (RegTree::TreeShap with ExtendPath, UnwindPath and UnwoundPathSum) over
 * struct-of-arrays path storage: the path of recursion level `k` starts where the previous level's
 * ends, as XGBoost lays its `unique_path_data` out. Every float operation is rounded to float32 in
 * XGBoost's order of evaluation, so the results are bit-equal. The path arrays are closure
 * constants and the tree's arrays are read once per tree, which keeps the recursion monomorphic.
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
  let phi: Float32Array = new Float32Array(0);

  /** ExtendPath. */
  const extend = (at: number, ud: number, zeroFraction: number, oneFraction: number, featureIndex: number): void => {
    feature[at + ud] = featureIndex;
    zero[at + ud] = zeroFraction;
    one[at + ud] = oneFraction;
    pw[at + ud] = ud === 0 ? 1 : 0;
    const n = ud + 1;
    for (let i = ud - 1; i >= 0; i--) {
      pw[at + i + 1] = pw[at + i + 1]! + f32(f32(f32(oneFraction * pw[at + i]!) * (i + 1)) / n);
      pw[at + i] = f32(f32(f32(zeroFraction * pw[at + i]!) * (ud - i)) / n);
    }
  };

  /** UnwindPath. */
  const unwind = (at: number, ud: number, k: number): void => {
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
  };

  /** UnwoundPathSum. */
  const unwoundSum = (at: number, ud: number, k: number): number => {
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
  };

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
    extend(at, ud, parentZero, parentOne, parentFeature);
    const l = left[node]!;
    if (l === -1) {
      const leaf = cond[node]!;
      for (let i = 1; i <= ud; i++) {
        const w = unwoundSum(at, ud, i);
        const e = at + i;
        const f = feature[e]!;
        phi[f] = phi[f]! + f32(f32(w * f32(one[e]! - zero[e]!)) * leaf);
      }
      return;
    }
    const split = splitIndex[node]!;
    const v = x[split]!;
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
      unwind(at, ud, k);
      ud -= 1;
    }
    recurse(hot, ud + 1, at, f32(hotZero * incomingZero), incomingOne, split);
    recurse(cold, ud + 1, at, f32(coldZero * incomingZero), 0, split);
  };

  return (tree, means, row, out) => {
    left = tree.leftChildren;
    right = tree.rightChildren;
    splitIndex = tree.splitIndices;
    cond = tree.splitConditions;
    defaultLeft = tree.defaultLeft;
    hess = tree.sumHessian;
    x = row;
    phi = out;
    out[nf] = out[nf]! + means[0]!;
    recurse(0, 0, 0, 1, 1, -1);
  };
}
