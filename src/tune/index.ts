/**
 * `sessionsentry/tune`: the machinery of hyperparameter search beneath `crossValidate` and
 * `tuneHyperparameters` (both in the root entry) — the search-space type and its validation against
 * the hyperparameters the trainer accepts (the same space describes a SageMaker hyperparameter tuning
 * job), the grid and random strategies, and the cross-validation task a worker thread runs.
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
export { resolveSearchSpace, withSearchPoint, SearchSpaceError } from './search-space.js';
export type {
  SearchPoint,
  SearchSpace,
  SearchDimension,
  HyperparameterDomain,
  HyperparameterRange,
  HyperparameterValue,
} from './search-space.js';

// --- Strategies ---
export { gridPoints, randomPoints } from './search-strategy.js';
export type { SearchStrategy } from './search-strategy.js';

// --- Results ---
export { tuneTable } from './tune-table.js';
export type { TuneTable } from './tune-table.js';

// --- Trials on worker threads ---
export type { CrossValidationTask, CrossValidationTaskResult } from '../train/cross-validation-task.js';
export type { ResolvedFold } from '../train/cv-folds.js';
