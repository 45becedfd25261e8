import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Matrix } from '../model/predict.js';
import { UsageError } from './cli-io.js';
import { readFlattenRecord, type FlattenRecord } from './flatten-record.js';

/** A job folder as `split` writes it. */
export interface SplitFolder {
  readonly name: string;
  readonly dir: string;
  readonly train: string;
  /** `validation.csv`, when it has rows. */
  readonly validation: string | undefined;
  /** `test.csv`, when it has rows. */
  readonly test: string | undefined;
  /** `features.json`, when split copied one. */
  readonly features: string | undefined;
  /** `flatten.json` (truncation, logs), when split copied one. */
  readonly record: FlattenRecord | undefined;
  /** Session ids of the validation and test rows, in row order (`sessions.csv`), when there is one. */
  readonly sessions: { readonly validation: readonly string[]; readonly test: readonly string[] } | undefined;
}

/**
 * Reads what a `split` job folder holds.
 *
 * @throws UsageError when the folder has no train.csv.
 * @example
 * ```ts
 * const folder = await readSplitFolder('train', 'csv/first10', process.cwd());
 * ```
 */
export async function readSplitFolder(command: string, folder: string, cwd: string): Promise<SplitFolder> {
  const dir = path.resolve(cwd, folder);
  const file = (name: string): string | undefined => {
    const p = path.join(dir, name);
    return existsSync(p) && statSync(p).size > 0 ? p : undefined;
  };
  const train = file('train.csv');
  if (train === undefined)
    throw new UsageError(
      `${command}: ${JSON.stringify(folder)} has no train.csv with rows (write one with sessionsentry split)`,
    );
  const sessionsFile = file('sessions.csv');
  let sessions: SplitFolder['sessions'];
  if (sessionsFile !== undefined) {
    const validation: string[] = [];
    const test: string[] = [];
    const lines = (await readFile(sessionsFile, 'utf8')).split('\n').slice(1);
    for (const line of lines) {
      if (line === '') continue;
      const comma = line.lastIndexOf(',');
      const id = unquote(line.slice(0, comma));
      const part = line.slice(comma + 1);
      if (part === 'validation') validation.push(id);
      else if (part === 'test') test.push(id);
    }
    sessions = { validation, test };
  }
  const recordFile = file('flatten.json');
  return {
    name: path.basename(dir),
    dir,
    train,
    validation: file('validation.csv'),
    test: file('test.csv'),
    features: file('features.json'),
    record: recordFile === undefined ? undefined : await readFlattenRecord(recordFile),
    sessions,
  };
}

/**
 * Reads a SageMaker CSV channel (label first, no header, empty = missing) into labels and a
 * feature matrix of `width` columns.
 *
 * @throws UsageError naming file:line when a row has another width or a label is not 0/1.
 * @example
 * ```ts
 * const { labels, features } = await readChannel('csv/first10/validation.csv', booster.numFeature);
 * booster.predict(features);
 * ```
 */
export async function readChannel(file: string, width: number): Promise<{ labels: Uint8Array; features: Matrix }> {
  const lines = (await readFile(file, 'utf8')).replace(/\r?\n$/, '').split(/\r?\n/);
  if (lines.length === 1 && lines[0] === '')
    return { labels: new Uint8Array(0), features: { data: new Float64Array(0), rows: 0, columns: width } };
  const labels = new Uint8Array(lines.length);
  const data = new Float64Array(lines.length * width);
  lines.forEach((line, i) => {
    const fields = line.split(',');
    if (fields.length !== width + 1)
      throw new UsageError(
        `${file}:${i + 1}: ${fields.length - 1} features, but the model takes ${width} (is this the model's split ` +
          `folder?)`,
      );
    const label = fields[0]!.trim();
    if (label !== '0' && label !== '1')
      throw new UsageError(`${file}:${i + 1}:1: the label must be 0 or 1, got ${JSON.stringify(label)}`);
    labels[i] = label === '1' ? 1 : 0;
    for (let j = 0; j < width; j++) {
      const text = fields[j + 1]!;
      data[i * width + j] = text === '' ? Number.NaN : Number(text);
    }
  });
  return { labels, features: { data, rows: lines.length, columns: width } };
}

function unquote(text: string): string {
  return text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1).replace(/""/g, '"') : text;
}
