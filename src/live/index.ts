/**
 * `sessionsentry/live`: the pieces beneath live detection, for callers who build their own
 * detector — prefix rows (one row per session prefix, weighted), the score trajectories of held-out
 * sessions, and the figures of an alert policy measured on them. The workflow (`trainLiveDetector`,
 * `LiveDetector`, `chooseAlertPolicy`, `LiveScorer`, `replay`) is in the root entry.
 *
 * @example
 * ```ts
 * import { flattenPrefixes } from 'sessionsentry/live';
 * const { frame } = flattenPrefixes(trainLog, flattener.toSchema(), { max: 40 });
 * ```
 *
 * @module sessionsentry/live
 */

// --- Prefix rows ---
export {
  flattenPrefixes,
  flattenTruncated,
  PREFIX_LENGTH_COLUMN,
  WEIGHT_COLUMN,
} from '../sessions/flatten-prefixes.js';
export type { PrefixOptions, PrefixWeightFunction } from '../sessions/flatten-prefixes.js';
export { splitPrefixes } from '../sessions/truncation.js';
export { NON_FEATURE_COLUMNS } from '../split/frame-splitter.js';

// --- Trajectories and policies ---
export { scoreTrajectories } from './score-trajectories.js';
export type { ScoreTrajectories, NamedLiveModel, ScorerBehaviour } from './score-trajectories.js';
export { measureLivePolicy } from './live-policy.js';
export { LIVE_DETECTOR_HYPERPARAMETERS } from './train-live-detector.js';
