import { SessionSentryError } from '../errors.js';

/**
 * The sessions given to calibrate or measure a live policy cannot do it: no innocent sessions
 * (nothing bounds the false alerts) or no attacker sessions (nothing to maximise). The message
 * names the counts; a policy is never chosen silently at a threshold of 0 or 1.
 *
 * @example
 * ```ts
 * chooseAlertPolicy(innocentOnlyLog, { models, schema, maxFalseAlertsPer10k: 10 });
 * // CalibrationDataError: chooseAlertPolicy: the validation log has 0 attacker sessions and 4 210 innocent ones (expected at least one of each)
 * ```
 */
export class CalibrationDataError extends SessionSentryError {
  declare readonly code: 'ERR_CALIBRATION_DATA';
  readonly attackerSessions: number;
  readonly innocentSessions: number;

  constructor(where: string, what: string, attackerSessions: number, innocentSessions: number) {
    super(
      'ERR_CALIBRATION_DATA',
      `${where}: ${what} has ${attackerSessions} attacker sessions and ${innocentSessions} innocent ones ` +
        `(expected at least one of each)`,
    );
    this.attackerSessions = attackerSessions;
    this.innocentSessions = innocentSessions;
  }
}
