import path from 'node:path';
import { readCsv } from '../../frame/csv-read.js';
import { FrameSplitter } from '../../split/frame-splitter.js';
import { writeCsvs } from '../../split/write-csvs.js';
import { EXIT, UsageError } from '../cli-io.js';
import { numberOption, requiredOption, stringOption, type Command } from '../command.js';

/**
 * `sessionsentry split`: splits a feature CSV into train, validation and test (stratified,
 * seeded) and writes them as SageMaker XGBoost channels (label first, no header) with a manifest.
 *
 * @example
 * ```sh
 * sessionsentry split first10.csv --out csv --name first10 --train 0.7 --validation 0.15 --test 0.15 --seed 42
 * # csv/first10/{train,validation,test}.csv, csv/first10/manifest.json
 * ```
 */
export const splitCommand: Command = {
  name: 'split',
  summary: 'Split a feature CSV into train/validation/test and write SageMaker CSV channels.',
  usage: 'sessionsentry split <features.csv> --out <folder> [--name <job>] [--train 0.7 --validation 0.15 --test 0.15] [--seed 42]',
  help: [
    ['--out <folder>', 'where <name>/{train,validation,test}.csv and manifest.json go (required)'],
    ['--name <job>', 'the job folder name (default: the CSV\'s base name)'],
    ['--train/--validation/--test <x>', 'fractions summing to 1 (default 0.7 / 0.15 / 0.15)'],
    ['--seed <n>', 'seed of the stratified shuffle (default 42)'],
    ['--label <column>', 'the 0/1 label column (default BadActor)'],
    ['--drop <column>', 'a non-feature column to leave out, repeatable (default SessionNo)'],
    ['--group-by <column>', 'keep rows with equal values in one part (e.g. a customer id)'],
  ],
  options: {
    out: { type: 'string' }, name: { type: 'string' }, train: { type: 'string' }, validation: { type: 'string' }, test: { type: 'string' },
    seed: { type: 'string' }, label: { type: 'string' }, drop: { type: 'string', multiple: true }, 'group-by': { type: 'string' },
  },
  maxPositionals: 1,
  async run(args, io) {
    const input = args.positionals[0];
    if (input === undefined) throw new UsageError('split: the feature CSV is required');
    const out = path.resolve(io.cwd, requiredOption('split', args, 'out'));
    const name = stringOption(args, 'name', path.basename(input).replace(/\.csv$/i, ''))!;
    const fractions = {
      train: numberOption('split', args, 'train', 0.7, { min: 0, max: 1 }),
      validation: numberOption('split', args, 'validation', 0.15, { min: 0, max: 1 }),
      test: numberOption('split', args, 'test', 0.15, { min: 0, max: 1 }),
    };
    const seed = numberOption('split', args, 'seed', 42, { integer: true });
    const drop = (args.values.drop as string[] | undefined) ?? ['SessionNo'];
    const label = stringOption(args, 'label', 'BadActor')!;
    const groupBy = stringOption(args, 'group-by');
    const frame = await readCsv(path.resolve(io.cwd, input));
    const splitter = new FrameSplitter({ label, drop });
    const split = splitter.split(frame, { ...fractions, seed, ...(groupBy !== undefined ? { groupBy } : {}) });
    const [files] = await writeCsvs([{ name, split, source: path.basename(input) }], out);
    for (const part of ['train', 'validation', 'test'] as const) {
      const labels = splitter.labels(split[part]);
      const positives = labels.reduce((a, b) => a + b, 0);
      io.stdout.write(`${path.relative(io.cwd, files![part])}\t${labels.length} rows\t${positives} positive\n`);
    }
    return EXIT.ok;
  },
};
