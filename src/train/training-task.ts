import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { TrainingData } from '../model/training-data.js';
import { train, trainAsync, type EvalSet, type IterationInfo } from '../model/train.js';
import type { TrainingProgress } from './progress.js';
import { resolveTrainParams, type TrainParamsInput } from '../model/train-params.js';
import { InvalidArgumentError } from '../errors.js';
import { listChannelFiles } from './channel-files.js';
import { containerEarlyStopping, keepBestTrees, type EarlyStoppingSummary } from './container-early-stopping.js';

/** One training job as a worker runs it: everything plain data, so it crosses thread boundaries. */
export interface TrainingTask {
  readonly jobName: string;
  /** Paths of the CSV channels (label first, no header): files, or folders of files. */
  readonly channels: { readonly train: string; readonly validation?: string };
  /** Hyperparameters as SageMaker passes them (strings). */
  readonly hyperparameters: Readonly<Record<string, string>>;
  /** Folder for `model.tar.gz` and `model.json` (`<workDir>/<job>/output`). */
  readonly outputDir: string;
}

/** What a finished training task reports. */
export interface TrainingTaskResult {
  /** Path of `model.tar.gz` (holding `xgboost-model`, legacy binary, as SageMaker 1.7-1 writes). */
  readonly artifact: string;
  /** Path of the same model as XGBoost JSON. */
  readonly modelJson: string;
  /** Wall time of the task (reading, training, writing), in seconds. */
  readonly seconds: number;
  /** The thread that trained (0 = the main thread). */
  readonly threadId: number;
  readonly trainRows: number;
  readonly validationRows: number;
  readonly features: number;
  /** Trees in the saved model: with early stopping, `bestIteration + 1`, as the container saves. */
  readonly trees: number;
  /** The best round (0-based): the early-stopping best, else the last. */
  readonly bestIteration: number;
  /** What early stopping did, when the container would have stopped early (see {@link containerEarlyStopping}). */
  readonly earlyStopping?: EarlyStoppingSummary;
  /** Why `early_stopping_rounds` was ignored, when it was given but the container would ignore it. */
  readonly earlyStoppingIgnored?: string;
  /** Each watched set's metrics after the last round, e.g. `{ validation: { logloss: 0.12 } }`. */
  readonly finalMetrics: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/**
 * Runs one training job the way SageMaker's built-in XGBoost does, on the current thread: reads
 * the CSV channels (label first, no header; with the hyperparameter `csv_weights=1` the second
 * column is the instance weight, in both channels; a folder's files concatenated in name order,
 * hidden and `_` files skipped), trains with the library's XGBoost-compatible trainer on the
 * hyperparameters as given (strings), watching `train` and `validation` as the container does,
 * and writes `model.tar.gz` and `model.json` to `outputDir`. `early_stopping_rounds` works as in the
 * container: on with a validation channel and an `eval_metric` (the last metric decides), ignored
 * otherwise (`earlyStoppingIgnored` says why), and the saved model keeps the trees up to the best
 * round only (see {@link keepBestTrees}). The `TrainingPool` calls it on
 * worker threads; in-process it is called with a `signal`, trains between event-loop turns and
 * stops between rounds when the signal aborts.
 *
 * @throws ParseError for a malformed channel (file, line, column named), TrainParamError for a
 *   bad hyperparameter, InvalidArgumentError for a missing channel.
 * @example
 * ```ts
 * const r = await runTrainingTask({ jobName: 'j1', channels: { train: 'out/j1/train.csv' },
 *   hyperparameters: SEED_HYPERPARAMETERS, outputDir: 'work/j1/output' });
 * r.artifact; // 'work/j1/output/model.tar.gz'
 * ```
 */
export async function runTrainingTask(
  task: TrainingTask,
  signal?: AbortSignal,
  onProgress?: (progress: TrainingProgress) => void,
): Promise<TrainingTaskResult> {
  const started = performance.now();
  const params = task.hyperparameters as TrainParamsInput;
  // csv_weights=1: both channels are label, weight, features, as the container reads them.
  const { csvWeights, numRound } = resolveTrainParams(params);
  const trainData = TrainingData.fromCsv(await readChannel(task.channels.train, 'train'), {
    file: task.channels.train,
    csvWeights,
  });
  const validationData =
    task.channels.validation === undefined
      ? undefined
      : TrainingData.fromCsv(await readChannel(task.channels.validation, 'validation'), {
          file: task.channels.validation,
          csvWeights,
        });
  if (validationData && validationData.columns !== trainData.columns) {
    throw new InvalidArgumentError(
      `training job ${task.jobName}`,
      'channels.validation',
      `${validationData.columns} features`,
      `${trainData.columns} features like the train channel`,
    );
  }
  // SageMaker's container watches train, then validation; early stopping follows the validation set.
  const evals: EvalSet[] = [{ name: 'train', data: trainData }];
  if (validationData) evals.push({ name: 'validation', data: validationData });
  const early = containerEarlyStopping(params, validationData !== undefined);
  // The container pops early_stopping_rounds and passes its own callback (or none) to xgb.train.
  const { early_stopping_rounds: _popped, ...trainParams } = params;
  const onIteration = onProgress === undefined ? undefined : roundReporter(numRound, onProgress);
  const options = {
    evals,
    ...(early.rule ? { earlyStoppingRounds: early.rule.rounds } : {}),
    ...(onIteration ? { onIteration } : {}),
  };
  const trained = signal
    ? await trainAsync(trainData, trainParams, { ...options, signal })
    : train(trainData, trainParams, options);
  const { bestIteration, evalHistory } = trained;
  const booster = early.rule ? keepBestTrees(trained.booster, bestIteration) : trained.booster;
  await mkdir(task.outputDir, { recursive: true });
  const artifact = path.join(task.outputDir, 'model.tar.gz');
  const modelJson = path.join(task.outputDir, 'model.json');
  await Promise.all([writeFile(artifact, booster.toTarGz()), writeFile(modelJson, booster.toJSON())]);
  return {
    artifact,
    modelJson,
    seconds: (performance.now() - started) / 1000,
    threadId,
    trainRows: trainData.rows,
    validationRows: validationData?.rows ?? 0,
    features: trainData.columns,
    trees: booster.numTrees,
    bestIteration,
    ...(early.rule
      ? {
          earlyStopping: {
            rounds: early.rule.rounds,
            metric: `${early.rule.data}-${early.rule.metric}`,
            bestScore: trained.bestScore!,
            roundsTrained: trained.booster.numTrees,
          },
        }
      : {}),
    ...(early.ignored !== undefined ? { earlyStoppingIgnored: early.ignored } : {}),
    finalMetrics: lastValues(evalHistory),
  };
}

// Reports finished rounds at most every 200 ms (and always the last), so a fast job does not flood
// the thread boundary with messages.
function roundReporter(
  rounds: number,
  onProgress: (progress: TrainingProgress) => void,
): (info: IterationInfo) => void {
  let last = -Infinity;
  return (info) => {
    const now = performance.now();
    const round = info.iteration + 1;
    if (now - last < 200 && round < rounds) return;
    last = now;
    const metrics: Record<string, number> = {};
    for (const [set, values] of Object.entries(info.metrics))
      for (const [metric, value] of Object.entries(values))
        if (value !== undefined) metrics[`${set}-${metric}`] = value;
    onProgress({ round, rounds, metrics });
  };
}

/** The text of a channel: a file, or the files of a folder (depth ≤ 3) in name order. */
async function readChannel(location: string, channel: string): Promise<string> {
  let info;
  try {
    info = await stat(location);
  } catch (err) {
    throw new InvalidArgumentError('training job', `channel ${channel}`, location, 'an existing CSV file or folder', {
      cause: err,
    });
  }
  if (!info.isDirectory()) return readFile(location, 'utf8');
  const files = await listChannelFiles(location, 1);
  if (files.length === 0)
    throw new InvalidArgumentError(
      'training job',
      `channel ${channel}`,
      location,
      'a folder holding at least one CSV file',
    );
  const texts = await Promise.all(files.map((file) => readFile(file, 'utf8')));
  return texts.map((t) => (t.length === 0 || t.endsWith('\n') ? t : `${t}\n`)).join('');
}

function lastValues(
  history: Readonly<Record<string, Readonly<Record<string, readonly number[] | undefined>>>>,
): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [set, metrics] of Object.entries(history)) {
    out[set] = {};
    for (const [metric, values] of Object.entries(metrics)) {
      if (values && values.length > 0)
        (out[set] as Record<string, number>)[metric] = values[values.length - 1] as number;
    }
  }
  return out;
}
