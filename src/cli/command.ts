import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { CliIO } from './cli-io.js';
import { UsageError } from './cli-io.js';
import { didYouMean } from './did-you-mean.js';

/** Options of a command, as `util.parseArgs` takes them. */
export type CommandOptions = NonNullable<ParseArgsConfig['options']>;

/** Parsed arguments of a command. */
export interface CommandArgs {
  readonly values: Readonly<Record<string, string | boolean | string[] | boolean[] | undefined>>;
  readonly positionals: readonly string[];
}

/** One `sessionsentry` subcommand: its name, help and how it runs. */
export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The usage line, e.g. `sessionsentry score --model <dir> <log>`. */
  readonly usage: string;
  /** Option descriptions for `--help`, `[flag, text]` pairs in order. */
  readonly help: readonly (readonly [string, string])[];
  readonly options: CommandOptions;
  /** Most positional arguments accepted (default 0). */
  readonly maxPositionals?: number;
  /** Runs the command; resolves to an exit code. */
  run(args: CommandArgs, io: CliIO): Promise<number>;
}

/**
 * Parses a command's arguments strictly with `util.parseArgs`; an unknown option, a missing value
 * or too many positionals is a {@link UsageError}.
 *
 * @example
 * ```ts
 * const args = parseCommandArgs(scoreCommand, ['--model', 'out/models/drop0', 'single.txt']);
 * ```
 */
export function parseCommandArgs(command: Command, argv: readonly string[]): CommandArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // parseArgs's own words suggest `--` for positionals; name the option and the closest real one instead.
    const unknown = /^Unknown option '(-{1,2}[^']+)'/.exec(message);
    if (unknown) {
      const flags = [...Object.keys(command.options).map((o) => `--${o}`), '--help'];
      throw new UsageError(`${command.name}: unknown option ${unknown[1]}${didYouMean(unknown[1]!, flags, (m) => m)}`, {
        cause: err,
      });
    }
    throw new UsageError(`${command.name}: ${message}`, { cause: err });
  }
  const max = command.maxPositionals ?? 0;
  if (parsed.positionals.length > max)
    throw new UsageError(`${command.name}: unexpected argument ${JSON.stringify(parsed.positionals[max])}`);
  return { values: parsed.values, positionals: parsed.positionals };
}

/**
 * The `--help` text of a command.
 *
 * @example
 * ```ts
 * process.stdout.write(commandHelp(demoCommand));
 * ```
 */
export function commandHelp(command: Command): string {
  const width = Math.max(...command.help.map(([flag]) => flag.length), 10);
  const lines = [`Usage: ${command.usage}`, '', command.summary, ''];
  if (command.help.length > 0) {
    lines.push('Options:');
    for (const [flag, text] of command.help) lines.push(`  ${flag.padEnd(width)}  ${text}`);
  }
  lines.push(`  ${'-h, --help'.padEnd(width)}  show this help`);
  return `${lines.join('\n')}\n`;
}

/**
 * A string option's value, or the fallback.
 *
 * @example
 * ```ts
 * stringOption(args, 'out', 'data'); // 'data' when --out is absent
 * ```
 */
export function stringOption(args: CommandArgs, name: string, fallback?: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : fallback;
}

/**
 * A string option that must be given; its absence is a {@link UsageError} (exit code 2).
 *
 * @example
 * ```ts
 * const out = requiredOption('split', args, 'out'); // UsageError "split: --out is required" when absent
 * ```
 */
export function requiredOption(command: string, args: CommandArgs, name: string): string {
  const v = args.values[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`${command}: --${name} is required`);
  return v;
}

/**
 * A numeric option's value (checked), or the fallback.
 *
 * @example
 * ```ts
 * numberOption('generate', args, 'scale', 1, { min: 0.001, max: 100 });
 * ```
 */
export function numberOption(
  command: string,
  args: CommandArgs,
  name: string,
  fallback: number,
  range: { min?: number; max?: number; integer?: boolean } = {},
): number {
  const v = args.values[name];
  if (v === undefined) return fallback;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  const { min = -Infinity, max = Infinity, integer = false } = range;
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new UsageError(
      `${command}: --${name} must be ` +
        `${integer ? 'an integer' : 'a number'}${Number.isFinite(min) ? ` ≥ ${min}` : ''}${Number.isFinite(max) ? ` and ≤ ${max}` : ''}, got ${JSON.stringify(v)}`,
    );
  }
  return n;
}
