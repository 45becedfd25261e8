import { InvalidArgumentError } from '../errors.js';
import type { EventLog } from '../events/event-log.js';

/**
 * The sessions of a log at the given indices, in that order, as a log sharing the event columns
 * (a new offsets and index view; no event is copied). Use it to hold sessions out: a split of
 * session indices (`stratifiedSplit(log.labels, …)`) becomes a training log and a validation log
 * whose sessions never meet.
 *
 * @example
 * ```ts
 * const { train, validation } = stratifiedSplit(log.labels, { train: 0.7, validation: 0.3, test: 0 }, { seed: 1 });
 * const trainLog = selectSessions(log, train);
 * const validationLog = selectSessions(log, validation);
 * ```
 */
export function selectSessions(log: EventLog, indices: ArrayLike<number>, where = 'selectSessions'): EventLog {
  const sessions = log.sessionCount;
  const count = indices.length;
  const source = log.offsets;
  const offsets = new Uint32Array(count + 1);
  const labels = new Uint8Array(count);
  const sessionIds = new Array<string>(count);
  for (let k = 0; k < count; k++) {
    const s = indices[k]!;
    if (!Number.isSafeInteger(s) || s < 0 || s >= sessions)
      throw new InvalidArgumentError(where, `indices[${k}]`, s, `a session index in [0, ${sessions})`);
    offsets[k + 1] = offsets[k]! + (source[s + 1]! - source[s]!);
    labels[k] = log.labels[s]!;
    sessionIds[k] = log.sessionIds[s]!;
  }
  const index = new Uint32Array(offsets[count]!);
  let at = 0;
  for (let k = 0; k < count; k++) {
    const s = indices[k]!;
    for (let p = source[s]!; p < source[s + 1]!; p++) index[at++] = log.event(p);
  }
  return log.withSessions({ sessionIds, labels, offsets, eventIndex: index });
}
