/**
 * The inner loop of `hist` training, the gradient histogram of a set of rows, as a WebAssembly
 * kernel: XGBoost's row-wise summation (rows in increasing order, each row adding its (g, h) pair to
 * the bin of every feature, in double), with the pair added by one two-lane double addition
 * (`f64x2.add`, lane by lane the IEEE addition JavaScript does) and without the bounds check V8
 * puts on every typed-array access. Each bin receives the same additions in the same order as in
 * {@link buildHistogram}, so the histograms are bit for bit the same (the missing values' slot, never
 * read, aside); where WebAssembly SIMD is not
 * available (`node --jitless`, an engine without it) the kernel is {@link buildHistogram} itself.
 *
 * The module is assembled here from its instructions (no build step, no binary file): one function
 * per bin width, both with the signature
 * `(rowIds, begin, end, bins, rowBytes, pairBytes, gh, hist)` (byte addresses and counts):
 *
 * ```wat
 * (func $hist16 (param $rowIds i32) (param $i i32) (param $end i32) (param $bins i32)
 *               (param $rowBytes i32) (param $pairBytes i32) (param $gh i32) (param $hist i32)
 *   (local $o i32) (local $pairStop i32) (local $stop i32) (local $a i32) (local $row i32) (local $v v128)
 *   (block $done (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
 *     (loop $rows
 *       (local.set $row (i32.load (i32.add (local.get $rowIds) (i32.shl (local.get $i) (i32.const 2)))))
 *       (local.set $v (v128.load (i32.add (local.get $gh) (i32.shl (local.get $row) (i32.const 4)))))
 *       (local.set $o (i32.add (local.get $bins) (i32.mul (local.get $row) (local.get $rowBytes))))
 *       (local.set $pairStop (i32.add (local.get $o) (local.get $pairBytes)))
 *       (local.set $stop (i32.add (local.get $o) (local.get $rowBytes)))
 *       (block $pairsDone (br_if $pairsDone (i32.ge_u (local.get $o) (local.get $pairStop)))
 *         (loop $pairs
 *           ;; hist[bin] += (g, h) for two features of the row
 *           (local.set $a (i32.add (local.get $hist) (i32.shl (i32.load16_u offset=0 (local.get $o)) (i32.const 4))))
 *           (v128.store (local.get $a) (f64x2.add (v128.load (local.get $a)) (local.get $v)))
 *           (local.set $a (i32.add (local.get $hist) (i32.shl (i32.load16_u offset=2 (local.get $o)) (i32.const 4))))
 *           (v128.store (local.get $a) (f64x2.add (v128.load (local.get $a)) (local.get $v)))
 *           (br_if $pairs (i32.lt_u (local.tee $o (i32.add (local.get $o) (i32.const 4))) (local.get $pairStop)))))
 *       (block $tailDone (br_if $tailDone (i32.ge_u (local.get $o) (local.get $stop)))
 *         (local.set $a (i32.add (local.get $hist) (i32.shl (i32.load16_u (local.get $o)) (i32.const 4))))
 *         (v128.store (local.get $a) (f64x2.add (v128.load (local.get $a)) (local.get $v))))
 *       (br_if $rows (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $end))))))
 * ```
 *
 * `$hist32` is the same with `i32.load` and 4-byte steps. The kernel owns one memory holding the
 * row-major bins (copied once per training run), the (g, h) pairs of the rows (written per tree),
 * the row ids of the node being built and one histogram; the result is copied into the caller's
 * `Float64Array`.
 */
import { buildHistogram } from './histogram-builder.js';
import {
  BLOCK,
  END,
  I32,
  I32_ADD,
  I32_GE_U,
  I32_LT_U,
  I32_MUL,
  I32_SHL,
  LOOP,
  V128,
  brIf,
  functionBody,
  functionType,
  get,
  i32Const,
  i32Load,
  instantiate,
  kernelModule,
  lazyModule,
  set,
  tee,
  uleb,
} from './wasm-assembler.js';

/** Builds gradient histograms over one training set's bins (see the module comment). */
export interface HistogramKernel {
  /** `'wasm'`, or `'js'` when WebAssembly SIMD is not available or was not asked for. */
  readonly kind: 'wasm' | 'js';
  /**
   * The gradients the histograms sum, written by the caller before building: row `r`'s gradient
   * and hessian at `[2r]` and `[2r + 1]` (float32 values; only the rows built are read).
   */
  readonly gradients: Float64Array;
  /**
   * Writes into `hist` (2 × (bins + 1) doubles, (Σg, Σh) interleaved, any content) the histogram of
   * the rows `rowIds[begin..end)` (increasing), as {@link buildHistogram} sums it.
   */
  build(hist: Float64Array, rowIds: Uint32Array, begin: number, end: number): void;
}

/** Options of {@link createHistogramKernel}. */
export interface HistogramKernelOptions {
  /** Use the WebAssembly kernel when the engine has WebAssembly SIMD (default true). */
  readonly wasm?: boolean;
}

/**
 * The histogram kernel for a row-major bin matrix (`bins[row * columns + f]`, global bin ids, the
 * missing slot `missing` included): the WebAssembly kernel when available, else
 * {@link buildHistogram}.
 *
 * @example
 * ```ts
 * const kernel = createHistogramKernel(binMatrix.bins, binMatrix.missing, rows, columns);
 * logisticGradientPairs(margins, labels, 1, kernel.gradients, undefined, rowIds, sampled);
 * kernel.build(hist, rowIds, 0, sampled); // hist = the root's histogram
 * ```
 */
export function createHistogramKernel(
  bins: Uint16Array | Uint32Array,
  missing: number,
  rows: number,
  columns: number,
  options: HistogramKernelOptions = {},
): HistogramKernel {
  if (options.wasm !== false) {
    const kernel = wasmKernel(bins, missing, rows, columns);
    if (kernel !== undefined) return kernel;
  }
  return jsKernel(bins, rows, columns);
}

function jsKernel(bins: Uint16Array | Uint32Array, rows: number, columns: number): HistogramKernel {
  const gradients = new Float64Array(2 * rows);
  return {
    kind: 'js',
    gradients,
    build(hist, rowIds, begin, end) {
      hist.fill(0);
      buildHistogram(hist, rowIds, begin, end, bins, columns, gradients);
    },
  };
}

type KernelFunction = (
  rowIds: number,
  begin: number,
  end: number,
  bins: number,
  rowBytes: number,
  pairBytes: number,
  gh: number,
  hist: number,
) => void;

const histogramModule = lazyModule(() => assembleHistogramModule());

function wasmKernel(
  bins: Uint16Array | Uint32Array,
  missing: number,
  rows: number,
  columns: number,
): HistogramKernel | undefined {
  const width = bins.BYTES_PER_ELEMENT;
  const align = (n: number) => Math.ceil(n / 16) * 16;
  const binsAt = 0;
  const ghAt = align(rows * columns * width);
  const rowIdsAt = ghAt + rows * 16;
  const histAt = align(rowIdsAt + rows * 4);
  const histLength = 2 * (missing + 1);
  const bytes = histAt + histLength * 8;
  const instance = instantiate(histogramModule(), bytes);
  if (instance === undefined) return undefined; // the JavaScript kernel needs no memory of its own
  const { buffer } = instance;
  if (width === 2) new Uint16Array(buffer, binsAt, bins.length).set(bins);
  else new Uint32Array(buffer, binsAt, bins.length).set(bins);
  const gh = new Float64Array(buffer, ghAt, 2 * rows);
  const ids = new Uint32Array(buffer, rowIdsAt, rows);
  const scratch = new Float64Array(buffer, histAt, histLength);
  const run = instance.exports[width === 2 ? 'hist16' : 'hist32'] as KernelFunction;
  const rowBytes = columns * width;
  const pairBytes = (columns & ~1) * width;
  return {
    kind: 'wasm',
    gradients: gh,
    build(hist, rowIds, begin, end) {
      ids.set(rowIds.subarray(begin, end));
      scratch.fill(0);
      run(rowIdsAt, 0, end - begin, binsAt, rowBytes, pairBytes, ghAt, histAt);
      hist.set(scratch);
    },
  };
}

// ---- the module's bytes ----

// SIMD and 16-bit loads (WebAssembly core 2.0 opcodes); the rest come from wasm-assembler.ts.
const i32Load16u = (offset: number) => [0x2f, 1, ...uleb(offset)];
const v128Load = [0xfd, 0x00, 4, 0];
const v128Store = [0xfd, 0x0b, 4, 0];
const F64X2_ADD = [0xfd, 0xf0, 0x01];

// Parameters and locals of the kernel functions.
const ROW_IDS = 0;
const I = 1;
const END_ = 2;
const BINS = 3;
const ROW_BYTES = 4;
const PAIR_BYTES = 5;
const GH = 6;
const HIST = 7;
const O = 8;
const PAIR_STOP = 9;
const STOP = 10;
const A = 11;
const ROW = 12;
const V = 13;

/** `hist[bin at o + offset] += v`, the bin `width` bytes wide. */
function update(width: number, offset: number): number[] {
  const loadBin = width === 2 ? i32Load16u(offset) : i32Load(offset);
  return [
    ...get(HIST),
    ...get(O),
    ...loadBin,
    ...i32Const(4),
    I32_SHL,
    I32_ADD,
    ...tee(A),
    ...get(A),
    ...v128Load,
    ...get(V),
    ...F64X2_ADD,
    ...v128Store,
  ];
}

function kernelBody(width: number): number[] {
  const code = [
    ...BLOCK,
    ...get(I),
    ...get(END_),
    I32_GE_U,
    ...brIf(0),
    ...LOOP,
    // row = rowIds[i]; v = gh[row]; o = bins + row·rowBytes
    ...get(ROW_IDS),
    ...get(I),
    ...i32Const(2),
    I32_SHL,
    I32_ADD,
    ...i32Load(0),
    ...set(ROW),
    ...get(GH),
    ...get(ROW),
    ...i32Const(4),
    I32_SHL,
    I32_ADD,
    ...v128Load,
    ...set(V),
    ...get(BINS),
    ...get(ROW),
    ...get(ROW_BYTES),
    I32_MUL,
    I32_ADD,
    ...tee(O),
    ...get(PAIR_BYTES),
    I32_ADD,
    ...set(PAIR_STOP),
    ...get(O),
    ...get(ROW_BYTES),
    I32_ADD,
    ...set(STOP),
    // features two at a time
    ...BLOCK,
    ...get(O),
    ...get(PAIR_STOP),
    I32_GE_U,
    ...brIf(0),
    ...LOOP,
    ...update(width, 0),
    ...update(width, width),
    ...get(O),
    ...i32Const(2 * width),
    I32_ADD,
    ...tee(O),
    ...get(PAIR_STOP),
    I32_LT_U,
    ...brIf(0),
    END,
    END,
    // the last feature of an odd count
    ...BLOCK,
    ...get(O),
    ...get(STOP),
    I32_GE_U,
    ...brIf(0),
    ...update(width, 0),
    END,
    // next row
    ...get(I),
    ...i32Const(1),
    I32_ADD,
    ...tee(I),
    ...get(END_),
    I32_LT_U,
    ...brIf(0),
    END,
    END,
  ];
  return functionBody(
    [
      [5, I32],
      [1, V128],
    ],
    code,
  );
}

/**
 * The kernel module's bytes: memory imported as `env.memory`, functions `hist16` and `hist32`
 * exported (see the module comment for their text).
 */
export function assembleHistogramModule(): Uint8Array {
  return kernelModule(
    [functionType(8, 0)],
    [
      { name: 'hist16', type: 0, body: kernelBody(2) },
      { name: 'hist32', type: 0, body: kernelBody(4) },
    ],
  );
}
