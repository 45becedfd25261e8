import { InvalidArgumentError } from '../errors.js';
import type { EventLog } from '../events/event-log.js';
import { trainAsync } from '../model/train.js';
import type { TrainParamsInput } from '../model/train-params.js';
import { TrainingData } from '../model/training-data.js';
import { ActionVocabulary } from '../sessions/action-vocabulary.js';
import type { FeatureGroups } from '../sessions/feature-schema.js';
import { WEIGHT_COLUMN } from '../sessions/flatten-prefixes.js';
import { selectSessions } from '../sessions/select-sessions.js';
import { SessionFlattener } from '../sessions/session-flattener.js';
import { Truncators } from '../sessions/truncators.js';
import { stratifiedSplit } from '../split/stratified-split.js';
import { createRandom } from '../random/random.js';
import { choosePolicyOnTrajectories, shareGrid } from './choose-alert-policy.js';
import { CalibrationDataError } from './live-errors.js';
import { LiveDetector, type LiveDetectorModel } from './live-detector.js';
import { checkBudget } from './live-policy.js';
import { type ScorerBehaviour, joinTrajectories, scoreTrajectories } from './score-trajectories.js';

/** The kinds of model {@link trainLiveDetector} can train. */
export type LiveModelKind = 'prefix' | 'whole';

/** Options of {@link trainLiveDetector}. */
export interface TrainLiveDetectorOptions {
  /** The false-alert budget: innocent sessions ever alerted per 10 000, in (0, 10 000]. Default 10. */
  readonly maxFalseAlertsPer10k?: number;
  /** The share of the training log's sessions held out to calibrate the policy (stratified by label). Default 0.3. */
  readonly validationFraction?: number;
  /**
   * How the policy is calibrated. `'holdout'` (default): on the `validationFraction` (or
   * `validationSessions`) held out, the models trained on the rest. `{ folds: k }`: out of fold,
   * a steadier choice: the sessions are split into k stratified folds, each fold is scored live by
   * models trained on the other k − 1, the policy is chosen on every session's out-of-fold
   * trajectory (k times as many innocent sessions set the threshold as a 1/k holdout), and the
   * returned models are trained on all sessions. Costs k + 1 trainings of each model.
   */
  readonly calibration?: 'holdout' | { readonly folds: number };
  /**
   * The ids of the sessions to hold out instead of a `validationFraction` split: for instance the
   * validation sessions of an experiment's other models, so that every model is calibrated on the
   * same sessions none of them trained on.
   */
  readonly validationSessions?: readonly string[];
  /** Seed of the hold-out split and of training (`seed` hyperparameter). Default 0. */
  readonly seed?: number;
  /**
   * The models, in the scorer's order. Default `['prefix', 'whole']`: a model trained on every
   * prefix of every training session (it learns what the first few events of an attack look
   * like) and one trained on whole sessions (it learns what an attack amounts to, and generalises
   * better to attacker styles training never saw).
   */
  readonly models?: readonly LiveModelKind[];
  /**
   * Prefix lengths of the prefix model's rows. Default `{ min: 1, max: 40 }`; rows are weighted so that every session
   * weighs 1.
   */
  readonly prefixes?: { readonly min?: number; readonly max?: number };
  /**
   * The share of the budget each model may spend, in the order of `models`, or share vectors to
   * choose from on validation. Default: chosen among equal shares and three quarters to either
   * model, so each keeps at least a quarter (see `chooseAlertPolicy`).
   */
  readonly budgetShares?: readonly number[] | readonly (readonly number[])[];
  /**
   * Hyperparameters of every model, merged over the defaults: the seed notebook's (`max_depth 5,
   * eta 0.2, gamma 4, min_child_weight 6, subsample 0.7, num_round 50`) with `tree_method hist`.
   */
  readonly hyperparameters?: TrainParamsInput;
  /** Feature groups of the flattener (default the flattener's defaults). */
  readonly features?: Partial<FeatureGroups>;
  /** The action vocabulary. Default: learned from the training sessions (not the held-out ones). */
  readonly vocabulary?: ActionVocabulary;
  /** The `sustain` and `minEvents` values the policy may use. Defaults `[1, 2, 3]` each. */
  readonly sustain?: readonly number[];
  readonly minEvents?: readonly number[];
  /** The scorer behaviour the policy is calibrated for (idle expiry, duplicates), as in production. */
  readonly scorer?: ScorerBehaviour;
  /** Called as each stage starts. */
  readonly onStage?: (stage: 'split' | 'flatten' | 'train' | 'calibrate', detail: string) => void;
  /**
   * Stops the training (between boosting rounds) with a `TrainAbortedError`. Training yields to
   * the event loop between rounds, so other work (training workers, servers) goes on meanwhile.
   */
  readonly signal?: AbortSignal;
}

/** The hyperparameters every model of {@link trainLiveDetector} starts from. */
export const LIVE_DETECTOR_HYPERPARAMETERS: Readonly<TrainParamsInput> = Object.freeze({
  max_depth: 5,
  eta: 0.2,
  gamma: 4,
  min_child_weight: 6,
  subsample: 0.7,
  objective: 'binary:logistic',
  num_round: 50,
  tree_method: 'hist',
});

/**
 * The recommended way to go live: trains the models the live recipe needs on a labelled log and
 * calibrates their alert policy on sessions they never saw, so that alerts come early in an attack
 * and rarely on an innocent session.
 *
 * 1. Holds out `validationFraction` of the sessions (stratified by label, seeded).
 * 2. Learns the vocabulary on the rest and trains, by default, a prefix model (every prefix of
 *    1–40 events a row, each session weighing 1 in total) and a whole-session model.
 * 3. Replays the held-out sessions through a live scorer holding both models and chooses the
 *    thresholds, `sustain` and `minEvents` ({@link chooseAlertPolicy}) so that at most
 *    `maxFalseAlertsPer10k` innocent sessions in 10 000 are ever alerted, each model keeping its
 *    share of that budget (at least a quarter; the shares too are chosen on the held-out sessions).
 *
 * The returned detector's `validation` figures are measured on the held-out sessions the policy was
 * chosen on; `replay(testLog, detector.createScorer())` on a log of other sessions (ideally with
 * an attacker style training lacked) is the honest test.
 *
 * @example
 * ```ts
 * const trainLog = await readEventLog(['mixed-1.txt', 'mixed-2.txt', 'mixed-3.txt', 'known-attacker.txt']);
 * const detector = await trainLiveDetector(trainLog, { maxFalseAlertsPer10k: 10, seed: 1 });
 * const report = replay(await readEventLog('week.txt'), detector.createScorer());
 * report.finalRecall; report.eventsToFirstAlert.median; report.falseAlertsPer10k;
 * ```
 */
export async function trainLiveDetector(
  trainLog: EventLog,
  options: TrainLiveDetectorOptions = {},
): Promise<LiveDetector> {
  const where = 'trainLiveDetector';
  const {
    maxFalseAlertsPer10k = 10,
    validationFraction = 0.3,
    validationSessions,
    calibration = 'holdout',
    seed = 0,
    models: kinds = ['prefix', 'whole'],
    prefixes = {},
    budgetShares,
    hyperparameters = {},
    features,
    vocabulary,
    sustain,
    minEvents,
    scorer,
    onStage,
    signal,
  } = options;
  checkBudget(maxFalseAlertsPer10k, where);
  if (typeof validationFraction !== 'number' || !(validationFraction > 0 && validationFraction < 1))
    throw new InvalidArgumentError(where, 'validationFraction', validationFraction, 'a number in (0, 1)');
  if (
    !Array.isArray(kinds) ||
    kinds.length === 0 ||
    kinds.some((k) => k !== 'prefix' && k !== 'whole') ||
    new Set(kinds).size !== kinds.length
  ) {
    throw new InvalidArgumentError(where, 'models', kinds, "distinct kinds among 'prefix' and 'whole'");
  }
  const prefixSpec = Truncators.prefixes({ min: prefixes.min ?? 1, max: prefixes.max ?? 40 });
  const attackers = trainLog.positiveCount;
  const innocents = trainLog.sessionCount - attackers;
  if (attackers < 2 || innocents < 2) throw new CalibrationDataError(where, 'the training log', attackers, innocents);

  for (const [argument, grid] of [
    ['sustain', sustain],
    ['minEvents', minEvents],
  ] as const) {
    if (
      grid !== undefined &&
      (!Array.isArray(grid) || grid.length === 0 || !grid.every((v) => Number.isSafeInteger(v) && v >= 1))
    )
      throw new InvalidArgumentError(where, argument, grid, 'a non-empty array of integers ≥ 1');
  }
  const params: TrainParamsInput = { ...LIVE_DETECTOR_HYPERPARAMETERS, seed, ...hyperparameters };
  const policyOptions = {
    budget: maxFalseAlertsPer10k,
    shares: shareGrid(budgetShares, kinds.length, where),
    sustain: sustain ?? [1, 2, 3],
    minEvents: minEvents ?? [1, 2, 3],
  };
  const fit = async (log: EventLog, flattener: SessionFlattener): Promise<LiveDetectorModel[]> => {
    const models: LiveDetectorModel[] = [];
    for (const kind of kinds) {
      onStage?.(
        'train',
        `${kind === 'prefix' ? `prefix model (${describePrefixes(prefixSpec)})` : 'whole-session model'} on ` +
          `${log.sessionCount} sessions`,
      );
      const schema = flattener.toSchema();
      const frame = kind === 'prefix' ? flattener.flatten(log, { truncation: prefixSpec }) : flattener.flatten(log);
      const data = TrainingData.fromFrame(frame, {
        label: schema.labelColumn,
        features: schema.featureNames,
        ...(kind === 'prefix' ? { weight: WEIGHT_COLUMN } : {}),
      });
      models.push({
        name: kind,
        booster: (await trainAsync(data, params, signal === undefined ? {} : { signal })).booster,
        trainedOn: kind === 'prefix' ? describePrefixes(prefixSpec) : 'whole sessions',
      });
    }
    return models;
  };
  const named = (models: readonly LiveDetectorModel[]) => models.map((m) => ({ name: m.name, model: m.booster }));

  if (calibration !== 'holdout') {
    const folds = calibration?.folds;
    if (!Number.isSafeInteger(folds) || folds < 2 || folds > 20)
      throw new InvalidArgumentError(
        where,
        'calibration.folds',
        folds,
        "an integer from 2 to 20 (or calibration: 'holdout')",
      );
    if (validationSessions !== undefined)
      throw new InvalidArgumentError(
        where,
        'validationSessions',
        'given',
        "calibration 'holdout' (out-of-fold calibration holds out every session in turn)",
      );
    if (attackers < folds || innocents < folds)
      throw new CalibrationDataError(`${where} (${folds} folds)`, 'the training log', attackers, innocents);
    // Unsupervised choices (vocabulary, bigrams) come from every session; labels only ever from the training folds.
    const flattener = new SessionFlattener({
      vocabulary: vocabulary ?? ActionVocabulary.fromLogs(trainLog),
      features,
    }).fit(trainLog);
    const schema = flattener.toSchema();
    const foldOf = stratifiedFolds(trainLog.labels, folds, seed);
    const order: number[] = [];
    const parts = [];
    for (let k = 0; k < folds; k++) {
      const inFold: number[] = [];
      const rest: number[] = [];
      for (let s = 0; s < trainLog.sessionCount; s++) (foldOf[s] === k ? inFold : rest).push(s);
      onStage?.('split', `fold ${k + 1} of ${folds}: ${inFold.length} sessions held out`);
      const models = await fit(selectSessions(trainLog, rest), flattener);
      onStage?.(
        'calibrate',
        `replaying fold ${k + 1} (${inFold.length} sessions) through the models of the other folds`,
      );
      parts.push(
        scoreTrajectories(
          selectSessions(trainLog, inFold),
          { schema, models: named(models), ...(scorer === undefined ? {} : { scorer }) },
          where,
        ),
      );
      order.push(...inFold);
    }
    const choice = choosePolicyOnTrajectories(joinTrajectories(selectSessions(trainLog, order), parts), policyOptions);
    const models = await fit(trainLog, flattener);
    return new LiveDetector({ schema, models, policy: choice.policy, validation: choice.validation });
  }

  const parts =
    validationSessions === undefined
      ? stratifiedSplit(
          trainLog.labels,
          { train: 1 - validationFraction, validation: validationFraction, test: 0 },
          { seed },
        )
      : heldOutParts(trainLog, validationSessions, where);
  onStage?.('split', `holding out ${parts.validation.length} of ${trainLog.sessionCount} sessions to calibrate on`);
  const fitLog = selectSessions(trainLog, parts.train);
  const validationLog = selectSessions(trainLog, parts.validation);
  if (validationLog.positiveCount === 0 || validationLog.positiveCount === validationLog.sessionCount) {
    throw new CalibrationDataError(
      where,
      'the held-out sessions',
      validationLog.positiveCount,
      validationLog.sessionCount - validationLog.positiveCount,
    );
  }
  onStage?.('flatten', `${fitLog.sessionCount} training sessions`);
  const flattener = new SessionFlattener({ vocabulary: vocabulary ?? ActionVocabulary.fromLogs(fitLog), features }).fit(
    fitLog,
  );
  const schema = flattener.toSchema();
  const trained = await fit(fitLog, flattener);
  onStage?.(
    'calibrate',
    `replaying ${validationLog.sessionCount} held-out sessions (${validationLog.positiveCount} attackers) at ≤ ` +
      `${maxFalseAlertsPer10k} false alerts per 10 000`,
  );
  const trajectories = scoreTrajectories(
    validationLog,
    { schema, models: named(trained), ...(scorer === undefined ? {} : { scorer }) },
    where,
  );
  const choice = choosePolicyOnTrajectories(trajectories, policyOptions);
  return new LiveDetector({ schema, models: trained, policy: choice.policy, validation: choice.validation });
}

/**
 * A fold (0..k-1) per session: each label's sessions shuffled by the seed and dealt round-robin, so every fold holds
 * its share of attackers.
 */
function stratifiedFolds(labels: Uint8Array, folds: number, seed: number): Uint8Array {
  const random = createRandom(seed);
  const foldOf = new Uint8Array(labels.length);
  for (const label of [0, 1]) {
    const members: number[] = [];
    for (let s = 0; s < labels.length; s++) if (labels[s] === label) members.push(s);
    const shuffled = random.shuffle(Uint32Array.from(members));
    shuffled.forEach((s, i) => (foldOf[s] = i % folds));
  }
  return foldOf;
}

/** Session indices of the training log held out by id, and the rest; an unknown id is an error. */
function heldOutParts(
  log: EventLog,
  ids: readonly string[],
  where: string,
): { train: Uint32Array; validation: Uint32Array } {
  if (!Array.isArray(ids) || ids.length === 0)
    throw new InvalidArgumentError(
      where,
      'validationSessions',
      ids,
      'a non-empty array of session ids of the training log',
    );
  const indexOf = new Map(log.sessionIds.map((id, s) => [id, s]));
  const held = new Uint8Array(log.sessionCount);
  ids.forEach((id, i) => {
    const s = indexOf.get(id);
    if (s === undefined)
      throw new InvalidArgumentError(where, `validationSessions[${i}]`, id, 'a session id of the training log');
    held[s] = 1;
  });
  const train: number[] = [];
  const validation: number[] = [];
  for (let s = 0; s < log.sessionCount; s++) (held[s] === 1 ? validation : train).push(s);
  return { train: Uint32Array.from(train), validation: Uint32Array.from(validation) };
}

function describePrefixes(spec: ReturnType<typeof Truncators.prefixes>): string {
  const { min, max } = spec as { min: number; max: number };
  return `every prefix of ${min}–${max} events, each session weighing 1`;
}
