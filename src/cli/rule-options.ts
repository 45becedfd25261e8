import type { OperatingRule } from '../eval/operating-point.js';
import { UsageError } from './cli-io.js';
import { numberOption, type CommandArgs, type CommandOptions } from './command.js';

/**
 * `--max-fpr`, `--threshold`, `--best-f1`: how to choose the operating point, for `util.parseArgs`.
 *
 * @example
 * ```ts
 * options: { test: { type: 'string' }, ...RULE_OPTIONS }
 * ```
 */
export const RULE_OPTIONS: CommandOptions = {
  'max-fpr': { type: 'string' },
  threshold: { type: 'string' },
  'best-f1': { type: 'boolean' },
};

/**
 * Help lines of {@link RULE_OPTIONS}.
 *
 * @example
 * ```ts
 * help: [['--test <file>', 'test scores'], ...RULE_HELP]
 * ```
 */
export const RULE_HELP: readonly (readonly [string, string])[] = [
  ['--max-fpr <x>', 'operating point: the highest recall with validation FPR ≤ x (default 0.05)'],
  ['--threshold <t>', 'operating point: a fixed score threshold'],
  ['--best-f1', 'operating point: the best F1 on validation data'],
];

/**
 * The operating rule of the options (at most one of them; default FPR ≤ 5%).
 *
 * @example
 * ```ts
 * ruleOption('evaluate', args); // { maxFalsePositiveRate: 0.005 } for --max-fpr 0.005
 * ```
 */
export function ruleOption(command: string, args: CommandArgs): OperatingRule {
  const given = ['max-fpr', 'threshold', 'best-f1'].filter((k) => args.values[k] !== undefined);
  if (given.length > 1)
    throw new UsageError(
      `${command}: give one of --max-fpr, --threshold, --best-f1, got ${given.map((g) => `--${g}`).join(' and ')}`,
    );
  if (args.values.threshold !== undefined)
    return { threshold: numberOption(command, args, 'threshold', 0.5, { min: 0, max: 1 }) };
  if (args.values['best-f1'] === true) return { bestF1: true };
  return { maxFalsePositiveRate: numberOption(command, args, 'max-fpr', 0.05, { min: 0, max: 1 }) };
}
