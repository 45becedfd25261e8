import { InvalidArgumentError } from '../errors.js';
import { metricMaximizes } from '../model/metrics.js';
import { Mt19937 } from '../model/mt19937.js';
import { type EvalMetric, type TrainParamsInput, resolveTrainParams } from '../model/train-params.js';
import { TrainAbortedError, type TrainingRun, startTraining } from '../model/train.js';
import { TrainingData } from '../model/training-data.js';
import { type CrossValidationFold, type ResolvedFold, checkFoldCount, makeFolds, resolveFolds } from './cv-folds.js';
import { foldMeanStd, printedMetric } from './fold-statistics.js';

/** Options of {@link crossValidate}, named after `xgb.cv`'s arguments. */
export interface CrossValidateOptions {
  /** Number of folds to make, at least 2 (default 3, as `xgb.cv`); ignored when `folds` is given. */
  readonly nfold?: number;
  /** Make folds that keep the share of positive rows (default false, as `xgb.cv`). */
  readonly stratified?: boolean;
  /** Seed of the folds made here (default 0). */
  readonly seed?: number;
  /** Folds given explicitly, used as they are (as `xgb.cv(folds=[(train, test), …])`). */
  readonly folds?: readonly CrossValidationFold[];
  /** Boosting rounds at most (default: the `num_round` hyperparameter, else 10 as `xgb.cv`). */
  readonly numBoostRound?: number;
  /**
   * Stop when the mean test value of the last metric has not improved for this many rounds, and drop
   * the rounds after the best, as `xgb.cv` does (default: the `early_stopping_rounds`
   * hyperparameter, else no early stopping).
   */
  readonly earlyStoppingRounds?: number;
  /** Metrics to evaluate (default: the `eval_metric` hyperparameter, else `logloss`). */
  readonly metrics?: EvalMetric | readonly EvalMetric[];
  /** Called after every round with its means and standard deviations. */
  readonly onIteration?: (round: CrossValidationRound) => void;
  /** Checked between rounds: an aborted signal stops with a `TrainAbortedError`. */
  readonly signal?: AbortSignal;
}

/** The mean and standard deviation of one metric over the folds. */
export interface MetricSummary {
  readonly mean: number;
  readonly std: number;
}

/** One round of a cross-validation: each metric's mean and std over the folds, on train and test. */
export interface CrossValidationRound {
  /** 0-based round. */
  readonly iteration: number;
  /** On each fold's training rows. */
  readonly train: Readonly<Partial<Record<EvalMetric, MetricSummary>>>;
  /** On each fold's held-out rows. */
  readonly test: Readonly<Partial<Record<EvalMetric, MetricSummary>>>;
}

/** Every row scored by the fold model that did not train on it. */
export interface OutOfFoldScores {
  /** The data's labels, in row order. */
  readonly labels: Float32Array;
  /** Each row's probability from the model of the fold that held it out, at the best round. */
  readonly scores: Float32Array;
  /** The data's instance weights, when it has them. */
  readonly weights: Float32Array | undefined;
}

/** What {@link crossValidate} returns. */
export interface CrossValidationResult {
  /** The metrics evaluated, in order; the last one drives early stopping. */
  readonly metrics: readonly EvalMetric[];
  /** One entry per round kept (rounds after the best are dropped when early stopping stopped the run). */
  readonly rounds: readonly CrossValidationRound[];
  /**
   * The rounds as `xgb.cv`'s DataFrame: column name (`train-logloss-mean`, `train-logloss-std`, …,
   * `test-…`, in `xgb.cv`'s order) → one value per round kept.
   */
  readonly history: Readonly<Record<string, readonly number[]>>;
  /** The best round (0-based) by the mean test value of the last metric; the last round without early stopping. */
  readonly bestIteration: number;
  /** The mean test value of the last metric at the best round. */
  readonly bestScore: number;
  /**
   * True when early stopping ended the run (and the rounds after the best were dropped), as `xgb.cv`'s callback does.
   */
  readonly stoppedEarly: boolean;
  /** The folds used (made here, or the ones given). */
  readonly folds: readonly ResolvedFold[];
  /**
   * Out-of-fold scores for every row, when the folds' test parts cover every row exactly once (folds
   * made here always do); undefined for explicit folds that overlap or leave rows out.
   */
  readonly outOfFold: OutOfFoldScores | undefined;
}

/**
 * Cross-validates XGBoost hyperparameters as XGBoost 1.7.4's `xgb.cv` does: one model per fold,
 * grown round by round in lockstep, each evaluated after every round on its training part (`train`)
 * and its held-out part (`test`); per round, each metric's mean and standard deviation over the
 * folds. With early stopping, training stops when the mean test value of the last metric has not
 * improved for `earlyStoppingRounds` rounds, and the rounds after the best are dropped.
 *
 * Given the same folds (`folds`), the result equals `xgb.cv(params, DMatrix, num_boost_round,
 * folds=…)` bit for bit: every fold's model and metric values are XGBoost's own (the trainer is
 * bit-identical), and the mean and std are computed as `xgb.cv` computes them — from each value as
 * XGBoost prints it (17 digits after the point) with NumPy's pairwise summation. Folds made here
 * (`nfold`, `stratified`, `seed`) are the library's own seeded folds, not NumPy's or scikit-learn's
 * (see `makeFolds`).
 *
 * The out-of-fold scores (every row scored by the fold model that never saw it, at the best round)
 * let an operating point be chosen on every training row instead of a small validation set:
 * `chooseOperatingPoint(oof.labels, oof.scores, { maxFalsePositiveRate: 0.001 }, { chosenOn: 'out-of-fold' })`.
 *
 * @throws InvalidArgumentError before any training for `nfold` < 2 or above the rows (or, stratified,
 *   above the positive or negative rows), malformed `folds`, a bad `numBoostRound` or
 *   `earlyStoppingRounds`; TrainParamError for a hyperparameter or metric the trainer rejects.
 * @example
 * ```ts
 * const cv = crossValidate(data, { max_depth: 5, eta: 0.2, subsample: 0.7 }, {
 *   nfold: 5, stratified: true, seed: 1, numBoostRound: 200, earlyStoppingRounds: 10, metrics: ['logloss', 'auc'],
 * });
 * cv.history['test-auc-mean'].at(-1); cv.bestIteration;
 * const point = chooseOperatingPoint(cv.outOfFold!.labels, cv.outOfFold!.scores, { maxFalsePositiveRate: 0.001 },
 *   { chosenOn: 'out-of-fold' });
 * ```
 */
export function crossValidate(
  data: TrainingData,
  params: TrainParamsInput = {},
  options: CrossValidateOptions = {},
): CrossValidationResult {
  const where = 'crossValidate';
  if (!(data instanceof TrainingData)) throw new InvalidArgumentError(where, 'data', data, 'a TrainingData');
  const { stratified = false, seed = 0, onIteration, signal } = options;
  const base = resolveTrainParams(params);
  const roundsGiven = params.num_round !== undefined || params.num_boost_round !== undefined;
  const numBoostRound = options.numBoostRound ?? (roundsGiven ? base.numRound : 10);
  if (!Number.isSafeInteger(numBoostRound) || numBoostRound < 1) {
    throw new InvalidArgumentError(where, 'numBoostRound', numBoostRound, 'a positive integer');
  }
  const early = options.earlyStoppingRounds ?? base.earlyStoppingRounds;
  if (early !== undefined && (!Number.isSafeInteger(early) || early < 1)) {
    throw new InvalidArgumentError(where, 'earlyStoppingRounds', early, 'a positive integer');
  }
  const metrics =
    options.metrics === undefined
      ? base.evalMetric
      : resolveTrainParams({
          eval_metric: typeof options.metrics === 'string' ? options.metrics : [...options.metrics],
        }).evalMetric;
  let folds: ResolvedFold[];
  if (options.folds !== undefined) folds = resolveFolds(options.folds, data.rows, where);
  else {
    checkFoldCount(data.labels, options.nfold ?? 3, stratified, where);
    folds = makeFolds(data.labels, { nfold: options.nfold ?? 3, stratified, seed }, where);
  }

  // Hyperparameters every fold trains with: the rounds and metrics are this call's.
  const foldParams: Record<string, unknown> = { ...params };
  delete foldParams.num_boost_round;
  delete foldParams.early_stopping_rounds;
  foldParams.num_round = numBoostRound;
  foldParams.eval_metric = [...metrics];
  // One random engine for every fold, as XGBoost's global one is shared by xgb.cv's boosters.
  const sharedRandom = new Mt19937(base.seed);
  const runs: { run: TrainingRun; test: TrainingData; last: Record<string, Partial<Record<EvalMetric, number>>> }[] =
    folds.map((fold) => {
      const trainPart = selectRows(data, fold.train);
      const testPart = selectRows(data, fold.test);
      const entry = {
        run: undefined as unknown as TrainingRun,
        test: testPart,
        last: {} as Record<string, Partial<Record<EvalMetric, number>>>,
      };
      entry.run = startTraining(
        trainPart,
        foldParams as TrainParamsInput,
        {
          evals: [
            { name: 'train', data: trainPart },
            { name: 'test', data: testPart },
          ],
          onIteration: (info) => {
            entry.last = info.metrics as Record<string, Partial<Record<EvalMetric, number>>>;
          },
        },
        sharedRandom,
      );
      return entry;
    });

  const columns: string[] = [];
  for (const set of ['train', 'test'] as const)
    for (const m of metrics) columns.push(`${set}-${m}-mean`, `${set}-${m}-std`);
  const history: Record<string, number[]> = Object.fromEntries(columns.map((c) => [c, [] as number[]]));
  const rounds: CrossValidationRound[] = [];
  const watched = metrics[metrics.length - 1]!;
  const maximize = metricMaximizes(watched);
  let bestIteration = -1;
  let bestScore = Number.NaN;
  let sinceBest = 0;
  let stoppedEarly = false;
  for (let iteration = 0; iteration < numBoostRound; iteration++) {
    if (signal?.aborted) throw new TrainAbortedError(iteration, signal.reason);
    for (const entry of runs) entry.run.step();
    const summary = { train: {}, test: {} } as Record<'train' | 'test', Partial<Record<EvalMetric, MetricSummary>>>;
    for (const set of ['train', 'test'] as const) {
      for (const m of metrics) {
        const s = foldMeanStd(runs.map((entry) => printedMetric(entry.last[set]![m]!)));
        summary[set][m] = s;
        history[`${set}-${m}-mean`]!.push(s.mean);
        history[`${set}-${m}-std`]!.push(s.std);
      }
    }
    const round: CrossValidationRound = { iteration, train: summary.train, test: summary.test };
    rounds.push(round);
    onIteration?.(round);
    const score = summary.test[watched]!.mean;
    if (bestIteration < 0 || (maximize ? score > bestScore : score < bestScore)) {
      bestIteration = iteration;
      bestScore = score;
      sinceBest = 0;
    } else sinceBest++;
    if (early !== undefined && sinceBest >= early) {
      stoppedEarly = true;
      break;
    }
  }
  if (early === undefined) {
    bestIteration = rounds.length - 1;
    bestScore = rounds[bestIteration]!.test[watched]!.mean;
  }
  if (stoppedEarly) {
    rounds.length = bestIteration + 1;
    for (const c of columns) history[c]!.length = bestIteration + 1;
  }
  return {
    metrics,
    rounds,
    history,
    bestIteration,
    bestScore,
    stoppedEarly,
    folds,
    outOfFold: outOfFoldScores(data, folds, runs, bestIteration + 1),
  };
}

/** Scores every row with the model of the fold that held it out, when the test parts partition the rows. */
function outOfFoldScores(
  data: TrainingData,
  folds: readonly ResolvedFold[],
  runs: readonly { run: TrainingRun; test: TrainingData }[],
  ntreeLimit: number,
): OutOfFoldScores | undefined {
  const seen = new Uint8Array(data.rows);
  let covered = 0;
  for (const fold of folds) {
    for (const r of fold.test) {
      if (seen[r] === 1) return undefined;
      seen[r] = 1;
      covered++;
    }
  }
  if (covered !== data.rows) return undefined;
  const scores = new Float32Array(data.rows);
  folds.forEach((fold, k) => {
    const { run, test } = runs[k]!;
    const probabilities = run
      .result()
      .booster.predict({ data: test.toRowMajor(), rows: test.rows, columns: test.columns }, { ntreeLimit });
    fold.test.forEach((r, i) => {
      scores[r] = probabilities[i]!;
    });
  });
  return { labels: data.labels, scores, weights: data.weights };
}

/** The rows `indices` of `data`, in that order, as new training data (`DMatrix.slice`). */
export function selectRows(data: TrainingData, indices: Int32Array): TrainingData {
  const { rows, columns, values, labels, weights, featureNames } = data;
  const n = indices.length;
  const out = new Float32Array(n * columns);
  for (let j = 0; j < columns; j++) {
    const from = j * rows;
    const to = j * n;
    for (let i = 0; i < n; i++) out[to + i] = values[from + indices[i]!]!;
  }
  const outLabels = new Float32Array(n);
  for (let i = 0; i < n; i++) outLabels[i] = labels[indices[i]!]!;
  let outWeights: Float32Array | undefined;
  if (weights !== undefined) {
    outWeights = new Float32Array(n);
    for (let i = 0; i < n; i++) outWeights[i] = weights[indices[i]!]!;
  }
  return TrainingData.fromColumnMajor(out, outLabels, {
    featureNames,
    ...(outWeights === undefined ? {} : { weight: outWeights }),
  });
}
