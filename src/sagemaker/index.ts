/**
 * `sessionsentry/sagemaker`: train and serve the library's experiments on Amazon SageMaker with
 * the built-in XGBoost container. {@link SageMakerBackend} implements the same `Backend` contract
 * as the local backend, so a `TrainRunner` runs either; the request builders, waiters, S3 helpers
 * and image URIs are exported for callers who drive SageMaker themselves.
 *
 * @module sessionsentry/sagemaker
 */

// --- Backend ---
export { SageMakerBackend } from './sagemaker-backend.js';
export type { SageMakerBackendOptions, TuningJobSpec } from './sagemaker-backend.js';
export { createSageMakerClients } from './sagemaker-clients.js';
export type { SageMakerClients, SageMakerClientsOptions } from './sagemaker-clients.js';

// --- Existing endpoints ---
export { Predictor } from './predictor.js';
export type { PredictorOptions } from './predictor.js';

// --- Training logs and metrics ---
export {
  TrainingLogTail,
  TRAINING_LOG_GROUP,
  parseXgboostRound,
  newStatusTransitions,
  finalMetrics,
} from './training-logs.js';
export type { TrainingLogTailOptions } from './training-logs.js';

// --- Image URIs ---
export { xgboostImageUri, xgboostArtifactFormat, DEFAULT_XGBOOST_VERSION } from './image-uri.js';
export type { XgboostArtifactFormat } from './image-uri.js';
export {
  XGBOOST_ECR_ACCOUNTS,
  XGBOOST_IMAGE_VERSIONS,
  XGBOOST_REPOSITORY,
  XGBOOST_ALTERNATE_DOMAINS,
} from './xgboost-ecr-accounts.js';

// --- Requests ---
export { buildTrainingJobRequest, checkTrainingResources } from './training-job-request.js';
export type {
  TrainingJobRequestOptions,
  TrainingResourceOptions,
  SpotTrainingOptions,
} from './training-job-request.js';
export {
  buildCreateModelRequest,
  buildEndpointConfigRequest,
  buildCreateEndpointRequest,
  buildTransformJobRequest,
} from './endpoint-requests.js';
export type {
  ModelRequestOptions,
  EndpointConfigRequestOptions,
  TransformJobRequestOptions,
} from './endpoint-requests.js';
export { checkResourceName, checkRoleArn, toAwsTags } from './resource-names.js';
export type { TagRecord } from './resource-names.js';

// --- Waiters ---
export { waitForTrainingJob, waitForEndpoint, waitForTransformJob, waitForEndpointDeleted } from './waiters.js';
export type { PollOptions } from './waiters.js';

// --- Leftovers ---
export { findTaggedResources } from './leftovers.js';
export type { FindTaggedResourcesOptions, TaggedResources } from './leftovers.js';

// --- S3 ---
export { parseS3Uri, s3Uri, joinKey, uploadFile, uploadChannel, downloadObject } from './s3-objects.js';
export type { S3Location, UploadFileOptions, UploadFileOutput, UploadChannelOptions } from './s3-objects.js';

// --- Hyperparameter tuning ---
export { buildTuningJobRequest } from './tuning-job-request.js';
export type { TuningJobRequestOptions, TuningStrategy } from './tuning-job-request.js';
export { waitForTuningJob, stopTuningJob, listTuningTrainingJobs, tuningOutcome } from './tuning-job.js';
export type { TuningJobOutcome } from './tuning-job.js';
export {
  XGBOOST_CONTAINER_HYPERPARAMETERS,
  XGBOOST_CONTAINER_ALIASES,
  XGBOOST_TUNING_METRICS,
  xgboostMetricRegex,
} from './xgboost-container-hyperparameters.js';
export type { ContainerHyperparameter } from './xgboost-container-hyperparameters.js';

// --- Several training instances ---
export { splitCsvChannel, uploadShardedChannel } from './shard-channel.js';

// --- Payloads ---
export { countCsvRows, splitCsvPayload } from './csv-payload.js';

// --- Errors ---
export {
  ImageUriError,
  S3UriError,
  AwsRequestError,
  WaitTimeoutError,
  PredictionCountError,
  UnsupportedArtifactError,
  awsErrorInfo,
  isNotFoundError,
} from './sagemaker-errors.js';
export type { AwsErrorInfo } from './sagemaker-errors.js';
