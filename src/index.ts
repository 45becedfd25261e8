/**
 * sessionsentry: find attacker sessions in application event logs with supervised learning.
 *
 * The root entry is the workflow a script or a notebook composes, in the order of the concepts
 * guide: read event logs, build the vocabulary, truncate, flatten, split, train, run many jobs,
 * choose operating points, evaluate, report, score live, and the experiment that ties them together.
 * Areas with more machinery have their own entries: `sessionsentry/model` (model formats, dumps,
 * low-level prediction, the feature schema file), `sessionsentry/serve` (servers, payload parsing,
 * the alert rule, load test), `sessionsentry/live` (prefix rows, score trajectories, policy
 * measurement), `sessionsentry/synth` (logs of a chosen size, the test week),
 * `sessionsentry/tune` (search spaces), `sessionsentry/sagemaker` (the SageMaker backend) and
 * `sessionsentry/danfo` (danfo.js interop).
 * Each block below is a category of the API reference; `test/public-surface.test.ts` keeps the list
 * deliberate.
 *
 * @example
 * ```ts
 * import { readEventLog, ActionVocabulary, SessionFlattener, Truncators, FrameSplitter, TrainRunner, ConfusionMatrix } from 'sessionsentry';
 * ```
 *
 * @module sessionsentry
 */

// --- Synthetic logs ---
export { generateLogs } from './synth/generate-logs.js';
export type {
  GenerateLogsOptions,
  GeneratedLogs,
  GeneratedLogFile,
  LogFileName,
  LogFileSummary,
} from './synth/generate-logs.js';
export type { SyntheticLog } from './synth/synthetic-log.js';
export type { AttackerStyle } from './synth/attacker-profiles.js';
export type { UserProfileName } from './synth/user-profiles.js';

// --- Event logs ---
export { EventLog } from './events/event-log.js';
export type { EventLogParts, SkippedRows } from './events/event-log.js';
export { readEventLog, parseEventLog } from './events/read-event-log.js';
export type { ReadEventLogOptions, SkipReason } from './events/read-event-log.js';
export type { S3ReadOptions } from './events/s3-source.js';
export type { DuplicatePolicy } from './events/duplicate-events.js';
export { selectSessions } from './sessions/select-sessions.js';
export { SEED_LOG_SCHEMA } from './events/log-schema.js';
export type { LogSchema, LabelValues } from './events/log-schema.js';

// --- Vocabulary and features ---
export { ActionVocabulary } from './sessions/action-vocabulary.js';
export type { ActionVocabularyJSON } from './sessions/action-vocabulary.js';
export { SessionFlattener } from './sessions/session-flattener.js';
export type { SessionFlattenerOptions, FlattenOptions } from './sessions/session-flattener.js';
export type { FlattenResult, UnseenActions } from './sessions/flatten-sessions.js';
export { DEFAULT_FEATURES } from './sessions/feature-schema.js';
export type { FeatureGroups, FeatureSchema } from './sessions/feature-schema.js';
export type { ActionGroupMapping, ActionGroupsOption } from './sessions/action-groups.js';
export type { TimingFeature } from './sessions/timing-features.js';

// --- Truncation and jobs ---
export { Truncators } from './sessions/truncators.js';
export { truncateLog, describeTruncation } from './sessions/truncation.js';
export type { Truncation, TruncationKind, PrefixesTruncation, PrefixWeighting } from './sessions/truncation.js';
export { standardJobs } from './sessions/job-grid.js';
export type { Job } from './sessions/job-grid.js';
export { prepareJobs, prepareTestJobs, truncateLike } from './sessions/prepare-jobs.js';
export type { PrepareJobsOptions } from './sessions/prepare-jobs.js';

// --- Frames ---
export { Frame, concatFrames } from './frame/frame.js';
export type { CellValue, Row } from './frame/frame.js';
export type { Column, ColumnInput, NumberColumn, StringColumn, NumericArray } from './frame/column.js';
export { readCsv, parseCsv } from './frame/csv-read.js';
export type { ReadCsvOptions, CsvColumnType } from './frame/csv-read.js';
export { writeCsv } from './frame/csv-write.js';
export type { WriteCsvOptions, CsvDestination } from './frame/csv-write.js';
export type { FrameInput } from './frame/frame-input.js';

// --- Splits ---
export { FrameSplitter } from './split/frame-splitter.js';
export type { FrameSplitterOptions, SplitOptions, SplitMode, FrameSplit } from './split/frame-splitter.js';
export type { SplitFractions, PartName } from './split/fractions.js';
export { writeCsvs } from './split/write-csvs.js';
export type { CsvJob, CsvJobFiles, CsvManifest, CsvPartManifest, WriteCsvsOptions } from './split/write-csvs.js';

// --- Models ---
export { train, trainAsync } from './model/train.js';
export type { EvalSet, IterationInfo, TrainOptions, TrainResult } from './model/train.js';
export { TrainingData } from './model/training-data.js';
export type { FromFrameOptions, FromCsvOptions, FromMatrixOptions, TrainingWeights } from './model/training-data.js';
export { Booster } from './model/booster.js';
export type {
  ContributionsOptions,
  PredictColumns,
  PredictInput,
  PredictOptions,
  PredictRowOptions,
} from './model/booster.js';
export type { BoosterModel } from './model/model-types.js';
export type { TarGzLimits } from './model/model-tarball.js';
export type { LoadModelOptions } from './model/model-format.js';
export type { TrainParamsInput } from './model/train-params.js';

// --- Running jobs ---
export { TrainRunner } from './train/train-runner.js';
export type {
  ExperimentJob,
  FrameJob,
  StartJob,
  TrainRunnerOptions,
  ExperimentOptions,
  ExperimentResult,
  InvokeWith,
  CleanupReport,
  AttachOptions,
  TrainRunnerEvents,
} from './train/train-runner.js';
export { LocalBackend } from './train/local-backend.js';
export type { LocalBackendOptions } from './train/local-backend.js';
export type { TrainingMode } from './train/training-pool.js';
export { SEED_HYPERPARAMETERS } from './train/default-hyperparameters.js';
export type { Hyperparameters } from './train/hyperparameters.js';
export { formatProgress } from './train/progress.js';
export type {
  ProgressEvent,
  ProgressListener,
  ProgressResource,
  TrainingLogEntry,
  TrainingProgress,
} from './train/progress.js';
export { interruptSignal } from './train/interrupt-signal.js';
export type { InterruptSignal, InterruptSignalOptions } from './train/interrupt-signal.js';
export type {
  RunResult,
  JobFailure,
  TrainedJob,
  CreatedModel,
  ServingEndpoint,
  JobScores,
  TransformResult,
} from './train/run-result.js';
export type { InvokeRows, NumericMatrix } from './train/invoke-rows.js';
export type {
  Backend,
  BackendCallOptions,
  BatchTransformOutcome,
  BatchTransformSpec,
  DeleteEndpointOptions,
  EndpointOptions,
  EndpointOutcome,
  HyperparameterStrings,
  ResourceState,
  TrainingJobSpec,
  TrainingOutcome,
  TrainingSummary,
} from './train/backend.js';
export type { EarlyStoppingSummary } from './train/container-early-stopping.js';

// --- Cross-validation (as xgb.cv) ---
export { crossValidate } from './train/cross-validate.js';
export type {
  CrossValidateOptions,
  CrossValidationResult,
  CrossValidationRound,
  MetricSummary,
  OutOfFoldScores,
} from './train/cross-validate.js';
export type { CrossValidationFold } from './train/cv-folds.js';

// --- Hyperparameter search (the search space and strategies: sessionsentry/tune) ---
export { tuneHyperparameters } from './tune/tune-hyperparameters.js';
export type { TuneOptions, TuneResult, TuneTrial, TuneObjective, TuneJob } from './tune/tune-hyperparameters.js';

// --- Evaluation ---
export { ConfusionMatrix } from './eval/confusion-matrix.js';
export type { ConfusionMatrixJSON, ScoreThresholdOptions } from './eval/confusion-matrix.js';
export type { ConfusionCounts, ConfusionMetrics } from './eval/confusion-metrics.js';
export { chooseOperatingPoint, evaluateAt } from './eval/operating-point.js';
export type {
  OperatingPoint,
  OperatingRule,
  OperatingPointSource,
  ChooseOperatingPointOptions,
} from './eval/operating-point.js';
export { recallAtFalsePositiveRate } from './eval/thresholds.js';
export type { ThresholdChoice, BestF1Choice } from './eval/thresholds.js';
export { rocCurve, rocAuc } from './eval/roc-curve.js';
export type { RocCurve, RocCurveOptions } from './eval/roc-curve.js';
export { precisionRecallCurve, averagePrecision } from './eval/pr-curve.js';
export type { PrecisionRecallCurve } from './eval/pr-curve.js';
export { compareExperiments } from './eval/experiment-comparison.js';
export type {
  ExperimentComparison,
  ExperimentInput,
  ComparisonRow,
  ComparisonColumn,
  CompareExperimentsOptions,
  SortOptions,
} from './eval/experiment-comparison.js';

// --- Report ---
export { renderReport, writeReport } from './eval/report-html.js';
export type { ReportOptions, ReportProvenance, PartialSessionSeries } from './eval/report-html.js';

// --- Live scoring ---
export { LiveScorer } from './serve/live-scorer.js';
export type {
  LiveScorerModel,
  LiveScorerOptions,
  LiveScorerStats,
  LiveEvent,
  LiveScore,
  LiveAlert,
  LiveSessionView,
  LiveModel,
  IgnoredReason,
} from './serve/live-scorer.js';
export type { AlertPolicy } from './serve/alert-policy.js';
export { replay, replaySeries } from './serve/replay.js';
export type { ReplayOptions, ReplayReport, Quantiles } from './serve/replay.js';

// --- Live detection ---
export { trainLiveDetector } from './live/train-live-detector.js';
export type { TrainLiveDetectorOptions, LiveModelKind } from './live/train-live-detector.js';
export { LiveDetector } from './live/live-detector.js';
export type { LiveDetectorModel, LiveDetectorParts, DetectorScorerOptions } from './live/live-detector.js';
export { chooseAlertPolicy } from './live/choose-alert-policy.js';
export type { ChooseAlertPolicyOptions, AlertPolicyChoice, AlertPolicyCandidate } from './live/choose-alert-policy.js';
export type { LivePolicy, LivePolicyFigures } from './live/live-policy.js';

// --- Experiment ---
export { runPartialSessionExperiment } from './experiment/partial-session-experiment.js';
export type {
  RunExperimentOptions,
  ExperimentRunResult,
  JobOutcome,
  ExperimentStage,
} from './experiment/partial-session-experiment.js';
export { parseExperimentConfig, readExperimentConfig } from './experiment/experiment-config.js';
export type { ParseExperimentConfigOptions } from './experiment/experiment-config.js';
export type { ExperimentSpec, BackendSpec } from './experiment/experiment-spec.js';
export { writeModelDirectory, readModelDirectory } from './experiment/model-directory.js';
export type {
  ModelDirectory,
  ModelDirectoryContents,
  ModelManifest,
  ModelDirectoryFiles,
  ModelProvenance,
  SavedOperatingPoint,
  ReadModelDirectoryOptions,
  WriteModelDirectoryOptions,
} from './experiment/model-directory.js';

// --- Errors ---
export { SessionSentryError, InvalidArgumentError, ParseError, ColumnNotFoundError } from './errors.js';
export type { SourcePosition } from './errors.js';
export { SourceReadError } from './frame/text-source.js';
export { InputLimitError } from './frame/input-limit-error.js';
export { S3SourceError } from './events/s3-errors.js';
export type { S3SourceProblem } from './events/s3-errors.js';
export type { InputLimit } from './frame/input-limit-error.js';
export { NotFittedError, MissingTimesError, EventOrderError, FeatureSchemaError } from './sessions/session-errors.js';
export type { ModelFormat } from './model/model-errors.js';
export { TrainAbortedError } from './model/train.js';
export { TrainParamError } from './model/train-params.js';
export {
  RunAbortedError,
  TrainingJobError,
  ResourceStateError,
  EndpointInvocationError,
  CleanupError,
} from './train/train-errors.js';
export type { CleanupFailure } from './train/train-errors.js';
export { LiveEventError } from './serve/live-errors.js';
export { CalibrationDataError } from './live/live-errors.js';
export { UndefinedMetricError } from './eval/eval-errors.js';
export { ExperimentConfigError, ExperimentFailedError } from './experiment/experiment-errors.js';
export { ModelDirectoryError } from './experiment/model-directory.js';
