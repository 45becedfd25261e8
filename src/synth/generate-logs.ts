import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import { type Random, createRandom } from '../random/random.js';
import { type CustomerDirectory, createCustomerDirectory, pickAccount, stealAccounts } from './customers.js';
import type { AttackerStyle } from './attacker-profiles.js';
import { DEFAULT_ATTACKER_STYLES, DEFAULT_HELD_OUT_STYLES } from './generate-events.js';
import {
  HOURLY_TRAFFIC,
  type ProfileMix,
  arrivalSampler,
  pickProfile,
  splitAttackerStyles,
  userMix,
} from './schedule.js';
import {
  SESSION_PROFILE_NAMES,
  SessionCounter,
  type SyntheticLog,
  SyntheticLogBuilder,
  formatLogTime,
  formatLogTsvBytes,
} from './synthetic-log.js';

/**
 * The files of the user's set, in the order they are generated (chronological).
 *
 * @example
 * ```ts
 * const logs = await generateLogs({ seed: 42 });
 * for (const name of LOG_FILE_NAMES) console.log(name, logs.files[name].summary.sessions);
 * ```
 */
export const LOG_FILE_NAMES = [
  'known-attacker.txt',
  'mixed-1.txt',
  'mixed-2.txt',
  'mixed-3.txt',
  'single.txt',
] as const;

/** One file name of the user's set. */
export type LogFileName = (typeof LOG_FILE_NAMES)[number];

/** Options of {@link generateLogs}. */
export interface GenerateLogsOptions {
  /** Seed of all randomness: the same seed and scale give byte-identical files. */
  readonly seed: number;
  /** Multiplies every size (events, sessions, attack budgets; at least one attacker session stays). Default 1. */
  readonly scale?: number;
  /** When given, the files are also written to this folder (created if needed). */
  readonly outDir?: string;
  /**
   * Attacker styles and their weights. Default `DEFAULT_ATTACKER_STYLES` (stealthy 85%,
   * bulk 15%). The training files use them minus the held-out styles.
   */
  readonly attackerStyles?: Partial<Record<AttackerStyle, number>>;
  /**
   * Styles kept out of the training files (known-attacker and mixed): they appear only in the test
   * day, as `heldOutShare` of its attacker sessions (equal weights among them). Default
   * {@link DEFAULT_HELD_OUT_STYLES} (`['chapter-harvester']`), so the test day measures how a model
   * does on an attacker style it never saw. `[]` gives a test day of the training styles only.
   */
  readonly heldOutStyles?: readonly AttackerStyle[];
  /**
   * Share of the test day's attacker sessions drawn from the held-out styles: `round(share ·
   * attackers)` of them (3 of 10 at scale 1). Default 1/3. Ignored without held-out styles.
   */
  readonly heldOutShare?: number;
}

/** Counts of one generated file. */
export interface LogFileSummary {
  readonly name: LogFileName;
  readonly events: number;
  readonly sessions: number;
  readonly attackerEvents: number;
  readonly attackerSessions: number;
  /** Attacker sessions per attacker style, e.g. `{ 'stealthy-harvester': 6, 'chapter-harvester': 3 }`. */
  readonly attackerSessionsByStyle: Readonly<Partial<Record<AttackerStyle, number>>>;
  /** Attacker sessions of a style held out of the training files (0 in the training files). */
  readonly heldOutAttackerSessions: number;
  /** `LogTime` of the first and last event. */
  readonly firstTime: string;
  readonly lastTime: string;
}

/** One generated file: its text, its columns, its counts, and its path when written. */
export interface GeneratedLogFile {
  readonly name: LogFileName;
  /** The TSV text, header included, `\n` line ends. */
  readonly text: string;
  /** The same log in columns (see {@link "sessionsentry/synth"!syntheticEventLog} for an EventLog). */
  readonly log: SyntheticLog;
  readonly summary: LogFileSummary;
  /** Where the file was written, when `outDir` was given. */
  readonly path: string | undefined;
}

/** What {@link generateLogs} returns. */
export interface GeneratedLogs {
  /** The files by name. */
  readonly files: Readonly<Record<LogFileName, GeneratedLogFile>>;
  /** One summary per file, in `LOG_FILE_NAMES` order. */
  readonly summary: readonly LogFileSummary[];
}

/**
 * Generates the user's set of log files, synthetic but shaped like the private originals, in the
 * exact TSV schema `SessionNo LogTime CustID GroupID ProfID Act BadActor` (times in UTC,
 * `2019-07-01 12:34:56.789`, events sorted by time with sessions interleaved):
 *
 * | file               | what                                                                                 | size at scale 1                 |
 * |--------------------|--------------------------------------------------------------------------------------|---------------------------------|
 * | known-attacker.txt | one attacker's sessions over two years (2017-07-01 … 2019-06-30), in bursts on ~175 active days, mostly at night UTC, with 8 stolen accounts | ~62K events, ~3.6K sessions, all attacker |
 * | mixed-1.txt        | 2019-07-01 08:00–14:00: all traffic, with an attack (0.3% of events) at some point    | ~119K events                    |
 * | mixed-2.txt        | 2019-07-09 09:00–12:00, likewise                                                      | ~44K events                     |
 * | mixed-3.txt        | 2019-07-17 13:00–15:00, likewise                                                      | ~31K events                     |
 * | single.txt         | the whole of 2019-08-14, traffic following the hour of day, 10 attacker sessions, 3 of them of a style held out of the other files | 9 000 sessions (~85K events)    |
 *
 * Innocent sessions follow `USER_PROFILES` in `USER_PROFILE_SHARES` (researchers,
 * skimmers, one-click bounces, readers, librarians, administrators); attacks follow
 * `ATTACKER_PROFILES` (85% stealthy, 15% bulk harvesting sessions), with stolen credentials
 * of several customers. By default one style, the chapter harvester, is held out of the training
 * files and makes a third of the test day's attacker sessions (`heldOutStyles`, `heldOutShare`):
 * a model trained on the other four files meets an attacker it never saw, as in real life. The
 * training files do not depend on the held-out options (only on the training styles). In the mixed files an attack is
 * one attacker's back-to-back sessions from a random moment, using 3–5 stolen accounts. Mixed and single files hold
 * only events inside their window, so sessions still running at its end are cut there, as in a real extract.
 * `SessionNo` grows with time and is unique within and across the files. Together the known-attacker and mixed files
 * hold ~256K events and ~25K sessions, the size of the user's experiment. Takes well under two seconds at scale 1.
 *
 * @example
 * ```ts
 * const { files, summary } = generateLogs({ seed: 42 });
 * files['mixed-1.txt'].text.split('\n')[0]; // 'SessionNo\tLogTime\tCustID\tGroupID\tProfID\tAct\tBadActor'
 * console.table(summary);
 * generateLogs({ seed: 42, scale: 0.1, outDir: 'data/synthetic' }); // also writes the five files
 * ```
 */
export function generateLogs(options: GenerateLogsOptions): GeneratedLogs {
  const where = 'generateLogs';
  const {
    seed,
    scale = 1,
    outDir,
    attackerStyles = DEFAULT_ATTACKER_STYLES,
    heldOutStyles = DEFAULT_HELD_OUT_STYLES,
    heldOutShare = 1 / 3,
  } = options;
  if (!(scale > 0) || !Number.isFinite(scale) || scale > 100) {
    throw new InvalidArgumentError(where, 'scale', scale, 'a number in (0, 100]');
  }
  const root = createRandom(seed);
  const directory = createCustomerDirectory(root.fork('customers'), 400);
  const innocent = userMix(where);
  const { training: attack, heldOut } = splitAttackerStyles(where, attackerStyles, heldOutStyles, heldOutShare);
  const counter = new SessionCounter(10_000_000);
  const context = { directory, innocent, attack, heldOut, heldOutShare, scale };
  const logs: Record<LogFileName, SyntheticLog> = {
    'known-attacker.txt': knownAttacker(root.fork('known-attacker.txt'), context).build(counter),
    'mixed-1.txt': mixedHours(root.fork('mixed-1.txt'), context, {
      start: Date.UTC(2019, 6, 1, 8),
      hours: 6,
      events: 119_000,
      attackShare: 0.003,
    }).build(counter),
    'mixed-2.txt': mixedHours(root.fork('mixed-2.txt'), context, {
      start: Date.UTC(2019, 6, 9, 9),
      hours: 3,
      events: 44_000,
      attackShare: 0.003,
    }).build(counter),
    'mixed-3.txt': mixedHours(root.fork('mixed-3.txt'), context, {
      start: Date.UTC(2019, 6, 17, 13),
      hours: 2,
      events: 31_000,
      attackShare: 0.003,
    }).build(counter),
    'single.txt': singleDay(root.fork('single.txt'), context).build(counter),
  };
  if (outDir !== undefined) mkdirSync(outDir, { recursive: true });
  const files = {} as Record<LogFileName, GeneratedLogFile>;
  for (const name of LOG_FILE_NAMES) {
    const log = logs[name];
    const bytes = formatLogTsvBytes(log);
    const text = new TextDecoder().decode(bytes);
    let written: string | undefined;
    if (outDir !== undefined) {
      written = path.join(outDir, name);
      writeFileSync(written, bytes);
    }
    files[name] = { name, text, log, summary: summarize(name, log, heldOutStyles), path: written };
  }
  return { files, summary: LOG_FILE_NAMES.map((name) => files[name].summary) };
}

interface Context {
  readonly directory: CustomerDirectory;
  readonly innocent: ProfileMix;
  readonly attack: ProfileMix;
  /** The held-out styles (equal weights), or null. */
  readonly heldOut: ProfileMix | null;
  readonly heldOutShare: number;
  readonly scale: number;
}

const DAY_MS = 86_400_000;

/** One attacker's sessions in bursts on random days over two years. */
function knownAttacker(rng: Random, { directory, attack, scale }: Context): SyntheticLogBuilder {
  const builder = new SyntheticLogBuilder(directory);
  const accounts = stealAccounts(directory, rng, 8);
  const first = Date.UTC(2017, 6, 1);
  const days = Math.round((Date.UTC(2019, 6, 1) - first) / DAY_MS);
  const target = Math.max(1, Math.round(62_000 * scale));
  const activeDays = Math.min(days, Math.max(1, Math.round(175 * scale)));
  const chosen = rng
    .shuffle(Array.from({ length: days }, (_, d) => d))
    .slice(0, activeDays)
    .sort((a, b) => a - b);
  // Active days differ in intensity; the budget of events is shared out accordingly.
  const intensity = chosen.map(() => rng.lognormal(0, 0.8));
  const total = intensity.reduce((a, b) => a + b, 0);
  let carried = 0;
  chosen.forEach((day, i) => {
    const budget = (target * intensity[i]!) / total + carried;
    const hour = (((2 + rng.normal(0, 2.5)) % 24) + 24) % 24;
    let time = first + day * DAY_MS + Math.floor(hour * 3_600_000);
    const before = builder.eventCount;
    while (builder.eventCount - before < budget && builder.eventCount < target) {
      const last = builder.addSession(
        rng,
        pickProfile(attack, rng),
        accounts[rng.int(0, accounts.length)]!,
        time,
        target - builder.eventCount,
      );
      time = last + Math.round(rng.lognormal(Math.log(90), 1) * 1000);
    }
    carried = budget - (builder.eventCount - before);
  });
  return builder;
}

/** Whole hours of traffic with one attack of back-to-back sessions inside. */
function mixedHours(
  rng: Random,
  { directory, innocent, attack, scale }: Context,
  file: { start: number; hours: number; events: number; attackShare: number },
): SyntheticLogBuilder {
  const builder = new SyntheticLogBuilder(directory);
  const target = Math.max(1, Math.round(file.events * scale));
  const budget = Math.max(1, Math.floor(target * file.attackShare));
  const accounts = stealAccounts(directory, rng, rng.int(3, 6));
  const end = file.start + file.hours * 3_600_000;
  let time = file.start + Math.floor(rng.next() * Math.max(1, end - 1_800_000 - file.start));
  while (builder.eventCount < budget) {
    const last = builder.addSession(
      rng,
      pickProfile(attack, rng),
      accounts[rng.int(0, accounts.length)]!,
      time,
      budget - builder.eventCount,
      end,
    );
    time = last + Math.round(rng.lognormal(Math.log(60), 1) * 1000);
    if (time >= end) break;
  }
  const arrival = arrivalSampler(file.start, file.hours);
  while (builder.eventCount < target) addInnocent(builder, rng, innocent, arrival(rng), end);
  return builder;
}

/** A whole later day: traffic by hour of day, a handful of attacker sessions. */
function singleDay(rng: Random, context: Context): SyntheticLogBuilder {
  const { scale } = context;
  return testTraffic(rng, context, {
    start: Date.UTC(2019, 7, 14),
    days: 1,
    sessions: Math.max(2, Math.round(9_000 * scale)),
    attackers: Math.max(1, Math.round(10 * scale)),
    accounts: 4,
  });
}

/**
 * Test traffic over whole days: `attackers` attacker sessions at any hour, `round(heldOutShare ·
 * attackers)` of them (chosen at random) of a held-out style, the rest of the training styles,
 * then innocent sessions following the hour of day until there are `sessions` sessions.
 *
 * @internal
 */
export function testTraffic(
  rng: Random,
  {
    directory,
    innocent,
    attack,
    heldOut,
    heldOutShare,
  }: Pick<Context, 'directory' | 'innocent' | 'attack' | 'heldOut' | 'heldOutShare'>,
  {
    start,
    days,
    sessions,
    attackers,
    accounts: stolen,
  }: { start: number; days: number; sessions: number; attackers: number; accounts: number },
): SyntheticLogBuilder {
  const builder = new SyntheticLogBuilder(directory);
  const end = start + days * DAY_MS;
  const accounts = stealAccounts(directory, rng, stolen);
  const anyTime = arrivalSampler(start, 24 * days);
  // Which attackers are of a held-out style: drawn from a stream of their own, so that without
  // held-out styles the day is exactly what it was before they existed.
  const heldOutCount = heldOut === null ? 0 : Math.min(attackers, Math.round(heldOutShare * attackers));
  const isHeldOut = new Uint8Array(attackers);
  if (heldOutCount > 0) {
    const order = rng.fork('held-out').shuffle(Array.from({ length: attackers }, (_, i) => i));
    for (let i = 0; i < heldOutCount; i++) isHeldOut[order[i]!] = 1;
  }
  for (let i = 0; i < attackers; i++) {
    const profile = pickProfile(isHeldOut[i] === 1 ? heldOut! : attack, rng);
    builder.addSession(rng, profile, accounts[rng.int(0, accounts.length)]!, anyTime(rng), Infinity, end);
  }
  const busyTime = arrivalSampler(start, 24 * days, HOURLY_TRAFFIC);
  while (builder.sessionCount < sessions) addInnocent(builder, rng, innocent, busyTime(rng), end);
  return builder;
}

function addInnocent(builder: SyntheticLogBuilder, rng: Random, innocent: ProfileMix, at: number, endMs: number): void {
  const profile = pickProfile(innocent, rng);
  builder.addSession(
    rng,
    profile,
    pickAccount(builder.directory, rng, SESSION_PROFILE_NAMES[profile] === 'admin'),
    at,
    Infinity,
    endMs,
  );
}

function summarize(name: LogFileName, log: SyntheticLog, heldOutStyles: readonly AttackerStyle[]): LogFileSummary {
  let attackerEvents = 0;
  for (let i = 0; i < log.eventCount; i++) attackerEvents += log.sessionLabel[log.eventSession[i]!]!;
  let attackerSessions = 0;
  let heldOutAttackerSessions = 0;
  const byStyle: Partial<Record<AttackerStyle, number>> = {};
  for (let s = 0; s < log.sessionCount; s++) {
    if (log.sessionLabel[s] !== 1) continue;
    attackerSessions++;
    const style = SESSION_PROFILE_NAMES[log.sessionProfile[s]!] as AttackerStyle;
    byStyle[style] = (byStyle[style] ?? 0) + 1;
    if (heldOutStyles.includes(style)) heldOutAttackerSessions++;
  }
  return {
    name,
    events: log.eventCount,
    sessions: log.sessionCount,
    attackerEvents,
    attackerSessions,
    attackerSessionsByStyle: byStyle,
    heldOutAttackerSessions,
    firstTime: log.eventCount > 0 ? formatLogTime(log.eventTime[0]!) : '',
    lastTime: log.eventCount > 0 ? formatLogTime(log.eventTime[log.eventCount - 1]!) : '',
  };
}
