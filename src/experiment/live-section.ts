import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import type { EventLog } from '../events/event-log.js';
import type { LiveReportRow, LiveReportSection } from '../eval/report-live-section.js';
import { chooseAlertPolicy } from '../live/choose-alert-policy.js';
import { LiveDetector } from '../live/live-detector.js';
import { type LivePolicy, type LivePolicyFigures, checkLivePolicy } from '../live/live-policy.js';
import { InvalidArgumentError } from '../errors.js';
import { trainLiveDetector } from '../live/train-live-detector.js';
import type { Booster } from '../model/booster.js';
import type { TrainParamsInput } from '../model/train-params.js';
import type { FeatureGroups, FeatureSchema } from '../sessions/feature-schema.js';
import { selectSessions } from '../sessions/select-sessions.js';
import { LiveScorer } from '../serve/live-scorer.js';
import { type ReplayReport, replay } from '../serve/replay.js';

/** What the live section of an experiment measured for one detector. */
export interface LiveOutcome {
  readonly name: string;
  readonly policy: LivePolicy;
  /** On the held-out validation sessions the policy was chosen on. */
  readonly validation: LivePolicyFigures;
  /** The test log replayed live at the policy. */
  readonly test: ReplayReport;
}

/** The live section's result: one outcome per job model and one for the recommended detector. */
export interface LiveSectionResult {
  readonly budget: number;
  readonly outcomes: readonly LiveOutcome[];
  /** The recommended detector (prefix + whole-session models), saved under `models/live`. */
  readonly detector: LiveDetector;
  readonly detectorDir: string;
  /** The report's live section. */
  readonly report: LiveReportSection;
}

/** One trained job with its calibrated live policy, as the live section needs it. */
export interface LiveJobInput {
  readonly name: string;
  readonly booster: Booster;
  readonly policy: LivePolicy;
  readonly validation: LivePolicyFigures;
}

/**
 * What a model directory's `live-policy.json` holds: the live alert policy and the figures on the
 * validation sessions it was chosen on.
 */
export interface SavedLivePolicy {
  readonly chosenOn: 'validation';
  readonly policy: LivePolicy;
  readonly validation: LivePolicyFigures;
}

/**
 * Checks a `live-policy.json` document (untrusted: it is read from disk) and gives the saved policy.
 *
 * @example
 * ```ts
 * const saved = parseSavedLivePolicy(JSON.parse(text), 'models/first10/live-policy.json');
 * ```
 */
export function parseSavedLivePolicy(json: unknown, file = 'live-policy.json'): SavedLivePolicy {
  const doc = json as Partial<SavedLivePolicy> | null;
  if (doc === null || typeof doc !== 'object' || doc.chosenOn !== 'validation')
    throw new InvalidArgumentError(file, 'chosenOn', doc?.chosenOn, '"validation"');
  const policy = checkLivePolicy(doc.policy as LivePolicy, file);
  const validation = JSON.parse(JSON.stringify(doc.validation ?? {}), (_, v: unknown) =>
    v === null ? Number.NaN : v,
  ) as LivePolicyFigures;
  return { chosenOn: 'validation', policy, validation };
}

/**
 * Calibrates one job's live policy on its validation sessions (the untruncated sessions of the
 * job's validation part, which the model never saw), replayed as production sees them.
 *
 * @example
 * ```ts
 * const saved = calibrateJobLive(trainLog, { name: 'first10', booster, schema, validationSessions, budget: 10 });
 * ```
 */
export function calibrateJobLive(
  trainLog: EventLog,
  job: {
    readonly name: string;
    readonly booster: Booster;
    readonly schema: FeatureSchema;
    readonly validationSessions: readonly string[];
    readonly budget: number;
  },
): SavedLivePolicy {
  const indexOf = new Map(trainLog.sessionIds.map((id, s) => [id, s]));
  // A job of session prefixes has a row per prefix: each validation session once.
  const validationLog = selectSessions(
    trainLog,
    [...new Set(job.validationSessions)].map((id) => indexOf.get(id)!),
  );
  const { policy, validation } = chooseAlertPolicy(validationLog, {
    schema: job.schema,
    models: [{ name: job.name, model: job.booster }],
    maxFalseAlertsPer10k: job.budget,
  });
  return { chosenOn: 'validation', policy, validation };
}

/**
 * The test side of the experiment's live section: every job's model at its calibrated live policy,
 * and the recommended detector (`trainLiveDetector`: prefix and whole-session models, the budget
 * shared, trained on the experiment's training sessions and calibrated on its validation sessions),
 * replay the test log live.
 * Saves the detector under `models/live`.
 */
export async function runLiveSection(input: {
  readonly trainLog: EventLog;
  readonly testLog: EventLog;
  readonly schema: FeatureSchema;
  readonly features: FeatureGroups;
  readonly jobs: readonly LiveJobInput[];
  readonly budget: number;
  /**
   * The experiment's validation sessions (the same for every whole-session job): the detector is calibrated on them and
   * never trains on them.
   */
  readonly validationSessions: readonly string[];
  readonly seed: number;
  /** How the detector's policy is calibrated (see `ExperimentSpec.live`). */
  readonly calibration: 'holdout' | { readonly folds: number };
  readonly hyperparameters: TrainParamsInput;
  readonly modelsDir: string;
  readonly eventsSeen: number;
  /** A note on the test log, such as the attacker styles training lacked. */
  readonly about?: string;
  /** Stops the detector's training (between boosting rounds, which yield to the event loop). */
  readonly signal?: AbortSignal;
}): Promise<LiveSectionResult> {
  const { testLog, schema, jobs, budget, modelsDir } = input;
  const outcomes: LiveOutcome[] = jobs.map(({ name, booster, policy, validation }) => {
    const scorer = new LiveScorer({
      schema,
      model: booster,
      threshold: policy.models[0]!.threshold,
      sustain: policy.sustain,
      minEvents: policy.minEvents,
    });
    return { name, policy, validation, test: replay(testLog, scorer, { maxEventsSeen: input.eventsSeen }) };
  });
  const detector = await startLiveDetector(input);
  const detectorDir = path.join(modelsDir, 'live');
  await mkdir(detectorDir, { recursive: true });
  await detector.save(detectorDir);
  const name = `live detector (${detector.models.map((m) => m.name).join(' + ')})`;
  outcomes.push({
    name,
    policy: detector.policy,
    validation: detector.validation,
    test: replay(testLog, detector.createScorer(), { maxEventsSeen: input.eventsSeen }),
  });
  const report: LiveReportSection = {
    budget,
    about:
      `Test log: ${testLog.sessionCount} sessions, ${testLog.positiveCount} attacker ` +
      `sessions${input.about === undefined ? '' : ` (${input.about})`}.`,
    rows: outcomes.map(reportRow),
  };
  return { budget, outcomes, detector, detectorDir, report };
}

/**
 * Trains the experiment's recommended live detector (`trainLiveDetector`: prefix and
 * whole-session models on the training sessions outside `validationSessions`, calibrated on them).
 * Its boosting rounds yield to the event loop, so a signal (Ctrl-C) stops it between rounds.
 *
 * @example
 * ```ts
 * const detector = await startLiveDetector({ trainLog, budget: 10, validationSessions, calibration: 'holdout', seed: 42, features, hyperparameters });
 * ```
 */
export function startLiveDetector(input: {
  readonly trainLog: EventLog;
  readonly budget: number;
  readonly validationSessions: readonly string[];
  readonly calibration: 'holdout' | { readonly folds: number };
  readonly seed: number;
  readonly features: FeatureGroups;
  readonly hyperparameters: TrainParamsInput;
  readonly signal?: AbortSignal;
}): Promise<LiveDetector> {
  return trainLiveDetector(input.trainLog, {
    maxFalseAlertsPer10k: input.budget,
    ...(input.calibration === 'holdout'
      ? { validationSessions: input.validationSessions }
      : { calibration: input.calibration }),
    seed: input.seed,
    features: input.features,
    hyperparameters: input.hyperparameters,
    ...(input.signal === undefined ? {} : { signal: input.signal }),
  });
}

/**
 * A policy in words, as tables print it.
 *
 * @example
 * ```ts
 * describeLivePolicy(policy); // 'prefix ≥ 0.931, whole ≥ 0.972; sustain 1, from event 2'
 * ```
 */
export function describeLivePolicy(policy: LivePolicy): string {
  const thresholds = policy.models
    .map((m) => (policy.models.length === 1 ? `≥ ${m.threshold.toFixed(3)}` : `${m.name} ≥ ${m.threshold.toFixed(3)}`))
    .join(', ');
  return `${thresholds}; sustain ${policy.sustain}, from event ${policy.minEvents}`;
}

function reportRow(o: LiveOutcome): LiveReportRow {
  const per10k = (rate: number): number => rate * 10_000;
  return {
    name: o.name,
    policy: describeLivePolicy(o.policy),
    validation: { recall: o.validation.recall, falseAlertsPer10k: o.validation.falseAlertsPer10k },
    test: {
      recall: o.test.finalRecall,
      falseAlertsPer10k: o.test.falseAlertsPer10k,
      medianEvents: o.test.eventsToFirstAlert.median,
      p90Events: o.test.eventsToFirstAlert.p90,
      medianTimeMs: o.test.timeToFirstAlertMs.median,
    },
    eventsSeen: Array.from(o.test.eventsSeen),
    recall: Array.from(o.test.recall),
    falseAlertsPer10k: Array.from(o.test.fpr, per10k),
  };
}
