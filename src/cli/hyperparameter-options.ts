import { UsageError } from './cli-io.js';
import type { CommandArgs } from './command.js';

/**
 * Hyperparameters from repeated `--hp key=value` options (values stay strings, as SageMaker takes them).
 *
 * @example
 * ```ts
 * hyperparameterOptions('train', args); // { num_round: '20', tree_method: 'hist' } for --hp num_round=20 --hp tree_method=hist
 * ```
 */
export function hyperparameterOptions(command: string, args: CommandArgs): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of (args.values.hp as string[] | undefined) ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0 || eq === item.length - 1) throw new UsageError(`${command}: --hp must be key=value, got ${JSON.stringify(item)}`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}
