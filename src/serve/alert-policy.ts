import { InvalidArgumentError } from '../errors.js';

/**
 * When a live session alerts: its score is at or over `threshold` (as `ConfusionMatrix` cuts
 * scores: `score >= threshold` is an attack) for `sustain` consecutive events, the last of them at
 * least the session's `minEvents`-th event. A session alerts once; it stays alerted.
 */
export interface AlertPolicy {
  /** Score at or above which an event counts towards an alert, in [0, 1]. */
  readonly threshold: number;
  /** No alert before the session's `minEvents`-th event. Default 1. */
  readonly minEvents: number;
  /** Consecutive events at or over the threshold needed. Default 1. */
  readonly sustain: number;
}

/**
 * Checks and completes an alert policy (defaults `minEvents = 1`, `sustain = 1`).
 *
 * @example
 * ```ts
 * alertPolicy({ threshold: 0.9, sustain: 3 }); // { threshold: 0.9, minEvents: 1, sustain: 3 }
 * alertPolicy({ threshold: 2 });               // InvalidArgumentError: threshold must be a number in [0, 1]
 * ```
 */
export function alertPolicy(
  { threshold, minEvents = 1, sustain = 1 }: { threshold: number; minEvents?: number; sustain?: number },
  where = 'alertPolicy',
): AlertPolicy {
  if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1))
    throw new InvalidArgumentError(where, 'threshold', threshold, 'a number in [0, 1]');
  if (!Number.isSafeInteger(minEvents) || minEvents < 1)
    throw new InvalidArgumentError(where, 'minEvents', minEvents, 'an integer ≥ 1');
  if (!Number.isSafeInteger(sustain) || sustain < 1)
    throw new InvalidArgumentError(where, 'sustain', sustain, 'an integer ≥ 1');
  return { threshold, minEvents, sustain };
}

/**
 * One step of the policy for a session that has not alerted yet: the new run of consecutive
 * events at or over the threshold, and whether the session alerts now.
 *
 * @example
 * ```ts
 * const policy = alertPolicy({ threshold: 0.5, sustain: 2 });
 * let streak = 0;
 * ({ streak } = stepAlert(policy, 0.7, 1, streak)); // { streak: 1, alert: false }
 * stepAlert(policy, 0.8, 2, streak);                 // { streak: 2, alert: true }
 * ```
 */
export function stepAlert(
  policy: AlertPolicy,
  score: number,
  eventsSeen: number,
  streak: number,
): { streak: number; alert: boolean } {
  const next = nextStreak(policy, score, streak);
  return { streak: next, alert: alertsAt(policy, next, eventsSeen) };
}

/**
 * The rule of {@link stepAlert} in two allocation-free halves, for the live scorer's hot path: the
 * run of consecutive events at or over the threshold after this score…
 *
 * @example
 * ```ts
 * nextStreak(alertPolicy({ threshold: 0.5 }), 0.7, 2); // 3
 * ```
 */
export function nextStreak(policy: AlertPolicy, score: number, streak: number): number {
  return score >= policy.threshold ? streak + 1 : 0;
}

/**
 * …and whether a session with that run, at its `eventsSeen`-th event, alerts.
 *
 * @example
 * ```ts
 * alertsAt(alertPolicy({ threshold: 0.5, sustain: 2, minEvents: 3 }), 2, 3); // true
 * ```
 */
export function alertsAt(policy: AlertPolicy, streak: number, eventsSeen: number): boolean {
  return streak >= policy.sustain && eventsSeen >= policy.minEvents;
}
