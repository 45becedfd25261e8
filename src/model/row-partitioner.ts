/**
 * The rows of each node of a tree being grown, as XGBoost's `RowSetCollection`: one array of row
 * ids in which every node owns a contiguous segment, its rows in increasing order; splitting a node
 * partitions its segment stably into the left child's segment followed by the right child's.
 */
export class RowPartitioner {
  /** Row ids; node `nid` owns `rowIds[begin(nid) .. end(nid))`. */
  readonly rowIds: Uint32Array;
  readonly #scratch: Uint32Array;
  readonly #begin: number[] = [];
  readonly #end: number[] = [];

  /**
   * @param capacity the most rows a tree can hold (the training set's row count)
   * @example
   * ```ts
   * const rows = new RowPartitioner(data.rows);
   * rows.reset(sampledCount);         // rowIds[0..sampledCount) already hold the root's rows
   * ```
   */
  constructor(capacity: number) {
    this.rowIds = new Uint32Array(capacity);
    this.#scratch = new Uint32Array(capacity);
  }

  /** Starts a tree: the root (node 0) owns `rowIds[0..count)`, which the caller has filled. */
  reset(count: number): void {
    this.#begin.length = 0;
    this.#end.length = 0;
    this.#begin.push(0);
    this.#end.push(count);
  }

  /** First position of node `nid`'s segment. */
  begin(nid: number): number {
    return this.#begin[nid]!;
  }

  /** One past the last position of node `nid`'s segment. */
  end(nid: number): number {
    return this.#end[nid]!;
  }

  /**
   * Splits node `nid`'s segment by one feature's bins (column-major `byColumn[f * rows + row]`):
   * a row goes left iff its bin ≤ `lastLeftBin`, a missing value (`missing`) by `defaultLeft`.
   * The children `left` and `right` get the two parts, order kept. Returns the left part's size.
   */
  split(
    nid: number,
    left: number,
    right: number,
    byColumn: Uint16Array | Uint32Array,
    columnOffset: number,
    lastLeftBin: number,
    missing: number,
    defaultLeft: boolean,
  ): number {
    const rowIds = this.rowIds;
    const scratch = this.#scratch;
    const begin = this.#begin[nid]!;
    const end = this.#end[nid]!;
    let wl = begin;
    let wr = 0;
    for (let i = begin; i < end; i++) {
      const row = rowIds[i]!;
      const bin = byColumn[columnOffset + row]!;
      if (bin === missing ? defaultLeft : bin <= lastLeftBin) rowIds[wl++] = row;
      else scratch[wr++] = row;
    }
    rowIds.set(scratch.subarray(0, wr), wl);
    this.#begin[left] = begin;
    this.#end[left] = wl;
    this.#begin[right] = wl;
    this.#end[right] = end;
    return wl - begin;
  }

  /** Writes `leafOf[row] = nid` for every row of node `nid`'s segment. */
  assign(nid: number, leafOf: Int32Array): void {
    const rowIds = this.rowIds;
    const end = this.#end[nid]!;
    for (let i = this.#begin[nid]!; i < end; i++) leafOf[rowIds[i]!] = nid;
  }
}
