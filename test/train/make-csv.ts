/**
 * Small seeded SageMaker-style CSV channels for the runner tests: label first, no header, count
 * features with a few blanks (missing), the label a noisy function of the features.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface CsvSet {
  readonly dir: string;
  readonly train: string;
  readonly validation: string;
  readonly test: string;
  /** The test rows without labels, as CSV text. */
  readonly testFeatures: string;
  /** The test rows as numbers (NaN = missing). */
  readonly testMatrix: number[][];
}

/** Deterministic 32-bit LCG (Numerical Recipes constants). */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export function makeRows(count: number, features: number, seed: number): { labels: number[]; rows: number[][] } {
  const next = lcg(seed);
  const labels: number[] = [];
  const rows: number[][] = [];
  for (let i = 0; i < count; i++) {
    const row: number[] = [];
    for (let j = 0; j < features; j++) row.push(next() < 0.05 ? Number.NaN : Math.floor(next() * (j + 3)));
    const signal =
      (Number.isNaN(row[0] as number) ? 1 : (row[0] as number)) +
      (Number.isNaN(row[1] as number) ? 0 : (row[1] as number));
    labels.push(signal + next() * 2 > 4 ? 1 : 0);
    rows.push(row);
  }
  return { labels, rows };
}

export function toCsv(labels: readonly number[] | undefined, rows: readonly (readonly number[])[]): string {
  return (
    rows
      .map((row, i) =>
        [...(labels ? [labels[i]] : []), ...row.map((v) => (Number.isNaN(v) ? '' : String(v)))].join(','),
      )
      .join('\n') + '\n'
  );
}

export function makeTempDir(name: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `sessionsentry-${name}-`));
}

/** Writes train/validation/test channels of a job into `<root>/<name>/`. */
export function writeCsvSet(root: string, name: string, seed: number, rows = 300, features = 5): CsvSet {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  const train = makeRows(rows, features, seed);
  const validation = makeRows(Math.floor(rows / 3), features, seed + 1);
  const test = makeRows(Math.floor(rows / 3), features, seed + 2);
  const files = {
    train: path.join(dir, 'train.csv'),
    validation: path.join(dir, 'validation.csv'),
    test: path.join(dir, 'test.csv'),
  };
  writeFileSync(files.train, toCsv(train.labels, train.rows));
  writeFileSync(files.validation, toCsv(validation.labels, validation.rows));
  writeFileSync(files.test, toCsv(test.labels, test.rows));
  return { dir, ...files, testFeatures: toCsv(undefined, test.rows), testMatrix: test.rows };
}
