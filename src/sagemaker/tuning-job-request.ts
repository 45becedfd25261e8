import type {
  CategoricalParameterRange,
  ContinuousParameterRange,
  CreateHyperParameterTuningJobCommandInput,
  IntegerParameterRange,
} from '@aws-sdk/client-sagemaker';
import { InvalidArgumentError } from '../errors.js';
import type { HyperparameterStrings } from '../train/backend.js';
import { resolveSearchSpace, SearchSpaceError, type SearchSpace } from '../tune/search-space.js';
import { buildTrainingJobRequest, type TrainingJobRequestOptions } from './training-job-request.js';
import {
  XGBOOST_CONTAINER_ALIASES,
  XGBOOST_CONTAINER_HYPERPARAMETERS,
  XGBOOST_TUNING_METRICS,
  xgboostMetricRegex,
} from './xgboost-container-hyperparameters.js';

/** SageMaker's search strategies. */
export type TuningStrategy = 'Bayesian' | 'Random' | 'Grid' | 'Hyperband';

/** Inputs of {@link buildTuningJobRequest}. */
export interface TuningJobRequestOptions extends Omit<TrainingJobRequestOptions, 'jobName'> {
  /** The tuning job's name: 1-32 letters, digits and hyphens (SageMaker's limit for tuning jobs). */
  readonly tuningJobName: string;
  /** What to search: the same space type as local tuning (`sessionsentry/tune`). */
  readonly space: SearchSpace;
  /** The metric to optimize, as the container emits it. Default `'validation:auc'`. */
  readonly objectiveMetric?: string;
  /** Default: `Maximize` for metrics such as auc, `Minimize` for logloss and error. */
  readonly objectiveType?: 'Maximize' | 'Minimize';
  /** Default `'Bayesian'`. */
  readonly strategy?: TuningStrategy;
  /** Training jobs in all. */
  readonly maxJobs: number;
  /** Training jobs at once. Default min(maxJobs, 10). */
  readonly maxParallelJobs?: number;
  /** Whether SageMaker stops trials that are unlikely to beat the best so far. Default `'Off'`. */
  readonly earlyStopping?: 'Off' | 'Auto';
  /** Set for an image other than the built-in one: SageMaker knows the built-in image's metrics and refuses definitions for it. */
  readonly customImage?: boolean;
}

/**
 * Builds `CreateHyperParameterTuningJob` for SageMaker's built-in XGBoost from a search space of
 * the library's own type: a list becomes a categorical range, an integer range an integer range, a
 * real range a continuous one, `scale: 'log'` the `Logarithmic` scaling type. Hyperparameters not
 * in the space are static, the space's take their values from the search. The training job
 * definition is {@link buildTrainingJobRequest}'s (image, role, channels, output, resources, spot).
 * Checked before any request: the space as local tuning checks it, then every name against the
 * container's own hyperparameter list and intervals (an alias such as `learning_rate` is sent as
 * the container's `eta`), the metric against the container's metrics, the limits.
 *
 * @throws {SearchSpaceError} naming the hyperparameter the container does not take or whose range
 *   it refuses; {@link InvalidArgumentError} for a bad name, metric or limit.
 *
 * @example
 * ```ts
 * const input = buildTuningJobRequest({
 *   tuningJobName: 'sentry-tune-1',
 *   imageUri: xgboostImageUri('us-east-1'),
 *   role,
 *   channels: { train: 's3://my-bucket/t/train/', validation: 's3://my-bucket/t/validation/' },
 *   outputPath: 's3://my-bucket/t/output',
 *   hyperparameters: { num_round: '50', objective: 'binary:logistic' },
 *   space: { max_depth: { min: 3, max: 8 }, eta: { min: 0.01, max: 0.3, scale: 'log' } },
 *   objectiveMetric: 'validation:auc',
 *   maxJobs: 20,
 *   maxParallelJobs: 4,
 * });
 * await sagemaker.send(new CreateHyperParameterTuningJobCommand(input));
 * ```
 */
export function buildTuningJobRequest(options: TuningJobRequestOptions): CreateHyperParameterTuningJobCommandInput {
  const where = 'buildTuningJobRequest';
  const {
    tuningJobName,
    space,
    objectiveMetric = 'validation:auc',
    strategy = 'Bayesian',
    maxJobs,
    earlyStopping = 'Off',
    customImage = false,
  } = options;
  if (typeof tuningJobName !== 'string' || !/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$/.test(tuningJobName))
    throw new InvalidArgumentError(where, 'tuningJobName', tuningJobName, '1-32 letters, digits and hyphens');
  const direction = XGBOOST_TUNING_METRICS[objectiveMetric];
  if (direction === undefined)
    throw new InvalidArgumentError(
      where,
      'objectiveMetric',
      objectiveMetric,
      `a metric the XGBoost container emits (${Object.keys(XGBOOST_TUNING_METRICS).slice(0, 4).join(', ')}, …)`,
    );
  const objectiveType = options.objectiveType ?? direction;
  if (objectiveType !== 'Maximize' && objectiveType !== 'Minimize')
    throw new InvalidArgumentError(where, 'objectiveType', objectiveType, "'Maximize' or 'Minimize'");
  if (!['Bayesian', 'Random', 'Grid', 'Hyperband'].includes(strategy))
    throw new InvalidArgumentError(where, 'strategy', strategy, 'Bayesian, Random, Grid or Hyperband');
  if (!Number.isInteger(maxJobs) || maxJobs < 1)
    throw new InvalidArgumentError(where, 'maxJobs', maxJobs, 'a positive integer');
  const maxParallelJobs = options.maxParallelJobs ?? Math.min(maxJobs, 10);
  if (!Number.isInteger(maxParallelJobs) || maxParallelJobs < 1 || maxParallelJobs > maxJobs)
    throw new InvalidArgumentError(
      where,
      'maxParallelJobs',
      maxParallelJobs,
      `an integer in [1, maxJobs = ${maxJobs}]`,
    );

  const dimensions = resolveSearchSpace(space, `${where}: space`);
  const integer: IntegerParameterRange[] = [];
  const continuous: ContinuousParameterRange[] = [];
  const categorical: CategoricalParameterRange[] = [];
  const tuned = new Set<string>();
  for (const dimension of dimensions) {
    const name = XGBOOST_CONTAINER_ALIASES[dimension.name] ?? dimension.name;
    const spec = XGBOOST_CONTAINER_HYPERPARAMETERS[name];
    if (spec === undefined || name.startsWith('_'))
      throw new SearchSpaceError(
        `${where}: space`,
        dimension.name,
        "is not a hyperparameter of SageMaker's built-in XGBoost container (its hyperparameter_validation.py); nothing was sent",
      );
    if (tuned.has(name)) throw new SearchSpaceError(`${where}: space`, dimension.name, `names ${name} a second time`);
    tuned.add(name);
    const inside = (value: number): boolean =>
      (spec.min === undefined || (spec.minOpen ? value > spec.min : value >= spec.min)) &&
      (spec.max === undefined || (spec.maxOpen ? value < spec.max : value <= spec.max));
    const interval = `${spec.minOpen ? '(' : '['}${spec.min ?? '-∞'}, ${spec.max ?? '∞'}${spec.maxOpen ? ')' : ']'}`;
    if (dimension.kind === 'values') {
      for (const value of dimension.values) {
        if (typeof value === 'number' && (spec.type === 'integer' || spec.type === 'continuous') && !inside(value))
          throw new SearchSpaceError(
            `${where}: space`,
            dimension.name,
            `${value} is outside the container's ${interval}`,
          );
        if (spec.values !== undefined && !spec.values.includes(String(value)))
          throw new SearchSpaceError(
            `${where}: space`,
            dimension.name,
            `${JSON.stringify(value)} is not one of the container's values ${spec.values.join(', ')}`,
          );
      }
      categorical.push({ Name: name, Values: dimension.values.map(String) });
      continue;
    }
    if (spec.type !== 'integer' && spec.type !== 'continuous')
      throw new SearchSpaceError(
        `${where}: space`,
        dimension.name,
        `is ${spec.type} in the container: list its values`,
      );
    if (!inside(dimension.min) || !inside(dimension.max))
      throw new SearchSpaceError(
        `${where}: space`,
        dimension.name,
        `[${dimension.min}, ${dimension.max}] is outside the container's ${interval}`,
      );
    const range = {
      Name: name,
      MinValue: String(dimension.min),
      MaxValue: String(dimension.max),
      ScalingType: dimension.scale === 'log' ? ('Logarithmic' as const) : ('Linear' as const),
    };
    if (dimension.integer || spec.type === 'integer') integer.push(range);
    else continuous.push(range);
  }

  // The training job definition is a training job's request; the tuned values leave the static set.
  const base: HyperparameterStrings = { ...options.hyperparameters };
  if (base.num_round === undefined && tuned.has('num_round')) (base as Record<string, string>).num_round = '1';
  const training = buildTrainingJobRequest({ ...options, jobName: tuningJobName, hyperparameters: base });
  const staticHyperparameters: Record<string, string> = {};
  for (const [key, value] of Object.entries(training.HyperParameters ?? {})) {
    const name = XGBOOST_CONTAINER_ALIASES[key] ?? key;
    if (!tuned.has(name)) staticHyperparameters[key] = value;
  }
  return {
    HyperParameterTuningJobName: tuningJobName,
    HyperParameterTuningJobConfig: {
      Strategy: strategy,
      HyperParameterTuningJobObjective: { Type: objectiveType, MetricName: objectiveMetric },
      ResourceLimits: { MaxNumberOfTrainingJobs: maxJobs, MaxParallelTrainingJobs: maxParallelJobs },
      ParameterRanges: {
        ...(integer.length > 0 ? { IntegerParameterRanges: integer } : {}),
        ...(continuous.length > 0 ? { ContinuousParameterRanges: continuous } : {}),
        ...(categorical.length > 0 ? { CategoricalParameterRanges: categorical } : {}),
      },
      TrainingJobEarlyStoppingType: earlyStopping,
    },
    TrainingJobDefinition: {
      AlgorithmSpecification: {
        ...training.AlgorithmSpecification!,
        TrainingInputMode: 'File',
        ...(customImage
          ? { MetricDefinitions: [{ Name: objectiveMetric, Regex: xgboostMetricRegex(objectiveMetric) }] }
          : {}),
      },
      RoleArn: training.RoleArn!,
      InputDataConfig: training.InputDataConfig,
      OutputDataConfig: training.OutputDataConfig!,
      ResourceConfig: training.ResourceConfig,
      StoppingCondition: training.StoppingCondition!,
      StaticHyperParameters: staticHyperparameters,
      ...(training.EnableManagedSpotTraining ? { EnableManagedSpotTraining: true } : {}),
      ...(training.CheckpointConfig !== undefined ? { CheckpointConfig: training.CheckpointConfig } : {}),
    },
    ...(training.Tags !== undefined && training.Tags.length > 0 ? { Tags: training.Tags } : {}),
  };
}
