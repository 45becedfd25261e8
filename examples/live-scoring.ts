/**
 * Live scoring: replay the test day event by event, in time order with sessions interleaved, through
 * the live scorer, and measure how early attacks are caught (events and time to the first alert).
 *
 *   npx tsx examples/live-scoring.ts [dataDir]
 *
 * First the recommended way to go live: `trainLiveDetector` trains a prefix model and a
 * whole-session model on the training files (generating synthetic ones first when `dataDir` has
 * none) and calibrates their alert policy on held-out sessions replayed live, for at most 10
 * innocent sessions ever alerted per 10 000; `replay(testLog, detector.createScorer())` is the
 * honest test on the test day. Then, for contrast, the naive way: a whole-session model with its
 * threshold chosen on whole validation sessions at FPR ≤ 0.5%, replayed with alerts after 1 and
 * after 2 consecutive events over the threshold: an innocent session is scored after every event,
 * so it alerts more often live than the threshold promised. In your own project import from
 * 'sessionsentry'.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ActionVocabulary,
  FrameSplitter,
  LiveScorer,
  SessionFlattener,
  TrainingData,
  chooseOperatingPoint,
  generateLogs,
  readEventLog,
  replay,
  train,
  trainLiveDetector,
  type LiveAlert,
  type LivePolicyFigures,
  type ReplayReport,
} from '../src/index.js';

/** Options of {@link main}. */
export interface LiveScoringOptions {
  /** Folder of the user's files. Default `.demo/data`. */
  readonly dataDir?: string;
  /** Scale of generated data when `dataDir` has none. Default 1. */
  readonly scale?: number;
  /** Boosting rounds. Default 50. */
  readonly numRound?: number;
  /** Where lines go. Default `console.log`. */
  readonly log?: (line: string) => void;
}

/** Runs the replay; resolves to the reports with alerts after 1 and after 2 events over the threshold. */
export async function main(options: LiveScoringOptions = {}): Promise<{
  detector: ReplayReport;
  detectorValidation: LivePolicyFigures;
  threshold: number;
  sustain1: ReplayReport;
  sustain2: ReplayReport;
  firstAlerts: LiveAlert[];
}> {
  const { dataDir = '.demo/data', scale = 1, numRound = 50, log = console.log } = options;
  if (!existsSync(path.join(dataDir, 'single.txt'))) {
    log(`generating synthetic logs in ${dataDir}`);
    generateLogs({ seed: 42, scale, outDir: dataDir });
  }
  const trainLog = await readEventLog(
    ['known-attacker.txt', 'mixed-1.txt', 'mixed-2.txt', 'mixed-3.txt'].map((f) => path.join(dataDir, f)),
  );
  const testLog = await readEventLog(path.join(dataDir, 'single.txt'));

  // The recommended way: models and an alert policy calibrated for live use on held-out sessions.
  const live = await trainLiveDetector(trainLog, {
    maxFalseAlertsPer10k: 10,
    seed: 1,
    hyperparameters: { num_round: numRound },
  });
  const { policy, validation } = live;
  log(
    `live detector: ${policy.models.map((m) => `${m.name} ≥ ${m.threshold.toFixed(4)}`).join(', ')}, sustain ` +
      `${policy.sustain}, from event ${policy.minEvents} ` +
      (`(validation: recall ${validation.recall.toFixed(3)}, ${validation.falseAlertsPer10k.toFixed(1)} false ` +
        `alerts per 10 000)`),
  );
  const detector = replay(testLog, live.createScorer());
  log(
    `live detector on the test day: caught ${detector.caught}/${detector.attackerSessions} attacker sessions; ` +
      `events to first alert median ${detector.eventsToFirstAlert.median}; ` +
      `${detector.falseAlertsPer10k.toFixed(1)} false alerts per 10 000 sessions`,
  );

  // The naive way: a model of whole sessions and a whole-session threshold; live scoring sees every prefix of them.
  const flattener = new SessionFlattener({ vocabulary: ActionVocabulary.fromLogs(trainLog) });
  const splitter = new FrameSplitter({ label: 'BadActor', drop: ['SessionNo'] });
  const split = splitter.split(flattener.flatten(trainLog), { train: 0.8, validation: 0.2, test: 0, seed: 42 });
  const { booster } = train(TrainingData.fromFrame(split.train.drop(['SessionNo']), { label: 'BadActor' }), {
    max_depth: 5,
    eta: 0.2,
    gamma: 4,
    min_child_weight: 6,
    subsample: 0.7,
    objective: 'binary:logistic',
    num_round: numRound,
    tree_method: 'hist',
  });
  const point = chooseOperatingPoint(
    splitter.labels(split.validation),
    booster.predict(splitter.features(split.validation)),
    { maxFalsePositiveRate: 0.005 },
  );
  log(
    `alert threshold ${point.threshold.toFixed(4)} (validation: recall ${point.validation.recall?.toFixed(3)}, ` +
      `FPR ${point.validation.fpr?.toFixed(4)})`,
  );

  const firstAlerts: LiveAlert[] = [];
  const reports: ReplayReport[] = [];
  for (const sustain of [1, 2]) {
    const scorer = new LiveScorer({
      model: booster,
      schema: flattener.toSchema(),
      threshold: point.threshold,
      sustain,
    });
    if (sustain === 1) scorer.on('alert', (alert) => void (firstAlerts.length < 5 && firstAlerts.push(alert)));
    const report = replay(testLog, scorer);
    scorer.close();
    reports.push(report);
    log(
      `sustain ${sustain}: caught ${report.caught}/${report.attackerSessions} attacker sessions; ` +
        `events to first alert median ${report.eventsToFirstAlert.median}, p90 ${report.eventsToFirstAlert.p90}; ` +
        (`time to first alert median ${(report.timeToFirstAlertMs.median / 1000).toFixed(1)} s, p90 ` +
          `${(report.timeToFirstAlertMs.p90 / 1000).toFixed(1)} s; `) +
        (`${report.falseAlertsPer10k.toFixed(1)} false alerts per 10 000 sessions; ` +
          `${Math.round(report.eventsPerSecond)} events/s`),
    );
    log(
      `  recall after 1, 3, 5, 10 events: ` +
        `${[1, 3, 5, 10].map((n) => (report.recall[n - 1] ?? report.finalRecall).toFixed(2)).join(', ')}`,
    );
  }
  for (const a of firstAlerts)
    log(
      `alert: session ${a.session} customer ${a.customer} after ${a.eventsSeen} events (score ` +
        `${a.score.toFixed(3)}) at ${new Date(a.time).toISOString()}`,
    );
  return {
    detector,
    detectorValidation: validation,
    threshold: point.threshold,
    sustain1: reports[0]!,
    sustain2: reports[1]!,
    firstAlerts,
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await main(process.argv[2] ? { dataDir: process.argv[2] } : {});
}
