/**
 * sessionsentry: find attacker sessions in application event logs with supervised learning.
 *
 * Explicit, grouped named exports. Each area of the library owns one block below.
 * The SageMaker backend lives in `sessionsentry/sagemaker` and danfo interop in `sessionsentry/danfo`.
 */

// --- errors ---
export { SessionSentryError, InvalidArgumentError, ParseError, ColumnNotFoundError } from './errors.js';
export type { SourcePosition } from './errors.js';

// --- frame ---
export { Frame, concatFrames } from './frame/frame.js';
export type { CellValue, Row } from './frame/frame.js';
export { encodeStrings, numberColumn } from './frame/column.js';
export type { Column, ColumnInput, NumberColumn, StringColumn, NumericArray } from './frame/column.js';
export { formatTable } from './frame/format-table.js';
export { readCsv, parseCsv } from './frame/csv-read.js';
export type { ReadCsvOptions, CsvColumnType } from './frame/csv-read.js';
export { writeCsv, formatCsv, csvChunks } from './frame/csv-write.js';
export type { WriteCsvOptions, CsvDestination } from './frame/csv-write.js';
export { DelimitedTokenizer, tokenizeSource, tokenizeText, FIELD_QUOTED, FIELD_ESCAPED } from './frame/delimited-parser.js';
export type { DelimitedRow, TokenizerOptions } from './frame/delimited-parser.js';
export { openSource, describeSource, SourceReadError } from './frame/text-source.js';
export type { TextSource, OpenedSource } from './frame/text-source.js';
export { ByteDictionary } from './frame/byte-dictionary.js';
export { parseNumberBytes, formatNumber } from './frame/parse-number.js';
// --- frame input ---
export { asFrame, isFrameLike, isDanfoLikeFrame, frameFromDanfoLike } from './frame/frame-input.js';
export type { FrameInput, FrameInput as FrameOrDataFrame, DanfoLikeFrame, FromDanfoOptions, NumericStorage } from './frame/frame-input.js';

// --- events ---
export { EventLog } from './events/event-log.js';
export type { EventLogParts, SkippedRows } from './events/event-log.js';
export { readEventLog, parseEventLog } from './events/read-event-log.js';
export type { ReadEventLogOptions, SkipReason } from './events/read-event-log.js';
export { SEED_LOG_SCHEMA, SEED_LOG_HEADER, validateSchema, resolveColumns, schemaColumns } from './events/log-schema.js';
export type { LogSchema, LabelValues, ResolvedColumns } from './events/log-schema.js';
export { buildEventLog, NOTHING_SKIPPED } from './events/event-log-builder.js';
export type { EventColumns } from './events/event-log-builder.js';
export { parseTime, parseTimeBytes, daysFromCivil } from './events/parse-time.js';

// --- synth ---
export { generateLogs, LOG_FILE_NAMES } from './synth/generate-logs.js';
export type { GenerateLogsOptions, GeneratedLogs, GeneratedLogFile, LogFileName, LogFileSummary } from './synth/generate-logs.js';
export { generateEvents, DEFAULT_ATTACKER_STYLES, DEFAULT_HELD_OUT_STYLES } from './synth/generate-events.js';
export { generateTestWeek } from './synth/generate-week.js';
export type { GenerateTestWeekOptions } from './synth/generate-week.js';
export type { GenerateEventsOptions } from './synth/generate-events.js';
export { formatLogTsv, formatLogTsvBytes, formatLogTime, syntheticEventLog, LOG_HEADER, SESSION_PROFILE_NAMES } from './synth/synthetic-log.js';
export type { SyntheticLog } from './synth/synthetic-log.js';
export { ACTION_CODES, ACTION_INFO } from './synth/action-codes.js';
export type { ActionCode, ActionGroup } from './synth/action-codes.js';
export { USER_PROFILES, USER_PROFILE_SHARES } from './synth/user-profiles.js';
export type { UserProfileName } from './synth/user-profiles.js';
export { ATTACKER_PROFILES } from './synth/attacker-profiles.js';
export type { AttackerStyle } from './synth/attacker-profiles.js';
export type { BehaviourProfile } from './synth/behaviour.js';
export { Random, createRandom, mixSeed, sampleNormal, sampleExponential, sampleLognormal, samplePoisson, sampleWeighted, sampleCumulative } from './random/random.js';
export type { UniformSource } from './random/random.js';

// --- sessions ---
export { ActionVocabulary, compareActionCodes } from './sessions/action-vocabulary.js';
export type { ActionVocabularyJSON } from './sessions/action-vocabulary.js';
export { truncateLog, validateTruncation, describeTruncation, splitPrefixes } from './sessions/truncation.js';
export type { Truncation, TruncationKind, PrefixesTruncation, PrefixWeighting } from './sessions/truncation.js';
export { Truncators } from './sessions/truncators.js';
export { DEFAULT_FEATURES, OTHER_ACTIONS, featureNamesOf, makeFeatureSchema, parseFeatureSchema } from './sessions/feature-schema.js';
export type { FeatureGroups, FeatureSchema } from './sessions/feature-schema.js';
export { TIMING_FEATURES } from './sessions/timing-features.js';
export type { TimingFeature } from './sessions/timing-features.js';
export { learnBigrams } from './sessions/learn-bigrams.js';
export { flattenSessions } from './sessions/flatten-sessions.js';
export type { FlattenResult, UnseenActions } from './sessions/flatten-sessions.js';
export { flattenPrefixes, flattenTruncated, PREFIX_LENGTH_COLUMN, WEIGHT_COLUMN } from './sessions/flatten-prefixes.js';
export type { PrefixOptions, PrefixWeightFunction } from './sessions/flatten-prefixes.js';
export { SessionFlattener } from './sessions/session-flattener.js';
export type { SessionFlattenerOptions, FlattenOptions } from './sessions/session-flattener.js';
export { JOB_GRID, ORIGINAL_JOB_NAMES, standardJobs } from './sessions/job-grid.js';
export type { Job } from './sessions/job-grid.js';
export { prepareJobs, prepareTestJobs, truncateLike } from './sessions/prepare-jobs.js';
export type { PrepareJobsOptions } from './sessions/prepare-jobs.js';
export { sessionStream } from './sessions/session-random.js';
export { NotFittedError, MissingTimesError, EventOrderError, FeatureSchemaError } from './sessions/session-errors.js';

// --- split ---
export { FrameSplitter, splitFrame, featureColumns, labelValues, NON_FEATURE_COLUMNS } from './split/frame-splitter.js';
export type { FrameSplitterOptions, SplitOptions, SplitMode, FrameSplit } from './split/frame-splitter.js';
export { allocateCounts, validateFractions, PART_NAMES } from './split/fractions.js';
export type { SplitFractions, PartName } from './split/fractions.js';
export type { SplitIndices } from './split/split-types.js';
export { stratifiedSplit } from './split/stratified-split.js';
export type { StratifiedSplitOptions } from './split/stratified-split.js';
export { groupedSplit } from './split/grouped-split.js';
export type { GroupedSplitOptions } from './split/grouped-split.js';
export { orderedSplit } from './split/ordered-split.js';
export { formatCsvNumber, sageMakerCsvChunks, writeSageMakerCsv } from './split/sagemaker-csv.js';
export type { CsvPrecision, SageMakerCsvOptions, SageMakerCsvSummary } from './split/sagemaker-csv.js';
export { xgboostStrtof } from './split/xgboost-strtof.js';
export { writeCsvs, csvNames } from './split/write-csvs.js';
export type { CsvJob, CsvJobFiles, CsvManifest, CsvPartManifest, WriteCsvsOptions } from './split/write-csvs.js';

// --- model ---
export type { BoosterModel, RegTree } from './model/model-types.js';
export { Booster } from './model/booster.js';
export type { PredictColumns, PredictInput, PredictOptions, PredictRowOptions } from './model/booster.js';
export { ModelFormatError, InvalidModelError, ModelSizeLimitError } from './model/model-errors.js';
export type { ModelFormat } from './model/model-errors.js';
export { expf, logf, sigmoidF32, baseMarginF32 } from './model/expf.js';
export { fround, float32Bits, float32FromBits, float32Hex, formatFloat32, parseFloat32, formatFloat32G9 } from './model/float32.js';
export { readModelJSON, writeModelJSON, modelFromDocument, modelToDocument } from './model/model-json.js';
export type { ReadModelOptions } from './model/model-json.js';
export { readModelUBJSON, writeModelUBJSON, decodeUBJSON } from './model/model-ubjson.js';
export type { UBJValue } from './model/model-ubjson.js';
export { readModelBinary, writeModelBinary } from './model/model-binary.js';
export { extractModelMember, readTar, writeTarGz } from './model/model-tarball.js';
export type { TarGzLimits, TarMember, WriteTarGzOptions } from './model/model-tarball.js';
export { detectModelFormat, loadModel, loadModelFile, loadTarGzModel } from './model/model-format.js';
export type { LoadModelOptions } from './model/model-format.js';
export { validateModel } from './model/model-validate.js';
export { flattenModel, predictMarginMatrix, predictLeafMatrix, predictRowMarginFlat, marginsToProbabilities } from './model/predict.js';
export type { FlatForest, Matrix } from './model/predict.js';
export { dumpModel } from './model/tree-dump.js';
export type { DumpOptions } from './model/tree-dump.js';
export { train, trainAsync, TrainAbortedError } from './model/train.js';
export type { EvalSet, IterationInfo, TrainOptions, TrainResult } from './model/train.js';
export { resolveTrainParams, TrainParamError, IGNORED_PARAMS, DEFAULT_ONLY_PARAMS } from './model/train-params.js';
export type { TrainParams, TrainParamsInput, TreeMethod, EvalMetric, ParamValue } from './model/train-params.js';
export { TrainingData } from './model/training-data.js';
export type { FromFrameOptions, FromCsvOptions } from './model/training-data.js';
export { evalMetric } from './model/metrics.js';

// --- train ---
export { TrainRunner, runExperiment, splitLabelledCsv } from './train/train-runner.js';
export type { ExperimentJob, TrainRunnerOptions, ExperimentOptions, ExperimentResult, InvokeWith, CleanupReport, TrainRunnerEvents } from './train/train-runner.js';
export { LocalBackend } from './train/local-backend.js';
export type { LocalBackendOptions } from './train/local-backend.js';
export { TrainingPool } from './train/training-pool.js';
export type { TrainingMode, TrainingPoolOptions } from './train/training-pool.js';
export { runTrainingTask } from './train/training-task.js';
export type { TrainingTask, TrainingTaskResult } from './train/training-task.js';
export { interruptSignal } from './train/interrupt-signal.js';
export type { InterruptSignal, InterruptSignalOptions } from './train/interrupt-signal.js';
export { SEED_HYPERPARAMETERS } from './train/default-hyperparameters.js';
export { toHyperparameterStrings } from './train/hyperparameters.js';
export type { Hyperparameters } from './train/hyperparameters.js';
export { formatProgress, ProgressClock } from './train/progress.js';
export type { ProgressEvent, ProgressListener, ProgressResource } from './train/progress.js';
export { collectResults } from './train/run-result.js';
export type { RunResult, JobFailure, TrainedJob, CreatedModel, ServingEndpoint, JobScores, TransformResult } from './train/run-result.js';
export { toCsvPayloads, countRows } from './train/invoke-rows.js';
export type { InvokeRows, NumericMatrix, CsvPayloadOptions } from './train/invoke-rows.js';
export { RunAbortedError, TrainingJobError, ResourceStateError, EndpointInvocationError, CleanupError } from './train/train-errors.js';
export type { CleanupFailure } from './train/train-errors.js';
export type {
  Backend,
  BackendCallOptions,
  BatchTransformOutcome,
  BatchTransformSpec,
  EndpointOptions,
  EndpointOutcome,
  HyperparameterStrings,
  ResourceState,
  TrainingJobSpec,
  TrainingOutcome,
} from './train/backend.js';

// --- serve ---
export { EndpointServer, EndpointServerError, serveModel, MAX_PAYLOAD_BYTES } from './serve/endpoint-server.js';
export type { EndpointServerOptions, EndpointServerStats } from './serve/endpoint-server.js';
export { handleInvocation } from './serve/handle-invocation.js';
export type { InvocationRequest, InvocationResponse, InvocationOptions } from './serve/handle-invocation.js';
export { parseCsvPayload, parseJsonPayload, parseLibsvmPayload } from './serve/parse-payload.js';
export type { PayloadMatrix } from './serve/parse-payload.js';
export { encodePredictions, negotiateAccept } from './serve/encode-predictions.js';
export type { AcceptType } from './serve/encode-predictions.js';
export { formatScore } from './serve/format-score.js';
export { parseScores } from './serve/parse-scores.js';
export { InvocationError } from './serve/invocation-error.js';
export type { ScoringModel, FeatureMatrix } from './serve/scoring-model.js';
// --- serve: live scoring ---
export { LiveScorer, parseLiveEvent } from './serve/live-scorer.js';
export type { LiveScorerModel, LiveScorerOptions, LiveScorerStats, LiveEvent, LiveScore, LiveAlert, LiveSessionView, LiveModel, IgnoredReason, ParsedLiveEvent } from './serve/live-scorer.js';
export { LiveEventError } from './serve/live-errors.js';
export { alertPolicy, stepAlert } from './serve/alert-policy.js';
export type { AlertPolicy } from './serve/alert-policy.js';
export { SessionState, compileFeatureLayout, EXACT_STD_GAPS } from './serve/session-state.js';
export type { FeatureLayout } from './serve/session-state.js';
export { GapMedian } from './serve/gap-median.js';
export { compileForest } from './serve/compiled-forest.js';
export { LruSessions } from './serve/lru-sessions.js';
export { replay, replaySeries, quantiles } from './serve/replay.js';
export type { ReplayOptions, ReplayReport, Quantiles } from './serve/replay.js';
export { startEventService, parseEventsBody, EventRequestError, LOG_EVENT_FIELDS } from './serve/event-service.js';
export type { EventServiceOptions, EventService, EventServiceStats, EventFieldNames } from './serve/event-service.js';
export { runLoadTest, ndjsonBodies } from './serve/load-test.js';
export type { LoadTestOptions, LoadTestResult, LatencySummary } from './serve/load-test.js';

// --- live detection ---
export { trainLiveDetector, LIVE_DETECTOR_HYPERPARAMETERS } from './live/train-live-detector.js';
export type { TrainLiveDetectorOptions, LiveModelKind } from './live/train-live-detector.js';
export { LiveDetector } from './live/live-detector.js';
export type { LiveDetectorModel, LiveDetectorParts, DetectorScorerOptions } from './live/live-detector.js';
export { chooseAlertPolicy } from './live/choose-alert-policy.js';
export type { ChooseAlertPolicyOptions, AlertPolicyChoice, AlertPolicyCandidate } from './live/choose-alert-policy.js';
export { measureLivePolicy } from './live/live-policy.js';
export type { LivePolicy, LivePolicyFigures } from './live/live-policy.js';
export { scoreTrajectories } from './live/score-trajectories.js';
export type { ScoreTrajectories, NamedLiveModel, ScorerBehaviour } from './live/score-trajectories.js';
export { CalibrationDataError } from './live/live-errors.js';
export { selectSessions } from './sessions/select-sessions.js';

// --- eval ---
export { UndefinedMetricError } from './eval/eval-errors.js';
export { ConfusionMatrix, confusionCounts, confusionCountsAt } from './eval/confusion-matrix.js';
export type { ConfusionMatrixJSON, ScoreThresholdOptions } from './eval/confusion-matrix.js';
export { confusionMetrics } from './eval/confusion-metrics.js';
export type { ConfusionCounts, ConfusionMetrics } from './eval/confusion-metrics.js';
export { thresholdCounts } from './eval/binary-clf-curve.js';
export type { ThresholdCounts } from './eval/binary-clf-curve.js';
export { rocCurve, rocAuc, trapezoidArea } from './eval/roc-curve.js';
export type { RocCurve, RocCurveOptions } from './eval/roc-curve.js';
export { precisionRecallCurve, averagePrecision } from './eval/pr-curve.js';
export type { PrecisionRecallCurve } from './eval/pr-curve.js';
export {
  thresholdForFalsePositiveRate,
  recallAtFalsePositiveRate,
  bestF1Threshold,
  chooseThresholdForFalsePositiveRate,
  chooseBestF1Threshold,
} from './eval/thresholds.js';
export type { ThresholdChoice, BestF1Choice } from './eval/thresholds.js';
export { chooseOperatingPoint, evaluateAt } from './eval/operating-point.js';
export type { OperatingPoint, OperatingRule } from './eval/operating-point.js';
export { compareExperiments, ExperimentComparison, COMPARISON_COLUMNS } from './eval/experiment-comparison.js';
export type { ExperimentInput, ComparisonRow, ComparisonColumn, CompareExperimentsOptions, SortOptions } from './eval/experiment-comparison.js';
export { lineChart, niceTicks, escapeXml, PALETTE } from './eval/svg-chart.js';
export type { ChartSeries, LineChartOptions } from './eval/svg-chart.js';
export { renderReport, writeReport } from './eval/report-html.js';
export type { ReportOptions, PartialSessionSeries } from './eval/report-html.js';

// --- experiment ---
export { runPartialSessionExperiment, describeRule } from './experiment/partial-session-experiment.js';
export type { RunExperimentOptions, ExperimentRunResult, JobOutcome, ExperimentStage } from './experiment/partial-session-experiment.js';
export { parseExperimentConfig, parseExperimentText, readExperimentConfig, DEFAULT_TRAIN_FILES, DEFAULT_TEST_FILE, DEFAULT_OPERATING_POINTS, DEFAULT_EVENTS_SEEN } from './experiment/experiment-config.js';
export type { ParseExperimentConfigOptions } from './experiment/experiment-config.js';
export type { ExperimentSpec, BackendSpec } from './experiment/experiment-spec.js';
export { ExperimentConfigError, ExperimentFailedError } from './experiment/experiment-errors.js';
export { writeModelDirectory, readModelDirectory, readModelManifest, isModelDirectory, ModelDirectoryError } from './experiment/model-directory.js';
export type { ModelDirectory, ModelDirectoryContents, ModelManifest, ModelDirectoryFiles, ModelProvenance, SavedOperatingPoint, ReadModelDirectoryOptions, WriteModelDirectoryOptions } from './experiment/model-directory.js';
export { PACKAGE_NAME, PACKAGE_VERSION } from './package-info.js';

// --- cli ---
export { runCli, programHelp } from './cli/run-cli.js';
export { processIO, UsageError, EXIT } from './cli/cli-io.js';
export type { CliIO } from './cli/cli-io.js';
