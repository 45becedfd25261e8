/**
 * What to do with a repeated event: `'drop'` it (the default) or `'keep'` it as a new event.
 *
 * **The policy, the same for batch reading (`readEventLog`) and live scoring (`LiveScorer`):** an
 * event is a repeat when it has the same session, the same time and the same action code as the
 * previous event of its session (the one read or pushed just before it; other columns are not
 * compared). A log shipper that retries a delivery writes such repeats; a person cannot do the same
 * thing twice in the same millisecond. By default repeats are dropped and counted (in
 * `log.skipped.byReason['duplicate event']` when reading, in the scorer's stats live), so a model
 * trained on files sees the sessions the live scorer will see. Without a time column, nothing is a
 * repeat: consecutive equal actions are then ordinary events.
 *
 * @example
 * ```ts
 * await readEventLog('mixed-1.txt');                          // repeats dropped and counted
 * await readEventLog('mixed-1.txt', { duplicates: 'keep' });  // every row is an event
 * ```
 */
export type DuplicatePolicy = 'drop' | 'keep';

/** The default {@link DuplicatePolicy} of batch reading and live scoring: `'drop'`. */
export const DEFAULT_DUPLICATE_POLICY: DuplicatePolicy = 'drop';

/**
 * True when an event with `time` and `action` repeats its session's previous event (`lastTime`,
 * `lastAction`), under the rule of {@link DuplicatePolicy}. Times are epoch milliseconds; actions
 * may be compared as codes or as strings, as long as both sides use the same.
 *
 * @example
 * ```ts
 * isRepeatedEvent(1561982400000, '401', 1561982400000, '401'); // true: a retried delivery
 * isRepeatedEvent(1561982400000, '401', 1561982400001, '401'); // false
 * ```
 */
export function isRepeatedEvent<A extends string | number>(
  lastTime: number,
  lastAction: A,
  time: number,
  action: A,
): boolean {
  return time === lastTime && action === lastAction;
}
