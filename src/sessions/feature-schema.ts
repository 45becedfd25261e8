import {
  type ActionGroupsOption,
  actionGroupFeatureNames,
  actionGroupNames,
  checkActionGroups,
} from './action-groups.js';
import { ActionVocabulary } from './action-vocabulary.js';
import { FeatureSchemaError } from './session-errors.js';
import { TIMING_FEATURES } from './timing-features.js';

/**
 * Which feature groups a flattener writes. Each can be switched off.
 *
 * - `counts`: one column per vocabulary code (named by the code, like a pandas pivot), then
 *   `other_actions`, the events whose code is not in the vocabulary.
 * - `timing`: the ten `TIMING_FEATURES`; the log must have event times.
 * - `bigrams`: counts of the `topK` most frequent consecutive action pairs of the training log,
 *   named `a>b`, or `false`.
 * - `shares`: `share_<code>` = count of the code / session length (0 for an empty session).
 * - `actionGroups`: `{ by: 'firstDigit' }` (or an explicit code → group map, see
 *   {@link ActionGroupsOption}): `group_<g>`, the events of each action group (codes the vocabulary
 *   lacks included), then `group_share_<g>`, each divided by the session length; or `false` (the
 *   same as leaving it out).
 */
export interface FeatureGroups {
  readonly counts: boolean;
  readonly timing: boolean;
  readonly bigrams: { readonly topK: number } | false;
  readonly shares: boolean;
  readonly actionGroups?: ActionGroupsOption | false;
}

/**
 * Everything needed to rebuild identical feature columns when scoring: the vocabulary, the feature
 * groups, the learned bigrams and the resulting feature names, as plain JSON. It travels with a
 * model; `SessionFlattener.fromSchema(schema)` turns it back into a flattener.
 *
 * Columns of a flattened frame: `idColumn` (string), `labelColumn` (number), then `featureNames`:
 * counts in vocabulary order, `other_actions`, the timing features, the bigrams `a>b` in learned
 * order, the shares `share_<code>` in vocabulary order, the action groups `group_<g>` and
 * `group_share_<g>` in `groups` order (each group only when switched on).
 *
 * @example
 * ```ts
 * const schema = flattener.toSchema();
 * writeFileSync('features.json', JSON.stringify(schema));
 * const scorer = SessionFlattener.fromSchema(JSON.parse(readFileSync('features.json', 'utf8')));
 * ```
 */
export interface FeatureSchema {
  readonly version: 1;
  readonly idColumn: string;
  readonly labelColumn: string;
  /** The action codes, in vocabulary order. */
  readonly vocabulary: readonly string[];
  readonly features: FeatureGroups;
  /** The learned bigrams `[from, to]`, most frequent first (empty when bigrams are off). */
  readonly bigrams: readonly (readonly [string, string])[];
  /** The action groups in column order, when `features.actionGroups` is on (absent otherwise). */
  readonly groups?: readonly string[];
  /** The feature columns after the id and label, in order. */
  readonly featureNames: readonly string[];
}

/**
 * The feature groups a flattener writes unless told otherwise: action counts and timing, no
 * bigrams, no shares.
 *
 * @example
 * ```ts
 * new SessionFlattener({ vocabulary, features: { ...DEFAULT_FEATURES, shares: true } });
 * ```
 */
export const DEFAULT_FEATURES: FeatureGroups = Object.freeze({
  counts: true,
  timing: true,
  bigrams: false,
  shares: false,
});

/**
 * The name of the count column of actions not in the vocabulary.
 *
 * @example
 * ```ts
 * flattener.flatten(testLog).numbers(OTHER_ACTIONS); // per session, events with codes unseen in training
 * ```
 */
export const OTHER_ACTIONS = 'other_actions';

/**
 * The feature names the given settings produce, in column order (see {@link FeatureSchema}).
 *
 * @example
 * ```ts
 * featureNamesOf(['111', '201'], { counts: true, timing: false, bigrams: false, shares: true }, []);
 * // ['111', '201', 'other_actions', 'share_111', 'share_201']
 * ```
 */
export function featureNamesOf(
  vocabulary: readonly string[],
  features: FeatureGroups,
  bigrams: readonly (readonly [string, string])[],
): string[] {
  const names: string[] = [];
  if (features.counts) names.push(...vocabulary, OTHER_ACTIONS);
  if (features.timing) names.push(...TIMING_FEATURES);
  if (features.bigrams !== false) for (const [a, b] of bigrams) names.push(`${a}>${b}`);
  if (features.shares) for (const code of vocabulary) names.push(`share_${code}`);
  if (features.actionGroups)
    names.push(...actionGroupFeatureNames(actionGroupNames(vocabulary, features.actionGroups.by)));
  return names;
}

/**
 * Builds a complete schema, checking that every column name (id, label, features) is distinct:
 * an action code named like a timing feature or the label column would make two columns one.
 *
 * @example
 * ```ts
 * const schema = makeFeatureSchema({ vocabulary: ActionVocabulary.fromCodes(['111']), features: DEFAULT_FEATURES, bigrams: [] });
 * schema.featureNames.slice(0, 3); // ['111', 'other_actions', 'event_count']
 * ```
 */
export function makeFeatureSchema({
  vocabulary,
  features,
  bigrams,
  idColumn = 'SessionNo',
  labelColumn = 'BadActor',
}: {
  vocabulary: ActionVocabulary;
  features: FeatureGroups;
  bigrams: readonly (readonly [string, string])[];
  idColumn?: string;
  labelColumn?: string;
}): FeatureSchema {
  const featureNames = featureNamesOf(vocabulary.codes, features, bigrams);
  const seen = new Set<string>();
  for (const name of [idColumn, labelColumn, ...featureNames]) {
    if (seen.has(name)) {
      throw new FeatureSchemaError(
        'featureNames',
        `would hold the column ${JSON.stringify(name)} twice (expected distinct id, label and feature names; ` +
          `rename the id/label column or drop the clashing action code)`,
      );
    }
    seen.add(name);
  }
  const groupsOn = features.actionGroups !== undefined && features.actionGroups !== false;
  const groups = groupsOn ? checkActionGroups(features.actionGroups, 'makeFeatureSchema') : null;
  return {
    version: 1,
    idColumn,
    labelColumn,
    vocabulary: [...vocabulary.codes],
    // actionGroups is written only when on, so schemas without it read and compare as before.
    features: {
      counts: features.counts,
      timing: features.timing,
      bigrams: features.bigrams === false ? false : { topK: features.bigrams.topK },
      shares: features.shares,
      ...(groups !== null ? { actionGroups: groups } : {}),
    },
    bigrams: bigrams.map(([a, b]) => [a, b] as const),
    ...(groups !== null ? { groups: actionGroupNames(vocabulary.codes, groups.by) } : {}),
    featureNames,
  };
}

/**
 * Reads and checks a schema from parsed JSON: every field's type, the version, that the bigrams
 * use vocabulary codes, and that `featureNames` are exactly what the settings produce, so a
 * hand-edited or corrupted schema fails here, not as silently shifted columns at scoring time.
 *
 * @example
 * ```ts
 * const schema = parseFeatureSchema(JSON.parse(text)); // FeatureSchemaError when malformed
 * ```
 */
export function parseFeatureSchema(json: unknown): FeatureSchema {
  if (typeof json !== 'object' || json === null)
    throw new FeatureSchemaError('(root)', `must be an object, got ${json === null ? 'null' : typeof json}`);
  const raw = json as Record<string, unknown>;
  if (raw.version !== 1) throw new FeatureSchemaError('version', `must be 1, got ${JSON.stringify(raw.version)}`);
  for (const field of ['idColumn', 'labelColumn'] as const) {
    if (typeof raw[field] !== 'string' || (raw[field] as string).length === 0)
      throw new FeatureSchemaError(field, `must be a non-empty string, got ${JSON.stringify(raw[field])}`);
  }
  const vocabulary = ActionVocabulary.fromCodeList(raw.vocabulary, 'vocabulary');
  const features = parseGroups(raw.features);
  if (!Array.isArray(raw.bigrams))
    throw new FeatureSchemaError('bigrams', `must be an array of [from, to] pairs, got ${typeof raw.bigrams}`);
  const bigrams = (raw.bigrams as unknown[]).map((pair, i) => {
    if (
      !Array.isArray(pair) ||
      pair.length !== 2 ||
      !vocabulary.has(pair[0] as string) ||
      !vocabulary.has(pair[1] as string)
    ) {
      throw new FeatureSchemaError(`bigrams[${i}]`, `must be a pair of vocabulary codes, got ${JSON.stringify(pair)}`);
    }
    return [pair[0] as string, pair[1] as string] as const;
  });
  if (features.bigrams === false ? bigrams.length > 0 : bigrams.length > features.bigrams.topK) {
    throw new FeatureSchemaError(
      'bigrams',
      `has ${bigrams.length} pairs (expected at most ${features.bigrams === false ? 0 : features.bigrams.topK}, ` +
        `as features.bigrams says)`,
    );
  }
  const schema = makeFeatureSchema({
    vocabulary,
    features,
    bigrams,
    idColumn: raw.idColumn as string,
    labelColumn: raw.labelColumn as string,
  });
  if (schema.groups !== undefined || raw.groups !== undefined) {
    const groups = raw.groups;
    const expected = schema.groups ?? [];
    if (!Array.isArray(groups) || groups.length !== expected.length || groups.some((g, i) => g !== expected[i])) {
      throw new FeatureSchemaError(
        'groups',
        `must be ${JSON.stringify(expected)}, as the vocabulary and features.actionGroups say, got ` +
          `${JSON.stringify(groups)}`,
      );
    }
  }
  const names = raw.featureNames;
  if (
    !Array.isArray(names) ||
    names.length !== schema.featureNames.length ||
    names.some((n, i) => n !== schema.featureNames[i])
  ) {
    const at = Array.isArray(names) ? schema.featureNames.findIndex((n, i) => names[i] !== n) : -1;
    throw new FeatureSchemaError(
      'featureNames',
      `do not match the vocabulary and feature ` +
        `settings${at >= 0 ? ` at ${at}: expected ${JSON.stringify(schema.featureNames[at])}, got ${JSON.stringify((names as unknown[])[at])}` : ''} (expected ${schema.featureNames.length} names)`,
    );
  }
  return schema;
}

function parseGroups(value: unknown): FeatureGroups {
  if (typeof value !== 'object' || value === null)
    throw new FeatureSchemaError('features', `must be an object, got ${JSON.stringify(value)}`);
  const raw = value as Record<string, unknown>;
  for (const field of ['counts', 'timing', 'shares'] as const) {
    if (typeof raw[field] !== 'boolean')
      throw new FeatureSchemaError(`features.${field}`, `must be true or false, got ${JSON.stringify(raw[field])}`);
  }
  const rawGroups = raw.actionGroups;
  let actionGroups: ActionGroupsOption | undefined;
  if (rawGroups !== undefined && rawGroups !== false) {
    try {
      actionGroups = checkActionGroups(rawGroups, 'feature schema');
    } catch {
      throw new FeatureSchemaError(
        'features.actionGroups',
        `must be false or { by: 'firstDigit' | { code: group, … } }, got ${JSON.stringify(rawGroups)}`,
      );
    }
  }
  const withGroups = (groups: FeatureGroups): FeatureGroups =>
    actionGroups === undefined ? groups : { ...groups, actionGroups };
  const bigrams = raw.bigrams;
  if (bigrams !== false) {
    const topK = (bigrams as { topK?: unknown } | null)?.topK;
    if (typeof topK !== 'number' || !Number.isSafeInteger(topK) || topK < 1) {
      throw new FeatureSchemaError(
        'features.bigrams',
        `must be false or { topK: an integer ≥ 1 }, got ${JSON.stringify(bigrams)}`,
      );
    }
    return withGroups({
      counts: raw.counts as boolean,
      timing: raw.timing as boolean,
      bigrams: { topK },
      shares: raw.shares as boolean,
    });
  }
  return withGroups({
    counts: raw.counts as boolean,
    timing: raw.timing as boolean,
    bigrams: false,
    shares: raw.shares as boolean,
  });
}
