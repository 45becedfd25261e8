import type { RegTree } from './model-types.js';

/** Parent id XGBoost writes for the root: −1 masked to 31 bits. */
export const ROOT_PARENT = 2147483647;
/** `split_indices` of a node the pruner deleted (XGBoost's `kDeletedNodeMarker` masked to 31 bits). */
export const DELETED_SPLIT_INDEX = 2147483647;

/**
 * A tree under construction: XGBoost's node arrays as growable lists, nodes appended in the order
 * XGBoost allocates them (children `num_nodes` and `num_nodes + 1`, so ids are breadth-first).
 * {@link TreeBuilder.toRegTree} freezes it into typed arrays.
 *
 * @example
 * ```ts
 * const t = new TreeBuilder();           // node 0, the root, a leaf
 * const [l, r] = t.split(0, 2, 1.5, false); // root splits on feature 2 at 1.5
 * t.toRegTree(4).numNodes;               // 3
 * ```
 */
export class TreeBuilder {
  readonly left: number[] = [-1];
  readonly right: number[] = [-1];
  readonly parent: number[] = [ROOT_PARENT];
  readonly splitIndex: number[] = [0];
  readonly splitCondition: number[] = [0];
  readonly defaultLeft: number[] = [0];
  readonly baseWeight: number[] = [0];
  readonly lossChange: number[] = [0];
  readonly sumHessian: number[] = [0];
  readonly deleted: boolean[] = [false];
  numDeleted = 0;

  /** Number of node slots. */
  get size(): number {
    return this.left.length;
  }

  /** True when `nid` has no children. */
  isLeaf(nid: number): boolean {
    return this.left[nid] === -1;
  }

  /**
   * Turns leaf `nid` into a split on `feature` at `condition` (float32) and appends its two leaf
   * children; returns their ids.
   */
  split(nid: number, feature: number, condition: number, defaultLeft: boolean): [number, number] {
    const l = this.left.length;
    const r = l + 1;
    for (const c of [l, r]) {
      this.left.push(-1);
      this.right.push(-1);
      this.parent.push(nid);
      this.splitIndex.push(0);
      this.splitCondition.push(0);
      this.defaultLeft.push(0);
      this.baseWeight.push(0);
      this.lossChange.push(0);
      this.sumHessian.push(0);
      this.deleted.push(false);
      void c;
    }
    this.left[nid] = l;
    this.right[nid] = r;
    this.splitIndex[nid] = feature;
    this.splitCondition[nid] = condition;
    this.defaultLeft[nid] = defaultLeft ? 1 : 0;
    return [l, r];
  }

  /**
   * XGBoost's `ChangeToLeaf`: deletes both (leaf) children of `nid` (their slots stay, marked
   * deleted) and makes `nid` a leaf with `value`. The node keeps its split feature, direction and
   * gain, as XGBoost keeps them.
   */
  collapse(nid: number, value: number): void {
    for (const c of [this.left[nid]!, this.right[nid]!]) {
      this.deleted[c] = true;
      this.splitIndex[c] = DELETED_SPLIT_INDEX;
      this.defaultLeft[c] = 1;
      this.numDeleted++;
    }
    this.left[nid] = -1;
    this.right[nid] = -1;
    this.splitCondition[nid] = value;
  }

  /** The finished tree in XGBoost's layout. */
  toRegTree(numFeature: number): RegTree {
    return {
      numNodes: this.left.length,
      numDeleted: this.numDeleted,
      numFeature,
      leftChildren: Int32Array.from(this.left),
      rightChildren: Int32Array.from(this.right),
      parents: Int32Array.from(this.parent),
      splitIndices: Uint32Array.from(this.splitIndex),
      splitConditions: Float32Array.from(this.splitCondition),
      defaultLeft: Uint8Array.from(this.defaultLeft),
      baseWeights: Float32Array.from(this.baseWeight),
      lossChanges: Float32Array.from(this.lossChange),
      sumHessian: Float32Array.from(this.sumHessian),
    };
  }
}
