import { EventLog } from '../../src/events/event-log.js';

/** One event of a hand-written test log. */
export interface TestEvent {
  readonly session: string;
  readonly action: string;
  /** Epoch milliseconds; leave out on every event for a log without times (like HDFS). */
  readonly time?: number;
  /** 1 for an attacker event; a session's label is the largest label of its events. */
  readonly label?: number;
}

/**
 * Builds an EventLog from events as a reader would: sessions in order of first appearance, events
 * stable-sorted by time within each session, action codes dictionary-encoded in order of first
 * appearance. With `shuffledStorage`, physical events are stored in a seeded random order and
 * reached through `eventIndex`, to exercise the index-view paths.
 */
export function makeLog(
  events: readonly TestEvent[],
  { shuffledStorage = false, seed = 1 }: { shuffledStorage?: boolean; seed?: number } = {},
): EventLog {
  const hasTimes = events.length > 0 && events.every((e) => e.time !== undefined);
  const bySession = new Map<string, number[]>();
  events.forEach((e, i) => {
    const list = bySession.get(e.session) ?? [];
    list.push(i);
    bySession.set(e.session, list);
  });
  const order: number[] = [];
  const sessionIds: string[] = [];
  const labels: number[] = [];
  const offsets = [0];
  for (const [id, list] of bySession) {
    if (hasTimes) list.sort((a, b) => events[a]!.time! - events[b]!.time! || a - b);
    order.push(...list);
    sessionIds.push(id);
    labels.push(Math.max(...list.map((i) => events[i]!.label ?? 0)));
    offsets.push(order.length);
  }
  const dictionary: string[] = [];
  const codeOf = new Map<string, number>();
  for (const e of events) {
    if (!codeOf.has(e.action)) {
      codeOf.set(e.action, dictionary.length);
      dictionary.push(e.action);
    }
  }
  // Physical slot of each sorted position: identity, or a seeded permutation.
  const slot = order.map((_, p) => p);
  if (shuffledStorage) {
    const next = mulberry32(seed);
    for (let i = slot.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [slot[i], slot[j]] = [slot[j]!, slot[i]!];
    }
  }
  const actions = new Int32Array(order.length);
  const times = hasTimes ? new Float64Array(order.length) : null;
  order.forEach((eventNo, p) => {
    actions[slot[p]!] = codeOf.get(events[eventNo]!.action)!;
    if (times !== null) times[slot[p]!] = events[eventNo]!.time!;
  });
  return new EventLog({
    sessionIds,
    labels: Uint8Array.from(labels),
    offsets: Uint32Array.from(offsets),
    eventIndex: shuffledStorage ? Uint32Array.from(slot) : null,
    actions,
    actionDictionary: dictionary,
    times,
    sources: new Uint16Array(order.length),
    sourceNames: ['<test>'],
    extras: {},
    skipped: { total: 0, byReason: {}, examples: [] },
  });
}

/** Options of {@link generateEvents}. */
export interface GenerateOptions {
  seed: number;
  sessions: number;
  /** Number of distinct action codes (named '101', '102', …). Default 37. */
  codes?: number;
  /** Share of attacker sessions. Default 0.05. */
  attackerShare?: number;
  /** Whether events carry times. Default true. */
  withTimes?: boolean;
}

/**
 * A seeded log of realistic shape for tests: session lengths from 1 to ~120 (many short, a few long),
 * skewed action frequencies, gaps that mix same-millisecond events, sub-second bursts and pauses of
 * minutes; sessions' events are interleaved in time, as in a real file.
 */
export function generateEvents({
  seed,
  sessions,
  codes = 37,
  attackerShare = 0.05,
  withTimes = true,
}: GenerateOptions): TestEvent[] {
  const next = mulberry32(seed);
  const events: TestEvent[] = [];
  const start = Date.UTC(2019, 6, 1, 12);
  for (let s = 0; s < sessions; s++) {
    const id = `S${(100000 + s * 7) % 1000003}`;
    const label = next() < attackerShare ? 1 : 0;
    const r = next();
    const length = r < 0.15 ? 1 : r < 0.9 ? 2 + Math.floor(next() * 18) : 20 + Math.floor(next() * 100);
    let t = start + Math.floor(next() * 3_600_000);
    for (let i = 0; i < length; i++) {
      const u = next();
      const action = String(101 + Math.min(codes - 1, Math.floor(codes * u * u)));
      const g = next();
      t +=
        g < 0.1
          ? 0
          : g < 0.45
            ? Math.floor(next() * 1000)
            : g < 0.95
              ? Math.floor(next() * 60_000)
              : Math.floor(next() * 900_000);
      events.push(withTimes ? { session: id, action, time: t, label } : { session: id, action, label });
    }
  }
  // Interleave sessions as a log file would, by time (a stable sort keeps same-time events in order).
  return withTimes
    ? events
        .map((e, i) => [e, i] as const)
        .sort((a, b) => a[0].time! - b[0].time! || a[1] - b[1])
        .map(([e]) => e)
    : events;
}

/** mulberry32 (Tommy Ettinger), a tiny seeded generator independent of the library's own. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A session as plain arrays, read position by position through the log's public accessors. */
export interface PlainSession {
  readonly id: string;
  readonly label: number;
  readonly actions: string[];
  readonly times: number[];
}

/** The obvious, slow view of a log: every session as plain arrays. */
export function plainSessions(log: EventLog): PlainSession[] {
  const out: PlainSession[] = [];
  for (let s = 0; s < log.sessionCount; s++) {
    const actions: string[] = [];
    const times: number[] = [];
    for (let p = log.offsets[s]!; p < log.offsets[s + 1]!; p++) {
      actions.push(log.actionAt(p));
      if (log.times !== null) times.push(log.times[log.event(p)]!);
    }
    out.push({ id: log.sessionIds[s]!, label: log.labels[s]!, actions, times });
  }
  return out;
}
