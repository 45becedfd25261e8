/**
 * The `exact` tree grower, XGBoost 1.7.4's `grow_colmaker` followed by the `prune` updater, as a
 * driver over its parts: the row positions ({@link ExactRowPositions}: the node of every row and
 * the statistics of the nodes being expanded), the working columns ({@link ExactColumns}: the
 * sorted columns partitioned by node), the split evaluator ({@link scanNode}: the sorted-column
 * scans) and the pruner ({@link pruneTree}).
 *
 * Ownership: the training loop creates one {@link ExactWorkspace} per run and owns it; every
 * buffer a tree needs lives there. A grow call borrows the workspace for one tree and allocates
 * only the tree it returns; the `leafOf` it returns is the workspace's buffer, valid until the
 * next call.
 */
import type { ColumnSampler } from './column-sampler.js';
import { ExactColumns } from './exact-columns.js';
import type { PartitionKernelOptions } from './exact-partition-kernel.js';
import { ExactLevel, scanNode } from './exact-split-evaluator.js';
import { ExactRowPositions } from './exact-row-positions.js';
import type { RegTree } from './model-types.js';
import { pruneTree } from './prune.js';
import type { SortedColumns } from './sorted-columns.js';
import { type SplitParams, calcGain, calcWeight } from './split-evaluator.js';
import { TreeBuilder } from './tree-builder.js';
import type { TrainingData } from './training-data.js';

export { sortColumns, type SortedColumns } from './sorted-columns.js';

const KRT_EPS = 1e-6;

/** What {@link growExactTree} needs besides the gradients. */
export interface ExactGrowContext {
  readonly data: TrainingData;
  readonly sorted: SortedColumns;
  readonly params: SplitParams & {
    readonly eta: number;
    readonly gamma: number;
    readonly maxDepth: number;
  };
}

/**
 * The buffers of one `exact` training run: the working copy of the sorted columns (partitioned
 * level by level into the segments of the nodes being expanded), each row's gradient and hessian
 * interleaved, the row positions, the level's split state, per-node split slots, each slot's
 * children, and the leaf of every row.
 */
export interface ExactWorkspace {
  readonly columns: ExactColumns;
  /** Gradient and hessian of each row (float32), interleaved: 8 bytes per row. */
  readonly gh: Float32Array;
  readonly positions: ExactRowPositions;
  readonly level: ExactLevel;
  /** Slot in the level of each node that splits, −1 otherwise. */
  readonly splitSlot: Int32Array;
  /** Per slot of the level just expanded, its left child's slot in the next level (−1: did not split). */
  readonly childSlot: Int32Array;
  readonly leafOf: Int32Array;
}

/**
 * The workspace of an `exact` run over `ctx` (see {@link ExactWorkspace}); `options.wasm: false`
 * moves the columns with the JavaScript kernel instead of the WebAssembly one.
 *
 * @example
 * ```ts
 * const work = createExactWorkspace(ctx);
 * const { tree, leafOf } = growExactTree(ctx, work, grad, hess, null);
 * ```
 */
export function createExactWorkspace(ctx: ExactGrowContext, options: PartitionKernelOptions = {}): ExactWorkspace {
  const { rows } = ctx.data;
  // Node ids never exceed 2·rows + 1 (every split needs a row on each side) nor the full tree.
  const maxNodes = Math.min(2 ** (ctx.params.maxDepth + 1), 2 * rows + 2);
  return {
    columns: new ExactColumns(ctx.sorted, rows, maxNodes, options),
    gh: new Float32Array(2 * rows),
    positions: new ExactRowPositions(rows, maxNodes),
    level: new ExactLevel(maxNodes),
    splitSlot: new Int32Array(maxNodes),
    childSlot: new Int32Array(maxNodes),
    leafOf: new Int32Array(rows),
  };
}

/**
 * Grows one tree as XGBoost 1.7.4's `exact` updater (`grow_colmaker` then `prune`): level by level,
 * node statistics summed over the node's rows in row order (double), each node's sorted values of
 * each feature scanned — backward (missing left) always, forward (missing right) first when the
 * column has missing values and is not constant ({@link scanNode}); a node splits iff its best
 * gain > 1e-6. Every node's `base_weight` is the unscaled weight and
 * `loss_changes` its best gain. Then the pruner removes splits with gain below gamma. Rows with
 * `active[r] = 0` (not sampled) are left out of statistics but still routed. With a column
 * `sampler` (`colsample_*`), each level scans only the features `sampler.featureSet(depth)` gives,
 * asked once per level as `grow_colmaker` does.
 *
 * @example
 * ```ts
 * const { tree, leafOf } = growExactTree(ctx, work, grad, hess, null);
 * ```
 */
export function growExactTree(
  ctx: ExactGrowContext,
  work: ExactWorkspace,
  grad: Float32Array,
  hess: Float32Array,
  active: Uint8Array | null,
  sampler: ColumnSampler | null = null,
): { tree: RegTree; leafOf: Int32Array } {
  const { data, sorted, params } = ctx;
  const { rows: n, columns: m, values: X } = data;
  const { eta, gamma, maxDepth, minChildWeight: mcw } = params;
  const { columns, positions, level, splitSlot, childSlot, gh, leafOf } = work;
  const t = new TreeBuilder();
  const weight: number[] = [];
  const statH: number[] = [];
  const bestLoss: number[] = [];

  columns.reset();
  for (let r = 0; r < n; r++) {
    gh[2 * r] = grad[r]!;
    gh[2 * r + 1] = hess[r]!;
  }
  positions.reset();

  const enter = (nodes: number[]) => {
    positions.enterLevel(nodes, level, grad, hess, active, mcw);
    for (let s = 0; s < nodes.length; s++) {
      const nid = nodes[s]!;
      weight[nid] = calcWeight(level.nodeG[s]!, level.nodeH[s]!, params);
      statH[nid] = level.nodeH[s]!;
      level.rootGain[s] = calcGain(level.nodeG[s]!, level.nodeH[s]!, params);
      bestLoss[nid] = 0;
    }
  };
  let qexpand = [0];
  enter(qexpand);

  for (let d = 0; d < maxDepth; d++) {
    const k = qexpand.length;
    // Each scanned feature's working column is first partitioned into the segments of this
    // level's nodes, then every node's segment is scanned on its own.
    const features = sampler === null ? null : sampler.featureSet(d);
    const count = features === null ? m : features.length;
    const { rowIds, values, bounds, stride } = columns;
    columns.enterLevel(positions.slotOfRow);
    for (let q = 0; q < count; q++) {
      const f = features === null ? q : features[q]!;
      columns.partition(f, d, k, positions.slotOfRow, childSlot);
      const forward = sorted.forwardScan[f] === 1;
      const at = f * stride;
      for (let s = 0; s < k; s++) {
        const lo = bounds[at + s]!;
        const hi = bounds[at + s + 1]!;
        if (forward) scanNode(level, params, s, f, 1, rowIds, values, lo, hi, gh);
        scanNode(level, params, s, f, -1, rowIds, values, lo, hi, gh);
      }
    }
    const newNodes: number[] = [];
    splitSlot.fill(-1);
    let splits = 0;
    for (let s = 0; s < k; s++) {
      const nid = qexpand[s]!;
      bestLoss[nid] = level.bestLoss[s]!;
      if (level.bestLoss[s]! > KRT_EPS) {
        const [l, r] = t.split(nid, level.bestFeature[s]!, level.bestCondition[s]!, level.bestDefaultLeft[s] === 1);
        splitSlot[nid] = s;
        childSlot[s] = newNodes.length;
        splits++;
        newNodes.push(l, r);
      } else {
        childSlot[s] = -1;
        t.splitCondition[nid] = Math.fround(weight[nid]! * eta);
      }
    }
    if (splits > 0)
      positions.route(X, splitSlot, level.bestFeature, level.bestCondition, level.bestDefaultLeft, t.left, t.right);
    enter(newNodes);
    qexpand = newNodes;
    if (qexpand.length === 0) break;
  }
  for (const nid of qexpand) t.splitCondition[nid] = Math.fround(weight[nid]! * eta);
  for (let nid = 0; nid < t.size; nid++) {
    t.baseWeight[nid] = weight[nid]!;
    t.lossChange[nid] = bestLoss[nid] ?? 0;
    t.sumHessian[nid] = Math.fround(statH[nid]!);
  }
  pruneTree(t, gamma, eta);

  const position = positions.position;
  for (let r = 0; r < n; r++) {
    let nid = position[r]!;
    while (t.deleted[nid]) nid = t.parent[nid]!;
    leafOf[r] = nid;
  }
  return { tree: t.toRegTree(m), leafOf };
}
