import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { validateTruncation, type Truncation } from '../sessions/truncation.js';
import { UsageError } from './cli-io.js';

/**
 * What `flatten` records beside its feature CSV (`first10.flatten.json`), so that `split` and
 * `train` carry the truncation and the feature schema on to the model directory without flags.
 */
export interface FlattenRecord {
  readonly version: 1;
  /** The truncation applied before flattening; `null` = whole sessions. */
  readonly truncation: Truncation | null;
  /** The feature schema's file, relative to the record's folder. */
  readonly features: string;
  /** The logs read, relative to the record's folder (S3 URIs as they are). */
  readonly logs: readonly string[];
  readonly sessions: number;
  readonly attackerSessions: number;
}

/**
 * The record file of a feature CSV: `first10.csv` → `first10.flatten.json`.
 *
 * @example
 * ```ts
 * flattenRecordFile('feat/first10.csv'); // 'feat/first10.flatten.json'
 * ```
 */
export function flattenRecordFile(csv: string): string {
  return `${csv.replace(/\.csv$/i, '')}.flatten.json`;
}

/**
 * Reads and checks a flatten record, or `undefined` when the file does not exist.
 *
 * @throws UsageError when the record exists but is malformed.
 * @example
 * ```ts
 * const record = await readFlattenRecord(flattenRecordFile('first10.csv'));
 * record?.truncation; // { kind: 'firstN', n: 10 }
 * ```
 */
export async function readFlattenRecord(file: string): Promise<FlattenRecord | undefined> {
  if (!existsSync(file)) return undefined;
  let json: Partial<FlattenRecord>;
  try {
    json = JSON.parse(await readFile(file, 'utf8')) as Partial<FlattenRecord>;
  } catch (err) {
    throw new UsageError(`${file}: not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (
    json === null ||
    typeof json !== 'object' ||
    json.version !== 1 ||
    typeof json.features !== 'string' ||
    !Array.isArray(json.logs)
  ) {
    throw new UsageError(`${file}: not a flatten record (expected { version: 1, truncation, features, logs, … })`);
  }
  if (json.truncation !== null) {
    try {
      validateTruncation(json.truncation as Truncation);
    } catch (err) {
      throw new UsageError(`${file}: ${(err as Error).message}`, { cause: err });
    }
  }
  return json as FlattenRecord;
}

/**
 * The absolute path of a record's feature schema.
 *
 * @example
 * ```ts
 * recordFeaturesFile('feat/first10.flatten.json', record); // 'feat/first10.features.json'
 * ```
 */
export function recordFeaturesFile(recordFile: string, record: FlattenRecord): string {
  return path.resolve(path.dirname(recordFile), record.features);
}
