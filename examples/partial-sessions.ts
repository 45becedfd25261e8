/**
 * The analyst's partial-session notebook as a script, on the local backend: can we catch an
 * attacker session from its first few events, or from a random 80% of them?
 *
 *   npx tsx examples/partial-sessions.ts [dataDir] [outDir]
 *
 * Reads the user's five files from `dataDir` (generating synthetic ones there first when absent),
 * trains one model per truncation job concurrently, chooses the operating point on validation
 * data at FPR ≤ 5%, scores the separate test day truncated the same way, and prints the table.
 * In your own project import from 'sessionsentry' instead of '../src/index.js'.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ActionVocabulary,
  ConfusionMatrix,
  FrameSplitter,
  LocalBackend,
  SessionFlattener,
  TrainRunner,
  Truncators,
  chooseOperatingPoint,
  compareExperiments,
  evaluateAt,
  formatProgress,
  generateLogs,
  prepareJobs,
  prepareTestJobs,
  readEventLog,
  writeCsvs,
  writeReport,
  type ExperimentInput,
  type Job,
} from '../src/index.js';

/** Options of {@link main}. */
export interface PartialSessionsOptions {
  /** Folder of known-attacker.txt, mixed-1..3.txt and single.txt. Default `.demo/data`. */
  readonly dataDir?: string;
  /** Where CSV channels, models and the report go. Default `.demo/partial-sessions`. */
  readonly outDir?: string;
  /** Scale of generated data when `dataDir` has none (1 = the user's size). Default 1. */
  readonly scale?: number;
  /** Boosting rounds (the seed notebook's 50 by default). */
  readonly numRound?: number;
  /** Where lines go. Default `console.log`. */
  readonly log?: (line: string) => void;
}

/** Runs the notebook; resolves to the comparison table's rows as plain data. */
export async function main(options: PartialSessionsOptions = {}): Promise<Record<string, unknown>[]> {
  const {
    dataDir = '.demo/data',
    outDir = '.demo/partial-sessions',
    scale = 1,
    numRound = 50,
    log = console.log,
  } = options;
  if (!existsSync(path.join(dataDir, 'single.txt'))) {
    log(`generating synthetic logs in ${dataDir}`);
    generateLogs({ seed: 42, scale, outDir: dataDir });
  }

  // 1. The logs: three mixed files and the known attacker's history to train on, a separate day to test on.
  const trainLog = await readEventLog(
    ['known-attacker.txt', 'mixed-1.txt', 'mixed-2.txt', 'mixed-3.txt'].map((f) => path.join(dataDir, f)),
  );
  const testLog = await readEventLog(path.join(dataDir, 'single.txt'));
  log(
    `train: ${trainLog.sessionCount} sessions (${trainLog.positiveCount} attacker); test day: ` +
      `${testLog.sessionCount} sessions (${testLog.positiveCount} attacker)`,
  );

  // 2. Bag-of-actions features with timing; the vocabulary comes from the training log only.
  const flattener = new SessionFlattener({ vocabulary: ActionVocabulary.fromLogs(trainLog) });

  // 3. The truncation jobs: whole sessions, a random 20% of events dropped, the first and last few events.
  const jobs: Job[] = [
    { name: 'drop0', truncation: Truncators.none() },
    { name: 'drop20', truncation: Truncators.dropPercent(0.2, { seed: 0 }) },
    { name: 'first5', truncation: Truncators.firstN(5) },
    { name: 'first10', truncation: Truncators.firstN(10) },
    { name: 'last5', truncation: Truncators.lastN(5) },
    { name: 'last10', truncation: Truncators.lastN(10) },
  ];
  const trainFrames = prepareJobs(trainLog, jobs, flattener);
  // The test day, cut exactly like each job's training data.
  const testFrames = prepareTestJobs(testLog, jobs, flattener);

  // 4. Train / validation split per job, written as SageMaker CSV channels.
  const splitter = new FrameSplitter({ label: 'BadActor', drop: ['SessionNo'] });
  const splits = new Map(
    jobs.map((job) => [
      job.name,
      splitter.split(trainFrames.get(job.name)!, { train: 0.8, validation: 0.2, test: 0, seed: 42 }),
    ]),
  );
  const files = await writeCsvs(
    jobs.map((job) => ({ name: job.name, split: splits.get(job.name)! })),
    path.join(outDir, 'csv'),
  );

  // 5. Train every job at once on this machine, deploy local endpoints, score validation and test.
  const backend = new LocalBackend({ workDir: path.join(outDir, 'work') });
  const runner = new TrainRunner({
    backend,
    hyperparameters: { num_round: numRound, tree_method: 'hist' },
    onProgress: (e) => e.resource === 'TrainingJob' && e.state === 'Completed' && log(formatProgress(e)),
  });
  const experiments: ExperimentInput[] = [];
  try {
    await runner.startJobs(files.map((f) => ({ name: f.name, train: f.train, validation: f.validation })));
    const trained = await runner.waitForJobs();
    for (const failure of trained.failed) log(`${failure.job} failed: ${failure.reason}`);
    await runner.createModels();
    await runner.createEndpoints();
    const { succeeded } = await runner.waitForEndpoints();
    for (const { job } of succeeded) {
      const split = splits.get(job)!;
      const validationScores = await runner.invoke(job, splitter.features(split.validation));
      const testScores = await runner.invoke(job, splitter.features(testFrames.get(job)!));
      // 6. The operating point is chosen on validation data, then applied unchanged to the test day.
      const point = chooseOperatingPoint(splitter.labels(split.validation), validationScores, {
        maxFalsePositiveRate: 0.05,
      });
      const testLabels = splitter.labels(testFrames.get(job)!);
      const matrix: ConfusionMatrix = evaluateAt(point, testLabels, testScores);
      log(
        `${job}: threshold ${point.threshold.toFixed(4)}, test recall ${matrix.recall?.toFixed(3)}, FPR ` +
          `${matrix.fpr?.toFixed(4)}`,
      );
      experiments.push({ name: job, labels: testLabels, scores: testScores, operatingPoint: point });
    }
  } finally {
    await runner.close(); // deletes every endpoint and model it created
    await backend.close();
  }

  const table = compareExperiments(experiments);
  log(table.toText());
  await writeReport(path.join(outDir, 'report.html'), { title: 'Partial sessions', experiments });
  log(`report: ${path.join(outDir, 'report.html')}`);
  return table.toJSON();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await main({
    ...(process.argv[2] ? { dataDir: process.argv[2] } : {}),
    ...(process.argv[3] ? { outDir: process.argv[3] } : {}),
  });
}
