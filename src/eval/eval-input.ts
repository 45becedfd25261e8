import { InvalidArgumentError } from '../errors.js';

/**
 * Checks that `labels` holds only 0 and 1 and returns them as a `Uint8Array` (the input itself
 * when it already is one). The error names the index and value of the first bad label.
 *
 * @example
 * ```ts
 * binaryLabels('rocCurve', [0, 1, 1]); // Uint8Array [0, 1, 1]
 * binaryLabels('rocCurve', [0, 2]);    // throws: rocCurve: labels[1] must be 0 or 1, got 2
 * ```
 */
export function binaryLabels(where: string, labels: ArrayLike<number>, argument = 'labels'): Uint8Array {
  if (labels === null || typeof labels !== 'object' || typeof labels.length !== 'number') {
    throw new InvalidArgumentError(where, argument, labels, 'an array of 0/1 labels');
  }
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (v !== 0 && v !== 1) throw new InvalidArgumentError(where, `${argument}[${i}]`, v, '0 or 1');
  }
  return labels instanceof Uint8Array ? labels : Uint8Array.from(labels);
}

/**
 * Checks that `scores` has one finite number per label (NaN and infinities are rejected, as
 * scikit-learn does) and returns it unchanged.
 *
 * @example
 * ```ts
 * finiteScores('rocCurve', [0.2, 0.9], 2); // [0.2, 0.9]
 * ```
 */
export function finiteScores(
  where: string,
  scores: ArrayLike<number>,
  length: number,
  argument = 'scores',
): ArrayLike<number> {
  if (scores === null || typeof scores !== 'object' || typeof scores.length !== 'number') {
    throw new InvalidArgumentError(where, argument, scores, 'an array of numbers');
  }
  if (scores.length !== length)
    throw new InvalidArgumentError(where, `${argument}.length`, scores.length, `${length} (one per label)`);
  for (let i = 0; i < scores.length; i++) {
    const v = scores[i];
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new InvalidArgumentError(where, `${argument}[${i}]`, v, 'a finite number');
  }
  return scores;
}
