import type { LogSchema } from '../events/log-schema.js';
import type { OperatingRule } from '../eval/operating-point.js';
import type { FeatureGroups } from '../sessions/feature-schema.js';
import type { Job } from '../sessions/job-grid.js';
import type { Hyperparameters } from '../train/hyperparameters.js';
import type { SearchSpace } from '../tune/search-space.js';
import type { SearchStrategy } from '../tune/search-strategy.js';
import type { TuneObjective } from '../tune/tune-hyperparameters.js';

/** Where the experiment trains and serves: this machine, or Amazon SageMaker. */
export type BackendSpec =
  | {
      readonly kind: 'local';
      /** Training worker threads. Default: the machine's cores. */
      readonly workers?: number;
    }
  | {
      readonly kind: 'sagemaker';
      /** IAM role ARN SageMaker assumes. */
      readonly role: string;
      /** S3 bucket for channels and artifacts. */
      readonly bucket: string;
      /** AWS region. Default: the standard AWS chain. */
      readonly region?: string;
      /** Key prefix in the bucket. Default `'sessionsentry'`. */
      readonly prefix?: string;
      /** Training instance type. Default `'ml.m5.xlarge'`. */
      readonly instanceType?: string;
      /** Endpoint instance type. Default `'ml.t2.medium'`. */
      readonly endpointInstanceType?: string;
    };

/**
 * A whole partial-session experiment as plain data: the files, how to read them, which truncation
 * jobs to run, the features, the split of the training sessions, the hyperparameters, the backend
 * and the operating points. {@link parseExperimentConfig} builds one from a JSON/YAML document,
 * filling the defaults; {@link runPartialSessionExperiment} runs it.
 */
export interface ExperimentSpec {
  /** A name for the report and resource prefixes (letters, digits, hyphens). */
  readonly name: string;
  /** Log files the jobs train and validate on (read as one log). */
  readonly train: readonly string[];
  /** The separate test log (e.g. `single.txt`), truncated like each job's training data. */
  readonly test: string;
  /** Column mapping of the files. */
  readonly schema: LogSchema;
  /** The truncation jobs, each trained and scored separately. */
  readonly jobs: readonly Job[];
  /** Feature groups of the flattener. */
  readonly features: FeatureGroups;
  /** Fractions of the training sessions for training and validation (summing to 1), and the split seed. */
  readonly split: { readonly train: number; readonly validation: number; readonly seed: number };
  /** XGBoost hyperparameters, merged over the seed notebook's. */
  readonly hyperparameters: Hyperparameters;
  readonly backend: BackendSpec;
  /** Operating points chosen on validation data; the first is the report's. */
  readonly operatingPoints: readonly OperatingRule[];
  /** Session lengths of the "caught while in progress" curves (test sessions cut to their first n events). */
  readonly eventsSeen: readonly number[];
  /**
   * Live detection: every job's model gets a live alert policy calibrated on its validation
   * sessions for at most `maxFalseAlertsPer10k` innocent sessions ever alerted per 10 000, the
   * recommended detector (`trainLiveDetector`) is trained beside them, and each replays the test
   * log live. `null` turns the live section off.
   */
  readonly live: {
    readonly maxFalseAlertsPer10k: number;
    /**
     * How the live detector's policy is calibrated: `'holdout'` (default) on the experiment's
     * validation sessions, or `{ folds: k }` out of fold over every training session (steadier:
     * every innocent training session helps set the threshold; k + 1 trainings of each model).
     * Each job's own live policy is always chosen on its validation sessions.
     */
    readonly calibration: 'holdout' | { readonly folds: number };
  } | null;
  /**
   * A hyperparameter search before training (`null`: none): each trial cross-validated on the
   * training part of every whole-session job, and the best hyperparameters (with `num_round` set to
   * the best trial's rounds) used by every job. See `tuneHyperparameters`.
   */
  readonly tune: {
    readonly space: SearchSpace;
    readonly strategy: SearchStrategy | undefined;
    readonly trials: number | undefined;
    readonly objective: TuneObjective;
    readonly nfold: number;
    readonly rounds: number | undefined;
    readonly earlyStoppingRounds: number;
    readonly seed: number;
  } | null;
  /** Folder of the outputs (CSV channels, models, report). */
  readonly outDir: string;
}
