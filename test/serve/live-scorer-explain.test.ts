/**
 * Alerts that say why: with `explain`, every alert carries the top features of the model that
 * raised it, by TreeSHAP contribution (Booster.contributions, bit-equal to XGBoost 1.7.4's
 * pred_contribs: test/model/insight-differential.test.ts) of the session's row at the alerting event.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { explainRows } from '../../src/model/explain-rows.js';
import { type LiveAlert, LiveScorer } from '../../src/serve/live-scorer.js';
import { liveEvents, liveFixture } from './live-fixture.js';

const fixture = liveFixture({ seed: 31, sessions: 300, features: { timing: true }, rounds: 8 });
const second = liveFixture({ seed: 32, sessions: 300, features: { timing: true }, rounds: 5 });
const events = liveEvents(fixture.log);

function run(options: ConstructorParameters<typeof LiveScorer>[0]) {
  const alerts: { alert: LiveAlert; row: Float64Array }[] = [];
  const scorer: LiveScorer = new LiveScorer({
    ...options,
    // The session's row at the alerting event, read while the alert is raised.
    onAlert: (alert) => alerts.push({ alert, row: scorer.session(alert.session)!.features }),
  });
  for (const e of events) scorer.push(e);
  scorer.close();
  return alerts;
}

describe('LiveScorer explain', () => {
  it("gives each alert the top k features of the session's row at that event, by the model's TreeSHAP contributions", () => {
    const alerts = run({ model: fixture.booster, schema: fixture.schema, threshold: 0.5, explain: { top: 3 } });
    expect(alerts.length).toBeGreaterThan(3);
    for (const { alert, row } of alerts) {
      const [expected] = explainRows(
        fixture.booster,
        { data: row, rows: 1, columns: row.length },
        { top: 3, names: fixture.schema.featureNames },
      );
      expect(alert.explanation).toEqual(expected);
      expect(alert.explanation).toHaveLength(3);
      // The contributions and the bias sum to the margin of the score the alert carries.
      const all = fixture.booster.contributions({ data: row, rows: 1, columns: row.length });
      const margin = Array.from(all.data).reduce((a, b) => a + b, 0);
      expect(1 / (1 + Math.exp(-margin))).toBeCloseTo(alert.score, 5);
    }
  });

  it('explains with the model that raised the alert when several are scored', () => {
    // The first model never alerts (threshold 1 is out of reach), so the second raises every alert.
    const alerts = run({
      schema: fixture.schema,
      models: [
        { name: 'prefix', model: fixture.booster, threshold: 1 },
        { name: 'whole', model: second.booster, threshold: 0.5 },
      ],
      explain: true,
    });
    expect(alerts.length).toBeGreaterThan(0);
    for (const { alert, row } of alerts) {
      expect(alert.model).toBe('whole');
      const [expected] = explainRows(
        second.booster,
        { data: row, rows: 1, columns: row.length },
        { names: fixture.schema.featureNames },
      );
      expect(alert.explanation).toEqual(expected);
      expect(alert.explanation).toHaveLength(5);
    }
  });

  it('adds no explanation by default', () => {
    const alerts = run({ model: fixture.booster, schema: fixture.schema, threshold: 0.5 });
    expect(alerts.length).toBeGreaterThan(0);
    for (const { alert } of alerts) expect('explanation' in alert).toBe(false);
  });

  it('refuses explain for a model that is not a Booster, and a bad top, when constructed', () => {
    const plain = { numFeature: fixture.booster.numFeature, predictRow: () => 0.9 };
    expect(() => new LiveScorer({ model: plain, schema: fixture.schema, threshold: 0.5, explain: true })).toThrow(
      /model must be a Booster when explain is on/,
    );
    expect(
      () => new LiveScorer({ model: fixture.booster, schema: fixture.schema, threshold: 0.5, explain: { top: 0 } }),
    ).toThrow(InvalidArgumentError);
  });
});
