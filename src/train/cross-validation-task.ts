import { threadId } from 'node:worker_threads';
import type { EvalMetric } from '../model/train-params.js';
import { TrainingData } from '../model/training-data.js';
import { type CrossValidationRound, crossValidate } from './cross-validate.js';

/**
 * One cross-validation as a worker runs it (a hyperparameter-search trial): plain data and typed
 * arrays only, so it crosses thread boundaries by structured clone.
 */
export interface CrossValidationTask {
  /** Names the task in errors and progress (e.g. `trial-7`). */
  readonly name: string;
  /** The data, as {@link TrainingData} holds it: column-major float32 values, labels, optional weights. */
  readonly data: {
    readonly values: Float32Array;
    readonly labels: Float32Array;
    readonly weights: Float32Array | undefined;
    readonly featureNames: readonly string[];
  };
  /** Hyperparameters of every fold. */
  readonly hyperparameters: Readonly<Record<string, string | number | boolean>>;
  /** The folds, explicit (the same for every trial of a search). */
  readonly folds: readonly { readonly train: Int32Array; readonly test: Int32Array }[];
  readonly numBoostRound: number;
  readonly earlyStoppingRounds: number | undefined;
  readonly metrics: readonly EvalMetric[];
}

/** What a finished cross-validation task reports. */
export interface CrossValidationTaskResult {
  readonly rounds: readonly CrossValidationRound[];
  readonly bestIteration: number;
  readonly bestScore: number;
  readonly stoppedEarly: boolean;
  /** Out-of-fold probabilities in row order (the folds of a search partition the rows). */
  readonly outOfFold: Float32Array | undefined;
  /** Wall time of the task, in seconds. */
  readonly seconds: number;
  /** The thread that ran it (0 = the main thread). */
  readonly threadId: number;
}

/**
 * Packs training data into a {@link CrossValidationTask}'s `data`.
 *
 * @example
 * ```ts
 * const task = { name: 'trial-0', data: taskData(data), hyperparameters: { max_depth: 4 }, folds, numBoostRound: 100,
 *   earlyStoppingRounds: 10, metrics: ['logloss'] };
 * ```
 */
export function taskData(data: TrainingData): CrossValidationTask['data'] {
  return { values: data.values, labels: data.labels, weights: data.weights, featureNames: data.featureNames };
}

/**
 * Runs one cross-validation task on the current thread with {@link crossValidate}; the training
 * worker calls it for the `TrainingPool`'s `crossValidate`.
 *
 * @example
 * ```ts
 * const result = runCrossValidationTask(task);
 * result.bestIteration; result.rounds.at(-1)?.test.logloss?.mean;
 * ```
 */
export function runCrossValidationTask(task: CrossValidationTask): CrossValidationTaskResult {
  const started = performance.now();
  const { values, labels, weights, featureNames } = task.data;
  const data = TrainingData.fromColumnMajor(values, labels, {
    featureNames,
    ...(weights === undefined ? {} : { weight: weights }),
  });
  const cv = crossValidate(data, task.hyperparameters, {
    folds: task.folds,
    numBoostRound: task.numBoostRound,
    ...(task.earlyStoppingRounds === undefined ? {} : { earlyStoppingRounds: task.earlyStoppingRounds }),
    metrics: task.metrics,
  });
  return {
    rounds: cv.rounds,
    bestIteration: cv.bestIteration,
    bestScore: cv.bestScore,
    stoppedEarly: cv.stoppedEarly,
    outOfFold: cv.outOfFold?.scores,
    seconds: (performance.now() - started) / 1000,
    threadId,
  };
}
