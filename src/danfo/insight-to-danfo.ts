import type { DataFrame } from 'danfojs-node';
import { InvalidArgumentError } from '../errors.js';
import { Frame } from '../frame/frame.js';
import type { Booster } from '../model/booster.js';
import type { FeatureContribution } from '../model/explain-rows.js';
import { IMPORTANCE_TYPES, type ImportanceType } from '../model/feature-importance.js';
import { toDanfo } from './to-danfo.js';

/** Options of {@link importanceToDanfo}. */
export interface ImportanceToDanfoOptions {
  /** The importance type rows are sorted by, highest first (ties in feature order). Default `'total_gain'`. */
  readonly sortBy?: ImportanceType;
  /** Keep the first `top` rows. Default: every feature a split uses. */
  readonly top?: number;
  /** Feature names, one per model column. Default: the model's, else `f0`, `f1`, … (as `Booster.importance`). */
  readonly featureNames?: readonly string[];
}

/**
 * A model's feature importance as a danfo.js `DataFrame` for notebooks: one row per feature a
 * split uses, columns `feature` and the five types of XGBoost's `get_score` (`weight`, `gain`,
 * `cover`, `total_gain`, `total_cover`, each equal to `Booster.importance({ type })`), sorted by
 * `sortBy`, highest first.
 *
 * @throws InvalidArgumentError for an unknown `sortBy` or a bad `top`; as `Booster.importance` for a
 *   model without trees.
 * @example
 * ```ts
 * import { importanceToDanfo } from 'sessionsentry/danfo';
 * importanceToDanfo(booster, { top: 10 }).print(); // feature, weight, gain, cover, total_gain, total_cover
 * ```
 */
export function importanceToDanfo(booster: Booster, options: ImportanceToDanfoOptions = {}): DataFrame {
  const where = 'importanceToDanfo';
  const { sortBy = 'total_gain', top = Number.POSITIVE_INFINITY, featureNames } = options;
  if (!IMPORTANCE_TYPES.includes(sortBy))
    throw new InvalidArgumentError(where, 'sortBy', sortBy, `one of ${IMPORTANCE_TYPES.join(', ')}`);
  if (!(top === Number.POSITIVE_INFINITY || (Number.isSafeInteger(top) && top >= 1)))
    throw new InvalidArgumentError(where, 'top', top, 'an integer ≥ 1 (default: every feature)');
  const scores = Object.fromEntries(
    IMPORTANCE_TYPES.map((type) => [
      type,
      booster.importance({ type, ...(featureNames !== undefined ? { featureNames } : {}) }),
    ]),
  ) as Record<ImportanceType, Record<string, number>>;
  const features = Object.keys(scores[sortBy]);
  const order = features
    .map((name, i) => ({ name, i, score: scores[sortBy][name]! }))
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .slice(0, top)
    .map((e) => e.name);
  const columns = new Map<string, string[] | Float64Array>([['feature', order]]);
  for (const type of IMPORTANCE_TYPES)
    columns.set(
      type,
      Float64Array.from(order, (name) => scores[type][name]!),
    );
  return toDanfo(Frame.fromColumns(columns));
}

/**
 * An alert's explanation (`LiveAlert.explanation`, or a row of `explainRows`) as a danfo.js
 * `DataFrame`: columns `feature`, `value` (the session's value, NaN when missing) and
 * `contribution` (to the model's log-odds), largest contribution first.
 *
 * @example
 * ```ts
 * import { explanationToDanfo } from 'sessionsentry/danfo';
 * scorer.on('alert', (a) => explanationToDanfo(a.explanation!).print());
 * ```
 */
export function explanationToDanfo(explanation: readonly FeatureContribution[]): DataFrame {
  if (!Array.isArray(explanation) || explanation.length === 0)
    throw new InvalidArgumentError(
      'explanationToDanfo',
      'explanation',
      explanation,
      'a non-empty list of { feature, value, contribution } (an alert of a scorer with explain on)',
    );
  return toDanfo(
    Frame.fromColumns(
      new Map<string, string[] | Float64Array>([
        ['feature', explanation.map((e) => e.feature)],
        ['value', Float64Array.from(explanation, (e) => e.value)],
        ['contribution', Float64Array.from(explanation, (e) => e.contribution)],
      ]),
    ),
  );
}
