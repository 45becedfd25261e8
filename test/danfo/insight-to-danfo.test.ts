/**
 * Importance and alert explanations as danfo DataFrames for notebooks. The values are
 * Booster.importance's (equal to XGBoost 1.7.4's get_score: test/model/feature-importance.test.ts)
 * and explainRows's (pred_contribs: test/model/explain-rows.test.ts), read back here through
 * danfojs-node's own API.
 */
import { describe, expect, it } from 'vitest';
import { explanationToDanfo, importanceToDanfo } from '../../src/danfo/index.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { explainRows } from '../../src/model/explain-rows.js';
import { IMPORTANCE_TYPES } from '../../src/model/feature-importance.js';
import { liveFixture } from '../serve/live-fixture.js';

const fixture = liveFixture({ seed: 41, sessions: 400, features: { timing: true }, rounds: 12 });
const { booster } = fixture;

describe('importanceToDanfo', () => {
  it('holds every used feature with its five get_score types, sorted by total_gain, highest first', () => {
    const df = importanceToDanfo(booster);
    expect(df.columns).toEqual(['feature', ...IMPORTANCE_TYPES]);
    const features = df.column('feature').values as string[];
    const totalGain = booster.importance({ type: 'total_gain' });
    expect([...features].sort()).toEqual(Object.keys(totalGain).sort());
    const ranked = Object.entries(totalGain).sort((a, b) => b[1] - a[1]);
    expect(features).toEqual(ranked.map(([name]) => name));
    for (const type of IMPORTANCE_TYPES) {
      const scores = booster.importance({ type });
      expect(df.column(type).values).toEqual(features.map((f) => scores[f]));
    }
  });

  it('sorts by the type asked for and keeps the top rows', () => {
    const df = importanceToDanfo(booster, { sortBy: 'weight', top: 3 });
    const weights = booster.importance({ type: 'weight' });
    const top = Object.entries(weights)
      .map(([name, w], i) => ({ name, w, i }))
      .sort((a, b) => b.w - a.w || a.i - b.i)
      .slice(0, 3);
    expect(df.column('feature').values).toEqual(top.map((t) => t.name));
    expect(df.column('weight').values).toEqual(top.map((t) => t.w));
  });

  it('refuses an unknown sortBy and a bad top', () => {
    expect(() => importanceToDanfo(booster, { sortBy: 'gini' as never })).toThrow(InvalidArgumentError);
    expect(() => importanceToDanfo(booster, { top: 0 })).toThrow(/top must be an integer ≥ 1/);
  });
});

describe('explanationToDanfo', () => {
  it("lists an explanation's features, values and contributions in its order", () => {
    const frame = fixture.flattener.flatten(fixture.log);
    const matrix = frame.toMatrix(fixture.schema.featureNames);
    const [why] = explainRows(booster, matrix, { rows: [0], top: 4, names: fixture.schema.featureNames });
    const df = explanationToDanfo(why!);
    expect(df.columns).toEqual(['feature', 'value', 'contribution']);
    expect(df.column('feature').values).toEqual(why!.map((e) => e.feature));
    expect(df.column('value').values).toEqual(why!.map((e) => e.value));
    expect(df.column('contribution').values).toEqual(why!.map((e) => e.contribution));
  });

  it('refuses an empty explanation', () => {
    expect(() => explanationToDanfo([])).toThrow(/explanation must be a non-empty list/);
  });
});
