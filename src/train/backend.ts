import type { EarlyStoppingSummary } from './container-early-stopping.js';
import type { TrainingLogEntry, TrainingProgress } from './progress.js';
/**
 * The contract between {@link TrainRunner} and the places models are trained and served: the
 * in-process {@link LocalBackend} and the `SageMakerBackend` of `sessionsentry/sagemaker`. Both
 * take the same inputs, the CSV channels SageMaker's built-in XGBoost reads (label first, no header),
 * so a local run is a faithful rehearsal of a cloud run.
 */

/** XGBoost hyperparameters as SageMaker passes them: every value a string. */
export type HyperparameterStrings = Readonly<Record<string, string>>;

/** One training job: a name, CSV channels on local disk, hyperparameters. */
export interface TrainingJobSpec {
  /** Job name, unique within a run (the runner applies its prefix). */
  readonly name: string;
  /**
   * The CSV channels (label first, no header): local files or folders, or `s3://` objects or
   * prefixes already on S3 (used in place on SageMaker, copied in by the local backend). `train` is required.
   */
  readonly channels: { readonly train: string; readonly validation?: string };
  readonly hyperparameters: HyperparameterStrings;
}

/** Lifecycle states reported for jobs, endpoints and transforms. */
export type ResourceState =
  | 'Pending'
  | 'Uploading'
  | 'InProgress'
  | 'Completed'
  | 'Failed'
  | 'Stopped'
  | 'Creating'
  | 'InService'
  | 'Deleting'
  | 'Deleted';

/** What a backend knows about the rounds of a finished training job. */
export interface TrainingSummary {
  /** Trees in the saved model. */
  readonly trees: number;
  /** The best round (0-based): the early-stopping best, else the last round. */
  readonly bestIteration: number;
  /** What early stopping did, when it was on. */
  readonly earlyStopping?: EarlyStoppingSummary;
}

/** How a training job ended. */
export type TrainingOutcome =
  | {
      readonly status: 'Completed';
      readonly jobName: string;
      readonly artifact: string;
      readonly seconds: number;
      /** The job's rounds, when the backend knows them (the local backend does). */
      readonly summary?: TrainingSummary;
      /**
       * The final metrics the algorithm reported (SageMaker's `FinalMetricDataList`: `validation:auc`, …), when any.
       */
      readonly metrics?: Readonly<Record<string, number>>;
    }
  | {
      readonly status: 'Failed' | 'Stopped';
      readonly jobName: string;
      readonly reason: string;
      readonly seconds: number;
    };

/** How an endpoint came up. */
export type EndpointOutcome =
  | { readonly status: 'InService'; readonly endpointName: string }
  | { readonly status: 'Failed'; readonly endpointName: string; readonly reason: string };

/** Options every long-running backend call accepts. */
export interface BackendCallOptions {
  /** Aborts the wait (the resource itself is released by the runner's clean-up). */
  readonly signal?: AbortSignal;
  /** Called on every observed state change, and by training jobs as rounds finish (with `training`). */
  readonly onState?: (state: ResourceState, detail?: string, training?: TrainingProgress) => void;
  /**
   * Called, while a training job is awaited, with its log lines, status transitions and final metrics (backends that
   * have them).
   */
  readonly onLog?: (entry: TrainingLogEntry) => void;
}

/** Options for creating an endpoint. */
export interface EndpointOptions {
  readonly instanceType?: string;
  readonly instanceCount?: number;
  /**
   * Keep the endpoint (and its model) when the `TrainRunner` cleans up, once it is in service: it
   * outlives the runner, to be scored with a `Predictor` and deleted later by name
   * (`backend.deleteEndpoint(name, { withModels: true })`) or by tag. Endpoints that never came
   * into service are deleted as usual. Default false.
   */
  readonly retain?: boolean;
  /**
   * Tags on the endpoint and its config, beside the backend's (SageMaker backend), e.g. to delete retained endpoints by
   * tag.
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/** Options of deleting an endpoint. */
export interface DeleteEndpointOptions {
  /** Also delete the models the endpoint serves (what a retained endpoint kept). Default false. */
  readonly withModels?: boolean;
}

/** A batch transform request: a CSV file of feature rows (no label), split by line. */
export interface BatchTransformSpec {
  readonly modelName: string;
  readonly input: string;
  readonly outputDir: string;
  readonly jobName: string;
}

/** A finished batch transform: where the output is and how many rows were scored. */
export interface BatchTransformOutcome {
  readonly status: 'Completed' | 'Failed';
  readonly output: string;
  readonly reason?: string;
}

/**
 * What a training-and-serving backend does. Every method that creates something has a matching
 * delete, so the runner can always release what it created.
 */
export interface Backend {
  /** `'local'` or `'sagemaker'`. */
  readonly kind: string;
  startTrainingJob(spec: TrainingJobSpec, options?: BackendCallOptions): Promise<void>;
  waitForTrainingJob(jobName: string, options?: BackendCallOptions): Promise<TrainingOutcome>;
  stopTrainingJob(jobName: string): Promise<void>;
  /** Registers a model named `modelName` from a training artifact. */
  createModel(modelName: string, artifact: string): Promise<void>;
  deleteModel(modelName: string): Promise<void>;
  /** Creates an endpoint config and endpoint serving `modelName`. */
  createEndpoint(endpointName: string, modelName: string, options?: EndpointOptions): Promise<void>;
  waitForEndpoint(endpointName: string, options?: BackendCallOptions): Promise<EndpointOutcome>;
  /** Deletes the endpoint and its config (and its models with `withModels`); succeeds when they are already gone. */
  deleteEndpoint(endpointName: string, options?: DeleteEndpointOptions): Promise<void>;
  /** Sends CSV feature rows (no label) and returns one probability per row. */
  invokeEndpoint(endpointName: string, csvRows: string, options?: { signal?: AbortSignal }): Promise<Float64Array>;
  batchTransform(spec: BatchTransformSpec, options?: BackendCallOptions): Promise<BatchTransformOutcome>;
  /** The bytes of a training artifact (`model.tar.gz`), for local scoring. */
  downloadArtifact(artifact: string): Promise<Uint8Array>;
  /**
   * Releases what the backend itself holds (worker threads, local servers, client sockets). The
   * runner calls it only on a backend it created; resources created through the methods above are
   * released by their deletes, not by this.
   */
  close?(): Promise<void>;
}
