import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readEventLog } from '../events/read-event-log.js';
import type { S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '../events/s3-source.js';
import { isS3Uri } from '../events/s3-uri.js';
import { checkS3Output, uploadFolder } from './s3-output.js';
import type { EventLog } from '../events/event-log.js';
import { chooseOperatingPoint, type OperatingPoint, type OperatingRule } from '../eval/operating-point.js';
import { compareExperiments, type ExperimentComparison, type ExperimentInput } from '../eval/experiment-comparison.js';
import { writeReport, type PartialSessionSeries } from '../eval/report-html.js';
import { importanceSection } from '../eval/report-importance-section.js';
import { Booster } from '../model/booster.js';
import { ActionVocabulary } from '../sessions/action-vocabulary.js';
import type { UnseenActions } from '../sessions/flatten-sessions.js';
import { prepareJobs, prepareTestJobs } from '../sessions/prepare-jobs.js';
import { SessionFlattener } from '../sessions/session-flattener.js';
import { FrameSplitter, type FrameSplit } from '../split/frame-splitter.js';
import { writeCsvs } from '../split/write-csvs.js';
import type { Backend } from '../train/backend.js';
import { LocalBackend } from '../train/local-backend.js';
import { TrainingData } from '../model/training-data.js';
import { type TuneResult, tuneHyperparameters } from '../tune/tune-hyperparameters.js';
import { tuneTable } from '../tune/tune-table.js';
import type { ProgressListener } from '../train/progress.js';
import { TrainRunner } from '../train/train-runner.js';
import type { JobFailure } from '../train/run-result.js';
import type { ExperimentSpec } from './experiment-spec.js';
import { writeModelDirectory } from './model-directory.js';
import { explainTruncation } from './explain-truncation.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../package-info.js';
import type { ReportOptions } from '../eval/report-html.js';
import type { TrainingSummary } from '../train/backend.js';
import { trainingSummaryOf } from '../train/container-early-stopping.js';
import { toHyperparameterStrings, type Hyperparameters } from '../train/hyperparameters.js';
import type { Frame } from '../frame/frame.js';
import { type LiveOutcome, type LiveSectionResult, liveDetectorOptions, runLiveSection } from './live-section.js';
import { LiveSectionThread } from './live-section-thread.js';
import { WEIGHT_COLUMN } from '../sessions/flatten-prefixes.js';
import { splitPrefixes } from '../sessions/truncation.js';
import type { Job } from '../sessions/job-grid.js';
import { ExperimentFailedError } from './experiment-errors.js';

/** The stages {@link runPartialSessionExperiment} reports, in order. */
export type ExperimentStage = 'read' | 'flatten' | 'split' | 'tune' | 'train' | 'score' | 'live' | 'report';

/** Options of {@link runPartialSessionExperiment}. */
export interface RunExperimentOptions {
  /**
   * The backend to train and serve on. Default: a {@link LocalBackend} from `spec.backend` (which must then be local),
   * closed at the end.
   */
  readonly backend?: Backend;
  /** Called when a stage starts, with a one-line description. */
  readonly onStage?: (stage: ExperimentStage, detail: string) => void;
  /** Receives the training runner's progress events (jobs, models, endpoints, invocations). */
  readonly onProgress?: ProgressListener;
  /** Aborts training and waits; clean-up still runs. */
  readonly signal?: AbortSignal;
  /**
   * The S3 client for an `s3://` `spec.outDir`. Default: a client from the AWS environment,
   * destroyed at the end.
   */
  readonly s3?: S3Client;
}

/** What one job produced. */
export interface JobOutcome {
  readonly name: string;
  /** Sessions in the train / validation parts and on the test day. */
  readonly rows: { readonly train: number; readonly validation: number; readonly test: number };
  /** Scores of the validation part and of the test day (truncated like the job). */
  readonly validation: { readonly labels: Uint8Array; readonly scores: Float64Array };
  readonly test: { readonly labels: Uint8Array; readonly scores: Float64Array };
  /** One operating point per rule of the spec, chosen on the validation part. */
  readonly operatingPoints: readonly OperatingPoint[];
  /** The saved model (`model.tar.gz`, as the training job wrote it). */
  readonly modelPath: string;
  /** Seconds the backend reported for training. */
  readonly trainingSeconds: number;
}

/** What {@link runPartialSessionExperiment} returns. */
export interface ExperimentRunResult {
  readonly spec: ExperimentSpec;
  /** Jobs that got through training and scoring, in the spec's order. */
  readonly jobs: readonly JobOutcome[];
  /** Jobs that failed, with the stage and reason. */
  readonly failed: readonly JobFailure[];
  /** One comparison table per operating rule (same order as `spec.operatingPoints`), baseline row included. */
  readonly comparisons: readonly { readonly rule: OperatingRule; readonly comparison: ExperimentComparison }[];
  /**
   * Recall and FPR of each live detector on the test log within its first n events (`spec.eventsSeen`),
   * cumulative as `replay` counts them, each at its calibrated live policy; empty without the live section.
   */
  readonly partialSessions: readonly PartialSessionSeries[];
  /**
   * The live section (`spec.live`): each job's model and the recommended detector at their live policies, replayed on
   * the test log.
   */
  readonly live: LiveSectionResult | null;
  /**
   * The hyperparameter search (`spec.tune`), its best hyperparameters used by every job (and in
   * `spec.hyperparameters`); also written as `tune.csv` and `tune.json` in the output folder.
   */
  readonly tune: TuneResult | null;
  /** Codes of the test day the training vocabulary lacks (counted in `other_actions`). */
  readonly unseenTestActions: UnseenActions | null;
  /** Paths of the outputs. */
  readonly files: {
    readonly report: string;
    readonly csvDir: string;
    readonly modelsDir: string;
    readonly scoresDir: string;
    readonly summary: string;
  };
  /** Wall time of each stage and in total, in milliseconds. */
  readonly timings: Readonly<Record<ExperimentStage | 'total', number>>;
}

/**
 * Runs the partial-session experiment end to end, the analyst's notebook in one call:
 *
 * 1. reads the training files as one log and the test day as another (`spec.schema`);
 * 2. learns the action vocabulary on the training log only (test codes it lacks are counted in
 *    `other_actions` and reported), and flattens every job's truncation of the training log
 *    ({@link prepareJobs}) and the same truncation of the test day ({@link prepareTestJobs});
 * 3. splits each job's sessions into train and validation (stratified, seeded) and writes them as
 *    SageMaker CSV channels ({@link writeCsvs});
 * 4. trains every job concurrently with a {@link TrainRunner} on the backend, registers models,
 *    deploys endpoints, scores each job's validation part and test day through its endpoint, and
 *    deletes every endpoint and model afterwards (also on failure);
 * 5. chooses each operating point on validation scores ({@link chooseOperatingPoint}) and
 *    measures it unchanged on the test day; builds one comparison table per rule (with the
 *    "no session is an attack" baseline) and the "caught after n events" curves;
 * 6. writes `report.html`, `summary.json`, each job's model directory (`models/<job>/`, see
 *    `writeModelDirectory`: `model.tar.gz`, `features.json`, `operating-points.json`, `manifest.json`
 *    with the job's truncation and hyperparameters) and scores (`scores/<job>.validation.csv` and
 *    `scores/<job>.test.csv`, columns `SessionNo,label,score`) under `spec.outDir`.
 *
 * One failed job does not sink the others: it is listed in `failed` and left out of the tables.
 *
 * @throws ExperimentFailedError when no job got through; ParseError for a bad log line.
 * @example
 * ```ts
 * const spec = parseExperimentConfig({ data: { train: ['mixed-1.txt'], test: 'single.txt' } }, { baseDir: 'data' });
 * const result = await runPartialSessionExperiment(spec, { onStage: (s, d) => console.log(s, d) });
 * console.log(result.comparisons[0].comparison.toText());
 * ```
 */
export async function runPartialSessionExperiment(
  spec: ExperimentSpec,
  options: RunExperimentOptions = {},
): Promise<ExperimentRunResult> {
  if (isS3Uri(spec.outDir)) return runToS3(spec, options);
  // Aborted when the run ends, however it ends (with the caller's signal too): stops work still going on beside it.
  const ended = new AbortController();
  const runEnded = options.signal === undefined ? ended.signal : AbortSignal.any([options.signal, ended.signal]);
  try {
    return await runStages(spec, options, runEnded);
  } finally {
    ended.abort(new Error('the experiment ended'));
  }
}

/**
 * An experiment whose outputs go to an S3 prefix: the prefix is checked first (before any work),
 * the run writes to a temporary folder, every file then goes up under the prefix with the same
 * relative paths, and the result names the S3 URIs.
 */
async function runToS3(spec: ExperimentSpec, options: RunExperimentOptions): Promise<ExperimentRunResult> {
  const prefix = spec.outDir.endsWith('/') ? spec.outDir : `${spec.outDir}/`;
  const client = options.s3 ?? (await createS3Client());
  const local = await mkdtemp(path.join(os.tmpdir(), 'sessionsentry-out-'));
  try {
    await checkS3Output(client, prefix, 'runPartialSessionExperiment', 'spec.outDir');
    const result = await runPartialSessionExperiment({ ...spec, outDir: local }, options);
    await uploadFolder(client, local, prefix, options.signal !== undefined ? { signal: options.signal } : {});
    const toS3 = (p: string): string => `${prefix}${path.relative(local, p).split(path.sep).join('/')}`;
    const { files } = result;
    return {
      ...result,
      spec,
      jobs: result.jobs.map((job) => ({ ...job, modelPath: toS3(job.modelPath) })),
      live: result.live === null ? null : { ...result.live, detectorDir: toS3(result.live.detectorDir) },
      files: {
        report: toS3(files.report),
        csvDir: toS3(files.csvDir),
        modelsDir: toS3(files.modelsDir),
        scoresDir: toS3(files.scoresDir),
        summary: toS3(files.summary),
      },
    };
  } finally {
    await rm(local, { recursive: true, force: true });
    if (options.s3 === undefined) client.destroy();
  }
}

async function runStages(
  given: ExperimentSpec,
  options: RunExperimentOptions,
  runEnded: AbortSignal,
): Promise<ExperimentRunResult> {
  // The spec, with the tuned hyperparameters once the tune stage has found them.
  let spec = given;
  const { onStage, onProgress, signal } = options;
  const timings: Record<string, number> = {};
  const started = performance.now();
  let stageStart = started;
  let current: ExperimentStage | undefined;
  const stage = (next: ExperimentStage, detail: string): void => {
    const now = performance.now();
    if (current !== undefined) timings[current] = now - stageStart;
    current = next;
    stageStart = now;
    onStage?.(next, detail);
  };

  stage('read', `${spec.train.length + 1} log files`);
  // The live section's heavy work runs on two worker threads beside the jobs, the live detector on one and each job's
  // live policy and test replay on the other (so neither waits for the other at the end); they start now, so that
  // they load their code while the logs are read.
  const liveThreads =
    spec.live === null
      ? null
      : { detector: new LiveSectionThread({ signal: runEnded }), jobs: new LiveSectionThread({ signal: runEnded }) };
  const [trainLog, testLog] = await Promise.all([
    readEventLog(spec.train, { schema: spec.schema }),
    readEventLog(spec.test, { schema: spec.schema }),
  ]);
  liveThreads?.detector.useLogs(trainLog, testLog);
  liveThreads?.jobs.useLogs(trainLog, testLog);

  stage(
    'flatten',
    `${spec.jobs.length} truncations of ${trainLog.sessionCount} training and ${testLog.sessionCount} test sessions`,
  );
  const flattener = new SessionFlattener({ vocabulary: ActionVocabulary.fromLogs(trainLog), features: spec.features });
  flattener.fit(trainLog);
  const trainFrames = prepareJobs(trainLog, spec.jobs, flattener);
  let unseenTestActions: UnseenActions | null = null;
  const testFrames = prepareTestJobs(testLog, spec.jobs, flattener, {
    onReport: (_job, unseen) => {
      unseenTestActions ??= unseen;
    },
  });

  stage('split', `train ${spec.split.train} / validation ${spec.split.validation}, seed ${spec.split.seed}`);
  const splitter = new FrameSplitter({ label: 'BadActor', drop: ['SessionNo'] });
  const splits = new Map<string, FrameSplit>();
  // A job of session prefixes keeps all prefixes of a session in one part, and trains with its row weights
  // (csv_weights=1).
  const isPrefixJob = (job: Job): boolean => splitPrefixes(job.truncation).prefixes !== null;
  for (const job of spec.jobs) {
    const fractions = { train: spec.split.train, validation: spec.split.validation, test: 0, seed: spec.split.seed };
    splits.set(
      job.name,
      splitter.split(trainFrames.get(job.name)!, isPrefixJob(job) ? { ...fractions, groupBy: 'SessionNo' } : fractions),
    );
  }
  if (options.backend === undefined && spec.backend.kind !== 'local') {
    throw new ExperimentFailedError(
      `backend ${spec.backend.kind} must be passed as options.backend (runPartialSessionExperiment creates only ` +
        `the local backend)`,
    );
  }
  const ownBackend = options.backend === undefined;
  const backend =
    options.backend ??
    new LocalBackend({
      ...(spec.backend.kind === 'local' && spec.backend.workers !== undefined ? { workers: spec.backend.workers } : {}),
    });
  let tune: TuneResult | null = null;
  if (spec.tune !== null) {
    const searched = spec.jobs.filter((job) => !isPrefixJob(job));
    if (searched.length === 0)
      throw new ExperimentFailedError('tune needs at least one whole-session job (every truncation is of prefixes)');
    const { space, strategy, trials, objective, nfold, rounds, earlyStoppingRounds, seed } = spec.tune;
    stage(
      'tune',
      `${trials ?? (strategy === 'random' ? 20 : 'grid')} trials on ${searched.map((j) => j.name).join(', ')}`,
    );
    tune = await tuneHyperparameters({
      jobs: searched.map((job) => {
        const train = splits.get(job.name)!.train;
        return {
          name: job.name,
          data: TrainingData.fromFrame(train, { label: 'BadActor', features: splitter.features(train).columnNames }),
        };
      }),
      space,
      ...(strategy === undefined ? {} : { strategy }),
      ...(trials === undefined ? {} : { trials }),
      objective,
      nfold,
      ...(rounds === undefined ? {} : { numBoostRound: rounds }),
      earlyStoppingRounds,
      seed,
      hyperparameters: spec.hyperparameters,
      ...(backend instanceof LocalBackend ? { backend } : {}),
      ...(signal ? { signal } : {}),
    });
    spec = { ...spec, hyperparameters: { ...spec.hyperparameters, ...tune.bestHyperparameters } };
    await mkdir(spec.outDir, { recursive: true });
    const table = tuneTable(tune);
    await writeFile(
      path.join(spec.outDir, 'tune.csv'),
      `${[table.columns, ...table.rows].map((row) => row.join(',')).join('\n')}\n`,
    );
    await writeFile(path.join(spec.outDir, 'tune.json'), `${JSON.stringify(tune, null, 2)}\n`);
  }
  const detector =
    spec.live === null
      ? null
      : liveThreads!.detector.trainAndReplayDetector(
          liveDetectorOptions({
            budget: spec.live.maxFalseAlertsPer10k,
            validationSessions: sessionSplit(trainLog, flattener, splitter, spec, splits),
            calibration: spec.live.calibration,
            seed: spec.split.seed,
            features: spec.features,
            // The live models train on every training session, with no eval set to stop early on.
            hyperparameters: withoutEarlyStopping(spec.hyperparameters) as Record<string, string | number>,
          }),
          Math.max(1, ...spec.eventsSeen),
        );
  // Each job's live policy and test replay, started as soon as the job has trained.
  const liveJobs = new Map<string, ReturnType<LiveSectionThread['calibrateJob']>>();
  // Observed by the live section; this keeps a run that fails before it from an unhandled rejection.
  detector?.catch(() => undefined);
  const runner = new TrainRunner({
    backend,
    hyperparameters: spec.hyperparameters,
    prefix: spec.name,
    ...(onProgress ? { onProgress } : {}),
    ...(signal ? { signal } : {}),
  });
  const csvDir = path.join(spec.outDir, 'csv');
  const modelsDir = path.join(spec.outDir, 'models');
  const failed: JobFailure[] = [];
  const scored = new Map<
    string,
    {
      validation: Float64Array;
      test: Float64Array;
      modelPath: string;
      bytes: Uint8Array;
      booster: Booster;
      seconds: number;
      summary: TrainingSummary | undefined;
    }
  >();
  try {
    // Each job starts training as soon as its CSV channels are written, while the next job's are.
    await writeCsvs(
      spec.jobs.map((job) => ({
        name: job.name,
        split: splits.get(job.name)!,
        source: `${spec.train.map((f) => path.basename(f)).join(', ')}; ${job.name}`,
        ...(isPrefixJob(job) ? { weight: WEIGHT_COLUMN } : {}),
      })),
      csvDir,
      {
        onJobWritten: async (f, i) => {
          if (i === 0) stage('train', `${spec.jobs.length} jobs`);
          await runner.startJobs([
            {
              name: f.name,
              train: f.train,
              validation: f.validation,
              ...(isPrefixJob(spec.jobs[i]!) ? { hyperparameters: { csv_weights: '1' } } : {}),
            },
          ]);
          if (spec.live !== null) {
            const { maxFalseAlertsPer10k } = spec.live;
            const calibrated = runner
              .waitForJob(f.name)
              .then((trained) => backend.downloadArtifact(trained.artifact))
              .then((bytes) =>
                liveThreads!.jobs.calibrateJob({
                  name: f.name,
                  booster: Booster.fromTarGz(bytes),
                  schema: flattener.toSchema(),
                  validationSessions: splits.get(f.name)!.validation.strings('SessionNo') as string[],
                  budget: maxFalseAlertsPer10k,
                  eventsSeen: Math.max(1, ...spec.eventsSeen),
                }),
              );
            // A job that fails is reported by the training stage; this keeps its rejection from going unhandled.
            calibrated.catch(() => undefined);
            liveJobs.set(f.name, calibrated);
          }
        },
      },
    );
    if (current !== 'train') stage('train', `${spec.jobs.length} jobs`);
    const training = await runner.waitForJobs();
    failed.push(...training.failed);
    const models = await runner.createModels();
    failed.push(...models.failed);
    await runner.createEndpoints();
    const ready = await runner.waitForEndpoints();
    failed.push(...ready.failed);
    stage('score', `${ready.succeeded.length} endpoints`);
    const seconds = new Map(training.succeeded.map((t) => [t.job, t]));
    const settled = await Promise.allSettled(
      ready.succeeded.map(async ({ job }) => {
        const split = splits.get(job)!;
        const [validation, test] = [
          await runner.invoke(job, splitter.features(split.validation)),
          await runner.invoke(job, splitter.features(testFrames.get(job)!)),
        ];
        const trained = seconds.get(job)!;
        const bytes = await backend.downloadArtifact(trained.artifact);
        const modelPath = path.join(modelsDir, job, 'model.tar.gz');
        scored.set(job, {
          validation,
          test,
          modelPath,
          bytes,
          booster: Booster.fromTarGz(bytes),
          seconds: trained.seconds,
          summary: trained.summary,
        });
      }),
    );
    settled.forEach((s, i) => {
      if (s.status === 'rejected')
        failed.push({
          job: ready.succeeded[i]!.job,
          stage: 'Invocation',
          reason: s.reason instanceof Error ? s.reason.message : String(s.reason),
          error: s.reason,
        });
    });
  } finally {
    await runner.close();
    if (ownBackend) await backend.close?.();
  }
  if (scored.size === 0)
    throw new ExperimentFailedError(
      `no job got through: ${failed.map((f) => `${f.job} (${f.stage}): ${f.reason}`).join('; ') || 'no jobs'}`,
    );

  stage('report', `${spec.operatingPoints.length} operating points`);
  const jobs: JobOutcome[] = [];
  const liveOutcomes: LiveOutcome[] = [];
  const scoresDir = path.join(spec.outDir, 'scores');
  await mkdir(scoresDir, { recursive: true });
  for (const job of spec.jobs) {
    const s = scored.get(job.name);
    if (s === undefined) continue;
    const split = splits.get(job.name)!;
    const validationLabels = splitter.labels(split.validation);
    const operatingPoints = spec.operatingPoints.map((rule) =>
      chooseOperatingPoint(validationLabels, s.validation, rule),
    );
    const calibrated = await liveJobs.get(job.name);
    const live = calibrated?.saved;
    if (calibrated !== undefined)
      liveOutcomes.push({ name: job.name, policy: live!.policy, validation: live!.validation, test: calibrated.test });
    await writeModelDirectory(
      path.join(modelsDir, job.name),
      {
        name: job.name,
        model: s.bytes,
        schema: flattener.toSchema(),
        truncation: job.truncation,
        hyperparameters: toHyperparameterStrings(spec.hyperparameters),
        operatingPoints,
        ...(live === undefined ? {} : { livePolicy: live }),
        training: s.summary ?? trainingSummaryOf(s.booster),
        data: {
          files: [...spec.train, spec.test].map((f) => (isS3Uri(f) ? f : path.relative(spec.outDir, f))),
          seeds: { split: spec.split.seed },
        },
      },
      { overwrite: true },
    );
    const test = { labels: splitter.labels(testFrames.get(job.name)!), scores: s.test };
    await writeScores(
      path.join(scoresDir, `${job.name}.validation.csv`),
      split.validation,
      validationLabels,
      s.validation,
    );
    await writeScores(
      path.join(scoresDir, `${job.name}.test.csv`),
      testFrames.get(job.name)!,
      test.labels,
      test.scores,
    );
    jobs.push({
      name: job.name,
      rows: {
        train: split.train.rowCount,
        validation: split.validation.rowCount,
        test: testFrames.get(job.name)!.rowCount,
      },
      validation: { labels: validationLabels, scores: s.validation },
      test,
      operatingPoints,
      modelPath: s.modelPath,
      trainingSeconds: s.seconds,
    });
  }
  const experimentsAt = (k: number): ExperimentInput[] =>
    jobs.map((j) => ({
      name: j.name,
      labels: j.test.labels,
      scores: j.test.scores,
      operatingPoint: j.operatingPoints[k]!,
    }));
  const comparisons = spec.operatingPoints.map((rule, k) => ({
    rule,
    comparison: compareExperiments(experimentsAt(k)),
  }));
  let live: LiveSectionResult | null = null;
  if (spec.live !== null) {
    stage(
      'live',
      `live policies for ≤ ${spec.live.maxFalseAlertsPer10k} false alerts per 10 000, and the live detector`,
    );
    live = await runLiveSection({
      testLog,
      jobs: liveOutcomes,
      budget: spec.live.maxFalseAlertsPer10k,
      detector: detector!,
      modelsDir,
      eventsSeen: Math.max(1, ...spec.eventsSeen),
    });
    stage('report', `${spec.operatingPoints.length} operating points and the live section`);
  }
  const partialSessions: PartialSessionSeries[] = (live?.outcomes ?? []).map((o) => ({
    name: o.name,
    eventsSeen: [...spec.eventsSeen],
    recall: spec.eventsSeen.map((n) => o.test.recall[Math.min(n, o.test.recall.length) - 1] ?? 0),
    fpr: spec.eventsSeen.map((n) => o.test.fpr[Math.min(n, o.test.fpr.length) - 1] ?? 0),
  }));
  const report = path.join(spec.outDir, 'report.html');
  await writeReport(report, {
    title: `Partial-session experiment: ${spec.name}`,
    description:
      `${jobs.length} truncation jobs trained on ${spec.train.map((f) => path.basename(f)).join(', ')} ` +
      `(${trainLog.sessionCount} sessions, ${trainLog.positiveCount} attacker sessions), ` +
      (`operating points chosen on validation data at ${describeRule(spec.operatingPoints[0]!)}, scored on ` +
        `${path.basename(spec.test)} (${testLog.sessionCount} sessions, ${testLog.positiveCount} attacker sessions) ` +
        `truncated like each job's training data.`),
    experiments: experimentsAt(0),
    ...(live === null ? {} : { live: live.report }),
    importance: importanceSection(
      jobs.map((j) => ({ name: j.name, booster: scored.get(j.name)!.booster, featureNames: flattener.featureNames })),
    ),
    ...reportExtras(spec, jobs, experimentsAt),
  });
  const summary = path.join(spec.outDir, 'summary.json');
  await writeFile(
    summary,
    `${JSON.stringify(
      {
        name: spec.name,
        jobs: jobs.map((j) => ({
          name: j.name,
          rows: j.rows,
          trainingSeconds: j.trainingSeconds,
          model: path.relative(spec.outDir, j.modelPath),
          operatingPoints: j.operatingPoints.map((p) => ({ rule: p.rule, threshold: p.threshold })),
        })),
        failed: failed.map((f) => ({ job: f.job, stage: f.stage, reason: f.reason })),
        comparisons: comparisons.map((c) => ({ rule: c.rule, rows: c.comparison.toJSON() })),
        live:
          live === null
            ? null
            : {
                maxFalseAlertsPer10k: live.budget,
                detector: path.relative(spec.outDir, live.detectorDir),
                detectors: live.outcomes.map((o) => ({
                  name: o.name,
                  policy: o.policy,
                  validation: { recall: o.validation.recall, falseAlertsPer10k: o.validation.falseAlertsPer10k },
                  test: {
                    recall: o.test.finalRecall,
                    falseAlertsPer10k: o.test.falseAlertsPer10k,
                    eventsToFirstAlert: o.test.eventsToFirstAlert,
                    timeToFirstAlertMs: o.test.timeToFirstAlertMs,
                  },
                })),
              },
      },
      (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v),
      2,
    )}\n`,
  );
  timings.report = performance.now() - stageStart;
  timings.total = performance.now() - started;
  return {
    spec,
    jobs,
    failed,
    comparisons,
    partialSessions,
    live,
    tune,
    unseenTestActions,
    files: { report, csvDir, modelsDir, scoresDir, summary },
    timings: timings as Record<ExperimentStage | 'total', number>,
  };
}

// The report's further operating points, what each job's name means, and the provenance.
function reportExtras(
  spec: ExperimentSpec,
  jobs: readonly JobOutcome[],
  experimentsAt: (k: number) => ExperimentInput[],
): Pick<ReportOptions, 'moreOperatingPoints' | 'jobNotes' | 'provenance'> {
  const truncationOf = new Map(spec.jobs.map((j) => [j.name, j.truncation]));
  return {
    moreOperatingPoints: spec.operatingPoints.slice(1).map((rule, k) => ({
      heading: `${describeRule(rule)} (chosen on validation data)`,
      experiments: experimentsAt(k + 1),
    })),
    jobNotes: Object.fromEntries(
      jobs.map((j) => [j.name, `trained and tested on ${explainTruncation(truncationOf.get(j.name)!)}`]),
    ),
    provenance: {
      package: `${PACKAGE_NAME} ${PACKAGE_VERSION}`,
      dataFiles: [...spec.train, spec.test].map((f) => (isS3Uri(f) ? f : path.relative(spec.outDir, f))),
      seeds: { split: spec.split.seed },
      hyperparameters: spec.hyperparameters,
      more: {
        backend: spec.backend.kind,
        split: `train ${spec.split.train} / validation ${spec.split.validation} of the training sessions, stratified`,
      },
    },
  };
}

/**
 * A one-line description of an operating rule, as the tables and the report print it.
 *
 * @example
 * ```ts
 * describeRule({ maxFalsePositiveRate: 0.05 }); // 'FPR ≤ 5%'
 * describeRule({ threshold: 0.5 });             // 'threshold 0.5'
 * ```
 */
export function describeRule(rule: OperatingRule): string {
  if ('maxFalsePositiveRate' in rule) return `FPR ≤ ${Number((rule.maxFalsePositiveRate * 100).toPrecision(6))}%`;
  if ('threshold' in rule) return `threshold ${rule.threshold}`;
  return 'best F1';
}

// Score files name each session (SessionNo, the frame's id column), so flagged sessions can be found.
async function writeScores(file: string, frame: Frame, labels: Uint8Array, scores: Float64Array): Promise<void> {
  const id = frame.columnNames[0]!;
  const lines = [`${id},label,score`];
  for (let i = 0; i < labels.length; i++)
    lines.push(`${csvField(String(frame.value(id, i)))},${labels[i]},${scores[i]}`);
  await writeFile(file, `${lines.join('\n')}\n`);
}

/**
 * The ids of the validation sessions of the experiment's split of whole sessions (what every
 * one-row-per-session job's split holds out): a whole-session job's own split when there is one.
 */
function sessionSplit(
  trainLog: EventLog,
  flattener: SessionFlattener,
  splitter: FrameSplitter,
  spec: ExperimentSpec,
  splits: ReadonlyMap<string, FrameSplit>,
): string[] {
  const whole = spec.jobs.find((job) => job.truncation.kind === 'none');
  const split =
    (whole === undefined ? undefined : splits.get(whole.name)) ??
    splitter.split(flattener.flatten(trainLog), {
      train: spec.split.train,
      validation: spec.split.validation,
      test: 0,
      seed: spec.split.seed,
    });
  return split.validation.strings('SessionNo') as string[];
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function withoutEarlyStopping(hyperparameters: Hyperparameters): Hyperparameters {
  const { early_stopping_rounds: _dropped, ...rest } = hyperparameters;
  return rest;
}
