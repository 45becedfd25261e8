import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { train } from '../../src/model/train.js';
import { TrainingData } from '../../src/model/training-data.js';
import { Truncators } from '../../src/sessions/truncators.js';
import { type LiveAlert, LiveScorer } from '../../src/serve/live-scorer.js';
import { liveEvents, liveFixture } from './live-fixture.js';

const fixture = liveFixture({ seed: 33, sessions: 300, features: { counts: true, timing: true } });
const { log, schema, booster: whole, flattener } = fixture;
// A second model over the same schema: trained on the first 5 events of every session.
const firstFive = flattener.flatten(Truncators.apply(log, Truncators.firstN(5)));
const early = train(TrainingData.fromFrame(firstFive, { label: 'BadActor', features: schema.featureNames }), {
  num_round: 8,
  max_depth: 3,
  eta: 0.3,
  objective: 'binary:logistic',
  tree_method: 'hist',
  seed: 1,
}).booster;
const events = liveEvents(log);

describe('LiveScorer first events (their scores computed once per action code)', () => {
  // The same models behind the LiveModel interface only: the scorer cannot tell they are pure, so it scores every row.
  const opaque = (b: typeof whole) => ({
    numFeature: b.numFeature,
    predictRow: (row: ArrayLike<number>) => b.predictRow(row),
  });
  const firstRows = flattener.flatten(Truncators.apply(log, Truncators.firstN(1)));
  const firstMatrix = firstRows.toMatrix(schema.featureNames);

  it("scores each session's first event as Booster.predictRow scores its flattened first event (firstN(1))", () => {
    const scorer = new LiveScorer({ schema, model: whole, threshold: 1 });
    const firstScore = new Map<string, number>();
    for (const e of events) {
      const r = scorer.push(e);
      if (r.eventsSeen === 1) firstScore.set(r.session, r.score);
    }
    expect(firstScore.size).toBe(log.sessionCount);
    const width = firstMatrix.columns;
    for (let s = 0; s < log.sessionCount; s++) {
      const row = firstMatrix.data.subarray(s * width, (s + 1) * width);
      expect(firstScore.get(log.sessionIds[s]!)).toBe(whole.predictRow(row));
    }
  });

  it('gives every event, unseen action codes and restarted sessions included, the scores of a scorer that scores every row', () => {
    const extra = [
      { session: 'new-1', time: 1_600_000_000_000, action: 'never-seen' },
      { session: 'new-2', time: 1_600_000_000_001, action: 'never-seen' },
      { session: 'new-1', time: 1_600_000_000_002, action: 'also-unseen' },
    ];
    const stream = [...events, ...extra, ...events.slice(0, 50).map((e) => ({ ...e, session: `again-${e.session}` }))];
    const options = { schema, idleTimeoutMs: 60_000 };
    const memo = new LiveScorer({
      ...options,
      models: [
        { name: 'whole', model: whole, threshold: 0.5 },
        { name: 'early', model: early, threshold: 0.5 },
      ],
    });
    const every = new LiveScorer({
      ...options,
      models: [
        { name: 'whole', model: opaque(whole), threshold: 0.5 },
        { name: 'early', model: opaque(early), threshold: 0.5 },
      ],
    });
    for (const e of stream) expect(memo.push(e)).toEqual(every.push(e));
    // Results keep one key order (JSON written from them reads the same): an ignored repeat here.
    const fresh = new LiveScorer({
      schema,
      models: [
        { name: 'whole', model: whole, threshold: 0.5 },
        { name: 'early', model: early, threshold: 0.5 },
      ],
    });
    expect(Object.keys(fresh.push(events[0]!))).toEqual([
      'session',
      'score',
      'eventsSeen',
      'alert',
      'newlyAlerted',
      'scores',
    ]);
    expect(Object.keys(fresh.push(events[0]!))).toEqual([
      'session',
      'score',
      'eventsSeen',
      'alert',
      'newlyAlerted',
      'scores',
      'ignored',
    ]);
    expect(memo.stats()).toEqual(every.stats());
    expect(memo.stats().expired).toBeGreaterThan(0);
  });
});

describe('LiveScorer with several models (the "any" rule)', () => {
  it('scores every event with each model exactly as a single-model scorer of that model does', () => {
    const both = new LiveScorer({
      schema,
      models: [
        { name: 'whole', model: whole, threshold: 1 },
        { name: 'early', model: early, threshold: 1 },
      ],
    });
    const a = new LiveScorer({ schema, model: whole, threshold: 1 });
    const b = new LiveScorer({ schema, model: early, threshold: 1 });
    for (const e of events) {
      const r = both.push(e);
      expect(r.scores).toEqual([a.push(e).score, b.push(e).score]);
      expect(r.score).toBe(r.scores![0]);
    }
  });

  it('alerts a session at the first event where any model alone would, naming that model', () => {
    const policy = { minEvents: 2, sustain: 2 };
    const thresholds = { whole: 0.6, early: 0.5 };
    const alerts: LiveAlert[] = [];
    const both = new LiveScorer({
      schema,
      ...policy,
      models: [
        { name: 'whole', model: whole, threshold: thresholds.whole },
        { name: 'early', model: early, threshold: thresholds.early },
      ],
      onAlert: (x) => alerts.push(x),
    });
    const alone = { whole: new Map<string, number>(), early: new Map<string, number>() };
    const a = new LiveScorer({
      schema,
      ...policy,
      model: whole,
      threshold: thresholds.whole,
      onAlert: (x) => alone.whole.set(x.session, x.time),
    });
    const b = new LiveScorer({
      schema,
      ...policy,
      model: early,
      threshold: thresholds.early,
      onAlert: (x) => alone.early.set(x.session, x.time),
    });
    for (const e of events) {
      both.push(e);
      a.push(e);
      b.push(e);
    }
    const sessions = new Set([...alone.whole.keys(), ...alone.early.keys()]);
    expect(alerts.map((x) => x.session).sort()).toEqual([...sessions].sort());
    expect(alone.whole.size).toBeGreaterThan(0);
    expect(alone.early.size).toBeGreaterThan(0);
    for (const alert of alerts) {
      const w = alone.whole.get(alert.session) ?? Infinity;
      const e = alone.early.get(alert.session) ?? Infinity;
      expect(alert.time).toBe(Math.min(w, e));
      expect(alert.model).toBe(w <= e ? 'whole' : 'early');
    }
  });

  it('rejects models together with model, an empty list, repeated names and a model of another width', () => {
    expect(
      () =>
        new LiveScorer({ schema, model: whole, threshold: 0.5, models: [{ name: 'x', model: early, threshold: 0.5 }] }),
    ).toThrow(InvalidArgumentError);
    expect(() => new LiveScorer({ schema, models: [] })).toThrow(/non-empty array/);
    expect(
      () =>
        new LiveScorer({
          schema,
          models: [
            { name: 'x', model: whole, threshold: 0.5 },
            { name: 'x', model: early, threshold: 0.5 },
          ],
        }),
    ).toThrow(/models\[1\]\.name/);
    const narrow = { numFeature: 3, predictRow: () => 0 };
    expect(
      () =>
        new LiveScorer({
          schema,
          models: [
            { name: 'a', model: whole, threshold: 0.5 },
            { name: 'b', model: narrow, threshold: 0.5 },
          ],
        }),
    ).toThrow(/models\[1\]\.numFeature/);
    expect(() => new LiveScorer({ schema, models: [{ name: 'a', model: whole, threshold: 1.5 }] })).toThrow(
      /threshold/,
    );
  });
});
