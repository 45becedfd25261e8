import { InvalidArgumentError } from '../errors.js';
import type { EventLog } from '../events/event-log.js';
import type { Column } from '../frame/column.js';
import { Frame } from '../frame/frame.js';
import type { FeatureSchema } from './feature-schema.js';
import { type FlattenResult, bigramLookup, flattenSessions, groupLayout } from './flatten-sessions.js';
import { EventOrderError, FeatureSchemaError, MissingTimesError } from './session-errors.js';
import { TIMING_FEATURES } from './timing-features.js';
import {
  type PrefixWeighting,
  type PrefixesTruncation,
  type Truncation,
  splitPrefixes,
  truncateLog,
} from './truncation.js';

/**
 * The column of a prefix frame holding each row's prefix length (events seen). Not a feature:
 * `featureColumns` and `FrameSplitter` leave it out unless told otherwise.
 *
 * @example
 * ```ts
 * flattenPrefixes(log, schema, { max: 40 }).frame.numbers(PREFIX_LENGTH_COLUMN); // 1, 2, 3, …, 1, 2, …
 * ```
 */
export const PREFIX_LENGTH_COLUMN = 'prefix_length';

/**
 * The column of a prefix frame holding each row's instance weight. Not a feature:
 * `featureColumns` and `FrameSplitter` leave it out unless told otherwise.
 *
 * @example
 * ```ts
 * const weights = flattenPrefixes(log, schema).frame.numbers(WEIGHT_COLUMN); // sums to 1 per session
 * ```
 */
export const WEIGHT_COLUMN = 'weight';

/**
 * A custom row weight: called once per row with the prefix length `k`, the number of rows of the
 * session (`rows`) and the session's length; must return a finite number ≥ 0.
 *
 * @example
 * ```ts
 * const sqrtPerSession: PrefixWeightFunction = (_k, rows) => 1 / Math.sqrt(rows);
 * ```
 */
export type PrefixWeightFunction = (prefixLength: number, rows: number, sessionLength: number) => number;

/** Options of {@link flattenPrefixes}: the fields of a `prefixes` truncation, the weight also as a function. */
export interface PrefixOptions {
  /** Shortest prefix (≥ 1). Default 1. */
  readonly min?: number;
  /** Longest prefix (≥ min). Default 40. */
  readonly max?: number;
  /** Row weights: `'perSession'` (default, 1/rows of the session), `'uniform'` (1), or a function. */
  readonly weight?: PrefixWeighting | PrefixWeightFunction;
}

/**
 * Flattens every prefix of every session into its own feature row, incrementally: one pass over
 * each session's first `min(max, length)` events keeps running counts, bigrams, the gap list and a
 * sorted copy of it, and writes a row after each event from the `min`-th on. No prefix is ever
 * re-flattened; the rows are bit-identical to `flattenSessions(truncateLog(log, firstN(k)), schema)`
 * for each k (the same sums in the same order; the median from the sorted gaps, which holds the
 * same two middle values the flattener selects).
 *
 * Columns: the schema's `idColumn` (the session id, repeated on each of its rows), `labelColumn`,
 * {@link PREFIX_LENGTH_COLUMN}, {@link WEIGHT_COLUMN}, then the schema's `featureNames`. Rows are
 * in session order, then by prefix length. Sessions shorter than `min` give no row. `prefix_length`
 * and `weight` are not features: `featureColumns` / `FrameSplitter` leave them out by default, and
 * a model is trained on `frame.drop([PREFIX_LENGTH_COLUMN, WEIGHT_COLUMN])`'s features with the
 * weight column as instance weights.
 *
 * Cost: O(events + rows × width) plus, for timing, O(k) per row of length k (the two-pass standard
 * deviation and the sorted insertion), so O(max²) per session at most.
 *
 * Unseen action codes are reported over the events read (the first `min(max, length)` of each
 * session with at least `min` events), each counted once.
 *
 * Throws {@link MissingTimesError} when timing is on and the log has no times,
 * {@link EventOrderError} when a read event's time is not finite or goes back, and
 * {@link InvalidArgumentError} for bad options or a weight function returning a bad value.
 *
 * @example
 * ```ts
 * const { frame } = flattenPrefixes(trainLog, flattener.toSchema(), { max: 40 });
 * frame.columnNames.slice(0, 4); // ['SessionNo', 'BadActor', 'prefix_length', 'weight']
 * ```
 */
export function flattenPrefixes(
  log: EventLog,
  schema: FeatureSchema,
  options: PrefixOptions | PrefixesTruncation = {},
  where = 'flattenPrefixes',
): FlattenResult {
  const { min = 1, max = 40, weight = 'perSession' } = options as PrefixOptions;
  if (!Number.isSafeInteger(min) || min < 1) throw new InvalidArgumentError(where, 'min', min, 'an integer ≥ 1');
  if (!Number.isSafeInteger(max) || max < min)
    throw new InvalidArgumentError(where, 'max', max, `an integer ≥ min (${min})`);
  if (weight !== 'perSession' && weight !== 'uniform' && typeof weight !== 'function') {
    throw new InvalidArgumentError(
      where,
      'weight',
      weight,
      "'perSession', 'uniform' or a function (prefixLength, rows, sessionLength) => weight",
    );
  }
  const { features, featureNames, vocabulary } = schema;
  for (const name of [PREFIX_LENGTH_COLUMN, WEIGHT_COLUMN]) {
    if (name === schema.idColumn || name === schema.labelColumn || featureNames.includes(name)) {
      throw new FeatureSchemaError(
        'featureNames',
        `hold ${JSON.stringify(name)}, the name of a prefix frame's own column (expected no feature, id or label ` +
          `column of that name)`,
      );
    }
  }
  const times = log.times;
  const timing = features.timing;
  if (timing && times === null) throw new MissingTimesError(where);

  const sessions = log.sessionCount;
  const { offsets, eventIndex: index, actions } = log;
  const rowsOf = (length: number): number => (length < min ? 0 : Math.min(max, length) - min + 1);
  let total = 0;
  let longest = 0;
  for (let s = 0; s < sessions; s++) {
    const length = offsets[s + 1]! - offsets[s]!;
    total += rowsOf(length);
    longest = Math.max(longest, Math.min(max, length));
  }

  const size = vocabulary.length;
  const width = featureNames.length;
  const lookup = new Map(vocabulary.map((code, i) => [code, i]));
  const dictionary = log.actionDictionary;
  const columnOf = new Int32Array(dictionary.length);
  for (let a = 0; a < dictionary.length; a++) columnOf[a] = lookup.get(dictionary[a]!) ?? -1;
  const timingAt = features.counts ? size + 1 : 0;
  const bigramAt = timingAt + (timing ? TIMING_FEATURES.length : 0);
  const sharesAt = bigramAt + schema.bigrams.length;
  const shares = features.shares;
  const countAt = features.counts ? 0 : -1;
  const otherAt = features.counts ? size : -1;
  const pairs = bigramLookup(schema, lookup, size);
  const pairColumn = pairs instanceof Int32Array ? pairs : null;
  const pairMap = pairs instanceof Map ? pairs : null;
  const { groupAt, groups, groupOf } = groupLayout(schema, dictionary);

  const buffer = new Float64Array(width * total);
  const ids = new Int32Array(total);
  const labels = new Uint8Array(total);
  const prefixLength = new Float64Array(total);
  const weights = new Float64Array(total);
  const unseenByAction = new Float64Array(dictionary.length);
  let unseenSessions = 0;

  // The running row of the current session (counts, other_actions, bigrams; timing and shares
  // are derived per row), the counts for shares when count columns are off, and the gaps in event
  // order (for the mean and the two-pass standard deviation) and sorted (for the median).
  const current = new Float64Array(width);
  const counts = shares && countAt < 0 ? new Float64Array(size) : null;
  const gaps = new Float64Array(longest);
  const sorted = new Float64Array(longest);
  // Rows are written row-major into a small block that stays in cache, then copied column by
  // column into the output, as flattenSessions does.
  const block = Math.max(16, Math.floor(65_536 / Math.max(width, 1)));
  const local = new Float64Array(block * width);
  let filled = 0;
  let flushedRows = 0;
  const flush = (): void => {
    for (let j = 0; j < width; j++) {
      const column = j * total + flushedRows;
      for (let r = 0; r < filled; r++) buffer[column + r] = local[r * width + j]!;
    }
    flushedRows += filled;
    filled = 0;
  };

  let row = 0;
  for (let s = 0; s < sessions; s++) {
    const from = offsets[s]!;
    const length = offsets[s + 1]! - from;
    const rows = rowsOf(length);
    if (rows === 0) continue;
    const read = Math.min(max, length);
    current.fill(0);
    counts?.fill(0);
    const label = log.labels[s]!;
    let other = 0;
    let previous = -1;
    let first = 0;
    let last = 0;
    let sum = 0;
    let gapMin = Infinity;
    let gapMax = 0;
    let under = 0;
    for (let i = 0; i < read; i++) {
      const p = from + i;
      const e = index === null ? p : index[p]!;
      const action = actions[e]!;
      const c = columnOf[action]!;
      if (c < 0) {
        other++;
        unseenByAction[action]!++;
        if (otherAt >= 0) current[otherAt] = other;
      } else if (countAt >= 0) {
        current[countAt + c]!++;
      } else if (counts !== null) {
        counts[c]!++;
      }
      if (pairs !== null) {
        if (previous >= 0 && c >= 0) {
          const k = pairColumn !== null ? pairColumn[previous * size + c]! : (pairMap!.get(previous * size + c) ?? -1);
          if (k >= 0) current[bigramAt + k]!++;
        }
        previous = c;
      }
      if (groups > 0) {
        const g = groupOf[action]!;
        if (g >= 0) current[groupAt + g]!++;
      }
      if (timing) {
        const t = times![e]!;
        if (i === 0) {
          if (!Number.isFinite(t)) throw new EventOrderError(where, log.sessionIds[s]!, 0, t, Number.NaN);
          first = t;
        } else {
          const gap = (t - last) / 1000;
          if (!(gap >= 0 && gap < Infinity)) throw new EventOrderError(where, log.sessionIds[s]!, i, t, last);
          gaps[i - 1] = gap;
          sum += gap;
          if (gap < gapMin) gapMin = gap;
          if (gap > gapMax) gapMax = gap;
          if (gap < 1) under++;
          let j = i - 2;
          while (j >= 0 && sorted[j]! > gap) {
            sorted[j + 1] = sorted[j]!;
            j--;
          }
          sorted[j + 1] = gap;
        }
        last = t;
      }
      const n = i + 1;
      if (n < min) continue;

      const at = filled * width;
      local.set(current, at);
      if (timing) {
        const t0 = at + timingAt;
        local[t0] = n;
        const duration = (last - first) / 1000;
        local[t0 + 1] = duration;
        local[t0 + 9] = (60 * n) / Math.max(duration, 1);
        const m = n - 1;
        if (m > 0) {
          const mean = sum / m;
          let squares = 0;
          for (let g = 0; g < m; g++) {
            const d = gaps[g]! - mean;
            squares += d * d;
          }
          const std = Math.sqrt(squares / m);
          const half = m >>> 1;
          local[t0 + 2] = mean;
          local[t0 + 3] = (m & 1) === 1 ? sorted[half]! : (sorted[half - 1]! + sorted[half]!) / 2;
          local[t0 + 4] = gapMin;
          local[t0 + 5] = gapMax;
          local[t0 + 6] = std;
          local[t0 + 7] = mean > 0 ? std / mean : 0;
          local[t0 + 8] = under / m;
        }
      }
      if (shares) {
        const source = counts ?? current;
        const base = counts === null ? countAt : 0;
        for (let c2 = 0; c2 < size; c2++) local[at + sharesAt + c2] = source[base + c2]! / n;
      }
      for (let g = 0; g < groups; g++) local[at + groupAt + groups + g] = current[groupAt + g]! / n;
      ids[row] = s;
      labels[row] = label;
      prefixLength[row] = n;
      if (weight === 'perSession') weights[row] = 1 / rows;
      else if (weight === 'uniform') weights[row] = 1;
      else {
        const w = weight(n, rows, length);
        if (typeof w !== 'number' || !(w >= 0 && w < Infinity)) {
          throw new InvalidArgumentError(
            where,
            `weight(${n}, ${rows}, ${length}) for session ${JSON.stringify(log.sessionIds[s])}`,
            w,
            'a finite number ≥ 0',
          );
        }
        weights[row] = w;
      }
      row++;
      if (++filled === block) flush();
    }
    if (other > 0) unseenSessions++;
  }
  flush();

  const columns = new Map<string, Column>();
  columns.set(schema.idColumn, { kind: 'string', codes: ids, dictionary: log.sessionIds });
  columns.set(schema.labelColumn, { kind: 'number', values: labels });
  columns.set(PREFIX_LENGTH_COLUMN, { kind: 'number', values: prefixLength });
  columns.set(WEIGHT_COLUMN, { kind: 'number', values: weights });
  for (let j = 0; j < width; j++)
    columns.set(featureNames[j]!, { kind: 'number', values: buffer.subarray(j * total, (j + 1) * total) });

  const byCode: Record<string, number> = {};
  let unseenEvents = 0;
  for (let a = 0; a < dictionary.length; a++) {
    if (unseenByAction[a]! > 0) {
      byCode[dictionary[a]!] = unseenByAction[a]!;
      unseenEvents += unseenByAction[a]!;
    }
  }
  return { frame: Frame.fromColumns(columns), unseen: { events: unseenEvents, sessions: unseenSessions, byCode } };
}

/**
 * Flattens a log as a truncation says: the truncation applied to the sessions, then one row per
 * session (`flattenSessions`), or, when it ends in a `prefixes` step, one row per prefix
 * ({@link flattenPrefixes}). What `prepareJobs` and `SessionFlattener.flatten(log, { truncation })` do.
 *
 * @example
 * ```ts
 * flattenTruncated(log, schema, Truncators.compose(Truncators.minLength(3), Truncators.prefixes({ max: 10 })));
 * ```
 */
export function flattenTruncated(
  log: EventLog,
  schema: FeatureSchema,
  truncation: Truncation,
  where = 'flattenTruncated',
): FlattenResult {
  const { before, prefixes } = splitPrefixes(truncation);
  const truncated = truncateLog(log, before);
  return prefixes === null
    ? flattenSessions(truncated, schema, where)
    : flattenPrefixes(truncated, schema, prefixes, where);
}
