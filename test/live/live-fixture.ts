import type { EventLog } from '../../src/events/event-log.js';
import type { Booster } from '../../src/model/booster.js';
import { train } from '../../src/model/train.js';
import { TrainingData } from '../../src/model/training-data.js';
import { ActionVocabulary } from '../../src/sessions/action-vocabulary.js';
import type { FeatureSchema } from '../../src/sessions/feature-schema.js';
import { SessionFlattener } from '../../src/sessions/session-flattener.js';
import { Truncators } from '../../src/sessions/truncators.js';
import { generateEvents } from '../../src/synth/generate-events.js';
import { syntheticEventLog } from '../../src/synth/synthetic-log.js';

/**
 * Two small models over one schema (whole sessions; first 5 events), trained on one generated log, and a disjoint
 * validation log.
 */
export interface CalibrationFixture {
  readonly trainLog: EventLog;
  readonly validationLog: EventLog;
  readonly schema: FeatureSchema;
  readonly whole: Booster;
  readonly early: Booster;
}

export function calibrationFixture({
  seed = 5,
  sessions = 1200,
}: {
  seed?: number;
  sessions?: number;
} = {}): CalibrationFixture {
  const trainLog = syntheticEventLog(generateEvents({ seed, sessions, attackerEventShare: 0.2 }));
  const validationLog = syntheticEventLog(
    generateEvents({ seed: seed + 1000, sessions, attackerEventShare: 0.2, firstSessionNo: 900_000_000 }),
  );
  const flattener = new SessionFlattener({
    vocabulary: ActionVocabulary.fromLogs(trainLog),
    features: { counts: true, timing: true },
  }).fit(trainLog);
  const schema = flattener.toSchema();
  const params = {
    num_round: 10,
    max_depth: 3,
    eta: 0.3,
    objective: 'binary:logistic',
    tree_method: 'hist',
    seed: 0,
  } as const;
  const fit = (log: EventLog): Booster =>
    train(TrainingData.fromFrame(flattener.flatten(log), { label: 'BadActor', features: schema.featureNames }), params)
      .booster;
  return {
    trainLog,
    validationLog,
    schema,
    whole: fit(trainLog),
    early: fit(Truncators.apply(trainLog, Truncators.firstN(5))),
  };
}
