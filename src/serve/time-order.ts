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
  // In log order, arrival k is position base + k: the sessions' events are contiguous.
  const sessionOf = new Uint32Array(total);
  for (let s = 0; s < sessions; s++) sessionOf.fill(s, log.offsets[s]! - base, log.offsets[s + 1]! - base);
  const logTimes = log.times;
  if (logTimes === null) {
    const positions = new Uint32Array(total);
    const times = new Float64Array(total);
    for (let k = 0; k < total; k++) {
      positions[k] = base + k;
      times[k] = k;
    }
    return { positions, sessionOf, times, timed: false };
  }
  const timeAt = new Float64Array(total);
  const index = log.eventIndex;
  for (let k = 0; k < total; k++) timeAt[k] = logTimes[index === null ? base + k : index[base + k]!]!;
  const order = sortedByTime(timeAt);
  const sortedPositions = new Uint32Array(total);
  const sortedSessions = new Uint32Array(total);
  const times = new Float64Array(total);
  for (let k = 0; k < total; k++) {
    const from = order[k]!;
    sortedPositions[k] = base + from;
    sortedSessions[k] = sessionOf[from]!;
    times[k] = timeAt[from]!;
  }
  return { positions: sortedPositions, sessionOf: sortedSessions, times, timed: true };
}

/**
 * The indices of `times` ordered by time, ties by index (a stable sort). Integer times spanning
 * less than 2^32 milliseconds (seven weeks) are ordered by a least-significant-digit radix sort
 * of their offsets from the earliest, three stable passes (11, 11 and 10 bits) with no comparison;
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
 * moving (offset, index) pairs in three passes of 11, 11 and 10 bits, the three digit counts taken
 * in one scan, skipping a pass whose digit is the same for every time.
 */
function radixOrder(times: Float64Array, min: number): Uint32Array {
  const total = times.length;
  const mask = DIGITS - 1;
  let keys = new Uint32Array(total);
  let order = new Uint32Array(total);
  const counts = new Uint32Array(3 * DIGITS);
  for (let k = 0; k < total; k++) {
    const key = times[k]! - min;
    keys[k] = key;
    order[k] = k;
    counts[key & mask]!++;
    counts[DIGITS + ((key >>> DIGIT_BITS) & mask)]!++;
    counts[2 * DIGITS + (key >>> (2 * DIGIT_BITS))]!++;
  }
  let nextKeys = new Uint32Array(total);
  let nextOrder = new Uint32Array(total);
  for (let pass = 0; pass < 3; pass++) {
    const shift = pass * DIGIT_BITS;
    const at = pass * DIGITS;
    if (counts[at + ((keys[0]! >>> shift) & mask)] === total) continue;
    let sum = 0;
    for (let d = at; d < at + DIGITS; d++) {
      const c = counts[d]!;
      counts[d] = sum;
      sum += c;
    }
    for (let k = 0; k < total; k++) {
      const key = keys[k]!;
      const to = counts[at + ((key >>> shift) & mask)]!++;
      nextKeys[to] = key;
      nextOrder[to] = order[k]!;
    }
    [keys, nextKeys] = [nextKeys, keys];
    [order, nextOrder] = [nextOrder, order];
  }
  return order;
}
