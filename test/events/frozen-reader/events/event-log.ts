import { InvalidArgumentError } from '../errors.js';
import type { Column } from '../frame/column.js';

/** Counts of rows skipped while reading, by reason, when `onBadRow: 'skip'` was asked for. */
export interface SkippedRows {
  /** Total rows skipped. */
  readonly total: number;
  /** Rows skipped per reason, e.g. `{ 'wrong field count': 2, 'empty Act': 1 }`. */
  readonly byReason: Readonly<Record<string, number>>;
  /** The first few problems in full (file, line, column, message), for a report. */
  readonly examples: readonly string[];
}

/** The parts an {@link EventLog} is made of. Event columns are indexed by physical event. */
export interface EventLogParts {
  /** Session id per session. */
  readonly sessionIds: readonly string[];
  /** Label per session: 1 attacker, 0 innocent. */
  readonly labels: Uint8Array;
  /**
   * `offsets[s]..offsets[s+1]` are the positions (into `eventIndex`, or events) of session `s`. Length sessions + 1.
   */
  readonly offsets: Uint32Array;
  /** Physical event of each position, or `null` when positions are physical events. */
  readonly eventIndex: Uint32Array | null;
  /** Action code per physical event, indexing `actionDictionary`. */
  readonly actions: Int32Array;
  /** The distinct action codes as read (dictionary of `actions`). */
  readonly actionDictionary: readonly string[];
  /** Epoch milliseconds per physical event, or `null` when the log has no time column. */
  readonly times: Float64Array | null;
  /** Index into `sourceNames` of the file each physical event came from. */
  readonly sources: Uint16Array;
  /** Names of the sources (file names, `<string>`, `<stream>`). */
  readonly sourceNames: readonly string[];
  /** Extra columns kept per physical event (e.g. `CustID`, `GroupID`, `ProfID`). */
  readonly extras: Readonly<Record<string, Column>>;
  /** Rows skipped while reading (empty when nothing was skipped). */
  readonly skipped: SkippedRows;
}

/**
 * Events grouped into sessions: events are ordered by session, then time (stable), and session
 * `s` owns positions `offsets[s]..offsets[s+1]`. A position maps to a physical event through
 * `eventIndex` (or is the physical event when `eventIndex` is `null`), so truncations and session
 * subsets are offset arithmetic and index views over shared, never copied, event columns.
 *
 * @example
 * ```ts
 * const log = await readEventLog(['mixed-1.txt', 'mixed-2.txt']);
 * log.sessionCount;                 // 23_871
 * const s = 0;
 * for (let p = log.offsets[s]; p < log.offsets[s + 1]; p++) {
 *   const e = log.event(p);
 *   console.log(log.actionDictionary[log.actions[e]], log.times?.[e]);
 * }
 * ```
 */
export class EventLog implements EventLogParts {
  readonly sessionIds: readonly string[];
  readonly labels: Uint8Array;
  readonly offsets: Uint32Array;
  readonly eventIndex: Uint32Array | null;
  readonly actions: Int32Array;
  readonly actionDictionary: readonly string[];
  readonly times: Float64Array | null;
  readonly sources: Uint16Array;
  readonly sourceNames: readonly string[];
  readonly extras: Readonly<Record<string, Column>>;
  readonly skipped: SkippedRows;

  constructor(parts: EventLogParts) {
    const sessions = parts.sessionIds.length;
    if (parts.labels.length !== sessions || parts.offsets.length !== sessions + 1) {
      throw new InvalidArgumentError(
        'EventLog',
        'parts',
        `${sessions} sessions, ${parts.labels.length} labels, ${parts.offsets.length} offsets`,
        'one label per session and sessions + 1 offsets',
      );
    }
    this.sessionIds = parts.sessionIds;
    this.labels = parts.labels;
    this.offsets = parts.offsets;
    this.eventIndex = parts.eventIndex;
    this.actions = parts.actions;
    this.actionDictionary = parts.actionDictionary;
    this.times = parts.times;
    this.sources = parts.sources;
    this.sourceNames = parts.sourceNames;
    this.extras = parts.extras;
    this.skipped = parts.skipped;
  }

  /** Number of sessions. */
  get sessionCount(): number {
    return this.sessionIds.length;
  }

  /** Number of events in the sessions of this log (after any truncation). */
  get eventCount(): number {
    return this.offsets[this.sessionCount]! - this.offsets[0]!;
  }

  /** Number of attacker sessions (label 1). */
  get positiveCount(): number {
    let n = 0;
    for (let s = 0; s < this.labels.length; s++) n += this.labels[s]!;
    return n;
  }

  /** Number of events of session `s`. */
  sessionLength(s: number): number {
    return this.offsets[s + 1]! - this.offsets[s]!;
  }

  /** The physical event at position `p`. */
  event(p: number): number {
    return this.eventIndex === null ? p : this.eventIndex[p]!;
  }

  /** A log sharing these event columns with other sessions/offsets/index (used by truncations). */
  withSessions(view: Pick<EventLogParts, 'sessionIds' | 'labels' | 'offsets' | 'eventIndex'>): EventLog {
    return new EventLog({ ...this, ...view, skipped: this.skipped });
  }

  /** The action code string of position `p`. */
  actionAt(p: number): string {
    return this.actionDictionary[this.actions[this.event(p)]!]!;
  }
}
