/**
 * `sessionsentry/tune`: the machinery of hyperparameter search beneath `crossValidate` and
 * `tuneHyperparameters` — the search-space type and its validation against the hyperparameters the
 * trainer accepts (the same space describes a SageMaker hyperparameter tuning job).
 *
 * @example
 * ```ts
 * import { resolveSearchSpace, type SearchSpace } from 'sessionsentry/tune';
 * const space: SearchSpace = { max_depth: [3, 5, 7], eta: { min: 0.01, max: 0.3, scale: 'log' } };
 * resolveSearchSpace(space); // throws SearchSpaceError naming a hyperparameter the trainer rejects
 * ```
 *
 * @module sessionsentry/tune
 */

// --- Search space ---
export { resolveSearchSpace, SearchSpaceError } from './search-space.js';
export type {
  SearchSpace,
  SearchDimension,
  HyperparameterDomain,
  HyperparameterRange,
  HyperparameterValue,
} from './search-space.js';
