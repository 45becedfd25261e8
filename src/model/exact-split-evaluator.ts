/**
 * The split search of XGBoost 1.7.4's `exact` updater (`grow_colmaker`, one thread): each
 * feature's sorted values scanned once per direction for all nodes of a level at once, a candidate
 * at every change of value where both sides have Σh ≥ min_child_weight, threshold
 * `fround((v + last)·0.5)` (or `last` when that equals `v`), and one extra candidate past the last
 * value; XGBoost's tie rules ({@link needReplace}).
 */
import { type SplitParams, needReplace, splitGain } from './split-evaluator.js';

const KRT_EPS_F32 = Math.fround(1e-6);

/**
 * The nodes of the level being expanded, by slot: their sums and scores, their best split so far,
 * and the running scan state (`acc`: ΣG, ΣH, last value, seen, four per slot). Sized once for the
 * most nodes a level can hold and reused level after level.
 */
export class ExactLevel {
  /** Number of slots in use. */
  size = 0;
  readonly nodeG: Float64Array;
  readonly nodeH: Float64Array;
  readonly rootGain: Float64Array;
  readonly bestLoss: Float64Array;
  readonly bestFeature: Int32Array;
  readonly bestCondition: Float64Array;
  readonly bestDefaultLeft: Uint8Array;
  readonly acc: Float64Array;

  constructor(capacity: number) {
    this.nodeG = new Float64Array(capacity);
    this.nodeH = new Float64Array(capacity);
    this.rootGain = new Float64Array(capacity);
    this.bestLoss = new Float64Array(capacity);
    this.bestFeature = new Int32Array(capacity);
    this.bestCondition = new Float64Array(capacity);
    this.bestDefaultLeft = new Uint8Array(capacity);
    this.acc = new Float64Array(4 * capacity);
  }

  /** Starts a level of `size` slots with no split found. */
  begin(size: number): void {
    this.size = size;
    this.bestLoss.fill(0, 0, size);
    this.bestFeature.fill(0, 0, size);
    this.bestCondition.fill(0, 0, size);
    this.bestDefaultLeft.fill(0, 0, size);
  }
}

/** Offers a candidate split of slot `s` on feature `f`; keeps it when it beats the slot's best. */
function consider(
  level: ExactLevel,
  params: SplitParams,
  s: number,
  f: number,
  gl: number,
  hl: number,
  gr: number,
  hr: number,
  cond: number,
  dl: number,
): void {
  const loss = splitGain(gl, hl, gr, hr, level.rootGain[s]!, params);
  if (needReplace(level.bestLoss[s]!, level.bestFeature[s]!, loss, f)) {
    level.bestLoss[s] = loss;
    level.bestFeature[s] = f;
    level.bestCondition[s] = cond;
    level.bestDefaultLeft[s] = dl;
  }
}

/** A column's entries `[lo, hi)`: row ids and values in increasing value order. */
export interface ColumnSpan {
  readonly rowIds: Uint32Array;
  readonly values: Float32Array;
}

/**
 * Scans one feature in one direction (`dir` 1: increasing values, missing values right; −1:
 * decreasing, missing left) over entries `[lo, hi)` of `from`, offering candidates to every slot,
 * and copies the entries of rows still being expanded (`slotOfRow[row] ≥ 0`) into `to`, order kept,
 * so later scans skip the others: forward from `lo` up, backward from `hi − 1` down. Returns the
 * new bound: the new `hi` forward, the new `lo` backward. `gh` holds each row's gradient and
 * hessian interleaved.
 *
 * @example
 * ```ts
 * const newLo = scanFeature(level, params, f, -1, sorted, work, lo, hi, slotOfRow, gh);
 * ```
 */
export function scanFeature(
  level: ExactLevel,
  params: SplitParams,
  f: number,
  dir: 1 | -1,
  from: ColumnSpan,
  to: ColumnSpan,
  lo: number,
  hi: number,
  slotOfRow: Int32Array,
  gh: Float32Array,
): number {
  const acc = level.acc;
  acc.fill(0, 0, 4 * level.size);
  const dl = dir === -1 ? 1 : 0;
  let w: number;
  if (level.size === 1) {
    w =
      dir === 1
        ? scanOneForward(level, params, f, from, to, lo, hi, slotOfRow, gh)
        : scanOneBackward(level, params, f, from, to, lo, hi, slotOfRow, gh);
  } else {
    w =
      dir === 1
        ? scanManyForward(level, params, f, from, to, lo, hi, slotOfRow, gh)
        : scanManyBackward(level, params, f, from, to, lo, hi, slotOfRow, gh);
  }
  // The candidate with every non-missing value on the scanned side.
  const mcw = params.minChildWeight;
  for (let s = 0; s < level.size; s++) {
    const a = 4 * s;
    if (acc[a + 3] === 0) continue;
    const eG = acc[a]!;
    const eH = acc[a + 1]!;
    const cG = level.nodeG[s]! - eG;
    const cH = level.nodeH[s]! - eH;
    if (eH >= mcw && cH >= mcw) {
      const last = acc[a + 2]!;
      const gap = Math.fround(Math.fround(Math.abs(last)) + KRT_EPS_F32);
      const cond = Math.fround(dl ? last - gap : last + gap);
      if (dl) consider(level, params, s, f, cG, cH, eG, eH, cond, dl);
      else consider(level, params, s, f, eG, eH, cG, cH, cond, dl);
    }
  }
  return dir === 1 ? w : w + 1;
}

// The four scan loops: one node (the root, and any level with one node: sums in registers) or
// many, forward or backward. Separate small functions so each loop is compiled on its own.

function scanOneForward(
  level: ExactLevel,
  params: SplitParams,
  f: number,
  from: ColumnSpan,
  to: ColumnSpan,
  lo: number,
  hi: number,
  slotOfRow: Int32Array,
  gh: Float32Array,
): number {
  const fromRows = from.rowIds;
  const fromValues = from.values;
  const toRows = to.rowIds;
  const toValues = to.values;
  const mcw = params.minChildWeight;
  const nG = level.nodeG[0]!;
  const nH = level.nodeH[0]!;
  let eG = 0;
  let eH = 0;
  let last = 0;
  let seen = 0;
  let w = lo;
  for (let i = lo; i < hi; i++) {
    const row = fromRows[i]!;
    if (slotOfRow[row]! < 0) continue;
    const fv = fromValues[i]!;
    toRows[w] = row;
    toValues[w] = fv;
    w++;
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
        const prop = Math.fround(Math.fround(fv + last) * 0.5);
        consider(level, params, 0, f, eG, eH, nG - eG, cH, prop === fv ? last : prop, 0);
      }
    }
    eG += g;
    eH += h;
    last = fv;
  }
  const acc = level.acc;
  acc[0] = eG;
  acc[1] = eH;
  acc[2] = last;
  acc[3] = seen;
  return w;
}

function scanOneBackward(
  level: ExactLevel,
  params: SplitParams,
  f: number,
  from: ColumnSpan,
  to: ColumnSpan,
  lo: number,
  hi: number,
  slotOfRow: Int32Array,
  gh: Float32Array,
): number {
  const fromRows = from.rowIds;
  const fromValues = from.values;
  const toRows = to.rowIds;
  const toValues = to.values;
  const mcw = params.minChildWeight;
  const nG = level.nodeG[0]!;
  const nH = level.nodeH[0]!;
  let eG = 0;
  let eH = 0;
  let last = 0;
  let seen = 0;
  let w = hi - 1;
  for (let i = hi - 1; i >= lo; i--) {
    const row = fromRows[i]!;
    if (slotOfRow[row]! < 0) continue;
    const fv = fromValues[i]!;
    toRows[w] = row;
    toValues[w] = fv;
    w--;
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
        const prop = Math.fround(Math.fround(fv + last) * 0.5);
        consider(level, params, 0, f, nG - eG, cH, eG, eH, prop === fv ? last : prop, 1);
      }
    }
    eG += g;
    eH += h;
    last = fv;
  }
  const acc = level.acc;
  acc[0] = eG;
  acc[1] = eH;
  acc[2] = last;
  acc[3] = seen;
  return w;
}

function scanManyForward(
  level: ExactLevel,
  params: SplitParams,
  f: number,
  from: ColumnSpan,
  to: ColumnSpan,
  lo: number,
  hi: number,
  slotOfRow: Int32Array,
  gh: Float32Array,
): number {
  const fromRows = from.rowIds;
  const fromValues = from.values;
  const toRows = to.rowIds;
  const toValues = to.values;
  const { acc, nodeG, nodeH } = level;
  const mcw = params.minChildWeight;
  let w = lo;
  for (let i = lo; i < hi; i++) {
    const row = fromRows[i]!;
    const s = slotOfRow[row]!;
    if (s < 0) continue;
    const fv = fromValues[i]!;
    toRows[w] = row;
    toValues[w] = fv;
    w++;
    const g = gh[2 * row]!;
    const h = gh[2 * row + 1]!;
    const a = 4 * s;
    const eH = acc[a + 1]!;
    if (eH === 0) {
      acc[a]! += g;
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
        const prop = Math.fround(Math.fround(fv + last) * 0.5);
        consider(level, params, s, f, eG, eH, nodeG[s]! - eG, cH, prop === fv ? last : prop, 0);
      }
    }
    acc[a] = eG + g;
    acc[a + 1] = eH + h;
    acc[a + 2] = fv;
  }
  return w;
}

function scanManyBackward(
  level: ExactLevel,
  params: SplitParams,
  f: number,
  from: ColumnSpan,
  to: ColumnSpan,
  lo: number,
  hi: number,
  slotOfRow: Int32Array,
  gh: Float32Array,
): number {
  const fromRows = from.rowIds;
  const fromValues = from.values;
  const toRows = to.rowIds;
  const toValues = to.values;
  const { acc, nodeG, nodeH } = level;
  const mcw = params.minChildWeight;
  let w = hi - 1;
  for (let i = hi - 1; i >= lo; i--) {
    const row = fromRows[i]!;
    const s = slotOfRow[row]!;
    if (s < 0) continue;
    const fv = fromValues[i]!;
    toRows[w] = row;
    toValues[w] = fv;
    w--;
    const g = gh[2 * row]!;
    const h = gh[2 * row + 1]!;
    const a = 4 * s;
    const eH = acc[a + 1]!;
    if (eH === 0) {
      acc[a]! += g;
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
        const prop = Math.fround(Math.fround(fv + last) * 0.5);
        consider(level, params, s, f, nodeG[s]! - eG, cH, eG, eH, prop === fv ? last : prop, 1);
      }
    }
    acc[a] = eG + g;
    acc[a + 1] = eH + h;
    acc[a + 2] = fv;
  }
  return w;
}
