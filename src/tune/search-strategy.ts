import { InvalidArgumentError } from '../errors.js';
import { createRandom } from '../random/random.js';
import type { HyperparameterValue, SearchDimension, SearchPoint } from './search-space.js';

/** How a search picks its trials: every combination of the listed values, or seeded random draws. */
export type SearchStrategy = 'grid' | 'random';

/**
 * Every combination of a space's listed values, the last hyperparameter varying fastest (as
 * scikit-learn's `ParameterGrid` over an ordered mapping). A grid needs lists: a range has no
 * finite set of points (SageMaker's grid search likewise takes categorical parameters only).
 *
 * @throws InvalidArgumentError naming the hyperparameter given as a range.
 * @example
 * ```ts
 * gridPoints(resolveSearchSpace({ max_depth: [3, 5], eta: [0.1, 0.3] }));
 * // [{ max_depth: 3, eta: 0.1 }, { max_depth: 3, eta: 0.3 }, { max_depth: 5, eta: 0.1 }, { max_depth: 5, eta: 0.3 }]
 * ```
 */
export function gridPoints(dimensions: readonly SearchDimension[], where = 'gridPoints'): SearchPoint[] {
  let points: Record<string, HyperparameterValue>[] = [{}];
  for (const dim of dimensions) {
    if (dim.kind !== 'values') {
      throw new InvalidArgumentError(
        where,
        `space.${dim.name}`,
        dim,
        "a list of values for strategy 'grid' (ranges are drawn from by strategy 'random')",
      );
    }
    points = points.flatMap((p) => dim.values.map((v) => ({ ...p, [dim.name]: v })));
  }
  return points;
}

/**
 * `trials` points drawn from a space with the library's seeded generator (the same seed gives the
 * same points): a list's value uniformly; a linear range uniformly in `[min, max]`, a log range
 * uniformly in `[log min, log max]`; an integer range uniformly over its integers (log: the draw
 * rounded). Continuous draws keep 6 significant digits, so trial tables and SageMaker strings stay
 * readable.
 *
 * @example
 * ```ts
 * randomPoints(resolveSearchSpace({ eta: { min: 0.01, max: 0.3, scale: 'log' }, max_depth: [3, 5, 7] }), 20, 1);
 * ```
 */
export function randomPoints(dimensions: readonly SearchDimension[], trials: number, seed: number): SearchPoint[] {
  const rng = createRandom(seed);
  const points: SearchPoint[] = [];
  for (let t = 0; t < trials; t++) {
    const point: Record<string, HyperparameterValue> = {};
    for (const dim of dimensions) {
      if (dim.kind === 'values') {
        point[dim.name] = rng.choice(dim.values);
        continue;
      }
      const { min, max, scale, integer } = dim;
      const u = rng.next();
      let value: number;
      if (scale === 'log') {
        value = Math.exp(Math.log(min) + u * (Math.log(max) - Math.log(min)));
        if (integer) value = Math.min(max, Math.max(min, Math.round(value)));
      } else if (integer) value = min + Math.floor(u * (max - min + 1));
      else value = min + u * (max - min);
      point[dim.name] = integer ? value : Math.min(max, Math.max(min, Number(value.toPrecision(6))));
    }
    points.push(point);
  }
  return points;
}
