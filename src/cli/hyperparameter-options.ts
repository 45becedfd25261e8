import {
  resolveTrainParams,
  TrainParamError,
  IGNORED_PARAMS,
  DEFAULT_ONLY_PARAMS,
  TRAIN_PARAM_NAMES,
} from '../model/train-params.js';
import { earlyStoppingIgnored } from '../train/container-early-stopping.js';
import { SEED_HYPERPARAMETERS } from '../train/default-hyperparameters.js';
import { UsageError } from './cli-io.js';
import type { CommandArgs } from './command.js';
import { didYouMean } from './did-you-mean.js';

/** Names the trainer takes (resolveTrainParams's), for "did you mean". */
export const KNOWN_HYPERPARAMETERS: readonly string[] = [
  ...TRAIN_PARAM_NAMES,
  ...IGNORED_PARAMS,
  ...Object.keys(DEFAULT_ONLY_PARAMS),
];

/**
 * The hyperparameters of a training command: the documented defaults (the seed notebook's,
 * `SEED_HYPERPARAMETERS`: `max_depth 5, eta 0.2, gamma 4, min_child_weight 6, subsample 0.7,
 * objective binary:logistic, num_round 50`) with repeated `--hp key=value` merged over them
 * (values stay strings, as SageMaker takes them). Checked at once, before any file is read: a bad
 * value or an unknown name is a usage error, with the closest known name suggested.
 *
 * @throws UsageError (exit code 2).
 * @example
 * ```ts
 * hyperparameterOptions('train', args); // { ...SEED_HYPERPARAMETERS, num_round: '20', tree_method: 'hist' } for --hp num_round=20 --hp tree_method=hist
 * ```
 */
export function hyperparameterOptions(command: string, args: CommandArgs): Record<string, string> {
  const out: Record<string, string> = { ...SEED_HYPERPARAMETERS };
  for (const item of (args.values.hp as string[] | undefined) ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0 || eq === item.length - 1)
      throw new UsageError(`${command}: --hp must be key=value, got ${JSON.stringify(item)}`);
    out[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
  try {
    resolveTrainParams(out);
  } catch (err) {
    if (!(err instanceof TrainParamError)) throw err;
    const unknown = /no such parameter/.test(err.message);
    throw new UsageError(
      `${command}: --hp ${err.message}${unknown ? didYouMean(err.parameter, KNOWN_HYPERPARAMETERS) : ''}`,
      {
        cause: err,
      },
    );
  }
  const ignored = earlyStoppingIgnored(out, true);
  if (ignored !== undefined)
    throw new UsageError(
      `${command}: --hp ${ignored} (add --hp eval_metric=logloss, auc or error; the last one decides)`,
    );
  return out;
}
