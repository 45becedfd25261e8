import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SEED_LOG_SCHEMA, validateSchema, type LogSchema } from '../events/log-schema.js';
import { standardJobs } from '../sessions/job-grid.js';
import type { Truncation } from '../sessions/truncation.js';
import { UsageError, type CliIO } from './cli-io.js';
import { stringOption, type CommandArgs } from './command.js';

/**
 * The help line of the `<log...>` arguments of the commands that read logs: files (gzip read too),
 * S3 objects and S3 prefixes.
 *
 * @example
 * ```ts
 * help: [LOG_SOURCE_HELP, ['--out <file>', 'where the CSV goes']]
 * ```
 */
export const LOG_SOURCE_HELP: readonly [string, string] = [
  '<log...>',
  'log files (gzip read too), S3 objects s3://bucket/key or every object under s3://bucket/prefix/ (region, credentials and AWS_ENDPOINT_URL_S3 from the AWS environment)',
];

/**
 * The `--log-schema` and `--truncation` help lines shared by the commands that read logs.
 *
 * @example
 * ```ts
 * help: [['--out <file>', 'where the CSV goes'], ...LOG_OPTION_HELP]
 * ```
 */
export const LOG_OPTION_HELP: readonly (readonly [string, string])[] = [
  [
    '--log-schema <json|file>',
    'column mapping, e.g. \'{"session":"BlockId","action":"EventId","label":"Label","order":"seq"}\' (default: SessionNo LogTime … Act BadActor)',
  ],
  [
    '--truncation <job>',
    'cut every session like a standard job first (drop0, drop20, first5, first10, last5, last10, …; default none)',
  ],
];

/**
 * The log schema of `--log-schema` (inline JSON or a JSON file), or the product's schema.
 *
 * @example
 * ```ts
 * logSchemaOption('flatten', args, io); // SEED_LOG_SCHEMA when the option is absent
 * ```
 */
export function logSchemaOption(command: string, args: CommandArgs, io: CliIO): LogSchema {
  const value = stringOption(args, 'log-schema');
  if (value === undefined) return SEED_LOG_SCHEMA;
  let text = value;
  if (!value.trimStart().startsWith('{')) {
    const file = path.resolve(io.cwd, value);
    if (!existsSync(file))
      throw new UsageError(`${command}: --log-schema must be JSON or a JSON file, got ${JSON.stringify(value)}`);
    text = readFileSync(file, 'utf8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UsageError(
      `${command}: --log-schema is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
  return validateSchema(parsed as LogSchema, `${command} --log-schema`);
}

/**
 * The truncation of `--truncation <standard job name>`, or none.
 *
 * @example
 * ```ts
 * truncationOption('score', args); // { kind: 'firstN', n: 10 } for --truncation first10
 * ```
 */
export function truncationOption(command: string, args: CommandArgs): Truncation {
  const name = stringOption(args, 'truncation');
  if (name === undefined) return { kind: 'none' };
  const job = standardJobs().find((j) => j.name === name);
  if (job === undefined)
    throw new UsageError(
      `${command}: --truncation must be one of ${standardJobs()
        .map((j) => j.name)
        .join(', ')}, got ${JSON.stringify(name)}`,
    );
  return job.truncation;
}

/**
 * Log-reading options (`--log-schema`, `--truncation`) of the commands that read logs, for `util.parseArgs`.
 *
 * @example
 * ```ts
 * options: { out: { type: 'string' }, ...LOG_OPTIONS }
 * ```
 */
export const LOG_OPTIONS = { 'log-schema': { type: 'string' }, truncation: { type: 'string' } } as const;
