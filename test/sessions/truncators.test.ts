import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import type { EventLog } from '../../src/events/event-log.js';
import { sessionStream } from '../../src/sessions/session-random.js';
import { type Truncation, truncateLog } from '../../src/sessions/truncation.js';
import { Truncators } from '../../src/sessions/truncators.js';
import { generateEvents, makeLog } from './make-log.js';

/** Physical events of each session, read the slow way through the log's accessors. */
function physicalSessions(log: EventLog): { id: string; label: number; events: number[] }[] {
  const out = [];
  for (let s = 0; s < log.sessionCount; s++) {
    const events: number[] = [];
    for (let p = log.offsets[s]!; p < log.offsets[s + 1]!; p++) events.push(log.event(p));
    out.push({ id: log.sessionIds[s]!, label: log.labels[s]!, events });
  }
  return out;
}

/** The obvious reference: each truncation on plain arrays with slice/filter. */
function reference(log: EventLog, t: Truncation): { id: string; label: number; events: number[] }[] {
  let sessions = physicalSessions(log);
  const apply = (t: Truncation): void => {
    switch (t.kind) {
      case 'none':
        return;
      case 'firstN':
        sessions = sessions.map((s) => ({ ...s, events: s.events.slice(0, t.n) }));
        return;
      case 'lastN':
        sessions = sessions.map((s) => ({
          ...s,
          events: s.events.length <= t.n ? s.events : s.events.slice(s.events.length - t.n),
        }));
        return;
      case 'middleN':
        sessions = sessions.map((s) => {
          if (s.events.length <= t.n) return s;
          const start = Math.floor((s.events.length - t.n) / 2);
          return { ...s, events: s.events.slice(start, start + t.n) };
        });
        return;
      case 'firstPercent':
        sessions = sessions.map((s) => ({
          ...s,
          events: s.events.slice(0, s.events.length === 0 ? 0 : Math.max(1, Math.round(t.p * s.events.length))),
        }));
        return;
      case 'minLength':
        sessions = sessions.filter((s) => s.events.length >= t.n);
        return;
      case 'dropPercent':
        sessions = sessions.map((s) => {
          // Selection sampling as documented: event i is dropped when u·(len − i) < (still to drop).
          const next = sessionStream(t.seed, s.id);
          let toDrop = Math.round(t.p * s.events.length);
          if (toDrop === 0) return s;
          const kept = s.events.filter((_, i) => {
            const drop = toDrop > 0 && next() * (s.events.length - i) < toDrop;
            if (drop) toDrop--;
            return !drop;
          });
          return { ...s, events: kept };
        });
        return;
      case 'compose':
        t.steps.forEach(apply);
        return;
    }
  };
  apply(t);
  return sessions;
}

const generated = makeLog(generateEvents({ seed: 11, sessions: 1500 }));
const shuffled = makeLog(generateEvents({ seed: 12, sessions: 800 }), { shuffledStorage: true, seed: 5 });

const cases: [string, Truncation][] = [
  ['none', Truncators.none()],
  ['firstN(1)', Truncators.firstN(1)],
  ['firstN(5)', Truncators.firstN(5)],
  ['firstN(10)', Truncators.firstN(10)],
  ['lastN(5)', Truncators.lastN(5)],
  ['lastN(10)', Truncators.lastN(10)],
  ['middleN(1)', Truncators.middleN(1)],
  ['middleN(4)', Truncators.middleN(4)],
  ['middleN(10)', Truncators.middleN(10)],
  ['firstPercent(0.01)', Truncators.firstPercent(0.01)],
  ['firstPercent(0.5)', Truncators.firstPercent(0.5)],
  ['firstPercent(1)', Truncators.firstPercent(1)],
  ['dropPercent(0)', Truncators.dropPercent(0, { seed: 3 })],
  ['dropPercent(0.2)', Truncators.dropPercent(0.2, { seed: 3 })],
  ['dropPercent(0.5)', Truncators.dropPercent(0.5, { seed: 9 })],
  ['dropPercent(1)', Truncators.dropPercent(1, { seed: 3 })],
  ['minLength(0)', Truncators.minLength(0)],
  ['minLength(10)', Truncators.minLength(10)],
  ['minLength(10) then firstN(10)', Truncators.compose(Truncators.minLength(10), Truncators.firstN(10))],
  [
    'dropPercent(0.3) then lastN(3) then minLength(3)',
    Truncators.compose(Truncators.dropPercent(0.3, { seed: 1 }), Truncators.lastN(3), Truncators.minLength(3)),
  ],
];

describe('Truncators', () => {
  describe.each([
    ['a generated log stored in session order', generated],
    ['a generated log stored in shuffled order behind an eventIndex', shuffled],
  ])('on %s', (_, log) => {
    it.each(cases)('%s keeps exactly the events the slice/filter reference keeps, in order', (_, truncation) => {
      const out = Truncators.apply(log, truncation);
      expect(physicalSessions(out)).toEqual(reference(log, truncation));
    });
  });

  it('shares the event columns and only builds new offsets and an eventIndex (no copies)', () => {
    const out = Truncators.apply(generated, Truncators.firstN(3));
    expect(out.actions).toBe(generated.actions);
    expect(out.times).toBe(generated.times);
    expect(out.sources).toBe(generated.sources);
    expect(out.eventIndex).toBeInstanceOf(Uint32Array);
    expect(out.eventIndex!.length).toBe(out.eventCount);
    expect(out.sessionIds).toBe(generated.sessionIds);
  });

  it('keeps sessions shorter than n whole with firstN, lastN and middleN', () => {
    const log = makeLog([
      { session: 'a', action: '1', time: 1 },
      { session: 'a', action: '2', time: 2 },
      { session: 'b', action: '3', time: 1 },
    ]);
    for (const t of [Truncators.firstN(5), Truncators.lastN(5), Truncators.middleN(5)]) {
      const out = Truncators.apply(log, t);
      expect([out.sessionLength(0), out.sessionLength(1)]).toEqual([2, 1]);
    }
  });

  it('middleN takes the window starting at floor((length - n) / 2), leaving the odd extra event at the end', () => {
    const log = makeLog(['1', '2', '3', '4', '5', '6'].map((action, i) => ({ session: 'a', action, time: i })));
    const out = Truncators.apply(log, Truncators.middleN(3));
    expect([0, 1, 2].map((i) => out.actionAt(out.offsets[0]! + i))).toEqual(['2', '3', '4']);
  });

  it('firstPercent keeps at least one event of each non-empty session, rounding half up otherwise', () => {
    const log = makeLog([
      ...Array.from({ length: 5 }, (_, i) => ({ session: 'five', action: 'x', time: i })),
      { session: 'one', action: 'x', time: 0 },
    ]);
    expect(lengths(Truncators.apply(log, Truncators.firstPercent(0.01)))).toEqual([1, 1]);
    expect(lengths(Truncators.apply(log, Truncators.firstPercent(0.5)))).toEqual([3, 1]); // round(2.5) = 3
    expect(lengths(Truncators.apply(log, Truncators.firstPercent(0.3)))).toEqual([2, 1]); // round(1.5) = 2
  });

  it('dropPercent drops round(p · length) events of every session (half up) and keeps p = 0 logs unchanged', () => {
    const log = makeLog(Array.from({ length: 5 }, (_, i) => ({ session: 'five', action: String(i), time: i })));
    expect(lengths(Truncators.apply(log, Truncators.dropPercent(0.1, { seed: 1 })))).toEqual([4]); // round(0.5) = 1
    expect(lengths(Truncators.apply(log, Truncators.dropPercent(0.5, { seed: 1 })))).toEqual([2]); // round(2.5) = 3
    expect(Truncators.apply(log, Truncators.dropPercent(0, { seed: 1 }))).toBe(log);
  });

  it('dropPercent(1) keeps every session, with no events; minLength(1) then drops them', () => {
    const empty = Truncators.apply(generated, Truncators.dropPercent(1, { seed: 4 }));
    expect(empty.sessionCount).toBe(generated.sessionCount);
    expect(empty.eventCount).toBe(0);
    expect(Truncators.apply(empty, Truncators.minLength(1)).sessionCount).toBe(0);
  });

  it('dropPercent is deterministic per (seed, session id): a subset or reordered log loses the same events per session', () => {
    const events = generateEvents({ seed: 21, sessions: 300 });
    const full = makeLog(events);
    const ids = [...new Set(events.map((e) => e.session))];
    // Every third session, in reverse order, each with its events in their original order.
    const subsetIds = ids.filter((_, i) => i % 3 === 0).reverse();
    const sub = makeLog(subsetIds.flatMap((id) => events.filter((e) => e.session === id)));
    const t = Truncators.dropPercent(0.4, { seed: 77 });
    const kept = (log: EventLog): Map<string, string> => {
      const out = Truncators.apply(log, t);
      const map = new Map<string, string>();
      for (let s = 0; s < out.sessionCount; s++) {
        const times: number[] = [];
        for (let p = out.offsets[s]!; p < out.offsets[s + 1]!; p++) times.push(out.times![out.event(p)]!);
        map.set(out.sessionIds[s]!, times.join(','));
      }
      return map;
    };
    const whole = kept(full);
    const part = kept(sub);
    expect([...part.keys()]).toEqual(subsetIds);
    for (const [id, times] of part) expect(times).toBe(whole.get(id));
    expect(kept(makeLog(events))).toEqual(whole);
    const reseeded = Truncators.apply(full, Truncators.dropPercent(0.4, { seed: 78 }));
    expect(reseeded.eventIndex).not.toEqual(Truncators.apply(full, t).eventIndex);
  });

  it('dropPercent chooses dropped events uniformly: each of 10 positions is dropped about p of the time (chi-square, 9 df, p > 0.001)', () => {
    const sessions = 4000;
    const log = makeLog(
      Array.from({ length: sessions * 10 }, (_, i) => ({
        session: `u${Math.floor(i / 10)}`,
        action: String(i % 10),
        time: i,
      })),
    );
    const out = Truncators.apply(log, Truncators.dropPercent(0.3, { seed: 2024 }));
    const keptAt = new Array<number>(10).fill(0);
    for (let p = 0; p < out.eventCount; p++) keptAt[Number(out.actionAt(p))]!++;
    const expected = sessions * 0.7;
    const chi2 = keptAt.reduce((sum, k) => sum + (k - expected) ** 2 / expected, 0);
    expect(out.eventCount).toBe(sessions * 7);
    expect(chi2).toBeLessThan(27.88); // chi-square 0.999 quantile with 9 degrees of freedom
  });

  it('minLength subsets the session ids and labels with the sessions', () => {
    const log = makeLog([
      { session: 'short', action: 'a', time: 1, label: 1 },
      { session: 'long', action: 'a', time: 1, label: 1 },
      { session: 'long', action: 'b', time: 2, label: 1 },
      { session: 'other', action: 'a', time: 1 },
      { session: 'other', action: 'a', time: 3 },
    ]);
    const out = Truncators.apply(log, Truncators.minLength(2));
    expect(out.sessionIds).toEqual(['long', 'other']);
    expect([...out.labels]).toEqual([1, 0]);
  });

  it('describes truncations readably', () => {
    expect(Truncators.describe(Truncators.compose(Truncators.minLength(10), Truncators.firstN(10)))).toBe(
      'minLength(10) → firstN(10)',
    );
    expect(Truncators.describe(Truncators.dropPercent(0.2, { seed: 5 }))).toBe('dropPercent(0.2, seed 5)');
  });

  it.each([
    ['firstN(0)', () => Truncators.firstN(0), /Truncators.firstN: firstN.n must be an integer ≥ 1, got 0/],
    ['lastN(2.5)', () => Truncators.lastN(2.5), /lastN.n must be an integer ≥ 1, got 2.5/],
    ['middleN(NaN)', () => Truncators.middleN(Number.NaN), /middleN.n must be an integer ≥ 1, got NaN/],
    ['minLength(-1)', () => Truncators.minLength(-1), /minLength.n must be an integer ≥ 0, got -1/],
    [
      'dropPercent(20)',
      () => Truncators.dropPercent(20),
      /dropPercent.p must be a fraction in \[0, 1\] \(0.2 means 20%\), got 20/,
    ],
    [
      'dropPercent seed -1',
      () => Truncators.dropPercent(0.2, { seed: -1 }),
      /dropPercent.seed must be a non-negative safe integer, got -1/,
    ],
    ['firstPercent(0)', () => Truncators.firstPercent(0), /firstPercent.p must be a fraction in \(0, 1\]/],
    [
      'compose with a bad step',
      () => Truncators.compose({ kind: 'firstN', n: -2 }),
      /Truncators.compose.steps\[0\]: firstN.n must be an integer ≥ 1, got -2/,
    ],
    [
      'an unknown kind',
      () => truncateLog(generated, { kind: 'lastPercent' } as unknown as Truncation),
      /truncation: kind must be one of none, dropPercent/,
    ],
  ])('rejects %s with an InvalidArgumentError naming the argument and value', (_, make, message) => {
    expect(make).toThrow(InvalidArgumentError);
    expect(make).toThrow(message);
  });
});

function lengths(log: EventLog): number[] {
  return Array.from({ length: log.sessionCount }, (_, s) => log.sessionLength(s));
}
