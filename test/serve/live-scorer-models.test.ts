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
