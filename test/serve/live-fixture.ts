import type { EventLog } from '../../src/events/event-log.js';
import { Booster } from '../../src/model/booster.js';
import { train } from '../../src/model/train.js';
import { TrainingData } from '../../src/model/training-data.js';
import { ActionVocabulary } from '../../src/sessions/action-vocabulary.js';
import type { FeatureGroups, FeatureSchema } from '../../src/sessions/feature-schema.js';
import { SessionFlattener } from '../../src/sessions/session-flattener.js';
import { generateEvents } from '../../src/synth/generate-events.js';
import { syntheticEventLog } from '../../src/synth/synthetic-log.js';
import type { LiveEvent } from '../../src/serve/live-scorer.js';

/** A generated log, a flattener fitted on it, and a model trained on its flattened sessions. */
export interface LiveFixture {
  readonly log: EventLog;
  readonly flattener: SessionFlattener;
  readonly schema: FeatureSchema;
  readonly booster: Booster;
}

/** Builds a {@link LiveFixture}: `sessions` generated sessions, the given feature groups, a small model. */
export function liveFixture({
  seed,
  sessions,
  features,
  rounds = 10,
}: {
  seed: number;
  sessions: number;
  features: Partial<FeatureGroups>;
  rounds?: number;
}): LiveFixture {
  const log = syntheticEventLog(generateEvents({ seed, sessions }));
  const flattener = new SessionFlattener({ vocabulary: ActionVocabulary.fromLogs(log), features }).fit(log);
  const frame = flattener.flatten(log);
  const data = TrainingData.fromFrame(frame, { label: 'BadActor', features: flattener.featureNames });
  const { booster } = train(data, {
    num_round: rounds,
    max_depth: 4,
    eta: 0.3,
    objective: 'binary:logistic',
    tree_method: 'hist',
    seed: 0,
  });
  return { log, flattener, schema: flattener.toSchema(), booster };
}

/** The log's events as live events, sessions interleaved by time (stable: a session's own order kept). */
export function liveEvents(log: EventLog): LiveEvent[] {
  const positions: number[] = [];
  for (let s = 0; s < log.sessionCount; s++)
    for (let p = log.offsets[s]!; p < log.offsets[s + 1]!; p++) positions.push(p);
  const sessionOf = new Uint32Array(log.offsets[log.sessionCount]!);
  for (let s = 0; s < log.sessionCount; s++) sessionOf.fill(s, log.offsets[s]!, log.offsets[s + 1]!);
  const times = log.times!;
  positions.sort((a, b) => times[log.event(a)]! - times[log.event(b)]!);
  const customers = log.extras.CustID;
  return positions.map((p) => {
    const e = log.event(p);
    const customer = customers?.kind === 'string' ? customers.dictionary[customers.codes[e]!] : undefined;
    return { session: log.sessionIds[sessionOf[p]!]!, time: times[e]!, action: log.actionAt(p), customer };
  });
}
