import type { EventLog } from '../events/event-log.js';
import type { Column } from '../frame/column.js';
import { Frame } from '../frame/frame.js';
import { actionGroupColumns } from './action-groups.js';
import type { FeatureSchema } from './feature-schema.js';
import { EventOrderError, MissingTimesError } from './session-errors.js';
import { TIMING_FEATURES, writeSessionTiming } from './timing-features.js';

/**
 * Events whose action code the vocabulary lacks, found by one flatten call. They are counted in the
 * `other_actions` column (when counts are on) and reported here, never silently lost.
 */
export interface UnseenActions {
  /** Number of events with an unknown code. */
  readonly events: number;
  /** Number of sessions with at least one such event. */
  readonly sessions: number;
  /** Events per unknown code, e.g. `{ '999': 3 }`. */
  readonly byCode: Readonly<Record<string, number>>;
}

/** What `flattenSessions` returns: the feature frame and the unseen action codes. */
export interface FlattenResult {
  readonly frame: Frame;
  readonly unseen: UnseenActions;
}

/**
 * Turns every session of a log into one feature row, as a schema says (see {@link FeatureSchema}
 * for the columns; `SessionFlattener` is the class over this). One pass over each session's events
 * writes the counts (through a precomputed action → column map) straight into column-major
 * `Float64Array` feature columns (one allocation for all of them) and gathers its times into a
 * small scratch array, from which the timing features are computed. Empty sessions get all-zero
 * features. The log is never copied.
 *
 * Throws {@link MissingTimesError} when timing is on and the log has no times, and
 * {@link EventOrderError} when a session's times are not finite and non-decreasing.
 *
 * @example
 * ```ts
 * const { frame, unseen } = flattenSessions(testLog, flattener.toSchema());
 * if (unseen.events > 0) console.warn('codes the model never saw:', unseen.byCode);
 * ```
 */
export function flattenSessions(log: EventLog, schema: FeatureSchema, where = 'flattenSessions'): FlattenResult {
  const { features, featureNames, vocabulary } = schema;
  const times = log.times;
  if (features.timing && times === null) throw new MissingTimesError(where);
  const sessions = log.sessionCount;
  const size = vocabulary.length;
  const buffer = new Float64Array(featureNames.length * sessions);

  const lookup = new Map(vocabulary.map((code, i) => [code, i]));
  const dictionary = log.actionDictionary;
  const columnOf = new Int32Array(dictionary.length);
  for (let a = 0; a < dictionary.length; a++) columnOf[a] = lookup.get(dictionary[a]!) ?? -1;

  const timingAt = features.counts ? size + 1 : 0;
  const bigramAt = timingAt + (features.timing ? TIMING_FEATURES.length : 0);
  const sharesAt = bigramAt + schema.bigrams.length;
  // Counts go to the count columns, or straight to the share columns (divided by the session's
  // length once it is counted) when only shares are asked for; -1 when neither needs them.
  const countAt = features.counts ? 0 : features.shares ? sharesAt : -1;
  const otherAt = features.counts ? size : -1;
  const pairs = bigramLookup(schema, lookup, size);
  const pairColumn = pairs instanceof Int32Array ? pairs : null;
  const pairMap = pairs instanceof Map ? pairs : null;
  const { groupAt, groups, groupOf } = groupLayout(schema, dictionary);

  const { offsets, eventIndex: index, actions } = log;
  const unseenByAction = new Float64Array(dictionary.length);
  let unseenSessions = 0;
  let longest = 0;
  for (let s = 0; s < sessions; s++) longest = Math.max(longest, offsets[s + 1]! - offsets[s]!);
  const gaps = new Float64Array(longest);
  const sessionTimes = new Float64Array(features.timing ? longest : 0);

  const timing = features.timing;
  const shares = features.shares;
  const width = featureNames.length;
  // Sessions are flattened in blocks into a small row-major scratch table (about 512 KiB, so it
  // stays in cache while a session's scattered counts land in it), which is then copied column by
  // column into the output: both sides of every write are cache-local, even for millions of sessions.
  const block = Math.max(16, Math.floor(65_536 / Math.max(width, 1)));
  const local = new Float64Array(block * width);
  for (let first = 0; first < sessions; first += block) {
    const rows = Math.min(block, sessions - first);
    local.fill(0, 0, rows * width);
    for (let r = 0; r < rows; r++) {
      const s = first + r;
      const row = r * width;
      const from = offsets[s]!;
      const to = offsets[s + 1]!;
      let other = 0;
      let previous = -1;
      // One pass over the session's events: counts, bigrams, and its times gathered into a small
      // scratch array, so the timing features below read contiguous memory.
      for (let p = from; p < to; p++) {
        const e = index === null ? p : index[p]!;
        const action = actions[e]!;
        if (timing) sessionTimes[p - from] = times![e]!;
        const c = columnOf[action]!;
        if (c < 0) {
          other++;
          unseenByAction[action]!++;
        } else if (countAt >= 0) {
          local[row + countAt + c]!++;
        }
        if (pairs !== null) {
          if (previous >= 0 && c >= 0) {
            const k =
              pairColumn !== null ? pairColumn[previous * size + c]! : (pairMap!.get(previous * size + c) ?? -1);
            if (k >= 0) local[row + bigramAt + k]!++;
          }
          previous = c;
        }
        if (groups > 0) {
          const g = groupOf[action]!;
          if (g >= 0) local[row + groupAt + g]!++;
        }
      }
      if (other > 0) {
        unseenSessions++;
        if (otherAt >= 0) local[row + otherAt] = other;
      }
      if (timing) {
        const bad = writeSessionTiming(sessionTimes, null, 0, to - from, gaps, local, timingAt, 1, row);
        if (bad >= 0)
          throw new EventOrderError(
            where,
            log.sessionIds[s]!,
            bad,
            sessionTimes[bad]!,
            bad === 0 ? Number.NaN : sessionTimes[bad - 1]!,
          );
      }
      if (shares) {
        const length = to - from;
        for (let c = 0; c < size; c++)
          local[row + sharesAt + c] = length === 0 ? 0 : local[row + countAt + c]! / length;
      }
      if (groups > 0) {
        const length = to - from;
        for (let g = 0; g < groups; g++)
          local[row + groupAt + groups + g] = length === 0 ? 0 : local[row + groupAt + g]! / length;
      }
    }
    for (let j = 0; j < width; j++) {
      const column = j * sessions + first;
      for (let r = 0; r < rows; r++) buffer[column + r] = local[r * width + j]!;
    }
  }

  const columns = new Map<string, Column>();
  const ids = new Int32Array(sessions);
  for (let s = 0; s < sessions; s++) ids[s] = s;
  // Session ids of a log are distinct (sessions are grouped by id), so they are their own dictionary.
  columns.set(schema.idColumn, { kind: 'string', codes: ids, dictionary: log.sessionIds });
  columns.set(schema.labelColumn, { kind: 'number', values: log.labels });
  for (let j = 0; j < featureNames.length; j++) {
    columns.set(featureNames[j]!, { kind: 'number', values: buffer.subarray(j * sessions, (j + 1) * sessions) });
  }

  const unseenCodes: [string, number][] = [];
  let unseenEvents = 0;
  for (let a = 0; a < dictionary.length; a++) {
    if (unseenByAction[a]! > 0) {
      unseenCodes.push([dictionary[a]!, unseenByAction[a]!]);
      unseenEvents += unseenByAction[a]!;
    }
  }
  const byCode: Record<string, number> = Object.fromEntries(unseenCodes);
  return { frame: Frame.fromColumns(columns), unseen: { events: unseenEvents, sessions: unseenSessions, byCode } };
}

/**
 * Where the action-group columns start (`group_<g>`, then `group_share_<g>`), how many groups the
 * schema has (0 when off), and the group of each code of a log's action dictionary (-1: none).
 *
 * @internal
 */
export function groupLayout(
  schema: FeatureSchema,
  dictionary: readonly string[],
): { groupAt: number; groups: number; groupOf: Int32Array } {
  const groups = schema.groups ?? [];
  const by = schema.features.actionGroups;
  if (by === undefined || by === false || groups.length === 0)
    return { groupAt: -1, groups: 0, groupOf: new Int32Array(0) };
  return {
    groupAt: schema.featureNames.length - 2 * groups.length,
    groups: groups.length,
    groupOf: actionGroupColumns(dictionary, by.by, groups),
  };
}

/**
 * Bigram column of each (from, to) vocabulary pair, or -1: a dense table for vocabularies of up to
 * 2,048 codes (at most 16 MiB), a Map beyond; `null` when bigrams are off.
 *
 * @internal
 */
export function bigramLookup(
  schema: FeatureSchema,
  lookup: ReadonlyMap<string, number>,
  size: number,
): Int32Array | Map<number, number> | null {
  if (schema.features.bigrams === false || schema.bigrams.length === 0) return null;
  const table = size <= 2048 ? new Int32Array(size * size).fill(-1) : new Map<number, number>();
  schema.bigrams.forEach(([a, b], k) => {
    const key = lookup.get(a)! * size + lookup.get(b)!;
    if (table instanceof Map) table.set(key, k);
    else table[key] = k;
  });
  return table;
}
