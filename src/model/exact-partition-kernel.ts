/**
 * The data movement of `exact` training, the partition of the working columns into the entries of
 * the nodes being expanded ({@link ExactColumns}), as a small WebAssembly kernel: copying entries
 * while dropping some is a loop of stores, and V8 (Node 20) runs such a loop over typed arrays
 * passed as arguments at 6–10 ns per entry (it re-checks each array on every access after a store),
 * against about 1.5 ns here. Entries are copied as bits (values are never converted), so the
 * result is the same bytes as the JavaScript kernel's, which runs where WebAssembly is not
 * available (`node --jitless`) or the columns do not fit a 2 GiB memory.
 *
 * The module is assembled here from its instructions (no build step, no binary file). Both
 * functions take byte addresses; `slot` is the slot of every row (`−1`: not being expanded):
 *
 * ```wat
 * ;; Copies the n entries at (srcR, srcV) to (dstR, dstV), keeping those whose row has slot 0
 * ;; (slots are 0 or −1), order kept; returns how many were kept. dst may be src.
 * (func $compact (param $srcR i32) (param $srcV i32) (param $dstR i32) (param $dstV i32)
 *                (param $n i32) (param $slot i32) (result i32)
 *   (local $k i32) (local $end i32) (local $w i32) (local $row i32)
 *   (local.set $end (i32.shl (local.get $n) (i32.const 2)))
 *   (block $done (br_if $done (i32.ge_u (local.get $k) (local.get $end)))
 *     (loop $entries
 *       (local.set $row (i32.load (i32.add (local.get $srcR) (local.get $k))))
 *       (i32.store (i32.add (local.get $dstR) (local.get $w)) (local.get $row))
 *       (i32.store (i32.add (local.get $dstV) (local.get $w)) (i32.load (i32.add (local.get $srcV) (local.get $k))))
 *       ;; w += 4 when the row's slot is 0, 0 when it is −1
 *       (local.set $w (i32.add (local.get $w) (i32.shl (i32.add (i32.load (i32.add (local.get $slot)
 *         (i32.shl (local.get $row) (i32.const 2)))) (i32.const 1)) (i32.const 2))))
 *       (br_if $entries (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 4))) (local.get $end)))))
 *   (i32.shr_u (local.get $w) (i32.const 2)))
 *
 * ;; Splits the n entries at (srcR, srcV) of one node: rows in slot `left` to (dstR, dstV), rows
 * ;; in slot `left + 1` to (tmpR, tmpV), others dropped, order kept; returns the left count and
 * ;; stores the right count at address 0. dst may be src.
 * (func $split (param $srcR i32) (param $srcV i32) (param $dstR i32) (param $dstV i32) (param $n i32)
 *              (param $tmpR i32) (param $tmpV i32) (param $slot i32) (param $left i32) (result i32)
 *   (local $k i32) (local $end i32) (local $w i32) (local $t i32) (local $row i32) (local $v i32)
 *   (local $d i32) (local $live i32) (local $right i32)
 *   (local.set $end (i32.shl (local.get $n) (i32.const 2)))
 *   (block $done (br_if $done (i32.ge_u (local.get $k) (local.get $end)))
 *     (loop $entries
 *       (local.set $row (i32.load (i32.add (local.get $srcR) (local.get $k))))
 *       (local.set $v (i32.load (i32.add (local.get $srcV) (local.get $k))))
 *       ;; d: 0 left, 1 right, negative: dropped
 *       (local.set $d (i32.sub (i32.load (i32.add (local.get $slot) (i32.shl (local.get $row) (i32.const 2))))
 *                              (local.get $left)))
 *       (local.set $live (i32.add (i32.shr_s (local.get $d) (i32.const 31)) (i32.const 1)))
 *       (local.set $right (i32.and (local.get $d) (local.get $live)))
 *       (i32.store (i32.add (local.get $dstR) (local.get $w)) (local.get $row))
 *       (i32.store (i32.add (local.get $dstV) (local.get $w)) (local.get $v))
 *       (i32.store (i32.add (local.get $tmpR) (local.get $t)) (local.get $row))
 *       (i32.store (i32.add (local.get $tmpV) (local.get $t)) (local.get $v))
 *       (local.set $w (i32.add (local.get $w) (i32.shl (i32.sub (local.get $live) (local.get $right)) (i32.const 2))))
 *       (local.set $t (i32.add (local.get $t) (i32.shl (local.get $right) (i32.const 2))))
 *       (br_if $entries (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 4))) (local.get $end)))))
 *   (i32.store (i32.const 0) (i32.shr_u (local.get $t) (i32.const 2)))
 *   (i32.shr_u (local.get $w) (i32.const 2)))
 * ```
 */
import type { SortedColumns } from './sorted-columns.js';
import {
  BLOCK,
  END,
  I32,
  I32_ADD,
  I32_AND,
  I32_GE_U,
  I32_LT_U,
  I32_SHL,
  I32_SHR_S,
  I32_SHR_U,
  I32_SUB,
  LOOP,
  brIf,
  functionBody,
  functionType,
  get,
  i32Const,
  i32Load,
  i32Store,
  instantiate,
  kernelModule,
  lazyModule,
  set,
  tee,
} from './wasm-assembler.js';

/**
 * The working columns and the two partition moves over them. Positions are entry indices into
 * the presorted layout (feature `f` inside `[ptrs[f], ptrs[f+1])`).
 */
export interface PartitionKernel {
  /** `'wasm'`, or `'js'` when WebAssembly is not available or was not asked for. */
  readonly kind: 'wasm' | 'js';
  /** Row ids of the working columns. */
  readonly rowIds: Uint32Array;
  /** Float32 values of the working columns. */
  readonly values: Float32Array;
  /** Row ids and values of rows `[0, rows)` left by {@link PartitionKernel.split} for the caller to place. */
  readonly tmpRows: Uint32Array;
  readonly tmpValues: Float32Array;
  /** Takes the slot of every row (−1: not being expanded) the next moves read. */
  setSlots(slotOfRow: Int32Array): void;
  /**
   * Copies the entries `[lo, hi)` (of the presorted columns when `fromSorted`, else of the working
   * columns) whose row has slot 0 to the working columns from `lo` on, order kept (slots are 0 or
   * −1); returns the end of what was kept.
   */
  compact(fromSorted: boolean, lo: number, hi: number): number;
  /**
   * Splits the working entries `[lo, hi)` of one node: rows in slot `left` go to the working
   * columns from `to` on (`to ≤ lo`), rows in slot `left + 1` to `tmpRows`/`tmpValues` from 0,
   * others are dropped, order kept; returns the left count, {@link PartitionKernel.rightCount}
   * the right one.
   */
  split(lo: number, hi: number, to: number, left: number): number;
  /** Right count of the last {@link PartitionKernel.split}. */
  rightCount(): number;
}

/** Options of {@link createPartitionKernel}. */
export interface PartitionKernelOptions {
  /** Use the WebAssembly kernel when the engine has WebAssembly (default true). */
  readonly wasm?: boolean;
}

/**
 * The partition kernel over `sorted` for `rows` rows: the WebAssembly kernel when available (a
 * feature's presorted entries are copied into its memory when a tree first partitions it), else
 * the JavaScript one.
 *
 * @example
 * ```ts
 * const kernel = createPartitionKernel(sorted, rows);
 * kernel.setSlots(positions.slotOfRow);
 * const end = kernel.compact(true, sorted.ptrs[f], sorted.ptrs[f + 1]); // the root's sampled rows
 * ```
 */
export function createPartitionKernel(
  sorted: SortedColumns,
  rows: number,
  options: PartitionKernelOptions = {},
): PartitionKernel {
  if (options.wasm !== false) {
    const kernel = wasmKernel(sorted, rows);
    if (kernel !== undefined) return kernel;
  }
  return jsKernel(sorted, rows);
}

function jsKernel(sorted: SortedColumns, rows: number): PartitionKernel {
  const total = sorted.rowIds.length;
  const rowIds = new Uint32Array(total);
  const values = new Float32Array(total);
  const tmpRows = new Uint32Array(rows);
  const tmpValues = new Float32Array(rows);
  let slots: Int32Array = new Int32Array(rows);
  let right = 0;
  return {
    kind: 'js',
    rowIds,
    values,
    tmpRows,
    tmpValues,
    setSlots(slotOfRow) {
      slots = slotOfRow;
    },
    compact(fromSorted, lo, hi) {
      return compactJs(
        fromSorted ? sorted.rowIds : rowIds,
        fromSorted ? sorted.values : values,
        rowIds,
        values,
        lo,
        hi,
        slots,
      );
    },
    split(lo, hi, to, left) {
      const w = splitJs(rowIds, values, tmpRows, tmpValues, lo, hi, to, left, slots);
      right = w.right;
      return w.left;
    },
    rightCount() {
      return right;
    },
  };
}

function compactJs(
  fromRows: Uint32Array,
  fromValues: Float32Array,
  toRows: Uint32Array,
  toValues: Float32Array,
  lo: number,
  hi: number,
  slotOfRow: Int32Array,
): number {
  let w = lo;
  for (let i = lo; i < hi; i++) {
    const row = fromRows[i]!;
    if (slotOfRow[row]! < 0) continue;
    toRows[w] = row;
    toValues[w] = fromValues[i]!;
    w++;
  }
  return w;
}

function splitJs(
  rowIds: Uint32Array,
  values: Float32Array,
  tmpRows: Uint32Array,
  tmpValues: Float32Array,
  lo: number,
  hi: number,
  to: number,
  left: number,
  slotOfRow: Int32Array,
): { left: number; right: number } {
  let w = to;
  let t = 0;
  for (let i = lo; i < hi; i++) {
    const row = rowIds[i]!;
    const s = slotOfRow[row]!;
    if (s === left) {
      rowIds[w] = row;
      values[w] = values[i]!;
      w++;
    } else if (s === left + 1) {
      tmpRows[t] = row;
      tmpValues[t] = values[i]!;
      t++;
    }
  }
  return { left: w - to, right: t };
}

type CompactFunction = (srcR: number, srcV: number, dstR: number, dstV: number, n: number, slot: number) => number;
type SplitFunction = (
  srcR: number,
  srcV: number,
  dstR: number,
  dstV: number,
  n: number,
  tmpR: number,
  tmpV: number,
  slot: number,
  left: number,
) => number;

const partitionModule = lazyModule(() => assemblePartitionModule());

function wasmKernel(sorted: SortedColumns, rows: number): PartitionKernel | undefined {
  const total = sorted.rowIds.length;
  // Layout (bytes): a scratch word, the working row ids and values, the right children's row ids
  // and values, the slot of every row.
  const rowsAt = 16;
  const valuesAt = rowsAt + 4 * total;
  const tmpRowsAt = valuesAt + 4 * total;
  const tmpValuesAt = tmpRowsAt + 4 * rows;
  const slotAt = tmpValuesAt + 4 * rows;
  const bytes = slotAt + 4 * rows;
  const instance = instantiate(partitionModule(), bytes);
  if (instance === undefined) return undefined; // the JavaScript kernel needs less memory
  const { buffer } = instance;
  const rowIds = new Uint32Array(buffer, rowsAt, total);
  const values = new Float32Array(buffer, valuesAt, total);
  const scratch = new Uint32Array(buffer, 0, 1);
  const slots = new Int32Array(buffer, slotAt, rows);
  const compact = instance.exports.compact as CompactFunction;
  const split = instance.exports.split as SplitFunction;
  return {
    kind: 'wasm',
    rowIds,
    values,
    tmpRows: new Uint32Array(buffer, tmpRowsAt, rows),
    tmpValues: new Float32Array(buffer, tmpValuesAt, rows),
    setSlots(slotOfRow) {
      slots.set(slotOfRow);
    },
    compact(fromSorted, lo, hi) {
      // The presorted entries are copied in (a memory copy) and compacted in place.
      if (fromSorted) {
        rowIds.set(sorted.rowIds.subarray(lo, hi), lo);
        values.set(sorted.values.subarray(lo, hi), lo);
      }
      const at = 4 * lo;
      return lo + compact(rowsAt + at, valuesAt + at, rowsAt + at, valuesAt + at, hi - lo, slotAt);
    },
    split(lo, hi, to, left) {
      return split(
        rowsAt + 4 * lo,
        valuesAt + 4 * lo,
        rowsAt + 4 * to,
        valuesAt + 4 * to,
        hi - lo,
        tmpRowsAt,
        tmpValuesAt,
        slotAt,
        left,
      );
    },
    rightCount() {
      return scratch[0]!;
    },
  };
}

// ---- the module's bytes ----

// Memory accesses at offset 0; the other instructions come from wasm-assembler.ts.
const load = i32Load(0);
const store = i32Store(0);

/** `address + (index << 2)` */
const element = (address: number, index: number) => [...get(address), ...get(index), ...i32Const(2), I32_SHL, I32_ADD];
/** `a + b` */
const plus = (a: number, b: number) => [...get(a), ...get(b), I32_ADD];

/** The loop frame both functions share: `for (k = 0; k < end; k += 4) body`. */
function entryLoop(k: number, end: number, body: number[]): number[] {
  return [
    ...BLOCK,
    ...get(k),
    ...get(end),
    I32_GE_U,
    ...brIf(0),
    ...LOOP,
    ...body,
    ...get(k),
    ...i32Const(4),
    I32_ADD,
    ...tee(k),
    ...get(end),
    I32_LT_U,
    ...brIf(0),
    END,
    END,
  ];
}

function compactBody(): number[] {
  const [SRC_R, SRC_V, DST_R, DST_V, N, SLOT, K, END_, W, ROW] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const code = [
    ...get(N),
    ...i32Const(2),
    I32_SHL,
    ...set(END_),
    ...entryLoop(K, END_, [
      ...plus(SRC_R, K),
      ...load,
      ...set(ROW),
      ...plus(DST_R, W),
      ...get(ROW),
      ...store,
      ...plus(DST_V, W),
      ...plus(SRC_V, K),
      ...load,
      ...store,
      ...get(W),
      ...element(SLOT, ROW),
      ...load,
      ...i32Const(1),
      I32_ADD,
      ...i32Const(2),
      I32_SHL,
      I32_ADD,
      ...set(W),
    ]),
    ...get(W),
    ...i32Const(2),
    I32_SHR_U,
  ];
  return functionBody([[4, I32]], code);
}

function splitBody(): number[] {
  const [SRC_R, SRC_V, DST_R, DST_V, N, TMP_R, TMP_V, SLOT, LEFT] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [K, END_, W, T, ROW, V, D, LIVE, RIGHT] = [9, 10, 11, 12, 13, 14, 15, 16, 17];
  const code = [
    ...get(N),
    ...i32Const(2),
    I32_SHL,
    ...set(END_),
    ...entryLoop(K, END_, [
      ...plus(SRC_R, K),
      ...load,
      ...set(ROW),
      ...plus(SRC_V, K),
      ...load,
      ...set(V),
      ...element(SLOT, ROW),
      ...load,
      ...get(LEFT),
      I32_SUB,
      ...tee(D),
      ...i32Const(31),
      I32_SHR_S,
      ...i32Const(1),
      I32_ADD,
      ...tee(LIVE),
      ...get(D),
      I32_AND,
      ...set(RIGHT),
      ...plus(DST_R, W),
      ...get(ROW),
      ...store,
      ...plus(DST_V, W),
      ...get(V),
      ...store,
      ...plus(TMP_R, T),
      ...get(ROW),
      ...store,
      ...plus(TMP_V, T),
      ...get(V),
      ...store,
      ...get(W),
      ...get(LIVE),
      ...get(RIGHT),
      I32_SUB,
      ...i32Const(2),
      I32_SHL,
      I32_ADD,
      ...set(W),
      ...get(T),
      ...get(RIGHT),
      ...i32Const(2),
      I32_SHL,
      I32_ADD,
      ...set(T),
    ]),
    ...i32Const(0),
    ...get(T),
    ...i32Const(2),
    I32_SHR_U,
    ...store,
    ...get(W),
    ...i32Const(2),
    I32_SHR_U,
  ];
  return functionBody([[9, I32]], code);
}

/**
 * The kernel module's bytes: memory imported as `env.memory`, functions `compact` and `split`
 * exported (see the module comment for their text).
 */
export function assemblePartitionModule(): Uint8Array {
  return kernelModule(
    [functionType(6, 1), functionType(9, 1)],
    [
      { name: 'compact', type: 0, body: compactBody() },
      { name: 'split', type: 1, body: splitBody() },
    ],
  );
}
