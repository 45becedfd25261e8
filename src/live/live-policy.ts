import { InvalidArgumentError } from '../errors.js';
import { alertPolicy, alertsAt, nextStreak } from '../serve/alert-policy.js';
import { quantiles, type Quantiles } from '../serve/replay.js';
import type { ScoreTrajectories } from './score-trajectories.js';

/**
 * How a live scorer alerts, as `chooseAlertPolicy` calibrates it and a detector stores it
 * (`live-policy.json`): one threshold per model (the "any" rule of `LiveScorer`'s `models`
 * option: each model keeps its own run of events at or over its threshold, and a session alerts
 * when any run reaches `sustain` at or after its `minEvents`-th event), and the false-alert budget
 * it was chosen for with the share of it each model was given.
 */
export interface LivePolicy {
  /** Each model's name and alert threshold, in the scorer's order. */
  readonly models: readonly { readonly name: string; readonly threshold: number }[];
  /** Consecutive events at or over a model's threshold needed to alert. */
  readonly sustain: number;
  /** No alert before a session's `minEvents`-th event. */
  readonly minEvents: number;
  /** The budget the thresholds were chosen for: innocent sessions ever alerted, per 10 000. */
  readonly maxFalseAlertsPer10k: number;
  /** The share of the budget each model was given (sums to 1), in the models' order. */
  readonly budgetShares: readonly number[];
}

/** What a live policy did on a set of sessions replayed live (validation figures of `chooseAlertPolicy`). */
export interface LivePolicyFigures {
  readonly sessions: number;
  readonly attackerSessions: number;
  readonly innocentSessions: number;
  /** Attacker sessions alerted at some point, and their share. */
  readonly caught: number;
  readonly recall: number;
  /** Innocent sessions alerted at some point, and per 10 000 innocent sessions. */
  readonly falseAlerts: number;
  readonly falseAlertsPer10k: number;
  /** Over caught attacker sessions: events up to and including the alerting one (cumulative, as `replay` counts). */
  readonly eventsToFirstAlert: Quantiles;
  /** Over caught attacker sessions: milliseconds from the first event to the alerting one (NaN without times). */
  readonly timeToFirstAlertMs: Quantiles;
  /** Per model: the sessions whose first alert it raised (attackers, innocents). */
  readonly byModel: readonly {
    readonly name: string;
    readonly attackerAlerts: number;
    readonly innocentAlerts: number;
  }[];
}

/**
 * Checks a live policy: one finite threshold in [0, 1] per named model, `sustain` and `minEvents`
 * integers ≥ 1, a budget in (0, 10 000] and shares that are positive and sum to 1.
 *
 * @example
 * ```ts
 * checkLivePolicy({ models: [{ name: 'prefix', threshold: 0.93 }], sustain: 1, minEvents: 2, maxFalseAlertsPer10k: 10, budgetShares: [1] });
 * ```
 */
export function checkLivePolicy(policy: LivePolicy, where = 'checkLivePolicy'): LivePolicy {
  if (policy === null || typeof policy !== 'object')
    throw new InvalidArgumentError(where, 'policy', policy, 'a live policy object');
  const { models, sustain, minEvents, maxFalseAlertsPer10k, budgetShares } = policy;
  if (!Array.isArray(models) || models.length === 0)
    throw new InvalidArgumentError(where, 'policy.models', models, 'a non-empty array of { name, threshold }');
  models.forEach((m: { name: unknown; threshold: unknown }, i) => {
    if (typeof m?.name !== 'string' || m.name.length === 0)
      throw new InvalidArgumentError(where, `policy.models[${i}].name`, m?.name, 'a non-empty string');
    if (typeof m.threshold !== 'number' || !(m.threshold >= 0 && m.threshold <= 1))
      throw new InvalidArgumentError(where, `policy.models[${i}].threshold`, m.threshold, 'a number in [0, 1]');
  });
  if (!Number.isSafeInteger(sustain) || sustain < 1)
    throw new InvalidArgumentError(where, 'policy.sustain', sustain, 'an integer ≥ 1');
  if (!Number.isSafeInteger(minEvents) || minEvents < 1)
    throw new InvalidArgumentError(where, 'policy.minEvents', minEvents, 'an integer ≥ 1');
  checkBudget(maxFalseAlertsPer10k, where, 'policy.maxFalseAlertsPer10k');
  checkShares(budgetShares, models.length, where, 'policy.budgetShares');
  return policy;
}

/**
 * Checks a false-alert budget: innocent sessions ever alerted per 10 000, in (0, 10 000].
 *
 * @example
 * ```ts
 * checkBudget(10, 'trainLiveDetector'); // 10
 * checkBudget(0, 'trainLiveDetector');  // InvalidArgumentError
 * ```
 */
export function checkBudget(budget: unknown, where: string, argument = 'maxFalseAlertsPer10k'): number {
  if (typeof budget !== 'number' || !(budget > 0 && budget <= 10_000))
    throw new InvalidArgumentError(
      where,
      argument,
      budget,
      'a number of false alerts per 10 000 innocent sessions in (0, 10 000]',
    );
  return budget;
}

/**
 * Checks budget shares: one positive finite number per model, normalised to sum to 1.
 *
 * @example
 * ```ts
 * checkShares([1, 1], 2, 'chooseAlertPolicy'); // [0.5, 0.5]
 * ```
 */
export function checkShares(shares: unknown, models: number, where: string, argument = 'budgetShares'): number[] {
  if (
    !Array.isArray(shares) ||
    shares.length !== models ||
    !shares.every((w) => typeof w === 'number' && Number.isFinite(w) && w > 0)
  ) {
    throw new InvalidArgumentError(where, argument, shares, `${models} positive numbers, one per model`);
  }
  const sum = (shares as number[]).reduce((a, b) => a + b, 0);
  return (shares as number[]).map((w) => w / sum);
}

/**
 * Where a policy first alerts each session of the trajectories: the event number (from 1,
 * counting every event of the session as `replay` does) and the model that raised it, or 0.
 *
 * @example
 * ```ts
 * const { alertAt, raisedBy } = firstAlerts(trajectories, [0.9, 0.97], 1, 2);
 * ```
 */
export function firstAlerts(
  t: ScoreTrajectories,
  thresholds: readonly number[],
  sustain: number,
  minEvents: number,
): { alertAt: Uint32Array; raisedBy: Int32Array; alertTime: Float64Array } {
  const { log, scores, stateEvents, times } = t;
  const sessions = log.sessionCount;
  const base = log.offsets[0]!;
  const k = scores.length;
  const alertAt = new Uint32Array(sessions);
  const raisedBy = new Int32Array(sessions).fill(-1);
  const alertTime = new Float64Array(sessions).fill(Number.NaN);
  const policies = thresholds.map((threshold) => alertPolicy({ threshold, sustain, minEvents }, 'firstAlerts'));
  const streaks = new Uint32Array(k);
  for (let s = 0; s < sessions; s++) {
    const from = log.offsets[s]! - base;
    const to = log.offsets[s + 1]! - base;
    streaks.fill(0);
    search: for (let p = from; p < to; p++) {
      const seen = stateEvents[p]!;
      if (Number.isNaN(scores[0]![p]!)) continue;
      if (seen === 1) streaks.fill(0);
      for (let j = 0; j < k; j++) streaks[j] = nextStreak(policies[j]!, scores[j]![p]!, streaks[j]!);
      for (let j = 0; j < k; j++) {
        if (alertsAt(policies[j]!, streaks[j]!, seen)) {
          alertAt[s] = p - from + 1;
          raisedBy[s] = j;
          alertTime[s] = times[p]! - times[from]!;
          break search;
        }
      }
    }
  }
  return { alertAt, raisedBy, alertTime };
}

/**
 * Measures a live policy on score trajectories: recall, false alerts per 10 000, events and time
 * to the first alert, and which model raised each first alert, exactly as `replay` of a
 * `LiveScorer` at that policy would count them.
 *
 * @example
 * ```ts
 * const figures = measureLivePolicy(trajectories, policy);
 * figures.recall; figures.falseAlertsPer10k; figures.eventsToFirstAlert.median;
 * ```
 */
export function measureLivePolicy(
  t: ScoreTrajectories,
  policy: Pick<LivePolicy, 'models' | 'sustain' | 'minEvents'>,
): LivePolicyFigures {
  const thresholds = policy.models.map((m) => m.threshold);
  const { alertAt, raisedBy, alertTime } = firstAlerts(t, thresholds, policy.sustain, policy.minEvents);
  const labels = t.log.labels;
  const byModel = t.names.map((name) => ({ name, attackerAlerts: 0, innocentAlerts: 0 }));
  let attackers = 0;
  let caught = 0;
  let falseAlerts = 0;
  const events: number[] = [];
  const times: number[] = [];
  for (let s = 0; s < labels.length; s++) {
    const attacker = labels[s] === 1;
    if (attacker) attackers++;
    if (alertAt[s] === 0) continue;
    const by = byModel[raisedBy[s]!]!;
    if (attacker) {
      caught++;
      by.attackerAlerts++;
      events.push(alertAt[s]!);
      if (!Number.isNaN(alertTime[s]!)) times.push(alertTime[s]!);
    } else {
      falseAlerts++;
      by.innocentAlerts++;
    }
  }
  const innocents = labels.length - attackers;
  return {
    sessions: labels.length,
    attackerSessions: attackers,
    innocentSessions: innocents,
    caught,
    recall: attackers === 0 ? 0 : caught / attackers,
    falseAlerts,
    falseAlertsPer10k: innocents === 0 ? 0 : (falseAlerts / innocents) * 10_000,
    eventsToFirstAlert: quantiles(events),
    timeToFirstAlertMs: quantiles(times),
    byModel,
  };
}
