import { InvalidArgumentError } from '../errors.js';
import type { Booster } from './booster.js';
import type { BoosterModel } from './model-types.js';
import type { Matrix } from './predict.js';
import { type Contributions, contributionsKernel } from './tree-shap.js';

/** One feature's part in a row's score: its TreeSHAP contribution to the margin, and its value. */
export interface FeatureContribution {
  readonly feature: string;
  /** The feature's contribution to the row's margin (log-odds), as XGBoost's `pred_contribs` gives it. */
  readonly contribution: number;
  /** The row's value of the feature (NaN when missing). */
  readonly value: number;
}

/** Options of {@link explainRows}. */
export interface ExplainRowsOptions {
  /** Rows of the matrix to explain, by index. Default: every row. */
  readonly rows?: readonly number[];
  /** Features per row, largest contribution first. Default 5. */
  readonly top?: number;
  /** Names of the matrix's columns. Default: the model's feature names, else `f0`, `f1`, …. */
  readonly names?: readonly string[];
}

/** The default number of features {@link explainRows} lists per row. */
export const DEFAULT_EXPLAIN_TOP = 5;

/**
 * Why the model scored rows as it did: per row, the `top` features with the largest TreeSHAP
 * contributions to its margin (`Booster.contributions`, bit-equal to XGBoost 1.7.4's
 * `predict(pred_contribs=True)`), largest first, ties in feature order; the bias is not a
 * feature and never listed. For a flagged row these are the features that pushed its score up.
 * Contributions are computed for the picked rows only, so explaining the few rows that alert
 * costs nothing for the others.
 *
 * @throws InvalidArgumentError for a bad `top`, a row index out of range or `names` of the wrong
 *   length, before any work; as `Booster.contributions` for a matrix wider than the model.
 * @example
 * ```ts
 * const [why] = explainRows(booster, { data: row, rows: 1, columns: row.length }, { top: 3, names: schema.featureNames });
 * formatContributions(why); // 'downloads: +2.1, gap_cv: +0.9, searches: +0.31'
 * ```
 */
export function explainRows(
  booster: Booster,
  matrix: Matrix,
  options: ExplainRowsOptions = {},
): FeatureContribution[][] {
  const where = 'explainRows';
  const { top = DEFAULT_EXPLAIN_TOP, names, rows } = options;
  if (!Number.isSafeInteger(top) || top < 1) throw new InvalidArgumentError(where, 'top', top, 'an integer ≥ 1');
  const width = matrix.columns;
  if (names !== undefined && (!Array.isArray(names) || names.length !== width))
    throw new InvalidArgumentError(where, 'names', names, `${width} feature names, one per column`);
  const picked = rows ?? Array.from({ length: matrix.rows }, (_, r) => r);
  picked.forEach((r, i) => {
    if (!Number.isSafeInteger(r) || r < 0 || r >= matrix.rows)
      throw new InvalidArgumentError(where, `rows[${i}]`, r, `a row index in [0, ${matrix.rows - 1}]`);
  });
  // Only the picked rows are copied and explained.
  const data = new Float64Array(picked.length * width);
  picked.forEach((r, i) => {
    for (let j = 0; j < width; j++) data[i * width + j] = matrix.data[r * width + j]!;
  });
  const contributions = kernelOf(booster)({ data, rows: picked.length, columns: width });
  const labels = names ?? contributions.names.slice(0, width);
  const k = Math.min(top, width);
  const order = new Int32Array(width);
  return picked.map((_, i) => {
    const base = i * contributions.columns;
    for (let j = 0; j < width; j++) order[j] = j;
    const c = contributions.data;
    order.sort((a, b) => c[base + b]! - c[base + a]! || a - b);
    const out: FeatureContribution[] = [];
    for (let n = 0; n < k; n++) {
      const j = order[n]!;
      out.push({ feature: labels[j]!, contribution: c[base + j]!, value: data[i * width + j]! });
    }
    return out;
  });
}

// The trees prepared once per model (node means, path buffers), so explaining one alert at a time
// costs only the rows' TreeSHAP. The trees are those Booster.predict uses (best_ntree_limit).
const kernels = new WeakMap<BoosterModel, (matrix: Matrix) => Contributions>();

function kernelOf(booster: Booster): (matrix: Matrix) => Contributions {
  let kernel = kernels.get(booster.model);
  if (kernel === undefined) {
    const best = booster.bestNtreeLimit;
    const treeLimit = best !== undefined && best > 0 && best <= booster.numTrees ? best : booster.numTrees;
    kernel = contributionsKernel(booster.model, { treeLimit }, 'explainRows');
    kernels.set(booster.model, kernel);
  }
  return kernel;
}

/**
 * A row's top contributions as one line of text, `name: +contribution` joined by commas
 * (contributions rounded to two significant decimals), as alert lines and score files show them.
 *
 * @example
 * ```ts
 * formatContributions([{ feature: 'downloads', contribution: 2.104, value: 14 }, { feature: 'gap_cv', contribution: 0.9, value: 0.2 }]);
 * // 'downloads: +2.1, gap_cv: +0.9'
 * ```
 */
export function formatContributions(contributions: readonly FeatureContribution[]): string {
  return contributions
    .map(({ feature, contribution }) => {
      const rounded = Number(contribution.toPrecision(2));
      return `${feature}: ${rounded >= 0 ? '+' : ''}${rounded}`;
    })
    .join(', ');
}
