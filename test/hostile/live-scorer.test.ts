import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { parseEventLog } from '../../src/events/read-event-log.js';
import { startEventService } from '../../src/serve/event-service.js';
import { type LiveEvent, type LiveScore, LiveScorer, type LiveScorerOptions } from '../../src/serve/live-scorer.js';
import { liveEvents, liveFixture } from '../serve/live-fixture.js';

// Hostile inputs to the live scorer: event times that lie (issue points 1) and sessions that never end (14).
const { log, schema, booster, flattener } = liveFixture({
  seed: 21,
  sessions: 400,
  features: { counts: true, timing: true },
});
const events = liveEvents(log);
const T0 = Date.UTC(2019, 6, 1, 12, 0, 0);
const HEADER = 'SessionNo\tLogTime\tCustID\tGroupID\tProfID\tAct\tBadActor\n';
const action = schema.vocabulary[0]!;

/**
 * Every event through a fresh scorer, with `extra` pushed before event number `at`; the results of the log's events
 * only.
 */
function run(
  options: Partial<LiveScorerOptions>,
  extra: LiveEvent[] = [],
  at = 0,
): { results: LiveScore[]; extraResults: LiveScore[]; scorer: LiveScorer } {
  const scorer = new LiveScorer({ model: booster, schema, threshold: 0.5, ...options });
  const results: LiveScore[] = [];
  const extraResults: LiveScore[] = [];
  events.forEach((e, i) => {
    if (i === at) for (const x of extra) extraResults.push(scorer.push(x));
    results.push(scorer.push(e));
  });
  return { results, extraResults, scorer };
}

/**
 * Sessions that ended by idling or eviction, plus those still held: one more than the control when one extra session
 * was started.
 */
const ended = (s: LiveScorer): number => s.stats().expired + s.stats().evicted + s.stats().sessions;

const control = run({});

describe('hostile event times: one session never governs the clock (issue 14, point 1)', () => {
  it('the control replay alerts, so a blinded scorer would show', () => {
    expect(control.scorer.stats().alerts).toBeGreaterThan(5);
  });

  it('an event at LogTime 1e300 changes no other session: every score, event count and alert is as without it', () => {
    const at = Math.floor(events.length / 3);
    const hostile = run({}, [{ session: 'x', time: 1e300, action: '111' }], at);
    expect(hostile.results).toEqual(control.results);
    expect(hostile.scorer.stats()).toMatchObject({
      ahead: control.scorer.stats().ahead + 1,
      alerts: control.scorer.stats().alerts,
      sessionsStarted: control.scorer.stats().sessionsStarted + 1,
    });
    expect(ended(hostile.scorer)).toBe(ended(control.scorer) + 1);
    expect(hostile.scorer.stats().clock).toBe(control.scorer.stats().clock);
    // The bogus event still counts, for its own session only ('isolate').
    expect(hostile.extraResults).toMatchObject([{ session: 'x', eventsSeen: 1 }]);
  });

  it('one event an hour ahead (a source in local time) resets no other session', () => {
    const at = Math.floor(events.length / 2);
    const t = events[at]!.time as number;
    const hostile = run({}, [{ session: 'local-time', time: t + 3_600_000, action: '111' }], at);
    expect(hostile.results).toEqual(control.results);
    expect(ended(hostile.scorer)).toBe(ended(control.scorer) + 1);
    expect(hostile.scorer.stats().alerts).toBe(control.scorer.stats().alerts);
  });

  it("with aheadOfClock: 'drop' the event is ignored as 'ahead', counted, and its session is not started", () => {
    const scorer = new LiveScorer({ model: booster, schema, threshold: 0.5, aheadOfClock: 'drop' });
    scorer.push({ session: 'a', time: T0, action });
    expect(scorer.push({ session: 'x', time: 1e300, action })).toMatchObject({
      ignored: 'ahead',
      eventsSeen: 0,
      alert: false,
    });
    expect(scorer.session('x')).toBeUndefined();
    expect(scorer.stats()).toMatchObject({ ahead: 1, events: 1, clock: T0 });
  });

  it('traffic resuming after a quiet period moves the clock once clockQuorum sessions agree, losing no event', () => {
    const scorer = new LiveScorer({
      model: booster,
      schema,
      threshold: 1,
      clockQuorum: 3,
      maxClockLeadMs: 60_000,
      idleTimeoutMs: 600_000,
    });
    for (const s of ['a', 'b', 'c']) scorer.push({ session: s, time: T0, action });
    const later = T0 + 2 * 3_600_000;
    scorer.push({ session: 'd', time: later, action });
    scorer.push({ session: 'e', time: later + 10, action });
    expect(scorer.stats()).toMatchObject({ clock: T0, clockMoves: 0, ahead: 2, expired: 0 });
    scorer.push({ session: 'f', time: later + 20, action });
    // f completed the quorum: the clock is at the earliest of d, e, f, and f is no longer ahead.
    expect(scorer.stats()).toMatchObject({ clock: later, clockMoves: 1, ahead: 2 });
    // The sessions from before the gap are idle now; d and e keep their events.
    expect(scorer.push({ session: 'd', time: later + 30, action }).eventsSeen).toBe(2);
    expect(scorer.push({ session: 'e', time: later + 40, action }).eventsSeen).toBe(2);
    expect(scorer.stats().expired).toBe(3);
    expect(scorer.session('a')).toBeUndefined();
  });

  it('a first event far in the future is corrected back once clockQuorum other sessions are behind it', () => {
    const scorer = new LiveScorer({ model: booster, schema, threshold: 1, clockQuorum: 3 });
    scorer.push({ session: 'x', time: 1e300, action });
    for (const s of ['a', 'b', 'c']) scorer.push({ session: s, time: T0, action });
    expect(scorer.stats()).toMatchObject({ clock: T0, clockMoves: 1 });
    for (const s of ['a', 'b', 'c']) expect(scorer.push({ session: s, time: T0 + 1000, action }).eventsSeen).toBe(2);
    expect(scorer.stats().expired).toBe(0);
  });

  it('the event service shows ahead events in /healthz', async () => {
    const service = await startEventService({ model: booster, schema, threshold: 0.5 });
    try {
      const body = `{"SessionNo":"a","LogTime":${T0},"Act":"${action}"}\n{"SessionNo":"x","LogTime":1e300,"Act":"111"}\n`;
      const res = await fetch(`${service.url}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson' },
        body,
      });
      expect(res.status).toBe(200);
      const health = (await (await fetch(`${service.url}/healthz`)).json()) as {
        stats: { scorer: { ahead: number; clock: number } };
      };
      expect(health.stats.scorer).toMatchObject({ ahead: 1, clock: T0 });
    } finally {
      await service.close();
    }
  });

  it('rejects clock options that cannot work with a typed error', () => {
    expect(() => new LiveScorer({ model: booster, schema, threshold: 1, maxClockLeadMs: -1 })).toThrow(
      InvalidArgumentError,
    );
    expect(() => new LiveScorer({ model: booster, schema, threshold: 1, clockQuorum: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', argument: 'clockQuorum' }),
    );
    expect(() => new LiveScorer({ model: booster, schema, threshold: 1, aheadOfClock: 'trust' as 'drop' })).toThrow(
      InvalidArgumentError,
    );
  });
});

describe('hostile session length: per-session state is capped (issue 14, point 14)', () => {
  /** Bytes held in ArrayBuffers (typed-array storage) after pushing `n` events of one session. */
  function bufferGrowth(maxSessionGaps: number, n: number): { bytes: number; ms: number; scorer: LiveScorer } {
    const scorer = new LiveScorer({ model: booster, schema, threshold: 1, maxSessionGaps });
    const before = process.memoryUsage().arrayBuffers;
    const start = performance.now();
    for (let i = 0; i < n; i++) scorer.pushParsed('long', action, T0 + i * 7 + (i % 13), undefined);
    const ms = performance.now() - start;
    return { bytes: process.memoryUsage().arrayBuffers - before, ms, scorer };
  }

  it('one session of a million events holds under 1 MB of feature state, counts the gaps the cap left out, and takes under 10 s', () => {
    const n = 1_000_000;
    const capped = bufferGrowth(16_384, n);
    expect(capped.bytes).toBeLessThan(1 << 20);
    expect(capped.ms).toBeLessThan(10_000);
    expect(capped.scorer.stats()).toMatchObject({ events: n, gapsOverCap: n - 1 - 16_384 });
    expect(capped.scorer.session('long')?.eventsSeen).toBe(n);
    // The measurement can see growth: without the cap the median's heaps hold every gap (≥ 8 MB).
    const uncapped = bufferGrowth(Number.MAX_SAFE_INTEGER, n);
    expect(uncapped.bytes).toBeGreaterThan(8 * n);
    expect(uncapped.scorer.stats().gapsOverCap).toBe(0);
  });

  it('past the cap only gap_median_s freezes (the median of the first maxSessionGaps gaps); every other feature equals the flattener on all events', () => {
    const cap = 200;
    const n = 1000;
    const times = Array.from({ length: n }, (_, i) => i * 1000 + ((i * 7919) % 997) * (i < cap ? 1 : 3));
    const scorer = new LiveScorer({ model: booster, schema, threshold: 1, maxSessionGaps: cap });
    times.forEach((ms, i) => scorer.push({ session: '7', time: T0 + ms, action: schema.vocabulary[i % 3]! }));
    const tsv = (k: number): string =>
      HEADER +
      times
        .slice(0, k)
        .map(
          (ms, i) =>
            `7\t${new Date(T0 + ms).toISOString().replace('T', ' ').replace('Z', '')}\tc1\tg1\tp1\t${schema.vocabulary[i % 3]}\t0\n`,
        )
        .join('');
    const names = schema.featureNames;
    const all = flattener.flatten(parseEventLog({ name: 'all.txt', text: tsv(n) })).toMatrix(names).data;
    const firstCap = flattener.flatten(parseEventLog({ name: 'first.txt', text: tsv(cap + 1) })).toMatrix(names).data;
    const live = scorer.session('7')!.features;
    const median = names.indexOf('gap_median_s');
    names.forEach((name, j) => {
      if (j === median) expect(live[j], name).toBe(firstCap[j]);
      else expect(live[j], name).toBe(all[j]);
    });
    expect(firstCap[median]).not.toBe(all[median]);
    expect(scorer.stats().gapsOverCap).toBe(n - 1 - cap);
  });

  it('rejects a negative or fractional maxSessionGaps', () => {
    expect(() => new LiveScorer({ model: booster, schema, threshold: 1, maxSessionGaps: -1 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', argument: 'maxSessionGaps' }),
    );
    expect(() => new LiveScorer({ model: booster, schema, threshold: 1, maxSessionGaps: 1.5 })).toThrow(
      InvalidArgumentError,
    );
  });
});
