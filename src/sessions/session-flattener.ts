import { InvalidArgumentError } from '../errors.js';
import type { EventLog } from '../events/event-log.js';
import type { Frame } from '../frame/frame.js';
import { checkActionGroups } from './action-groups.js';
import { ActionVocabulary } from './action-vocabulary.js';
import {
  DEFAULT_FEATURES,
  type FeatureGroups,
  type FeatureSchema,
  makeFeatureSchema,
  parseFeatureSchema,
} from './feature-schema.js';
import { type FlattenResult, type UnseenActions, flattenSessions } from './flatten-sessions.js';
import { type PrefixOptions, flattenPrefixes, flattenTruncated } from './flatten-prefixes.js';
import { learnBigrams } from './learn-bigrams.js';
import { NotFittedError } from './session-errors.js';
import { type Truncation, splitPrefixes, truncateLog } from './truncation.js';

/** Options of a {@link SessionFlattener}. */
export interface SessionFlattenerOptions {
  /**
   * The action codes to count, in column order. Default: learned by `fit(trainingLog)`; give one
   * built over every file (`ActionVocabulary.fromLogs`) so train and test columns line up.
   */
  vocabulary?: ActionVocabulary | readonly string[];
  /**
   * Feature groups, each switchable; missing ones take {@link DEFAULT_FEATURES}
   * (`{ counts: true, timing: true, bigrams: false, shares: false }`). Timing needs a log with
   * event times: for a log without (such as HDFS) pass `timing: false`, or flatten throws
   * `MissingTimesError`. `bigrams: { topK }` needs `fit(trainingLog)` to learn the top-K pairs.
   * `actionGroups: { by: 'firstDigit' }` adds counts and shares per action group (off by default:
   * measured on an attacker style held out of training, they did not raise recall; see the
   * concepts guide).
   */
  features?: Partial<FeatureGroups>;
  /** Name of the session id column of the output. Default `'SessionNo'`. */
  idColumn?: string;
  /** Name of the label column of the output. Default `'BadActor'`. */
  labelColumn?: string;
}

/** Options of {@link SessionFlattener.flatten}. */
export interface FlattenOptions {
  /**
   * Truncate the sessions first (any {@link Truncation}; one ending in `Truncators.prefixes` gives
   * one row per prefix, see `flattenPrefixes`). Default: whole sessions.
   */
  readonly truncation?: Truncation;
  /**
   * One row per session prefix, with `prefix_length` and `weight` columns (see `flattenPrefixes`;
   * the weight may be a function here). Not together with a truncation that ends in `prefixes`.
   */
  readonly prefixes?: PrefixOptions;
}

/**
 * Turns an EventLog into one feature row per session: the session id, the label, then the
 * features (action counts in vocabulary order and `other_actions`, timing, optional bigrams and
 * shares; see {@link FeatureSchema} and `TIMING_FEATURES`). A thin class over
 * `flattenSessions`: it holds the feature schema, learns what must be learned from training
 * data in `fit`, and travels with a model as JSON (`toSchema` / `fromSchema`), so scoring builds
 * identical columns. Codes the vocabulary lacks never crash: they are counted in `other_actions`
 * and reported by {@link SessionFlattener.lastReport} / {@link SessionFlattener.flattenWithReport}.
 *
 * @example
 * ```ts
 * const vocabulary = ActionVocabulary.fromLogs([trainLog, testLog]);
 * const flattener = new SessionFlattener({ vocabulary, features: { counts: true, timing: true, bigrams: { topK: 20 } } });
 * flattener.fit(trainLog);                            // learns the 20 most frequent bigrams
 * const train = flattener.flatten(trainLog);          // SessionNo, BadActor, 111, 201, …, other_actions, event_count, …
 * const test = flattener.flatten(testLog);
 * flattener.lastReport;                               // { events: 0, sessions: 0, byCode: {} }
 * const scorer = SessionFlattener.fromSchema(JSON.parse(JSON.stringify(flattener.toSchema())));
 * ```
 */
export class SessionFlattener {
  readonly #features: FeatureGroups;
  readonly #idColumn: string;
  readonly #labelColumn: string;
  #vocabulary: ActionVocabulary | null;
  #schema: FeatureSchema | null = null;
  #lastReport: UnseenActions | null = null;

  constructor(options: SessionFlattenerOptions = {}) {
    const { vocabulary, features = {}, idColumn = 'SessionNo', labelColumn = 'BadActor' } = options;
    this.#features = resolveFeatures(features);
    for (const [name, value] of [
      ['idColumn', idColumn],
      ['labelColumn', labelColumn],
    ] as const) {
      if (typeof value !== 'string' || value.length === 0)
        throw new InvalidArgumentError('SessionFlattener', name, value, 'a non-empty column name');
    }
    this.#idColumn = idColumn;
    this.#labelColumn = labelColumn;
    this.#vocabulary =
      vocabulary === undefined
        ? null
        : vocabulary instanceof ActionVocabulary
          ? vocabulary
          : ActionVocabulary.fromCodes(vocabulary);
    if (this.#vocabulary !== null && this.#features.bigrams === false) this.#schema = this.#makeSchema([]);
  }

  /**
   * A flattener that builds exactly the columns of a saved schema (parsed JSON is fine; it is
   * checked, and a malformed one is a `FeatureSchemaError`). Ready to flatten, no `fit` needed.
   *
   * @example
   * ```ts
   * const scorer = SessionFlattener.fromSchema(JSON.parse(readFileSync('features.json', 'utf8')));
   * ```
   */
  static fromSchema(schema: FeatureSchema | unknown): SessionFlattener {
    const parsed = parseFeatureSchema(schema);
    const flattener = new SessionFlattener({
      vocabulary: ActionVocabulary.fromCodeList(parsed.vocabulary, 'vocabulary'),
      features: parsed.features,
      idColumn: parsed.idColumn,
      labelColumn: parsed.labelColumn,
    });
    flattener.#schema = parsed;
    return flattener;
  }

  /** True when the flattener can flatten (its vocabulary and any bigrams are known). */
  get isFitted(): boolean {
    return this.#schema !== null;
  }

  /** The feature groups in use. */
  get features(): FeatureGroups {
    return this.#features;
  }

  /** The vocabulary (throws `NotFittedError` before `fit` when none was given). */
  get vocabulary(): ActionVocabulary {
    if (this.#vocabulary === null) throw new NotFittedError('SessionFlattener.vocabulary', 'its action vocabulary');
    return this.#vocabulary;
  }

  /** The feature column names after the id and label, in order (throws `NotFittedError` before `fit` when needed). */
  get featureNames(): readonly string[] {
    return this.#ready('SessionFlattener.featureNames').featureNames;
  }

  /** The unseen action codes of the last `flatten` call, or `null` before the first. */
  get lastReport(): UnseenActions | null {
    return this.#lastReport;
  }

  /**
   * Learns from a training log what the features need: the vocabulary when none was given, and
   * the top-K bigrams when bigram features are on. Fitting again relearns them. Returns `this`.
   *
   * @example
   * ```ts
   * const flattener = new SessionFlattener({ features: { timing: false } }).fit(trainLog);
   * ```
   */
  fit(log: EventLog): this {
    const vocabulary = this.#vocabulary ?? ActionVocabulary.fromLogs(log);
    this.#vocabulary = vocabulary;
    const bigrams = this.#features.bigrams === false ? [] : learnBigrams(log, vocabulary, this.#features.bigrams.topK);
    this.#schema = this.#makeSchema(bigrams);
    return this;
  }

  /**
   * One feature row per session of `log`, as a Frame: id, label, then {@link featureNames}. The
   * unseen action codes of this call are in {@link lastReport}.
   *
   * @example
   * ```ts
   * const frame = flattener.flatten(Truncators.apply(log, Truncators.firstN(10)));
   * frame.numbers('event_count'); // every value ≤ 10
   * ```
   */
  flatten(log: EventLog, options: FlattenOptions = {}): Frame {
    return this.flattenWithReport(log, options).frame;
  }

  /**
   * Like {@link flatten}, also returning the unseen action codes of this call.
   *
   * @example
   * ```ts
   * const { frame } = flattener.flattenWithReport(trainLog, { truncation: Truncators.prefixes({ max: 40 }) });
   * frame.numbers('prefix_length'); // 1, 2, …, one row per prefix
   * ```
   */
  flattenWithReport(log: EventLog, options: FlattenOptions = {}): FlattenResult {
    const where = 'SessionFlattener.flatten';
    const schema = this.#ready(where);
    const { truncation, prefixes } = options;
    let result: FlattenResult;
    if (prefixes !== undefined) {
      if (truncation !== undefined && splitPrefixes(truncation).prefixes !== null) {
        throw new InvalidArgumentError(
          where,
          'prefixes',
          prefixes,
          'absent when the truncation already ends in prefixes',
        );
      }
      result = flattenPrefixes(truncation === undefined ? log : truncateLog(log, truncation), schema, prefixes, where);
    } else {
      result =
        truncation === undefined
          ? flattenSessions(log, schema, where)
          : flattenTruncated(log, schema, truncation, where);
    }
    this.#lastReport = result.unseen;
    return result;
  }

  /** The serialisable feature schema (throws `NotFittedError` before `fit` when needed). */
  toSchema(): FeatureSchema {
    return this.#ready('SessionFlattener.toSchema');
  }

  /** `JSON.stringify(flattener)` writes its schema. */
  toJSON(): FeatureSchema {
    return this.toSchema();
  }

  #ready(where: string): FeatureSchema {
    if (this.#schema === null) {
      throw new NotFittedError(
        where,
        this.#vocabulary === null
          ? 'its action vocabulary'
          : `its top-${(this.#features.bigrams as { topK: number }).topK} bigrams`,
      );
    }
    return this.#schema;
  }

  #makeSchema(bigrams: readonly (readonly [string, string])[]): FeatureSchema {
    return makeFeatureSchema({
      vocabulary: this.#vocabulary!,
      features: this.#features,
      bigrams,
      idColumn: this.#idColumn,
      labelColumn: this.#labelColumn,
    });
  }
}

function resolveFeatures(features: Partial<FeatureGroups>): FeatureGroups {
  const {
    counts = DEFAULT_FEATURES.counts,
    timing = DEFAULT_FEATURES.timing,
    bigrams = DEFAULT_FEATURES.bigrams,
    shares = DEFAULT_FEATURES.shares,
    actionGroups = DEFAULT_FEATURES.actionGroups ?? false,
  } = features;
  for (const [name, value] of [
    ['counts', counts],
    ['timing', timing],
    ['shares', shares],
  ] as const) {
    if (typeof value !== 'boolean')
      throw new InvalidArgumentError('SessionFlattener', `features.${name}`, value, 'true or false');
  }
  if (bigrams !== false) {
    const topK = (bigrams as { topK?: unknown } | null)?.topK;
    if (typeof topK !== 'number' || !Number.isSafeInteger(topK) || topK < 1) {
      throw new InvalidArgumentError(
        'SessionFlattener',
        'features.bigrams',
        bigrams,
        'false or { topK: an integer ≥ 1 }',
      );
    }
  }
  const groups = actionGroups === false ? false : checkActionGroups(actionGroups, 'SessionFlattener');
  if (!counts && !timing && bigrams === false && !shares && groups === false) {
    throw new InvalidArgumentError('SessionFlattener', 'features', features, 'at least one feature group switched on');
  }
  return {
    counts,
    timing,
    bigrams: bigrams === false ? false : { topK: bigrams.topK },
    shares,
    ...(groups === false ? {} : { actionGroups: groups }),
  };
}
