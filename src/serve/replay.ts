import { InvalidArgumentError } from '../errors.js';
import type { EventLog } from '../events/event-log.js';
import type { PartialSessionSeries } from '../eval/report-html.js';
import { MissingTimesError } from '../sessions/session-errors.js';
import {
  ALERTED,
  APPLY_EVENT,
  COLUMN_OF,
  type LiveScorer,
  type LiveScorerStats,
  NEWLY_ALERTED,
} from './live-scorer.js';
import { timeOrder } from './time-order.js';

/** Options of {@link replay}. */
export interface ReplayOptions {
  /**
   * The longest prefix reported in `recall`/`fpr` by events seen (1, 2, … N). Default: the
   * longest session of the log, at most 1 000.
   */
  readonly maxEventsSeen?: number;
  /** The extra column of the log holding the customer id carried by alerts. Default `'CustID'` (absent is fine). */
  readonly customerColumn?: string;
}

/** A median and 90th percentile (numpy's default linear interpolation); NaN when there is no value. */
export interface Quantiles {
  readonly median: number;
  readonly p90: number;
  /** How many values they summarise. */
  readonly count: number;
}

/** What {@link replay} measured. */
export interface ReplayReport {
  readonly sessions: number;
  readonly attackerSessions: number;
  readonly innocentSessions: number;
  readonly events: number;
  /** 1, 2, … N: the prefix lengths of `recall` and `fpr`. */
  readonly eventsSeen: Uint32Array;
  /**
   * Share of attacker sessions alerted within their first `eventsSeen[i]` events (a session
   * shorter than that counts with all of its events, as `Truncators.firstN` keeps it whole).
   */
  readonly recall: Float64Array;
  /** Share of innocent sessions alerted within their first `eventsSeen[i]` events. */
  readonly fpr: Float64Array;
  /** Attacker sessions alerted at some point, and the share of them. */
  readonly caught: number;
  readonly finalRecall: number;
  /** Innocent sessions alerted at some point, their share, and per 10 000 innocent sessions. */
  readonly falseAlerts: number;
  readonly finalFpr: number;
  readonly falseAlertsPer10k: number;
  /** Ids of the attacker sessions never alerted. */
  readonly neverCaught: readonly string[];
  /** Over caught attacker sessions: events up to and including the alerting one. */
  readonly eventsToFirstAlert: Quantiles;
  /**
   * Over caught attacker sessions: milliseconds from the session's first event to the alerting one (NaN for a log
   * without times).
   */
  readonly timeToFirstAlertMs: Quantiles;
  /** Per session of the log: the event number (from 1) that raised its first alert, 0 for none. */
  readonly alertAt: Uint32Array;
  /** The scorer's counters after the replay (expiries and evictions change what was measured). */
  readonly scorerStats: LiveScorerStats;
  /** Wall time of the replay and the events per second it sustained. */
  readonly wallMs: number;
  readonly eventsPerSecond: number;
}

/**
 * Runs a labelled log through a live scorer event by event in time order, sessions interleaved as
 * production sees them (ties keep the log's order), and measures how early attacks are caught:
 * recall and false-positive rate against events seen, events and time to the first alert of
 * attacker sessions (median, p90), false alerts per 10 000 innocent sessions, and the attacker
 * sessions never caught. The honest partial-session measure: what a blocking system would have
 * done, with every alert raised at the moment it would have been.
 *
 * A log without times (such as HDFS) is replayed in log order, session after session, when the
 * scorer's schema has no timing features (else `MissingTimesError`); `timeToFirstAlertMs` is then
 * not measured (NaN, count 0).
 *
 * Give it a fresh scorer (its alert callbacks fire as usual). Sessions the scorer expires or
 * evicts start over when they come back; `scorerStats` shows whether that happened, so choose
 * `idleTimeoutMs` and `maxSessions` as in production.
 *
 * @example
 * ```ts
 * const scorer = new LiveScorer({ model: booster, schema, threshold: 0.8, sustain: 2 });
 * const report = replay(testLog, scorer);
 * report.recall[4];           // share of attacks caught within 5 events
 * report.eventsToFirstAlert;  // { median: 6, p90: 14, count: 9 }
 * renderReport({ title, experiments, partialSessions: replaySeries(report, 'live, sustain 2') });
 * ```
 */
export function replay(log: EventLog, scorer: LiveScorer, options: ReplayOptions = {}): ReplayReport {
  const where = 'replay';
  const { customerColumn = 'CustID' } = options;
  if (log.times === null && scorer.schema.features.timing) throw new MissingTimesError(where);
  const sessions = log.sessionCount;
  let longest = 0;
  for (let s = 0; s < sessions; s++) longest = Math.max(longest, log.sessionLength(s));
  const { maxEventsSeen = Math.min(Math.max(longest, 1), 1000) } = options;
  if (!Number.isSafeInteger(maxEventsSeen) || maxEventsSeen < 1)
    throw new InvalidArgumentError(where, 'options.maxEventsSeen', maxEventsSeen, 'an integer ≥ 1');
  const { positions, sessionOf, times: timeAt, timed } = timeOrder(log);
  const total = positions.length;

  const extra = log.extras[customerColumn];
  // The customer of each event as the scorer takes it: a string, or undefined.
  const customerCodes = extra?.kind === 'string' ? extra.codes : null;
  const customerNames = extra?.kind === 'string' ? extra.dictionary : null;
  const customerValues = extra !== undefined && extra.kind !== 'string' ? extra.values : null;

  const seen = new Uint32Array(sessions);
  const alertAt = new Uint32Array(sessions);
  const firstTime = new Float64Array(sessions);
  const alertDelay = new Float64Array(sessions).fill(Number.NaN);
  const ids = log.sessionIds;
  const actionCodes = log.actions;
  const actionNames = log.actionDictionary;
  const columnOf = Int32Array.from(actionNames, (action) => scorer[COLUMN_OF](action));
  const eventIndex = log.eventIndex;
  const started = performance.now();
  for (let k = 0; k < total; k++) {
    const s = sessionOf[k]!;
    const p = positions[k]!;
    const e = eventIndex === null ? p : eventIndex[p]!;
    const t = timeAt[k]!;
    if (seen[s] === 0) firstTime[s] = t;
    seen[s]!++;
    let customer: string | undefined;
    if (customerCodes !== null) {
      const code = customerCodes[e]!;
      customer = code < 0 ? undefined : customerNames![code];
    } else if (customerValues !== null) {
      customer = String(customerValues[e]);
    }
    const code = actionCodes[e]!;
    const applied = scorer[APPLY_EVENT](ids[s]!, actionNames[code]!, t, customer, columnOf[code]);
    // An applied event (not ignored) of a session that has alerted, now or before.
    if ((applied === ALERTED || applied === NEWLY_ALERTED) && alertAt[s] === 0) {
      alertAt[s] = seen[s]!;
      alertDelay[s] = t - firstTime[s]!;
    }
  }
  const wallMs = performance.now() - started;

  const n = maxEventsSeen;
  const caughtBy = [new Float64Array(n + 1), new Float64Array(n + 1)];
  let attackers = 0;
  const neverCaught: string[] = [];
  const eventsToAlert: number[] = [];
  const timeToAlert: number[] = [];
  let falseAlerts = 0;
  let caught = 0;
  for (let s = 0; s < sessions; s++) {
    const label = log.labels[s] === 1 ? 1 : 0;
    attackers += label;
    const at = alertAt[s]!;
    if (at > 0 && at <= n) caughtBy[label]![at]!++;
    if (label === 1) {
      if (at > 0) {
        caught++;
        eventsToAlert.push(at);
        timeToAlert.push(alertDelay[s]!);
      } else {
        neverCaught.push(log.sessionIds[s]!);
      }
    } else if (at > 0) {
      falseAlerts++;
    }
  }
  const innocents = sessions - attackers;
  const eventsSeen = new Uint32Array(n);
  const recall = new Float64Array(n);
  const fpr = new Float64Array(n);
  let cumAttack = 0;
  let cumInnocent = 0;
  for (let k = 1; k <= n; k++) {
    cumAttack += caughtBy[1]![k]!;
    cumInnocent += caughtBy[0]![k]!;
    eventsSeen[k - 1] = k;
    recall[k - 1] = attackers === 0 ? 0 : cumAttack / attackers;
    fpr[k - 1] = innocents === 0 ? 0 : cumInnocent / innocents;
  }
  return {
    sessions,
    attackerSessions: attackers,
    innocentSessions: innocents,
    events: total,
    eventsSeen,
    recall,
    fpr,
    caught,
    finalRecall: attackers === 0 ? 0 : caught / attackers,
    falseAlerts,
    finalFpr: innocents === 0 ? 0 : falseAlerts / innocents,
    falseAlertsPer10k: innocents === 0 ? 0 : (falseAlerts / innocents) * 10_000,
    neverCaught,
    eventsToFirstAlert: quantiles(eventsToAlert),
    timeToFirstAlertMs: timed ? quantiles(timeToAlert) : quantiles([]),
    alertAt,
    scorerStats: scorer.stats(),
    wallMs,
    eventsPerSecond: wallMs > 0 ? total / (wallMs / 1000) : Number.POSITIVE_INFINITY,
  };
}

/**
 * The median and 90th percentile of some values, interpolated linearly between order statistics
 * as `numpy.percentile` does by default; NaN for no values.
 *
 * @example
 * ```ts
 * quantiles([1, 2, 3, 4]); // { median: 2.5, p90: 3.7, count: 4 }
 * ```
 */
export function quantiles(values: readonly number[]): Quantiles {
  const sorted = Float64Array.from(values).sort();
  return { median: percentile(sorted, 0.5), p90: percentile(sorted, 0.9), count: sorted.length };
}

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/**
 * The replay's recall and FPR against events seen in the HTML report's partial-session chart
 * input shape (`renderReport({ partialSessions })`).
 *
 * @example
 * ```ts
 * renderReport({ title: 'Live scoring', experiments, partialSessions: replaySeries(report, 'threshold 0.8') });
 * ```
 */
export function replaySeries(report: ReplayReport, name = 'live replay'): PartialSessionSeries {
  return {
    name,
    eventsSeen: Array.from(report.eventsSeen),
    recall: Array.from(report.recall),
    fpr: Array.from(report.fpr),
  };
}
