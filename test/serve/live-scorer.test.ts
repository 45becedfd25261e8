import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { parseEventLog, type ReadEventLogOptions } from '../../src/events/read-event-log.js';
import { Truncators } from '../../src/sessions/truncators.js';
import { LiveEventError } from '../../src/serve/live-errors.js';
import { type LiveAlert, LiveScorer } from '../../src/serve/live-scorer.js';
import { liveEvents, liveFixture } from './live-fixture.js';

const fixture = liveFixture({ seed: 21, sessions: 400, features: { counts: true, timing: true } });
const { log, schema, booster, flattener } = fixture;
const HEADER = 'SessionNo\tLogTime\tCustID\tGroupID\tProfID\tAct\tBadActor\n';
const T0 = Date.UTC(2019, 6, 1, 12, 0, 0);

/** The batch path's score of every prefix of session `s` (flattener + Booster.predict). */
function batchScores(s: number): number[] {
  const scores: number[] = [];
  for (let k = 1; k <= log.sessionLength(s); k++) {
    const truncated = Truncators.apply(log, Truncators.firstN(k));
    scores.push(booster.predict(flattener.flatten(truncated), { columns: schema.featureNames })[s]!);
  }
  return scores;
}

function sessionEvents(s: number): { session: string; time: number; action: string; customer: string }[] {
  const out = [];
  for (let p = log.offsets[s]!; p < log.offsets[s + 1]!; p++)
    out.push({
      session: log.sessionIds[s]!,
      time: log.times![log.event(p)]!,
      action: log.actionAt(p),
      customer: 'c-42',
    });
  return out;
}

/** The first event number at which the policy fires, from a session's batch scores (0 = never). */
function expectedAlertAt(scores: number[], threshold: number, minEvents: number, sustain: number): number {
  let streak = 0;
  for (let k = 1; k <= scores.length; k++) {
    streak = scores[k - 1]! >= threshold ? streak + 1 : 0;
    if (streak >= sustain && k >= minEvents) return k;
  }
  return 0;
}

describe('LiveScorer alert policy', () => {
  // A long attacker session whose batch scores cross a threshold partway, so the policy matters.
  const candidates: { s: number; scores: number[] }[] = [];
  for (let s = 0; s < log.sessionCount && candidates.length < 4; s++) {
    if (log.labels[s] === 1 && log.sessionLength(s) >= 8) candidates.push({ s, scores: batchScores(s) });
  }

  it('alerts at the first event where `sustain` consecutive scores are >= threshold and at least `minEvents` events were seen', () => {
    expect(candidates.length).toBeGreaterThan(0);
    let fired = 0;
    for (const { s, scores } of candidates) {
      const sorted = [...scores].sort((a, b) => a - b);
      const threshold = sorted[Math.floor(sorted.length / 2)]!;
      for (const [minEvents, sustain] of [
        [1, 1],
        [3, 1],
        [1, 2],
        [4, 3],
      ] as const) {
        const scorer = new LiveScorer({
          model: booster,
          schema,
          threshold,
          minEvents,
          sustain,
          idleTimeoutMs: Infinity,
        });
        let alertAt = 0;
        let alerts = 0;
        for (const e of sessionEvents(s)) {
          const r = scorer.push(e);
          if (r.newlyAlerted) {
            alertAt = r.eventsSeen;
            alerts++;
          }
          expect(r.alert).toBe(alertAt > 0);
        }
        const expected = expectedAlertAt(scores, threshold, minEvents, sustain);
        expect(alertAt).toBe(expected);
        expect(alerts).toBe(expected > 0 ? 1 : 0);
        if (expected > 0) fired++;
      }
    }
    expect(fired).toBeGreaterThan(0);
  });

  it('delivers each alert to onAlert, on("alert") and alerts(), carrying session, customer, score, events seen and event time', async () => {
    const { s, scores } = candidates[0]!;
    const threshold = Math.max(...scores);
    const k = scores.indexOf(threshold) + 1;
    const fromCallback: LiveAlert[] = [];
    const fromListener: LiveAlert[] = [];
    const scorer = new LiveScorer({
      model: booster,
      schema,
      threshold,
      idleTimeoutMs: Infinity,
      onAlert: (a) => fromCallback.push(a),
    });
    scorer.on('alert', (a) => fromListener.push(a));
    const iterated: LiveAlert[] = [];
    const consumer = (async () => {
      for await (const a of scorer.alerts()) iterated.push(a);
    })();
    const events = sessionEvents(s);
    for (const e of events) scorer.push(e);
    scorer.close();
    await consumer;
    const expected = {
      model: 'model',
      session: log.sessionIds[s],
      customer: 'c-42',
      score: threshold,
      eventsSeen: k,
      time: events[k - 1]!.time,
    };
    expect(fromCallback).toEqual([expected]);
    expect(fromListener).toEqual([expected]);
    expect(iterated).toEqual([expected]);
    expect(scorer.stats().alerts).toBe(1);
    expect(() => scorer.push(events[0]!)).toThrow(InvalidArgumentError);
  });
});

describe('LiveScorer duplicates and out-of-order events', () => {
  const tsv = (rows: [number, string][]): string =>
    HEADER +
    rows
      .map(
        ([ms, act]) =>
          `7\t${new Date(T0 + ms).toISOString().replace('T', ' ').replace('Z', '')}\tc1\tg1\tp1\t${act}\t0\n`,
      )
      .join('');
  const batchRow = (text: string, options: ReadEventLogOptions = {}): number[] =>
    Array.from(flattener.flatten(parseEventLog({ name: 'x.txt', text }, options)).toMatrix(schema.featureNames).data);
  const code = (i: number): string => schema.vocabulary[i]!;

  it('drops an exact duplicate (same session, time and action as the latest event) by default and counts it', () => {
    const scorer = new LiveScorer({ model: booster, schema, threshold: 1 });
    scorer.push({ session: '7', time: T0, action: code(0) });
    const r = scorer.push({ session: '7', time: T0, action: code(0) });
    expect(r).toMatchObject({ ignored: 'duplicate', eventsSeen: 1 });
    expect(scorer.stats()).toMatchObject({ duplicates: 1, events: 1 });
    expect(Array.from(scorer.session('7')!.features)).toEqual(batchRow(tsv([[0, code(0)]])));
    // One policy: the batch reader drops the same repeat by default.
    expect(Array.from(scorer.session('7')!.features)).toEqual(
      batchRow(
        tsv([
          [0, code(0)],
          [0, code(0)],
        ]),
      ),
    );
  });

  it("keeps duplicates as events with duplicates: 'keep' (the flattener's row of both events)", () => {
    const scorer = new LiveScorer({ model: booster, schema, threshold: 1, duplicates: 'keep' });
    scorer.push({ session: '7', time: T0, action: code(0) });
    expect(scorer.push({ session: '7', time: T0, action: code(0) }).eventsSeen).toBe(2);
    expect(scorer.stats().duplicates).toBe(1);
    // The batch reader follows the same duplicate policy: it keeps the repeat only when told to.
    expect(Array.from(scorer.session('7')!.features)).toEqual(
      batchRow(
        tsv([
          [0, code(0)],
          [0, code(0)],
        ]),
        { duplicates: 'keep' },
      ),
    );
    expect(Array.from(scorer.session('7')!.features)).not.toEqual(
      batchRow(
        tsv([
          [0, code(0)],
          [0, code(0)],
        ]),
      ),
    );
  });

  it('clamps an out-of-order event to the latest time by default: the row equals the flattener on the clamped log', () => {
    const scorer = new LiveScorer({ model: booster, schema, threshold: 1 });
    scorer.push({ session: '7', time: T0, action: code(0) });
    scorer.push({ session: '7', time: T0 + 5000, action: code(1) });
    const r = scorer.push({ session: '7', time: T0 + 2000, action: code(2) });
    expect(r.ignored).toBeUndefined();
    expect(r.eventsSeen).toBe(3);
    expect(scorer.stats().outOfOrder).toBe(1);
    expect(Array.from(scorer.session('7')!.features)).toEqual(
      batchRow(
        tsv([
          [0, code(0)],
          [5000, code(1)],
          [5000, code(2)],
        ]),
      ),
    );
  });

  it("ignores an out-of-order event with outOfOrder: 'drop', counting it", () => {
    const scorer = new LiveScorer({ model: booster, schema, threshold: 1, outOfOrder: 'drop' });
    scorer.push({ session: '7', time: T0 + 5000, action: code(1) });
    expect(scorer.push({ session: '7', time: T0, action: code(2) })).toMatchObject({
      ignored: 'outOfOrder',
      eventsSeen: 1,
    });
    expect(scorer.stats()).toMatchObject({ outOfOrder: 1, events: 1 });
  });

  it('accepts timestamp strings in the log format and numbers for session and action', () => {
    const scorer = new LiveScorer({ model: booster, schema, threshold: 1 });
    scorer.push({ session: 7, time: '2019-07-01 12:00:00.000', action: Number(code(0)) });
    scorer.push({ session: '7', time: '2019-07-01 12:00:01.500', action: code(1) });
    expect(Array.from(scorer.session('7')!.features)).toEqual(
      batchRow(
        tsv([
          [0, code(0)],
          [1500, code(1)],
        ]),
      ),
    );
  });
});

describe('LiveScorer memory bounds', () => {
  const action = schema.vocabulary[0]!;

  it('expires a session idle longer than idleTimeoutMs in event time, and a later event with its id starts afresh', () => {
    const scorer = new LiveScorer({ model: booster, schema, threshold: 1, idleTimeoutMs: 60_000 });
    scorer.push({ session: 'a', time: T0, action });
    scorer.push({ session: 'a', time: T0 + 1000, action });
    scorer.push({ session: 'b', time: T0 + 30_000, action });
    expect(scorer.stats().expired).toBe(0);
    scorer.push({ session: 'b', time: T0 + 61_001, action }); // a's last event is now 60.001 s old
    expect(scorer.session('a')).toBeUndefined();
    expect(scorer.stats()).toMatchObject({ expired: 1, sessions: 1 });
    expect(scorer.push({ session: 'a', time: T0 + 62_000, action }).eventsSeen).toBe(1);
    expect(scorer.stats().sessionsStarted).toBe(3);
    expect(scorer.sweep(T0 + 200_000)).toBe(2);
    expect(scorer.stats()).toMatchObject({ expired: 3, sessions: 0 });
  });

  it('evicts the least recently seen session beyond maxSessions, counting evictions', () => {
    const scorer = new LiveScorer({ model: booster, schema, threshold: 1, maxSessions: 3, idleTimeoutMs: Infinity });
    for (const [i, id] of ['a', 'b', 'c'].entries()) scorer.push({ session: id, time: T0 + i, action });
    scorer.push({ session: 'a', time: T0 + 10, action }); // a is now the most recent; b the least
    scorer.push({ session: 'd', time: T0 + 11, action });
    expect(scorer.session('b')).toBeUndefined();
    expect(['a', 'c', 'd'].map((id) => scorer.session(id)?.eventsSeen)).toEqual([2, 1, 1]);
    scorer.push({ session: 'e', time: T0 + 12, action });
    expect(scorer.session('c')).toBeUndefined();
    expect(scorer.stats()).toMatchObject({ evicted: 2, sessions: 3 });
  });

  it('holds at most maxSessions sessions over a whole generated log', () => {
    const scorer = new LiveScorer({ model: booster, schema, threshold: 1, maxSessions: 50, idleTimeoutMs: Infinity });
    let most = 0;
    for (const e of liveEvents(log)) {
      scorer.push(e);
      most = Math.max(most, scorer.stats().sessions);
    }
    expect(most).toBe(50);
    expect(scorer.stats().evicted).toBe(scorer.stats().sessionsStarted - 50);
  });
});

describe('LiveScorer input checks', () => {
  const scorer = new LiveScorer({ model: booster, schema, threshold: 0.5 });

  it.each([
    [{ session: '', time: T0, action: '111' }, 'session'],
    [{ session: 's', time: 'yesterday', action: '111' }, 'time'],
    [{ session: 's', time: Number.NaN, action: '111' }, 'time'],
    [{ session: 's', time: T0, action: '' }, 'action'],
    [{ session: 's', time: T0 }, 'action'],
  ])('rejects %j with a LiveEventError naming the field', (event, field) => {
    const err = (() => {
      try {
        scorer.push(event as never);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(LiveEventError);
    expect((err as LiveEventError).field).toBe(field);
    expect((err as LiveEventError).message).toContain(`event field ${field} must be`);
  });

  it('pushMany checks every event first: a bad one (named by its position) changes nothing', () => {
    const before = scorer.stats().events;
    expect(() =>
      scorer.pushMany([
        { session: 'x', time: T0, action: '111' },
        { session: 'x', time: 'soon', action: '111' },
      ]),
    ).toThrow(/line 2: event field time/);
    expect(scorer.stats().events).toBe(before);
    expect(scorer.session('x')).toBeUndefined();
  });

  it('rejects a model whose feature count differs from the schema, and a threshold outside [0, 1]', () => {
    expect(() => new LiveScorer({ model: { numFeature: 3, predictRow: () => 0 }, schema, threshold: 0.5 })).toThrow(
      /model.numFeature must be/,
    );
    expect(() => new LiveScorer({ model: booster, schema, threshold: 1.5 })).toThrow(
      /threshold must be a number in \[0, 1\]/,
    );
    expect(() => new LiveScorer({ model: booster, schema, threshold: 0.5, sustain: 0 })).toThrow(
      /sustain must be an integer/,
    );
  });

  it('counts unseen action codes in other_actions, as the flattener does, without failing', () => {
    const s = new LiveScorer({ model: booster, schema, threshold: 1 });
    s.push({ session: 'u', time: T0, action: 'no-such-code' });
    expect(s.stats().unseenActions).toBe(1);
    expect(s.session('u')!.features[schema.featureNames.indexOf('other_actions')]).toBe(1);
  });
});
