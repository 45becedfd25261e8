/**
 * The library's pipeline on a real, public labelled log: HDFS_100k (loghub / loglizer), sessions
 * are HDFS blocks, actions are parsed event templates, labels come from the dataset's authors.
 *
 *   npx tsx examples/hdfs.ts <hdfs100k folder>
 *
 * The folder holds `hdfs100k_events_long.csv` (BlockId, seq, EventId, EventTemplate, Label) and
 * `hdfs100k_sessions.csv` (one row per block with loglizer's split columns). The script trains on
 * loglizer's `loglizer_uniform_0.5` train half (80% to fit, 20% to choose the threshold with the
 * best F1), tests on its test half, and prints precision / recall / F1 next to loglizer's
 * published numbers for the same data and split. The log has no timestamps, so timing features
 * are off; one variant adds the 20 most frequent event bigrams (event order). In your own project
 * import from 'sessionsentry' instead of '../src/index.js'.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ActionVocabulary,
  FrameSplitter,
  SessionFlattener,
  TrainingData,
  chooseOperatingPoint,
  evaluateAt,
  readCsv,
  readEventLog,
  replay,
  selectSessions,
  train,
  trainLiveDetector,
  type EventLog,
  type LogSchema,
} from '../src/index.js';

/** loglizer's models on HDFS_100k, `loglizer_uniform_0.5` split, test set (from the data set's README). */
export const LOGLIZER_PUBLISHED: readonly {
  readonly model: string;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}[] = [
  { model: 'Logistic regression', precision: 1.0, recall: 0.236, f1: 0.381 },
  { model: 'Linear SVM', precision: 0.988, recall: 0.394, f1: 0.558 },
  { model: 'Decision tree', precision: 0.985, recall: 0.427, f1: 0.596 },
  { model: 'PCA', precision: 0.966, recall: 0.363, f1: 0.528 },
  { model: 'LogClustering', precision: 0.967, recall: 0.561, f1: 0.71 },
  { model: 'Isolation forest', precision: 0.985, recall: 0.427, f1: 0.596 },
  { model: 'Invariants mining (sequential split)', precision: 0.973, recall: 0.559, f1: 0.71 },
];

/** The column mapping of `hdfs100k_events_long.csv`. */
export const HDFS_SCHEMA: LogSchema = {
  session: 'BlockId',
  action: 'EventId',
  label: 'Label',
  order: 'seq',
  time: null,
};

/** One measured row. */
export interface HdfsResult {
  readonly model: string;
  readonly trainSessions: number;
  readonly testSessions: number;
  readonly testAnomalies: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/** The sessions of a log whose ids pass `keep`, as an index view (no event is copied). */
function sessionsWhere(log: EventLog, keep: (id: string) => boolean): EventLog {
  return selectSessions(
    log,
    log.sessionIds.flatMap((id, s) => (keep(id) ? [s] : [])),
  );
}

/** What the live replay of the test half measured (see {@link liveReplay}). */
export interface HdfsLiveResult {
  readonly recall: number;
  readonly falseAlertsPer10k: number;
  readonly medianEvents: number;
  readonly p90Events: number;
  readonly validationRecall: number;
  readonly validationFalseAlertsPer10k: number;
  readonly policy: string;
}

/**
 * The live recipe on HDFS_100k: `trainLiveDetector` on loglizer's train half (prefix and whole-block
 * models, event counts and bigrams, no timing: the log has no times; 30% of the blocks held out to
 * calibrate for ≤ `budget` false alerts per 10 000 normal blocks), then the test half replayed in
 * log order, block after block, each block scored after every event: recall, events to the first
 * alert and false alerts per 10 000, next to the whole-block F1 of {@link main}.
 */
export async function liveReplay(
  dataDir: string,
  options: { readonly log?: (line: string) => void; readonly budget?: number; readonly numRound?: number } = {},
): Promise<HdfsLiveResult> {
  const { log = console.log, budget = 10, numRound = 50 } = options;
  const { trainLog, testLog } = await loglizerHalves(dataDir);
  const detector = await trainLiveDetector(trainLog, {
    maxFalseAlertsPer10k: budget,
    seed: 42,
    features: { timing: false, bigrams: { topK: 20 } },
    hyperparameters: { num_round: numRound },
  });
  const report = replay(testLog, detector.createScorer());
  const { policy } = detector;
  const result: HdfsLiveResult = {
    recall: report.finalRecall,
    falseAlertsPer10k: report.falseAlertsPer10k,
    medianEvents: report.eventsToFirstAlert.median,
    p90Events: report.eventsToFirstAlert.p90,
    validationRecall: detector.validation.recall,
    validationFalseAlertsPer10k: detector.validation.falseAlertsPer10k,
    policy:
      `${policy.models.map((m) => `${m.name} ≥ ${m.threshold.toFixed(4)}`).join(', ')}; sustain ${policy.sustain}, ` +
      `from event ${policy.minEvents}`,
  };
  log(
    `\nLive, in log order (no times), at ≤ ${budget} false alerts per 10 000 normal blocks (policy chosen on 30% ` +
      `of the train half: ${result.policy}):`,
  );
  log(
    `  validation: recall ${result.validationRecall.toFixed(3)}, ${result.validationFalseAlertsPer10k.toFixed(1)} ` +
      `false alerts per 10 000`,
  );
  log(
    `  test half: ${report.caught} of ${report.attackerSessions} anomalous blocks alerted (recall ` +
      `${result.recall.toFixed(3)}), ${report.falseAlerts} false alerts (${result.falseAlertsPer10k.toFixed(1)} per ` +
      `10 000), events to the first alert: median ${result.medianEvents}, p90 ${result.p90Events.toFixed(1)}`,
  );
  return result;
}

async function loglizerHalves(
  dataDir: string,
): Promise<{ readonly events: EventLog; readonly trainLog: EventLog; readonly testLog: EventLog }> {
  const events = await readEventLog(path.join(dataDir, 'hdfs100k_events_long.csv'), { schema: HDFS_SCHEMA });
  const sessions = await readCsv(path.join(dataDir, 'hdfs100k_sessions.csv'), {
    columnTypes: { BlockId: 'string', 'loglizer_uniform_0.5': 'string' },
  });
  const part = new Map<string, string>();
  const ids = sessions.strings('BlockId');
  const split = sessions.strings('loglizer_uniform_0.5');
  for (let i = 0; i < ids.length; i++) part.set(ids[i]!, split[i]!);
  return {
    events,
    trainLog: sessionsWhere(events, (id) => part.get(id) === 'train'),
    testLog: sessionsWhere(events, (id) => part.get(id) === 'test'),
  };
}

/** Runs the comparison on the folder; resolves to the library's rows. */
export async function main(
  dataDir: string,
  options: {
    readonly log?: (line: string) => void;
    readonly numRound?: number;
    readonly treeMethod?: 'auto' | 'exact' | 'hist';
  } = {},
): Promise<HdfsResult[]> {
  const { log = console.log, numRound = 50, treeMethod = 'auto' } = options;
  const { events, trainLog, testLog } = await loglizerHalves(dataDir);
  log(
    `HDFS_100k: ${events.eventCount} events, ${events.sessionCount} blocks; loglizer_uniform_0.5: train ` +
      `${trainLog.sessionCount} (${trainLog.positiveCount} anomalies), test ${testLog.sessionCount} ` +
      `(${testLog.positiveCount} anomalies)`,
  );

  const splitter = new FrameSplitter({ label: 'BadActor', drop: ['SessionNo'] });
  const results: HdfsResult[] = [];
  for (const [model, bigrams] of [
    ['sessionsentry: event counts', false],
    ['sessionsentry: counts + 20 bigrams', { topK: 20 }],
  ] as const) {
    const flattener = new SessionFlattener({
      vocabulary: ActionVocabulary.fromLogs(trainLog),
      features: { timing: false, bigrams },
    });
    flattener.fit(trainLog);
    const parts = splitter.split(flattener.flatten(trainLog), { train: 0.8, validation: 0.2, test: 0, seed: 42 });
    const { booster } = train(TrainingData.fromFrame(parts.train.drop(['SessionNo']), { label: 'BadActor' }), {
      max_depth: 5,
      eta: 0.2,
      gamma: 4,
      min_child_weight: 6,
      subsample: 0.7,
      objective: 'binary:logistic',
      num_round: numRound,
      tree_method: treeMethod,
    });
    const point = chooseOperatingPoint(
      splitter.labels(parts.validation),
      booster.predict(splitter.features(parts.validation)),
      { bestF1: true },
    );
    const test = flattener.flatten(testLog);
    const matrix = evaluateAt(point, splitter.labels(test), booster.predict(splitter.features(test)));
    results.push({
      model,
      trainSessions: trainLog.sessionCount,
      testSessions: testLog.sessionCount,
      testAnomalies: testLog.positiveCount,
      precision: matrix.precision ?? 0,
      recall: matrix.recall ?? 0,
      f1: matrix.f1 ?? 0,
    });
  }

  const rows = [
    ...results.map((r) => [r.model, r.precision, r.recall, r.f1] as const),
    ...LOGLIZER_PUBLISHED.map((r) => [`loglizer (published): ${r.model}`, r.precision, r.recall, r.f1] as const),
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  log(`\n${'model'.padEnd(width)}  precision  recall     F1`);
  for (const [name, p, r, f] of rows)
    log(`${name.padEnd(width)}  ${p.toFixed(3).padStart(9)}  ${r.toFixed(3).padStart(6)}  ${f.toFixed(3).padStart(5)}`);
  log('\nThreshold chosen on 20% of the training half (best F1); the test half is scored once.');
  return results;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const dir = process.argv[2];
  if (dir === undefined) {
    console.error('usage: npx tsx examples/hdfs.ts <folder with hdfs100k_events_long.csv and hdfs100k_sessions.csv>');
    process.exit(2);
  }
  await main(dir);
  await liveReplay(dir);
}
