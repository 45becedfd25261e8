import { SessionSentryError } from '../errors.js';

/**
 * A metric or curve is not defined for the data given, e.g. a ROC curve when the labels hold only
 * one class. The message names the function and what is missing.
 *
 * @example
 * ```ts
 * try { rocCurve([0, 0, 0], [0.1, 0.2, 0.3]); }
 * catch (err) { if (err instanceof UndefinedMetricError) console.log(err.metric); } // 'rocCurve'
 * ```
 */
export class UndefinedMetricError extends SessionSentryError {
  declare readonly code: 'ERR_UNDEFINED_METRIC';
  /** The function or metric that is undefined. */
  readonly metric: string;

  constructor(metric: string, reason: string) {
    super('ERR_UNDEFINED_METRIC', `${metric}: undefined because ${reason}`);
    this.metric = metric;
  }
}
