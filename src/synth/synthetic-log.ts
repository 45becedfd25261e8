import { InvalidArgumentError } from '../errors.js';
import { EventLog } from '../events/event-log.js';
import { SEED_LOG_HEADER } from '../events/log-schema.js';
import { encodeStrings, type StringColumn } from '../frame/column.js';
import type { Random } from '../random/random.js';
import { ACTION_CODES } from './action-codes.js';
import { ATTACKER_PROFILES } from './attacker-profiles.js';
import type { CustomerDirectory } from './customers.js';
import { type CompiledProfile, compileProfile, simulateSession } from './simulate-session.js';
import { USER_PROFILES } from './user-profiles.js';

/**
 * The header of the user's log files, exactly (the {@link SEED_LOG_HEADER} columns, tab-separated).
 *
 * @example
 * ```ts
 * formatLogTsv(log).startsWith(`${LOG_HEADER}\n`); // true
 * ```
 */
export const LOG_HEADER: string = SEED_LOG_HEADER.join('\t');

/** Every behaviour profile, innocent first; a session's `profile` indexes this list. */
export const SESSION_PROFILES = [...Object.values(USER_PROFILES), ...Object.values(ATTACKER_PROFILES)];

/**
 * The names of the behaviour profiles, innocent first; a generated session's `profile` indexes it.
 *
 * @example
 * ```ts
 * SESSION_PROFILE_NAMES[log.sessionProfile[0]!]; // e.g. 'researcher'
 * ```
 */
export const SESSION_PROFILE_NAMES: readonly string[] = SESSION_PROFILES.map((p) => p.name);

const COMPILED: readonly CompiledProfile[] = SESSION_PROFILES.map(compileProfile);

/**
 * A generated log in columns. Events are in file order (sorted by time, sessions interleaved);
 * sessions are in order of their first event, which is also the order of their `SessionNo`.
 *
 * @example
 * ```ts
 * const log = generateEvents({ seed: 1, events: 10_000 });
 * log.eventCount;                                  // about 10 000
 * ACTION_CODES[log.eventAction[0]];                // the first event's action code
 * log.sessionLabel[log.eventSession[0]];           // its session's label
 * ```
 */
export interface SyntheticLog {
  /** Number of events. */
  readonly eventCount: number;
  /** Number of sessions. */
  readonly sessionCount: number;
  /** Session (index into the session arrays) of each event. */
  readonly eventSession: Uint32Array;
  /** Epoch milliseconds (UTC) of each event, non-decreasing. */
  readonly eventTime: Float64Array;
  /** Action of each event, indexing `ACTION_CODES`. */
  readonly eventAction: Uint8Array;
  /** `SessionNo` of each session, increasing. */
  readonly sessionNo: Float64Array;
  /** 1 for attacker sessions. */
  readonly sessionLabel: Uint8Array;
  /** Behaviour profile of each session, indexing `SESSION_PROFILE_NAMES`. */
  readonly sessionProfile: Uint8Array;
  /** Account of each session, indexing the directory's `custIds`/`groupIds`/`profIds`. */
  readonly sessionAccount: Uint32Array;
  /** Where the accounts' IDs come from. */
  readonly directory: CustomerDirectory;
}

/**
 * Hands out `SessionNo` values like the site's session counter: growing with time (one number per
 * two seconds of site time since 2017) and strictly increasing, so numbers never repeat within or
 * across files generated through the same counter in time order.
 */
export class SessionCounter {
  #last: number;
  readonly #base: number;

  constructor(first = 10_000_000) {
    this.#base = first;
    this.#last = first - 1;
  }

  /** The number of a session starting at `timeMs`. */
  next(timeMs: number): number {
    const byTime = this.#base + Math.floor((timeMs - COUNTER_EPOCH_MS) / 2000);
    this.#last = Math.max(this.#last + 1, byTime);
    return this.#last;
  }
}

const COUNTER_EPOCH_MS = Date.UTC(2017, 0, 1);

/** Collects simulated sessions, then orders and numbers them into a {@link SyntheticLog}. */
export class SyntheticLogBuilder {
  readonly directory: CustomerDirectory;
  #times: number[] = [];
  #actions: number[] = [];
  #sessions: number[] = [];
  #starts: number[] = [];
  #labels: number[] = [];
  #profiles: number[] = [];
  #accounts: number[] = [];

  constructor(directory: CustomerDirectory) {
    this.directory = directory;
  }

  /** Events so far. */
  get eventCount(): number {
    return this.#times.length;
  }

  /** Sessions so far. */
  get sessionCount(): number {
    return this.#starts.length;
  }

  /** Attacker events so far. */
  attackerEvents = 0;

  /**
   * Simulates one session of profile `profile` (index into `SESSION_PROFILES`) for
   * `account`, starting at `startMs`, with at most `maxEvents` events and none at or after
   * `endMs`; returns the time of its last event.
   */
  addSession(
    rng: Random,
    profile: number,
    account: number,
    startMs: number,
    maxEvents = Infinity,
    endMs = Infinity,
  ): number {
    const session = this.#starts.length;
    const compiled = COMPILED[profile]!;
    this.#starts.push(startMs);
    this.#labels.push(compiled.profile.label);
    this.#profiles.push(profile);
    this.#accounts.push(account);
    let last = startMs;
    const n = simulateSession(
      rng,
      compiled,
      startMs,
      {
        push: (action, timeMs) => {
          this.#times.push(timeMs);
          this.#actions.push(action);
          this.#sessions.push(session);
          last = timeMs;
        },
      },
      maxEvents,
      endMs,
    );
    if (compiled.profile.label === 1) this.attackerEvents += n;
    return last;
  }

  /** Sorts sessions by start and events by time, numbers sessions with `counter`, and returns the log. */
  build(counter: SessionCounter): SyntheticLog {
    const sessionCount = this.#starts.length;
    const eventCount = this.#times.length;
    const starts = this.#starts;
    const sessionOrder = Array.from({ length: sessionCount }, (_, i) => i).sort(
      (a, b) => starts[a]! - starts[b]! || a - b,
    );
    const rank = new Uint32Array(sessionCount);
    sessionOrder.forEach((s, r) => (rank[s] = r));
    const times = this.#times;
    const sessions = this.#sessions;
    const eventOrder = new Uint32Array(eventCount);
    for (let i = 0; i < eventCount; i++) eventOrder[i] = i;
    // Same-millisecond events: earlier-starting session first, then the session's own order.
    eventOrder.sort((a, b) => times[a]! - times[b]! || rank[sessions[a]!]! - rank[sessions[b]!]! || a - b);
    const eventSession = new Uint32Array(eventCount);
    const eventTime = new Float64Array(eventCount);
    const eventAction = new Uint8Array(eventCount);
    for (let i = 0; i < eventCount; i++) {
      const e = eventOrder[i]!;
      eventSession[i] = rank[sessions[e]!]!;
      eventTime[i] = times[e]!;
      eventAction[i] = this.#actions[e]!;
    }
    const sessionNo = new Float64Array(sessionCount);
    const sessionLabel = new Uint8Array(sessionCount);
    const sessionProfile = new Uint8Array(sessionCount);
    const sessionAccount = new Uint32Array(sessionCount);
    for (let r = 0; r < sessionCount; r++) {
      const s = sessionOrder[r]!;
      sessionNo[r] = counter.next(starts[s]!);
      sessionLabel[r] = this.#labels[s]!;
      sessionProfile[r] = this.#profiles[s]!;
      sessionAccount[r] = this.#accounts[s]!;
    }
    return {
      eventCount,
      sessionCount,
      eventSession,
      eventTime,
      eventAction,
      sessionNo,
      sessionLabel,
      sessionProfile,
      sessionAccount,
      directory: this.directory,
    };
  }
}

/**
 * Formats epoch milliseconds as the logs' `LogTime`, `YYYY-MM-DD HH:MM:SS.mmm` in UTC.
 *
 * @example
 * ```ts
 * formatLogTime(Date.UTC(2019, 6, 1, 12, 34, 56, 789)); // '2019-07-01 12:34:56.789'
 * ```
 */
export function formatLogTime(ms: number): string {
  if (!Number.isFinite(ms)) throw new InvalidArgumentError('formatLogTime', 'ms', ms, 'finite epoch milliseconds');
  return new Date(ms).toISOString().slice(0, 23).replace('T', ' ');
}

const encoder = new TextEncoder();
const TAB = 9;
const NEWLINE = 10;
const ZERO = 48;

/**
 * Writes a {@link SyntheticLog} as the user's TSV: the exact header
 * `SessionNo\tLogTime\tCustID\tGroupID\tProfID\tAct\tBadActor`, one line per event in time order,
 * `\n` line ends and a final newline. Returns UTF-8 bytes (all ASCII); see {@link formatLogTsv}
 * for a string.
 *
 * @example
 * ```ts
 * writeFileSync('mixed-1.txt', formatLogTsvBytes(log));
 * ```
 */
export function formatLogTsvBytes(log: SyntheticLog): Uint8Array {
  const { custIds, groupIds, profIds } = log.directory;
  // Per-session bytes are built once; each line is a copy of them plus the time's digits.
  const prefix = new Array<Uint8Array>(log.sessionCount);
  const suffix = new Array<Uint8Array>(log.sessionCount);
  let longest = 0;
  for (let s = 0; s < log.sessionCount; s++) {
    const a = log.sessionAccount[s]!;
    prefix[s] = encoder.encode(`${log.sessionNo[s]}\t`);
    suffix[s] = encoder.encode(`\t${custIds[a]}\t${groupIds[a]}\t${profIds[a]}\t`);
    longest = Math.max(longest, prefix[s]!.length + suffix[s]!.length);
  }
  const header = encoder.encode(`${LOG_HEADER}\n`);
  const actions = ACTION_CODES.map((code) => encoder.encode(code));
  // Each line: prefix + 23 time chars + suffix + up to 3 action chars + tab + label + newline.
  const out = new Uint8Array(header.length + log.eventCount * (longest + 23 + 3 + 3));
  out.set(header, 0);
  let at = header.length;
  let day = Number.NaN;
  const dayBytes = new Uint8Array(11);
  for (let i = 0; i < log.eventCount; i++) {
    const t = log.eventTime[i]!;
    const s = log.eventSession[i]!;
    const p = prefix[s]!;
    for (let k = 0; k < p.length; k++) out[at++] = p[k]!;
    const d = Math.floor(t / 86_400_000);
    if (d !== day) {
      day = d;
      dayBytes.set(encoder.encode(`${new Date(d * 86_400_000).toISOString().slice(0, 10)} `));
    }
    for (let k = 0; k < 11; k++) out[at++] = dayBytes[k]!;
    let rest = t - d * 86_400_000;
    const hours = Math.floor(rest / 3_600_000);
    rest -= hours * 3_600_000;
    const minutes = Math.floor(rest / 60_000);
    rest -= minutes * 60_000;
    const seconds = Math.floor(rest / 1000);
    const millis = rest - seconds * 1000;
    out[at++] = ZERO + Math.floor(hours / 10);
    out[at++] = ZERO + (hours % 10);
    out[at++] = 58;
    out[at++] = ZERO + Math.floor(minutes / 10);
    out[at++] = ZERO + (minutes % 10);
    out[at++] = 58;
    out[at++] = ZERO + Math.floor(seconds / 10);
    out[at++] = ZERO + (seconds % 10);
    out[at++] = 46;
    out[at++] = ZERO + Math.floor(millis / 100);
    out[at++] = ZERO + (Math.floor(millis / 10) % 10);
    out[at++] = ZERO + (millis % 10);
    const q = suffix[s]!;
    for (let k = 0; k < q.length; k++) out[at++] = q[k]!;
    const act = actions[log.eventAction[i]!]!;
    for (let k = 0; k < act.length; k++) out[at++] = act[k]!;
    out[at++] = TAB;
    out[at++] = ZERO + log.sessionLabel[s]!;
    out[at++] = NEWLINE;
  }
  return out.subarray(0, at);
}

/**
 * Writes a {@link SyntheticLog} as the user's TSV text (see `formatLogTsvBytes`).
 *
 * @example
 * ```ts
 * const text = formatLogTsv(generateEvents({ seed: 1, events: 1000 }));
 * text.split('\n')[0]; // 'SessionNo\tLogTime\tCustID\tGroupID\tProfID\tAct\tBadActor'
 * ```
 */
export function formatLogTsv(log: SyntheticLog): string {
  return new TextDecoder().decode(formatLogTsvBytes(log));
}

/**
 * Builds an {@link EventLog} straight from a generated log, without text: sessions in `SessionNo`
 * order, each session's events in time order (as a view over the time-ordered events), action
 * codes as strings in the dictionary, `CustID`/`GroupID`/`ProfID` kept as extra columns. Reading
 * the TSV of the same log gives the same sessions, labels, actions and times.
 *
 * @example
 * ```ts
 * const log = syntheticEventLog(generateEvents({ seed: 7, events: 256_000 }));
 * log.sessionCount; // about 24 000
 * ```
 */
export function syntheticEventLog(log: SyntheticLog, sourceName = '<synthetic>'): EventLog {
  const sessions = log.sessionCount;
  const offsets = new Uint32Array(sessions + 1);
  for (let i = 0; i < log.eventCount; i++) offsets[log.eventSession[i]! + 1]!++;
  for (let s = 0; s < sessions; s++) offsets[s + 1]! += offsets[s]!;
  const fill = offsets.slice(0, sessions);
  const eventIndex = new Uint32Array(log.eventCount);
  for (let i = 0; i < log.eventCount; i++) eventIndex[fill[log.eventSession[i]!]!++] = i;
  const { custIds, groupIds, profIds } = log.directory;
  // One dictionary entry per distinct ID (accounts share CustIDs and GroupIDs), in order of appearance.
  const extra = (ids: readonly string[]): StringColumn =>
    encodeStrings(Array.from(log.eventSession, (s) => ids[log.sessionAccount[s]!]!));
  return new EventLog({
    sessionIds: Array.from(log.sessionNo, (n) => String(n)),
    labels: log.sessionLabel.slice(),
    offsets,
    eventIndex,
    actions: Int32Array.from(log.eventAction),
    actionDictionary: [...ACTION_CODES],
    times: log.eventTime.slice(),
    sources: new Uint16Array(log.eventCount),
    sourceNames: [sourceName],
    extras: { CustID: extra(custIds), GroupID: extra(groupIds), ProfID: extra(profIds) },
    skipped: { total: 0, byReason: {}, examples: [] },
  });
}
