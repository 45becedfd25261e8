import { InvalidArgumentError } from '../errors.js';
import { Booster } from '../model/booster.js';
import { DEFAULT_EXPLAIN_TOP, explainRows, type FeatureContribution } from '../model/explain-rows.js';
import { parseTime } from '../events/parse-time.js';
import { isRepeatedEvent } from '../events/duplicate-events.js';
import type { FeatureSchema } from '../sessions/feature-schema.js';
import { type AlertPolicy, alertPolicy, alertsAt, nextStreak } from './alert-policy.js';
import { compileForest } from './compiled-forest.js';
import { EventClock } from './event-clock.js';
import { LiveEventError } from './live-errors.js';
import { LruSessions } from './lru-sessions.js';
import {
  EXACT_STD_GAPS,
  type FeatureLayout,
  MAX_SESSION_GAPS,
  SessionState,
  compileFeatureLayout,
} from './session-state.js';

/** What a live scorer needs of a model: `Booster` fits. */
export interface LiveModel {
  /** Number of features the model expects: the schema's feature count. */
  readonly numFeature: number;
  /** The probability of one feature row (no allocation on the hot path). */
  predictRow(row: ArrayLike<number>): number;
}

/**
 * One event as the scorer takes it. Extra fields are allowed and ignored.
 *
 * - `session`: the session id (`SessionNo`); numbers are turned into their decimal string.
 * - `time`: epoch milliseconds, or a timestamp string as in the logs (`2019-07-01 12:34:56.789`, UTC).
 * - `action`: the action code (`Act`); numbers are turned into their decimal string.
 * - `customer`: optional customer id (`CustID`), carried by alerts.
 */
export interface LiveEvent {
  readonly session: string | number;
  readonly time: number | string;
  readonly action: string | number;
  readonly customer?: string | number;
  readonly [field: string]: unknown;
}

/** Why an event was not applied (see the `duplicates`, `outOfOrder` and `aheadOfClock` options). */
export type IgnoredReason = 'duplicate' | 'outOfOrder' | 'ahead';

/** The session's state after an event. */
export interface LiveScore {
  readonly session: string;
  /** The model's probability for the session's events so far. */
  readonly score: number;
  /** Events of the session applied so far. */
  readonly eventsSeen: number;
  /** Whether the session has alerted (at this event or before; alerts latch). */
  readonly alert: boolean;
  /** Whether it alerted at this event. */
  readonly newlyAlerted: boolean;
  /** Set when the event was not applied; the other fields are the session's unchanged state. */
  readonly ignored?: IgnoredReason;
  /** With several models (`models` option): each model's probability, in the models' order; `score` is the first's. */
  readonly scores?: readonly number[];
}

/** An alert: a session crossed the alert policy. */
export interface LiveAlert {
  readonly session: string;
  /** The session's customer id, when its events carried one. */
  readonly customer: string | undefined;
  readonly score: number;
  readonly eventsSeen: number;
  /** Event time (epoch ms) of the event that raised it. */
  readonly time: number;
  /** The name of the model whose policy raised it (the first that did, in the models' order). */
  readonly model: string;
  /**
   * With the `explain` option: why that model flagged the session, its top features by TreeSHAP
   * contribution to the margin at the alerting event, largest first (`formatContributions` writes
   * them as `downloads: +2.1, gap_cv: +0.9`).
   */
  readonly explanation?: readonly FeatureContribution[];
}

/** A snapshot of one live session. */
export interface LiveSessionView {
  readonly session: string;
  readonly customer: string | undefined;
  readonly eventsSeen: number;
  readonly score: number;
  readonly alert: boolean;
  /** Consecutive events at or over the threshold, up to the latest. */
  readonly streak: number;
  /** Times (epoch ms) of the first and latest events. */
  readonly firstTime: number;
  readonly lastTime: number;
  /** A copy of the feature vector, in `schema.featureNames` order. */
  readonly features: Float64Array;
}

/** Counters of a {@link LiveScorer}, for monitoring and tests. */
export interface LiveScorerStats {
  /** Events applied (ignored ones not included). */
  readonly events: number;
  /** Sessions held now. */
  readonly sessions: number;
  /** Sessions started (a session that expired and came back counts again). */
  readonly sessionsStarted: number;
  /** Sessions dropped after `idleTimeoutMs` without events (in event time). */
  readonly expired: number;
  /** Sessions dropped to stay within `maxSessions` (least recently seen first). */
  readonly evicted: number;
  /** Exact duplicates seen (dropped unless `duplicates: 'keep'`). */
  readonly duplicates: number;
  /** Events earlier than their session's latest event (clamped, or dropped with `outOfOrder: 'drop'`). */
  readonly outOfOrder: number;
  /** Events whose action code the schema's vocabulary lacks (counted in `other_actions`). */
  readonly unseenActions: number;
  /** Alerts raised. */
  readonly alerts: number;
  /** Alerts an `alerts()` iterator lost because its consumer fell more than `alertBuffer` behind. */
  readonly alertsDropped: number;
  /** Events more than `maxClockLeadMs` ahead of the clock (applied to their session only, or dropped). */
  readonly ahead: number;
  /** Times the clock jumped forward or was corrected back because `clockQuorum` sessions agreed. */
  readonly clockMoves: number;
  /** Gaps left out of `gap_median_s` because their session already held `maxSessionGaps` gaps. */
  readonly gapsOverCap: number;
  /** The scorer's clock (epoch ms; see {@link LiveScorerOptions.maxClockLeadMs}), `-Infinity` before any event. */
  readonly clock: number;
}

/**
 * One of several models a {@link LiveScorer} scores every event with (the `models` option): the
 * model, its name (carried by alerts) and its own alert threshold.
 */
export interface LiveScorerModel {
  readonly name: string;
  readonly model: LiveModel;
  /** This model's alert threshold in [0, 1]. */
  readonly threshold: number;
}

/** Options of {@link LiveScorer}. */
export interface LiveScorerOptions {
  /**
   * The model; `Booster` fits. Its `numFeature` must equal the schema's feature count. Give this and `threshold`, or
   * `models`.
   */
  readonly model?: LiveModel;
  /**
   * Several models scored on every event, all over the same `schema` (for example a model trained
   * on session prefixes and one trained on whole sessions, as `trainLiveDetector` makes). The
   * combination rule is "any": each model keeps its own run of consecutive events at or over its
   * own threshold, and a session alerts when any model's run reaches `sustain` at or after the
   * session's `minEvents`-th event. Thresholds for this rule are what `chooseAlertPolicy`
   * calibrates. Give this, or `model` and `threshold`.
   */
  readonly models?: readonly LiveScorerModel[];
  /** The feature schema the model was trained on (`flattener.toSchema()`). */
  readonly schema: FeatureSchema;
  /** Alert threshold in [0, 1]: a score `>= threshold` counts towards an alert. Required with `model`. */
  readonly threshold?: number;
  /** No alert before a session's `minEvents`-th event. Default 1. */
  readonly minEvents?: number;
  /** Consecutive events at or over the threshold needed to alert. Default 1. */
  readonly sustain?: number;
  /**
   * A session with no event for longer than this (in event time: the scorer's clock is the latest
   * event time seen, so replays are deterministic) is dropped, and a later event with its id
   * starts a new session. Default 30 minutes.
   */
  readonly idleTimeoutMs?: number;
  /**
   * How far (ms) an event may lead the clock. An event further ahead (a bogus `1e300`, a source
   * sending local time) does not move the clock, so it cannot expire other sessions; it is
   * counted in `stats().ahead` and handled by `aheadOfClock`. The clock jumps only when
   * `clockQuorum` distinct sessions are ahead (traffic resuming after a quiet period). Default
   * 5 minutes; `Infinity` trusts every time. See {@link EventClock}.
   */
  readonly maxClockLeadMs?: number;
  /** Distinct sessions that must agree to move the clock by more than `maxClockLeadMs`. Default 3. */
  readonly clockQuorum?: number;
  /**
   * An event more than `maxClockLeadMs` ahead of the clock: `'isolate'` (default) applies it to
   * its own session only (its time governs nothing else); `'drop'` ignores it (`ignored: 'ahead'`).
   */
  readonly aheadOfClock?: 'isolate' | 'drop';
  /**
   * Gaps per session kept for `gap_median_s`; beyond them the median stays that of the first
   * `maxSessionGaps` gaps (counted in `stats().gapsOverCap`), so one session of millions of
   * events holds about `8 · (width + exactStdGaps + maxSessionGaps)` bytes. Default 16 384.
   */
  readonly maxSessionGaps?: number;
  /** Most sessions held; beyond it the least recently seen is evicted. Default 100 000. */
  readonly maxSessions?: number;
  /**
   * An event with the same session, time and action as the session's latest event: `'drop'` it
   * (a retried delivery; default) or `'keep'` it (count it as a new event).
   */
  readonly duplicates?: 'drop' | 'keep';
  /**
   * An event earlier than its session's latest event: `'clamp'` (default) counts it with its time
   * raised to the session's latest time, so its gap is 0 and no timing feature goes backwards;
   * `'drop'` ignores it. Either way it is counted in `stats().outOfOrder`.
   */
  readonly outOfOrder?: 'clamp' | 'drop';
  /** Sessions with more gaps than this compute `gap_std_s` in O(1) (see `SessionState`). Default 4096. */
  readonly exactStdGaps?: number;
  /**
   * Explain each alert: `true` (the top 5 features) or `{ top: k }` gives every alert an
   * `explanation`, the top `k` features by TreeSHAP contribution of the model that raised it
   * (models must be `Booster`s). Computed for the alerting event only, so events that do not alert
   * cost nothing more. Default `false`.
   */
  readonly explain?: boolean | { readonly top?: number };
  /** Called with every alert, synchronously, before `push` returns. */
  readonly onAlert?: (alert: LiveAlert) => void;
  /** Alerts an `alerts()` iterator buffers for a slow consumer before dropping the oldest. Default 10 000. */
  readonly alertBuffer?: number;
  /** Wall clock for {@link LiveScorer.sweep} without an argument. Default: the event clock. */
  readonly now?: () => number;
  /**
   * Score a `Booster` through `compileForest` (bit-identical to `predictRow`, about twice as
   * fast). Default `true`; other models, and forests too large to compile, use `predictRow`.
   */
  readonly compileModel?: boolean;
}

type AlertListener = (alert: LiveAlert) => void;

interface AlertQueue {
  readonly items: LiveAlert[];
  wake: (() => void) | null;
}

const THIRTY_MINUTES = 30 * 60_000;
/** Most dropped session states kept for reuse: enough for a steady stream, little after a mass expiry. */
const MAX_SPARE_STATES = 1024;

/** Internal method of {@link LiveScorer}: `pushParsed` without its result object (`replay` uses it). */
export const APPLY_EVENT: unique symbol = Symbol('LiveScorer.applyEvent');
/** Internal method of {@link LiveScorer}: an action code's feature column, as {@link APPLY_EVENT} takes it. */
export const COLUMN_OF: unique symbol = Symbol('LiveScorer.columnOf');
/**
 * Results of the {@link APPLY_EVENT} method: applied, the session not alerted; applied, the session
 * alerted before; applied and newly alerted; not applied, and why.
 */
export const APPLIED = 0;
export const ALERTED = 1;
export const NEWLY_ALERTED = 2;
export const IGNORED_AHEAD = 3;
export const IGNORED_OUT_OF_ORDER = 4;
export const IGNORED_DUPLICATE = 5;

/**
 * Scores sessions while they happen: each event updates its session's features incrementally
 * (counts, bigrams, timing — no re-flattening; see `SessionState` for the cost per event)
 * and scores the feature vector with the model's one-row path. After every event the features
 * equal `SessionFlattener.flatten(Truncators.firstN(k)(log))`'s row for the session's first k
 * events, bit for bit, and the score equals `Booster.predict` on that row.
 *
 * Alerts follow {@link AlertPolicy} (threshold, `minEvents`, `sustain`) and arrive three ways: the
 * `onAlert` callback, `on('alert', listener)`, and the async iterator `alerts()`.
 *
 * Memory is bounded: sessions idle for `idleTimeoutMs` of event time expire, and beyond
 * `maxSessions` the least recently seen session is evicted (both O(1); counted in `stats()`).
 * The states of up to 1 024 dropped sessions are kept and reused for new sessions, so a steady
 * stream of sessions allocates nothing per session.
 * Exact duplicates are dropped and out-of-order events clamped by default (see the options).
 *
 * @example
 * ```ts
 * const scorer = new LiveScorer({ model: booster, schema: flattener.toSchema(), threshold: 0.9, sustain: 2 });
 * scorer.on('alert', (a) => block(a.customer, a.session));
 * scorer.push({ session: '10001', time: '2019-07-01 12:00:00.000', action: '111', customer: '101441' });
 * const r = scorer.push({ session: '10001', time: '2019-07-01 12:00:01.250', action: '401' });
 * r.score; r.eventsSeen; r.alert; // 0.0213…, 2, false
 * for await (const alert of scorer.alerts()) console.log(alert.session, alert.score);
 * ```
 */
export class LiveScorer {
  /** The feature schema scored. */
  readonly schema: FeatureSchema;
  /** The alert policy of the first model, defaults filled. */
  readonly policy: AlertPolicy;
  /** The models' names and alert policies, in order (one entry for a single `model`). */
  readonly policies: readonly { readonly name: string; readonly policy: AlertPolicy }[];
  readonly #score: (row: ArrayLike<number>) => number;
  readonly #others: readonly { readonly score: (row: ArrayLike<number>) => number; readonly policy: AlertPolicy }[];
  readonly #layout: FeatureLayout;
  readonly #sessions = new LruSessions();
  readonly #idle: number;
  readonly #max: number;
  readonly #dropDuplicates: boolean;
  readonly #dropOutOfOrder: boolean;
  readonly #exactStdGaps: number;
  readonly #maxGaps: number;
  readonly #timeline: EventClock;
  readonly #dropAhead: boolean;
  readonly #onAlert: AlertListener | undefined;
  readonly #alertBuffer: number;
  readonly #now: (() => number) | undefined;
  /** With `explain`: the models (Boosters), in the policies' order, and how many features to list. */
  readonly #explain: { readonly models: readonly Booster[]; readonly top: number } | undefined;
  readonly #listeners = new Set<AlertListener>();
  readonly #queues = new Set<AlertQueue>();
  readonly #columnCache = new Map<string, number>();
  /** States of dropped sessions, reset and reused for new ones (see `SessionState.reset`). */
  readonly #spare: SessionState[] = [];
  /** Per feature column of a first event (see `SessionState.add`), the models' scores of that one-event row; null unless every model is a Booster. */
  readonly #firstScores: Map<number, Float64Array> | null;
  /** The session state of the latest event applied (see {@link APPLY_EVENT}). */
  #current: SessionState | undefined = undefined;
  #closed = false;
  #events = 0;
  #ahead = 0;
  #clockMoves = 0;
  #gapsOverCap = 0;
  #started = 0;
  #expired = 0;
  #evicted = 0;
  #duplicates = 0;
  #outOfOrder = 0;
  #unseen = 0;
  #alerts = 0;
  #alertsDropped = 0;

  constructor(options: LiveScorerOptions) {
    const where = 'LiveScorer';
    if (typeof options !== 'object' || options === null)
      throw new InvalidArgumentError(where, 'options', options, 'an options object with model, schema and threshold');
    const {
      model,
      models,
      schema,
      threshold,
      minEvents = 1,
      sustain = 1,
      idleTimeoutMs = THIRTY_MINUTES,
      maxSessions = 100_000,
      duplicates = 'drop',
      outOfOrder = 'clamp',
      exactStdGaps = EXACT_STD_GAPS,
      maxClockLeadMs,
      clockQuorum,
      aheadOfClock = 'isolate',
      maxSessionGaps = MAX_SESSION_GAPS,
      onAlert,
      alertBuffer = 10_000,
      now,
      compileModel = true,
      explain = false,
    } = options;
    const entries = scoredModels(model, threshold, models, where);
    if (schema === null || typeof schema !== 'object' || !Array.isArray(schema.featureNames)) {
      throw new InvalidArgumentError(where, 'schema', schema, 'a FeatureSchema (flattener.toSchema())');
    }
    this.#layout = compileFeatureLayout(schema);
    this.policies = entries.map((e, i) => {
      const name = entries.length === 1 ? 'model' : `models[${i}]`;
      if (e.model.numFeature !== this.#layout.width) {
        throw new InvalidArgumentError(
          where,
          `${name}.numFeature`,
          e.model.numFeature,
          `${this.#layout.width}, the schema's feature count (was the model trained on these features?)`,
        );
      }
      return {
        name: e.name,
        policy: alertPolicy(
          { threshold: e.threshold, minEvents, sustain },
          entries.length === 1 ? where : `${where} ${name}`,
        ),
      };
    });
    this.policy = this.policies[0]!.policy;
    if (!(idleTimeoutMs > 0))
      throw new InvalidArgumentError(
        where,
        'idleTimeoutMs',
        idleTimeoutMs,
        'a positive number of milliseconds (Infinity for never)',
      );
    if (!Number.isSafeInteger(maxSessions) || maxSessions < 1)
      throw new InvalidArgumentError(where, 'maxSessions', maxSessions, 'an integer ≥ 1');
    if (duplicates !== 'drop' && duplicates !== 'keep')
      throw new InvalidArgumentError(where, 'duplicates', duplicates, "'drop' or 'keep'");
    if (outOfOrder !== 'clamp' && outOfOrder !== 'drop')
      throw new InvalidArgumentError(where, 'outOfOrder', outOfOrder, "'clamp' or 'drop'");
    if (!Number.isSafeInteger(exactStdGaps) || exactStdGaps < 0)
      throw new InvalidArgumentError(where, 'exactStdGaps', exactStdGaps, 'an integer ≥ 0');
    if (aheadOfClock !== 'isolate' && aheadOfClock !== 'drop')
      throw new InvalidArgumentError(where, 'aheadOfClock', aheadOfClock, "'isolate' or 'drop'");
    if (!Number.isSafeInteger(maxSessionGaps) || maxSessionGaps < 0)
      throw new InvalidArgumentError(where, 'maxSessionGaps', maxSessionGaps, 'an integer ≥ 0');
    this.#timeline = new EventClock({ maxLeadMs: maxClockLeadMs, quorum: clockQuorum }, where);
    if (!Number.isSafeInteger(alertBuffer) || alertBuffer < 1)
      throw new InvalidArgumentError(where, 'alertBuffer', alertBuffer, 'an integer ≥ 1');
    if (onAlert !== undefined && typeof onAlert !== 'function')
      throw new InvalidArgumentError(where, 'onAlert', onAlert, 'a function');
    this.#explain = explainOption(explain, entries, where);
    this.schema = schema;
    const scorers = entries.map(
      ({ model: m }) =>
        (compileModel && m instanceof Booster ? compileForest(m) : null) ??
        ((row: ArrayLike<number>) => m.predictRow(row)),
    );
    this.#score = scorers[0]!;
    // A Booster's score is a function of the row alone, and a session's row after its first event
    // depends only on that event's action: those scores are computed once per action.
    this.#firstScores = entries.every(({ model: m }) => m instanceof Booster) ? new Map() : null;
    this.#others = scorers.slice(1).map((score, i) => ({ score, policy: this.policies[i + 1]!.policy }));
    this.#idle = idleTimeoutMs;
    this.#max = maxSessions;
    this.#dropDuplicates = duplicates === 'drop';
    this.#dropOutOfOrder = outOfOrder === 'drop';
    this.#exactStdGaps = exactStdGaps;
    this.#maxGaps = maxSessionGaps;
    this.#dropAhead = aheadOfClock === 'drop';
    this.#onAlert = onAlert;
    this.#alertBuffer = alertBuffer;
    this.#now = now;
  }

  /**
   * Applies one event and scores its session. Throws {@link LiveEventError} for a malformed event
   * (nothing is changed then).
   *
   * @example
   * ```ts
   * const { score, alert, newlyAlerted } = scorer.push({ session: 's1', time: Date.now(), action: '401' });
   * ```
   */
  push(event: LiveEvent): LiveScore {
    if (typeof event !== 'object' || event === null)
      throw new LiveEventError('LiveScorer.push', 'event', event, 'an object { session, time, action }');
    const session = sessionId(event.session, 'LiveScorer.push');
    const action = actionCode(event.action, 'LiveScorer.push');
    const time = eventTime(event.time, 'LiveScorer.push');
    const customer = event.customer === undefined || event.customer === null ? undefined : String(event.customer);
    return this.pushParsed(session, action, time, customer);
  }

  /**
   * {@link LiveScorer.push} for each event in order. Every event is checked first, so a malformed
   * one (a {@link LiveEventError} naming its index in `line`, from 1) changes nothing.
   *
   * @example
   * ```ts
   * const results = scorer.pushMany(batch); // one LiveScore per event
   * ```
   */
  pushMany(events: readonly LiveEvent[]): LiveScore[] {
    if (!Array.isArray(events))
      throw new InvalidArgumentError('LiveScorer.pushMany', 'events', events, 'an array of events');
    const parsed = events.map((event, i) => parseLiveEvent(event, 'LiveScorer.pushMany', i + 1));
    return parsed.map((e) => this.pushParsed(e.session, e.action, e.time, e.customer));
  }

  /**
   * The core of {@link LiveScorer.push}, for already-checked fields: the session id, the action
   * code, the event time in epoch milliseconds (finite) and the customer id.
   *
   * @example
   * ```ts
   * scorer.pushParsed('s1', '401', 1561982400000, '101441');
   * ```
   */
  pushParsed(session: string, action: string, time: number, customer?: string): LiveScore {
    const applied = this[APPLY_EVENT](session, action, time, customer);
    const state = this.#current;
    if (state === undefined)
      return { session, score: 0, eventsSeen: 0, alert: false, newlyAlerted: false, ignored: 'ahead' };
    return this.#result(
      state,
      applied === NEWLY_ALERTED,
      applied === IGNORED_AHEAD
        ? 'ahead'
        : applied === IGNORED_OUT_OF_ORDER
          ? 'outOfOrder'
          : applied === IGNORED_DUPLICATE
            ? 'duplicate'
            : undefined,
    );
  }

  /**
   * {@link LiveScorer.pushParsed} without building its result, for `replay`'s loop over a whole
   * log: applies the event (alerts, counters and expiry exactly as `pushParsed`) and returns what
   * happened as a number (`APPLIED`, `ALERTED`, `NEWLY_ALERTED` or an `IGNORED_*` code), the
   * session's state left in `#current` (undefined for an ignored event of an unknown session).
   * `column`, when given, is `action`'s column as `COLUMN_OF` gives it (`replay` looks the
   * log's action codes up once rather than once per event).
   */
  [APPLY_EVENT](session: string, action: string, time: number, customer: string | undefined, column?: number): number {
    if (this.#closed)
      throw new InvalidArgumentError('LiveScorer.push', 'scorer', 'closed', 'open (close() was called)');
    const sessions = this.#sessions;
    const seen = this.#timeline.observe(session, time);
    if (seen.moved !== null) this.#clockMoved(seen.moved, seen.corroborating);
    const clock = this.#timeline.now;
    let state = sessions.get(session);
    this.#current = state;
    if (seen.ahead) {
      this.#ahead++;
      if (this.#dropAhead) return IGNORED_AHEAD;
    }
    // Idle in event time; seenAt stops a session whose own time ran ahead of the clock from never expiring.
    if (state !== undefined && clock - Math.min(state.lastTime, state.seenAt) > this.#idle) {
      this.#drop(state);
      this.#expired++;
      state = undefined;
    }
    let t = time;
    if (state === undefined) {
      state = this.#spare.pop();
      if (state === undefined) state = new SessionState(session, this.#layout, this.#exactStdGaps, this.#maxGaps);
      else state.reset(session);
      sessions.add(state);
      this.#started++;
    } else {
      sessions.touch(state);
      if (t < state.lastTime) {
        this.#outOfOrder++;
        this.#current = state;
        if (this.#dropOutOfOrder) return IGNORED_OUT_OF_ORDER;
        t = state.lastTime;
      } else if (isRepeatedEvent(state.lastTime, state.lastAction, t, action)) {
        this.#duplicates++;
        this.#current = state;
        if (this.#dropDuplicates) return IGNORED_DUPLICATE;
      }
    }
    this.#current = state;
    if (state.customer === undefined && customer !== undefined) state.customer = customer;
    if (column === undefined) column = this.#columnCache.get(action);
    if (column === undefined) {
      column = this.#layout.columnOf(action);
      // Unknown codes are cached too, up to a bound, so a flood of junk codes cannot grow memory.
      if (column >= 0 || this.#columnCache.size < 65_536) this.#columnCache.set(action, column);
    }
    if (column < 0) this.#unseen++;
    state.add(column, t);
    state.seenAt = clock;
    if (state.events - 1 > this.#maxGaps && this.#layout.timingAt >= 0) this.#gapsOverCap++;
    state.lastAction = action;
    this.#events++;
    const firstScores = state.events === 1 ? this.#firstScores : null;
    let first = firstScores?.get(column);
    if (firstScores !== null && first === undefined) {
      first = new Float64Array(1 + this.#others.length);
      first[0] = this.#score(state.row);
      for (let k = 0; k < this.#others.length; k++) first[k + 1] = this.#others[k]!.score(state.row);
      firstScores.set(column, first);
    }
    const score = first === undefined ? this.#score(state.row) : first[0]!;
    state.score = score;
    state.streak = nextStreak(this.policy, score, state.streak);
    let raisedBy = alertsAt(this.policy, state.streak, state.events) ? 0 : -1;
    if (this.#others.length > 0) {
      // Kept in place (a recycled state keeps its arrays); `pushParsed` copies them into its result.
      const scores = (state.scores ??= new Float64Array(1 + this.#others.length));
      scores[0] = score;
      const streaks = (state.streaks ??= new Uint32Array(this.#others.length));
      for (let k = 0; k < this.#others.length; k++) {
        const other = this.#others[k]!;
        const s = first === undefined ? other.score(state.row) : first[k + 1]!;
        scores[k + 1] = s;
        const streak = nextStreak(other.policy, s, streaks[k]!);
        streaks[k] = streak;
        if (raisedBy < 0 && alertsAt(other.policy, streak, state.events)) raisedBy = k + 1;
      }
    }
    let newly = false;
    if (!state.alerted && raisedBy >= 0) {
      state.alerted = true;
      newly = true;
    }
    this.#expireIdle(state);
    if (sessions.size > this.#max) {
      this.#drop(sessions.oldest!);
      this.#evicted++;
    }
    if (newly) {
      const alert: LiveAlert = {
        session,
        customer: state.customer,
        score,
        eventsSeen: state.events,
        time: t,
        model: this.policies[raisedBy]!.name,
      };
      this.#emit(this.#explain === undefined ? alert : { ...alert, explanation: this.#explanation(state, raisedBy) });
    }
    return newly ? NEWLY_ALERTED : state.alerted ? ALERTED : APPLIED;
  }

  /** The feature column of an action code (negative when the vocabulary lacks it), for `APPLY_EVENT`. */
  [COLUMN_OF](action: string): number {
    return this.#layout.columnOf(action);
  }

  /**
   * Expires every session idle for longer than `idleTimeoutMs` before `at` (default: the `now`
   * option's clock, else the latest event time). Returns how many expired. Useful when traffic
   * stops: expiry otherwise happens as events arrive.
   *
   * @example
   * ```ts
   * setInterval(() => scorer.sweep(Date.now()), 60_000).unref();
   * ```
   */
  sweep(at?: number): number {
    const clock = at ?? this.#now?.() ?? this.#timeline.now;
    if (!Number.isFinite(clock)) return 0;
    let n = 0;
    for (const state of [...this.#sessions]) {
      if (clock - Math.min(state.lastTime, state.seenAt) > this.#idle) {
        this.#drop(state);
        n++;
      }
    }
    this.#expired += n;
    return n;
  }

  /**
   * A snapshot of a live session, or `undefined` when it is not held (never seen, expired or
   * evicted).
   *
   * @example
   * ```ts
   * scorer.session('10001')?.features; // Float64Array in schema.featureNames order
   * ```
   */
  session(id: string): LiveSessionView | undefined {
    const s = this.#sessions.get(String(id));
    if (s === undefined) return undefined;
    return {
      session: s.id,
      customer: s.customer,
      eventsSeen: s.events,
      score: s.score,
      alert: s.alerted,
      streak: s.streak,
      firstTime: s.firstTime,
      lastTime: s.lastTime,
      features: s.row.slice(),
    };
  }

  /**
   * The counters: events, sessions held and started, expired, evicted, duplicates, out-of-order,
   * unseen actions, alerts.
   *
   * @example
   * ```ts
   * const { evicted, expired } = scorer.stats();
   * ```
   */
  stats(): LiveScorerStats {
    return {
      events: this.#events,
      sessions: this.#sessions.size,
      sessionsStarted: this.#started,
      expired: this.#expired,
      evicted: this.#evicted,
      duplicates: this.#duplicates,
      outOfOrder: this.#outOfOrder,
      unseenActions: this.#unseen,
      alerts: this.#alerts,
      alertsDropped: this.#alertsDropped,
      ahead: this.#ahead,
      clockMoves: this.#clockMoves,
      gapsOverCap: this.#gapsOverCap,
      clock: this.#timeline.now,
    };
  }

  /**
   * Calls `listener` with every alert (EventEmitter style). Returns the scorer.
   *
   * @example
   * ```ts
   * scorer.on('alert', ({ session, customer, score }) => console.log(session, customer, score));
   * ```
   */
  on(event: 'alert', listener: AlertListener): this {
    if (event !== 'alert') throw new InvalidArgumentError('LiveScorer.on', 'event', event, "'alert'");
    if (typeof listener !== 'function')
      throw new InvalidArgumentError('LiveScorer.on', 'listener', listener, 'a function');
    this.#listeners.add(listener);
    return this;
  }

  /**
   * Removes a listener added with {@link LiveScorer.on}.
   *
   * @example
   * ```ts
   * scorer.off('alert', listener);
   * ```
   */
  off(event: 'alert', listener: AlertListener): this {
    if (event === 'alert') this.#listeners.delete(listener);
    return this;
  }

  /**
   * The alerts raised from now on, as an async iterator; it ends when the scorer is closed (or the
   * loop breaks). A consumer more than `alertBuffer` alerts behind loses the oldest (counted in
   * `stats().alertsDropped`).
   *
   * @example
   * ```ts
   * for await (const alert of scorer.alerts()) await block(alert.session);
   * ```
   */
  alerts(): AsyncIterableIterator<LiveAlert> {
    const queue: AlertQueue = { items: [], wake: null };
    this.#queues.add(queue);
    const queues = this.#queues;
    const closed = (): boolean => this.#closed;
    const iterator: AsyncIterableIterator<LiveAlert> = {
      async next(): Promise<IteratorResult<LiveAlert>> {
        for (;;) {
          const item = queue.items.shift();
          if (item !== undefined) return { value: item, done: false };
          if (closed() || !queues.has(queue)) return { value: undefined, done: true };
          await new Promise<void>((resolve) => {
            queue.wake = resolve;
          });
        }
      },
      async return(): Promise<IteratorResult<LiveAlert>> {
        queues.delete(queue);
        queue.wake?.();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  /**
   * Ends every `alerts()` iterator (after they drain) and refuses further events. Idempotent.
   *
   * @example
   * ```ts
   * scorer.close();
   * ```
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const q of this.#queues) q.wake?.();
  }

  /** Whether {@link LiveScorer.close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  #clockMoved(direction: 'forward' | 'back', corroborating: readonly string[]): void {
    this.#clockMoves++;
    const now = this.#timeline.now;
    // seenAt must not decrease along the recency list (expiry walks it from the oldest).
    if (direction === 'back') for (const s of this.#sessions) s.seenAt = Math.min(s.seenAt, now);
    for (const id of corroborating) {
      const s = this.#sessions.get(id);
      if (s === undefined) continue;
      s.seenAt = now;
      this.#sessions.touch(s);
    }
  }

  /** Removes a held session and keeps its state for reuse (up to {@link MAX_SPARE_STATES}). */
  #drop(state: SessionState): void {
    this.#sessions.remove(state);
    if (this.#spare.length < MAX_SPARE_STATES) this.#spare.push(state);
  }

  #expireIdle(current: SessionState): void {
    const limit = this.#timeline.now - this.#idle;
    for (let s = this.#sessions.oldest; s !== null && s !== current && s.seenAt < limit; s = this.#sessions.oldest) {
      this.#drop(s);
      this.#expired++;
    }
  }

  #result(state: SessionState, newlyAlerted: boolean, ignored: IgnoredReason | undefined): LiveScore {
    // Built whole (no spreads), with the keys always in this order: session, score, eventsSeen,
    // alert, newlyAlerted, then scores and ignored when present.
    const { id: session, score, events: eventsSeen, alerted: alert } = state;
    if (state.scores === undefined)
      return ignored === undefined
        ? { session, score, eventsSeen, alert, newlyAlerted }
        : { session, score, eventsSeen, alert, newlyAlerted, ignored };
    const scores = Array.from(state.scores);
    return ignored === undefined
      ? { session, score, eventsSeen, alert, newlyAlerted, scores }
      : { session, score, eventsSeen, alert, newlyAlerted, scores, ignored };
  }

  // Why the model that raised an alert flagged the session: TreeSHAP of its current row.
  #explanation(state: SessionState, model: number): readonly FeatureContribution[] {
    const { models, top } = this.#explain!;
    const row = { data: state.row, rows: 1, columns: this.#layout.width };
    return explainRows(models[model]!, row, { top, names: this.schema.featureNames })[0]!;
  }

  #emit(alert: LiveAlert): void {
    this.#alerts++;
    for (const q of this.#queues) {
      if (q.items.length >= this.#alertBuffer) {
        q.items.shift();
        this.#alertsDropped++;
      }
      q.items.push(alert);
      const wake = q.wake;
      q.wake = null;
      wake?.();
    }
    this.#onAlert?.(alert);
    for (const listener of this.#listeners) listener(alert);
  }
}

function explainOption(
  explain: LiveScorerOptions['explain'],
  entries: readonly LiveScorerModel[],
  where: string,
): { readonly models: readonly Booster[]; readonly top: number } | undefined {
  if (explain === false) return undefined;
  const top = explain === true ? DEFAULT_EXPLAIN_TOP : (explain?.top ?? DEFAULT_EXPLAIN_TOP);
  if (explain !== true && (explain === null || typeof explain !== 'object'))
    throw new InvalidArgumentError(where, 'explain', explain, 'true, false or { top: k }');
  if (!Number.isSafeInteger(top) || top < 1)
    throw new InvalidArgumentError(where, 'explain.top', top, 'an integer ≥ 1');
  const models = entries.map((e, i) => {
    if (!(e.model instanceof Booster))
      throw new InvalidArgumentError(
        where,
        entries.length === 1 ? 'model' : `models[${i}].model`,
        e.model,
        'a Booster when explain is on (explanations are TreeSHAP contributions of the model)',
      );
    return e.model;
  });
  return { models, top };
}

function scoredModels(
  model: LiveModel | undefined,
  threshold: number | undefined,
  models: readonly LiveScorerModel[] | undefined,
  where: string,
): readonly LiveScorerModel[] {
  const isModel = (m: unknown): m is LiveModel =>
    m !== null && typeof m === 'object' && typeof (m as LiveModel).predictRow === 'function';
  if (models !== undefined) {
    if (model !== undefined || threshold !== undefined)
      throw new InvalidArgumentError(
        where,
        'models',
        'given with model or threshold',
        'either models, or model and threshold',
      );
    if (!Array.isArray(models) || models.length === 0)
      throw new InvalidArgumentError(where, 'models', models, 'a non-empty array of { name, model, threshold }');
    const names = new Set<string>();
    models.forEach((m: LiveScorerModel, i) => {
      if (m === null || typeof m !== 'object' || !isModel(m.model))
        throw new InvalidArgumentError(
          where,
          `models[${i}].model`,
          m?.model,
          'a model with predictRow() and numFeature (a Booster)',
        );
      if (typeof m.name !== 'string' || m.name.length === 0 || names.has(m.name))
        throw new InvalidArgumentError(
          where,
          `models[${i}].name`,
          m.name,
          "a non-empty name, distinct from the other models'",
        );
      names.add(m.name);
    });
    return models;
  }
  if (!isModel(model))
    throw new InvalidArgumentError(where, 'model', model, 'a model with predictRow() and numFeature (a Booster)');
  return [{ name: 'model', model, threshold: threshold as number }];
}

/** One event's checked fields. */
export interface ParsedLiveEvent {
  readonly session: string;
  readonly action: string;
  /** Epoch milliseconds. */
  readonly time: number;
  readonly customer: string | undefined;
}

/**
 * Checks one {@link LiveEvent} and normalises its fields (ids and codes as strings, the time as
 * epoch ms). Throws {@link LiveEventError} naming the field (and `line` when given).
 *
 * @example
 * ```ts
 * parseLiveEvent({ session: 10001, time: '2019-07-01 00:00:01', action: 111 });
 * // { session: '10001', action: '111', time: 1561939201000, customer: undefined }
 * ```
 */
export function parseLiveEvent(event: LiveEvent, where = 'parseLiveEvent', line?: number): ParsedLiveEvent {
  if (typeof event !== 'object' || event === null || Array.isArray(event))
    throw new LiveEventError(where, 'event', event, 'an object { session, time, action }', line);
  const customer = event.customer;
  if (
    customer !== undefined &&
    customer !== null &&
    typeof customer !== 'string' &&
    !(typeof customer === 'number' && Number.isFinite(customer))
  ) {
    throw new LiveEventError(where, 'customer', customer, 'a string or number', line);
  }
  return {
    session: sessionId(event.session, where, line),
    action: actionCode(event.action, where, line),
    time: eventTime(event.time, where, line),
    customer: customer === undefined || customer === null ? undefined : String(customer),
  };
}

function sessionId(value: unknown, where: string, line?: number, field = 'session'): string {
  if (typeof value === 'string' && value.length > 0 && value.length <= 256) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new LiveEventError(
    where,
    field,
    value,
    'a non-empty session id (string of at most 256 characters, or a number)',
    line,
  );
}

function actionCode(value: unknown, where: string, line?: number, field = 'action'): string {
  if (typeof value === 'string' && value.length > 0 && value.length <= 256) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new LiveEventError(
    where,
    field,
    value,
    'a non-empty action code (string of at most 256 characters, or a number)',
    line,
  );
}

function eventTime(value: unknown, where: string, line?: number, field = 'time'): number {
  const t =
    typeof value === 'number' ? value : typeof value === 'string' && value.length <= 64 ? parseTime(value) : Number.NaN;
  if (Number.isFinite(t)) return t;
  throw new LiveEventError(
    where,
    field,
    value,
    'epoch milliseconds or a timestamp like "2019-07-01 12:34:56.789"',
    line,
  );
}

/** @internal Field checks shared with the event service, which names the log schema's fields. */
export const checkField = { sessionId, actionCode, eventTime };
