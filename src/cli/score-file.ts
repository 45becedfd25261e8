import { readCsv } from '../frame/csv-read.js';
import { UsageError } from './cli-io.js';

/** Labels and scores read from a score CSV. */
export interface ScoreFile {
  readonly labels: Uint8Array;
  readonly scores: Float64Array;
}

/**
 * Reads a score CSV with a `score` column and a label column (`label` or `BadActor`), as the
 * experiment (`scores/<job>.test.csv`) and `sessionsentry score` write them.
 *
 * @example
 * ```ts
 * const { labels, scores } = await readScoreFile('.demo/out/scores/first10.test.csv');
 * ```
 */
export async function readScoreFile(file: string): Promise<ScoreFile> {
  const frame = await readCsv(file);
  const labelColumn = ['label', 'BadActor'].find((c) => frame.has(c));
  if (labelColumn === undefined || !frame.has('score')) throw new UsageError(`${file}: a score file needs a score column and a label (or BadActor) column, got ${frame.columnNames.join(', ')}`);
  const raw = frame.numbers(labelColumn);
  const labels = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] !== 0 && raw[i] !== 1) throw new UsageError(`${file}:${i + 2}: ${labelColumn} must be 0 or 1, got ${raw[i]}`);
    labels[i] = raw[i]!;
  }
  return { labels, scores: Float64Array.from(frame.numbers('score')) };
}
