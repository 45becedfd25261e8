import { readFile } from 'node:fs/promises';
import { relativeLocation, resolveLocation } from '../../events/s3-uri.js';
import path from 'node:path';
import { DEFAULT_OPERATING_POINTS, parseExperimentConfig } from '../../experiment/experiment-config.js';
import { isModelDirectory, writeModelDirectory } from '../../experiment/model-directory.js';
import { chooseOperatingPoint, type OperatingPoint } from '../../eval/operating-point.js';
import { Booster } from '../../model/booster.js';
import { parseFeatureSchema, type FeatureSchema } from '../../sessions/feature-schema.js';
import type { Truncation } from '../../sessions/truncation.js';
import type { Backend } from '../../train/backend.js';
import { LocalBackend } from '../../train/local-backend.js';
import { trainingSummaryOf } from '../../train/container-early-stopping.js';
import { TrainRunner, type ExperimentJob } from '../../train/train-runner.js';
import { EXIT, UsageError } from '../cli-io.js';
import { numberOption, requiredOption, stringOption, type Command } from '../command.js';
import { hyperparameterOptions } from '../hyperparameter-options.js';
import { interruptible } from '../interruptible.js';
import { truncationOption } from '../log-options.js';
import { prepareOutputs } from '../output-files.js';
import { ProgressDisplay } from '../progress-display.js';
import { writeScoreFile } from '../score-file.js';
import { readChannel, readSplitFolder, type SplitFolder } from '../split-folder.js';
import { backendFor } from './run.js';

/**
 * `sessionsentry train`: trains one model per job folder written by `split`, concurrently,
 * locally or on SageMaker, and writes for each job
 *
 * - a model directory `<out>/<job>/` (`model.tar.gz`, `features.json`, `operating-points.json`,
 *   `manifest.json` with the truncation and hyperparameters; see `writeModelDirectory`), which
 *   `score`, `replay` and `serve` read;
 * - the scores of the folder's validation and test parts, `<out>/scores/<job>.validation.csv` and
 *   `<job>.test.csv` (`SessionNo,label,score`), which `evaluate` and `report` read;
 * - operating points chosen on the validation scores (FPR ≤ 5% and ≤ 0.5%).
 *
 * Hyperparameters are the documented defaults (the seed notebook's) with `--hp` merged over them,
 * checked before anything is read. `--hp early_stopping_rounds=N` with `--hp eval_metric=…` stops
 * each job as SageMaker's XGBoost 1.7-1 container does: on the validation part, the last metric
 * deciding, the model keeping the trees up to the best round; the manifest records the best round
 * and score (`training`).
 *
 * @example
 * ```sh
 * sessionsentry train csv/first10 csv/last10 --out models --hp num_round=50 --hp tree_method=hist
 * sessionsentry train csv/first10 --backend sagemaker --role arn:aws:iam::123456789012:role/sm --bucket my-bucket
 * ```
 */
export const trainCommand: Command = {
  name: 'train',
  summary:
    'Train one model per split folder, concurrently, on the local backend or SageMaker; write model directories and validation/test scores.',
  usage:
    'sessionsentry train <split-folder...> --out <models> [--hp key=value ...] [--backend local|sagemaker --role <arn> --bucket <name> [--region r]] [--force]',
  help: [
    [
      '--out <folder>',
      'where <job>/ (the model directory) and scores/<job>.{validation,test}.csv go (required; created)',
    ],
    [
      '--hp key=value',
      'an XGBoost hyperparameter merged over the defaults (max_depth 5, eta 0.2, gamma 4, min_child_weight 6, subsample 0.7, num_round 50), repeatable; early_stopping_rounds=N with eval_metric=auc (or logloss, error) stops on the validation part',
    ],
    [
      '--features <file>',
      'the feature schema, when the split folder has no features.json (split copies the one flatten wrote)',
    ],
    ['--truncation <job>', 'the truncation of the training data, when the split folder has no flatten.json'],
    ['--backend local|sagemaker', 'where to train (default local)'],
    ['--workers <n>', "local training threads (default: the machine's cores)"],
    ['--role/--bucket/--region', 'SageMaker settings (the role ARN and the S3 bucket are required for sagemaker)'],
    ['--force', 'replace model directories and score files that exist'],
  ],
  options: {
    out: { type: 'string' },
    hp: { type: 'string', multiple: true },
    features: { type: 'string' },
    truncation: { type: 'string' },
    backend: { type: 'string' },
    workers: { type: 'string' },
    role: { type: 'string' },
    bucket: { type: 'string' },
    region: { type: 'string' },
    force: { type: 'boolean' },
  },
  maxPositionals: Infinity,
  async run(args, io) {
    // Everything that can be checked without reading data is checked first.
    if (args.positionals.length === 0) throw new UsageError('train: at least one split folder is required');
    const out = path.resolve(io.cwd, requiredOption('train', args, 'out'));
    const hyperparameters = hyperparameterOptions('train', args);
    const kind = stringOption(args, 'backend', 'local');
    if (kind !== 'local' && kind !== 'sagemaker')
      throw new UsageError(`train: --backend must be local or sagemaker, got ${JSON.stringify(kind)}`);
    if (
      kind === 'local' &&
      (args.values.role !== undefined || args.values.bucket !== undefined || args.values.region !== undefined)
    )
      throw new UsageError('train: --role, --bucket and --region apply to --backend sagemaker only');
    const sagemaker =
      kind === 'sagemaker'
        ? {
            role: requiredOption('train', args, 'role'),
            bucket: requiredOption('train', args, 'bucket'),
            region: stringOption(args, 'region'),
          }
        : undefined;
    const workers =
      args.values.workers === undefined
        ? undefined
        : numberOption('train', args, 'workers', 1, { min: 1, max: 64, integer: true });
    const truncationFlag = args.values.truncation === undefined ? undefined : truncationOption('train', args);
    const featuresFlag = stringOption(args, 'features');
    const force = args.values.force === true;

    const folders: SplitFolder[] = [];
    for (const f of args.positionals) folders.push(await readSplitFolder('train', f, io.cwd));
    const names = new Set<string>();
    const prepared = new Map<string, { folder: SplitFolder; schema: FeatureSchema; truncation: Truncation | null }>();
    for (const folder of folders) {
      if (folder.name === 'scores')
        throw new UsageError('train: a job may not be called "scores" (the name of the score folder)');
      if (names.has(folder.name))
        throw new UsageError(`train: two split folders are named ${JSON.stringify(folder.name)}`);
      names.add(folder.name);
      const schemaFile = featuresFlag !== undefined ? path.resolve(io.cwd, featuresFlag) : folder.features;
      if (schemaFile === undefined)
        throw new UsageError(
          `train: ${path.relative(io.cwd, folder.dir)} has no features.json (split copies the schema flatten ` +
            `wrote beside the CSV; or pass --features <features.json>)`,
        );
      const schema = parseFeatureSchema(JSON.parse(await readFile(schemaFile, 'utf8')));
      const recorded = folder.record?.truncation;
      let truncation: Truncation | null;
      if (truncationFlag !== undefined) {
        if (recorded !== undefined && JSON.stringify(recorded ?? { kind: 'none' }) !== JSON.stringify(truncationFlag)) {
          throw new UsageError(
            `train: --truncation ${args.values.truncation} conflicts with ` +
              `${path.relative(io.cwd, path.join(folder.dir, 'flatten.json'))}, which records the data was cut as ` +
              `${JSON.stringify(recorded)}`,
          );
        }
        truncation = truncationFlag.kind === 'none' ? null : truncationFlag;
      } else if (recorded !== undefined) {
        truncation = recorded;
      } else {
        io.stderr.write(
          `note: ${path.relative(io.cwd, folder.dir)} has no flatten.json; the model records whole sessions (pass ` +
            `--truncation if the data was cut)\n`,
        );
        truncation = null;
      }
      prepared.set(folder.name, { folder, schema, truncation });
    }
    const outputs = folders.flatMap((f) => [
      path.join(out, f.name, 'manifest.json'),
      path.join(out, 'scores', `${f.name}.validation.csv`),
      path.join(out, 'scores', `${f.name}.test.csv`),
    ]);
    await prepareOutputs('train', outputs, {
      inputs: folders.flatMap((f) => [f.train, ...(f.validation ? [f.validation] : []), ...(f.test ? [f.test] : [])]),
      force,
      cwd: io.cwd,
    });
    for (const f of folders)
      if (!force && isModelDirectory(path.join(out, f.name)))
        throw new UsageError(
          `train: ${path.relative(io.cwd, path.join(out, f.name))} already holds a model (pass --force to replace it)`,
        );

    // SageMaker's container ignores early stopping for a job without a validation channel: refused here.
    if (hyperparameters.early_stopping_rounds !== undefined)
      for (const f of folders)
        if (f.validation === undefined)
          throw new UsageError(
            `train: --hp early_stopping_rounds needs a validation part, and ${path.relative(io.cwd, f.dir)} has ` +
              `none (split with --validation > 0)`,
          );
    const jobs: ExperimentJob[] = folders.map((f) =>
      f.validation !== undefined
        ? { name: f.name, train: f.train, validation: f.validation }
        : { name: f.name, train: f.train },
    );
    let backend: Backend;
    if (sagemaker !== undefined) {
      const spec = parseExperimentConfig({
        backend: {
          kind: 'sagemaker',
          ...sagemaker,
          ...(sagemaker.region === undefined ? {} : { region: sagemaker.region }),
        },
      });
      backend = (await backendFor(spec, io))!;
    } else {
      // Its temporary work folder is removed when it closes; the models are copied out first.
      backend = new LocalBackend(workers !== undefined ? { workers } : {});
    }
    const display = new ProgressDisplay(io, jobs.length);
    let failures = 0;
    try {
      await interruptible(io, async (signal) => {
        await using runner = new TrainRunner({ backend, hyperparameters, signal, onProgress: display.progress });
        display.stage(
          'train',
          `${jobs.length} job${jobs.length === 1 ? '' : 's'} on the ${kind} backend (num_round ` +
            `${hyperparameters.num_round}, max_depth ${hyperparameters.max_depth}, eta ${hyperparameters.eta})`,
        );
        await runner.startJobs(jobs);
        const { succeeded, failed } = await runner.waitForJobs();
        display.done();
        for (const trained of succeeded) {
          const { folder, schema, truncation } = prepared.get(trained.job)!;
          const bytes = await backend.downloadArtifact(trained.artifact);
          const booster = Booster.fromTarGz(bytes);
          const scores = await scoreParts(folder, booster, path.join(out, 'scores'));
          const operatingPoints: OperatingPoint[] = [];
          if (scores.validation !== undefined) {
            const { labels, scores: s } = scores.validation;
            if (labels.includes(1) && labels.includes(0))
              for (const rule of DEFAULT_OPERATING_POINTS) operatingPoints.push(chooseOperatingPoint(labels, s, rule));
            else
              io.stderr.write(
                `note: ${folder.name}'s validation part lacks attacker or innocent sessions; no operating point ` +
                  `chosen\n`,
              );
          } else {
            io.stderr.write(
              `note: ${folder.name} has no validation part; no operating point chosen (split with --validation > 0)\n`,
            );
          }
          const dir = path.join(out, trained.job);
          const training = trained.summary ?? trainingSummaryOf(booster);
          await writeModelDirectory(
            dir,
            {
              name: trained.job,
              model: bytes,
              schema,
              truncation,
              hyperparameters,
              operatingPoints,
              training,
              data: {
                files: [path.relative(dir, folder.dir)],
                ...(folder.record
                  ? { logs: folder.record.logs.map((f) => relativeLocation(dir, resolveLocation(folder.dir, f))) }
                  : {}),
              },
            },
            { overwrite: force },
          );
          const points = operatingPoints
            .map((p) => `${p.threshold.toPrecision(4)} at validation FPR ${p.validation.fpr?.toFixed(4) ?? '—'}`)
            .join(', ');
          const early = training.earlyStopping;
          const stopped = early
            ? `\tbest round ${training.bestIteration} of ${early.roundsTrained} (${early.metric} ` +
              `${early.bestScore.toPrecision(5)}), ${training.trees} trees kept`
            : '';
          io.stdout.write(
            `${path.relative(io.cwd, dir)}\ttrained in ${trained.seconds.toFixed(1)} ` +
              `s${stopped}${points ? `\tthresholds ${points}` : ''}\n`,
          );
          for (const part of ['validation', 'test'] as const)
            if (scores[part])
              io.stdout.write(`${path.relative(io.cwd, scores[part].file)}\t${scores[part].labels.length} sessions\n`);
        }
        for (const f of failed) io.stderr.write(`failed: ${f.job}: ${f.reason}\n`);
        failures = failed.length;
      });
    } finally {
      display.done();
      await backend.close?.();
    }
    return failures > 0 ? EXIT.failure : EXIT.ok;
  },
};

// Scores the validation and test parts of a split folder with the trained model, as score files.
async function scoreParts(
  folder: SplitFolder,
  booster: Booster,
  scoresDir: string,
): Promise<Partial<Record<'validation' | 'test', { file: string; labels: Uint8Array; scores: Float64Array }>>> {
  const result: Partial<Record<'validation' | 'test', { file: string; labels: Uint8Array; scores: Float64Array }>> = {};
  for (const part of ['validation', 'test'] as const) {
    const channel = folder[part];
    if (channel === undefined) continue;
    const { labels, features } = await readChannel(channel, booster.numFeature);
    const scores = Float64Array.from(booster.predict(features));
    const ids = folder.sessions?.[part];
    const file = path.join(scoresDir, `${folder.name}.${part}.csv`);
    await writeScoreFile(file, ids !== undefined && ids.length === labels.length ? ids : undefined, labels, scores);
    result[part] = { file, labels, scores };
  }
  return result;
}
