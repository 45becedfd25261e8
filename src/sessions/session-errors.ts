import { SessionSentryError } from '../errors.js';

/**
 * A {@link SessionFlattener} was asked for features before it learned what it needs (its action
 * vocabulary, or the top-K bigrams when bigram features are on). Call `fit(trainingLog)` first, or
 * build it from a saved schema with `SessionFlattener.fromSchema`.
 *
 * @example
 * ```ts
 * const flattener = new SessionFlattener({ features: { bigrams: { topK: 20 } } });
 * flattener.flatten(log); // NotFittedError: SessionFlattener.flatten: … call fit(trainingLog) first
 * ```
 */
export class NotFittedError extends SessionSentryError {
  declare readonly code: 'ERR_NOT_FITTED';

  constructor(where: string, missing: string) {
    super(
      'ERR_NOT_FITTED',
      `${where}: the flattener has not learned ${missing} yet (expected fit(trainingLog) to be called first, or ` +
        `SessionFlattener.fromSchema(schema))`,
    );
  }
}

/**
 * Timing features were asked for on a log without timestamps (such as the HDFS log, which has no
 * time column). Turn them off with `features: { timing: false }`.
 *
 * @example
 * ```ts
 * new SessionFlattener({ vocabulary }).flatten(hdfsLog);
 * // MissingTimesError: SessionFlattener.flatten: the log has no event times …
 * ```
 */
export class MissingTimesError extends SessionSentryError {
  declare readonly code: 'ERR_NO_TIMES';

  constructor(where: string) {
    super(
      'ERR_NO_TIMES',
      `${where}: the log has no event times, so timing features cannot be computed (expected a log with a time ` +
        `column, or features: { timing: false })`,
    );
  }
}

/**
 * The events of a session are not in time order (or a time is not a number), so inter-event gaps
 * would be negative or NaN. Logs read by `readEventLog` are always sorted; this guards logs built
 * by hand. The message names the session, the position and both times.
 *
 * @example
 * ```ts
 * // EventOrderError: SessionFlattener.flatten: session "s7" event 3 is at 1561983296000 ms, before the previous event at 1561983297000 ms (expected finite times sorted within each session)
 * ```
 */
export class EventOrderError extends SessionSentryError {
  declare readonly code: 'ERR_EVENT_ORDER';
  readonly sessionId: string;

  constructor(where: string, sessionId: string, eventInSession: number, time: number, previous: number) {
    const problem = Number.isFinite(time)
      ? `is at ${time} ms, before the previous event at ${previous} ms`
      : `has the time ${time}`;
    super(
      'ERR_EVENT_ORDER',
      `${where}: session ${JSON.stringify(sessionId)} event ${eventInSession} ${problem} (expected finite times ` +
        `sorted within each session)`,
    );
    this.sessionId = sessionId;
  }
}

/**
 * A serialised feature schema (or action vocabulary) is not valid: wrong version, a missing or
 * mistyped field, or feature names that do not match what the schema's settings produce. The
 * message names the field, the value and what was expected.
 *
 * @example
 * ```ts
 * SessionFlattener.fromSchema({ ...schema, version: 9 });
 * // FeatureSchemaError: feature schema: version must be 1, got 9
 * ```
 */
export class FeatureSchemaError extends SessionSentryError {
  declare readonly code: 'ERR_FEATURE_SCHEMA';
  readonly field: string;

  constructor(field: string, message: string) {
    super('ERR_FEATURE_SCHEMA', `feature schema: ${field} ${message}`);
    this.field = field;
  }
}
