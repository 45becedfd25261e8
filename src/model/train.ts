import { InvalidArgumentError, SessionSentryError } from '../errors.js';
import { Booster } from './booster.js';
import { baseMarginF32, sigmoidF32 } from './expf.js';
import { ColumnSampler } from './column-sampler.js';
import { createExactWorkspace, growExactTree } from './grow-exact.js';
import { createHistWorkspace, growHistTree, sampleHistRows } from './grow-hist.js';
import { logisticGradient, logisticGradientPairs } from './logistic-gradient.js';
import { evalMetric, metricMaximizes } from './metrics.js';
import type { BoosterModel, RegTree } from './model-types.js';
import { Mt19937 } from './mt19937.js';
import { exactSubsampleMask } from './row-sampler.js';
import { type EvalMetric, type TrainParams, type TrainParamsInput, resolveTrainParams } from './train-params.js';
import type { TrainingData } from './training-data.js';
import { histIndexOf, sortedColumnsOf } from './training-index-cache.js';

/**
 * Training was stopped through its `AbortSignal`. `cause` is the signal's reason.
 *
 * @example
 * ```ts
 * try { await trainAsync(data, params, { signal }); } catch (err) {
 *   if (err instanceof TrainAbortedError) console.log(`stopped after ${err.completedRounds} rounds`);
 * }
 * ```
 */
export class TrainAbortedError extends SessionSentryError {
  declare readonly code: 'ERR_ABORTED';
  /** Rounds finished before the abort was seen. */
  readonly completedRounds: number;

  constructor(completedRounds: number, reason: unknown) {
    super('ERR_ABORTED', `train: aborted after ${completedRounds} rounds`, { cause: reason });
    this.completedRounds = completedRounds;
  }
}

/** A named evaluation set, as `evals=[(dmatrix, name)]` in `xgb.train`. */
export interface EvalSet {
  readonly name: string;
  readonly data: TrainingData;
}

/** What {@link TrainOptions.onIteration} receives after every round. */
export interface IterationInfo {
  /** 0-based round just finished. */
  readonly iteration: number;
  /** Metric values of this round: eval set name → metric → value. */
  readonly metrics: Readonly<Record<string, Readonly<Partial<Record<EvalMetric, number>>>>>;
  /** The line `xgb.train` prints for this round, e.g. `[3]\tvalidation-logloss:0.40630`. */
  readonly line: string;
}

/** Options of {@link train} and {@link trainAsync}. */
export interface TrainOptions {
  /** Evaluation sets, evaluated after every round with the `eval_metric` metrics (default none). */
  readonly evals?: readonly EvalSet[];
  /**
   * Stop when the last eval set's last metric has not improved for this many rounds (default: the
   * `early_stopping_rounds` parameter, else no early stopping). Needs at least one eval set.
   */
  readonly earlyStoppingRounds?: number;
  /** Called after every round (default none). */
  readonly onIteration?: (info: IterationInfo) => void;
  /** Aborts training between rounds with a {@link TrainAbortedError}. */
  readonly signal?: AbortSignal;
}

/** What training returns. */
export interface TrainResult {
  /** The trained model (all trees, including those after the best iteration). */
  readonly booster: Booster;
  /** Metric history: eval set name → metric → value per round (as `evals_result`). */
  readonly evalHistory: Readonly<Record<string, Readonly<Partial<Record<EvalMetric, readonly number[]>>>>>;
  /** Best round (0-based): the early-stopping best, else the last round. */
  readonly bestIteration: number;
  /** Trees up to and including the best round (`best_ntree_limit`). */
  readonly bestNtreeLimit: number;
  /** The best value of the early-stopping metric, or undefined without early stopping. */
  readonly bestScore: number | undefined;
  /** The validated parameters training used. */
  readonly params: TrainParams;
}

/**
 * One training run as a thin stateful object: `step()` grows one tree. {@link train} and
 * {@link trainAsync} drive it.
 */
class Trainer {
  readonly p: TrainParams;
  readonly #data: TrainingData;
  readonly #evals: readonly EvalSet[];
  readonly #early: number | undefined;
  readonly #onIteration: ((info: IterationInfo) => void) | undefined;
  readonly #margin: Float32Array;
  readonly #grad: Float32Array;
  readonly #hess: Float32Array;
  readonly #rng: Mt19937;
  /** Computes the round's gradients and grows one tree on them. */
  readonly #grow: () => { tree: RegTree; leafOf: Int32Array };
  readonly #evalMargins: Float32Array[];
  readonly trees: RegTree[] = [];
  readonly history: Record<string, Partial<Record<EvalMetric, number[]>>> = {};
  bestIteration = -1;
  bestScore: number | undefined;
  #sinceBest = 0;
  stopped = false;

  /** The random engine is shared with other runs (see {@link startTraining}): reseed it at the first round. */
  readonly #sharedRng: boolean;

  constructor(data: TrainingData, input: TrainParamsInput, options: TrainOptions, sharedRng?: Mt19937) {
    const p = resolveTrainParams(input);
    this.p = p;
    this.#data = data;
    const { evals = [], earlyStoppingRounds = p.earlyStoppingRounds, onIteration } = options;
    for (const e of evals) {
      if (e.data.columns !== data.columns) {
        throw new InvalidArgumentError(
          'train',
          `evals[${JSON.stringify(e.name)}].data.columns`,
          e.data.columns,
          `${data.columns} like the training data`,
        );
      }
    }
    if (earlyStoppingRounds !== undefined) {
      if (!Number.isInteger(earlyStoppingRounds) || earlyStoppingRounds < 1) {
        throw new InvalidArgumentError('train', 'earlyStoppingRounds', earlyStoppingRounds, 'a positive integer');
      }
      if (evals.length === 0)
        throw new InvalidArgumentError('train', 'evals', evals, 'at least one eval set when early stopping is on');
    }
    this.#evals = evals;
    this.#early = earlyStoppingRounds;
    this.#onIteration = onIteration;
    const n = data.rows;
    const m0 = baseMarginF32(p.baseScore);
    this.#margin = new Float32Array(n).fill(m0);
    this.#evalMargins = evals.map((e) => new Float32Array(e.data.rows).fill(m0));
    for (const e of evals) this.history[e.name] = Object.fromEntries(p.evalMetric.map((m) => [m, [] as number[]]));
    this.#grad = new Float32Array(n);
    this.#hess = new Float32Array(n);
    this.#rng = sharedRng ?? new Mt19937(p.seed);
    this.#sharedRng = sharedRng !== undefined;
    const splitParams = p;
    // The training loop owns the grower's workspace: created once here, lent to every tree.
    if (p.treeMethod === 'hist') {
      const { cuts, bins } = histIndexOf(data, p.maxBin);
      const ctx = { rows: n, columns: data.columns, cuts, bins, params: splitParams };
      const work = createHistWorkspace(ctx);
      // The updater's column sampler: constructed once, at the first round (after a shared engine's
      // reseed), seeded with one draw, kept across trees.
      let updaterSampler: ColumnSampler | undefined;
      this.#grow = () => {
        updaterSampler ??= new ColumnSampler(this.#rng.next());
        const sampler = updaterSampler;
        // The sampler draws no gradients, so the rows are drawn first and only theirs computed.
        sampleHistRows(work, n, p.subsample < 1 ? this.#rng.next() : null, p.subsample);
        const gh = work.kernel.gradients;
        logisticGradientPairs(
          this.#margin,
          data.labels,
          p.scalePosWeight,
          gh,
          data.weights,
          work.partitioner.rowIds,
          work.sampled,
        );
        sampler.init(data.columns, p.colsampleBynode, p.colsampleBylevel, p.colsampleBytree);
        return growHistTree(ctx, work, gh, sampler.samples ? sampler : null);
      };
    } else {
      const ctx = { data, sorted: sortedColumnsOf(data), params: splitParams };
      const work = createExactWorkspace(ctx);
      const mask = new Uint8Array(n);
      const sampling = p.colsampleBytree < 1 || p.colsampleBylevel < 1 || p.colsampleBynode < 1;
      this.#grow = () => {
        logisticGradient(this.#margin, data.labels, p.scalePosWeight, this.#grad, this.#hess, data.weights);
        // The per-tree builder's column sampler takes its seed before the subsample draws.
        const seed = this.#rng.next();
        const active = p.subsample < 1 ? exactSubsampleMask(this.#rng, n, p.subsample, mask) : null;
        let sampler: ColumnSampler | null = null;
        if (sampling) {
          sampler = new ColumnSampler(seed);
          sampler.init(data.columns, p.colsampleBynode, p.colsampleBylevel, p.colsampleBytree);
        }
        return growExactTree(ctx, work, this.#grad, this.#hess, active, sampler);
      };
    }
  }

  get done(): boolean {
    return this.stopped || this.trees.length >= this.p.numRound;
  }

  step(): void {
    // XGBoost seeds its global engine when a booster first updates; boosters updated in turn share it.
    if (this.#sharedRng && this.trees.length === 0) this.#rng.seed(this.p.seed);
    const grown = this.#grow();
    addLeafValues(this.#margin, grown.tree.splitConditions, grown.leafOf, this.#data.rows);
    this.trees.push(grown.tree);
    this.#evaluate(grown.tree);
  }

  #evaluate(tree: RegTree): void {
    const iteration = this.trees.length - 1;
    const metrics: Record<string, Partial<Record<EvalMetric, number>>> = {};
    let line = `[${iteration}]`;
    let last: { metric: EvalMetric; value: number } | undefined;
    this.#evals.forEach((e, k) => {
      const margins = this.#evalMargins[k]!;
      addTree(tree, e.data, margins);
      const probs = new Float32Array(margins.length);
      for (let i = 0; i < probs.length; i++) probs[i] = sigmoidF32(margins[i]!);
      metrics[e.name] = {};
      for (const metric of this.p.evalMetric) {
        const value = evalMetric(metric, probs, e.data.labels, e.data.weights);
        metrics[e.name]![metric] = value;
        this.history[e.name]![metric]!.push(value);
        line += `\t${e.name}-${metric}:${value.toFixed(5)}`;
        last = { metric, value };
      }
    });
    if (this.#early !== undefined && last !== undefined) {
      const { metric, value } = last;
      const better =
        this.bestScore === undefined || (metricMaximizes(metric) ? value > this.bestScore : value < this.bestScore);
      if (this.bestScore === undefined || better) {
        this.bestScore = value;
        this.bestIteration = iteration;
        this.#sinceBest = 0;
      } else this.#sinceBest++;
      if (this.#sinceBest >= this.#early) this.stopped = true;
    }
    this.#onIteration?.({ iteration, metrics, line });
  }

  result(): TrainResult {
    const { p } = this;
    const early = this.#early !== undefined && this.bestScore !== undefined;
    const bestIteration = early ? this.bestIteration : this.trees.length - 1;
    const attributes: Record<string, string> = {
      best_iteration: String(bestIteration),
      best_ntree_limit: String(bestIteration + 1),
    };
    if (early) attributes.best_score = pythonFloatRepr(this.bestScore!);
    const model: BoosterModel = {
      version: [1, 7, 4],
      objective: 'binary:logistic',
      scalePosWeight: p.scalePosWeight,
      baseScore: p.baseScore,
      boostFromAverage: !p.baseScoreGiven,
      numFeature: this.#data.columns,
      trees: this.trees,
      treeInfo: new Int32Array(this.trees.length),
      attributes,
      featureNames: this.#data.featureNames,
      featureTypes: [],
    };
    return {
      booster: new Booster(model),
      evalHistory: this.history,
      bestIteration,
      bestNtreeLimit: bestIteration + 1,
      bestScore: early ? this.bestScore : undefined,
      params: p,
    };
  }
}

/** `margin[r] += value[leaf of r]` in float32, XGBoost's prediction-cache update after a tree. */
function addLeafValues(margin: Float32Array, values: Float32Array, leafOf: Int32Array, n: number): void {
  for (let r = 0; r < n; r++) margin[r] = margin[r]! + values[leafOf[r]!]!;
}

/** Adds one tree's leaf values to the margins of a data set (float32, as XGBoost's prediction cache). */
function addTree(tree: RegTree, data: TrainingData, margins: Float32Array): void {
  const { leftChildren: left, rightChildren: right, splitIndices, splitConditions, defaultLeft } = tree;
  const { rows, values } = data;
  for (let r = 0; r < rows; r++) {
    let nid = 0;
    while (left[nid] !== -1) {
      const v = values[splitIndices[nid]! * rows + r]!;
      nid = (v !== v ? defaultLeft[nid] === 1 : v < splitConditions[nid]!) ? left[nid]! : right[nid]!;
    }
    margins[r] = margins[r]! + splitConditions[nid]!;
  }
}

/**
 * Python's `repr(float)`, the text `xgb.train` stores in the `best_score` attribute.
 *
 * @example
 * ```ts
 * pythonFloatRepr(0.15333333333333332); // '0.15333333333333332'
 * pythonFloatRepr(1);                   // '1.0'
 * pythonFloatRepr(1e-5);                // '1e-05'
 * ```
 */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const [mant, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const digits = mant.replace('-', '').replace('.', '');
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  if (exp < -4 || exp >= 16) {
    const m = digits.length === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return `${sign}${intPart}.${frac === '' ? '0' : frac}`;
}

/**
 * Trains a `binary:logistic` gradient-boosted tree model that is bit for bit the model XGBoost
 * 1.7.4 (SageMaker's built-in `1.7-1` container) trains on the same data and hyperparameters:
 * same trees, split values, leaf values, gains and covers, for `tree_method` `exact` (the 1.7
 * default, pruner included) and `hist`, with or without `subsample` and `colsample_bytree`,
 * `colsample_bylevel`, `colsample_bynode` (XGBoost's own random number streams for the seed) and
 * missing values. Runs synchronously on the calling thread.
 *
 * Instance weights travel with the data ({@link TrainingData.weights}, e.g. `TrainingData.fromFrame(frame,
 * { label, weight: 'weight' })`): as XGBoost with `DMatrix(weight=…)`, each row's gradient and hessian
 * are scaled by its weight, `hist` cuts come from the weighted sketch, `base_score` stays 0.5, and the
 * eval sets' metrics are weighted by their own data's weights.
 *
 * As XGBoost's DMatrix, the data keeps what training derives from it before the first tree (the
 * `hist` quantile index for the last `max_bin`, the `exact` sorted columns; held weakly, released
 * with the data), so training again on the same TrainingData skips that work.
 *
 * Attributes are stored as `xgb.train` stores them: `best_iteration` and `best_ntree_limit` always
 * (the last round without early stopping), `best_score` with early stopping.
 *
 * @example
 * ```ts
 * const trainSet = TrainingData.fromCsv(await readFile('train.csv', 'utf8'));
 * const validation = TrainingData.fromCsv(await readFile('validation.csv', 'utf8'));
 * const { booster, bestIteration } = train(trainSet, {
 *   max_depth: '5', eta: '0.2', gamma: '4', min_child_weight: '6', subsample: '0.7', num_round: '50',
 *   eval_metric: 'auc',
 * }, { evals: [{ name: 'validation', data: validation }], earlyStoppingRounds: 10, onIteration: (i) => console.log(i.line) });
 * await writeFile('model.json', booster.toJSON());
 *
 * // session prefixes weighted 1/length, so long sessions don't dominate:
 * const weighted = TrainingData.fromFrame(prefixRows, { label: 'BadActor', weight: 'weight' });
 * const { booster: live } = train(weighted, { tree_method: 'hist', max_depth: 5, num_round: 50 });
 * ```
 */
export function train(data: TrainingData, params: TrainParamsInput = {}, options: TrainOptions = {}): TrainResult {
  const trainer = new Trainer(data, params, options);
  while (!trainer.done) {
    if (options.signal?.aborted) throw new TrainAbortedError(trainer.trees.length, options.signal.reason);
    trainer.step();
  }
  return trainer.result();
}

/** A training run advanced one round at a time: see {@link startTraining}. */
export interface TrainingRun {
  /** True once every round has been grown, or early stopping has stopped the run. */
  readonly done: boolean;
  /** Rounds grown so far. */
  readonly rounds: number;
  /** Grows one tree (one boosting round) and evaluates the eval sets, calling `onIteration`. */
  step(): void;
  /** The model and metric history so far, as {@link train} returns them. */
  result(): TrainResult;
}

/**
 * Starts a training run that the caller advances round by round, for work that interleaves several
 * runs: cross-validation grows every fold's round `i` before any fold's round `i + 1`, as `xgb.cv`
 * does, so it can stop all folds on their mean metric. Stepping to the end gives the model
 * {@link train} gives.
 *
 * `sharedRandom`: XGBoost draws row samples from one process-wide engine (`common::GlobalRandom()`),
 * reseeded by each booster at its first round. Boosters updated in turn, as `xgb.cv`'s folds, therefore
 * draw from one stream: round 0 of each fold right after its reseed, later rounds continuing where the
 * previous fold stopped. Runs given the same engine reproduce that (the folds' models then equal
 * `xgb.cv`'s, not those of separate `xgb.train` calls when `subsample` < 1).
 *
 * @example
 * ```ts
 * const run = startTraining(data, { max_depth: 3, num_round: 50 }, { evals: [{ name: 'test', data: heldOut }] });
 * while (!run.done) run.step();
 * const { booster } = run.result();
 * ```
 */
export function startTraining(
  data: TrainingData,
  params: TrainParamsInput = {},
  options: TrainOptions = {},
  sharedRandom?: Mt19937,
): TrainingRun {
  const trainer = new Trainer(data, params, options, sharedRandom);
  return {
    get done() {
      return trainer.done;
    },
    get rounds() {
      return trainer.trees.length;
    },
    step: () => trainer.step(),
    result: () => trainer.result(),
  };
}

/**
 * {@link train} that yields to the event loop between rounds, so timers, I/O and an
 * `AbortSignal` can act while it trains. Same result as the synchronous call.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * setTimeout(() => controller.abort(), 60_000);
 * const { booster } = await trainAsync(data, { num_round: 500 }, { signal: controller.signal });
 * ```
 */
export async function trainAsync(
  data: TrainingData,
  params: TrainParamsInput = {},
  options: TrainOptions = {},
): Promise<TrainResult> {
  const trainer = new Trainer(data, params, options);
  while (!trainer.done) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (options.signal?.aborted) throw new TrainAbortedError(trainer.trees.length, options.signal.reason);
    trainer.step();
  }
  return trainer.result();
}
