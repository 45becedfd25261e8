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
  const order = sortedByTime(timeAt);
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

/**
 * The indices of `times` ordered by time, ties by index (a stable sort). Integer times spanning
 * less than 2^32 milliseconds (seven weeks) are ordered by a least-significant-digit radix sort
 * of their offsets from the earliest, three stable passes of 11 bits with no comparison at all;
 * integer times spanning few enough milliseconds that time and index pack into one exact double
 * (`(t − min) · 2^b + k` below 2^53) sort the packed keys natively; other times use a comparator.
 * The order is the same either way.
 */
function sortedByTime(times: Float64Array): Uint32Array | number[] {
  const total = times.length;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let integral = true;
  for (let k = 0; k < total; k++) {
    const t = times[k]!;
    if (t < min) min = t;
    if (t > max) max = t;
    if (!Number.isInteger(t)) integral = false;
  }
  if (total > 0 && integral && max - min < 2 ** 32) return radixOrder(times, min);
  const indexBits = Math.max(1, Math.ceil(Math.log2(total + 1)));
  const scale = 2 ** indexBits;
  if (total > 0 && integral && (max - min + 1) * scale <= Number.MAX_SAFE_INTEGER) {
    const keys = new Float64Array(total);
    for (let k = 0; k < total; k++) keys[k] = (times[k]! - min) * scale + k;
    keys.sort();
    const order = new Uint32Array(total);
    for (let k = 0; k < total; k++) {
      const key = keys[k]!;
      order[k] = key - Math.floor(key / scale) * scale;
    }
    return order;
  }
  const order = Array.from({ length: total }, (_, k) => k);
  order.sort((a, b) => times[a]! - times[b]! || a - b);
  return order;
}

const DIGIT_BITS = 11;
const DIGITS = 1 << DIGIT_BITS;

/**
 * The stable order of integer `times` whose offsets from `min` fit in 32 bits: an LSD radix sort
 * moving (offset, index) pairs, skipping a pass whose digit is the same for every time.
 */
function radixOrder(times: Float64Array, min: number): Uint32Array {
  const total = times.length;
  let keys = new Uint32Array(total);
  let order = new Uint32Array(total);
  for (let k = 0; k < total; k++) {
    keys[k] = times[k]! - min;
    order[k] = k;
  }
  let nextKeys = new Uint32Array(total);
  let nextOrder = new Uint32Array(total);
  const start = new Uint32Array(DIGITS);
  for (let shift = 0; shift < 32; shift += DIGIT_BITS) {
    start.fill(0);
    for (let k = 0; k < total; k++) start[(keys[k]! >>> shift) & (DIGITS - 1)]!++;
    if (start[(keys[0]! >>> shift) & (DIGITS - 1)] === total) continue;
    let sum = 0;
    for (let d = 0; d < DIGITS; d++) {
      const c = start[d]!;
      start[d] = sum;
      sum += c;
    }
    for (let k = 0; k < total; k++) {
      const key = keys[k]!;
      const at = start[(key >>> shift) & (DIGITS - 1)]!++;
      nextKeys[at] = key;
      nextOrder[at] = order[k]!;
    }
    [keys, nextKeys] = [nextKeys, keys];
    [order, nextOrder] = [nextOrder, order];
  }
  return order;
}
