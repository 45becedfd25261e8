import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseExperimentConfig } from '../../experiment/experiment-config.js';
import type { Backend } from '../../train/backend.js';
import { LocalBackend } from '../../train/local-backend.js';
import { formatProgress } from '../../train/progress.js';
import { TrainRunner, type ExperimentJob } from '../../train/train-runner.js';
import { EXIT, UsageError } from '../cli-io.js';
import { numberOption, requiredOption, stringOption, type Command } from '../command.js';
import { hyperparameterOptions } from '../hyperparameter-options.js';
import { ProgressDisplay } from '../progress-display.js';
import { backendFor } from './run.js';

/**
 * `sessionsentry train`: trains one model per job folder written by `split` (its train.csv and,
 * when not empty, validation.csv), concurrently, locally or on SageMaker, and saves each model as
 * `<out>/<job>/model.tar.gz`.
 *
 * @example
 * ```sh
 * sessionsentry train csv/first10 csv/last10 --out models --hp num_round=50 --hp tree_method=hist
 * sessionsentry train csv/first10 --backend sagemaker --role arn:aws:iam::123456789012:role/sm --bucket my-bucket
 * ```
 */
export const trainCommand: Command = {
  name: 'train',
  summary: 'Train one model per split folder, concurrently, on the local backend or SageMaker.',
  usage: 'sessionsentry train <split-folder...> --out <models> [--hp key=value ...] [--backend local|sagemaker --role <arn> --bucket <name> [--region r]]',
  help: [
    ['--out <folder>', 'where <job>/model.tar.gz goes (required)'],
    ['--hp key=value', 'an XGBoost hyperparameter over the seed notebook\'s, repeatable'],
    ['--features <file>', 'a feature schema (from flatten) to copy beside each model, for score and serve'],
    ['--backend local|sagemaker', 'where to train (default local)'],
    ['--workers <n>', 'local training threads (default: the machine\'s cores)'],
    ['--role/--bucket/--region', 'SageMaker settings (the role ARN and the S3 bucket are required for sagemaker)'],
  ],
  options: {
    out: { type: 'string' }, hp: { type: 'string', multiple: true }, features: { type: 'string' }, backend: { type: 'string' },
    workers: { type: 'string' }, role: { type: 'string' }, bucket: { type: 'string' }, region: { type: 'string' },
  },
  maxPositionals: Infinity,
  async run(args, io) {
    if (args.positionals.length === 0) throw new UsageError('train: at least one split folder is required');
    const out = path.resolve(io.cwd, requiredOption('train', args, 'out'));
    const hyperparameters = hyperparameterOptions('train', args);
    const jobs: ExperimentJob[] = args.positionals.map((folder) => {
      const dir = path.resolve(io.cwd, folder);
      const train = path.join(dir, 'train.csv');
      if (!existsSync(train)) throw new UsageError(`train: ${JSON.stringify(folder)} has no train.csv (write one with sessionsentry split)`);
      const validation = path.join(dir, 'validation.csv');
      const name = path.basename(dir);
      return existsSync(validation) && statSync(validation).size > 0 ? { name, train, validation } : { name, train };
    });
    const kind = stringOption(args, 'backend', 'local');
    if (kind !== 'local' && kind !== 'sagemaker') throw new UsageError(`train: --backend must be local or sagemaker, got ${JSON.stringify(kind)}`);
    let backend: Backend;
    if (kind === 'sagemaker') {
      const spec = parseExperimentConfig({ backend: { kind, role: requiredOption('train', args, 'role'), bucket: requiredOption('train', args, 'bucket'), ...(args.values.region ? { region: args.values.region } : {}) } });
      backend = (await backendFor(spec, io))!;
    } else {
      const workers = args.values.workers === undefined ? undefined : numberOption('train', args, 'workers', 1, { min: 1, max: 64, integer: true });
      backend = new LocalBackend({ workDir: path.join(out, '.work'), ...(workers !== undefined ? { workers } : {}) });
    }
    const display = new ProgressDisplay(io, jobs.length);
    const runner = new TrainRunner({ backend, hyperparameters, onProgress: (e) => (io.stderr.isTTY ? display.progress(e) : io.stderr.write(`${formatProgress(e)}\n`)) });
    let failures = 0;
    try {
      display.stage('train', `${jobs.length} jobs on the ${kind} backend`);
      await runner.startJobs(jobs);
      const { succeeded, failed } = await runner.waitForJobs();
      display.done();
      for (const trained of succeeded) {
        const dir = path.join(out, trained.job);
        await mkdir(dir, { recursive: true });
        await writeFile(path.join(dir, 'model.tar.gz'), await backend.downloadArtifact(trained.artifact));
        const features = stringOption(args, 'features');
        if (features !== undefined) await copyFile(path.resolve(io.cwd, features), path.join(dir, 'features.json'));
        io.stdout.write(`${path.relative(io.cwd, path.join(dir, 'model.tar.gz'))}\ttrained in ${trained.seconds.toFixed(1)} s\n`);
      }
      for (const f of failed) io.stderr.write(`failed: ${f.job}: ${f.reason}\n`);
      failures = failed.length;
    } finally {
      display.done();
      await runner.close();
      await backend.close?.();
    }
    return failures > 0 ? EXIT.failure : EXIT.ok;
  },
};
