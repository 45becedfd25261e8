/**
 * `sessionsentry/model`: the XGBoost-compatible model beneath `Booster` — reading and writing the
 * three formats XGBoost and SageMaker use (JSON, UBJSON, the legacy binary, inside `model.tar.gz`),
 * validation of untrusted model files, text dumps, low-level matrix prediction, model insight
 * (feature importance as `get_score`, per-row TreeSHAP contributions as `pred_contribs`), and the
 * training parameters and metrics as XGBoost 1.7.4 resolves them, and the files of a model directory
 * (its manifest, the feature schema of `features.json`). The workflow (`train`, `Booster`,
 * `TrainingData`) is in the root entry.
 *
 * @example
 * ```ts
 * import { Booster } from 'sessionsentry';
 * import { dumpModel, writeModelJSON } from 'sessionsentry/model';
 * const booster = await Booster.loadFile('models/first10/model.tar.gz');
 * console.log(dumpModel(booster.model, { withStats: true })[0]);
 * const json = writeModelJSON(booster.model); // loads in xgboost.Booster(model_file=...)
 * ```
 *
 * @module sessionsentry/model
 */

// --- Model data ---
export type { RegTree } from './model-types.js';

// --- Formats ---
export { loadModel, loadModelFile, detectModelFormat, loadTarGzModel } from './model-format.js';
export { readModelJSON, writeModelJSON, modelFromDocument, modelToDocument } from './model-json.js';
export type { ReadModelOptions } from './model-json.js';
export { readModelUBJSON, writeModelUBJSON, decodeUBJSON } from './model-ubjson.js';
export type { UBJValue } from './model-ubjson.js';
export { readModelBinary, writeModelBinary } from './model-binary.js';
export { extractModelMember, readTar, writeTarGz } from './model-tarball.js';
export type { TarMember, WriteTarGzOptions } from './model-tarball.js';
export { validateModel, MAX_NUM_FEATURE } from './model-validate.js';
export type { ValidateModelOptions } from './model-validate.js';
export { ModelFormatError, InvalidModelError, ModelSizeLimitError } from './model-errors.js';

// --- Model directory ---
export { readModelManifest, isModelDirectory } from '../experiment/model-directory.js';
export { parseFeatureSchema, featureNamesOf } from '../sessions/feature-schema.js';

// --- Dump ---
export { dumpModel } from './tree-dump.js';
export type { DumpOptions } from './tree-dump.js';

// --- Prediction ---
export {
  flattenModel,
  predictMarginMatrix,
  predictLeafMatrix,
  predictRowMarginFlat,
  marginsToProbabilities,
} from './predict.js';
export type { FlatForest, Matrix } from './predict.js';

// --- Insight: feature importance and per-row contributions (the kernels of Booster.importance / Booster.contributions)
// ---
export { featureImportance, rankFeatures, IMPORTANCE_TYPES } from './feature-importance.js';
export type { ImportanceType, ImportanceOptions, FeatureScores } from './feature-importance.js';
export { predictContributionsMatrix, contributionsKernel, MAX_CONTRIBUTION_DEPTH } from './tree-shap.js';
export type { Contributions, ContributionMatrixOptions } from './tree-shap.js';
export { explainRows, formatContributions, DEFAULT_EXPLAIN_TOP } from './explain-rows.js';
export type { FeatureContribution, ExplainRowsOptions } from './explain-rows.js';

// --- Parameters and metrics ---
export { resolveTrainParams, IGNORED_PARAMS, DEFAULT_ONLY_PARAMS } from './train-params.js';
export type { TrainParams, TreeMethod, EvalMetric, ParamValue } from './train-params.js';
export { evalMetric } from './metrics.js';
