/**
 * The `hist` tree grower, XGBoost 1.7.4's `grow_quantile_histmaker` (depthwise, one thread), as a
 * driver over three parts: the {@link RowPartitioner} (rows of each node), the histogram kernel
 * ({@link createHistogramKernel}, with the sibling subtraction) and the split evaluator
 * ({@link evaluateHistSplit}).
 *
 * Ownership: the training loop creates one {@link HistWorkspace} per run and owns it; every buffer
 * a tree needs lives there. A grow call borrows the workspace for one tree and allocates only the
 * tree it returns; the `leafOf` it returns is the workspace's buffer, valid until the next call.
 */
import type { ColumnSampler } from './column-sampler.js';
import type { BinMatrix, HistCuts } from './hist-cuts.js';
import { HistSplit, evaluateHistSplit } from './hist-split-evaluator.js';
import { HistogramPool, subtractHistogram } from './histogram-builder.js';
import { type HistogramKernel, type HistogramKernelOptions, createHistogramKernel } from './histogram-kernel.js';
import type { RegTree } from './model-types.js';
import { RowPartitioner } from './row-partitioner.js';
import { histSampledRows } from './row-sampler.js';
import { type SplitParams, calcGain, calcWeight } from './split-evaluator.js';
import { TreeBuilder } from './tree-builder.js';

/** What {@link growHistTree} needs besides the gradients: the data as bins, and the parameters. */
export interface HistGrowContext {
  readonly rows: number;
  readonly columns: number;
  readonly cuts: HistCuts;
  readonly bins: BinMatrix;
  readonly params: SplitParams & {
    readonly eta: number;
    readonly gamma: number;
    readonly maxDepth: number;
  };
}

/** A grown tree and, for every row, the leaf it ended in. */
export interface GrownTree {
  readonly tree: RegTree;
  /** Leaf id per row (all rows, sampled or not): the workspace's buffer, overwritten by the next tree. */
  readonly leafOf: Int32Array;
}

const KRT_EPS = 1e-6;

/**
 * The buffers of one `hist` training run: the row partition, the histogram pool, the per-node
 * split results, the leaf of every row, and the bins column by column for partitioning. Created
 * once by the training loop ({@link createHistWorkspace}) and passed to every {@link growHistTree}.
 */
export interface HistWorkspace {
  readonly partitioner: RowPartitioner;
  readonly histograms: HistogramPool;
  /** Sums the gradients of a node's rows into a histogram. */
  readonly kernel: HistogramKernel;
  readonly leafOf: Int32Array;
  /** Bins column-major (`byColumn[f * rows + row]`). */
  readonly byColumn: Uint16Array | Uint32Array;
  /** Split results of the level being expanded, reused. */
  readonly splits: HistSplit[];
  /** Rows the current tree grows on: `partitioner.rowIds[0..sampled)`. */
  sampled: number;
  /**
   * The rows subsampling left out (`rows − sampled` of them), partitioned alongside the sampled
   * ones so that every row's leaf is known without walking the tree.
   */
  readonly unsampled: RowPartitioner;
}

/**
 * The workspace of a `hist` run over `ctx` (see {@link HistWorkspace}).
 *
 * @example
 * ```ts
 * const work = createHistWorkspace(ctx);
 * sampleHistRows(work, ctx.rows, mt.next(), subsample);
 * logisticGradientPairs(margins, labels, 1, work.kernel.gradients, undefined, work.partitioner.rowIds, work.sampled);
 * const { tree, leafOf } = growHistTree(ctx, work, work.kernel.gradients);
 * ```
 */
export function createHistWorkspace(ctx: HistGrowContext, options: HistogramKernelOptions = {}): HistWorkspace {
  const { rows, columns, bins } = ctx;
  let byColumn = bins.byColumn;
  if (byColumn === undefined) {
    const source = bins.bins;
    byColumn = source instanceof Uint16Array ? new Uint16Array(source.length) : new Uint32Array(source.length);
    for (let r = 0; r < rows; r++) for (let f = 0; f < columns; f++) byColumn[f * rows + r] = source[r * columns + f]!;
  }
  return {
    partitioner: new RowPartitioner(rows),
    histograms: new HistogramPool(2 * (bins.missing + 1)),
    kernel: createHistogramKernel(bins.bins, bins.missing, rows, columns, options),
    leafOf: new Int32Array(rows),
    byColumn,
    splits: [],
    sampled: 0,
    unsampled: new RowPartitioner(rows),
  };
}

/**
 * Puts the rows the next tree grows on into the workspace: every row, or with `subsample < 1` the
 * rows XGBoost's `hist` sampler keeps for the draw `seed` ({@link histSampledRows}).
 *
 * @example
 * ```ts
 * sampleHistRows(work, rows, mt.next(), Math.fround(0.7));
 * ```
 */
export function sampleHistRows(work: HistWorkspace, rows: number, seed: number | null, subsample: number): void {
  const rowIds = work.partitioner.rowIds;
  if (seed === null || subsample >= 1) {
    for (let r = 0; r < rows; r++) rowIds[r] = r;
    work.sampled = rows;
  } else work.sampled = histSampledRows(seed, rows, subsample, rowIds, work.unsampled.rowIds);
}

/**
 * Grows one tree on the workspace's sampled rows as XGBoost 1.7.4's `grow_quantile_histmaker`:
 * double histograms of (Σg, Σh) per bin, the sibling subtraction trick (build the child with the
 * smaller Σh, left on ties; the other is parent − built), the split search of
 * {@link evaluateHistSplit}, and a node split iff gain > 1e-6, both children have Σh ≠ 0, gain ≥
 * gamma and depth < max_depth. No pruner runs for `hist` in 1.7. Rows not sampled add nothing to
 * the histograms (XGBoost zeroes their gradients) but are partitioned to leaves like the others.
 * With a column `sampler` (`colsample_*`), each node is evaluated on `sampler.featureSet(depth)`,
 * asked for the root and then for both children of every split whose children may split again,
 * left then right in node order, as XGBoost's evaluator asks, even for a child that cannot split.
 *
 * @example
 * ```ts
 * const { tree, leafOf } = growHistTree(ctx, work, work.kernel.gradients);
 * ```
 */
export function growHistTree(
  ctx: HistGrowContext,
  work: HistWorkspace,
  gh: Float64Array,
  sampler: ColumnSampler | null = null,
): GrownTree {
  const { rows, columns: m, cuts, bins: binMatrix, params } = ctx;
  const { missing, dense } = binMatrix;
  const { eta, gamma, maxDepth } = params;
  const { partitioner: part, histograms: pool, kernel, leafOf, byColumn, splits } = work;
  const ptrs = cuts.ptrs;
  const ns = work.sampled;
  // Σh below this (2·min_child_weight less a margin far above rounding) admits no split.
  const lowest = params.minChildWeight > 0 ? 2 * params.minChildWeight * (1 - 1e-9) : -Infinity;
  part.reset(ns);
  const rest = work.unsampled;
  rest.reset(rows - ns);
  const rowIds = part.rowIds;

  const t = new TreeBuilder();
  const depth: number[] = [0];
  const statG: number[] = [];
  const statH: number[] = [];
  const nodeGain: number[] = [];
  const hists: (Float64Array | undefined)[] = [];
  // Per node to evaluate, its sampled features (null: all).
  const features: (Uint32Array | null)[] = [sampler === null ? null : sampler.featureSet(0)];

  const rootHist = pool.take();
  kernel.build(rootHist, rowIds, 0, ns);
  hists[0] = rootHist;
  let G = 0;
  let H = 0;
  if (dense) {
    for (let b = ptrs[0]!; b < ptrs[1]!; b++) {
      G += rootHist[2 * b]!;
      H += rootHist[2 * b + 1]!;
    }
  } else {
    // Σ over rows in row order; rows left out by subsampling would only add zeros.
    for (let i = 0; i < ns; i++) {
      G += gh[2 * rowIds[i]!]!;
      H += gh[2 * rowIds[i]! + 1]!;
    }
  }
  statG[0] = G;
  statH[0] = H;
  nodeGain[0] = calcGain(G, H, params);
  const w0 = calcWeight(G, H, params);
  t.baseWeight[0] = w0;
  t.sumHessian[0] = Math.fround(H);
  t.splitCondition[0] = Math.fround(eta * w0);

  let level = [0];
  while (level.length > 0) {
    // Evaluate every node of the level, then apply the splits in node order (as XGBoost does).
    while (splits.length < level.length) splits.push(new HistSplit());
    for (let k = 0; k < level.length; k++) {
      const nid = level[k]!;
      evaluateHistSplit(
        splits[k]!,
        hists[nid]!,
        cuts,
        statG[nid]!,
        statH[nid]!,
        nodeGain[nid]!,
        params,
        m,
        features[nid] ?? null,
      );
    }
    const next: number[] = [];
    for (let k = 0; k < level.length; k++) {
      const nid = level[k]!;
      const s = splits[k]!;
      const parentHist = hists[nid]!;
      hists[nid] = undefined;
      if (!(s.loss > KRT_EPS && s.hl !== 0 && s.hr !== 0 && s.loss >= gamma && depth[nid]! < maxDepth)) {
        pool.give(parentHist);
        continue;
      }
      const [l, r] = t.split(nid, s.feature, s.condition, s.defaultLeft);
      t.baseWeight[nid] = calcWeight(s.gl + s.gr, s.hl + s.hr, params);
      t.lossChange[nid] = s.loss;
      t.sumHessian[nid] = Math.fround(s.hl + s.hr);
      const lw = Math.fround(calcWeight(s.gl, s.hl, params) * eta);
      const rw = Math.fround(calcWeight(s.gr, s.hr, params) * eta);
      t.splitCondition[l] = lw;
      t.baseWeight[l] = lw;
      t.sumHessian[l] = Math.fround(s.hl);
      t.splitCondition[r] = rw;
      t.baseWeight[r] = rw;
      t.sumHessian[r] = Math.fround(s.hr);
      statG[l] = s.gl;
      statH[l] = s.hl;
      statG[r] = s.gr;
      statH[r] = s.hr;
      nodeGain[l] = calcGain(s.gl, s.hl, params);
      nodeGain[r] = calcGain(s.gr, s.hr, params);
      depth[l] = depth[r] = depth[nid]! + 1;

      // Rows whose bin is at most the split's last left bin go left (cut[bin] ≤ threshold).
      const lastLeftBin = ptrs[s.feature]! + s.splitBin;
      part.split(nid, l, r, byColumn, s.feature * rows, lastLeftBin, missing, s.defaultLeft);
      if (ns < rows) rest.split(nid, l, r, byColumn, s.feature * rows, lastLeftBin, missing, s.defaultLeft);

      // A child with Σh below 2·min_child_weight has no candidate (both sides need Σh ≥
      // min_child_weight), so it stays a leaf: it needs no histogram, except as the built half
      // of its sibling's subtraction.
      const childrenMaySplit = depth[nid]! + 1 < maxDepth;
      if (childrenMaySplit && sampler !== null) {
        features[l] = sampler.featureSet(depth[l]!);
        features[r] = sampler.featureSet(depth[r]!);
      }
      const leftLive = childrenMaySplit && !(s.hl < lowest);
      const rightLive = childrenMaySplit && !(s.hr < lowest);
      if (leftLive || rightLive) {
        if (leftLive) next.push(l);
        if (rightLive) next.push(r);
        const buildRight = s.hr < s.hl;
        const small = buildRight ? r : l;
        const built = pool.take();
        kernel.build(built, rowIds, part.begin(small), part.end(small));
        if (buildRight ? leftLive : rightLive) {
          subtractHistogram(parentHist, built);
          hists[buildRight ? l : r] = parentHist;
        } else pool.give(parentHist);
        if (buildRight ? rightLive : leftLive) hists[small] = built;
        else pool.give(built);
      } else pool.give(parentHist);
    }
    level = next;
  }

  // Leaf of every row, from the segments of the sampled and of the unsampled rows.
  const n = t.size;
  for (let nid = 0; nid < n; nid++) {
    if (!t.isLeaf(nid)) continue;
    part.assign(nid, leafOf);
    if (ns < rows) rest.assign(nid, leafOf);
  }
  return { tree: t.toRegTree(m), leafOf };
}
