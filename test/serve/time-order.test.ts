import { describe, expect, it } from 'vitest';
import { buildEventLog } from '../../src/events/event-log-builder.js';
import type { EventLog } from '../../src/events/event-log.js';
import { timeOrder } from '../../src/serve/time-order.js';
import { Truncators } from '../../src/sessions/truncators.js';
import { generateTestWeek } from '../../src/synth/generate-week.js';
import { syntheticEventLog } from '../../src/synth/synthetic-log.js';

/** A log of sessions `s` with events at `times` (input order), one action, labels 0. */
function logOf(sessions: number[], times: number[]): EventLog {
  const count = Math.max(...sessions) + 1;
  return buildEventLog({
    sessions: Int32Array.from(sessions),
    sessionIds: Array.from({ length: count }, (_, s) => `s${s}`),
    labels: new Uint8Array(count),
    actions: new Int32Array(sessions.length),
    actionDictionary: ['111'],
    times: Float64Array.from(times),
  });
}

/** The definition written out: positions in log order, then a stable sort by time (ECMAScript's sort is stable). */
function reference(log: EventLog): { positions: number[]; sessionOf: number[]; times: number[] } {
  const arrivals: { p: number; s: number; t: number }[] = [];
  for (let s = 0; s < log.sessionCount; s++)
    for (let p = log.offsets[s]!; p < log.offsets[s + 1]!; p++) arrivals.push({ p, s, t: log.times![log.event(p)]! });
  arrivals.sort((a, b) => a.t - b.t);
  return { positions: arrivals.map((a) => a.p), sessionOf: arrivals.map((a) => a.s), times: arrivals.map((a) => a.t) };
}

function plain(order: ReturnType<typeof timeOrder>): { positions: number[]; sessionOf: number[]; times: number[] } {
  return { positions: [...order.positions], sessionOf: [...order.sessionOf], times: [...order.times] };
}

describe('timeOrder', () => {
  it('interleaves sessions by time, ties in log order (session by session, then within a session)', () => {
    // Session 0: times 5, 7, 7; session 1: 5, 6; session 2: 7. Log positions: s0 0..2, s1 3..4, s2 5.
    const log = logOf([0, 1, 0, 1, 2, 0], [5, 5, 7, 6, 7, 7]);
    const order = timeOrder(log);
    expect([...order.positions]).toEqual([0, 3, 4, 1, 2, 5]);
    expect([...order.sessionOf]).toEqual([0, 1, 1, 0, 0, 2]);
    expect([...order.times]).toEqual([5, 5, 6, 7, 7, 7]);
    expect(order.timed).toBe(true);
  });

  it('gives the stable sort of the definition on a generated week (radix sort of the 32-bit time offsets)', () => {
    const log = syntheticEventLog(generateTestWeek({ seed: 3, sessions: 8000, attackers: 20 }));
    expect(log.eventCount).toBeGreaterThan(50_000);
    expect(plain(timeOrder(log))).toEqual(reference(log));
  });

  it('gives the same order for fractional milliseconds, negative times and spans too wide to pack (comparison sort)', () => {
    const times = [0.5, -3, 1e15, 0.25, 0.5, -3, 2, 1e15, 0.25];
    const sessions = [0, 1, 2, 0, 1, 2, 0, 1, 2];
    const fractional = logOf(sessions, times);
    expect(plain(timeOrder(fractional))).toEqual(reference(fractional));
    const wide = logOf(
      sessions,
      times.map((t) => Math.round(t)),
    );
    expect(plain(timeOrder(wide))).toEqual(reference(wide));
    const negative = logOf(sessions, [-5, -5, -1, -7, -1, 0, -7, -5, 3]);
    expect(plain(timeOrder(negative))).toEqual(reference(negative));
  });

  it('gives the same order for integer spans at the radix sort limit (2^32 − 1 ms) and past it (packed keys)', () => {
    const sessions = [0, 1, 2, 0, 1, 2, 0, 1, 2, 0];
    for (const span of [2 ** 32 - 1, 2 ** 32, 2 ** 40]) {
      // Every 11-bit digit differs somewhere, and ties sit in several sessions.
      const times = [span, 0, 2047, span, 2048, 2 ** 22, 2 ** 22 + 1, 0, span - 1, 2047].map(
        (t) => t + 1_500_000_000_000,
      );
      const log = logOf(sessions, times);
      expect(plain(timeOrder(log))).toEqual(reference(log));
    }
  });

  it('gives the stable sort of the definition on a truncated log (an event index over shared columns)', () => {
    const week = syntheticEventLog(generateTestWeek({ seed: 4, sessions: 3000, attackers: 10 }));
    for (const truncation of [Truncators.lastN(3), Truncators.dropPercent(0.3, { seed: 2 })]) {
      const log = Truncators.apply(week, truncation);
      expect(log.eventIndex).not.toBeNull();
      expect(plain(timeOrder(log))).toEqual(reference(log));
    }
  });

  it('replays a log without times in log order with times 0, 1, 2, …', () => {
    const log = buildEventLog({
      sessions: Int32Array.from([1, 0, 1]),
      sessionIds: ['a', 'b'],
      labels: new Uint8Array(2),
      actions: new Int32Array(3),
      actionDictionary: ['111'],
      times: null,
    });
    const order = timeOrder(log);
    expect([...order.positions]).toEqual([0, 1, 2]);
    expect([...order.sessionOf]).toEqual([0, 1, 1]);
    expect([...order.times]).toEqual([0, 1, 2]);
    expect(order.timed).toBe(false);
  });
});
