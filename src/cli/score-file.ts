import { readFile, writeFile } from 'node:fs/promises';
import { readCsv } from '../frame/csv-read.js';
import { UsageError } from './cli-io.js';

/** Session ids, labels and scores read from a score CSV. */
export interface ScoreFile {
  /** The `SessionNo` column (or the file's first column when it is not `label`/`score`), when there is one. */
  readonly sessions: readonly string[] | undefined;
  readonly labels: Uint8Array;
  readonly scores: Float64Array;
}

/**
 * Reads a score CSV with a `score` column and a label column (`label` or `BadActor`), as `train`,
 * `score`, `run` and `demo` write them (`SessionNo,label,score`). A SageMaker channel (label
 * first, no header, as `split` writes) is refused with a hint: it holds features, not scores.
 *
 * @example
 * ```ts
 * const { sessions, labels, scores } = await readScoreFile('models/scores/first10.validation.csv');
 * ```
 */
export async function readScoreFile(file: string): Promise<ScoreFile> {
  const head = (
    await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new UsageError(`${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`, { cause: err });
    })
  ).split('\n', 1)[0]!;
  if (/^[\d.eE+\-,]*$/.test(head.trim())) {
    throw new UsageError(
      `${file}: this is a headerless SageMaker channel (features, not scores); give the score files train writes ` +
        `(<out>/scores/<job>.validation.csv and .test.csv, columns SessionNo,label,score)`,
    );
  }
  const frame = await readCsv(file, { columnTypes: { SessionNo: 'string' } }).catch(async () => readCsv(file));
  const labelColumn = ['label', 'BadActor'].find((c) => frame.has(c));
  if (labelColumn === undefined || !frame.has('score'))
    throw new UsageError(
      `${file}: a score file needs a score column and a label (or BadActor) column, got ` +
        `${frame.columnNames.join(', ')}`,
    );
  const raw = frame.numbers(labelColumn);
  const labels = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] !== 0 && raw[i] !== 1)
      throw new UsageError(`${file}:${i + 2}: ${labelColumn} must be 0 or 1, got ${raw[i]}`);
    labels[i] = raw[i]!;
  }
  const idColumn = frame.has('SessionNo') ? 'SessionNo' : undefined;
  const sessions =
    idColumn === undefined
      ? undefined
      : Array.from({ length: frame.rowCount }, (_, i) => String(frame.value(idColumn, i)));
  return { sessions, labels, scores: Float64Array.from(frame.numbers('score')) };
}

/**
 * Writes a score CSV: `SessionNo,label,score` (or `label,score` without session ids), one row per
 * session, scores in full precision.
 *
 * @example
 * ```ts
 * await writeScoreFile('models/scores/first10.test.csv', ids, labels, scores);
 * ```
 */
export async function writeScoreFile(
  file: string,
  sessions: readonly string[] | undefined,
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
): Promise<void> {
  const lines = [sessions === undefined ? 'label,score' : 'SessionNo,label,score'];
  for (let i = 0; i < labels.length; i++)
    lines.push(`${sessions === undefined ? '' : `${csvField(sessions[i]!)},`}${labels[i]},${scores[i]}`);
  await writeFile(file, `${lines.join('\n')}\n`);
}

/**
 * A CSV field, quoted when it holds a comma, quote or line break.
 *
 * @example
 * ```ts
 * csvField('a,b'); // '"a,b"'
 * ```
 */
export function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
