import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { EventLog } from '../../src/events/event-log.js';
import { chooseAlertPolicy } from '../../src/live/choose-alert-policy.js';
import { CalibrationDataError } from '../../src/live/live-errors.js';
import { scoreTrajectories } from '../../src/live/score-trajectories.js';
import { selectSessions } from '../../src/sessions/select-sessions.js';
import { MissingTimesError } from '../../src/sessions/session-errors.js';
import { LiveScorer } from '../../src/serve/live-scorer.js';
import { replay } from '../../src/serve/replay.js';
import { calibrationFixture } from './live-fixture.js';

const { validationLog, schema, whole, early } = calibrationFixture();
const budget = 100; // per 10 000: with ~1 100 innocent validation sessions, 11 may alert
const innocents = validationLog.sessionCount - validationLog.positiveCount;
const allowed = Math.floor((budget * innocents) / 10_000);

describe('chooseAlertPolicy', () => {
  it('chooses a policy whose live replay of the validation sessions gives exactly its validation figures, within the budget', () => {
    const { policy, validation, withinBudget } = chooseAlertPolicy(validationLog, {
      schema,
      models: [{ name: 'whole', model: whole }],
      maxFalseAlertsPer10k: budget,
    });
    expect(withinBudget).toBe(true);
    expect(validation.falseAlerts).toBeLessThanOrEqual(allowed);
    const scorer = new LiveScorer({
      schema,
      model: whole,
      threshold: policy.models[0]!.threshold,
      sustain: policy.sustain,
      minEvents: policy.minEvents,
    });
    const report = replay(validationLog, scorer);
    expect(report.falseAlerts).toBe(validation.falseAlerts);
    expect(report.caught).toBe(validation.caught);
    expect(report.eventsToFirstAlert).toEqual(validation.eventsToFirstAlert);
    expect(report.timeToFirstAlertMs).toEqual(validation.timeToFirstAlertMs);
    expect(validation.caught).toBeGreaterThan(0);
  });

  it('picks the lowest threshold the budget allows: the next innocent peak below it would overspend', () => {
    const { policy } = chooseAlertPolicy(validationLog, {
      schema,
      models: [{ name: 'whole', model: whole }],
      maxFalseAlertsPer10k: budget,
      sustain: [1],
      minEvents: [1],
    });
    const threshold = policy.models[0]!.threshold;
    const t = scoreTrajectories(validationLog, { schema, models: [{ name: 'whole', model: whole }] });
    // Each innocent session's highest score: the threshold at which it would alert.
    const peaks: number[] = [];
    for (let s = 0; s < validationLog.sessionCount; s++) {
      if (validationLog.labels[s] === 1) continue;
      let peak = -Infinity;
      for (let p = validationLog.offsets[s]!; p < validationLog.offsets[s + 1]!; p++)
        peak = Math.max(peak, t.scores[0]![p]!);
      peaks.push(peak);
    }
    const over = peaks.filter((p) => p >= threshold).length;
    expect(over).toBeLessThanOrEqual(allowed);
    const nextPeak = Math.max(...peaks.filter((p) => p < threshold));
    expect(peaks.filter((p) => p >= nextPeak).length).toBeGreaterThan(allowed);
    expect(threshold).toBeGreaterThan(nextPeak);
  });

  it('gives every model its share of the budget, counting a session two models alert once', () => {
    const models = [
      { name: 'early', model: early },
      { name: 'whole', model: whole },
    ];
    const { policy, validation } = chooseAlertPolicy(validationLog, {
      schema,
      models,
      maxFalseAlertsPer10k: budget,
      budgetShares: [1, 1],
    });
    expect(policy.budgetShares).toEqual([0.5, 0.5]);
    expect(validation.falseAlerts).toBeLessThanOrEqual(allowed);
    const scorer = new LiveScorer({
      schema,
      sustain: policy.sustain,
      minEvents: policy.minEvents,
      models: policy.models.map((m, i) => ({ ...m, model: models[i]!.model })),
    });
    const report = replay(validationLog, scorer);
    expect(report.falseAlerts).toBe(validation.falseAlerts);
    expect(report.caught).toBe(validation.caught);
    // Both models spend budget: neither threshold sits at the strictest level where no innocent session alerts.
    const t = scoreTrajectories(validationLog, { schema, models });
    for (let j = 0; j < 2; j++) {
      let alerting = 0;
      for (let s = 0; s < validationLog.sessionCount; s++) {
        if (validationLog.labels[s] === 1) continue;
        let run = 0;
        for (let p = validationLog.offsets[s]!; p < validationLog.offsets[s + 1]!; p++) {
          run = t.scores[j]![p]! >= policy.models[j]!.threshold ? run + 1 : 0;
          if (run >= policy.sustain && p - validationLog.offsets[s]! + 1 >= policy.minEvents) {
            alerting++;
            break;
          }
        }
      }
      expect(alerting, policy.models[j]!.name).toBeGreaterThan(0);
    }
  });

  it('chooses the budget shares on validation among equal shares and three quarters to either model', () => {
    const models = [
      { name: 'early', model: early },
      { name: 'whole', model: whole },
    ];
    const chosen = chooseAlertPolicy(validationLog, { schema, models, maxFalseAlertsPer10k: budget });
    const fixed = [
      [1, 1],
      [3, 1],
      [1, 3],
    ].map((shares) =>
      chooseAlertPolicy(validationLog, { schema, models, maxFalseAlertsPer10k: budget, budgetShares: shares }),
    );
    expect(chosen.validation.caught).toBe(Math.max(...fixed.map((f) => f.validation.caught)));
    expect([
      [0.5, 0.5],
      [0.75, 0.25],
      [0.25, 0.75],
    ]).toContainEqual(chosen.policy.budgetShares);
    expect(chosen.candidates).toHaveLength(3 * 3 * 3);
  });

  it('a budget outside (0, 10 000] is an InvalidArgumentError', () => {
    for (const bad of [0, -1, 10_001, Number.NaN, '10']) {
      expect(() =>
        chooseAlertPolicy(validationLog, {
          schema,
          models: [{ name: 'whole', model: whole }],
          maxFalseAlertsPer10k: bad as number,
        }),
      ).toThrow(InvalidArgumentError);
    }
  });

  it('a validation log without attacker (or innocent) sessions is a CalibrationDataError naming the counts', () => {
    const innocentOnly = onlyLabel(validationLog, 0);
    const error = catchError(() =>
      chooseAlertPolicy(innocentOnly, { schema, models: [{ name: 'whole', model: whole }], maxFalseAlertsPer10k: 10 }),
    );
    expect(error).toBeInstanceOf(CalibrationDataError);
    expect(error).toMatchObject({ code: 'ERR_CALIBRATION_DATA', attackerSessions: 0, innocentSessions: innocents });
    expect(() =>
      chooseAlertPolicy(onlyLabel(validationLog, 1), {
        schema,
        models: [{ name: 'whole', model: whole }],
        maxFalseAlertsPer10k: 10,
      }),
    ).toThrow(/0 innocent/);
  });

  it('a log without times and a schema with timing features is a MissingTimesError', () => {
    const untimed = new EventLog({ ...validationLog, times: null });
    expect(() =>
      chooseAlertPolicy(untimed, { schema, models: [{ name: 'whole', model: whole }], maxFalseAlertsPer10k: 10 }),
    ).toThrow(MissingTimesError);
  });
});

function onlyLabel(log: EventLog, label: number): EventLog {
  return selectSessions(
    log,
    log.sessionIds.flatMap((_id, s) => (log.labels[s] === label ? [s] : [])),
  );
}

function catchError(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  return undefined;
}
