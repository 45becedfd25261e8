import type { RegTree } from './model-types.js';
import { pruneTree } from './prune.js';
import { type SplitParams, calcGain, calcWeight, needReplace, splitGain } from './split-evaluator.js';
import { TreeBuilder } from './tree-builder.js';
import type { TrainingData } from './training-data.js';

const KRT_EPS = 1e-6;
const KRT_EPS_F32 = Math.fround(1e-6);

/**
 * Every feature's non-missing values sorted once, for the `exact` scans: feature `f` occupies
 * `[ptrs[f], ptrs[f+1])` of `rowIds` (rows by increasing value, ties in row order) and `values`
 * (the float32 values in that order).
 */
export interface SortedColumns {
  readonly ptrs: Uint32Array;
  readonly rowIds: Uint32Array;
  readonly values: Float32Array;
  /** Per feature: 1 when the scan in the missing-goes-right direction runs (column has missing values and is not constant). */
  readonly forwardScan: Uint8Array;
}

/**
 * Sorts each feature's non-missing values (ties kept in row order), the column layout XGBoost's
 * `exact` updater scans.
 *
 * @example
 * ```ts
 * const sorted = sortColumns(data);
 * sorted.values.subarray(sorted.ptrs[0], sorted.ptrs[1]); // feature 0 in increasing order
 * ```
 */
export function sortColumns(data: TrainingData): SortedColumns {
  const { rows, columns, values } = data;
  const ptrs = new Uint32Array(columns + 1);
  for (let f = 0; f < columns; f++) {
    let n = 0;
    for (let i = 0; i < rows; i++) if (values[f * rows + i] === values[f * rows + i]) n++;
    ptrs[f + 1] = ptrs[f]! + n;
  }
  const total = ptrs[columns]!;
  const rowIds = new Uint32Array(total);
  const sorted = new Float32Array(total);
  const forwardScan = new Uint8Array(columns);
  const order = new Uint32Array(rows);
  for (let f = 0; f < columns; f++) {
    const base = f * rows;
    let n = 0;
    let integral = true;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < rows; i++) {
      const v = values[base + i]!;
      if (v !== v) continue;
      order[n++] = i;
      if (v < min) min = v;
      if (v > max) max = v;
      if (integral && !Number.isInteger(v)) integral = false;
    }
    const out = ptrs[f]!;
    if (integral && n > 0 && max - min <= 4 * rows + 1024) {
      // Counting sort: stable, linear, and the common case (count features).
      const start = new Uint32Array(max - min + 2);
      for (let k = 0; k < n; k++) start[values[base + order[k]!]! - min + 1]++;
      for (let k = 1; k < start.length; k++) start[k] += start[k - 1]!;
      for (let k = 0; k < n; k++) {
        const row = order[k]!;
        const v = values[base + row]!;
        const at = out + start[v - min]!++;
        rowIds[at] = row;
        sorted[at] = v;
      }
    } else {
      // Sort keys that encode value then row, so ties stay in row order.
      const idx = order.subarray(0, n);
      idx.sort((a, b) => values[base + a]! - values[base + b]! || a - b);
      for (let k = 0; k < n; k++) {
        rowIds[out + k] = idx[k]!;
        sorted[out + k] = values[base + idx[k]!]!;
      }
    }
    const constant = n > 0 && sorted[out] === sorted[out + n - 1];
    forwardScan[f] = n < rows && !constant ? 1 : 0;
  }
  return { ptrs, rowIds, values: sorted, forwardScan };
}

/** Working columns and buffers reused from tree to tree of one training run. */
interface ExactWorkspace {
  readonly rowIds: Uint32Array;
  readonly values: Float32Array;
  readonly begin: Uint32Array;
  readonly end: Uint32Array;
  /** Gradient and hessian of each row (float32, as computed), interleaved: 8 bytes per row, one cache line. */
  readonly gh: Float32Array;
}

const workspaces = new WeakMap<ExactGrowContext, ExactWorkspace>();

function workspaceFor(ctx: ExactGrowContext): ExactWorkspace {
  let w = workspaces.get(ctx);
  if (w === undefined) {
    const total = ctx.sorted.rowIds.length;
    const m = ctx.data.columns;
    w = {
      rowIds: new Uint32Array(total),
      values: new Float32Array(total),
      begin: new Uint32Array(m),
      end: new Uint32Array(m),
      gh: new Float32Array(2 * ctx.data.rows),
    };
    workspaces.set(ctx, w);
  }
  return w;
}

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
 * Grows one tree as XGBoost 1.7.4's `exact` updater (`grow_colmaker` then `prune`): level by level,
 * node statistics summed over the node's rows in row order (double), each feature's sorted values
 * scanned for all nodes of the level at once — backward (missing left) always, forward (missing
 * right) first when the column has missing values and is not constant — candidate thresholds at
 * value changes `fround((v + last)·0.5)` (or `last` when that equals `v`) and one extra candidate
 * past the last value; a node splits iff its best gain > 1e-6. Every node's `base_weight` is the
 * unscaled weight and `loss_changes` its best gain. Then the pruner removes splits with gain below
 * gamma. Rows with `active[r] = 0` (not sampled) are left out of statistics but still routed.
 *
 * @example
 * ```ts
 * const { tree, leafOf } = growExactTree(context, grad, hess, null);
 * ```
 */
export function growExactTree(
  ctx: ExactGrowContext,
  grad: Float32Array,
  hess: Float32Array,
  active: Uint8Array | null,
): { tree: RegTree; leafOf: Int32Array } {
  const { data, sorted, params } = ctx;
  const { rows: n, columns: m, values: X } = data;
  const { eta, gamma, maxDepth, minChildWeight: mcw } = params;
  const t = new TreeBuilder();
  const pos = new Int32Array(n); // node of every row
  const slotOfRow = new Int32Array(n); // expand slot of the row's node, −1 when not expanding or not active
  const weight: number[] = [];
  const statH: number[] = [];
  const bestLoss: number[] = [];
  // Node ids never exceed 2·rows + 1 (every split needs a row on each side) nor the full tree.
  const maxNodes = Math.min(2 ** (maxDepth + 1), 2 * n + 2);
  const slotOfNode = new Int32Array(maxNodes);
  const slotDead = new Uint8Array(maxNodes);
  const splitNode = new Int32Array(maxNodes);

  const work = workspaceFor(ctx);
  work.begin.set(sorted.ptrs.subarray(0, m));
  work.end.set(sorted.ptrs.subarray(1, m + 1));
  const gh = work.gh;
  for (let r = 0; r < n; r++) {
    gh[2 * r] = grad[r]!;
    gh[2 * r + 1] = hess[r]!;
  }

  // Per-slot scan state for the nodes being expanded.
  let qexpand = [0];
  let nodeG = new Float64Array(1);
  let nodeH = new Float64Array(1);
  let rootGain = new Float64Array(1);
  const initNodes = (nodes: number[]) => {
    const k = nodes.length;
    nodeG = new Float64Array(k);
    nodeH = new Float64Array(k);
    rootGain = new Float64Array(k);
    slotOfNode.fill(-1);
    nodes.forEach((nid, s) => (slotOfNode[nid] = s));
    for (let r = 0; r < n; r++) {
      const s = slotOfNode[pos[r]!]!;
      if (s < 0 || (active !== null && !active[r])) {
        slotOfRow[r] = -1;
        continue;
      }
      slotOfRow[r] = s;
      nodeG[s] += grad[r]!;
      nodeH[s] += hess[r]!;
    }
    for (let s = 0; s < k; s++) {
      const nid = nodes[s]!;
      weight[nid] = calcWeight(nodeG[s]!, nodeH[s]!, params);
      statH[nid] = nodeH[s]!;
      rootGain[s] = calcGain(nodeG[s]!, nodeH[s]!, params);
      bestLoss[nid] = 0;
    }
    // A candidate needs Σh ≥ min_child_weight on both sides, so a node with Σh below
    // 2·min_child_weight (less a margin far above rounding) can have none: its scan would find
    // nothing and it stays a leaf with gain 0. Leave its rows out of the scans.
    const lowest = 2 * mcw * (1 - 1e-9);
    let dead = false;
    for (let s = 0; s < k; s++) {
      if (mcw > 0 && nodeH[s]! < lowest) {
        slotDead[s] = 1;
        dead = true;
      } else slotDead[s] = 0;
    }
    if (dead) {
      for (let r = 0; r < n; r++) {
        const s = slotOfRow[r]!;
        if (s >= 0 && slotDead[s] === 1) slotOfRow[r] = -1;
      }
    }
  };
  initNodes(qexpand);

  for (let d = 0; d < maxDepth; d++) {
    const k = qexpand.length;
    const bLoss = new Float64Array(k);
    const bFeature = new Int32Array(k);
    const bCond = new Float64Array(k);
    const bDefaultLeft = new Uint8Array(k);
    const acc = new Float64Array(4 * k); // per slot: ΣG, ΣH, last value, seen
    const { forwardScan } = sorted;
    // Level 0 reads the presorted columns; every level compacts what it reads into the working
    // columns, keeping only rows of nodes being expanded (order kept), so later levels skip rows
    // already in leaves or left out by subsampling.
    const srcRows = d === 0 ? sorted.rowIds : work.rowIds;
    const srcValues = d === 0 ? sorted.values : work.values;
    const dstRows = work.rowIds;
    const dstValues = work.values;
    const consider = (s: number, f: number, gl: number, hl: number, gr: number, hr: number, cond: number, dl: number) => {
      const loss = splitGain(gl, hl, gr, hr, rootGain[s]!, params);
      if (needReplace(bLoss[s]!, bFeature[s]!, loss, f)) {
        bLoss[s] = loss;
        bFeature[s] = f;
        bCond[s] = cond;
        bDefaultLeft[s] = dl;
      }
    };
    for (let f = 0; f < m; f++) {
      let lo = work.begin[f]!;
      let hi = work.end[f]!;
      let fromRows = srcRows;
      let fromValues = srcValues;
      for (let dir = forwardScan[f] ? 1 : -1; dir >= -1; dir -= 2) {
        acc.fill(0);
        const dl = dir === -1 ? 1 : 0;
        // The first scan of the feature compacts [lo, hi): forward writes from lo up, backward from hi down.
        let w = dir === 1 ? lo : hi - 1;
        const start = w;
        const stop = dir === 1 ? hi : lo - 1;
        if (k === 1) {
          // One node to expand (always so at the root): sums and last value stay in registers.
          const nG = nodeG[0]!;
          const nH = nodeH[0]!;
          let eG = 0;
          let eH = 0;
          let last = 0;
          let seen = 0;
          for (let i = start; i !== stop; i += dir) {
            const row = fromRows[i]!;
            if (slotOfRow[row]! < 0) continue;
            const fv = fromValues[i]!;
            dstRows[w] = row;
            dstValues[w] = fv;
            w += dir;
            const g = gh[2 * row]!;
            const h = gh[2 * row + 1]!;
            if (eH === 0) {
              eG += g;
              eH += h;
              last = fv;
              seen = 1;
              continue;
            }
            if (fv !== last && eH >= mcw) {
              const cH = nH - eH;
              if (cH >= mcw) {
                const cG = nG - eG;
                const prop = Math.fround(Math.fround(fv + last) * 0.5);
                const cond = prop === fv ? last : prop;
                if (dl) consider(0, f, cG, cH, eG, eH, cond, dl);
                else consider(0, f, eG, eH, cG, cH, cond, dl);
              }
            }
            eG += g;
            eH += h;
            last = fv;
          }
          acc[0] = eG;
          acc[1] = eH;
          acc[2] = last;
          acc[3] = seen;
        } else {
          for (let i = start; i !== stop; i += dir) {
            const row = fromRows[i]!;
            const s = slotOfRow[row]!;
            if (s < 0) continue;
            const fv = fromValues[i]!;
            dstRows[w] = row;
            dstValues[w] = fv;
            w += dir;
            const g = gh[2 * row]!;
            const h = gh[2 * row + 1]!;
            const a = 4 * s;
            const eH = acc[a + 1]!;
            if (eH === 0) {
              acc[a] += g;
              acc[a + 1] = eH + h;
              acc[a + 2] = fv;
              acc[a + 3] = 1;
              continue;
            }
            const eG = acc[a]!;
            const last = acc[a + 2]!;
            if (fv !== last && eH >= mcw) {
              const cH = nodeH[s]! - eH;
              if (cH >= mcw) {
                const cG = nodeG[s]! - eG;
                const prop = Math.fround(Math.fround(fv + last) * 0.5);
                const cond = prop === fv ? last : prop;
                if (dl) consider(s, f, cG, cH, eG, eH, cond, dl);
                else consider(s, f, eG, eH, cG, cH, cond, dl);
              }
            }
            acc[a] = eG + g;
            acc[a + 1] = eH + h;
            acc[a + 2] = fv;
          }
        }
        if (dir === 1) hi = w;
        else lo = w + 1;
        fromRows = dstRows;
        fromValues = dstValues;
        for (let s = 0; s < k; s++) {
          const a = 4 * s;
          if (acc[a + 3] === 0) continue;
          const eG = acc[a]!;
          const eH = acc[a + 1]!;
          const cG = nodeG[s]! - eG;
          const cH = nodeH[s]! - eH;
          if (eH >= mcw && cH >= mcw) {
            const last = acc[a + 2]!;
            const gap = Math.fround(Math.fround(Math.abs(last)) + KRT_EPS_F32);
            const cond = Math.fround(dl ? last - gap : last + gap);
            if (dl) consider(s, f, cG, cH, eG, eH, cond, dl);
            else consider(s, f, eG, eH, cG, cH, cond, dl);
          }
        }
      }
      work.begin[f] = lo;
      work.end[f] = hi;
    }
    const newNodes: number[] = [];
    splitNode.fill(-1);
    let splits = 0;
    for (let s = 0; s < k; s++) {
      const nid = qexpand[s]!;
      bestLoss[nid] = bLoss[s]!;
      if (bLoss[s]! > KRT_EPS) {
        const [l, r] = t.split(nid, bFeature[s]!, bCond[s]!, bDefaultLeft[s] === 1);
        splitNode[nid] = s;
        splits++;
        newNodes.push(l, r);
      } else t.splitCondition[nid] = Math.fround(weight[nid]! * eta);
    }
    if (splits > 0) {
      for (let r = 0; r < n; r++) {
        const nid = pos[r]!;
        const s = splitNode[nid]!;
        if (s < 0) continue;
        const v = X[bFeature[s]! * n + r]!;
        pos[r] = (v !== v ? bDefaultLeft[s] === 1 : v < bCond[s]!) ? t.left[nid]! : t.right[nid]!;
      }
    }
    initNodes(newNodes);
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

  const leafOf = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    let nid = pos[r]!;
    while (t.deleted[nid]) nid = t.parent[nid]!;
    leafOf[r] = nid;
  }
  return { tree: t.toRegTree(m), leafOf };
}
