import { SessionSentryError, describeValue } from '../errors.js';
import { IGNORED_PARAMS, TrainParamError, resolveTrainParams } from '../model/train-params.js';

/** One value a hyperparameter can take in a search: a number, its text, or a boolean. */
export type HyperparameterValue = number | string | boolean;

/**
 * A continuous or integer interval to draw a hyperparameter from. `scale: 'log'` draws uniformly in
 * `log(value)` (for `eta`, `lambda`, `alpha`: ranges that span decades) and needs `min > 0`.
 * `integer` rounds every draw to an integer; it is implied for integer hyperparameters (`max_depth`,
 * `num_round`, `max_bin`, `seed`) and may be set for others.
 */
export interface HyperparameterRange {
  /** Smallest value (inclusive). */
  readonly min: number;
  /** Largest value (inclusive). */
  readonly max: number;
  /** How draws spread between `min` and `max` (default `'linear'`). */
  readonly scale?: 'linear' | 'log';
  /** Draws are integers (default: true for integer hyperparameters, else false). */
  readonly integer?: boolean;
}

/** What a search may try for one hyperparameter: a list of values, or a range. */
export type HyperparameterDomain = readonly HyperparameterValue[] | HyperparameterRange;

/**
 * A hyperparameter search space: XGBoost hyperparameter name → the values to try. Lists are what a
 * grid search enumerates (SageMaker's categorical parameters); ranges are drawn from by a random search
 * (SageMaker's continuous and integer parameters). Hyperparameters not in the space keep the values
 * the caller's base hyperparameters give them.
 *
 * @example
 * ```ts
 * const space: SearchSpace = {
 *   max_depth: [3, 5, 7],
 *   eta: { min: 0.01, max: 0.3, scale: 'log' },
 *   min_child_weight: { min: 1, max: 10, integer: true },
 *   subsample: { min: 0.5, max: 1 },
 * };
 * ```
 */
export type SearchSpace = Readonly<Record<string, HyperparameterDomain>>;

/** One hyperparameter of a validated space, with every default filled in. */
export type SearchDimension =
  | {
      readonly kind: 'values';
      /** The hyperparameter's name, as the caller spelled it. */
      readonly name: string;
      /** The values to try, in the caller's order, each accepted by the trainer. */
      readonly values: readonly HyperparameterValue[];
    }
  | {
      readonly kind: 'range';
      /** The hyperparameter's name, as the caller spelled it. */
      readonly name: string;
      readonly min: number;
      readonly max: number;
      readonly scale: 'linear' | 'log';
      readonly integer: boolean;
    };

/**
 * A search space names a hyperparameter the trainer does not accept, a value it rejects, or a
 * malformed list or range. `hyperparameter` is the offending name; `cause` is the trainer's
 * {@link TrainParamError} when the trainer rejected a value.
 *
 * @example
 * ```ts
 * try { resolveSearchSpace({ max_depth: [3, 0] }); } catch (err) {
 *   if (err instanceof SearchSpaceError) console.error(err.hyperparameter, err.message);
 *   // max_depth  space.max_depth: 0 is not accepted by the trainer: max_depth: must be an integer in [1, 30], got 0
 * }
 * ```
 */
export class SearchSpaceError extends SessionSentryError {
  declare readonly code: 'ERR_SEARCH_SPACE';
  /** The hyperparameter the problem concerns (empty when it concerns the space as a whole). */
  readonly hyperparameter: string;

  constructor(where: string, hyperparameter: string, problem: string, options?: { cause?: unknown }) {
    super('ERR_SEARCH_SPACE', `${where}${hyperparameter === '' ? '' : `.${hyperparameter}`}: ${problem}`, options);
    this.hyperparameter = hyperparameter;
  }
}

/** Hyperparameters whose values are integers: a range over them draws integers. */
const INTEGER_HYPERPARAMETERS: ReadonlySet<string> = new Set([
  'num_round',
  'num_boost_round',
  'max_depth',
  'max_bin',
  'seed',
  'random_state',
]);

/** Names a search may not vary, with the reason. */
const NOT_SEARCHABLE: Readonly<Record<string, string>> = {
  objective: 'the objective is binary:logistic; it is not searched',
  eval_metric: "the metric comes from the search's objective, not the space",
  early_stopping_rounds:
    'early stopping is an option of the search (earlyStoppingRounds), not a hyperparameter to vary',
  csv_weights: 'csv_weights says how the data is stored, not how the model is trained',
};

/** Pairs of names for one hyperparameter; a space naming both is ambiguous. */
const ALIASES: readonly (readonly [string, string])[] = [
  ['num_round', 'num_boost_round'],
  ['eta', 'learning_rate'],
  ['gamma', 'min_split_loss'],
  ['lambda', 'reg_lambda'],
  ['alpha', 'reg_alpha'],
  ['seed', 'random_state'],
];

/**
 * Validates a search space and returns its dimensions in the space's key order, defaults filled in.
 * Every listed value, and both ends of every range, must be accepted by the trainer
 * ({@link resolveTrainParams}), so a search never starts a trial the trainer would reject; a range
 * is an interval, so its ends bound every draw. Checked as well: a list is non-empty without
 * repeats; a range has finite `min < max`, `min > 0` on a log scale, integer ends when integer; an
 * integer hyperparameter's range is not marked `integer: false`; a name is not given with its alias;
 * parameters that do not change the model (`nthread`…), the objective, `eval_metric`,
 * `early_stopping_rounds` and `csv_weights` are not searched.
 *
 * @param where Prefix of error messages (default `'space'`), e.g. `'tuneHyperparameters: space'`.
 * @throws SearchSpaceError naming the hyperparameter.
 * @example
 * ```ts
 * resolveSearchSpace({ max_depth: { min: 3, max: 8 }, eta: { min: 0.01, max: 0.3, scale: 'log' } });
 * // [ { kind: 'range', name: 'max_depth', min: 3, max: 8, scale: 'linear', integer: true },
 * //   { kind: 'range', name: 'eta', min: 0.01, max: 0.3, scale: 'log', integer: false } ]
 * resolveSearchSpace({ colsample_bytree: [0.5] }); // throws unless the trainer accepts colsample_bytree 0.5
 * ```
 */
export function resolveSearchSpace(space: SearchSpace, where = 'space'): readonly SearchDimension[] {
  if (space === null || typeof space !== 'object' || Array.isArray(space)) {
    throw new SearchSpaceError(
      where,
      '',
      `must be an object of hyperparameter → values or range, got ${describeValue(space)}`,
    );
  }
  const names = Object.keys(space);
  if (names.length === 0) throw new SearchSpaceError(where, '', 'must name at least one hyperparameter');
  for (const [a, b] of ALIASES) {
    if (names.includes(a) && names.includes(b)) {
      throw new SearchSpaceError(where, b, `is an alias of ${a}, which the space names too`);
    }
  }
  return names.map((name): SearchDimension => {
    const domain = space[name];
    const reason = NOT_SEARCHABLE[name];
    if (reason !== undefined) throw new SearchSpaceError(where, name, `cannot be searched: ${reason}`);
    if (IGNORED_PARAMS.includes(name)) {
      throw new SearchSpaceError(where, name, 'cannot be searched: it does not change the trained model');
    }
    const accept = (value: HyperparameterValue, what: string): void => {
      try {
        resolveTrainParams({ [name]: value });
      } catch (err) {
        if (!(err instanceof TrainParamError)) throw err;
        throw new SearchSpaceError(where, name, `${what} is not accepted by the trainer: ${err.message}`, {
          cause: err,
        });
      }
    };
    if (Array.isArray(domain)) {
      if (domain.length === 0) throw new SearchSpaceError(where, name, 'must list at least one value');
      const seen = new Set<string>();
      for (const value of domain as readonly unknown[]) {
        if (typeof value !== 'number' && typeof value !== 'string' && typeof value !== 'boolean') {
          throw new SearchSpaceError(
            where,
            name,
            `values must be numbers, strings or booleans, got ${describeValue(value)}`,
          );
        }
        const key = `${typeof value}:${String(value)}`;
        if (seen.has(key)) throw new SearchSpaceError(where, name, `lists ${describeValue(value)} twice`);
        seen.add(key);
        accept(value, describeValue(value));
      }
      return { kind: 'values', name, values: Object.freeze([...(domain as readonly HyperparameterValue[])]) };
    }
    if (domain === null || typeof domain !== 'object') {
      throw new SearchSpaceError(
        where,
        name,
        `must be a list of values or a range { min, max, scale?, integer? }, got ${describeValue(domain)}`,
      );
    }
    const range = domain as HyperparameterRange;
    for (const key of Object.keys(range)) {
      if (key !== 'min' && key !== 'max' && key !== 'scale' && key !== 'integer') {
        throw new SearchSpaceError(
          where,
          name,
          `a range has min, max, scale and integer; ${JSON.stringify(key)} is none of them`,
        );
      }
    }
    const { min, max, scale = 'linear' } = range;
    if (typeof min !== 'number' || !Number.isFinite(min)) {
      throw new SearchSpaceError(where, name, `min must be a finite number, got ${describeValue(min)}`);
    }
    if (typeof max !== 'number' || !Number.isFinite(max)) {
      throw new SearchSpaceError(where, name, `max must be a finite number, got ${describeValue(max)}`);
    }
    if (!(min < max)) {
      throw new SearchSpaceError(
        where,
        name,
        `min must be below max (a single value is a list of one), got ${min} and ${max}`,
      );
    }
    if (scale !== 'linear' && scale !== 'log') {
      throw new SearchSpaceError(where, name, `scale must be "linear" or "log", got ${describeValue(scale)}`);
    }
    if (scale === 'log' && !(min > 0)) {
      throw new SearchSpaceError(where, name, `a log scale needs min > 0, got ${min}`);
    }
    const integerParameter = INTEGER_HYPERPARAMETERS.has(name);
    if (range.integer !== undefined && typeof range.integer !== 'boolean') {
      throw new SearchSpaceError(where, name, `integer must be true or false, got ${describeValue(range.integer)}`);
    }
    if (integerParameter && range.integer === false) {
      throw new SearchSpaceError(where, name, 'takes integers only: its range cannot be integer: false');
    }
    const integer = range.integer ?? integerParameter;
    if (integer && (!Number.isInteger(min) || !Number.isInteger(max))) {
      throw new SearchSpaceError(where, name, `an integer range needs integer ends, got ${min} and ${max}`);
    }
    accept(min, `min ${min}`);
    accept(max, `max ${max}`);
    return { kind: 'range', name, min, max, scale, integer };
  });
}

/** One point of a search space: hyperparameter name → the value a trial uses. */
export type SearchPoint = Readonly<Record<string, HyperparameterValue>>;

/**
 * The hyperparameters of one trial: `base` with the point's values over it. A point's name replaces
 * the base's value under its alias too (a space searching `learning_rate` over base hyperparameters
 * holding `eta`), so the two never reach the trainer together.
 *
 * @example
 * ```ts
 * withSearchPoint({ eta: '0.2', max_depth: '5' }, { learning_rate: 0.05, max_depth: 3 });
 * // { max_depth: 3, learning_rate: 0.05 }
 * ```
 */
export function withSearchPoint(
  base: Readonly<Record<string, HyperparameterValue>>,
  point: SearchPoint,
): Record<string, HyperparameterValue> {
  const out: Record<string, HyperparameterValue> = { ...base };
  for (const name of Object.keys(point)) {
    for (const [a, b] of ALIASES) {
      if (name === a) delete out[b];
      if (name === b) delete out[a];
    }
  }
  return Object.assign(out, point);
}
