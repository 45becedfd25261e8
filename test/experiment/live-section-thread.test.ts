import { afterAll, describe, expect, it } from 'vitest';
import { calibrateAndReplayJob, liveDetectorOptions } from '../../src/experiment/live-section.js';
import { LiveSectionThread } from '../../src/experiment/live-section-thread.js';
import { CalibrationDataError } from '../../src/live/live-errors.js';
import { trainLiveDetector } from '../../src/live/train-live-detector.js';
import { DEFAULT_FEATURES } from '../../src/sessions/feature-schema.js';
import { stratifiedSplit } from '../../src/split/stratified-split.js';
import { generateEvents } from '../../src/synth/generate-events.js';
import { syntheticEventLog } from '../../src/synth/synthetic-log.js';
import { type ReplayReport, replay } from '../../src/serve/replay.js';
import { RunAbortedError } from '../../src/train/train-errors.js';

// The thread must give what the same calls give on this thread, bit for bit: the in-process calls are the reference.
const trainLog = syntheticEventLog(generateEvents({ seed: 8, sessions: 2500, attackerEventShare: 0.2 }));
const testLog = syntheticEventLog(
  generateEvents({ seed: 9, sessions: 1500, attackerEventShare: 0.2, firstSessionNo: 800_000_000 }),
);
const validation = stratifiedSplit(trainLog.labels, { train: 0.7, validation: 0.3, test: 0 }, { seed: 3 }).validation;
const validationSessions = Array.from(validation, (s) => trainLog.sessionIds[s]!);
const options = liveDetectorOptions({
  budget: 100,
  validationSessions,
  calibration: 'holdout',
  seed: 3,
  features: DEFAULT_FEATURES,
  hyperparameters: { num_round: 10 },
});
const threads: LiveSectionThread[] = [];
afterAll(() => {
  for (const thread of threads) thread.close();
});

/** A replay's report but for its own timing (wall time and its rate). */
function withoutTiming(report: ReplayReport): Omit<ReplayReport, 'wallMs' | 'eventsPerSecond'> {
  const { wallMs: _wall, eventsPerSecond: _rate, ...rest } = report;
  return rest;
}

describe('LiveSectionThread', () => {
  it('trains on a worker the live detector trainLiveDetector trains here (the same models, policy and validation figures) and replays the test log at it as replay does here', async () => {
    const thread = new LiveSectionThread();
    threads.push(thread);
    thread.useLogs(trainLog, testLog);
    const [{ detector: there, test: replayed }, here] = await Promise.all([
      thread.trainAndReplayDetector(options, 20),
      trainLiveDetector(trainLog, options),
    ]);
    expect(there.models.map((m) => m.booster.toJSON())).toEqual(here.models.map((m) => m.booster.toJSON()));
    expect(there.models.map((m) => m.trainedOn)).toEqual(here.models.map((m) => m.trainedOn));
    expect(there.policy).toEqual(here.policy);
    expect(there.validation).toEqual(here.validation);
    expect(there.schema).toEqual(here.schema);
    expect(withoutTiming(replayed)).toEqual(withoutTiming(replay(testLog, here.createScorer(), { maxEventsSeen: 20 })));

    // A job's live policy and test replay, with a model of the detector as the job's model.
    const job = {
      name: 'whole',
      booster: here.models[1]!.booster,
      schema: here.schema,
      validationSessions,
      budget: 100,
      eventsSeen: 20,
    };
    const [calibrated, reference] = [await thread.calibrateJob(job), calibrateAndReplayJob(trainLog, testLog, job)];
    expect(calibrated.saved).toEqual(reference.saved);
    expect(withoutTiming(calibrated.test)).toEqual(withoutTiming(reference.test));
    expect(calibrated.test.caught).toBeGreaterThan(0);
  }, 60_000);

  it('fails a task as the same call fails here: too few attackers to calibrate on is a CalibrationDataError', async () => {
    const thread = new LiveSectionThread();
    threads.push(thread);
    thread.useLogs(trainLog, testLog);
    const innocents = validationSessions.filter((id) => trainLog.labels[trainLog.sessionIds.indexOf(id)] === 0);
    const { detector } = await thread.trainAndReplayDetector(options, 20);
    const job = {
      name: 'whole',
      booster: detector.models[1]!.booster,
      schema: detector.schema,
      validationSessions: innocents,
      budget: 100,
      eventsSeen: 20,
    };
    let here: unknown;
    try {
      calibrateAndReplayJob(trainLog, testLog, job);
    } catch (err) {
      here = err;
    }
    expect(here).toBeInstanceOf(CalibrationDataError);
    const there = await thread.calibrateJob(job).catch((err: unknown) => err);
    expect(there).toBeInstanceOf(CalibrationDataError);
    expect((there as Error).message).toBe((here as Error).message);
  }, 60_000);

  it('stops at once when its signal aborts: what is pending rejects with RunAbortedError and later tasks too', async () => {
    const controller = new AbortController();
    const thread = new LiveSectionThread({ signal: controller.signal });
    threads.push(thread);
    thread.useLogs(trainLog, testLog);
    const training = thread.trainDetector({ ...options, hyperparameters: { num_round: 500 } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const aborted = performance.now();
    controller.abort(new Error('interrupted by SIGINT'));
    await expect(training).rejects.toBeInstanceOf(RunAbortedError);
    expect(performance.now() - aborted).toBeLessThan(1000);
    await expect(thread.trainDetector(options)).rejects.toBeInstanceOf(RunAbortedError);
  }, 60_000);
});
