import { InvalidArgumentError } from '../errors.js';
import type { BoosterModel } from './model-types.js';

/**
 * XGBoost's importance types, as `Booster.get_score(importance_type=…)` names them:
 * - `weight`: how many splits use the feature;
 * - `gain` / `cover`: the mean split gain (`loss_chg`) / mean cover (`sum_hess`) of those splits;
 * - `total_gain` / `total_cover`: their sums.
 */
export type ImportanceType = 'weight' | 'gain' | 'cover' | 'total_gain' | 'total_cover';

/** Every {@link ImportanceType}, in XGBoost's documentation order. */
export const IMPORTANCE_TYPES: readonly ImportanceType[] = ['weight', 'gain', 'cover', 'total_gain', 'total_cover'];

/** Options of {@link featureImportance}. */
export interface ImportanceOptions {
  /** Which measure; default `'weight'`, as XGBoost's `get_score`. */
  readonly type?: ImportanceType;
  /**
   * Names to key the scores by, one per model feature (a feature schema's `featureNames`, for a
   * model file that does not store names, such as SageMaker's legacy binary). Default: the
   * model's own feature names, else `f0`, `f1`, …
   */
  readonly featureNames?: readonly string[];
}

/** Feature name → score; features no split uses are absent, as in XGBoost's `get_score`. */
export type FeatureScores = Readonly<Record<string, number>>;

/**
 * Feature importance exactly as XGBoost 1.7.4's `Booster.get_score(importance_type=type)`: every
 * tree of the model (not only `best_ntree_limit`), walked as XGBoost walks it, sums accumulated in
 * float32 in the same order, the means divided in float32 — so every score is bit-equal to
 * XGBoost's. Keys are `options.featureNames`, else the model's feature names when it has them,
 * else `f0`, `f1`, …, in feature order; features no split uses are left out.
 *
 * Throws {@link InvalidArgumentError} for an unknown `type` (naming `options.type`) and for a
 * model with no trees (naming `model`) and for `featureNames` of the wrong length, before any work.
 *
 * @example
 * ```ts
 * featureImportance(booster.model, { type: 'gain' });
 * // { downloads: 41.3, gap_cv: 12.9, ... }
 * ```
 */
export function featureImportance(
  model: BoosterModel,
  options: ImportanceOptions = {},
  where = 'featureImportance',
): FeatureScores {
  const { type = 'weight', featureNames } = options;
  if (!IMPORTANCE_TYPES.includes(type)) {
    throw new InvalidArgumentError(
      where,
      'options.type',
      type,
      `one of ${IMPORTANCE_TYPES.map((t) => `'${t}'`).join(', ')} (XGBoost's get_score importance types)`,
    );
  }
  if (featureNames !== undefined && featureNames.length !== model.numFeature) {
    throw new InvalidArgumentError(
      where,
      'options.featureNames',
      `${featureNames.length} names`,
      `one name per model feature (num_feature = ${model.numFeature})`,
    );
  }
  if (model.trees.length === 0) {
    throw new InvalidArgumentError(where, 'model', 'a model with 0 trees', 'a trained model with at least one tree');
  }
  const n = model.numFeature;
  const counts = new Float64Array(n);
  // XGBoost's gain_map is a std::vector<float>: every addition rounds to float32.
  const sums = new Float32Array(n);
  const stack: number[] = [];
  for (const tree of model.trees) {
    const stat = type === 'gain' || type === 'total_gain' ? tree.lossChanges : tree.sumHessian;
    // RegTree::WalkTree: a stack, left pushed before right, so the right subtree is visited first.
    stack.push(0);
    while (stack.length > 0) {
      const node = stack.pop()!;
      const left = tree.leftChildren[node]!;
      if (left === -1) continue;
      const f = tree.splitIndices[node]!;
      counts[f]!++;
      if (type === 'weight') sums[f] = counts[f]!;
      else sums[f] = sums[f]! + stat[node]!;
      stack.push(left, tree.rightChildren[node]!);
    }
  }
  if (type === 'gain' || type === 'cover') {
    for (let f = 0; f < n; f++) sums[f] = sums[f]! / Math.max(1, Math.fround(counts[f]!));
  }
  const names = featureNames ?? (model.featureNames.length === n ? model.featureNames : undefined);
  const entries: [string, number][] = [];
  for (let f = 0; f < n; f++) if (counts[f]! > 0) entries.push([names?.[f] ?? `f${f}`, sums[f]!]);
  // fromEntries defines own properties, so a feature named `__proto__` stays a plain key.
  return Object.fromEntries(entries);
}

/**
 * The scores of {@link featureImportance} as `[name, score]` pairs, highest first (ties in feature
 * order), at most `top` of them.
 *
 * @example
 * ```ts
 * rankFeatures(booster.importance({ type: 'total_gain' }), 3);
 * // [['downloads', 96.1], ['gap_cv', 40.2], ['searches', 8.5]]
 * ```
 */
export function rankFeatures(scores: FeatureScores, top = Number.POSITIVE_INFINITY): [string, number][] {
  if (!(top === Number.POSITIVE_INFINITY || (Number.isInteger(top) && top >= 0))) {
    throw new InvalidArgumentError('rankFeatures', 'top', top, 'a non-negative integer (default: every feature)');
  }
  const entries = Object.entries(scores);
  return entries
    .map((e, i) => [e, i] as const)
    .sort((a, b) => b[0][1] - a[0][1] || a[1] - b[1])
    .slice(0, top)
    .map(([e]) => [e[0], e[1]]);
}
