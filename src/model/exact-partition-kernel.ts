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

/** The part of the WebAssembly JavaScript API the kernel uses (the global, when the engine has one). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => { readonly buffer: ArrayBuffer };
}
const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

const PAGE = 65536;
/** Byte addresses stay below 2 GiB, so i32 arithmetic on them never wraps. */
const MAX_BYTES = 2 ** 31 - PAGE;

let compiled: object | null | undefined;

/** The compiled module, or null when this engine cannot run it. */
function partitionModule(): object | null {
  if (compiled === undefined) {
    try {
      const bytes = assemblePartitionModule();
      compiled = wasmApi?.validate(bytes) === true ? new wasmApi.Module(bytes) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

function wasmKernel(sorted: SortedColumns, rows: number): PartitionKernel | undefined {
  const module = partitionModule();
  if (module === null || wasmApi === undefined) return undefined;
  const total = sorted.rowIds.length;
  // Layout (bytes): a scratch word, the working row ids and values, the right children's row ids
  // and values, the slot of every row.
  const rowsAt = 16;
  const valuesAt = rowsAt + 4 * total;
  const tmpRowsAt = valuesAt + 4 * total;
  const tmpValuesAt = tmpRowsAt + 4 * rows;
  const slotAt = tmpValuesAt + 4 * rows;
  const bytes = slotAt + 4 * rows;
  if (bytes > MAX_BYTES) return undefined;
  let memory: { readonly buffer: ArrayBuffer };
  let instance: { readonly exports: Record<string, unknown> };
  try {
    memory = new wasmApi.Memory({ initial: Math.ceil(bytes / PAGE) });
    instance = new wasmApi.Instance(module, { env: { memory } });
  } catch {
    return undefined; // no memory this size: the JavaScript kernel needs less
  }
  const { buffer } = memory;
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

const I32 = 0x7f;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

const vec = (items: readonly number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: readonly number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (s: string): number[] => vec([...s].map((c) => [c.charCodeAt(0)]));

// Instructions (WebAssembly core 1.0 opcodes).
const get = (local: number) => [0x20, local];
const set = (local: number) => [0x21, local];
const tee = (local: number) => [0x22, local];
const i32Const = (v: number) => [0x41, v]; // 0 ≤ v < 64: one signed LEB128 byte
const I32_ADD = 0x6a;
const I32_SUB = 0x6b;
const I32_AND = 0x71;
const I32_SHL = 0x74;
const I32_SHR_S = 0x75;
const I32_SHR_U = 0x76;
const I32_LT_U = 0x49;
const I32_GE_U = 0x4f;
const BLOCK = [0x02, 0x40];
const LOOP = [0x03, 0x40];
const END = 0x0b;
const brIf = (depth: number) => [0x0d, depth];
const i32Load = [0x28, 2, 0];
const i32Store = [0x36, 2, 0];

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

function functionBody(localCount: number, code: number[]): number[] {
  const body = [...vec([[...uleb(localCount), I32]]), ...code, END];
  return [...uleb(body.length), ...body];
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
      ...i32Load,
      ...set(ROW),
      ...plus(DST_R, W),
      ...get(ROW),
      ...i32Store,
      ...plus(DST_V, W),
      ...plus(SRC_V, K),
      ...i32Load,
      ...i32Store,
      ...get(W),
      ...element(SLOT, ROW),
      ...i32Load,
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
  return functionBody(4, code);
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
      ...i32Load,
      ...set(ROW),
      ...plus(SRC_V, K),
      ...i32Load,
      ...set(V),
      ...element(SLOT, ROW),
      ...i32Load,
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
      ...i32Store,
      ...plus(DST_V, W),
      ...get(V),
      ...i32Store,
      ...plus(TMP_R, T),
      ...get(ROW),
      ...i32Store,
      ...plus(TMP_V, T),
      ...get(V),
      ...i32Store,
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
    ...i32Store,
    ...get(W),
    ...i32Const(2),
    I32_SHR_U,
  ];
  return functionBody(9, code);
}

/**
 * The kernel module's bytes: memory imported as `env.memory`, functions `compact` and `split`
 * exported (see the module comment for their text).
 */
export function assemblePartitionModule(): Uint8Array {
  const type = (params: number) => [0x60, ...vec(Array.from({ length: params }, () => [I32])), ...vec([[I32]])];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([type(6), type(9)])),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(1)]])),
    ...section(3, vec([[0], [1]])),
    ...section(
      7,
      vec([
        [...name('compact'), 0x00, 0],
        [...name('split'), 0x00, 1],
      ]),
    ),
    ...section(10, vec([compactBody(), splitBody()])),
  ]);
}
