/**
 * The seed notebook's hyperparameters for SageMaker's built-in XGBoost, as strings the way
 * `CreateTrainingJob` carries them: `max_depth 5, eta 0.2, gamma 4, min_child_weight 6,
 * subsample 0.7, objective binary:logistic, num_round 50`. The {@link TrainRunner} default; any
 * XGBoost hyperparameter given to the runner or a job is merged over these and passed through.
 *
 * @example
 * ```ts
 * const runner = new TrainRunner({ hyperparameters: { ...SEED_HYPERPARAMETERS, eta: '0.1', seed: '7' } });
 * ```
 */
export const SEED_HYPERPARAMETERS: Readonly<Record<string, string>> = Object.freeze({
  max_depth: '5',
  eta: '0.2',
  gamma: '4',
  min_child_weight: '6',
  subsample: '0.7',
  objective: 'binary:logistic',
  num_round: '50',
});
