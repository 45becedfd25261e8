/**
 * The hyperparameters and tuning metrics of SageMaker's built-in XGBoost container, as its source
 * declares them (`aws/sagemaker-xgboost-container`: `algorithm_mode/hyperparameter_validation.py`,
 * `algorithm_mode/metrics.py`, `constants/xgb_constants.py`). A tuning job that names anything else
 * fails inside the container after SageMaker has started (and billed) its training jobs, so the
 * tuning request builder checks against these first.
 */

/** How the container reads one hyperparameter, and the interval it accepts for numbers. */
export interface ContainerHyperparameter {
  readonly type: 'integer' | 'continuous' | 'categorical' | 'list';
  /** Lower bound, and whether it is excluded. */
  readonly min?: number;
  readonly minOpen?: boolean;
  /** Upper bound, and whether it is excluded. */
  readonly max?: number;
  readonly maxOpen?: boolean;
  /** Accepted values of a categorical hyperparameter (absent: checked by the container's own function). */
  readonly values?: readonly string[];
  /** Marked tunable by the container (SageMaker's recommended tuning ranges exist for these). */
  readonly tunable?: boolean;
}

const int = (min?: number, max?: number, extra: Partial<ContainerHyperparameter> = {}): ContainerHyperparameter => ({
  type: 'integer',
  ...(min !== undefined ? { min } : {}),
  ...(max !== undefined ? { max } : {}),
  ...extra,
});
const num = (min?: number, max?: number, extra: Partial<ContainerHyperparameter> = {}): ContainerHyperparameter => ({
  type: 'continuous',
  ...(min !== undefined ? { min } : {}),
  ...(max !== undefined ? { max } : {}),
  ...extra,
});
const cat = (values?: readonly string[]): ContainerHyperparameter => ({
  type: 'categorical',
  ...(values !== undefined ? { values } : {}),
});
const tunable = { tunable: true } as const;

/** Every hyperparameter the built-in XGBoost container takes, by its name there. */
export const XGBOOST_CONTAINER_HYPERPARAMETERS: Readonly<Record<string, ContainerHyperparameter>> = {
  num_round: int(1, undefined, tunable),
  csv_weights: int(0, 1),
  early_stopping_rounds: int(1),
  booster: cat(['gbtree', 'gblinear', 'dart']),
  verbosity: int(0, 3),
  nthread: int(1),
  eta: num(0, 1, tunable),
  gamma: num(0, undefined, tunable),
  max_depth: int(0, undefined, tunable),
  min_child_weight: num(0, undefined, tunable),
  max_delta_step: num(0, undefined, tunable),
  subsample: num(0, 1, { minOpen: true, tunable: true }),
  colsample_bytree: num(0, 1, { minOpen: true, tunable: true }),
  colsample_bylevel: num(0, 1, { minOpen: true, tunable: true }),
  colsample_bynode: num(0, 1, { minOpen: true, tunable: true }),
  lambda: num(0, undefined, tunable),
  alpha: num(0, undefined, tunable),
  tree_method: cat(['auto', 'exact', 'approx', 'hist', 'gpu_hist']),
  sketch_eps: num(0, 1, { minOpen: true, maxOpen: true }),
  scale_pos_weight: num(0, undefined, { minOpen: true }),
  updater: { type: 'list' },
  dsplit: cat(['row', 'col']),
  refresh_leaf: int(0, 1),
  process_type: cat(['default', 'update']),
  grow_policy: cat(['depthwise', 'lossguide']),
  max_leaves: int(0),
  max_bin: int(0),
  predictor: cat(['auto', 'cpu_predictor', 'gpu_predictor']),
  monotone_constraints: { type: 'list' },
  interaction_constraints: { type: 'list' },
  sample_type: cat(['uniform', 'weighted']),
  normalize_type: cat(['tree', 'forest']),
  rate_drop: num(0, 1),
  one_drop: int(0, 1),
  skip_drop: num(0, 1),
  lambda_bias: num(0, 1),
  tweedie_variance_power: num(1, 2, { minOpen: true, maxOpen: true }),
  objective: cat(),
  num_class: int(2),
  base_score: num(0),
  _kfold: int(2),
  _num_cv_round: int(1),
  _tuning_objective_metric: cat(),
  eval_metric: { type: 'list' },
  seed: int(-(2 ** 31), 2 ** 31 - 1, { minOpen: true, maxOpen: true }),
  num_parallel_tree: int(1),
  save_model_on_termination: cat(['true', 'false']),
  aft_loss_distribution: cat(['normal', 'logistic', 'extreme']),
  aft_loss_distribution_scale: num(0),
  single_precision_histogram: cat(['true', 'false']),
  deterministic_histogram: cat(['true', 'false']),
  sampling_method: cat(['uniform', 'gradient_based']),
  prob_buffer_row: int(1, undefined, { minOpen: true }),
};

/** Other names the container accepts for a hyperparameter (`declare_alias`). */
export const XGBOOST_CONTAINER_ALIASES: Readonly<Record<string, string>> = {
  learning_rate: 'eta',
  min_split_loss: 'gamma',
  reg_lambda: 'lambda',
  reg_alpha: 'alpha',
};

const MAXIMIZE = [
  'accuracy',
  'auc',
  'aucpr',
  'balanced_accuracy',
  'f1',
  'f1_binary',
  'f1_macro',
  'map',
  'ndcg',
  'precision',
  'r2',
  'recall',
  'precision_macro',
  'precision_micro',
  'recall_macro',
  'recall_micro',
];
const MINIMIZE = [
  'aft-nloglik',
  'cox-nloglik',
  'error',
  'gamma-deviance',
  'gamma-nloglik',
  'interval-regression-accuracy',
  'logloss',
  'mae',
  'mape',
  'merror',
  'mlogloss',
  'mphe',
  'mse',
  'poisson-nloglik',
  'rmse',
  'rmsle',
  'tweedie-nloglik',
];

/**
 * The tuning objective metrics the container emits, `validation:<metric>` → whether tuning
 * maximizes or minimizes it (`validation:auc` → `Maximize`, `validation:logloss` → `Minimize`).
 */
export const XGBOOST_TUNING_METRICS: Readonly<Record<string, 'Maximize' | 'Minimize'>> = Object.fromEntries([
  ...MAXIMIZE.map((m) => [`validation:${m}`, 'Maximize'] as const),
  ...MINIMIZE.map((m) => [`validation:${m}`, 'Minimize'] as const),
]);

/**
 * The regular expression that finds a `validation:<metric>` value in the container's log (the
 * container's own metric definition: CloudWatch shows its tabs as `#011`).
 *
 * @example
 * ```ts
 * xgboostMetricRegex('validation:auc'); // '.*\\[[0-9]+\\].*#011validation-auc:(\\S+)'
 * ```
 */
export function xgboostMetricRegex(metric: string): string {
  return `.*\\[[0-9]+\\].*#011validation-${metric.slice('validation:'.length)}:(\\S+)`;
}
