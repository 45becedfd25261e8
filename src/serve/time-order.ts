import type { EventLog } from '../events/event-log.js';

/** A log's events in the order a live system sees them (see {@link timeOrder}). */
export interface TimeOrder {
  /** Event positions (into `log.offsets` space), in arrival order. */
  readonly positions: Uint32Array;
  /** The session of each arrival. */
  readonly sessionOf: Uint32Array;
  /** The event time of each arrival (epoch ms), or the arrival's index for a log without times. */
  readonly times: Float64Array;
  /** Whether `times` are the log's own (false: a log without times, replayed in log order). */
  readonly timed: boolean;
}

/**
 * The events of a log in arrival order: by event time with sessions interleaved, ties keeping the
 * log's order (so a session's equal-time events keep theirs). A log without times (such as HDFS)
 * arrives in log order, session after session, with synthetic times one millisecond apart, so no
 * session goes idle while its events arrive.
 *
 * @example
 * ```ts
 * const { positions, sessionOf, times } = timeOrder(log);
 * log.actionAt(positions[0]); // the first event to arrive
 * ```
 */
export function timeOrder(log: EventLog): TimeOrder {
  const sessions = log.sessionCount;
  const base = log.offsets[0]!;
  const total = log.offsets[sessions]! - base;
  const positions = new Uint32Array(total);
  const sessionOf = new Uint32Array(total);
  let i = 0;
  for (let s = 0; s < sessions; s++) {
    for (let p = log.offsets[s]!; p < log.offsets[s + 1]!; p++) {
      positions[i] = p;
      sessionOf[i++] = s;
    }
  }
  const logTimes = log.times;
  if (logTimes === null) {
    const times = new Float64Array(total);
    for (let k = 0; k < total; k++) times[k] = k;
    return { positions, sessionOf, times, timed: false };
  }
  const timeAt = new Float64Array(total);
  for (let k = 0; k < total; k++) timeAt[k] = logTimes[log.event(positions[k]!)]!;
  const order = Array.from({ length: total }, (_, k) => k);
  order.sort((a, b) => timeAt[a]! - timeAt[b]! || a - b);
  const sortedPositions = new Uint32Array(total);
  const sortedSessions = new Uint32Array(total);
  const times = new Float64Array(total);
  for (let k = 0; k < total; k++) {
    const from = order[k]!;
    sortedPositions[k] = positions[from]!;
    sortedSessions[k] = sessionOf[from]!;
    times[k] = timeAt[from]!;
  }
  return { positions: sortedPositions, sessionOf: sortedSessions, times, timed: true };
}
