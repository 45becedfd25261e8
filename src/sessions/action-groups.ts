import { InvalidArgumentError } from '../errors.js';
import { compareActionCodes } from './action-vocabulary.js';

/**
 * How action codes fall into action groups: `'firstDigit'` (the group is the code's first
 * character, so the user's hierarchical codes give 1xx sign-in and tools, 2xx search, 3xx view, 4xx
 * download, 5xx account, 6xx other), or an explicit map from code to group name (codes it does not
 * list belong to no group).
 *
 * @example
 * ```ts
 * const byDigit: ActionGroupMapping = 'firstDigit';
 * const byHand: ActionGroupMapping = { '401': 'download', '402': 'download', '201': 'search' };
 * ```
 */
export type ActionGroupMapping = 'firstDigit' | Readonly<Record<string, string>>;

/**
 * The action-group feature group: for each group `g`, `group_<g>` (events of the session whose
 * code is in `g`, codes the vocabulary lacks included) and `group_share_<g>` (that count / the
 * session's length). Groups generalise where per-code counts cannot: an attacker who downloads
 * through a code that training never saw with attackers still raises the download group.
 */
export interface ActionGroupsOption {
  /** The mapping from code to group. */
  readonly by: ActionGroupMapping;
}

/**
 * The group of an action code under a mapping, or `null` when it has none (an empty code, or a
 * code an explicit map does not list).
 *
 * @example
 * ```ts
 * actionGroupOf('401', 'firstDigit');           // '4'
 * actionGroupOf('401', { '401': 'download' });  // 'download'
 * actionGroupOf('999', { '401': 'download' });  // null
 * ```
 */
export function actionGroupOf(code: string, by: ActionGroupMapping): string | null {
  if (by === 'firstDigit') return code.length > 0 ? code[0]! : null;
  return Object.prototype.hasOwnProperty.call(by, code) ? by[code]! : null;
}

/**
 * The groups of a schema, in column order: for `'firstDigit'`, the first characters of the
 * vocabulary's codes; for a map, every group it names. Sorted like action codes (numbers first,
 * numerically).
 *
 * @example
 * ```ts
 * actionGroupNames(['111', '201', '401', '402'], 'firstDigit'); // ['1', '2', '4']
 * ```
 */
export function actionGroupNames(vocabulary: readonly string[], by: ActionGroupMapping): string[] {
  const names = new Set<string>();
  if (by === 'firstDigit') {
    for (const code of vocabulary) if (code.length > 0) names.add(code[0]!);
  } else {
    for (const group of Object.values(by)) names.add(group);
  }
  return [...names].sort(compareActionCodes);
}

/**
 * The group column of each code of a list (a log's action dictionary, or a vocabulary): an index
 * into `groups`, or -1 for a code in no group of the list.
 *
 * @example
 * ```ts
 * actionGroupColumns(['401', '111', '999'], 'firstDigit', ['1', '4']); // Int32Array [1, 0, -1]
 * ```
 */
export function actionGroupColumns(
  codes: readonly string[],
  by: ActionGroupMapping,
  groups: readonly string[],
): Int32Array {
  const index = new Map(groups.map((g, i) => [g, i]));
  return Int32Array.from(codes, (code) => {
    const group = actionGroupOf(code, by);
    return group === null ? -1 : (index.get(group) ?? -1);
  });
}

/**
 * Checks an action-groups option (also one read from JSON) and returns a normalised copy; throws
 * `InvalidArgumentError` naming the field.
 *
 * @example
 * ```ts
 * checkActionGroups({ by: 'firstDigit' }, 'SessionFlattener'); // { by: 'firstDigit' }
 * checkActionGroups({ by: { '401': '' } }, 'SessionFlattener'); // InvalidArgumentError
 * ```
 */
export function checkActionGroups(value: unknown, where: string, field = 'features.actionGroups'): ActionGroupsOption {
  const by = (value as { by?: unknown } | null)?.by;
  if (typeof value !== 'object' || value === null || by === undefined) {
    throw new InvalidArgumentError(where, field, value, "false or { by: 'firstDigit' | { code: group, … } }");
  }
  if (by === 'firstDigit') return { by };
  if (typeof by !== 'object' || by === null || Array.isArray(by))
    throw new InvalidArgumentError(
      where,
      `${field}.by`,
      by,
      "'firstDigit' or an object mapping action codes to group names",
    );
  const entries = Object.entries(by as Record<string, unknown>);
  if (entries.length === 0) throw new InvalidArgumentError(where, `${field}.by`, by, 'a mapping of at least one code');
  for (const [code, group] of entries) {
    if (code.length === 0 || typeof group !== 'string' || group.length === 0) {
      throw new InvalidArgumentError(
        where,
        `${field}.by[${JSON.stringify(code)}]`,
        group,
        'a non-empty group name for a non-empty code',
      );
    }
  }
  // fromEntries defines own properties, so even a code named "__proto__" is an ordinary key.
  return { by: Object.fromEntries(entries) as Record<string, string> };
}

/**
 * The feature names of the action groups: `group_<g>` for each group, then `group_share_<g>`.
 *
 * @example
 * ```ts
 * actionGroupFeatureNames(['1', '4']); // ['group_1', 'group_4', 'group_share_1', 'group_share_4']
 * ```
 */
export function actionGroupFeatureNames(groups: readonly string[]): string[] {
  return [...groups.map((g) => `group_${g}`), ...groups.map((g) => `group_share_${g}`)];
}
