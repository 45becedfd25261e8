/**
 * The live-section worker thread of an experiment: receives the training and test logs once, then
 * tasks: train the recommended live detector (`trainLiveDetector`, whose boosting rounds yield, so
 * the jobs' tasks run between them as they come) and replay the test log at its policy, or calibrate one job's live policy and replay
 * the test log at it (`calibrateAndReplayJob`). Models cross back as XGBoost model data, so they are the ones trained
 * here bit for bit. Started by `LiveSectionThread`; built as its own entry
 * (`dist/live-section-worker.js` / `.cjs`), never imported by the library itself.
 */
import { parentPort } from 'node:worker_threads';
import { EventLog } from '../events/event-log.js';
import { trainLiveDetector } from '../live/train-live-detector.js';
import { Booster } from '../model/booster.js';
import { replay } from '../serve/replay.js';
import { calibrateAndReplayJob } from './live-section.js';
import type { LiveSectionReply, LiveSectionRequest } from './live-section-worker-protocol.js';

const port = parentPort;
if (port) {
  let logs: { train: EventLog; test: EventLog } | undefined;
  const run = async (request: Exclude<LiveSectionRequest, { kind: 'logs' }>): Promise<LiveSectionReply> => {
    if (logs === undefined) throw new Error('the logs were not sent before the first task');
    if (request.kind === 'detector') {
      const detector = await trainLiveDetector(logs.train, request.options);
      const { replayEventsSeen } = request;
      return {
        kind: 'detector',
        id: request.id,
        schema: detector.schema,
        models: detector.models.map((m) => ({ name: m.name, model: m.booster.model, trainedOn: m.trainedOn })),
        policy: detector.policy,
        validation: detector.validation,
        ...(replayEventsSeen === undefined
          ? {}
          : { test: replay(logs.test, detector.createScorer(), { maxEventsSeen: replayEventsSeen }) }),
      };
    }
    const { task } = request;
    const { saved, test } = calibrateAndReplayJob(logs.train, logs.test, { ...task, booster: new Booster(task.model) });
    return { kind: 'job', id: request.id, saved, test };
  };
  port.on('message', (request: LiveSectionRequest) => {
    if (request.kind === 'logs') {
      logs = { train: new EventLog(request.train), test: new EventLog(request.test) };
      return;
    }
    run(request).then(
      (reply) => port.postMessage(reply),
      (err: unknown) => {
        const error = err instanceof Error ? err : new Error(String(err));
        const code = (error as { code?: unknown }).code;
        port.postMessage({
          kind: 'failed',
          id: request.id,
          message: error.message,
          name: error.name,
          ...(typeof code === 'string' ? { code } : {}),
        } satisfies LiveSectionReply);
      },
    );
  });
  port.postMessage({ kind: 'ready' } satisfies LiveSectionReply);
}
