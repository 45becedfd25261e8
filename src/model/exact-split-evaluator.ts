/**
 * The split search of XGBoost 1.7.4's `exact` updater (`grow_colmaker`, one thread): each node's
 * sorted values of a feature scanned once per direction, a candidate at every change of value
 * where both sides have Σh ≥ min_child_weight, threshold `fround((v + last)·0.5)` (or `last` when
 * that equals `v`), and one extra candidate past the last value; XGBoost's tie rules
 * ({@link needReplace}). XGBoost scans a feature for all nodes of a level in one pass; each node's
 * entries, sums and candidates come in the same order when its entries are scanned on their own.
 */
import { type SplitParams, needReplace, splitGain } from './split-evaluator.js';

const KRT_EPS_F32 = Math.fround(1e-6);

/**
 * The nodes of the level being expanded, by slot: their sums and scores and their best split so
 * far. Sized once for the most nodes a level can hold and reused level after level.
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

  constructor(capacity: number) {
    this.nodeG = new Float64Array(capacity);
    this.nodeH = new Float64Array(capacity);
    this.rootGain = new Float64Array(capacity);
    this.bestLoss = new Float64Array(capacity);
    this.bestFeature = new Int32Array(capacity);
    this.bestCondition = new Float64Array(capacity);
    this.bestDefaultLeft = new Uint8Array(capacity);
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

/**
 * Scans feature `f`'s entries `[lo, hi)` of one node (slot `s`), all non-missing and in increasing
 * value order, in one direction (`dir` 1: increasing values, missing values right; −1: decreasing,
 * missing left), offering every candidate split to the slot. `gh` holds each row's gradient and
 * hessian interleaved.
 *
 * @example
 * ```ts
 * scanNode(level, params, s, f, -1, columns.rowIds, columns.values, lo, hi, gh);
 * ```
 */
export function scanNode(
  level: ExactLevel,
  params: SplitParams,
  s: number,
  f: number,
  dir: 1 | -1,
  rowIds: Uint32Array,
  values: Float32Array,
  lo: number,
  hi: number,
  gh: Float32Array,
): void {
  if (hi <= lo) return;
  if (dir === 1) scanForward(level, params, s, f, rowIds, values, lo, hi, gh);
  else scanBackward(level, params, s, f, rowIds, values, lo, hi, gh);
}

// The two scan loops, one per direction, each a small function compiled on its own. The sums run
// in registers. While ΣH is 0 (the first entry, and rows of weight 0) entries only add to the sums;
// then the entries come in runs of one value: a run's first entry offers the candidate between it
// and the previous value, the rest of the run only adds (ΣH never returns to 0: hessians are ≥ 0).

function scanForward(
  level: ExactLevel,
  params: SplitParams,
  s: number,
  f: number,
  rowIds: Uint32Array,
  values: Float32Array,
  lo: number,
  hi: number,
  gh: Float32Array,
): void {
  const mcw = params.minChildWeight;
  const nG = level.nodeG[s]!;
  const nH = level.nodeH[s]!;
  let eG = 0;
  let eH = 0;
  let last = 0;
  let i = lo;
  for (; i < hi && eH === 0; i++) {
    const row = rowIds[i]!;
    eG += gh[2 * row]!;
    eH += gh[2 * row + 1]!;
    last = values[i]!;
  }
  while (i < hi) {
    const fv = values[i]!;
    if (fv !== last && eH >= mcw) {
      const cH = nH - eH;
      if (cH >= mcw) {
        const prop = Math.fround(Math.fround(fv + last) * 0.5);
        consider(level, params, s, f, eG, eH, nG - eG, cH, prop === fv ? last : prop, 0);
      }
    }
    do {
      const row = rowIds[i]!;
      eG += gh[2 * row]!;
      eH += gh[2 * row + 1]!;
      i++;
    } while (i < hi && values[i] === fv);
    last = values[i - 1]!;
  }
  // The candidate with every non-missing value on the left.
  const cH = nH - eH;
  if (eH >= mcw && cH >= mcw) {
    const gap = Math.fround(Math.fround(Math.abs(last)) + KRT_EPS_F32);
    consider(level, params, s, f, eG, eH, nG - eG, cH, Math.fround(last + gap), 0);
  }
}

function scanBackward(
  level: ExactLevel,
  params: SplitParams,
  s: number,
  f: number,
  rowIds: Uint32Array,
  values: Float32Array,
  lo: number,
  hi: number,
  gh: Float32Array,
): void {
  const mcw = params.minChildWeight;
  const nG = level.nodeG[s]!;
  const nH = level.nodeH[s]!;
  let eG = 0;
  let eH = 0;
  let last = 0;
  let i = hi - 1;
  for (; i >= lo && eH === 0; i--) {
    const row = rowIds[i]!;
    eG += gh[2 * row]!;
    eH += gh[2 * row + 1]!;
    last = values[i]!;
  }
  while (i >= lo) {
    const fv = values[i]!;
    if (fv !== last && eH >= mcw) {
      const cH = nH - eH;
      if (cH >= mcw) {
        const prop = Math.fround(Math.fround(fv + last) * 0.5);
        consider(level, params, s, f, nG - eG, cH, eG, eH, prop === fv ? last : prop, 1);
      }
    }
    do {
      const row = rowIds[i]!;
      eG += gh[2 * row]!;
      eH += gh[2 * row + 1]!;
      i--;
    } while (i >= lo && values[i] === fv);
    last = values[i + 1]!;
  }
  // The candidate with every non-missing value on the right.
  const cH = nH - eH;
  if (eH >= mcw && cH >= mcw) {
    const gap = Math.fround(Math.fround(Math.abs(last)) + KRT_EPS_F32);
    consider(level, params, s, f, nG - eG, cH, eG, eH, Math.fround(last - gap), 1);
  }
}
