import { describe, expect, it } from 'vitest';
import { Truncators } from '../../src/sessions/truncators.js';
import { LiveScorer } from '../../src/serve/live-scorer.js';
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
