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

// --- events ---
export { EventLog } from './events/event-log.js';
export type { EventLogParts, SkippedRows } from './events/event-log.js';

// --- synth ---

// --- sessions ---

// --- split ---

// --- model ---
export type { BoosterModel, RegTree } from './model/model-types.js';
export { Booster } from './model/booster.js';
export type { FrameInput, PredictInput, PredictOptions, PredictRowOptions } from './model/booster.js';
export { ModelFormatError, InvalidModelError, ModelSizeLimitError } from './model/model-errors.js';
export type { ModelFormat } from './model/model-errors.js';
export { expf, logf, sigmoidF32, baseMarginF32 } from './model/expf.js';
export { fround, float32Bits, float32FromBits, float32Hex, formatFloat32, parseFloat32, formatFloat32G9 } from './model/float32.js';
export { readModelJSON, writeModelJSON, modelFromDocument, modelToDocument } from './model/model-json.js';
export type { ReadModelOptions } from './model/model-json.js';
export { readModelUBJSON, writeModelUBJSON, decodeUBJSON } from './model/model-ubjson.js';
export type { UBJValue } from './model/model-ubjson.js';
export { readModelBinary, writeModelBinary } from './model/model-binary.js';
export { extractModelMember, readTar, writeTarGz, gunzipLimited } from './model/model-tarball.js';
export type { TarGzLimits, TarMember, WriteTarGzOptions } from './model/model-tarball.js';
export { detectModelFormat, loadModel, loadModelFile } from './model/model-format.js';
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

// --- serve ---

// --- eval ---
