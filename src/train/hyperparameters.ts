import { InvalidArgumentError } from '../errors.js';
import type { HyperparameterStrings } from './backend.js';

/** XGBoost hyperparameters as a caller writes them: numbers, strings or booleans. */
export type Hyperparameters = Readonly<Record<string, string | number | boolean>>;

// CreateTrainingJob's limits on HyperParameters.
const MAX_ENTRIES = 100;
const MAX_LENGTH = 256;

/**
 * Turns hyperparameters into the strings SageMaker's `CreateTrainingJob` carries (`0.2` → `"0.2"`,
 * `true` → `"true"`), merging layers left to right (later wins). Checks SageMaker's limits: at
 * most 100 entries, keys and values at most 256 characters, finite numbers.
 *
 * @throws InvalidArgumentError naming the hyperparameter and its value.
 * @example
 * ```ts
 * toHyperparameterStrings(SEED_HYPERPARAMETERS, { eta: 0.1, num_round: 100 });
 * // { max_depth: '5', eta: '0.1', …, num_round: '100' }
 * ```
 */
export function toHyperparameterStrings(...layers: readonly (Hyperparameters | undefined)[]): HyperparameterStrings {
  const out: Record<string, string> = {};
  for (const layer of layers) {
    if (layer === undefined) continue;
    if (layer === null || typeof layer !== 'object')
      throw new InvalidArgumentError('hyperparameters', 'hyperparameters', layer, 'an object of name → value');
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined) continue;
      if (key.length === 0 || key.length > MAX_LENGTH)
        throw new InvalidArgumentError(
          'hyperparameters',
          'a hyperparameter name',
          key,
          `1 to ${MAX_LENGTH} characters`,
        );
      let text: string;
      if (typeof value === 'number') {
        if (!Number.isFinite(value)) throw new InvalidArgumentError('hyperparameters', key, value, 'a finite number');
        text = String(value);
      } else if (typeof value === 'boolean') text = String(value);
      else if (typeof value === 'string') text = value;
      else throw new InvalidArgumentError('hyperparameters', key, value, 'a number, string or boolean');
      if (text.length > MAX_LENGTH)
        throw new InvalidArgumentError(
          'hyperparameters',
          key,
          text,
          `at most ${MAX_LENGTH} characters (SageMaker's limit)`,
        );
      out[key] = text;
    }
  }
  if (Object.keys(out).length > MAX_ENTRIES) {
    throw new InvalidArgumentError(
      'hyperparameters',
      'hyperparameters',
      Object.keys(out),
      `at most ${MAX_ENTRIES} entries (SageMaker's limit)`,
    );
  }
  return Object.freeze(out);
}
