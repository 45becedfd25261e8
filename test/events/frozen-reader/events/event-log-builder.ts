import { InvalidArgumentError } from '../errors.js';
import type { StringColumn } from '../frame/column.js';
import { EventLog, type SkippedRows } from './event-log.js';

/** Events in any order, as {@link buildEventLog} takes them: one entry per event in each array. */
export interface EventColumns {
  /** Session code per event, indexing `sessionIds`. */
  readonly sessions: Int32Array;
  /** Session id per session code. Every session must have at least one event. */
  readonly sessionIds: readonly string[];
  /** Label per session code (1 attacker, 0 innocent). */
  readonly labels: Uint8Array;
  /** Action code per event, indexing `actionDictionary`. */
  readonly actions: Int32Array;
  readonly actionDictionary: readonly string[];
  /** Epoch milliseconds per event, or `null`. */
  readonly times?: Float64Array | null;
  /** The key to order events by within a session; defaults to `times`; `null` keeps input order. */
  readonly sortKeys?: Float64Array | null;
  /** Source index per event (default all 0) and the sources' names (default `['<memory>']`). */
  readonly sources?: Uint16Array;
  readonly sourceNames?: readonly string[];
  /** Extra per-event string columns. */
  readonly extras?: Readonly<Record<string, StringColumn>>;
  /**
   * Per session code, 1 when its events may be out of order by the sort key; sessions marked 0 are
   * trusted to be in order already and not checked. A reader that tracks order as it goes passes
   * this to save a pass; by default every session is checked.
   */
  readonly unsortedSessions?: Uint8Array;
  /** What was skipped while reading, carried into the log. */
  readonly skipped?: SkippedRows;
}

/**
 * The `skipped` value of a log from which nothing was skipped.
 *
 * @example
 * ```ts
 * log.skipped.total === NOTHING_SKIPPED.total; // true when the read was clean
 * ```
 */
export const NOTHING_SKIPPED: SkippedRows = Object.freeze({
  total: 0,
  byReason: Object.freeze({}),
  examples: Object.freeze([]),
});

/**
 * Assembles an {@link EventLog} from events in any order: events are grouped by session (sessions
 * in code order), ordered within a session by `sortKeys` (default `times`) with a stable sort, so
 * ties keep input order, and copied into compact columns in that order (`eventIndex` is `null`).
 * A counting sort groups sessions in O(n); only sessions whose events are out of order are sorted.
 * When the input is already in that order, its arrays are used as they are (not copied).
 *
 * @example
 * ```ts
 * const log = buildEventLog({
 *   sessions: new Int32Array([1, 0, 1]), sessionIds: ['a', 'b'], labels: new Uint8Array([0, 1]),
 *   actions: new Int32Array([0, 1, 1]), actionDictionary: ['111', '201'],
 *   times: new Float64Array([20, 5, 10]),
 * });
 * log.offsets;         // Uint32Array [0, 1, 3]  (a: 1 event, b: 2 events)
 * log.actionAt(1);     // '201'  (b's event at time 10 comes before time 20)
 * ```
 */
export function buildEventLog(columns: EventColumns): EventLog {
  const {
    sessions,
    sessionIds,
    labels,
    actions,
    actionDictionary,
    times = null,
    extras = {},
    skipped = NOTHING_SKIPPED,
  } = columns;
  const sortKeys = columns.sortKeys === undefined ? times : columns.sortKeys;
  const n = sessions.length;
  const sessionCount = sessionIds.length;
  const sources = columns.sources ?? new Uint16Array(n);
  const sourceNames = columns.sourceNames ?? ['<memory>'];
  const check = (name: string, length: number, expected: number): void => {
    if (length !== expected)
      throw new InvalidArgumentError('buildEventLog', name, `${length} entries`, `${expected} entries`);
  };
  check('labels', labels.length, sessionCount);
  check('actions', actions.length, n);
  check('sources', sources.length, n);
  if (times !== null) check('times', times.length, n);
  if (sortKeys !== null) check('sortKeys', sortKeys.length, n);
  for (const [name, column] of Object.entries(extras)) check(`extras.${name}`, column.codes.length, n);

  const offsets = new Uint32Array(sessionCount + 1);
  for (let e = 0; e < n; e++) {
    const s = sessions[e]!;
    if (!(s >= 0 && s < sessionCount))
      throw new InvalidArgumentError('buildEventLog', `sessions[${e}]`, s, `a session code in [0, ${sessionCount})`);
    offsets[s + 1]!++;
  }
  for (let s = 0; s < sessionCount; s++) {
    if (offsets[s + 1] === 0)
      throw new InvalidArgumentError(
        'buildEventLog',
        'sessionIds',
        sessionIds[s],
        'sessions that each have at least one event',
      );
    offsets[s + 1]! += offsets[s]!;
  }
  const cursor = offsets.slice(0, sessionCount);
  const order = new Uint32Array(n);
  for (let e = 0; e < n; e++) order[cursor[sessions[e]!]!++] = e;

  if (sortKeys !== null) {
    const hint = columns.unsortedSessions;
    if (hint !== undefined) check('unsortedSessions', hint.length, sessionCount);
    for (let s = 0; s < sessionCount; s++) {
      if (hint !== undefined && hint[s] === 0) continue;
      const from = offsets[s]!;
      const to = offsets[s + 1]!;
      let sorted = true;
      let previous = sortKeys[order[from]!]!;
      for (let p = from; p < to; p++) {
        const key = sortKeys[order[p]!]!;
        if (key !== key)
          throw new InvalidArgumentError(
            'buildEventLog',
            `sortKeys[${order[p]}]`,
            Number.NaN,
            'a number (NaN cannot be ordered)',
          );
        if (key < previous) sorted = false;
        previous = key;
      }
      // Ties fall back to the event's input position, which makes the sort stable.
      if (!sorted) order.subarray(from, to).sort((a, b) => sortKeys[a]! - sortKeys[b]! || a - b);
    }
  }

  let identity = true;
  for (let p = 0; p < n; p++) {
    if (order[p] !== p) {
      identity = false;
      break;
    }
  }
  const extraEntries = Object.entries(extras);
  let sortedActions = actions;
  let sortedTimes = times;
  let sortedSources = sources;
  let sortedCodes = extraEntries.map(([, column]) => column.codes);
  if (!identity) {
    // One pass over the new order, gathering every column, reads `order` once and keeps locality.
    sortedActions = new Int32Array(n);
    sortedTimes = times === null ? null : new Float64Array(n);
    sortedSources = new Uint16Array(n);
    const sourceCodes = sortedCodes;
    sortedCodes = sourceCodes.map(() => new Int32Array(n));
    const k = sourceCodes.length;
    for (let p = 0; p < n; p++) {
      const e = order[p]!;
      sortedActions[p] = actions[e]!;
      sortedSources[p] = sources[e]!;
      if (sortedTimes !== null) sortedTimes[p] = times![e]!;
      for (let j = 0; j < k; j++) sortedCodes[j]![p] = sourceCodes[j]![e]!;
    }
  }
  const sortedExtras: Record<string, StringColumn> = {};
  extraEntries.forEach(([name, column], j) => {
    sortedExtras[name] = { kind: 'string', codes: sortedCodes[j]!, dictionary: column.dictionary };
  });
  return new EventLog({
    sessionIds,
    labels,
    offsets,
    eventIndex: null,
    actions: sortedActions,
    actionDictionary,
    times: sortedTimes,
    sources: sortedSources,
    sourceNames,
    extras: sortedExtras,
    skipped,
  });
}
