import { SessionSentryError } from '../errors.js';

/**
 * An invocation the endpoint refuses, carrying the HTTP status the SageMaker XGBoost container
 * answers with: 415 unsupported or unparseable content, 406 unsupported `Accept`, 400 a payload
 * the model cannot score (more columns than features), 413 a body over the payload limit.
 *
 * @example
 * ```ts
 * try { parseCsvPayload('1,a'); } catch (err) {
 *   if (err instanceof InvocationError) console.log(err.status); // 415
 * }
 * ```
 */
export class InvocationError extends SessionSentryError {
  declare readonly code: 'ERR_INVOCATION';
  /** The HTTP status code to answer with. */
  readonly status: number;

  constructor(status: number, message: string, options?: { cause?: unknown }) {
    super('ERR_INVOCATION', message, options);
    this.status = status;
  }
}
