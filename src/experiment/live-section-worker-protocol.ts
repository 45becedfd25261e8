import type { EventLogParts } from '../events/event-log.js';
import type { TrainLiveDetectorOptions } from '../live/train-live-detector.js';
import type { LivePolicy, LivePolicyFigures } from '../live/live-policy.js';
import type { BoosterModel } from '../model/model-types.js';
import type { FeatureSchema } from '../sessions/feature-schema.js';
import type { ReplayReport } from '../serve/replay.js';
import type { SavedLivePolicy } from './live-section.js';

/**
 * The options of `trainLiveDetector` that cross to a worker thread: plain data (no callbacks, no
 * class instances, no signal: the caller stops the worker instead).
 */
export type PlainLiveDetectorOptions = Omit<TrainLiveDetectorOptions, 'onStage' | 'vocabulary' | 'signal'>;

/** One job's live work: its model's policy calibrated on its validation sessions, then the test log replayed at it. */
export interface LiveJobTask {
  readonly name: string;
  readonly model: BoosterModel;
  readonly schema: FeatureSchema;
  /** Ids of the job's validation sessions (of the training log). */
  readonly validationSessions: readonly string[];
  readonly budget: number;
  /** The replay's `maxEventsSeen`. */
  readonly eventsSeen: number;
}

/** A message to the live-section worker: the logs first, then tasks, answered in order by id. */
export type LiveSectionRequest =
  | { readonly kind: 'logs'; readonly train: EventLogParts; readonly test: EventLogParts }
  | {
      readonly kind: 'detector';
      readonly id: number;
      readonly options: PlainLiveDetectorOptions;
      /** Also replay the test log at the detector's policy, counting up to this many events per session. */
      readonly replayEventsSeen?: number;
    }
  | { readonly kind: 'job'; readonly id: number; readonly task: LiveJobTask };

/** A message from the live-section worker. */
export type LiveSectionReply =
  | { readonly kind: 'ready' }
  | {
      readonly kind: 'detector';
      readonly id: number;
      readonly schema: FeatureSchema;
      readonly models: readonly { readonly name: string; readonly model: BoosterModel; readonly trainedOn: string }[];
      readonly policy: LivePolicy;
      readonly validation: LivePolicyFigures;
      /** The test log replayed at the detector's policy, when asked for. */
      readonly test?: ReplayReport;
    }
  | { readonly kind: 'job'; readonly id: number; readonly saved: SavedLivePolicy; readonly test: ReplayReport }
  | {
      readonly kind: 'failed';
      readonly id: number;
      readonly message: string;
      readonly name: string;
      readonly code?: string;
    };
