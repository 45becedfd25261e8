import { existsSync } from 'node:fs';
import { isS3Uri, resolveLocation } from '../../events/s3-uri.js';
import path from 'node:path';
import { readExperimentConfig } from '../../experiment/experiment-config.js';
import type { ExperimentSpec } from '../../experiment/experiment-spec.js';
import { runPartialSessionExperiment } from '../../experiment/partial-session-experiment.js';
import type { ProductionVariantInstanceType, TrainingInstanceType } from '@aws-sdk/client-sagemaker';
import type { Backend } from '../../train/backend.js';
import { interruptible } from '../interruptible.js';
import { EXIT, type CliIO } from '../cli-io.js';
import { stringOption, type Command } from '../command.js';
import { UsageError } from '../cli-io.js';
import { printExperiment } from '../print-experiment.js';
import { ProgressDisplay } from '../progress-display.js';

/**
 * `sessionsentry run <experiment.yaml|json>`: runs an experiment described in one file (see
 * `parseExperimentConfig` for its keys) on the backend it names, prints the tables and writes the
 * report.
 *
 * @example
 * ```sh
 * sessionsentry run experiments/partial-sessions.yaml
 * sessionsentry run experiment.json --out results
 * ```
 */
export const runCommand: Command = {
  name: 'run',
  summary:
    'Run an experiment described in one JSON or YAML file (data, schema, truncations, features, hyperparameters, backend, operating points).',
  usage: 'sessionsentry run <experiment.yaml|json> [--out <folder>]',
  help: [
    [
      '--out <folder>',
      "write results here instead of the file's `output` (created; Ctrl-C removes what the run created), or under an S3 prefix s3://bucket/prefix/",
    ],
    ['--output <folder>', 'the same as --out (older spelling)'],
  ],
  options: { out: { type: 'string' }, output: { type: 'string' } },
  maxPositionals: 1,
  async run(args, io) {
    const file = args.positionals[0];
    if (file === undefined) throw new UsageError('run: the experiment file is required');
    let spec = await readExperimentConfig(path.resolve(io.cwd, file));
    if (args.values.out !== undefined && args.values.output !== undefined)
      throw new UsageError('run: give --out once (--output is its older spelling)');
    const output = stringOption(args, 'out') ?? stringOption(args, 'output');
    if (output !== undefined) spec = { ...spec, outDir: resolveLocation(io.cwd, output) };
    const backend = await backendFor(spec, io);
    const display = new ProgressDisplay(io, spec.jobs.length);
    let result;
    try {
      result = await interruptible(
        io,
        (signal) =>
          runPartialSessionExperiment(spec, {
            onStage: display.stage,
            onProgress: display.progress,
            signal,
            ...(backend ? { backend } : {}),
          }),
        // Outputs for S3 are written to a temporary folder the run removes itself.
        { creates: isS3Uri(spec.outDir) ? [] : createdBy(spec.outDir).filter((p) => !existsSync(p)) },
      );
    } finally {
      display.done();
      await backend?.close?.();
    }
    printExperiment(result, io);
    return result.failed.length > 0 ? EXIT.failure : EXIT.ok;
  },
};

/**
 * The SageMaker backend of a spec (its module loaded only when asked for), or `undefined` for the
 * local backend, which the experiment runner creates itself.
 *
 * @example
 * ```ts
 * const backend = await backendFor(spec, io); // a SageMakerBackend for backend: { kind: sagemaker, role, bucket }
 * ```
 */
export async function backendFor(spec: ExperimentSpec, io: CliIO): Promise<Backend | undefined> {
  if (spec.backend.kind === 'local') return undefined;
  const { SageMakerBackend } = await import('../../sagemaker/index.js');
  const b = spec.backend;
  io.stderr.write(`SageMaker backend: bucket ${b.bucket}, role ${b.role}${b.region ? `, region ${b.region}` : ''}\n`);
  return new SageMakerBackend({
    role: b.role,
    bucket: b.bucket,
    // The training jobs' CloudWatch log lines on the progress display, as the SageMaker Python SDK shows them.
    logs: true,
    ...(b.region !== undefined ? { region: b.region } : {}),
    ...(b.prefix !== undefined ? { prefix: b.prefix } : {}),
    ...(b.instanceType !== undefined ? { instanceType: b.instanceType as TrainingInstanceType } : {}),
    ...(b.endpointInstanceType !== undefined
      ? { endpointInstanceType: b.endpointInstanceType as ProductionVariantInstanceType }
      : {}),
  });
}

/**
 * The paths an experiment creates under its output folder (the folder itself when new), which
 * Ctrl-C removes when they were not there before.
 *
 * @example
 * ```ts
 * createdBy('.demo/out'); // ['.demo/out', '.demo/out/csv', '.demo/out/models', …]
 * ```
 */
export function createdBy(outDir: string): string[] {
  return [outDir, ...['csv', 'models', 'scores', 'report.html', 'summary.json'].map((f) => path.join(outDir, f))];
}
