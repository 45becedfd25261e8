import { existsSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError } from '../../errors.js';
import { TrainParamError, resolveTrainParams } from '../../model/train-params.js';
import { TrainingData } from '../../model/training-data.js';
import type { HyperparameterDomain, SearchSpace } from '../../tune/search-space.js';
import { SearchSpaceError } from '../../tune/search-space.js';
import {
  type TuneJob,
  type TuneObjective,
  type TuneTrial,
  tuneHyperparameters,
} from '../../tune/tune-hyperparameters.js';
import { tuneTable } from '../../tune/tune-table.js';
import { EXIT, UsageError } from '../cli-io.js';
import { type Command, type CommandArgs, numberOption, stringOption } from '../command.js';
import { KNOWN_HYPERPARAMETERS, hyperparameterOptions } from '../hyperparameter-options.js';
import { didYouMean } from '../did-you-mean.js';
import { interruptible } from '../interruptible.js';
import { prepareOutputs } from '../output-files.js';
import { readSplitFolder } from '../split-folder.js';

/**
 * `sessionsentry tune`: a hyperparameter search by cross-validation on the training rows of one or
 * more split folders (or CSV channel files), trials in parallel on worker threads; prints a table
 * of every trial and the best hyperparameters, and writes `tune.csv` and `tune.json`.
 *
 * @example
 * ```sh
 * sessionsentry tune csv/first10 --param max_depth=3,5,7 --param eta=0.03..0.3:log --strategy random --trials 20 \
 *   --objective recall@fpr=0.001 --rounds 300 --out tuning
 * ```
 */
export const tuneCommand: Command = {
  name: 'tune',
  summary:
    'Search hyperparameters by cross-validation (grid or random, trials in parallel); print every trial and the best, write tune.csv and tune.json.',
  usage:
    'sessionsentry tune <split-folder|train.csv ...> (--param name=values | --space <json|file>) [--strategy grid|random] [--trials n] [--objective logloss|auc|error|recall@fpr=r] [--out <folder>]',
  help: [
    [
      '--param name=a,b,c',
      'values to try for one hyperparameter; name=min..max for a range, name=min..max:log for a log scale, :int for integers (repeatable)',
    ],
    [
      '--space <json|file>',
      'the whole search space as JSON: {"max_depth": [3, 5], "eta": {"min": 0.01, "max": 0.3, "scale": "log"}}',
    ],
    [
      '--strategy grid|random',
      'every combination of the lists, or seeded random draws (default: grid when every hyperparameter is a list)',
    ],
    ['--trials <n>', 'random draws (default 20), or the first n grid points (default all)'],
    [
      '--objective <name>',
      'logloss (default), auc or error: the mean test metric at the best round; recall@fpr=0.001: recall at that false positive rate on the out-of-fold scores',
    ],
    ['--nfold <n>', 'folds per cross-validation, stratified (default 5)'],
    ['--rounds <n>', 'boosting rounds at most per trial (default: num_round, 50)'],
    ['--early-stopping <n>', 'stop a trial after n rounds without improvement of the mean test metric (default 10)'],
    [
      '--hp key=value',
      'a hyperparameter every trial starts from, over the defaults (max_depth 5, eta 0.2, …), repeatable',
    ],
    ['--seed <n>', 'seed of the folds and the random draws (default 0)'],
    ['--workers <n>', "trials in parallel (default: the machine's cores)"],
    ['--out <folder>', 'write tune.csv (one row per trial) and tune.json (trials, best, best hyperparameters)'],
    ['--force', 'replace tune.csv and tune.json when they exist'],
  ],
  options: {
    param: { type: 'string', multiple: true },
    space: { type: 'string' },
    strategy: { type: 'string' },
    trials: { type: 'string' },
    objective: { type: 'string' },
    nfold: { type: 'string' },
    rounds: { type: 'string' },
    'early-stopping': { type: 'string' },
    hp: { type: 'string', multiple: true },
    seed: { type: 'string' },
    workers: { type: 'string' },
    out: { type: 'string' },
    force: { type: 'boolean' },
  },
  maxPositionals: Infinity,
  async run(args, io) {
    if (args.positionals.length === 0) throw new UsageError('tune: at least one split folder or CSV file is required');
    const space = await spaceOption(args, io.cwd);
    const strategy = stringOption(args, 'strategy');
    if (strategy !== undefined && strategy !== 'grid' && strategy !== 'random')
      throw new UsageError(`tune: --strategy must be grid or random, got ${JSON.stringify(strategy)}`);
    const trials =
      args.values.trials === undefined ? undefined : numberOption('tune', args, 'trials', 1, { min: 1, integer: true });
    const objective = objectiveOption(stringOption(args, 'objective', 'logloss')!);
    const nfold = numberOption('tune', args, 'nfold', 5, { min: 2, integer: true });
    const hyperparameters = hyperparameterOptions('tune', args);
    const rounds = numberOption('tune', args, 'rounds', Number(hyperparameters.num_round ?? 10), {
      min: 1,
      integer: true,
    });
    const early = numberOption('tune', args, 'early-stopping', 10, { min: 1, integer: true });
    const seed = numberOption('tune', args, 'seed', 0, { min: 0, integer: true });
    const workers =
      args.values.workers === undefined
        ? undefined
        : numberOption('tune', args, 'workers', 1, { min: 1, max: 64, integer: true });
    const outDir = stringOption(args, 'out');
    const outputs =
      outDir === undefined
        ? undefined
        : { csv: path.resolve(io.cwd, outDir, 'tune.csv'), json: path.resolve(io.cwd, outDir, 'tune.json') };

    const { csvWeights } = resolveTrainParams(hyperparameters);
    const jobs: TuneJob[] = [];
    const inputs: string[] = [];
    for (const p of args.positionals) {
      const full = path.resolve(io.cwd, p);
      const isFile = existsSync(full) && statSync(full).isFile();
      const file = isFile ? full : (await readSplitFolder('tune', p, io.cwd)).train;
      const name = isFile ? path.basename(full, path.extname(full)) : path.basename(full);
      if (jobs.some((j) => j.name === name)) throw new UsageError(`tune: two inputs are named ${JSON.stringify(name)}`);
      inputs.push(file);
      jobs.push({
        name,
        data: TrainingData.fromCsv(await readFile(file, 'utf8'), { file: path.relative(io.cwd, file), csvWeights }),
      });
    }
    if (outputs)
      await prepareOutputs('tune', [outputs.csv, outputs.json], {
        inputs,
        force: args.values.force === true,
        cwd: io.cwd,
      });

    let started = false;
    const result = await interruptible(io, async (signal) => {
      try {
        return await tuneHyperparameters({
          jobs,
          space,
          ...(strategy === undefined ? {} : { strategy }),
          ...(trials === undefined ? {} : { trials }),
          objective,
          seed,
          hyperparameters,
          nfold,
          numBoostRound: rounds,
          earlyStoppingRounds: early,
          ...(workers === undefined ? {} : { concurrency: workers }),
          signal,
          onTrial: (trial, finished, total) => {
            started = true;
            io.stderr.write(`${progressLine(trial, finished, total)}\n`);
          },
        });
      } catch (err) {
        // Bad input is found before the first trial: a usage error, with the library's message.
        if (
          !started &&
          (err instanceof SearchSpaceError || err instanceof InvalidArgumentError || err instanceof TrainParamError)
        )
          throw new UsageError(`tune: ${err.message}${unknownHyperparameterHint(err)}`, { cause: err });
        throw err;
      }
    });

    const table = tuneTable(result);
    const bestAt = result.best.index;
    const shown = table.rows.map((row, i) => [
      i === bestAt ? '*' : '',
      ...row.map((v) => (typeof v === 'number' ? formatNumber(v) : v)),
    ]);
    const hasErrors = result.trials.some((t) => t.error !== undefined);
    const columns = ['', ...table.columns];
    const keep = columns.map((c, i) => (c === 'error' && !hasErrors ? -1 : i)).filter((i) => i >= 0);
    io.stdout.write(
      `${alignColumns(
        keep.map((i) => columns[i]!),
        shown.map((row) => keep.map((i) => String(row[i] ?? ''))),
      )}\n`,
    );
    io.stdout.write(
      `best: trial ${bestAt} (${result.objective} ${formatNumber(result.best.score!)}), ${result.trials.length} trials in ${result.seconds.toFixed(1)} s\n` +
        `best hyperparameters: ${Object.entries(result.bestHyperparameters)
          .map(([k, v]) => `--hp ${k}=${v}`)
          .join(' ')}\n`,
    );
    if (outputs) {
      const csv = [table.columns, ...table.rows].map((row) => row.map(csvField).join(',')).join('\n');
      await writeFile(outputs.csv, `${csv}\n`);
      await writeFile(outputs.json, `${JSON.stringify(result, null, 2)}\n`);
      io.stderr.write(`wrote ${path.relative(io.cwd, outputs.csv)} and ${path.relative(io.cwd, outputs.json)}\n`);
    }
    return EXIT.ok;
  },
};

function progressLine(trial: TuneTrial, finished: number, total: number): string {
  const point = Object.entries(trial.point)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const head = `[${String(finished).padStart(String(total).length)}/${total}] trial ${trial.index}  ${point}`;
  if (trial.error !== undefined) return `${head}  failed: ${trial.error}`;
  const metric = trial.metric!;
  return `${head}  score ${formatNumber(trial.score!)}  test-${metric.name} ${formatNumber(metric.mean)} ±${formatNumber(metric.std)}  rounds ${trial.rounds}  ${trial.seconds.toFixed(1)} s`;
}

/** Columns padded to their widest cell, numbers (and their headers) aligned right. */
function alignColumns(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const numeric = header.map((_, c) =>
    rows.every((r) => r[c] === '' || r[c] === undefined || !Number.isNaN(Number(r[c]))),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, c) => (numeric[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

function formatNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(6)));
}

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** `logloss`, `auc`, `error`, or `recall@fpr=0.001` (also `recall@fpr<=0.001`). */
function objectiveOption(text: string): TuneObjective {
  if (text === 'logloss' || text === 'auc' || text === 'error') return text;
  const m = /^recall@fpr(?:<?=)(.+)$/.exec(text);
  const rate = m ? Number(m[1]) : Number.NaN;
  if (m && rate >= 0 && rate <= 1) return { recallAtFalsePositiveRate: rate };
  throw new UsageError(
    `tune: --objective must be logloss, auc, error or recall@fpr=<rate in [0, 1]>, got ${JSON.stringify(text)}`,
  );
}

/** The search space of `--space` (JSON, inline or a file) with every `--param` over it. */
async function spaceOption(args: CommandArgs, cwd: string): Promise<SearchSpace> {
  const space: Record<string, HyperparameterDomain> = {};
  const given = stringOption(args, 'space');
  if (given !== undefined) {
    const text = given.trimStart().startsWith('{')
      ? given
      : await readFile(path.resolve(cwd, given), 'utf8').catch(() => {
          throw new UsageError(`tune: --space ${JSON.stringify(given)} is neither JSON nor a readable file`);
        });
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new UsageError(`tune: --space is not valid JSON (${(err as Error).message})`, { cause: err });
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new UsageError('tune: --space must be a JSON object of hyperparameter → list or range');
    Object.assign(space, parsed);
  }
  for (const item of (args.values.param as string[] | undefined) ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0 || eq === item.length - 1)
      throw new UsageError(`tune: --param must be name=a,b,c or name=min..max[:log|:int], got ${JSON.stringify(item)}`);
    const name = item.slice(0, eq).trim();
    const spec = item.slice(eq + 1).trim();
    const range = /^([^.:]+|\d*\.\d+)\.\.([^:]+)(?::(log|int|log,int|int,log))?$/.exec(spec);
    if (range) {
      const [, lo, hi, flags = ''] = range;
      const min = Number(lo);
      const max = Number(hi);
      if (!Number.isFinite(min) || !Number.isFinite(max))
        throw new UsageError(
          `tune: --param ${name}: a range must be min..max with numbers, got ${JSON.stringify(spec)}`,
        );
      space[name] = {
        min,
        max,
        ...(flags.includes('log') ? { scale: 'log' as const } : {}),
        ...(flags.includes('int') ? { integer: true } : {}),
      };
    } else space[name] = spec.split(',').map((v) => v.trim());
  }
  if (Object.keys(space).length === 0)
    throw new UsageError('tune: give the search space with --param name=values (repeatable) or --space <json|file>');
  return space;
}

/** " (did you mean …?)" when a search space names a hyperparameter the trainer does not know. */
function unknownHyperparameterHint(err: Error): string {
  if (!/no such parameter/.test(err.message)) return '';
  const name =
    err instanceof SearchSpaceError ? err.hyperparameter : err instanceof TrainParamError ? err.parameter : '';
  return name === '' ? '' : didYouMean(name, KNOWN_HYPERPARAMETERS);
}
