import os from 'node:os';
import { InvalidArgumentError } from '../errors.js';
import { recallAtFalsePositiveRate } from '../eval/thresholds.js';
import { type EvalMetric, resolveTrainParams } from '../model/train-params.js';
import { TrainingData } from '../model/training-data.js';
import type { CrossValidationFold, ResolvedFold } from '../train/cv-folds.js';
import { checkFoldCount, makeFolds, resolveFolds } from '../train/cv-folds.js';
import type { CrossValidationTask, CrossValidationTaskResult } from '../train/cross-validation-task.js';
import { taskData } from '../train/cross-validation-task.js';
import { SEED_HYPERPARAMETERS } from '../train/default-hyperparameters.js';
import type { Hyperparameters } from '../train/hyperparameters.js';
import type { LocalBackend } from '../train/local-backend.js';
import { RunAbortedError } from '../train/train-errors.js';
import { type TrainingMode, TrainingPool } from '../train/training-pool.js';
import {
  type HyperparameterValue,
  type SearchPoint,
  type SearchSpace,
  resolveSearchSpace,
  withSearchPoint,
} from './search-space.js';
import { type SearchStrategy, gridPoints, randomPoints } from './search-strategy.js';

/**
 * What a search optimises: a cross-validated metric (the mean test value at the best round; `auc`
 * maximised, `logloss` and `error` minimised), or a detection measure on the out-of-fold scores: the
 * recall reachable at a false positive rate of at most `recallAtFalsePositiveRate` (maximised), every
 * training negative counting towards the rate.
 */
export type TuneObjective = EvalMetric | { readonly recallAtFalsePositiveRate: number };

/** A named data set to tune on (e.g. one per truncation of an experiment). */
export interface TuneJob {
  readonly name: string;
  readonly data: TrainingData;
}

/** Options of {@link tuneHyperparameters}. */
export interface TuneOptions {
  /** The data to cross-validate each trial on. Give `data` or `jobs`. */
  readonly data?: TrainingData;
  /** Several data sets: each trial is cross-validated on every job and scored by the mean of its jobs' scores. */
  readonly jobs?: readonly TuneJob[];
  /** What to search (see {@link SearchSpace}). */
  readonly space: SearchSpace;
  /** `'grid'`: every combination of the listed values; `'random'`: `trials` seeded draws. Default: grid when every hyperparameter is a list, else random. */
  readonly strategy?: SearchStrategy;
  /** Trials to run: random draws (default 20), or the first grid points (default all of them). */
  readonly trials?: number;
  /** What to optimise (default `'logloss'`). */
  readonly objective?: TuneObjective;
  /** Seed of the random draws and of the folds (default 0). */
  readonly seed?: number;
  /** Hyperparameters every trial starts from; the searched ones go over them (default {@link SEED_HYPERPARAMETERS}). */
  readonly hyperparameters?: Hyperparameters;
  /** Folds per cross-validation (default 5). */
  readonly nfold?: number;
  /** Stratified folds (default true: attacks are rare, and every fold needs some). */
  readonly stratified?: boolean;
  /** Explicit folds (one data set only), used as given. */
  readonly folds?: readonly CrossValidationFold[];
  /** Rounds at most per trial (default: the base hyperparameters' `num_round`, else 10). */
  readonly numBoostRound?: number;
  /** Early stopping per trial on the mean test metric (default 10; the objective's metric, `logloss` for a detection objective). */
  readonly earlyStoppingRounds?: number;
  /** Trials in parallel: worker threads of the search's own pool (default `os.availableParallelism()`). */
  readonly concurrency?: number;
  /** Run trials on this backend's training workers instead of a pool of the search's own. */
  readonly backend?: LocalBackend;
  /** `'worker'` (default) or `'in-process'`, for the search's own pool. */
  readonly training?: TrainingMode;
  /** Called as each trial finishes, in finishing order. */
  readonly onTrial?: (trial: TuneTrial, finished: number, total: number) => void;
  /** Stops the search: waiting trials never start, running ones are terminated. */
  readonly signal?: AbortSignal;
}

/** One trial of a search. */
export interface TuneTrial {
  /** 0-based trial number, in the order trials were drawn. */
  readonly index: number;
  /** The searched hyperparameters' values. */
  readonly point: SearchPoint;
  /** The objective's value (mean over jobs), or undefined when the trial failed. */
  readonly score: number | undefined;
  /** The early-stopping metric's mean and std over the folds at the best round (first job). */
  readonly metric: { readonly name: EvalMetric; readonly mean: number; readonly std: number } | undefined;
  /** Boosting rounds up to the best round (best iteration + 1; the mean over jobs, rounded). */
  readonly rounds: number | undefined;
  /** Per job: its score and rounds. */
  readonly jobs: readonly { readonly name: string; readonly score: number; readonly rounds: number }[];
  /** Wall time of the trial's cross-validations, summed over jobs, in seconds. */
  readonly seconds: number;
  /** Why the trial failed, when it did. */
  readonly error?: string;
}

/** What {@link tuneHyperparameters} returns. */
export interface TuneResult {
  /** The objective, as a column name: `test-logloss`, `test-auc`, `test-error` or `recall@fpr<=0.001`. */
  readonly objective: string;
  /** Whether larger scores are better. */
  readonly maximize: boolean;
  readonly strategy: SearchStrategy;
  /** Every trial, in trial order. */
  readonly trials: readonly TuneTrial[];
  /** The best trial (ties: the earlier one). */
  readonly best: TuneTrial;
  /** The base hyperparameters with the best trial's values over them and `num_round` set to its rounds, as strings. */
  readonly bestHyperparameters: Readonly<Record<string, string>>;
  /** Wall time of the search, in seconds. */
  readonly seconds: number;
}

interface PreparedJob {
  readonly name: string;
  readonly data: CrossValidationTask['data'];
  readonly labels: Float32Array;
  readonly folds: ResolvedFold[];
}

/**
 * Searches hyperparameters by cross-validation, as SageMaker's hyperparameter tuner does with
 * training jobs: each trial is a {@link crossValidate} with early stopping on the same folds, run on
 * worker threads (the training pool the local backend uses, or the backend's own when `backend` is
 * given), `concurrency` at a time. Returns every trial with its score, its metric's mean and std
 * over the folds and its best round, the best trial, and the best hyperparameters (with `num_round`
 * set to the best trial's rounds) ready for a `TrainRunner`.
 *
 * Everything is checked before the first trial starts: the space against the trainer, the strategy
 * and trial count, the objective, the folds against the data (a stratified fold needs a positive).
 *
 * @throws SearchSpaceError naming a hyperparameter the trainer rejects; InvalidArgumentError naming a
 *   bad option (`objective`, `strategy`, `trials`, `nfold`…); TrainParamError for bad base
 *   hyperparameters; RunAbortedError when `signal` aborts.
 * @example
 * ```ts
 * const result = await tuneHyperparameters({
 *   data: TrainingData.fromFrame(split.train, { label: 'BadActor' }),
 *   space: { max_depth: [3, 5, 7], eta: { min: 0.03, max: 0.3, scale: 'log' }, min_child_weight: { min: 1, max: 10 } },
 *   strategy: 'random', trials: 20, seed: 1,
 *   objective: { recallAtFalsePositiveRate: 0.001 },
 *   numBoostRound: 300, earlyStoppingRounds: 10,
 * });
 * console.table(result.trials.map((t) => ({ ...t.point, score: t.score, rounds: t.rounds })));
 * const runner = new TrainRunner({ hyperparameters: result.bestHyperparameters });
 * ```
 */
export async function tuneHyperparameters(options: TuneOptions): Promise<TuneResult> {
  const where = 'tuneHyperparameters';
  const started = performance.now();
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError(where, 'options', options, 'an options object');
  }
  const { seed = 0, nfold = 5, stratified = true, signal, onTrial } = options;
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new InvalidArgumentError(where, 'seed', seed, 'a non-negative safe integer');
  const dimensions = resolveSearchSpace(options.space, `${where}: space`);
  const strategy = options.strategy ?? (dimensions.every((d) => d.kind === 'values') ? 'grid' : 'random');
  if (strategy !== 'grid' && strategy !== 'random') {
    throw new InvalidArgumentError(where, 'strategy', strategy, "'grid' or 'random'");
  }
  const { trials } = options;
  if (trials !== undefined && (!Number.isSafeInteger(trials) || trials < 1)) {
    throw new InvalidArgumentError(where, 'trials', trials, 'a positive integer');
  }
  const objective = resolveObjective(options.objective ?? 'logloss', where);

  const base: Record<string, HyperparameterValue> = { ...(options.hyperparameters ?? SEED_HYPERPARAMETERS) };
  const baseParams = resolveTrainParams(base);
  const numBoostRound =
    options.numBoostRound ??
    (base.num_round !== undefined || base.num_boost_round !== undefined ? baseParams.numRound : 10);
  if (!Number.isSafeInteger(numBoostRound) || numBoostRound < 1) {
    throw new InvalidArgumentError(where, 'numBoostRound', numBoostRound, 'a positive integer');
  }
  const earlyStoppingRounds = options.earlyStoppingRounds ?? 10;
  if (!Number.isSafeInteger(earlyStoppingRounds) || earlyStoppingRounds < 1) {
    throw new InvalidArgumentError(where, 'earlyStoppingRounds', earlyStoppingRounds, 'a positive integer');
  }
  // The rounds and early stopping belong to the search; a base num_round only sets the default rounds.
  delete base.num_round;
  delete base.num_boost_round;
  delete base.early_stopping_rounds;
  delete base.eval_metric;

  const jobs = prepareJobs(options, nfold, stratified, seed, where);
  if (objective.outOfFold) {
    for (const job of jobs) {
      const seen = new Uint8Array(job.labels.length);
      for (const fold of job.folds) for (const r of fold.test) seen[r] = (seen[r] ?? 0) + 1;
      if (seen.some((c) => c !== 1)) {
        throw new InvalidArgumentError(
          where,
          'folds',
          options.folds,
          'folds whose test parts cover every row exactly once, for an objective on out-of-fold scores',
        );
      }
    }
  }
  const points =
    strategy === 'grid'
      ? gridPoints(dimensions, where).slice(0, trials ?? Number.POSITIVE_INFINITY)
      : randomPoints(dimensions, trials ?? 20, seed);
  // Every trial's hyperparameters are checked together before any runs (a value valid alone may clash with the base).
  const trialParams = points.map((point) => {
    const merged = withSearchPoint(base, point);
    resolveTrainParams(merged);
    return merged;
  });

  const concurrency = options.concurrency ?? os.availableParallelism();
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
    throw new InvalidArgumentError(where, 'concurrency', concurrency, 'a positive integer');
  }
  const ownPool =
    options.backend === undefined
      ? new TrainingPool({ size: concurrency, ...(options.training ? { mode: options.training } : {}) })
      : undefined;
  const run = (task: CrossValidationTask): Promise<CrossValidationTaskResult> =>
    ownPool ? ownPool.crossValidate(task, signal) : options.backend!.crossValidate(task, signal);

  let finished = 0;
  try {
    const results = await Promise.all(
      points.map(async (point, index): Promise<TuneTrial> => {
        const hyperparameters = trialParams[index]!;
        let trial: TuneTrial;
        try {
          const outcomes = await Promise.all(
            jobs.map((job) =>
              run({
                name: `trial-${index}${jobs.length > 1 ? `-${job.name}` : ''}`,
                data: job.data,
                hyperparameters,
                folds: job.folds,
                numBoostRound,
                earlyStoppingRounds,
                metrics: [objective.metric],
              }),
            ),
          );
          const perJob = outcomes.map((o, k) => ({
            name: jobs[k]!.name,
            score: objective.score(o, jobs[k]!.labels),
            rounds: o.bestIteration + 1,
          }));
          const first = outcomes[0]!.rounds[outcomes[0]!.bestIteration]!.test[objective.metric]!;
          trial = {
            index,
            point,
            score: perJob.reduce((s, j) => s + j.score, 0) / perJob.length,
            metric: { name: objective.metric, mean: first.mean, std: first.std },
            rounds: Math.round(perJob.reduce((s, j) => s + j.rounds, 0) / perJob.length),
            jobs: perJob,
            seconds: outcomes.reduce((s, o) => s + o.seconds, 0),
          };
        } catch (err) {
          if (err instanceof RunAbortedError || signal?.aborted) throw err;
          trial = {
            index,
            point,
            score: undefined,
            metric: undefined,
            rounds: undefined,
            jobs: [],
            seconds: 0,
            error: err instanceof Error ? err.message : String(err),
          };
        }
        onTrial?.(trial, ++finished, points.length);
        return trial;
      }),
    );
    let best: TuneTrial | undefined;
    for (const t of results) {
      if (t.score === undefined || Number.isNaN(t.score)) continue;
      if (best === undefined || (objective.maximize ? t.score > best.score! : t.score < best.score!)) best = t;
    }
    if (best === undefined) {
      throw new InvalidArgumentError(
        where,
        'space',
        options.space,
        `a space with at least one trial that trains (every trial failed; the first: ${results[0]?.error ?? 'no trials'})`,
      );
    }
    const bestHyperparameters: Record<string, string> = {};
    for (const [k, v] of Object.entries(trialParams[best.index]!)) bestHyperparameters[k] = String(v);
    bestHyperparameters.num_round = String(best.rounds);
    return {
      objective: objective.name,
      maximize: objective.maximize,
      strategy,
      trials: results,
      best,
      bestHyperparameters,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await ownPool?.close();
  }
}

interface ResolvedObjective {
  readonly name: string;
  readonly maximize: boolean;
  /** The metric the folds evaluate and early stopping watches. */
  readonly metric: EvalMetric;
  /** Scored on out-of-fold scores (the folds must partition the rows). */
  readonly outOfFold: boolean;
  readonly score: (result: CrossValidationTaskResult, labels: Float32Array) => number;
}

function resolveObjective(objective: TuneObjective, where: string): ResolvedObjective {
  if (objective === 'logloss' || objective === 'error' || objective === 'auc') {
    return {
      name: `test-${objective}`,
      maximize: objective === 'auc',
      metric: objective,
      outOfFold: false,
      score: (r) => r.bestScore,
    };
  }
  if (objective !== null && typeof objective === 'object' && 'recallAtFalsePositiveRate' in objective) {
    const rate = objective.recallAtFalsePositiveRate;
    if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) {
      throw new InvalidArgumentError(where, 'objective.recallAtFalsePositiveRate', rate, 'a rate in [0, 1]');
    }
    return {
      name: `recall@fpr<=${rate}`,
      maximize: true,
      metric: 'logloss',
      outOfFold: true,
      score: (r, labels) => recallAtFalsePositiveRate(labels, r.outOfFold!, rate),
    };
  }
  throw new InvalidArgumentError(
    where,
    'objective',
    objective,
    "'logloss', 'auc', 'error' or { recallAtFalsePositiveRate: rate }",
  );
}

function prepareJobs(
  options: TuneOptions,
  nfold: number,
  stratified: boolean,
  seed: number,
  where: string,
): PreparedJob[] {
  const { data, jobs } = options;
  if ((data === undefined) === (jobs === undefined)) {
    throw new InvalidArgumentError(where, 'data', data, 'given, or jobs given instead (one of the two)');
  }
  const list: TuneJob[] = data !== undefined ? [{ name: 'data', data }] : [...(jobs as readonly TuneJob[])];
  if (list.length === 0) throw new InvalidArgumentError(where, 'jobs', jobs, 'at least one job');
  if (options.folds !== undefined && list.length > 1) {
    throw new InvalidArgumentError(where, 'folds', options.folds, 'given with one data set only (jobs differ in rows)');
  }
  return list.map((job, k) => {
    const name = data !== undefined ? 'data' : `jobs[${k}].data`;
    if (!(job?.data instanceof TrainingData)) throw new InvalidArgumentError(where, name, job?.data, 'a TrainingData');
    let folds: ResolvedFold[];
    if (options.folds !== undefined) folds = resolveFolds(options.folds, job.data.rows, where);
    else {
      checkFoldCount(job.data.labels, nfold, stratified, where);
      folds = makeFolds(job.data.labels, { nfold, stratified, seed }, where);
    }
    return { name: job.name, data: taskData(job.data), labels: job.data.labels, folds };
  });
}
