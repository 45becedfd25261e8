import { Booster } from '../model/booster.js';
import type { EvalMetric } from '../model/train-params.js';
import type { TrainingSummary } from './backend.js';
import { resolveTrainParams, type TrainParamsInput } from '../model/train-params.js';

/**
 * Early stopping as SageMaker's built-in XGBoost 1.7-1 container runs it, when it runs it
 * (`algorithm_mode/train.py` and `callback.py` of aws/sagemaker-xgboost-container, branch 1.7-1).
 */
export interface EarlyStoppingRule {
  /** `early_stopping_rounds`: rounds without improvement before training stops. */
  readonly rounds: number;
  /** The watched set that decides: always the validation channel. */
  readonly data: 'validation';
  /** The last `eval_metric`. */
  readonly metric: EvalMetric;
  /** Whether a larger value is better (`auc`), as the container's `XGB_MAXIMIZE_METRICS` says. */
  readonly maximize: boolean;
}

/** What early stopping did in a training job, as the job reports it and a model directory records it. */
export interface EarlyStoppingSummary {
  /** `early_stopping_rounds`. */
  readonly rounds: number;
  /** The metric that decided, as XGBoost names it in its log: `validation-auc`. */
  readonly metric: string;
  /** The metric's value at the best round. */
  readonly bestScore: number;
  /** Rounds trained before stopping; the saved model keeps only the first `bestIteration + 1` trees. */
  readonly roundsTrained: number;
}

/** The rule a job's hyperparameters give: `rule` when the container stops early, else why not (`ignored`). */
export type ContainerEarlyStopping =
  | { readonly rule: EarlyStoppingRule; readonly ignored?: undefined }
  | { readonly rule?: undefined; readonly ignored: string | undefined };

/**
 * Whether SageMaker's XGBoost 1.7-1 container stops a job early, and on what. The container pops
 * `early_stopping_rounds` from the hyperparameters and adds XGBoost's `EarlyStopping` callback only
 * when the job has a validation channel AND `eval_metric` is given: the validation set decides, on
 * the last metric of `eval_metric`. Otherwise it trains every round and says nothing; `ignored`
 * then tells why (undefined when `early_stopping_rounds` was not asked for).
 *
 * @throws TrainParamError for a bad `early_stopping_rounds` or `eval_metric`.
 * @example
 * ```ts
 * containerEarlyStopping({ num_round: '100', eval_metric: 'logloss,auc', early_stopping_rounds: '10' }, true);
 * // { rule: { rounds: 10, data: 'validation', metric: 'auc', maximize: true } }
 * containerEarlyStopping({ num_round: '100', early_stopping_rounds: '10' }, true).ignored;
 * // 'early_stopping_rounds needs eval_metric: SageMaker's XGBoost 1.7-1 container ignores it without one'
 * ```
 */
export function containerEarlyStopping(
  hyperparameters: TrainParamsInput,
  hasValidation: boolean,
): ContainerEarlyStopping {
  const { earlyStoppingRounds, evalMetric } = resolveTrainParams(hyperparameters);
  const ignored = earlyStoppingIgnored(hyperparameters, hasValidation);
  if (earlyStoppingRounds === undefined || ignored !== undefined) return { ignored };
  const metric = evalMetric[evalMetric.length - 1]!;
  return { rule: { rounds: earlyStoppingRounds, data: 'validation', metric, maximize: metric === 'auc' } };
}

/**
 * Why SageMaker's XGBoost 1.7-1 container would ignore `early_stopping_rounds` in these
 * hyperparameters (no `eval_metric`, or no validation channel), or undefined when it would not
 * (also when `early_stopping_rounds` is not given). Looks only at which names are present, so it
 * can be asked before the values are checked.
 *
 * @example
 * ```ts
 * earlyStoppingIgnored({ early_stopping_rounds: '10', eval_metric: 'auc' }, false);
 * // "early_stopping_rounds needs a validation channel: SageMaker's XGBoost 1.7-1 container ignores it without one"
 * ```
 */
export function earlyStoppingIgnored(hyperparameters: TrainParamsInput, hasValidation: boolean): string | undefined {
  if (hyperparameters.early_stopping_rounds === undefined) return undefined;
  if (hyperparameters.eval_metric === undefined)
    return "early_stopping_rounds needs eval_metric: SageMaker's XGBoost 1.7-1 container ignores it without one";
  if (!hasValidation)
    return "early_stopping_rounds needs a validation channel: SageMaker's XGBoost 1.7-1 container ignores it without one";
  return undefined;
}

/**
 * The model the container saves after early stopping: XGBoost's `EarlyStopping(save_best=True)`
 * slices the booster to its first `bestIteration + 1` trees, and `xgb.train` then stores only
 * `best_iteration` and `best_ntree_limit` (the slice has no `best_score`). Checked against XGBoost
 * 1.7.4 in test/train/early-stopping-differential.test.ts.
 *
 * @example
 * ```ts
 * const saved = keepBestTrees(result.booster, result.bestIteration); // saved.numTrees === result.bestIteration + 1
 * ```
 */
export function keepBestTrees(booster: Booster, bestIteration: number): Booster {
  const { model } = booster;
  const keep = bestIteration + 1;
  return new Booster({
    ...model,
    trees: model.trees.slice(0, keep),
    treeInfo: model.treeInfo.slice(0, keep),
    attributes: { best_iteration: String(bestIteration), best_ntree_limit: String(keep) },
  });
}

/**
 * The training summary a saved model itself tells, for a backend that reports none (SageMaker):
 * its trees and best round (`best_iteration`, which the container stores in every model it saves;
 * the last tree without it). Early stopping's score is not in the model, so it is left out.
 *
 * @example
 * ```ts
 * trainingSummaryOf(Booster.fromTarGz(bytes)); // { trees: 37, bestIteration: 36 }
 * ```
 */
export function trainingSummaryOf(booster: Booster): TrainingSummary {
  return { trees: booster.numTrees, bestIteration: (booster.bestNtreeLimit ?? booster.numTrees) - 1 };
}
