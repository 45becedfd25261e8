/**
 * The `exact` grower's row partition, as XGBoost 1.7.4's `grow_colmaker` keeps it: not segments
 * but the node of every row (`position`), updated after each level by evaluating each split row by
 * row on the raw float32 values, plus, for the level being expanded, each row's slot and each
 * slot's statistics summed over its rows in row order (double).
 */
import type { ExactLevel } from './exact-split-evaluator.js';

/** Row positions and per-level slot maps, sized once per training run. */
export class ExactRowPositions {
  /** Node of every row. */
  readonly position: Int32Array;
  /**
   * Slot of the row's node in the level being expanded; −1 when not expanding, not sampled, or its node cannot split.
   */
  readonly slotOfRow: Int32Array;
  /** Slot of each node id in the level being expanded, −1 otherwise. */
  readonly slotOfNode: Int32Array;
  readonly #slotDead: Uint8Array;

  /**
   * @param rows rows of the training set
   * @param maxNodes the most node ids a tree can use
   */
  constructor(rows: number, maxNodes: number) {
    this.position = new Int32Array(rows);
    this.slotOfRow = new Int32Array(rows);
    this.slotOfNode = new Int32Array(maxNodes);
    this.#slotDead = new Uint8Array(maxNodes);
  }

  /** Starts a tree: every row in the root. */
  reset(): void {
    this.position.fill(0);
  }

  /**
   * Makes `nodes` the level being expanded: maps rows to slots and sums each slot's gradient and
   * hessian over its active rows in row order (`level.nodeG`, `level.nodeH`); rows left out by
   * `active` (subsampling) get no slot. A node whose Σh is below 2·min_child_weight (less a margin
   * far above rounding) can have no candidate split (both sides need Σh ≥ min_child_weight), so
   * its rows get no slot either and its scans are skipped.
   *
   * @example
   * ```ts
   * positions.enterLevel([1, 2], level, grad, hess, null, minChildWeight);
   * ```
   */
  enterLevel(
    nodes: readonly number[],
    level: ExactLevel,
    grad: Float32Array,
    hess: Float32Array,
    active: Uint8Array | null,
    minChildWeight: number,
  ): void {
    const k = nodes.length;
    const { position, slotOfRow, slotOfNode } = this;
    const dead = this.#slotDead;
    const { nodeG, nodeH } = level;
    level.begin(k);
    nodeG.fill(0, 0, k);
    nodeH.fill(0, 0, k);
    slotOfNode.fill(-1);
    for (let s = 0; s < k; s++) slotOfNode[nodes[s]!] = s;
    const n = position.length;
    for (let r = 0; r < n; r++) {
      const s = slotOfNode[position[r]!]!;
      if (s < 0 || (active !== null && !active[r])) {
        slotOfRow[r] = -1;
        continue;
      }
      slotOfRow[r] = s;
      nodeG[s]! += grad[r]!;
      nodeH[s]! += hess[r]!;
    }
    const lowest = 2 * minChildWeight * (1 - 1e-9);
    let anyDead = false;
    for (let s = 0; s < k; s++) {
      if (minChildWeight > 0 && nodeH[s]! < lowest) {
        dead[s] = 1;
        anyDead = true;
      } else dead[s] = 0;
    }
    if (anyDead) {
      for (let r = 0; r < n; r++) {
        const s = slotOfRow[r]!;
        if (s >= 0 && dead[s] === 1) slotOfRow[r] = -1;
      }
    }
  }

  /**
   * Moves every row of a node that just split to its child: `x < condition` left, a missing value
   * by the default direction. `splitSlot[nid]` is the node's slot (−1: did not split); the slot's
   * split is `feature[s]`, `condition[s]`, `defaultLeft[s]`. `values` is the column-major data.
   */
  route(
    values: Float32Array,
    splitSlot: Int32Array,
    feature: Int32Array,
    condition: Float64Array,
    defaultLeft: Uint8Array,
    left: readonly number[],
    right: readonly number[],
  ): void {
    const position = this.position;
    const n = position.length;
    for (let r = 0; r < n; r++) {
      const nid = position[r]!;
      const s = splitSlot[nid]!;
      if (s < 0) continue;
      const v = values[feature[s]! * n + r]!;
      position[r] = (v !== v ? defaultLeft[s] === 1 : v < condition[s]!) ? left[nid]! : right[nid]!;
    }
  }
}
