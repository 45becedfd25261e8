import type { BoosterModel, RegTree } from './model-types.js';
import { InvalidModelError } from './model-errors.js';

/**
 * The largest `num_feature` a model may declare (2^20). Scoring pads every row to `num_feature`
 * values, so a hostile `num_feature = 2147483647` would make one 1-row request allocate 8 GB.
 */
export const MAX_NUM_FEATURE = 1 << 20;

/** Options of {@link validateModel}. */
export interface ValidateModelOptions {
  /** The model file, named in errors. */
  readonly file?: string;
}

/**
 * Checks that a {@link BoosterModel} is safe to predict with: consistent array lengths, children
 * in range, every node reachable at most once from the root (no cycles, no shared subtrees), splits
 * only on features below `num_feature`, `num_feature` at most {@link MAX_NUM_FEATURE}, finite
 * leaf values and split thresholds (training never produces NaN or ±Infinity there; XGBoost
 * 1.7.4 loads them and predicts NaN, which would fail open), `base_score` a probability, one
 * `tree_info` per tree. Throws {@link InvalidModelError} naming the file (when given), the tree,
 * node and value; returns the model unchanged.
 * Memory is bounded by the model's own arrays (one byte per node for the visit marks).
 *
 * @example
 * ```ts
 * validateModel(readModelJSON(text)); // throws InvalidModelError on a broken tree
 * ```
 */
export function validateModel(model: BoosterModel, options: ValidateModelOptions = {}): BoosterModel {
  try {
    return check(model);
  } catch (err) {
    if (err instanceof InvalidModelError && options.file !== undefined && err.file === undefined) {
      const problem = err.tree === undefined ? err.message : err.message.slice(`tree ${err.tree}: `.length);
      throw new InvalidModelError(problem, err.tree, { file: options.file, cause: err });
    }
    throw err;
  }
}

function check(model: BoosterModel): BoosterModel {
  if (model.objective !== 'binary:logistic') {
    throw new InvalidModelError(
      `objective is ${JSON.stringify(model.objective)} (expected "binary:logistic", the only objective supported)`,
    );
  }
  if (!Number.isInteger(model.numFeature) || model.numFeature < 0 || model.numFeature > MAX_NUM_FEATURE) {
    throw new InvalidModelError(
      `num_feature is ${model.numFeature} (expected an integer from 0 to ${MAX_NUM_FEATURE}, the limit ` +
        `MAX_NUM_FEATURE)`,
    );
  }
  const bs = model.baseScore;
  if (!(bs > 0 && bs < 1)) {
    throw new InvalidModelError(`base_score is ${bs} (expected a probability in (0, 1) for binary:logistic)`);
  }
  if (model.treeInfo.length !== model.trees.length) {
    throw new InvalidModelError(
      `tree_info has ${model.treeInfo.length} entries for ${model.trees.length} trees (expected one per tree)`,
    );
  }
  for (let t = 0; t < model.treeInfo.length; t++) {
    if (model.treeInfo[t] !== 0) {
      throw new InvalidModelError(
        `tree_info[${t}] is ${model.treeInfo[t]} (expected 0: binary:logistic has one output group)`,
      );
    }
  }
  model.trees.forEach((tree, t) => validateTree(tree, t, model.numFeature));
  return model;
}

function validateTree(tree: RegTree, t: number, numFeature: number): void {
  const n = tree.numNodes;
  if (!Number.isInteger(n) || n < 1) throw new InvalidModelError(`num_nodes is ${n} (expected a positive integer)`, t);
  const arrays: [string, ArrayLike<number>][] = [
    ['left_children', tree.leftChildren],
    ['right_children', tree.rightChildren],
    ['parents', tree.parents],
    ['split_indices', tree.splitIndices],
    ['split_conditions', tree.splitConditions],
    ['default_left', tree.defaultLeft],
    ['base_weights', tree.baseWeights],
    ['loss_changes', tree.lossChanges],
    ['sum_hessian', tree.sumHessian],
  ];
  for (const [name, array] of arrays) {
    if (array.length !== n)
      throw new InvalidModelError(`${name} has ${array.length} entries (expected num_nodes = ${n})`, t);
  }
  const seen = new Uint8Array(n);
  const stack = new Int32Array(n);
  let top = 0;
  stack[top++] = 0;
  seen[0] = 1;
  while (top > 0) {
    const node = stack[--top]!;
    const left = tree.leftChildren[node]!;
    const value = tree.splitConditions[node]!;
    if (!Number.isFinite(value)) {
      throw new InvalidModelError(
        `node ${node} has ${left === -1 ? 'leaf value' : 'split condition'} ${value} (expected a finite number)`,
        t,
      );
    }
    if (left === -1) continue;
    const right = tree.rightChildren[node]!;
    for (const [side, child] of [
      ['left', left],
      ['right', right],
    ] as const) {
      if (!Number.isInteger(child) || child < 1 || child >= n) {
        throw new InvalidModelError(`node ${node} has ${side} child ${child} (expected a node id in [1, ${n}))`, t);
      }
      if (seen[child] === 1) {
        throw new InvalidModelError(
          `node ${child} is reachable twice (${side} child of node ${node}); the tree has a cycle or a shared subtree`,
          t,
        );
      }
      seen[child] = 1;
      stack[top++] = child;
    }
    const feature = tree.splitIndices[node]!;
    if (feature >= numFeature) {
      throw new InvalidModelError(
        `node ${node} splits on feature ${feature} (expected a feature index below num_feature = ${numFeature})`,
        t,
      );
    }
  }
}
