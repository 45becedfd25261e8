import { SessionSentryError } from '../errors.js';

/**
 * A live event cannot be scored: a field is missing or has a value of the wrong kind (a session id
 * that is not a string or number, a time that is neither epoch milliseconds nor a parseable
 * timestamp, an empty action). The message names the field, the value and what was expected, and
 * for the event service the line of the request body (`line`, from 1).
 *
 * @example
 * ```ts
 * scorer.push({ session: 's1', time: 'yesterday', action: '111' });
 * // LiveEventError: LiveScorer.push: event field time must be epoch milliseconds or a timestamp like "2019-07-01 12:34:56.789", got "yesterday"
 * ```
 */
export class LiveEventError extends SessionSentryError {
  declare readonly code: 'ERR_LIVE_EVENT';
  /** The event field at fault (`session`, `time`, `action`, or the log schema's name). */
  readonly field: string;
  /** Line of the request body (1-based), when the event came from one. */
  readonly line: number | undefined;

  constructor(where: string, field: string, value: unknown, expected: string, line?: number) {
    const at = line === undefined ? '' : ` line ${line}:`;
    super('ERR_LIVE_EVENT', `${where}:${at} event field ${field} must be ${expected}, got ${describe(value)}`);
    this.field = field;
    this.line = line;
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  const text =
    typeof value === 'string'
      ? JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)
      : (JSON.stringify(value) ?? String(value));
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}
