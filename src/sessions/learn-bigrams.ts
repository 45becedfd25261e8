import { InvalidArgumentError } from '../errors.js';
import type { EventLog } from '../events/event-log.js';
import type { ActionVocabulary } from './action-vocabulary.js';

/**
 * The `topK` most frequent action bigrams (pairs of consecutive events within a session) of a
 * training log, most frequent first; ties by the vocabulary order of the first code, then of the
 * second. Pairs involving a code the vocabulary lacks are not counted. Fewer than `topK` pairs come
 * back when the log has fewer distinct ones.
 *
 * @example
 * ```ts
 * learnBigrams(trainLog, vocabulary, 20); // [['111', '201'], ['201', '401'], …]
 * ```
 */
export function learnBigrams(log: EventLog, vocabulary: ActionVocabulary, topK: number): [string, string][] {
  if (!Number.isSafeInteger(topK) || topK < 1)
    throw new InvalidArgumentError('learnBigrams', 'topK', topK, 'an integer ≥ 1');
  const size = vocabulary.size;
  const columnOf = vocabulary.mapDictionary(log.actionDictionary);
  const counts = new Map<number, number>();
  const { offsets, eventIndex, actions } = log;
  for (let s = 0; s < log.sessionCount; s++) {
    let previous = -1;
    for (let p = offsets[s]!; p < offsets[s + 1]!; p++) {
      const c = columnOf[actions[eventIndex === null ? p : eventIndex[p]!]!]!;
      if (previous >= 0 && c >= 0) {
        const key = previous * size + c;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      previous = c;
    }
  }
  return [...counts.entries()]
    .sort((x, y) => y[1] - x[1] || x[0] - y[0])
    .slice(0, topK)
    .map(([key]) => [vocabulary.codes[Math.floor(key / size)]!, vocabulary.codes[key % size]!]);
}
