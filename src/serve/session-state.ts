import { InvalidArgumentError } from '../errors.js';
import { actionGroupColumns, actionGroupOf } from '../sessions/action-groups.js';
import type { FeatureSchema } from '../sessions/feature-schema.js';
import { TIMING_FEATURES } from '../sessions/timing-features.js';
import { GapMedian } from './gap-median.js';

/**
 * Where each feature group of a schema lives in its feature vector, with the lookups an event
 * update needs (action code → vocabulary index, bigram pair → column), compiled once per scorer.
 *
 * @example
 * ```ts
 * const layout = compileFeatureLayout(flattener.toSchema());
 * layout.width;        // schema.featureNames.length
 * layout.columnOf('201'); // the code's vocabulary index, -1 when unknown
 * ```
 */
export interface FeatureLayout {
  /** Length of the feature vector (`schema.featureNames.length`). */
  readonly width: number;
  /** Number of vocabulary codes. */
  readonly size: number;
  /**
   * Vocabulary index of an action code; negative when the vocabulary lacks it: -1, or, when the
   * schema has action groups and the code belongs to group `g`, `-2 - g` (so the group still counts it).
   */
  columnOf(action: string): number;
  /** First count column, or -1 when counts are off. */
  readonly countAt: number;
  /** The `other_actions` column, or -1. */
  readonly otherAt: number;
  /** First timing column, or -1. */
  readonly timingAt: number;
  /** First bigram column, or -1. */
  readonly bigramAt: number;
  /** First share column, or -1. */
  readonly sharesAt: number;
  /** Bigram column of pair `(from, to)` at `from · size + to`, -1 when not a learned bigram; `null` without bigrams. */
  readonly pairs: Int32Array | Map<number, number> | null;
  /** First action-group count column (`group_<g>`; the shares follow), or -1. */
  readonly groupAt: number;
  /** Number of action groups (0 when off). */
  readonly groups: number;
  /** Group of each vocabulary index, -1 for none. */
  readonly groupOfColumn: Int32Array;
}

/**
 * Compiles a {@link FeatureSchema} into a {@link FeatureLayout}: the same column order and lookups
 * as `flattenSessions`.
 *
 * @example
 * ```ts
 * const layout = compileFeatureLayout(schema);
 * const state = new SessionState('s1', layout);
 * ```
 */
export function compileFeatureLayout(schema: FeatureSchema): FeatureLayout {
  const { features, vocabulary, featureNames } = schema;
  const size = vocabulary.length;
  const lookup = new Map(vocabulary.map((code, i) => [code, i]));
  const timingAt = features.counts ? size + 1 : 0;
  const bigramAt = timingAt + (features.timing ? TIMING_FEATURES.length : 0);
  const sharesAt = bigramAt + schema.bigrams.length;
  let pairs: Int32Array | Map<number, number> | null = null;
  if (features.bigrams !== false && schema.bigrams.length > 0) {
    const table = size <= 2048 ? new Int32Array(size * size).fill(-1) : new Map<number, number>();
    schema.bigrams.forEach(([a, b], k) => {
      const from = lookup.get(a);
      const to = lookup.get(b);
      if (from === undefined || to === undefined)
        throw new InvalidArgumentError(
          'compileFeatureLayout',
          `schema.bigrams[${k}]`,
          [a, b],
          'a pair of vocabulary codes',
        );
      if (table instanceof Map) table.set(from * size + to, k);
      else table[from * size + to] = k;
    });
    pairs = table;
  }
  const actionGroups =
    features.actionGroups === undefined || features.actionGroups === false ? null : features.actionGroups;
  const groupNames = actionGroups === null ? [] : (schema.groups ?? []);
  const groupIndex = new Map(groupNames.map((g, i) => [g, i]));
  const expected =
    (features.counts ? size + 1 : 0) +
    (features.timing ? TIMING_FEATURES.length : 0) +
    schema.bigrams.length +
    (features.shares ? size : 0) +
    2 * groupNames.length;
  if (expected !== featureNames.length) {
    throw new InvalidArgumentError(
      'compileFeatureLayout',
      'schema.featureNames.length',
      featureNames.length,
      `${expected}, as the vocabulary and feature groups say`,
    );
  }
  return {
    width: featureNames.length,
    size,
    columnOf:
      actionGroups === null
        ? (action) => lookup.get(action) ?? -1
        : (action) => {
            const column = lookup.get(action);
            if (column !== undefined) return column;
            const group = actionGroupOf(action, actionGroups.by);
            const g = group === null ? undefined : groupIndex.get(group);
            return g === undefined ? -1 : -2 - g;
          },
    countAt: features.counts ? 0 : -1,
    otherAt: features.counts ? size : -1,
    timingAt: features.timing ? timingAt : -1,
    bigramAt: pairs === null ? -1 : bigramAt,
    sharesAt: features.shares ? sharesAt : -1,
    pairs,
    groupAt: groupNames.length > 0 ? featureNames.length - 2 * groupNames.length : -1,
    groups: groupNames.length,
    groupOfColumn:
      actionGroups === null
        ? new Int32Array(size).fill(-1)
        : actionGroupColumns(vocabulary, actionGroups.by, groupNames),
  };
}

/**
 * Above this many gaps in one session, `gap_std_s` comes from Welford's running update instead of
 * the flattener's two-pass formula (see `SessionState`). Default of `LiveScorerOptions.exactStdGaps`.
 */
export const EXACT_STD_GAPS = 4096;

/**
 * Gaps of one session kept for `gap_median_s` (see `SessionState`); later gaps leave the
 * median as it was, so a session's state is at most about `8 · (width + exactStdGaps + maxGaps)`
 * bytes however many events it has. Default of `LiveScorerOptions.maxSessionGaps`.
 */
export const MAX_SESSION_GAPS = 16_384;

/**
 * One session's incremental feature state: its feature vector `row`, laid out exactly as the
 * schema's feature names (what `SessionFlattener.flatten` writes for the session's events so far),
 * updated in place by `SessionState.add`.
 *
 * Cost per event: counts, `other_actions`, bigrams, `event_count`, `duration_s`, `gap_mean_s`
 * (the gaps summed in event order, as the flattener does), min, max, the under-1-s share and
 * `events_per_minute` are O(1); `gap_median_s` is O(log m) (two heaps, {@link GapMedian}).
 * `gap_std_s` (and `gap_cv`) is the flattener's two-pass `√(Σ(gᵢ - mean)² / m)`: the mean changes
 * with every gap, and no running formula gives the same float64 rounding, so it is recomputed
 * over the kept gap list — O(m) per event, O(n²) over a session of n events. For the user's
 * sessions (median 6 events, 99% under 75) that is a few dozen additions per event. To bound the
 * worst case, sessions with more than `exactStdGaps` gaps switch to Welford's O(1) update, equal
 * to the two-pass value up to rounding (a few ulps) rather than bit for bit. Shares, when the
 * schema has them, are O(vocabulary) per event (every share's denominator changes). Memory is
 * O(width + min(m, exactStdGaps + maxGaps)): past `maxGaps` gaps ({@link MAX_SESSION_GAPS}),
 * `gap_median_s` is the median of the session's first `maxGaps` gaps.
 *
 * Times must be finite epoch milliseconds, not earlier than the session's last time (the scorer
 * applies its out-of-order policy before calling `add`).
 *
 * @example
 * ```ts
 * const layout = compileFeatureLayout(schema);
 * const s = new SessionState('s1', layout);
 * s.add(layout.columnOf('111'), Date.parse('2019-07-01T12:00:00Z'));
 * s.add(layout.columnOf('201'), Date.parse('2019-07-01T12:00:02Z'));
 * s.row; // the flattener's row for these two events
 * ```
 */
export class SessionState {
  /** The session id (changed only by {@link SessionState.reset}). */
  id: string;
  /** The feature vector, in schema order. */
  readonly row: Float64Array;
  /** Customer id of the session's first event that had one. */
  customer: string | undefined = undefined;
  /** Events applied. */
  events = 0;
  /** Time (epoch ms) of the first and of the latest event. */
  firstTime = 0;
  lastTime = 0;
  /** Action code string and time of the latest event, for duplicate detection. */
  lastAction = '';
  /** The scorer's clock at the session's latest event (idle expiry compares the clock with it). */
  seenAt = 0;
  /** Latest score, consecutive events at or over the threshold, and whether the session alerted. */
  score = 0;
  streak = 0;
  alerted = false;
  /** With several models: the latest score of each and the runs of the models after the first. */
  scores: Float64Array | undefined = undefined;
  streaks: Uint32Array | undefined = undefined;
  /** Links of the scorer's recency list (see `LruSessions`). */
  newer: SessionState | null = null;
  older: SessionState | null = null;

  readonly #layout: FeatureLayout;
  readonly #exactStdGaps: number;
  readonly #maxGaps: number;
  readonly #counts: Float64Array | null;
  #previous = -1;
  #other = 0;
  #gapSum = 0;
  #gapMin = Infinity;
  #gapMax = 0;
  #under = 0;
  #gaps: Float64Array;
  #median: GapMedian | null;
  #welfordMean = 0;
  #welfordM2 = 0;

  constructor(id: string, layout: FeatureLayout, exactStdGaps = EXACT_STD_GAPS, maxGaps = MAX_SESSION_GAPS) {
    this.id = id;
    this.#layout = layout;
    this.#exactStdGaps = exactStdGaps;
    this.#maxGaps = maxGaps;
    this.row = new Float64Array(layout.width);
    // Shares without counts still need the counts somewhere.
    this.#counts = layout.countAt < 0 && layout.sharesAt >= 0 ? new Float64Array(layout.size) : null;
    this.#gaps = new Float64Array(layout.timingAt >= 0 ? 8 : 0);
    this.#median = layout.timingAt >= 0 ? new GapMedian() : null;
  }

  /**
   * Makes this state a new, empty session with id `id`, as a fresh `SessionState` over the same
   * layout and limits would be, keeping its storage: a scorer recycles the states of expired
   * sessions so that a stream of short sessions allocates nothing per session.
   *
   * @example
   * ```ts
   * state.reset('s2');
   * state.add(layout.columnOf('111'), Date.parse('2019-07-01T13:00:00Z'));
   * state.row; // the flattener's row for s2's one event, as a new SessionState('s2', layout) gives
   * ```
   */
  reset(id: string): void {
    this.id = id;
    this.customer = undefined;
    this.events = 0;
    this.firstTime = 0;
    this.lastTime = 0;
    this.lastAction = '';
    this.seenAt = 0;
    this.score = 0;
    this.streak = 0;
    this.alerted = false;
    this.scores?.fill(0);
    this.streaks?.fill(0);
    this.newer = null;
    this.older = null;
    this.row.fill(0);
    this.#counts?.fill(0);
    this.#previous = -1;
    this.#other = 0;
    this.#gapSum = 0;
    this.#gapMin = Infinity;
    this.#gapMax = 0;
    this.#under = 0;
    // The kept gaps need no clearing: gap i is written before it is read.
    this.#median?.clear();
    this.#welfordMean = 0;
    this.#welfordM2 = 0;
  }

  /**
   * Applies one event: `column` is the action's vocabulary index, as `layout.columnOf` gives it
   * (negative for a code the vocabulary lacks, counted in `other_actions` and breaking the bigram
   * chain, as in the flattener; `-2 - g` also counts it in action group `g`), and `time` its epoch
   * milliseconds.
   */
  add(column: number, time: number): void {
    const L = this.#layout;
    const row = this.row;
    const n = ++this.events;
    if (column < 0) {
      this.#other++;
      if (L.otherAt >= 0) row[L.otherAt] = this.#other;
    } else if (L.countAt >= 0) {
      row[L.countAt + column]!++;
    } else if (this.#counts !== null) {
      this.#counts[column]!++;
    }
    if (L.pairs !== null) {
      const previous = this.#previous;
      if (previous >= 0 && column >= 0) {
        const key = previous * L.size + column;
        const k = L.pairs instanceof Int32Array ? L.pairs[key]! : (L.pairs.get(key) ?? -1);
        if (k >= 0) row[L.bigramAt + k]!++;
      }
      this.#previous = column;
    }
    if (L.timingAt >= 0) this.#addTime(n, time);
    else if (n === 1) this.firstTime = time;
    this.lastTime = time;
    if (L.sharesAt >= 0) {
      const counts = this.#counts ?? row;
      const at = this.#counts === null ? L.countAt : 0;
      for (let c = 0; c < L.size; c++) row[L.sharesAt + c] = counts[at + c]! / n;
    }
    if (L.groups > 0) {
      const g = column >= 0 ? L.groupOfColumn[column]! : -2 - column;
      if (g >= 0) row[L.groupAt + g]!++;
      for (let k = 0; k < L.groups; k++) row[L.groupAt + L.groups + k] = row[L.groupAt + k]! / n;
    }
  }

  #addTime(n: number, time: number): void {
    const row = this.row;
    const t = this.#layout.timingAt;
    row[t] = n;
    if (n === 1) {
      this.firstTime = time;
      // One event: duration 0 and 60 events per minute, every gap feature 0.
      row[t + 9] = 60;
      return;
    }
    const gap = (time - this.lastTime) / 1000;
    const m = n - 1;
    this.#gapSum += gap;
    if (gap < this.#gapMin) this.#gapMin = gap;
    if (gap > this.#gapMax) this.#gapMax = gap;
    if (gap < 1) this.#under++;
    // The median's heaps are the one part of a session's state that grows with its events: beyond
    // maxGaps gaps, gap_median_s stays the median of the first maxGaps gaps (the scorer counts them).
    if (m <= this.#maxGaps) this.#median!.push(gap);
    const duration = (time - this.firstTime) / 1000;
    const mean = this.#gapSum / m;
    let std: number;
    const delta = gap - this.#welfordMean;
    this.#welfordMean += delta / m;
    this.#welfordM2 += delta * (gap - this.#welfordMean);
    if (m <= this.#exactStdGaps) {
      if (m > this.#gaps.length) {
        const grown = new Float64Array(this.#gaps.length * 2);
        grown.set(this.#gaps);
        this.#gaps = grown;
      }
      const gaps = this.#gaps;
      gaps[m - 1] = gap;
      let squares = 0;
      for (let i = 0; i < m; i++) {
        const d = gaps[i]! - mean;
        squares += d * d;
      }
      std = Math.sqrt(squares / m);
    } else {
      std = Math.sqrt(this.#welfordM2 / m);
    }
    row[t + 1] = duration;
    row[t + 2] = mean;
    row[t + 3] = this.#median!.median();
    row[t + 4] = this.#gapMin;
    row[t + 5] = this.#gapMax;
    row[t + 6] = std;
    row[t + 7] = mean > 0 ? std / mean : 0;
    row[t + 8] = this.#under / m;
    row[t + 9] = (60 * n) / Math.max(duration, 1);
  }
}
