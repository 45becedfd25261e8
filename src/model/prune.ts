import type { TreeBuilder } from './tree-builder.js';
import { ROOT_PARENT } from './tree-builder.js';

/**
 * XGBoost 1.7.4's `prune` updater, run after `grow_colmaker` in `exact` training: visiting node ids
 * in increasing order, for each live leaf whose parent has two leaf children and a gain below
 * `gamma`, both children are deleted (their slots kept) and the parent becomes a leaf worth
 * `fround(eta · base_weight)`; the check repeats upward from the new leaf. Returns the number of
 * deleted slots.
 *
 * @example
 * ```ts
 * const deleted = pruneTree(builder, Math.fround(1), Math.fround(0.3));
 * ```
 */
export function pruneTree(tree: TreeBuilder, gamma: number, eta: number): number {
  let pruned = 0;
  const n = tree.size;
  for (let nid = 0; nid < n; nid++) {
    if (!tree.isLeaf(nid) || tree.deleted[nid]) continue;
    let cur = nid;
    while (tree.parent[cur] !== ROOT_PARENT) {
      const pid = tree.parent[cur]!;
      const l = tree.left[pid]!;
      const r = tree.right[pid]!;
      const balanced = tree.isLeaf(l) && r !== -1 && tree.isLeaf(r);
      if (!balanced || !(tree.lossChange[pid]! < gamma)) break;
      tree.collapse(pid, Math.fround(eta * tree.baseWeight[pid]!));
      pruned += 2;
      cur = pid;
    }
  }
  return pruned;
}
