/**
 * One regression tree, stored as XGBoost stores it: node arrays indexed by node id, node 0 the
 * root, ids in breadth-first order. A node is a leaf iff `leftChildren[i] === -1`.
 * See XGBoost 1.7.4's JSON model schema; field names follow it in camelCase.
 */
export interface RegTree {
  /** Number of node slots, deleted ones included. */
  readonly numNodes: number;
  /** Slots deleted by the pruner (exact with gamma > 0); unreachable, kept as XGBoost keeps them. */
  readonly numDeleted: number;
  /** Feature count recorded in the tree's parameters. */
  readonly numFeature: number;
  readonly leftChildren: Int32Array;
  readonly rightChildren: Int32Array;
  /** Parent id; the root has 2147483647 (−1 masked to 31 bits), as XGBoost writes it. */
  readonly parents: Int32Array;
  /** Split feature; 2147483647 on deleted nodes. */
  readonly splitIndices: Uint32Array;
  /** Threshold on internal nodes, leaf value (eta applied) on leaves; float32 values. */
  readonly splitConditions: Float32Array;
  /** 1 when missing values go left. */
  readonly defaultLeft: Uint8Array;
  readonly baseWeights: Float32Array;
  /** Split gain (XGBoost's `loss_chg`, printed as `gain=`). */
  readonly lossChanges: Float32Array;
  /** Σ hessian of the node (printed as `cover=`). */
  readonly sumHessian: Float32Array;
}

/**
 * A gradient-boosted tree ensemble for `binary:logistic`, in the terms of XGBoost's model file.
 * Produced by training here or by reading an XGBoost JSON, UBJSON or legacy binary model.
 */
export interface BoosterModel {
  /** The XGBoost version that wrote the model, `[1, 7, 4]` for models written here. */
  readonly version: readonly [number, number, number];
  /** Objective name; only `binary:logistic` is supported. */
  readonly objective: 'binary:logistic';
  /** `scale_pos_weight` stored with the objective. */
  readonly scalePosWeight: number;
  /** base_score as a float32 value (a probability for logistic). */
  readonly baseScore: number;
  readonly boostFromAverage: boolean;
  /** Number of input features the model expects. */
  readonly numFeature: number;
  readonly trees: readonly RegTree[];
  /** Output group per tree (0 for binary). */
  readonly treeInfo: Int32Array;
  /** Learner attributes, e.g. `best_iteration`, `best_ntree_limit`. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly featureNames: readonly string[];
  readonly featureTypes: readonly string[];
}
