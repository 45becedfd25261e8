import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import type { FrameSplit, SplitMode } from './frame-splitter.js';
import { PART_NAMES, type PartName, type SplitFractions } from './fractions.js';
import { writeSageMakerCsv, type CsvPrecision } from './sagemaker-csv.js';

/** One experiment's split to write as SageMaker channels. */
export interface CsvJob {
  /** The job's name, used as its folder: letters, digits, `.`, `_`, `-`, starting with a letter or digit. */
  readonly name: string;
  /** The split to write (from {@link FrameSplitter.split}); its label, features and seed go into the manifest. */
  readonly split: FrameSplit;
  /** Where the frame came from (file names, truncation), recorded in the manifest. */
  readonly source?: string;
  /**
   * This job's instance-weight column, instead of the call's `weight` option (for example a job of session prefixes
   * among whole-session jobs).
   */
  readonly weight?: string;
}

/** The files of one job: `<outDir>/<name>/{train,validation,test}.csv` and `manifest.json`. */
export interface CsvJobFiles {
  readonly name: string;
  readonly dir: string;
  readonly train: string;
  readonly validation: string;
  readonly test: string;
  readonly manifest: string;
}

/** Rows and label counts of one written part. */
export interface CsvPartManifest {
  readonly file: string;
  readonly rows: number;
  readonly positives: number;
  readonly negatives: number;
  readonly bytes: number;
  /** Values XGBoost reads as a neighbouring float32 (0 for ordinary data; see `CsvPrecision`). */
  readonly inexactValues: number;
}

/** The manifest written beside each job's CSV files. */
export interface CsvManifest {
  readonly job: string;
  readonly source: string | null;
  readonly seed: number | null;
  readonly mode: SplitMode;
  readonly fractions: SplitFractions;
  readonly label: string;
  readonly dropped: readonly string[];
  /** The features written, in order (the split's, without the weight column). */
  readonly featureNames: readonly string[];
  /** The instance-weight column written second, or null (see {@link WriteCsvsOptions.weight}). */
  readonly weight: string | null;
  /** `weightColumn` 1: train with the hyperparameter `csv_weights=1`. */
  readonly format: {
    readonly contentType: 'text/csv';
    readonly labelColumn: 0;
    readonly weightColumn: 1 | null;
    readonly header: false;
    readonly precision: CsvPrecision;
  };
  readonly parts: Readonly<Record<PartName, CsvPartManifest>>;
}

/** Options of {@link writeCsvs}. */
export interface WriteCsvsOptions {
  /**
   * Number format (default `'float32'`: the values XGBoost reads are exactly `Math.fround` of the frame's; see
   * `CsvPrecision`).
   */
  readonly precision?: CsvPrecision;
  /**
   * A numeric column of every part holding instance weights (e.g. `'weight'` on session-prefix
   * rows), written as the second CSV column and never as a feature: the layout SageMaker's
   * built-in XGBoost reads with the hyperparameter `csv_weights=1`, which the training jobs then
   * need (the local backend honours it the same way). Default none.
   */
  readonly weight?: string;
  /**
   * Called, and awaited, once each job's files are written, before the next job's: a caller can
   * start training a job while the following ones are still being written.
   */
  readonly onJobWritten?: (files: CsvJobFiles, index: number) => void | Promise<void>;
}

/**
 * The file names {@link writeCsvs} writes for each job, without writing anything: the user's
 * `get_all_csv_names`. With `outDir` omitted the names are relative (`job1/train.csv`), ready to
 * be joined to an S3 prefix.
 *
 * @example
 * ```ts
 * csvNames([{ name: 'first10', split }]);
 * // [{ name: 'first10', dir: 'first10', train: 'first10/train.csv', validation: 'first10/validation.csv',
 * //    test: 'first10/test.csv', manifest: 'first10/manifest.json' }]
 * ```
 */
export function csvNames(jobs: readonly CsvJob[], outDir = ''): CsvJobFiles[] {
  const seen = new Set<string>();
  return jobs.map((job, i) => {
    const { name } = job;
    if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
      throw new InvalidArgumentError(
        'csvNames',
        `jobs[${i}].name`,
        name,
        'letters, digits, ".", "_" or "-", starting with a letter or digit',
      );
    }
    if (seen.has(name)) throw new InvalidArgumentError('csvNames', `jobs[${i}].name`, name, 'a name no other job has');
    seen.add(name);
    const dir = outDir === '' ? name : path.join(outDir, name);
    const join = (file: string) => (outDir === '' ? `${name}/${file}` : path.join(dir, file));
    return {
      name,
      dir,
      train: join('train.csv'),
      validation: join('validation.csv'),
      test: join('test.csv'),
      manifest: join('manifest.json'),
    };
  });
}

/**
 * Writes every job's split as SageMaker built-in XGBoost channels, the user's `make_all_csvs`:
 * `<outDir>/<job>/train.csv`, `validation.csv` and `test.csv` (label first, no header, numbers
 * that read back exactly; streamed, see `writeSageMakerCsv`) and `manifest.json` (feature
 * names, rows and label counts per part, seed, source); plus `<outDir>/manifest.json` listing all
 * jobs' manifests. All three parts are always written, so a zero-fraction part is an empty file:
 * do not pass an empty validation channel to a training job. With `weight`, every row is
 * label, weight, features: train those channels with `csv_weights: '1'`.
 *
 * @example
 * ```ts
 * const splitter = new FrameSplitter({ label: 'BadActor', drop: ['SessionNo'] });
 * const jobs = frames.map(({ name, frame }) => ({
 *   name, source: 'mixed-1.txt', split: splitter.split(frame, { train: 0.7, validation: 0.15, test: 0.15, seed: 42 }),
 * }));
 * const files = await writeCsvs(jobs, 'out/csv');
 * files[0].train; // 'out/csv/<name>/train.csv'
 * // prefix rows weighted 1/length: label, weight, features; train with { csv_weights: '1' }
 * await writeCsvs(prefixJobs, 'out/prefix-csv', { weight: 'weight' });
 * ```
 */
export async function writeCsvs(
  jobs: readonly CsvJob[],
  outDir: string,
  options: WriteCsvsOptions = {},
): Promise<CsvJobFiles[]> {
  const { precision = 'float32' } = options;
  if (typeof outDir !== 'string' || outDir === '')
    throw new InvalidArgumentError('writeCsvs', 'outDir', outDir, 'a directory path');
  const files = csvNames(jobs, outDir);
  const manifests: CsvManifest[] = [];
  await mkdir(outDir, { recursive: true });
  for (let j = 0; j < jobs.length; j++) {
    const { split, name, source } = jobs[j]!;
    const weight = jobs[j]!.weight ?? options.weight;
    if (weight !== undefined && (typeof weight !== 'string' || weight === ''))
      throw new InvalidArgumentError(
        'writeCsvs',
        jobs[j]!.weight === undefined ? 'weight' : `jobs[${j}].weight`,
        weight,
        'a column name',
      );
    const names = files[j]!;
    await mkdir(names.dir, { recursive: true });
    const parts = {} as Record<PartName, CsvPartManifest>;
    const features = weight === undefined ? split.featureNames : split.featureNames.filter((f) => f !== weight);
    if (weight !== undefined && weight === split.label)
      throw new InvalidArgumentError('writeCsvs', 'weight', weight, `a column other than the label of job ${name}`);
    for (const part of PART_NAMES) {
      const frame = split[part];
      if (weight !== undefined && !frame.has(weight)) {
        throw new InvalidArgumentError(
          'writeCsvs',
          'weight',
          weight,
          `a column of every part (job ${name}, ${part} has ${frame.columnNames.join(', ')})`,
        );
      }
      const summary = await writeSageMakerCsv(frame, names[part], { label: split.label, weight, features, precision });
      const labels = frame.numbers(split.label);
      let positives = 0;
      for (let i = 0; i < labels.length; i++) if (labels[i] === 1) positives++;
      parts[part] = {
        file: `${part}.csv`,
        rows: frame.rowCount,
        positives,
        negatives: frame.rowCount - positives,
        bytes: summary.bytes,
        inexactValues: summary.inexactValues,
      };
    }
    const manifest: CsvManifest = {
      job: name,
      source: source ?? null,
      seed: split.seed ?? null,
      mode: split.mode,
      fractions: split.fractions,
      label: split.label,
      dropped: split.drop,
      featureNames: features,
      weight: weight ?? null,
      format: {
        contentType: 'text/csv',
        labelColumn: 0,
        weightColumn: weight === undefined ? null : 1,
        header: false,
        precision,
      },
      parts,
    };
    await writeFile(names.manifest, JSON.stringify(manifest, null, 2) + '\n');
    manifests.push(manifest);
    await options.onJobWritten?.(names, j);
  }
  // The folder exists even when no job was given (an experiment with no jobs of one kind).
  await mkdir(outDir, { recursive: true });
  await writeFile(path.join(outDir, 'manifest.json'), JSON.stringify({ jobs: manifests }, null, 2) + '\n');
  return files;
}
