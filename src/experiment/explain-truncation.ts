import type { Truncation } from '../sessions/truncation.js';

/**
 * A truncation in words, for reports and listings: what a job's name such as `drop20` or
 * `first10` means.
 *
 * @example
 * ```ts
 * explainTruncation({ kind: 'dropPercent', p: 0.2, seed: 7 }); // 'a random 20% of each session\'s events dropped'
 * explainTruncation({ kind: 'firstN', n: 10 });                // 'the first 10 events of each session'
 * explainTruncation({ kind: 'none' });                         // 'whole sessions'
 * ```
 */
export function explainTruncation(truncation: Truncation): string {
  const pct = (p: number): string => `${Number((p * 100).toPrecision(6))}%`;
  switch (truncation.kind) {
    case 'none':
      return 'whole sessions';
    case 'dropPercent':
      return truncation.p === 0
        ? 'whole sessions (no events dropped)'
        : `a random ${pct(truncation.p)} of each session's events dropped`;
    case 'firstN':
      return `the first ${truncation.n} events of each session`;
    case 'lastN':
      return `the last ${truncation.n} events of each session`;
    case 'middleN':
      return `${truncation.n} events from the middle of each session`;
    case 'firstPercent':
      return `the first ${pct(truncation.p)} of each session's events`;
    case 'minLength':
      return `only sessions of at least ${truncation.n} events`;
    case 'compose':
      return truncation.steps.length === 0 ? 'whole sessions' : truncation.steps.map(explainTruncation).join(', then ');
    default:
      return JSON.stringify(truncation);
  }
}
