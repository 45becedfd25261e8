import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { buildEventLog } from '../../src/events/event-log-builder.js';

describe('buildEventLog', () => {
  it('groups events by session code and orders them by time within a session', () => {
    const log = buildEventLog({
      sessions: new Int32Array([1, 0, 1]),
      sessionIds: ['a', 'b'],
      labels: new Uint8Array([0, 1]),
      actions: new Int32Array([0, 1, 1]),
      actionDictionary: ['111', '201'],
      times: new Float64Array([20, 5, 10]),
    });
    expect(log.offsets).toEqual(new Uint32Array([0, 1, 3]));
    expect([0, 1, 2].map((p) => log.actionAt(p))).toEqual(['201', '201', '111']);
    expect(log.times).toEqual(new Float64Array([5, 10, 20]));
    expect(log.sourceNames).toEqual(['<memory>']);
  });

  it('is stable: events with equal keys keep their input order, also in long shuffled sessions', () => {
    const n = 5000;
    let seed = 3;
    const next = (): number => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const sessions = Int32Array.from({ length: n }, () => Math.floor(next() * 3));
    const times = Float64Array.from({ length: n }, () => Math.floor(next() * 20));
    const actions = Int32Array.from({ length: n }, (_, i) => i);
    const log = buildEventLog({
      sessions,
      sessionIds: ['x', 'y', 'z'],
      labels: new Uint8Array(3),
      actions,
      actionDictionary: [],
      times,
    });
    // The reference: Array.prototype.sort, stable since ES2019, on (session, time).
    const expected = Array.from({ length: n }, (_, i) => i).sort(
      (a, b) => sessions[a]! - sessions[b]! || times[a]! - times[b]!,
    );
    expect(Array.from(log.actions)).toEqual(expected);
  });

  it('sorts by sortKeys when given, and keeps input order when sortKeys is null', () => {
    const base = {
      sessions: new Int32Array([0, 0, 0]),
      sessionIds: ['s'],
      labels: new Uint8Array(1),
      actions: new Int32Array([0, 1, 2]),
      actionDictionary: ['a', 'b', 'c'],
    };
    expect(Array.from(buildEventLog({ ...base, sortKeys: new Float64Array([2, 0, 1]) }).actions)).toEqual([1, 2, 0]);
    expect(Array.from(buildEventLog({ ...base, times: new Float64Array([2, 0, 1]), sortKeys: null }).actions)).toEqual([
      0, 1, 2,
    ]);
  });

  it('sorts only the sessions a reader marked as out of order, trusting the others', () => {
    const base = {
      sessions: new Int32Array([0, 0, 1, 1]),
      sessionIds: ['a', 'b'],
      labels: new Uint8Array(2),
      actions: new Int32Array([0, 1, 2, 3]),
      actionDictionary: ['w', 'x', 'y', 'z'],
      times: new Float64Array([2, 1, 2, 1]),
    };
    expect(Array.from(buildEventLog(base).actions)).toEqual([1, 0, 3, 2]);
    expect(Array.from(buildEventLog({ ...base, unsortedSessions: new Uint8Array([1, 0]) }).actions)).toEqual([
      1, 0, 2, 3,
    ]);
  });

  it("builds the same log from a reader's event ranks and session lengths as from its own counting", () => {
    const n = 3000;
    let seed = 11;
    const next = (): number => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const sessions = Int32Array.from({ length: n }, (_, e) => (e < 40 ? e : Math.floor(next() * 40)));
    const lengths = new Uint32Array(40);
    const ranks = Uint32Array.from(sessions, (s) => lengths[s]!++);
    const columns = {
      sessions,
      sessionIds: Array.from({ length: 40 }, (_, s) => `s${s}`),
      labels: new Uint8Array(40),
      actions: Int32Array.from({ length: n }, (_, e) => e),
      actionDictionary: [],
      times: Float64Array.from({ length: n }, () => Math.floor(next() * 50)),
    };
    const counted = buildEventLog(columns);
    const hinted = buildEventLog({ ...columns, eventRanks: ranks, sessionLengths: lengths });
    expect(hinted.offsets).toEqual(counted.offsets);
    expect(hinted.actions).toEqual(counted.actions);
    expect(hinted.times).toEqual(counted.times);
  });

  it('rejects event ranks or session lengths that do not fit the events', () => {
    const base = {
      sessions: new Int32Array([0, 1, 0]),
      sessionIds: ['s', 't'],
      labels: new Uint8Array(2),
      actions: new Int32Array([0, 0, 0]),
      actionDictionary: ['a'],
    };
    expect(() =>
      buildEventLog({ ...base, eventRanks: new Uint32Array([0, 0, 2]), sessionLengths: new Uint32Array([2, 1]) }),
    ).toThrow('buildEventLog: eventRanks[2] must be below 2, got 2');
    expect(() =>
      buildEventLog({ ...base, eventRanks: new Uint32Array([0, 0, 1]), sessionLengths: new Uint32Array([2, 2]) }),
    ).toThrow('buildEventLog: sessionLengths must be 3 events, got "4 events"');
  });

  it('rejects inconsistent input with the argument named', () => {
    const base = {
      sessions: new Int32Array([0, 1]),
      sessionIds: ['s', 't'],
      labels: new Uint8Array(2),
      actions: new Int32Array([0, 0]),
      actionDictionary: ['a'],
    };
    expect(() => buildEventLog({ ...base, labels: new Uint8Array(1) })).toThrow(
      'buildEventLog: labels must be 2 entries, got "1 entries"',
    );
    expect(() => buildEventLog({ ...base, sessions: new Int32Array([0, 2]) })).toThrow(
      'buildEventLog: sessions[1] must be a session code in [0, 2), got 2',
    );
    expect(() => buildEventLog({ ...base, sessions: new Int32Array([0, 0]) })).toThrow(
      'sessionIds must be sessions that each have at least one event, got "t"',
    );
    expect(() => buildEventLog({ ...base, times: new Float64Array([0, Number.NaN]) })).toThrow(InvalidArgumentError);
  });
});
