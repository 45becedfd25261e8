import { InvalidArgumentError } from '../errors.js';
import { createRandom } from '../random/random.js';
import type { AttackerStyle } from './attacker-profiles.js';
import { createCustomerDirectory } from './customers.js';
import { DEFAULT_ATTACKER_STYLES, DEFAULT_HELD_OUT_STYLES } from './generate-events.js';
import { testTraffic } from './generate-logs.js';
import { parseStart, splitAttackerStyles, userMix } from './schedule.js';
import { SessionCounter, type SyntheticLog } from './synthetic-log.js';

/** Options of {@link generateTestWeek}. */
export interface GenerateTestWeekOptions {
  /** Seed of all randomness. With the seed of a `generateLogs` set, the week has the same customers. */
  readonly seed: number;
  /** Sessions in the week. Default 64 600 (~600K events). */
  readonly sessions?: number;
  /** Attacker sessions in the week. Default 70. */
  readonly attackers?: number;
  /**
   * Attacker styles and weights; the training styles are these minus the held-out ones. Default
   * `DEFAULT_ATTACKER_STYLES`.
   */
  readonly attackerStyles?: Partial<Record<AttackerStyle, number>>;
  /**
   * Styles absent from the training files (see `generateLogs`). Default `DEFAULT_HELD_OUT_STYLES`
   * (`['chapter-harvester']`).
   */
  readonly heldOutStyles?: readonly AttackerStyle[];
  /** Share of the attacker sessions of a held-out style: `round(share · attackers)`. Default 1/3 (23 of 70). */
  readonly heldOutShare?: number;
  /**
   * First day (UTC midnight of it): epoch ms or `'YYYY-MM-DD'`. Default `'2019-08-19'`, after every `generateLogs`
   * file.
   */
  readonly start?: number | string;
  /** Number of days. Default 7. */
  readonly days?: number;
}

/**
 * A realistic week of test traffic, the honest test of a detector trained on the `generateLogs`
 * training files: `sessions` sessions over `days` whole days (traffic following the hour of day,
 * as the test day `single.txt`), `attackers` of them attacker sessions at any hour, a third of those
 * (`heldOutShare`) of an attacker style the training files never hold (`heldOutStyles`). With the
 * defaults: 64,600 sessions, ~600K events, 70 attacker sessions of which 23 chapter harvesters,
 * 2019-08-19 to 2019-08-25. Deterministic by seed; the customers are those of `generateLogs` with
 * the same seed, and `SessionNo` values follow the same time-based counter (so they do not collide
 * with that set's). Takes a few seconds of one core; turn it into an `EventLog` with
 * `syntheticEventLog` or into the user's TSV with `formatLogTsv`.
 *
 * @example
 * ```ts
 * const { files } = generateLogs({ seed: 42 });
 * const week = syntheticEventLog(generateTestWeek({ seed: 42 }), 'week.txt');
 * week.sessionCount;  // 64 600
 * week.positiveCount; // 70
 * ```
 */
export function generateTestWeek(options: GenerateTestWeekOptions): SyntheticLog {
  const where = 'generateTestWeek';
  const {
    seed,
    sessions = 64_600,
    attackers = 70,
    attackerStyles = DEFAULT_ATTACKER_STYLES,
    heldOutStyles = DEFAULT_HELD_OUT_STYLES,
    heldOutShare = 1 / 3,
    start = '2019-08-19',
    days = 7,
  } = options;
  checkCount(where, 'days', days, 1);
  checkCount(where, 'attackers', attackers, 0);
  checkCount(where, 'sessions', sessions, Math.max(1, attackers));
  const startMs = parseStart(where, 'start', start);
  const root = createRandom(seed);
  const directory = createCustomerDirectory(root.fork('customers'), 400);
  const { training, heldOut } = splitAttackerStyles(where, attackerStyles, heldOutStyles, heldOutShare);
  const builder = testTraffic(
    root.fork('test-week'),
    { directory, innocent: userMix(where), attack: training, heldOut, heldOutShare },
    { start: startMs, days, sessions, attackers, accounts: 8 },
  );
  return builder.build(new SessionCounter(10_000_000));
}

function checkCount(where: string, argument: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min)
    throw new InvalidArgumentError(where, argument, value, `an integer ≥ ${min}`);
}
