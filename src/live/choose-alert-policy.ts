import { InvalidArgumentError } from '../errors.js';
import type { EventLog } from '../events/event-log.js';
import type { FeatureSchema } from '../sessions/feature-schema.js';
import { CalibrationDataError } from './live-errors.js';
import { type LivePolicy, type LivePolicyFigures, checkBudget, checkShares, measureLivePolicy } from './live-policy.js';
import {
  type NamedLiveModel,
  type ScoreTrajectories,
  type ScorerBehaviour,
  scoreTrajectories,
} from './score-trajectories.js';

/** Options of {@link chooseAlertPolicy}. */
export interface ChooseAlertPolicyOptions {
  /** The models the scorer will hold, in order, all over `schema` (one is fine). */
  readonly models: readonly NamedLiveModel[];
  /** The feature schema the models were trained on. */
  readonly schema: FeatureSchema;
  /** The budget: innocent validation sessions ever alerted, per 10 000, in (0, 10 000]. Required. */
  readonly maxFalseAlertsPer10k: number;
  /**
   * The share of the budget each model may spend, in the models' order (normalised to sum to 1),
   * or a list of such share vectors to choose from on validation. Default, for several models:
   * choose among equal shares and each model given three quarters of the budget (`[[1, 1], [3, 1],
   * [1, 3]]` for two), so every model keeps at least a quarter. A share is what keeps a model's
   * evidence in the policy even when validation holds no session only it can catch (see
   * {@link chooseAlertPolicy}).
   */
  readonly budgetShares?: readonly number[] | readonly (readonly number[])[];
  /** The `sustain` values tried. Default `[1, 2, 3]`. */
  readonly sustain?: readonly number[];
  /** The `minEvents` values tried. Default `[1, 2, 3]`. */
  readonly minEvents?: readonly number[];
  /** The scorer behaviour to replay with, as it will run in production (idle expiry, duplicates, order). */
  readonly scorer?: ScorerBehaviour;
}

/** One `sustain`/`minEvents` pair tried, at the thresholds the budget allowed for it. */
export interface AlertPolicyCandidate {
  readonly sustain: number;
  readonly minEvents: number;
  readonly budgetShares: readonly number[];
  readonly thresholds: readonly number[];
  readonly recall: number;
  readonly falseAlertsPer10k: number;
  readonly medianEventsToFirstAlert: number;
}

/** What {@link chooseAlertPolicy} chose, and why. */
export interface AlertPolicyChoice {
  readonly policy: LivePolicy;
  /** The chosen policy's figures on the validation sessions (the figures it was chosen by). */
  readonly validation: LivePolicyFigures;
  /** Every pair tried, in grid order. */
  readonly candidates: readonly AlertPolicyCandidate[];
  /**
   * False when even the strictest thresholds alert more innocent sessions than the budget allows
   * (scores of exactly 1 on innocent sessions); the policy is then the strictest possible.
   */
  readonly withinBudget: boolean;
}

/**
 * Chooses a live alert policy on held-out validation sessions, replayed the way they will be
 * scored in production: every session's events in time order through a {@link LiveScorer}
 * holding the models, each session scored after every event. An innocent session gets one chance
 * to cross a threshold per event, so a threshold chosen on whole sessions alerts far more often
 * live; here the budget counts innocent sessions *ever* alerted.
 *
 * For each `sustain` × `minEvents` pair of the grid (and each share vector), the thresholds are the lowest that keep
 * the innocent validation sessions ever alerted within the budget (`⌊budget · innocents / 10 000⌋`
 * sessions), each threshold halfway between two innocent sessions' peak scores. With several
 * models the budget is shared: thresholds are lowered in turn, always for the model that has
 * spent the smallest part of its share, while the sessions alerted by any model stay within the
 * budget; sessions two models both alert count once. So every model keeps its share of alerts
 * (at least a quarter with the default share vectors), and whole-session evidence can still catch
 * an attacker style that validation lacks, which a policy maximising validation recall alone would
 * drop. The chosen pair maximises validation
 * recall, then earliness (median, then 90th percentile of events to the first alert), then fewer
 * false alerts, then the earlier pair of the grid (smaller `sustain`, then `minEvents`, by default).
 *
 * Validation sessions must be sessions the models never saw in training; both classes must be
 * present (else {@link CalibrationDataError}). With few innocent sessions the budget rounds down
 * to few sessions (`⌊10 · 3 000 / 10 000⌋ = 3`): use a large validation set.
 *
 * @example
 * ```ts
 * const { policy, validation } = chooseAlertPolicy(validationLog, {
 *   schema,
 *   models: [{ name: 'prefix', model: prefixBooster }, { name: 'whole', model: wholeBooster }],
 *   maxFalseAlertsPer10k: 10,
 * });
 * validation.recall; validation.falseAlertsPer10k; validation.eventsToFirstAlert.median;
 * const scorer = new LiveScorer({ schema, sustain: policy.sustain, minEvents: policy.minEvents,
 *   models: policy.models.map((m, i) => ({ ...m, model: [prefixBooster, wholeBooster][i] })) });
 * ```
 */
export function chooseAlertPolicy(validationLog: EventLog, options: ChooseAlertPolicyOptions): AlertPolicyChoice {
  const where = 'chooseAlertPolicy';
  if (options === null || typeof options !== 'object')
    throw new InvalidArgumentError(
      where,
      'options',
      options,
      'an options object with models, schema and maxFalseAlertsPer10k',
    );
  const { models, schema, maxFalseAlertsPer10k, sustain = [1, 2, 3], minEvents = [1, 2, 3], scorer } = options;
  const budget = checkBudget(maxFalseAlertsPer10k, where);
  if (!Array.isArray(models) || models.length === 0)
    throw new InvalidArgumentError(where, 'models', models, 'a non-empty array of { name, model }');
  const shares = shareGrid(options.budgetShares, models.length, where);
  for (const [argument, grid] of [
    ['sustain', sustain],
    ['minEvents', minEvents],
  ] as const) {
    if (!Array.isArray(grid) || grid.length === 0 || !grid.every((v) => Number.isSafeInteger(v) && v >= 1))
      throw new InvalidArgumentError(where, argument, grid, 'a non-empty array of integers ≥ 1');
  }
  const attackers = validationLog.positiveCount;
  const innocents = validationLog.sessionCount - attackers;
  if (attackers === 0 || innocents === 0)
    throw new CalibrationDataError(where, 'the validation log', attackers, innocents);
  const trajectories = scoreTrajectories(validationLog, { schema, models, scorer }, where);
  return choosePolicyOnTrajectories(trajectories, { budget, shares, sustain, minEvents });
}

/**
 * The share vectors to try: the one given, the list given, or by default equal shares and each
 * model in turn given three quarters of the budget; each checked and normalised.
 *
 * @example
 * ```ts
 * shareGrid(undefined, 2, 'chooseAlertPolicy'); // [[0.5, 0.5], [0.75, 0.25], [0.25, 0.75]]
 * ```
 */
export function shareGrid(
  given: readonly number[] | readonly (readonly number[])[] | undefined,
  models: number,
  where: string,
): number[][] {
  const list = given ?? defaultShareGrid(models);
  const grid = (Array.isArray(list[0]) ? list : [list]) as readonly (readonly number[])[];
  if (grid.length === 0)
    throw new InvalidArgumentError(where, 'budgetShares', given, 'share vectors, one share per model');
  return grid.map((vector, i) =>
    checkShares(vector, models, where, grid.length === 1 ? 'budgetShares' : `budgetShares[${i}]`),
  );
}

/** Equal shares, and each model in turn given three quarters of the budget (the rest shared equally). */
function defaultShareGrid(models: number): number[][] {
  if (models === 1) return [[1]];
  const favour = (j: number): number[] =>
    Array.from({ length: models }, (_, i) => (i === j ? 0.75 : 0.25 / (models - 1)));
  return [Array.from({ length: models }, () => 1 / models), ...Array.from({ length: models }, (_, j) => favour(j))];
}

/**
 * {@link chooseAlertPolicy} on trajectories already scored (`scoreTrajectories`), to try several
 * budgets or shares without replaying again.
 *
 * @example
 * ```ts
 * const t = scoreTrajectories(validationLog, { schema, models });
 * const strict = choosePolicyOnTrajectories(t, { budget: 5, shares: [[0.5, 0.5]], sustain: [1, 2], minEvents: [1, 2] });
 * ```
 */
export function choosePolicyOnTrajectories(
  t: ScoreTrajectories,
  options: {
    readonly budget: number;
    readonly shares: readonly (readonly number[])[];
    readonly sustain: readonly number[];
    readonly minEvents: readonly number[];
  },
): AlertPolicyChoice {
  const { budget, shares, sustain: sustainGrid, minEvents: minEventsGrid } = options;
  const labels = t.log.labels;
  const innocent: number[] = [];
  for (let s = 0; s < labels.length; s++) if (labels[s] !== 1) innocent.push(s);
  const allowed = Math.floor((budget * innocent.length) / 10_000);
  const candidates: AlertPolicyCandidate[] = [];
  let best: { policy: LivePolicy; figures: LivePolicyFigures; within: boolean } | null = null;
  for (const sustain of sustainGrid) {
    for (const minEvents of minEventsGrid) {
      const peaks = t.scores.map((scores) => innocent.map((s) => peakScore(t, scores, s, sustain, minEvents)));
      for (const budgetShares of shares) {
        const { thresholds, within } = shareBudget(peaks, budgetShares, allowed);
        const policy: LivePolicy = {
          models: t.names.map((name, j) => ({ name, threshold: thresholds[j]! })),
          sustain,
          minEvents,
          maxFalseAlertsPer10k: budget,
          budgetShares,
        };
        const figures = measureLivePolicy(t, policy);
        candidates.push({
          sustain,
          minEvents,
          budgetShares,
          thresholds,
          recall: figures.recall,
          falseAlertsPer10k: figures.falseAlertsPer10k,
          medianEventsToFirstAlert: figures.eventsToFirstAlert.median,
        });
        if (best === null || better(figures, best.figures)) best = { policy, figures, within };
      }
    }
  }
  return { policy: best!.policy, validation: best!.figures, candidates, withinBudget: best!.within };
}

/**
 * Recall first, then earliness (median, then 90th percentile of events to the first alert), then fewer false alerts;
 * ties keep the earlier grid pair.
 */
function better(a: LivePolicyFigures, b: LivePolicyFigures): boolean {
  if (a.caught !== b.caught) return a.caught > b.caught;
  for (const q of ['median', 'p90'] as const) {
    const x = a.eventsToFirstAlert[q];
    const y = b.eventsToFirstAlert[q];
    if (x !== y && !(Number.isNaN(x) && Number.isNaN(y))) return Number.isNaN(y) || x < y;
  }
  return a.falseAlerts < b.falseAlerts;
}

/**
 * The highest threshold at which session `s` would ever alert under `sustain`/`minEvents` with
 * this model alone: the largest, over its events from the `minEvents`-th on, of the smallest of
 * the last `sustain` scores of one live session state; -Infinity when it never could.
 */
function peakScore(t: ScoreTrajectories, scores: Float64Array, s: number, sustain: number, minEvents: number): number {
  const base = t.log.offsets[0]!;
  const from = t.log.offsets[s]! - base;
  const to = t.log.offsets[s + 1]! - base;
  const last = new Float64Array(sustain);
  let run = 0;
  let peak = -Infinity;
  for (let p = from; p < to; p++) {
    const score = scores[p]!;
    if (Number.isNaN(score)) continue;
    const seen = t.stateEvents[p]!;
    if (seen === 1) run = 0;
    last[run % sustain] = score;
    run++;
    if (run < sustain || seen < minEvents) continue;
    let low = Infinity;
    for (let i = 0; i < sustain; i++) if (last[i]! < low) low = last[i]!;
    if (low > peak) peak = low;
  }
  return peak;
}

/**
 * Per model, thresholds from strict to lenient: level 0 alerts no innocent session (unless some
 * peak at exactly 1), level L alerts those whose peak is one of the L highest distinct peaks;
 * each threshold lies halfway between two distinct peaks.
 */
function levels(peaks: readonly number[]): { thresholds: number[] } {
  const distinct = [...new Set(peaks.filter((p) => p > -Infinity))].sort((a, b) => b - a);
  // With no innocent peak there is nothing to choose by: stay at the strictest threshold.
  const thresholds = [distinct.length > 0 && distinct[0]! < 1 ? (distinct[0]! + 1) / 2 : 1];
  for (let L = 0; L < distinct.length; L++) thresholds.push((distinct[L]! + (distinct[L + 1] ?? 0)) / 2);
  return { thresholds };
}

/**
 * Lowers the models' thresholds in turn (the model furthest below its share first) while the union of alerted innocents
 * stays within `allowed`.
 */
function shareBudget(
  peaks: readonly (readonly number[])[],
  shares: readonly number[],
  allowed: number,
): { thresholds: number[]; within: boolean } {
  const k = peaks.length;
  const ladders = peaks.map((p) => levels(p).thresholds);
  const at = new Array<number>(k).fill(0);
  const saturated = new Array<boolean>(k).fill(false);
  const own = (j: number, level: number): number => {
    const threshold = ladders[j]![level]!;
    let n = 0;
    for (const p of peaks[j]!) if (p >= threshold) n++;
    return n;
  };
  const union = (levelOf: readonly number[]): number => {
    let n = 0;
    const sessions = peaks[0]!.length;
    for (let i = 0; i < sessions; i++) {
      for (let j = 0; j < k; j++) {
        if (peaks[j]![i]! >= ladders[j]![levelOf[j]!]!) {
          n++;
          break;
        }
      }
    }
    return n;
  };
  const within = union(at) <= allowed;
  for (;;) {
    let pick = -1;
    let pickLoad = Infinity;
    for (let j = 0; j < k; j++) {
      if (saturated[j] || at[j]! + 1 >= ladders[j]!.length) continue;
      const load = own(j, at[j]! + 1) / shares[j]!;
      if (load < pickLoad) {
        pick = j;
        pickLoad = load;
      }
    }
    if (pick < 0) break;
    const next = at.slice();
    next[pick]!++;
    if (union(next) <= allowed) at[pick]!++;
    else saturated[pick] = true;
  }
  return { thresholds: at.map((level, j) => ladders[j]![level]!), within };
}
