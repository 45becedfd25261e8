import { InvalidArgumentError } from '../errors.js';
import type { EventLog } from '../events/event-log.js';
import { FeatureSchemaError } from './session-errors.js';

/** The JSON form of an {@link ActionVocabulary}: `{ version: 1, codes: [...] }`. */
export interface ActionVocabularyJSON {
  readonly version: 1;
  readonly codes: readonly string[];
}

/**
 * The action codes a model knows, in a stable, sorted order: the feature columns of the action
 * counts. Built from one or more logs (build it over every file you will train and score on, the
 * test day too, so columns line up), serialisable, and it travels with a model inside the feature
 * schema. Codes are ordered by `compareActionCodes`: codes that are plain decimal numbers by
 * numeric value first (`'2' < '10' < '111'`), then every other code by UTF-16 code units.
 *
 * Scoring data may hold codes the vocabulary lacks: {@link ActionVocabulary.mapDictionary} maps
 * them to `-1`, and the flattener counts them in `other_actions` and reports them.
 *
 * @example
 * ```ts
 * const vocabulary = ActionVocabulary.fromLogs([trainLog, testLog]);
 * vocabulary.codes;          // ['111', '201', '401', …]
 * vocabulary.indexOf('201'); // 1
 * const saved = JSON.stringify(vocabulary);
 * ActionVocabulary.fromJSON(JSON.parse(saved)).codes; // the same codes
 * ```
 */
export class ActionVocabulary {
  /** The codes in column order. */
  readonly codes: readonly string[];
  readonly #lookup: ReadonlyMap<string, number>;

  private constructor(codes: readonly string[]) {
    this.codes = codes;
    this.#lookup = new Map(codes.map((code, i) => [code, i]));
  }

  /**
   * A vocabulary of the given codes (duplicates merged, then sorted). Codes must be non-empty strings.
   *
   * @example
   * ```ts
   * ActionVocabulary.fromCodes(['401', '111', '111']).codes; // ['111', '401']
   * ```
   */
  static fromCodes(codes: Iterable<string>): ActionVocabulary {
    const unique = new Set<string>();
    let i = 0;
    for (const code of codes) {
      if (typeof code !== 'string' || code.length === 0) {
        throw new InvalidArgumentError('ActionVocabulary.fromCodes', `codes[${i}]`, code, 'a non-empty string');
      }
      unique.add(code);
      i++;
    }
    return new ActionVocabulary([...unique].sort(compareActionCodes));
  }

  /**
   * The vocabulary of every action code that occurs in the events of the given logs (codes only in
   * a log's dictionary but in none of its sessions' events are left out, so a truncated or subset log
   * gives the vocabulary of what it holds).
   *
   * @example
   * ```ts
   * const vocabulary = ActionVocabulary.fromLogs([mixed1, mixed2, mixed3, attacker, testDay]);
   * ```
   */
  static fromLogs(logs: EventLog | readonly EventLog[]): ActionVocabulary {
    const list = Array.isArray(logs) ? (logs as readonly EventLog[]) : [logs as EventLog];
    const codes = new Set<string>();
    for (const log of list) {
      const seen = new Uint8Array(log.actionDictionary.length);
      const { offsets, eventIndex, actions } = log;
      const end = offsets[log.sessionCount]!;
      for (let p = offsets[0]!; p < end; p++) seen[actions[eventIndex === null ? p : eventIndex[p]!]!] = 1;
      for (let a = 0; a < seen.length; a++) if (seen[a] === 1) codes.add(log.actionDictionary[a]!);
    }
    return ActionVocabulary.fromCodes(codes);
  }

  /**
   * Reads the JSON form written by `JSON.stringify(vocabulary)`; a malformed value is a
   * {@link FeatureSchemaError} naming the field.
   */
  static fromJSON(json: unknown): ActionVocabulary {
    if (typeof json !== 'object' || json === null)
      throw new FeatureSchemaError('vocabulary', `must be an object { version: 1, codes }, got ${typeof json}`);
    const { version, codes } = json as Partial<ActionVocabularyJSON>;
    if (version !== 1) throw new FeatureSchemaError('vocabulary.version', `must be 1, got ${JSON.stringify(version)}`);
    return ActionVocabulary.fromCodeList(codes, 'vocabulary.codes');
  }

  /** Validates a saved code list: non-empty unique strings, already in vocabulary order. */
  static fromCodeList(codes: unknown, field: string): ActionVocabulary {
    if (!Array.isArray(codes))
      throw new FeatureSchemaError(field, `must be an array of action codes, got ${typeof codes}`);
    for (let i = 0; i < codes.length; i++) {
      const code: unknown = codes[i];
      if (typeof code !== 'string' || code.length === 0)
        throw new FeatureSchemaError(`${field}[${i}]`, `must be a non-empty string, got ${JSON.stringify(code)}`);
      if (i > 0 && compareActionCodes(codes[i - 1] as string, code) >= 0) {
        throw new FeatureSchemaError(
          `${field}[${i}]`,
          `must come after ${JSON.stringify(codes[i - 1])} (expected unique codes in vocabulary order), got ` +
            `${JSON.stringify(code)}`,
        );
      }
    }
    return new ActionVocabulary([...(codes as string[])]);
  }

  /** Number of codes. */
  get size(): number {
    return this.codes.length;
  }

  /** The column of `code`, or `-1` when the vocabulary lacks it. */
  indexOf(code: string): number {
    return this.#lookup.get(code) ?? -1;
  }

  /** True when the vocabulary has `code`. */
  has(code: string): boolean {
    return this.#lookup.has(code);
  }

  /**
   * Maps a log's action dictionary to vocabulary columns: `result[a]` is the column of the code
   * `dictionary[a]`, or `-1` for a code the vocabulary lacks. This is how the flattener turns each
   * event's action into a feature column with one array read.
   *
   * @example
   * ```ts
   * const columns = vocabulary.mapDictionary(log.actionDictionary);
   * columns[log.actions[log.event(0)]]; // the count column of the first event's action, or -1
   * ```
   */
  mapDictionary(dictionary: readonly string[]): Int32Array {
    const out = new Int32Array(dictionary.length);
    for (let a = 0; a < dictionary.length; a++) out[a] = this.indexOf(dictionary[a]!);
    return out;
  }

  /** A vocabulary with the codes of both (sorted again). */
  union(other: ActionVocabulary): ActionVocabulary {
    return ActionVocabulary.fromCodes([...this.codes, ...other.codes]);
  }

  /** The JSON form, `{ version: 1, codes }`. */
  toJSON(): ActionVocabularyJSON {
    return { version: 1, codes: [...this.codes] };
  }
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;

/**
 * The vocabulary order of action codes: canonical non-negative decimal integers (`'7'`, `'111'`, no
 * leading zeros) by numeric value, before every other code; other codes by UTF-16 code units
 * (`Array.prototype.sort`'s order). A total order, so the vocabulary of the same codes is always the
 * same, whatever order the logs were read in.
 *
 * @example
 * ```ts
 * ['401', 'E5', '12', '111', 'E10', '012'].sort(compareActionCodes); // ['12', '111', '401', '012', 'E10', 'E5']
 * ```
 */
export function compareActionCodes(a: string, b: string): number {
  const an = DECIMAL.test(a);
  const bn = DECIMAL.test(b);
  if (an && bn) {
    if (a.length !== b.length) return a.length - b.length;
  } else if (an !== bn) {
    return an ? -1 : 1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}
