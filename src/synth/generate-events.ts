import { InvalidArgumentError } from '../errors.js';
import { createRandom } from '../random/random.js';
import type { AttackerStyle } from './attacker-profiles.js';
import { createCustomerDirectory, pickAccount, stealAccounts } from './customers.js';
import { HOURLY_TRAFFIC, arrivalSampler, attackerMix, parseStart, pickProfile, userMix } from './schedule.js';
import { SESSION_PROFILE_NAMES, SessionCounter, type SyntheticLog, SyntheticLogBuilder } from './synthetic-log.js';
import type { UserProfileName } from './user-profiles.js';

/** Options of {@link generateEvents}. */
export interface GenerateEventsOptions {
  /** Seed of all randomness; the same options give the same log. */
  readonly seed: number;
  /** Events to generate (sessions are added until reached). Default 256 000. Ignored when `sessions` is given. */
  readonly events?: number;
  /** Generate exactly this many sessions instead of an event count. */
  readonly sessions?: number;
  /**
   * Share of events that belong to attacker sessions. Default 0.24, the share in the user's
   * training files (the known attacker's ~62K events among ~256K).
   */
  readonly attackerEventShare?: number;
  /** Attacker styles and their weights. Default `{ 'stealthy-harvester': 0.85, 'bulk-harvester': 0.15 }`. */
  readonly attackerStyles?: Partial<Record<AttackerStyle, number>>;
  /** Innocent profiles and their weights. Default `USER_PROFILE_SHARES`. */
  readonly userProfiles?: Partial<Record<UserProfileName, number>>;
  /** Number of distinct attackers, each with its own stolen accounts. Default 5. */
  readonly attackers?: number;
  /** Start of the log: epoch ms or a UTC `'YYYY-MM-DD HH:MM:SS'`. Default `'2019-07-01 00:00:00'`. */
  readonly start?: number | string;
  /** Hours the sessions' starts spread over (traffic follows the hour of day). Default 24 × 7. */
  readonly hours?: number;
  /** Smallest `SessionNo` handed out. Default 10 000 000. */
  readonly firstSessionNo?: number;
  /** Number of customer organisations. Default 400. */
  readonly customers?: number;
}

/**
 * The attacker styles of the known attacker and of the attacks in the generated training files
 * (and of `generateEvents`): stealthy 85%, bulk 15%. The third style, `chapter-harvester`, is not
 * among them: `generateLogs` holds it out for the test day (see {@link DEFAULT_HELD_OUT_STYLES}).
 *
 * @example
 * ```ts
 * generateEvents({ seed: 1, attackerStyles: { ...DEFAULT_ATTACKER_STYLES, 'bulk-harvester': 0.5 } });
 * ```
 */
export const DEFAULT_ATTACKER_STYLES: Readonly<Partial<Record<AttackerStyle, number>>> = Object.freeze({
  'stealthy-harvester': 0.85,
  'bulk-harvester': 0.15,
});

/**
 * The attacker styles kept out of the training files by default: they appear only in the test
 * logs (`generateLogs`' test day, `generateTestWeek`), as a third of their attacker sessions, so
 * a test measures whether a model catches a style it never saw.
 *
 * @example
 * ```ts
 * generateLogs({ seed: 42 });                      // single.txt: ~a third of its attackers are chapter harvesters
 * generateLogs({ seed: 42, heldOutStyles: [] });   // every file from DEFAULT_ATTACKER_STYLES
 * ```
 */
export const DEFAULT_HELD_OUT_STYLES: readonly AttackerStyle[] = Object.freeze([
  'chapter-harvester',
] as AttackerStyle[]);

/**
 * Generates one log of a chosen size: innocent sessions of every `USER_PROFILES` kind and
 * attacker sessions of the `ATTACKER_PROFILES` styles, starting at random over `hours`
 * (busier in working hours), with their events interleaved in time as in a real log. Attacker
 * sessions are added whenever attacker events fall below `attackerEventShare` of all events, so
 * the share holds at any size. For tests and benchmarks that need a log of a given size; the
 * user's file set comes from {@link sessionsentry!generateLogs}.
 *
 * With the defaults (256K events) it has about 24K sessions and 37–38 distinct action codes, the
 * size of the user's flattening experiment.
 *
 * @example
 * ```ts
 * const log = generateEvents({ seed: 7 });             // ~256K events, ~24K sessions
 * const small = generateEvents({ seed: 7, sessions: 500, attackerEventShare: 0.1 });
 * const text = formatLogTsv(small);                     // the user's TSV schema
 * const eventLog = syntheticEventLog(log);              // or straight to an EventLog
 * ```
 */
export function generateEvents(options: GenerateEventsOptions): SyntheticLog {
  const where = 'generateEvents';
  const {
    seed,
    events = 256_000,
    sessions,
    attackerEventShare = 0.24,
    attackerStyles = DEFAULT_ATTACKER_STYLES,
    userProfiles,
    attackers = 5,
    start = '2019-07-01 00:00:00',
    hours = 24 * 7,
    firstSessionNo = 10_000_000,
    customers = 400,
  } = options;
  checkCount(where, 'events', events, 1);
  if (sessions !== undefined) checkCount(where, 'sessions', sessions, 1);
  checkCount(where, 'attackers', attackers, 1);
  checkCount(where, 'hours', hours, 1);
  checkCount(where, 'customers', customers, 1);
  checkCount(where, 'firstSessionNo', firstSessionNo, 0);
  if (!(attackerEventShare >= 0 && attackerEventShare < 1)) {
    throw new InvalidArgumentError(where, 'attackerEventShare', attackerEventShare, 'a number in [0, 1)');
  }
  const startMs = parseStart(where, 'start', start);
  const innocent = userMix(where, userProfiles);
  const attack = attackerMix(where, attackerStyles);
  const root = createRandom(seed);
  const directory = createCustomerDirectory(root.fork('customers'), customers);
  const rng = root.fork('events');
  const stolen = Array.from({ length: attackers }, (_, i) => stealAccounts(directory, root.fork(`attacker-${i}`), 4));
  const builder = new SyntheticLogBuilder(directory);
  const arrival = arrivalSampler(startMs, hours, HOURLY_TRAFFIC);
  const done = sessions !== undefined ? () => builder.sessionCount >= sessions : () => builder.eventCount >= events;
  while (!done()) {
    const at = arrival(rng);
    if (attackerEventShare > 0 && builder.attackerEvents < attackerEventShare * builder.eventCount) {
      const accounts = stolen[rng.int(0, attackers)]!;
      builder.addSession(rng, pickProfile(attack, rng), accounts[rng.int(0, accounts.length)]!, at);
    } else {
      const profile = pickProfile(innocent, rng);
      builder.addSession(rng, profile, pickAccount(directory, rng, SESSION_PROFILE_NAMES[profile] === 'admin'), at);
    }
  }
  return builder.build(new SessionCounter(firstSessionNo));
}

/** Throws unless `value` is an integer ≥ `min`. */
function checkCount(where: string, argument: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new InvalidArgumentError(where, argument, value, `an integer ≥ ${min}`);
  }
}
