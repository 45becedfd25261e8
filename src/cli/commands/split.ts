import { copyFile, writeFile } from 'node:fs/promises';
import { relativeLocation, resolveLocation } from '../../events/s3-uri.js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readCsv } from '../../frame/csv-read.js';
import { FrameSplitter } from '../../split/frame-splitter.js';
import { writeCsvs } from '../../split/write-csvs.js';
import { EXIT, UsageError } from '../cli-io.js';
import { numberOption, requiredOption, stringOption, type CommandArgs, type Command } from '../command.js';
import { flattenRecordFile, readFlattenRecord, recordFeaturesFile } from '../flatten-record.js';
import { prepareOutputs } from '../output-files.js';

/**
 * `sessionsentry split`: splits a feature CSV into train, validation and test (stratified,
 * seeded) and writes them as SageMaker XGBoost channels (label first, no header) with a manifest,
 * `sessions.csv` (the session of every row of every part, so scores can name sessions) and, when
 * `flatten` wrote them beside the CSV, its feature schema and record (`features.json`,
 * `flatten.json`), which `train` puts into the model directory.
 *
 * @example
 * ```sh
 * sessionsentry split feat/first10.csv --out csv --train 0.7 --validation 0.15 --seed 42
 * # csv/first10/{train,validation,test}.csv, manifest.json, sessions.csv, features.json, flatten.json
 * ```
 */
export const splitCommand: Command = {
  name: 'split',
  summary: 'Split a feature CSV into train/validation/test and write SageMaker CSV channels.',
  usage:
    'sessionsentry split <features.csv> --out <folder> [--name <job>] [--train 0.7 --validation 0.15 [--test 0.15]] [--seed 42] [--force]',
  help: [
    [
      '--out <folder>',
      'where <name>/{train,validation,test}.csv, manifest.json and sessions.csv go (required; created)',
    ],
    ['--name <job>', "the job folder name (default: the CSV's base name)"],
    [
      '--train/--validation/--test <x>',
      'fractions summing to 1 (default 0.7 / 0.15 / 0.15; a missing one is the remainder)',
    ],
    ['--seed <n>', 'seed of the stratified shuffle (default 42)'],
    ['--label <column>', 'the 0/1 label column (default BadActor)'],
    ['--drop <column>', 'a non-feature column to leave out, repeatable (default SessionNo)'],
    ['--group-by <column>', 'keep rows with equal values in one part (e.g. a customer id)'],
    ['--force', "overwrite the job folder's files when they exist"],
  ],
  options: {
    out: { type: 'string' },
    name: { type: 'string' },
    train: { type: 'string' },
    validation: { type: 'string' },
    test: { type: 'string' },
    seed: { type: 'string' },
    label: { type: 'string' },
    drop: { type: 'string', multiple: true },
    'group-by': { type: 'string' },
    force: { type: 'boolean' },
  },
  maxPositionals: 1,
  async run(args, io) {
    const input = args.positionals[0];
    if (input === undefined) throw new UsageError('split: the feature CSV is required');
    const inputFile = path.resolve(io.cwd, input);
    const out = path.resolve(io.cwd, requiredOption('split', args, 'out'));
    const name = stringOption(args, 'name', path.basename(input).replace(/\.csv$/i, ''))!;
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name))
      throw new UsageError(`split: --name must be letters, digits, ".", "_" or "-", got ${JSON.stringify(name)}`);
    const fractions = splitFractions(args);
    const seed = numberOption('split', args, 'seed', 42, { integer: true });
    const drop = (args.values.drop as string[] | undefined) ?? ['SessionNo'];
    const label = stringOption(args, 'label', 'BadActor')!;
    const groupBy = stringOption(args, 'group-by');
    const jobDir = path.join(out, name);
    const recordFile = flattenRecordFile(inputFile);
    const record = await readFlattenRecord(recordFile);
    const schemaFile = record === undefined ? undefined : recordFeaturesFile(recordFile, record);
    const outputs = [
      'train.csv',
      'validation.csv',
      'test.csv',
      'manifest.json',
      'sessions.csv',
      ...(record ? ['features.json', 'flatten.json'] : []),
    ].map((f) => path.join(jobDir, f));
    await prepareOutputs('split', outputs, {
      inputs: [inputFile, ...(schemaFile ? [schemaFile] : [])],
      force: args.values.force === true,
      cwd: io.cwd,
    });
    const frame = await readCsv(inputFile, { columnTypes: { [drop[0] ?? 'SessionNo']: 'string' } });
    const splitter = new FrameSplitter({ label, drop });
    const split = splitter.split(frame, { ...fractions, seed, ...(groupBy !== undefined ? { groupBy } : {}) });
    // writeCsvs also writes <out>/manifest.json listing the jobs it wrote.
    const [files] = await writeCsvs([{ name, split, source: path.basename(input) }], out);
    const idColumn = drop.find((c) => frame.has(c));
    const lines = [`${idColumn ?? 'row'},part`];
    for (const part of ['train', 'validation', 'test'] as const) {
      const rows = split[part];
      for (let i = 0; i < rows.rowCount; i++)
        lines.push(
          `${csvField(idColumn === undefined ? String(split.indices[part][i]) : String(rows.value(idColumn, i)))},${part}`,
        );
    }
    await writeFile(path.join(jobDir, 'sessions.csv'), `${lines.join('\n')}\n`);
    if (record !== undefined && schemaFile !== undefined) {
      if (!existsSync(schemaFile))
        throw new UsageError(
          `split: ${path.relative(io.cwd, recordFile)} names the feature schema ` +
            `${path.relative(io.cwd, schemaFile)}, which does not exist`,
        );
      await copyFile(schemaFile, path.join(jobDir, 'features.json'));
      await writeFile(
        path.join(jobDir, 'flatten.json'),
        `${JSON.stringify({ ...record, features: 'features.json', logs: record.logs.map((f) => relativeLocation(jobDir, resolveLocation(path.dirname(recordFile), f))) }, null, 2)}\n`,
      );
    }
    for (const part of ['train', 'validation', 'test'] as const) {
      const labels = splitter.labels(split[part]);
      const positives = labels.reduce((a, b) => a + b, 0);
      io.stdout.write(`${path.relative(io.cwd, files![part])}\t${labels.length} rows\t${positives} positive\n`);
    }
    if (record === undefined)
      io.stderr.write(
        `note: no ${path.basename(recordFile)} beside the CSV, so the truncation and feature schema are not ` +
          `carried on (pass train --features and --truncation)\n`,
      );
    return EXIT.ok;
  },
};

// The three fractions; one left out is the remainder of the others (two left out: the defaults).
function splitFractions(args: CommandArgs): { train: number; validation: number; test: number } {
  const given = (['train', 'validation', 'test'] as const).filter((k) => args.values[k] !== undefined);
  const value = (k: 'train' | 'validation' | 'test', fallback: number): number =>
    numberOption('split', args, k, fallback, { min: 0, max: 1 });
  let train = value('train', 0.7);
  let validation = value('validation', 0.15);
  let test = value('test', 0.15);
  if (given.length === 2) {
    const missing = (['train', 'validation', 'test'] as const).find((k) => !given.includes(k))!;
    const rest = 1 - given.reduce((a, k) => a + value(k, 0), 0);
    if (rest < -1e-9) throw new UsageError(`split: --${given[0]} and --${given[1]} add up to more than 1`);
    const remainder = Math.max(0, Number(rest.toFixed(12)));
    if (missing === 'train') train = remainder;
    else if (missing === 'validation') validation = remainder;
    else test = remainder;
  } else if (given.length === 1) {
    throw new UsageError(`split: with --${given[0]}, give a second fraction too (the third is the remainder)`);
  }
  if (Math.abs(train + validation + test - 1) > 1e-9)
    throw new UsageError(
      `split: --train, --validation and --test must add up to 1, got ${train} + ${validation} + ${test} = ` +
        `${Number((train + validation + test).toFixed(12))}`,
    );
  if (train === 0) throw new UsageError('split: --train must be more than 0');
  return { train, validation, test };
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
