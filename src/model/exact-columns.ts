/**
 * The `exact` grower's working copy of the presorted columns, kept partitioned by node: for each
 * feature, the entries (row id, float32 value) of every node being expanded form one contiguous
 * segment, in the presorted order (increasing value, ties in row order). A scan then walks one
 * node's entries with its sums in registers, with no per-entry lookup of the row's node and no
 * entries of rows that are not being expanded.
 *
 * XGBoost 1.7.4's `grow_colmaker` walks the whole column for all nodes of a level at once; the
 * entries of one node come in the same relative order either way, so every node's sums and
 * candidates are the same, in the same order.
 */
import { type PartitionKernel, type PartitionKernelOptions, createPartitionKernel } from './exact-partition-kernel.js';
import type { SortedColumns } from './sorted-columns.js';

/** Per feature, the node segments of its working column (see the module comment). */
export class ExactColumns {
  /** Row ids of the working columns, feature `f` inside `[ptrs[f], ptrs[f+1])` of the presorted columns. */
  readonly rowIds: Uint32Array;
  /** Float32 values, in the order of {@link ExactColumns.rowIds}. */
  readonly values: Float32Array;
  /**
   * Segment bounds: slot `s` of feature `f` occupies `[bounds[f·stride + s], bounds[f·stride + s + 1])`
   * for the slots of the level the feature was last partitioned for.
   */
  readonly bounds: Uint32Array;
  /** Most slots a level can have, plus one. */
  readonly stride: number;
  /** Per feature, the depth whose slots its segments follow; −1 before its first partition in a tree. */
  readonly depthOf: Int32Array;
  /** Per feature, the number of slots its segments follow. */
  readonly slotsOf: Int32Array;
  /** The moves: WebAssembly when available. */
  readonly kernel: PartitionKernel;
  private readonly sorted: SortedColumns;
  private readonly old: Uint32Array;
  private readonly count: Uint32Array;

  /**
   * @param sorted the presorted columns the working copy is taken from
   * @param rows rows of the training set (the most entries a feature has)
   * @param maxSlots the most nodes a level can expand
   * @param options `wasm: false` uses the JavaScript kernel
   */
  constructor(sorted: SortedColumns, rows: number, maxSlots: number, options: PartitionKernelOptions = {}) {
    const columns = sorted.ptrs.length - 1;
    this.sorted = sorted;
    this.kernel = createPartitionKernel(sorted, rows, options);
    this.rowIds = this.kernel.rowIds;
    this.values = this.kernel.values;
    this.stride = maxSlots + 1;
    this.bounds = new Uint32Array(columns * this.stride);
    this.depthOf = new Int32Array(columns).fill(-1);
    this.slotsOf = new Int32Array(columns);
    this.old = new Uint32Array(this.stride);
    this.count = new Uint32Array(this.stride + 1);
  }

  /** Starts a tree: every feature is taken from the presorted columns at its first partition. */
  reset(): void {
    this.depthOf.fill(-1);
  }

  /** Starts a level: the slot of every row (−1: not being expanded) that the next partitions read. */
  enterLevel(slotOfRow: Int32Array): void {
    this.kernel.setSlots(slotOfRow);
  }

  /**
   * Makes feature `f`'s segments follow the level at `depth`, whose `slots` nodes hold the rows
   * `slotOfRow` maps to them (−1: row not being expanded, dropped; the same map last given to
   * {@link ExactColumns.enterLevel}). When the feature was last partitioned for the level just
   * above, each node's segment is split into its children's (`childSlot[p]`: the left child's
   * slot of the previous level's slot `p`, the right child's is the next; −1 when `p` did not
   * split), one pass over the entries of the nodes that split; otherwise (first scan of the
   * feature in this tree, or levels skipped by column sampling) the live entries are regrouped by
   * slot, order kept.
   *
   * @example
   * ```ts
   * columns.enterLevel(positions.slotOfRow);
   * columns.partition(f, 0, 1, positions.slotOfRow, childSlot); // the root: sampled rows only
   * ```
   */
  partition(f: number, depth: number, slots: number, slotOfRow: Int32Array, childSlot: Int32Array): void {
    const previous = this.depthOf[f]!;
    const at = f * this.stride;
    const lo = this.sorted.ptrs[f]!;
    if (previous >= 0 && previous === depth - 1) this.#split(at, lo, childSlot);
    else {
      const working = previous >= 0;
      const hi = working ? this.bounds[at + this.slotsOf[f]!]! : this.sorted.ptrs[f + 1]!;
      if (slots === 1) {
        this.bounds[at] = lo;
        this.bounds[at + 1] = this.kernel.compact(!working, lo, hi);
      } else this.#regroup(at, lo, hi, slots, working, slotOfRow);
    }
    this.depthOf[f] = depth;
    this.slotsOf[f] = slots;
  }

  /** Any number of slots: a stable counting sort of the live entries by slot (column sampling only). */
  #regroup(at: number, lo: number, hi: number, slots: number, working: boolean, slotOfRow: Int32Array): void {
    const fromRows = working ? this.rowIds : this.sorted.rowIds;
    const fromValues = working ? this.values : this.sorted.values;
    const count = this.count;
    count.fill(0, 0, slots + 1);
    for (let i = lo; i < hi; i++) {
      const s = slotOfRow[fromRows[i]!]!;
      if (s >= 0) count[s + 1]!++;
    }
    for (let s = 1; s <= slots; s++) count[s]! += count[s - 1]!;
    for (let s = 0; s <= slots; s++) this.bounds[at + s] = lo + count[s]!;
    const { tmpRows, tmpValues } = this.kernel;
    for (let i = lo; i < hi; i++) {
      const row = fromRows[i]!;
      const s = slotOfRow[row]!;
      if (s < 0) continue;
      const k = count[s]!++;
      tmpRows[k] = row;
      tmpValues[k] = fromValues[i]!;
    }
    const n = count[slots]!;
    this.rowIds.set(tmpRows.subarray(0, n), lo);
    this.values.set(tmpValues.subarray(0, n), lo);
  }

  /** The level below the feature's segments: each splitting node's segment into its two children's. */
  #split(at: number, lo: number, childSlot: Int32Array): void {
    const kernel = this.kernel;
    const bounds = this.bounds;
    const old = this.old;
    // The feature's previous number of slots is at most the stride; copy the old bounds first, as
    // the new ones overwrite them.
    const parents = this.slotsOf[at / this.stride]!;
    old.set(bounds.subarray(at, at + parents + 1));
    let w = lo;
    for (let p = 0; p < parents; p++) {
      const left = childSlot[p]!;
      if (left < 0) continue;
      const start = w;
      w += kernel.split(old[p]!, old[p + 1]!, w, left);
      const right = kernel.rightCount();
      this.rowIds.set(kernel.tmpRows.subarray(0, right), w);
      this.values.set(kernel.tmpValues.subarray(0, right), w);
      bounds[at + left] = start;
      bounds[at + left + 1] = w;
      w += right;
      bounds[at + left + 2] = w;
    }
  }
}
