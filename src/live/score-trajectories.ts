import type { EventLog } from '../events/event-log.js';
import type { FeatureSchema } from '../sessions/feature-schema.js';
import { MissingTimesError } from '../sessions/session-errors.js';
import { type LiveModel, LiveScorer, type LiveScorerOptions } from '../serve/live-scorer.js';
import { timeOrder } from '../serve/time-order.js';

/** A named model scored live. */
export interface NamedLiveModel {
  readonly name: string;
  readonly model: LiveModel;
}

/** The live scorer's options that change what a replay sees (expiry, duplicates, order). */
export type ScorerBehaviour = Pick<
  LiveScorerOptions,
  'idleTimeoutMs' | 'duplicates' | 'outOfOrder' | 'exactStdGaps' | 'maxSessions'
>;

/**
 * What every model scored after every event of a log replayed live, in position space
 * (`log.offsets`): the raw material of alert-policy calibration, computed once and cut at any
 * threshold, `sustain` and `minEvents` afterwards.
 */
export interface ScoreTrajectories {
  readonly log: EventLog;
  readonly names: readonly string[];
  /**
   * Per model, the score after each event (NaN where the scorer ignored the event: a dropped duplicate or out-of-order
   * event).
   */
  readonly scores: readonly Float64Array[];
  /**
   * The scorer's count of the session's events after each event: it restarts at 1 when an idle session expired and came
   * back.
   */
  readonly stateEvents: Uint32Array;
  /** Event time of each position (epoch ms), or NaN for a log without times. */
  readonly times: Float64Array;
}

/**
 * Replays a log through a {@link LiveScorer} holding the models (exactly as `replay` does: time
 * order, sessions interleaved, the scorer's expiry and duplicate rules) and records every model's
 * score after every event.
 *
 * @example
 * ```ts
 * const t = scoreTrajectories(validationLog, { schema, models: [{ name: 'prefix', model: booster }] });
 * t.scores[0][log.offsets[3] + 4 - log.offsets[0]]; // the score of session 3 after its 5th event
 * ```
 */
export function scoreTrajectories(
  log: EventLog,
  options: {
    readonly schema: FeatureSchema;
    readonly models: readonly NamedLiveModel[];
    readonly scorer?: ScorerBehaviour;
  },
  where = 'scoreTrajectories',
): ScoreTrajectories {
  const { schema, models, scorer: behaviour = {} } = options;
  if (log.times === null && schema.features.timing) throw new MissingTimesError(where);
  const scorer = new LiveScorer({
    ...behaviour,
    schema,
    models: models.map(({ name, model }) => ({ name, model, threshold: 1 })),
  });
  const { positions, sessionOf, times } = timeOrder(log);
  const base = log.offsets[0]!;
  const total = positions.length;
  const scores = models.map(() => new Float64Array(total));
  const stateEvents = new Uint32Array(total);
  const positionTimes = new Float64Array(total);
  const single = models.length === 1;
  for (let k = 0; k < total; k++) {
    const p = positions[k]!;
    const s = sessionOf[k]!;
    const r = scorer.pushParsed(log.sessionIds[s]!, log.actionAt(p), times[k]!);
    const at = p - base;
    positionTimes[at] = log.times === null ? Number.NaN : times[k]!;
    stateEvents[at] = r.eventsSeen;
    if (r.ignored !== undefined) {
      for (const column of scores) column[at] = Number.NaN;
    } else if (single) {
      scores[0]![at] = r.score;
    } else {
      r.scores!.forEach((score, j) => (scores[j]![at] = score));
    }
  }
  scorer.close();
  return { log, names: models.map((m) => m.name), scores, stateEvents, times: positionTimes };
}

/**
 * Joins the trajectories of disjoint parts of one log (such as the folds of a cross-validation,
 * each scored by models that never trained on it) into the trajectories of `log`, the parts'
 * sessions in the parts' order (`selectSessions(trainLog, [...part0, ...part1, …])`).
 *
 * @example
 * ```ts
 * const all = joinTrajectories(selectSessions(trainLog, order), folds.map((fold) => scoreTrajectories(fold.log, fold)));
 * ```
 */
export function joinTrajectories(log: EventLog, parts: readonly ScoreTrajectories[]): ScoreTrajectories {
  const total = log.eventCount;
  const names = parts[0]!.names;
  const scores = names.map(() => new Float64Array(total));
  const stateEvents = new Uint32Array(total);
  const times = new Float64Array(total);
  let at = 0;
  for (const part of parts) {
    part.scores.forEach((column, j) => scores[j]!.set(column, at));
    stateEvents.set(part.stateEvents, at);
    times.set(part.times, at);
    at += part.log.eventCount;
  }
  return { log, names, scores, stateEvents, times };
}
