import type { BinMatrix, HistCuts } from './hist-cuts.js';
import type { RegTree } from './model-types.js';
import { type SplitParams, calcGain, calcWeight, needReplace, splitGain } from './split-evaluator.js';
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
  /** Leaf id per row (all rows, sampled or not); a buffer the next tree of the run overwrites. */
  readonly leafOf: Int32Array;
}

const KRT_EPS = 1e-6;

/** Buffers reused from tree to tree of one training run. */
class Workspace {
  readonly #free: Float64Array[] = [];
  readonly rowIdx: Uint32Array;
  readonly scratch: Uint32Array;
  readonly leafOf: Int32Array;
  constructor(readonly histLength: number, rows: number) {
    this.rowIdx = new Uint32Array(rows);
    this.scratch = new Uint32Array(rows);
    this.leafOf = new Int32Array(rows);
  }
  take(): Float64Array {
    const h = this.#free.pop();
    if (h === undefined) return new Float64Array(this.histLength);
    h.fill(0);
    return h;
  }
  give(h: Float64Array): void {
    this.#free.push(h);
  }
}

const workspaces = new WeakMap<HistGrowContext, Workspace>();

/**
 * Grows one tree as XGBoost 1.7.4's `grow_quantile_histmaker` (depthwise, one thread): double
 * histograms of (Σg, Σh) per bin, the sibling subtraction trick (build the child with the smaller
 * Σh, left on ties; the other is parent − built), split search with a forward scan (missing right)
 * and, when the node has missing values for the feature, a backward scan (missing left), XGBoost's
 * tie rules, and a node split iff gain > 1e-6, both children have Σh ≠ 0, gain ≥ gamma and depth <
 * max_depth. No pruner runs for `hist` in 1.7. Rows left out by `sampled` add nothing to the
 * histograms (XGBoost zeroes their gradients) but are routed to leaves like the others.
 *
 * @example
 * ```ts
 * const { tree, leafOf } = growHistTree(context, grad, hess, sampledRows);
 * ```
 */
export function growHistTree(ctx: HistGrowContext, grad: Float32Array, hess: Float32Array, sampled: Uint8Array | null): GrownTree {
  const { rows, columns: m, cuts, bins: binMatrix, params } = ctx;
  const { bins, missing, dense } = binMatrix;
  const byColumn = binMatrix.byColumn;
  const { eta, gamma, maxDepth, minChildWeight: mcw } = params;
  const cutValues = cuts.values;
  const ptrs = cuts.ptrs;
  let pool = workspaces.get(ctx);
  if (pool === undefined) {
    pool = new Workspace(2 * (missing + 1), rows);
    workspaces.set(ctx, pool);
  }

  // Row partition: the sampled rows in ascending order, each node a contiguous segment.
  const { rowIdx, scratch, leafOf } = pool;
  let ns = 0;
  if (sampled === null) for (let r = 0; r < rows; r++) rowIdx[r] = r;
  else for (let r = 0; r < rows; r++) if (sampled[r]) rowIdx[ns++] = r;
  if (sampled === null) ns = rows;

  const t = new TreeBuilder();
  const segBegin: number[] = [0];
  const segEnd: number[] = [ns];
  const depth: number[] = [0];
  const statG: number[] = [];
  const statH: number[] = [];
  const nodeGain: number[] = [];
  const hists = new Map<number, Float64Array>();

  const rootHist = pool.take();
  buildHist(rootHist, rowIdx, 0, ns, bins, m, grad, hess);
  hists.set(0, rootHist);
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
      G += grad[rowIdx[i]!]!;
      H += hess[rowIdx[i]!]!;
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
    const found: BestSplit[] = [];
    for (const nid of level) {
      const b = new BestSplit();
      evaluateNode(b, hists.get(nid)!, cuts, statG[nid]!, statH[nid]!, nodeGain[nid]!, params, mcw, m);
      found.push(b);
    }
    const next: number[] = [];
    for (let k = 0; k < level.length; k++) {
      const nid = level[k]!;
      const s = found[k]!;
      const parentHist = hists.get(nid)!;
      hists.delete(nid);
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

      // Stable partition of the node's rows: left iff bin ≤ split bin, missing by default direction.
      const begin = segBegin[nid]!;
      const end = segEnd[nid]!;
      const f = s.feature;
      const threshold = ptrs[f]! + s.splitBin;
      const dl = s.defaultLeft;
      let wl = begin;
      let wr = 0;
      for (let i = begin; i < end; i++) {
        const row = rowIdx[i]!;
        const bin = byColumn !== undefined ? byColumn[f * rows + row]! : bins[row * m + f]!;
        const goLeft = bin === missing ? dl : bin <= threshold;
        if (goLeft) rowIdx[wl++] = row;
        else scratch[wr++] = row;
      }
      rowIdx.set(scratch.subarray(0, wr), wl);
      segBegin[l] = begin;
      segEnd[l] = wl;
      segBegin[r] = wl;
      segEnd[r] = end;

      if (depth[nid]! + 1 < maxDepth) {
        next.push(l, r);
        const buildRight = s.hr < s.hl;
        const built = pool.take();
        const [b0, b1] = buildRight ? [wl, end] : [begin, wl];
        buildHist(built, rowIdx, b0, b1, bins, m, grad, hess);
        const other = parentHist;
        for (let i = 0; i < other.length; i++) other[i] = other[i]! - built[i]!;
        hists.set(buildRight ? r : l, built);
        hists.set(buildRight ? l : r, other);
      } else pool.give(parentHist);
    }
    level = next;
  }

  // Leaf of every row: sampled rows from their segments, the others by walking the bins.
  const n = t.size;
  for (let nid = 0; nid < n; nid++) {
    if (!t.isLeaf(nid)) continue;
    for (let i = segBegin[nid]!; i < segEnd[nid]!; i++) leafOf[rowIdx[i]!] = nid;
  }
  if (sampled !== null) {
    for (let r = 0; r < rows; r++) {
      if (sampled[r]) continue;
      let nid = 0;
      while (t.left[nid] !== -1) {
        const f = t.splitIndex[nid]!;
        const bin = byColumn !== undefined ? byColumn[f * rows + r]! : bins[r * m + f]!;
        const goLeft = bin === missing ? t.defaultLeft[nid] === 1 : cutValues[bin]! <= t.splitCondition[nid]!;
        nid = goLeft ? t.left[nid]! : t.right[nid]!;
      }
      leafOf[r] = nid;
    }
  }
  return { tree: t.toRegTree(m), leafOf };
}

/** The best split found so far for a node. */
class BestSplit {
  loss = 0;
  feature = 0;
  condition = 0;
  /** Local bin index: rows with bin ≤ splitBin go left (−1: none). */
  splitBin = -1;
  defaultLeft = false;
  gl = 0;
  hl = 0;
  gr = 0;
  hr = 0;
}

/**
 * Adds the node's rows into a zeroed histogram. Each bin must receive its rows in increasing row
 * order (the double sums then round exactly as XGBoost's); rows are taken four at a time, feature by
 * feature, which keeps that order per bin (rows of one feature hit bins in row order) and lets the
 * CPU overlap four independent updates.
 */
function buildHist(
  hist: Float64Array,
  rowIdx: Uint32Array,
  begin: number,
  end: number,
  bins: Uint16Array | Uint32Array,
  m: number,
  grad: Float32Array,
  hess: Float32Array,
): void {
  let i = begin;
  for (; i + 3 < end; i += 4) {
    const r1 = rowIdx[i]!;
    const r2 = rowIdx[i + 1]!;
    const r3 = rowIdx[i + 2]!;
    const r4 = rowIdx[i + 3]!;
    const g1 = grad[r1]!;
    const h1 = hess[r1]!;
    const g2 = grad[r2]!;
    const h2 = hess[r2]!;
    const g3 = grad[r3]!;
    const h3 = hess[r3]!;
    const g4 = grad[r4]!;
    const h4 = hess[r4]!;
    let o1 = r1 * m;
    let o2 = r2 * m;
    let o3 = r3 * m;
    let o4 = r4 * m;
    const stop = o1 + m;
    for (; o1 < stop; o1++, o2++, o3++, o4++) {
      const b1 = bins[o1]! << 1;
      const b2 = bins[o2]! << 1;
      const b3 = bins[o3]! << 1;
      const b4 = bins[o4]! << 1;
      hist[b1] += g1;
      hist[b1 | 1] += h1;
      hist[b2] += g2;
      hist[b2 | 1] += h2;
      hist[b3] += g3;
      hist[b3 | 1] += h3;
      hist[b4] += g4;
      hist[b4 | 1] += h4;
    }
  }
  for (; i < end; i++) {
    const row = rowIdx[i]!;
    const g = grad[row]!;
    const h = hess[row]!;
    let off = row * m;
    const stop = off + m;
    for (; off < stop; off++) {
      const b = bins[off]! << 1;
      hist[b] += g;
      hist[b | 1] += h;
    }
  }
}

function evaluateNode(
  best: BestSplit,
  hist: Float64Array,
  cuts: HistCuts,
  G: number,
  H: number,
  parentGain: number,
  params: SplitParams,
  mcw: number,
  m: number,
): void {
  const { ptrs, values, minValues } = cuts;
  for (let f = 0; f < m; f++) {
    const lo = ptrs[f]!;
    const hi = ptrs[f + 1]!;
    let lg = 0;
    let lh = 0;
    for (let i = lo; i < hi; i++) {
      lg += hist[2 * i]!;
      lh += hist[2 * i + 1]!;
      const rg = G - lg;
      const rh = H - lh;
      if (lh >= mcw && rh >= mcw) {
        const loss = splitGain(lg, lh, rg, rh, parentGain, params);
        if (needReplace(best.loss, best.feature, loss, f)) {
          best.loss = loss;
          best.feature = f;
          best.condition = values[i]!;
          best.splitBin = i - lo;
          best.defaultLeft = false;
          best.gl = lg;
          best.hl = lh;
          best.gr = rg;
          best.hr = rh;
        }
      }
    }
    if (lg === G && lh === H) continue;
    let rg = 0;
    let rh = 0;
    for (let i = hi - 1; i >= lo; i--) {
      rg += hist[2 * i]!;
      rh += hist[2 * i + 1]!;
      const lg2 = G - rg;
      const lh2 = H - rh;
      if (rh >= mcw && lh2 >= mcw) {
        const loss = splitGain(lg2, lh2, rg, rh, parentGain, params);
        if (needReplace(best.loss, best.feature, loss, f)) {
          best.loss = loss;
          best.feature = f;
          best.condition = i === lo ? minValues[f]! : values[i - 1]!;
          best.splitBin = i - lo - 1;
          best.defaultLeft = true;
          best.gl = lg2;
          best.hl = lh2;
          best.gr = rg;
          best.hr = rh;
        }
      }
    }
  }
}
