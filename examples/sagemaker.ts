/**
 * The partial-session experiment on Amazon SageMaker: the same jobs as `partial-sessions.ts`,
 * trained by SageMaker's built-in XGBoost 1.7-1 container, deployed to real-time endpoints that
 * score validation and test data, then deleted (on success, failure or Ctrl-C).
 *
 *   SAGEMAKER_ROLE_ARN=arn:aws:iam::123456789012:role/SessionSentrySageMaker \
 *   SAGEMAKER_BUCKET=my-sentry-bucket AWS_REGION=us-east-1 \
 *   npx tsx examples/sagemaker.ts [dataDir] [outDir]
 *
 * Needs AWS credentials from the standard chain and costs money: six ml.m5.xlarge training jobs
 * of a few minutes and six ml.t2.medium endpoints for a few minutes (see docs/sagemaker.md for the
 * IAM role, the bucket, costs and clean-up). In your own project import from 'sessionsentry' and
 * 'sessionsentry/sagemaker'.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  generateLogs,
  parseExperimentConfig,
  runPartialSessionExperiment,
  formatProgress,
  type ExperimentRunResult,
} from '../src/index.js';
import { SageMakerBackend, type SageMakerBackendOptions } from '../src/sagemaker/index.js';

/** Options of {@link main}. */
export interface SageMakerExampleOptions {
  /** IAM role ARN SageMaker assumes (S3 on the bucket, ECR pull, CloudWatch logs). */
  readonly role: string;
  /** S3 bucket for channels and artifacts. */
  readonly bucket: string;
  readonly region?: string;
  /** Folder of the user's files (generated there when absent). Default `.demo/data`. */
  readonly dataDir?: string;
  /** Where results go. Default `.demo/sagemaker`. */
  readonly outDir?: string;
  /** Scale of generated data. Default 1. */
  readonly scale?: number;
  /** Truncation jobs. Default the six of the user's experiment. */
  readonly jobs?: readonly string[];
  /** Boosting rounds. Default 50 (the seed notebook's). */
  readonly numRound?: number;
  /** Further backend settings: injected clients, poll delays, instance types, tags. */
  readonly backend?: Partial<SageMakerBackendOptions>;
  readonly log?: (line: string) => void;
}

/** Runs the experiment on SageMaker; resolves to its results (endpoints and models already deleted). */
export async function main(options: SageMakerExampleOptions): Promise<ExperimentRunResult> {
  const {
    role,
    bucket,
    region,
    dataDir = '.demo/data',
    outDir = '.demo/sagemaker',
    scale = 1,
    jobs,
    numRound = 50,
    log = console.log,
  } = options;
  if (!existsSync(path.join(dataDir, 'single.txt'))) {
    log(`generating synthetic logs in ${dataDir}`);
    generateLogs({ seed: 42, scale, outDir: dataDir });
  }
  const spec = parseExperimentConfig({
    name: 'sm-partial',
    data: { dir: dataDir },
    output: outDir,
    ...(jobs ? { truncations: [...jobs] } : {}),
    // The seed notebook's hyperparameters; tree_method stays `auto` (exact for this data), as SageMaker runs it.
    hyperparameters: { num_round: numRound },
    backend: { kind: 'sagemaker', role, bucket, ...(region ? { region } : {}) },
  });
  const backend = new SageMakerBackend({
    role,
    bucket,
    prefix: 'sessionsentry-example',
    tags: { project: 'sessionsentry', example: 'sagemaker' },
    ...(region ? { region } : {}),
    ...options.backend,
  });
  // Ctrl-C aborts the waits; the runner still deletes what it created.
  const abort = new AbortController();
  const onSigint = (): void => abort.abort();
  process.once('SIGINT', onSigint);
  try {
    const result = await runPartialSessionExperiment(spec, {
      backend,
      signal: abort.signal,
      onStage: (stage, detail) => log(`${stage}: ${detail}`),
      onProgress: (e) => log(formatProgress(e)),
    });
    for (const { rule, comparison } of result.comparisons) log(`\n${JSON.stringify(rule)}\n${comparison.toText()}`);
    log(`report: ${result.files.report}`);
    return result;
  } finally {
    process.off('SIGINT', onSigint);
    await backend.close?.();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const role = process.env.SAGEMAKER_ROLE_ARN;
  const bucket = process.env.SAGEMAKER_BUCKET;
  if (!role || !bucket) {
    console.error(
      'set SAGEMAKER_ROLE_ARN and SAGEMAKER_BUCKET (and AWS credentials and region); see docs/sagemaker.md',
    );
    process.exit(2);
  }
  await main({
    role,
    bucket,
    ...(process.env.AWS_REGION ? { region: process.env.AWS_REGION } : {}),
    ...(process.argv[2] ? { dataDir: process.argv[2] } : {}),
    ...(process.argv[3] ? { outDir: process.argv[3] } : {}),
  });
}
