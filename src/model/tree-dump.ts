import { formatFloat32G9 } from './float32.js';
import type { BoosterModel, RegTree } from './model-types.js';

/** Options of {@link dumpModel}. */
export interface DumpOptions {
  /** Add `gain=` and `cover=` as XGBoost's `get_dump(with_stats=True)` does. Default false. */
  readonly withStats?: boolean;
  /** Names used instead of `f0, f1, …` (XGBoost's `fmap`). Default: the model's feature names, if any. */
  readonly featureNames?: readonly string[];
  /**
   * Feature types, as XGBoost's `feature_types`: `'int'` prints thresholds rounded up to integers,
   * `'i'` (indicator) prints `[name] yes=…,no=…` unindented, as XGBoost 1.7.4 does; others print
   * `[name<threshold]`. Default: the model's feature types, if any.
   */
  readonly featureTypes?: readonly string[];
}

/**
 * One text dump per tree, in the format of XGBoost 1.7.4's `Booster.get_dump()`: depth-first,
 * tab-indented, `id:[f2<0.5] yes=1,no=2,missing=1` for splits, `id:leaf=…` for leaves, numbers as
 * `%.9g`; with `withStats`, `gain=` and `cover=` as well.
 *
 * @example
 * ```ts
 * dumpModel(model, { withStats: true })[0];
 * // '0:[f2<0.5] yes=1,no=2,missing=1,gain=20.6107922,cover=50\n\t1:[f1<1.5] …'
 * ```
 */
export function dumpModel(model: BoosterModel, options: DumpOptions = {}): string[] {
  const { withStats = false, featureNames = model.featureNames, featureTypes = model.featureTypes } = options;
  return model.trees.map((tree) => dumpTree(tree, withStats, featureNames, featureTypes));
}

function dumpTree(tree: RegTree, withStats: boolean, names: readonly string[], types: readonly string[]): string {
  const lines: string[] = [];
  const visit = (node: number, depth: number): void => {
    const indent = '\t'.repeat(depth);
    const left = tree.leftChildren[node]!;
    if (left === -1) {
      const stats = withStats ? `,cover=${formatFloat32G9(tree.sumHessian[node]!)}` : '';
      lines.push(`${indent}${node}:leaf=${formatFloat32G9(tree.splitConditions[node]!)}${stats}`);
      return;
    }
    const right = tree.rightChildren[node]!;
    const feature = tree.splitIndices[node]!;
    const name = names.length > feature ? names[feature]! : `f${feature}`;
    const missing = tree.defaultLeft[node] ? left : right;
    const stats = withStats
      ? `,gain=${formatFloat32G9(tree.lossChanges[node]!)},cover=${formatFloat32G9(tree.sumHessian[node]!)}`
      : '';
    const type = types[feature];
    if (type === 'i') {
      // XGBoost prints indicator splits without indentation; "yes" is the non-default side.
      const [yes, no] = tree.defaultLeft[node] ? [right, left] : [left, right];
      lines.push(`${node}:[${name}] yes=${yes},no=${no}${stats}`);
    } else {
      const condition = tree.splitConditions[node]!;
      const threshold = type === 'int' ? String(Math.ceil(condition) | 0) : formatFloat32G9(condition);
      lines.push(`${indent}${node}:[${name}<${threshold}] yes=${left},no=${right},missing=${missing}${stats}`);
    }
    visit(left, depth + 1);
    visit(right, depth + 1);
  };
  visit(0, 0);
  return `${lines.join('\n')}\n`;
}
