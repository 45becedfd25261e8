import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import type { EventLog } from '../events/event-log.js';
import type { LiveReportRow, LiveReportSection } from '../eval/report-live-section.js';
import { chooseAlertPolicy } from '../live/choose-alert-policy.js';
import type { LiveDetector } from '../live/live-detector.js';
import { type LivePolicy, type LivePolicyFigures, checkLivePolicy } from '../live/live-policy.js';
import { InvalidArgumentError } from '../errors.js';
import type { Booster } from '../model/booster.js';
import type { TrainParamsInput } from '../model/train-params.js';
import type { FeatureGroups, FeatureSchema } from '../sessions/feature-schema.js';
import { selectSessions } from '../sessions/select-sessions.js';
import { LiveScorer } from '../serve/live-scorer.js';
import { type ReplayReport, replay } from '../serve/replay.js';
import type { PlainLiveDetectorOptions } from './live-section-worker-protocol.js';

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
 * One job's live work, as the experiment's live section does it for every job: its live policy
 * calibrated on its validation sessions ({@link calibrateJobLive}), then the test log replayed
 * live at that policy (`replay`, counting up to `eventsSeen` events per session).
 *
 * @example
 * ```ts
 * const { saved, test } = calibrateAndReplayJob(trainLog, testLog, { name: 'first10', booster, schema, validationSessions, budget: 10, eventsSeen: 50 });
 * ```
 */
export function calibrateAndReplayJob(
  trainLog: EventLog,
  testLog: EventLog,
  job: {
    readonly name: string;
    readonly booster: Booster;
    readonly schema: FeatureSchema;
    readonly validationSessions: readonly string[];
    readonly budget: number;
    readonly eventsSeen: number;
  },
): { saved: SavedLivePolicy; test: ReplayReport } {
  const saved = calibrateJobLive(trainLog, job);
  const { policy } = saved;
  const scorer = new LiveScorer({
    schema: job.schema,
    model: job.booster,
    threshold: policy.models[0]!.threshold,
    sustain: policy.sustain,
    minEvents: policy.minEvents,
  });
  return { saved, test: replay(testLog, scorer, { maxEventsSeen: job.eventsSeen }) };
}

/**
 * The test side of the experiment's live section: every job's model at its calibrated live policy
 * (replayed on the test log by {@link calibrateAndReplayJob}), and the recommended detector
 * (`trainLiveDetector`: prefix and whole-session models, the budget shared, trained on the
 * experiment's training sessions and calibrated on its validation sessions) replayed on the test
 * log live (both replayed by the caller, on the live-section worker). Saves the detector under
 * `models/live`.
 */
export async function runLiveSection(input: {
  readonly testLog: EventLog;
  readonly jobs: readonly LiveOutcome[];
  readonly budget: number;
  /** The recommended detector, trained meanwhile (see {@link liveDetectorOptions}), and the test log replayed at it. */
  readonly detector: Promise<{ readonly detector: LiveDetector; readonly test: ReplayReport }>;
  readonly modelsDir: string;
  readonly eventsSeen: number;
  /** A note on the test log, such as the attacker styles training lacked. */
  readonly about?: string;
}): Promise<LiveSectionResult> {
  const { testLog, budget, modelsDir } = input;
  const outcomes: LiveOutcome[] = [...input.jobs];
  const { detector, test } = await input.detector;
  const detectorDir = path.join(modelsDir, 'live');
  await mkdir(detectorDir, { recursive: true });
  await detector.save(detectorDir);
  const name = `live detector (${detector.models.map((m) => m.name).join(' + ')})`;
  outcomes.push({
    name,
    policy: detector.policy,
    validation: detector.validation,
    test,
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
 * `trainLiveDetector`'s options for the experiment's recommended live detector: prefix and
 * whole-session models on the training sessions outside `validationSessions`, calibrated on them
 * (or out of fold with `calibration: { folds }`).
 *
 * @example
 * ```ts
 * const options = liveDetectorOptions({ budget: 10, validationSessions, calibration: 'holdout', seed: 42, features, hyperparameters });
 * const detector = await trainLiveDetector(trainLog, options);
 * ```
 */
export function liveDetectorOptions(input: {
  readonly budget: number;
  readonly validationSessions: readonly string[];
  readonly calibration: 'holdout' | { readonly folds: number };
  readonly seed: number;
  readonly features: FeatureGroups;
  readonly hyperparameters: TrainParamsInput;
}): PlainLiveDetectorOptions {
  return {
    maxFalseAlertsPer10k: input.budget,
    ...(input.calibration === 'holdout'
      ? { validationSessions: input.validationSessions }
      : { calibration: input.calibration }),
    seed: input.seed,
    features: input.features,
    hyperparameters: input.hyperparameters,
  };
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
