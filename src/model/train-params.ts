import { SessionSentryError, describeValue } from '../errors.js';

/**
 * A hyperparameter has a value XGBoost 1.7.4 would reject, or names something this trainer does
 * not reproduce. The message names the parameter, the value and what was expected.
 *
 * @example
 * ```ts
 * try { resolveTrainParams({ eta: '-1' }); } catch (err) {
 *   if (err instanceof TrainParamError) console.error(err.parameter, err.message);
 *   // eta: must be a number ≥ 0, got "-1"
 * }
 * ```
 */
export class TrainParamError extends SessionSentryError {
  declare readonly code: 'ERR_TRAIN_PARAM';
  /** The parameter's name as the caller spelled it. */
  readonly parameter: string;

  constructor(parameter: string, value: unknown, expected: string) {
    super('ERR_TRAIN_PARAM', `${parameter}: must be ${expected}, got ${describeValue(value)}`);
    this.parameter = parameter;
  }
}

/** The tree methods the trainer reproduces; `auto` resolves to `exact` (see {@link resolveTrainParams}). */
export type TreeMethod = 'exact' | 'hist';

/** The evaluation metrics the trainer computes, with XGBoost's definitions. */
export type EvalMetric = 'logloss' | 'auc' | 'error';

/** A hyperparameter value: a number, or its text as SageMaker passes it (`"0.2"`). */
export type ParamValue = number | string;

/**
 * Hyperparameters with XGBoost's names, as numbers or strings. Every key is optional; see
 * {@link resolveTrainParams} for defaults, ranges and aliases.
 */
export interface TrainParamsInput {
  readonly num_round?: ParamValue;
  readonly eta?: ParamValue;
  readonly learning_rate?: ParamValue;
  readonly max_depth?: ParamValue;
  readonly gamma?: ParamValue;
  readonly min_split_loss?: ParamValue;
  readonly min_child_weight?: ParamValue;
  readonly max_delta_step?: ParamValue;
  readonly subsample?: ParamValue;
  readonly colsample_bytree?: ParamValue;
  readonly colsample_bylevel?: ParamValue;
  readonly colsample_bynode?: ParamValue;
  readonly lambda?: ParamValue;
  readonly reg_lambda?: ParamValue;
  readonly alpha?: ParamValue;
  readonly reg_alpha?: ParamValue;
  readonly base_score?: ParamValue;
  readonly max_bin?: ParamValue;
  readonly seed?: ParamValue;
  readonly random_state?: ParamValue;
  readonly scale_pos_weight?: ParamValue;
  readonly tree_method?: string;
  readonly objective?: string;
  readonly eval_metric?: string | readonly string[];
  readonly early_stopping_rounds?: ParamValue;
  /** Any other XGBoost or SageMaker parameter; see {@link resolveTrainParams} for which are accepted. */
  readonly [name: string]: ParamValue | readonly string[] | boolean | undefined;
}

/** Hyperparameters after validation: defaults filled, float parameters rounded to float32. */
export interface TrainParams {
  /** Boosting rounds (`num_round`, default 10 as `xgb.train`). */
  readonly numRound: number;
  /** Shrinkage (`eta`, alias `learning_rate`, default 0.3), float32. */
  readonly eta: number;
  /** Maximum tree depth (`max_depth`, default 6). */
  readonly maxDepth: number;
  /** Minimum loss reduction to split (`gamma`, alias `min_split_loss`, default 0), float32. */
  readonly gamma: number;
  /** Minimum Σ hessian in a child (`min_child_weight`, default 1), float32. */
  readonly minChildWeight: number;
  /** Leaf weight clamp, 0 = none (`max_delta_step`, default 0), float32. */
  readonly maxDeltaStep: number;
  /** Row sampling ratio per tree (`subsample`, default 1), float32. */
  readonly subsample: number;
  /** Share of the features each tree may use (`colsample_bytree`, default 1), float32. */
  readonly colsampleBytree: number;
  /** Share of the tree's features each depth level may use (`colsample_bylevel`, default 1), float32. */
  readonly colsampleBylevel: number;
  /**
   * Share of the level's features each node may use (`colsample_bynode`, default 1), float32. As in
   * XGBoost 1.7.4, `exact` draws it once per depth level (every node of a level shares the draw) and
   * `hist` once per node.
   */
  readonly colsampleBynode: number;
  /** L2 regularisation (`lambda`, alias `reg_lambda`, default 1), float32. */
  readonly lambda: number;
  /** L1 regularisation (`alpha`, alias `reg_alpha`, default 0), float32. */
  readonly alpha: number;
  /** Initial prediction, a probability (`base_score`, default 0.5), float32. */
  readonly baseScore: number;
  /** True when the caller gave `base_score` (XGBoost then stores `boost_from_average` 0). */
  readonly baseScoreGiven: boolean;
  /** Histogram bins per feature for `hist` (`max_bin`, default 256). */
  readonly maxBin: number;
  /** Seed of the row sampler's mt19937 (`seed`, default 0), reduced to 32 bits as `std::mt19937` does. */
  readonly seed: number;
  /** Weight of positive rows in the gradient (`scale_pos_weight`, default 1), float32. */
  readonly scalePosWeight: number;
  /** `exact` or `hist`; `auto` has been resolved to `exact`. */
  readonly treeMethod: TreeMethod;
  /** Always `binary:logistic`. */
  readonly objective: 'binary:logistic';
  /** Metrics to evaluate on each evaluation set, in order (default `['logloss']`). */
  readonly evalMetric: readonly EvalMetric[];
  /** Stop after this many rounds without improvement (`early_stopping_rounds`), or undefined. */
  readonly earlyStoppingRounds: number | undefined;
  /**
   * The CSV channels hold instance weights in their second column (`csv_weights`, 0 or 1, default
   * 0), as SageMaker's built-in XGBoost reads them. It concerns reading the channels
   * (`TrainingData.fromCsv` with `csvWeights`), not `train`, which takes the weights from the data.
   */
  readonly csvWeights: boolean;
}

/**
 * Parameters XGBoost 1.7.4 or the SageMaker 1.7-1 container accept that do not change the trained
 * model (threading, logging, container plumbing). They are accepted and ignored.
 */
export const IGNORED_PARAMS: readonly string[] = [
  'nthread',
  'n_jobs',
  'verbosity',
  'silent',
  'validate_parameters',
  'disable_default_eval_metric',
  'predictor',
  'save_model_on_termination',
  '_tuning_objective_metric',
  'kfold',
  'deterministic_histogram',
  'single_precision_histogram',
  'use_dask_gpu_training',
];

/**
 * Parameters XGBoost knows that would change the model when set to anything but their default.
 * They are accepted at the default value (compared as text or number) and rejected otherwise with
 * a {@link TrainParamError}, because this trainer does not reproduce them.
 */
export const DEFAULT_ONLY_PARAMS: Readonly<Record<string, string>> = {
  booster: 'gbtree',
  grow_policy: 'depthwise',
  max_leaves: '0',
  sampling_method: 'uniform',
  num_parallel_tree: '1',
  process_type: 'default',
  num_class: '0',
  max_cat_to_onehot: '4',
  monotone_constraints: '()',
  interaction_constraints: '',
  refresh_leaf: '1',
  sketch_eps: '0.03',
  updater: '',
  seed_per_iteration: '0',
  num_feature: '',
};

const NUMBER_TEXT = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

function toNumber(name: string, value: unknown, expected: string): number {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) throw new TrainParamError(name, value, expected);
    return value;
  }
  if (typeof value === 'string' && NUMBER_TEXT.test(value)) return Number(value);
  throw new TrainParamError(name, value, expected);
}

function floatParam(name: string, value: unknown, min: number, max: number, bounds: string): number {
  const expected = `a number ${bounds}`;
  const x = toNumber(name, value, expected);
  const lowOk = bounds.startsWith('>') || bounds.startsWith('in (') ? x > min : x >= min;
  const highOk = bounds.endsWith(')') ? x < max : x <= max;
  if (!lowOk || !highOk || !Number.isFinite(x)) throw new TrainParamError(name, value, expected);
  return Math.fround(x);
}

function intParam(name: string, value: unknown, min: number, max: number = Number.MAX_SAFE_INTEGER): number {
  const expected = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer in [${min}, ${max}]`;
  const x = toNumber(name, value, expected);
  if (!Number.isSafeInteger(x) || x < min || x > max) throw new TrainParamError(name, value, expected);
  return x;
}

/** Picks a parameter given under its name or its alias; both at once is an error (ambiguous). */
function pick(
  input: TrainParamsInput,
  name: string,
  alias: string | undefined,
): { key: string; value: unknown } | undefined {
  const a = input[name];
  const b = alias === undefined ? undefined : input[alias];
  if (a !== undefined && b !== undefined) {
    throw new TrainParamError(alias!, b, `left out when ${name} is given (they are aliases)`);
  }
  if (a !== undefined) return { key: name, value: a };
  if (b !== undefined) return { key: alias!, value: b };
  return undefined;
}

/** The hyperparameters the trainer reads (their aliases included); the CLI suggests among them for a typo. */
export const TRAIN_PARAM_NAMES: readonly string[] = [
  'num_round',
  'num_boost_round',
  'eta',
  'learning_rate',
  'max_depth',
  'gamma',
  'min_split_loss',
  'min_child_weight',
  'max_delta_step',
  'subsample',
  'colsample_bytree',
  'colsample_bylevel',
  'colsample_bynode',
  'lambda',
  'reg_lambda',
  'alpha',
  'reg_alpha',
  'base_score',
  'max_bin',
  'seed',
  'random_state',
  'scale_pos_weight',
  'tree_method',
  'objective',
  'eval_metric',
  'early_stopping_rounds',
  'csv_weights',
];
const KNOWN: ReadonlySet<string> = new Set(TRAIN_PARAM_NAMES);

const METRICS: readonly EvalMetric[] = ['logloss', 'auc', 'error'];

/**
 * Validates XGBoost hyperparameters and fills XGBoost 1.7.4's defaults. Values may be numbers or
 * strings (SageMaker passes every hyperparameter as a string). Float parameters are rounded to
 * float32, as XGBoost stores them; passing `alpha: 0.3` as a double would otherwise give 1-ulp
 * different trees.
 *
 * Defaults: `num_round` 10, `eta` 0.3, `max_depth` 6, `gamma` 0, `min_child_weight` 1,
 * `max_delta_step` 0, `subsample` 1, `colsample_bytree`, `colsample_bylevel` and `colsample_bynode` 1
 * (each in (0, 1]; see {@link TrainParams.colsampleBynode}), `lambda` 1, `alpha` 0, `base_score` 0.5 (1.7 does not
 * estimate it), `max_bin` 256, `seed` 0, `scale_pos_weight` 1, `tree_method` `auto`, `objective`
 * `binary:logistic`, `eval_metric` `logloss`, `csv_weights` 0 (1: the CSV channels carry weights
 * in their second column, as the SageMaker container reads them; see {@link TrainParams.csvWeights}).
 *
 * `tree_method: 'auto'` becomes `exact`: XGBoost 1.7 picks `exact` for single-machine, in-memory
 * data whatever its size (`approx` only for distributed or external-memory training), which is what
 * SageMaker's built-in 1.7-1 runs on one instance. Aliases: `learning_rate`, `min_split_loss`,
 * `reg_lambda`, `reg_alpha`, `random_state`, `num_boost_round`. `eval_metric` may be a list or
 * comma-separated text (`"logloss,auc"`).
 *
 * Other names: those in {@link IGNORED_PARAMS} (threads, logging, container plumbing) are accepted
 * and ignored; those in {@link DEFAULT_ONLY_PARAMS} are accepted only at their default value; any
 * other name is a {@link TrainParamError}, so a typo never passes silently.
 *
 * @example
 * ```ts
 * const p = resolveTrainParams({ max_depth: '5', eta: '0.2', gamma: 4, subsample: 0.7, num_round: 50 });
 * p.eta;        // 0.20000000298023224 (float32)
 * p.treeMethod; // 'exact'
 * ```
 */
export function resolveTrainParams(input: TrainParamsInput = {}): TrainParams {
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined || KNOWN.has(key) || IGNORED_PARAMS.includes(key)) continue;
    const def = DEFAULT_ONLY_PARAMS[key];
    if (def === undefined) {
      throw new TrainParamError(key, value, 'a parameter XGBoost 1.7 knows (no such parameter)');
    }
    const text = String(value).trim();
    const same =
      text === def || (def !== '' && NUMBER_TEXT.test(def) && NUMBER_TEXT.test(text) && Number(text) === Number(def));
    if (!same) {
      throw new TrainParamError(
        key,
        value,
        `${def === '' ? 'unset' : JSON.stringify(def)} (other values are not reproduced by this trainer)`,
      );
    }
  }
  const get = (name: string, alias?: string) => pick(input, name, alias);

  const objective = input.objective ?? 'binary:logistic';
  if (objective !== 'binary:logistic') throw new TrainParamError('objective', objective, '"binary:logistic"');

  const methodRaw = input.tree_method ?? 'auto';
  let treeMethod: TreeMethod;
  if (methodRaw === 'exact' || methodRaw === 'auto') treeMethod = 'exact';
  else if (methodRaw === 'hist') treeMethod = 'hist';
  else throw new TrainParamError('tree_method', methodRaw, '"exact", "hist" or "auto"');

  const num = get('num_round', 'num_boost_round');
  const eta = get('eta', 'learning_rate');
  const gamma = get('gamma', 'min_split_loss');
  const lambda = get('lambda', 'reg_lambda');
  const alpha = get('alpha', 'reg_alpha');
  const seed = get('seed', 'random_state');
  const f = (p: { key: string; value: unknown } | undefined, def: number, min: number, max: number, bounds: string) =>
    p === undefined ? Math.fround(def) : floatParam(p.key, p.value, min, max, bounds);
  const raw = (name: string) => (input[name] === undefined ? undefined : { key: name, value: input[name] });

  const baseScoreP = raw('base_score');
  const baseScore = f(baseScoreP, 0.5, 0, 1, 'in (0, 1)');
  if (baseScore <= 0 || baseScore >= 1)
    throw new TrainParamError('base_score', baseScoreP?.value, 'a number in (0, 1)');

  let seedValue = 0;
  if (seed !== undefined) {
    const s = toNumber(seed.key, seed.value, 'an integer');
    if (!Number.isSafeInteger(s)) throw new TrainParamError(seed.key, seed.value, 'an integer');
    seedValue = Number(BigInt.asUintN(32, BigInt(s)));
  }

  let evalMetric: EvalMetric[] = ['logloss'];
  const em = input.eval_metric;
  if (em !== undefined) {
    const list = typeof em === 'string' ? em.split(',').map((s) => s.trim()) : [...(em as readonly string[])];
    if (list.length === 0) throw new TrainParamError('eval_metric', em, 'one or more of logloss, auc, error');
    evalMetric = list.map((m) => {
      if (!METRICS.includes(m as EvalMetric)) throw new TrainParamError('eval_metric', m, 'one of logloss, auc, error');
      return m as EvalMetric;
    });
  }
  const esr = raw('early_stopping_rounds');

  return {
    numRound: num === undefined ? 10 : intParam(num.key, num.value, 1),
    eta: f(eta, 0.3, 0, Infinity, '≥ 0'),
    maxDepth: raw('max_depth') === undefined ? 6 : intParam('max_depth', input.max_depth, 1, 30),
    gamma: f(gamma, 0, 0, Infinity, '≥ 0'),
    minChildWeight: f(raw('min_child_weight'), 1, 0, Infinity, '≥ 0'),
    maxDeltaStep: f(raw('max_delta_step'), 0, 0, Infinity, '≥ 0'),
    subsample: f(raw('subsample'), 1, 0, 1, 'in (0, 1]'),
    colsampleBytree: f(raw('colsample_bytree'), 1, 0, 1, 'in (0, 1]'),
    colsampleBylevel: f(raw('colsample_bylevel'), 1, 0, 1, 'in (0, 1]'),
    colsampleBynode: f(raw('colsample_bynode'), 1, 0, 1, 'in (0, 1]'),
    lambda: f(lambda, 1, 0, Infinity, '≥ 0'),
    alpha: f(alpha, 0, 0, Infinity, '≥ 0'),
    baseScore,
    baseScoreGiven: baseScoreP !== undefined,
    maxBin: raw('max_bin') === undefined ? 256 : intParam('max_bin', input.max_bin, 2, 65536),
    seed: seedValue,
    scalePosWeight: f(raw('scale_pos_weight'), 1, 0, Infinity, '≥ 0'),
    treeMethod,
    objective: 'binary:logistic',
    evalMetric,
    earlyStoppingRounds: esr === undefined ? undefined : intParam('early_stopping_rounds', esr.value, 1),
    csvWeights: raw('csv_weights') === undefined ? false : intParam('csv_weights', input.csv_weights, 0, 1) === 1,
  };
}
