import { describe, expect, it } from 'vitest';
import { Truncators } from '../../src/sessions/truncators.js';
import { type LiveEvent, LiveScorer } from '../../src/serve/live-scorer.js';
import type { FeatureGroups } from '../../src/sessions/feature-schema.js';
import { liveEvents, liveFixture } from './live-fixture.js';

/**
 * The reference is the library's batch path, itself checked against pandas/numpy in
 * test/sessions: SessionFlattener.flatten(Truncators.firstN(k)(log)) and Booster.predict (checked
 * against XGBoost 1.7.4 in test/model). After the k-th event of a session, the live feature vector
 * must equal that row bit for bit (Object.is), and the live score the batch prediction.
 */
function checkEveryPrefix(
  features: Partial<FeatureGroups>,
  seed: number,
  sessions: number,
): { compared: number; longest: number } {
  const { log, flattener, schema, booster } = liveFixture({ seed, sessions, features });
  const scorer = new LiveScorer({ model: booster, schema, threshold: 1, idleTimeoutMs: Infinity });
  // rows[s][k-1] is the live vector after the session's k-th event.
  const rows = new Map<string, { row: Float64Array; score: number }[]>();
  for (const event of liveEvents(log)) {
    const r = scorer.push(event);
    expect(r.ignored).toBeUndefined();
    const list = rows.get(r.session) ?? [];
    list.push({ row: scorer.session(r.session)!.features, score: r.score });
    rows.set(r.session, list);
  }
  let longest = 0;
  for (let s = 0; s < log.sessionCount; s++) longest = Math.max(longest, log.sessionLength(s));
  const names = schema.featureNames;
  let compared = 0;
  for (let k = 1; k <= longest; k++) {
    const frame = flattener.flatten(Truncators.apply(log, Truncators.firstN(k)));
    const predicted = booster.predict(frame, { columns: names });
    const columns = names.map((n) => frame.numbers(n));
    for (let s = 0; s < log.sessionCount; s++) {
      if (log.sessionLength(s) < k) continue;
      const live = rows.get(log.sessionIds[s]!)![k - 1]!;
      for (let j = 0; j < names.length; j++) {
        const expected = columns[j]![s]!;
        if (!Object.is(live.row[j], expected)) {
          throw new Error(
            `session ${log.sessionIds[s]} after ${k} events: feature ${names[j]} is ${live.row[j]} live, ${expected} flattened`,
          );
        }
      }
      expect(live.score).toBe(predicted[s]);
      compared++;
    }
  }
  return { compared, longest };
}

describe('LiveScorer features equal the flattener on every prefix', () => {
  it('counts, other_actions and the ten timing features (the default groups), for every prefix of every session', () => {
    const { compared, longest } = checkEveryPrefix({ counts: true, timing: true }, 11, 300);
    expect(longest).toBeGreaterThan(30);
    expect(compared).toBeGreaterThan(3000);
  });

  it('with learned bigrams and shares as well', () => {
    const { compared } = checkEveryPrefix({ counts: true, timing: true, bigrams: { topK: 25 }, shares: true }, 12, 200);
    expect(compared).toBeGreaterThan(1500);
  });

  it('with shares but no count columns, and with timing off', () => {
    expect(checkEveryPrefix({ counts: false, timing: true, shares: true }, 13, 120).compared).toBeGreaterThan(500);
    expect(checkEveryPrefix({ counts: true, timing: false, bigrams: { topK: 10 } }, 14, 120).compared).toBeGreaterThan(
      500,
    );
  });
});

describe('LiveScorer gap_std_s beyond exactStdGaps', () => {
  it("switches to Welford's O(1) update past the limit: equal to the two-pass value to 1e-12 relative, other features still exact", () => {
    const { log, schema, booster } = liveFixture({ seed: 15, sessions: 150, features: { counts: true, timing: true } });
    const exact = new LiveScorer({ model: booster, schema, threshold: 1, idleTimeoutMs: Infinity });
    const streaming = new LiveScorer({
      model: booster,
      schema,
      threshold: 1,
      idleTimeoutMs: Infinity,
      exactStdGaps: 2,
    });
    const std = schema.featureNames.indexOf('gap_std_s');
    const cv = schema.featureNames.indexOf('gap_cv');
    let differing = 0;
    for (const event of liveEvents(log)) {
      const id = exact.push(event).session;
      streaming.push(event);
      const a = exact.session(id)!.features;
      const b = streaming.session(id)!.features;
      for (let j = 0; j < a.length; j++) {
        if (j === std || j === cv) {
          expect(Math.abs(a[j]! - b[j]!)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(a[j]!)));
          if (a[j] !== b[j]) differing++;
        } else {
          expect(b[j]).toBe(a[j]);
        }
      }
    }
    // Rounding does differ somewhere, which is why the exact path is the default.
    expect(differing).toBeGreaterThan(0);
  });
});

describe('LiveScorer reuses the states of dropped sessions', () => {
  it('a session scored in a state recycled from an evicted one has the flattener row and the Booster.predict score of its whole session', () => {
    const features: Partial<FeatureGroups> = {
      counts: true,
      timing: true,
      bigrams: { topK: 20 },
      shares: true,
      actionGroups: { by: 'firstDigit' as const },
    };
    const { log, flattener, schema, booster } = liveFixture({ seed: 16, sessions: 150, features });
    // maxSessions 1 and sessions one after another: every session after the first evicts the
    // previous one and takes over its state (its gap list and median heaps already grown).
    const scorer = new LiveScorer({
      model: booster,
      schema,
      threshold: 1,
      idleTimeoutMs: Infinity,
      maxClockLeadMs: Infinity,
      maxSessions: 1,
    });
    const frame = flattener.flatten(log);
    const predicted = booster.predict(frame, { columns: schema.featureNames });
    const columns = schema.featureNames.map((n) => frame.numbers(n));
    const bySession = new Map<string, LiveEvent[]>();
    for (const e of liveEvents(log)) bySession.set(String(e.session), [...(bySession.get(String(e.session)) ?? []), e]);
    let s = 0;
    for (const id of log.sessionIds) {
      const last = bySession
        .get(id)!
        .map((event) => scorer.push(event))
        .at(-1);
      expect(last!.eventsSeen).toBe(log.sessionLength(s));
      const row = scorer.session(id)!.features;
      schema.featureNames.forEach((name, j) => {
        if (!Object.is(row[j], columns[j]![s]))
          throw new Error(`session ${id}: feature ${name} is ${row[j]} live, ${columns[j]![s]} flattened`);
      });
      expect(last!.score).toBe(predicted[s]);
      s++;
    }
    expect(scorer.stats().evicted).toBe(log.sessionCount - 1);
  });

  it('two models with sustain 2: every result (scores, runs, alerts) equals that of a scorer that keeps every session', () => {
    const { log, schema, booster } = liveFixture({ seed: 17, sessions: 200, features: { counts: true, timing: true } });
    const models = [
      { name: 'high', model: booster, threshold: 0.6 },
      { name: 'low', model: booster, threshold: 0.03 },
    ];
    const options = { models, schema, sustain: 2, idleTimeoutMs: Infinity, maxClockLeadMs: Infinity };
    const recycling = new LiveScorer({ ...options, maxSessions: 1 });
    const keeping = new LiveScorer(options);
    const bySession = new Map<string, LiveEvent[]>();
    for (const e of liveEvents(log)) bySession.set(String(e.session), [...(bySession.get(String(e.session)) ?? []), e]);
    for (const id of log.sessionIds)
      for (const event of bySession.get(id)!) expect(recycling.push(event)).toEqual(keeping.push(event));
    expect(recycling.stats().evicted).toBe(log.sessionCount - 1);
    expect(recycling.stats().alerts).toBe(keeping.stats().alerts);
    expect(recycling.stats().alerts).toBeGreaterThan(0);
  });
});
