import { describe, expect, it } from 'vitest';
import { SessionSentryError } from '../../src/errors.js';
import { TrainParamError } from '../../src/model/train-params.js';
import { type SearchSpace, SearchSpaceError, resolveSearchSpace } from '../../src/tune/search-space.js';

function errorOf(space: unknown): SearchSpaceError {
  try {
    resolveSearchSpace(space as SearchSpace);
  } catch (err) {
    if (err instanceof SearchSpaceError) return err;
    throw err;
  }
  throw new Error('expected a SearchSpaceError');
}

describe('resolveSearchSpace', () => {
  it('returns one dimension per hyperparameter in key order, lists as values and ranges with defaults filled', () => {
    expect(
      resolveSearchSpace({
        max_depth: [3, 5, 7],
        eta: { min: 0.01, max: 0.3, scale: 'log' },
        min_child_weight: { min: 1, max: 10, integer: true },
        subsample: { min: 0.5, max: 1 },
        tree_method: ['exact', 'hist'],
      }),
    ).toEqual([
      { kind: 'values', name: 'max_depth', values: [3, 5, 7] },
      { kind: 'range', name: 'eta', min: 0.01, max: 0.3, scale: 'log', integer: false },
      { kind: 'range', name: 'min_child_weight', min: 1, max: 10, scale: 'linear', integer: true },
      { kind: 'range', name: 'subsample', min: 0.5, max: 1, scale: 'linear', integer: false },
      { kind: 'values', name: 'tree_method', values: ['exact', 'hist'] },
    ]);
  });

  it('treats a range over an integer hyperparameter (max_depth, num_round, max_bin, seed) as integer', () => {
    for (const name of ['max_depth', 'num_round', 'max_bin', 'seed']) {
      const [dim] = resolveSearchSpace({ [name]: { min: 2, max: 8 } });
      expect(dim, name).toMatchObject({ kind: 'range', integer: true });
    }
  });

  it('accepts values the trainer accepts as text, as SageMaker passes them', () => {
    expect(resolveSearchSpace({ eta: ['0.1', '0.3'] })).toEqual([
      { kind: 'values', name: 'eta', values: ['0.1', '0.3'] },
    ]);
  });

  it("rejects a listed value the trainer rejects, naming the hyperparameter, with the trainer's error as cause", () => {
    const err = errorOf({ max_depth: [3, 0] });
    expect(err.hyperparameter).toBe('max_depth');
    expect(err.code).toBe('ERR_SEARCH_SPACE');
    expect(err).toBeInstanceOf(SessionSentryError);
    expect(err.cause).toBeInstanceOf(TrainParamError);
    expect(err.message).toBe(
      'space.max_depth: 0 is not accepted by the trainer: max_depth: must be an integer in [1, 30], got 0',
    );
  });

  it('rejects a range whose end the trainer rejects (subsample must be in (0, 1])', () => {
    const err = errorOf({ subsample: { min: 0, max: 1 } });
    expect(err.hyperparameter).toBe('subsample');
    expect(err.message).toContain('min 0 is not accepted by the trainer');
    expect(errorOf({ subsample: { min: 0.5, max: 1.5 } }).message).toContain('max 1.5 is not accepted');
  });

  it('rejects an unknown hyperparameter by name (a typo never passes silently)', () => {
    const err = errorOf({ max_dept: [3, 4] });
    expect(err.hyperparameter).toBe('max_dept');
    expect(err.message).toContain('no such parameter');
  });

  it('rejects names a search must not vary: the objective, eval_metric, early_stopping_rounds, csv_weights, nthread', () => {
    for (const name of ['objective', 'eval_metric', 'early_stopping_rounds', 'csv_weights', 'nthread']) {
      const err = errorOf({ [name]: ['1'] });
      expect(err.hyperparameter, name).toBe(name);
      expect(err.message, name).toContain('cannot be searched');
    }
  });

  it('rejects a name given together with its alias (eta and learning_rate)', () => {
    const err = errorOf({ eta: [0.1], learning_rate: [0.2] });
    expect(err.hyperparameter).toBe('learning_rate');
    expect(err.message).toBe('space.learning_rate: is an alias of eta, which the space names too');
  });

  it.each([
    ['an empty space', {}, '', 'must name at least one hyperparameter'],
    ['an empty list', { eta: [] }, 'eta', 'must list at least one value'],
    ['a repeated value', { max_depth: [3, 3] }, 'max_depth', 'lists 3 twice'],
    ['a value of the wrong type', { max_depth: [null] }, 'max_depth', 'values must be numbers, strings or booleans'],
    ['a range with min above max', { eta: { min: 0.3, max: 0.1 } }, 'eta', 'min must be below max'],
    ['a range with equal ends', { eta: { min: 0.3, max: 0.3 } }, 'eta', 'min must be below max'],
    ['a non-finite end', { gamma: { min: 0, max: Number.POSITIVE_INFINITY } }, 'gamma', 'max must be a finite number'],
    ['a missing end', { gamma: { max: 2 } }, 'gamma', 'min must be a finite number'],
    ['a log scale from 0', { alpha: { min: 0, max: 1, scale: 'log' } }, 'alpha', 'a log scale needs min > 0'],
    ['an unknown scale', { alpha: { min: 0, max: 1, scale: 'exp' } }, 'alpha', 'scale must be "linear" or "log"'],
    ['an unknown range key', { alpha: { min: 0, max: 1, step: 0.1 } }, 'alpha', '"step" is none of them'],
    [
      'integer: false on max_depth',
      { max_depth: { min: 2, max: 6, integer: false } },
      'max_depth',
      'takes integers only',
    ],
    ['fractional ends of an integer range', { max_depth: { min: 2.5, max: 6 } }, 'max_depth', 'needs integer ends'],
    ['a scalar instead of a list or range', { eta: 0.1 }, 'eta', 'must be a list of values or a range'],
  ])('rejects %s, naming the hyperparameter', (_title, space, name, text) => {
    const err = errorOf(space);
    expect(err.hyperparameter).toBe(name);
    expect(err.message).toContain(text);
  });

  it('prefixes messages with the caller it is given', () => {
    expect(() => resolveSearchSpace({ max_depth: [0] }, 'tuneHyperparameters: space')).toThrow(
      /^tuneHyperparameters: space\.max_depth: /,
    );
  });
});
