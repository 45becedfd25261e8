import type { EventLog } from '../../src/events/event-log.js';
import { plainSessions } from './make-log.js';

/** The settings the reference flattener understands (mirrors the flattener's feature groups). */
export interface ReferenceSettings {
  vocabulary: readonly string[];
  counts: boolean;
  timing: boolean;
  bigrams: readonly (readonly [string, string])[] | false;
  shares: boolean;
}

/**
 * The slow, obvious flattening: plain arrays per session, Map counting, sorted copies for the
 * median. Sums run left to right in event order, as the documented definitions say, so the float64
 * results can be compared exactly.
 */
export function referenceFeatures(log: EventLog, settings: ReferenceSettings): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const push = (name: string, value: number): void => {
    const column = out.get(name) ?? [];
    column.push(value);
    out.set(name, column);
  };
  const known = new Set(settings.vocabulary);
  for (const session of plainSessions(log)) {
    const counts = new Map<string, number>();
    for (const a of session.actions) counts.set(a, (counts.get(a) ?? 0) + 1);
    if (settings.counts) {
      for (const code of settings.vocabulary) push(code, counts.get(code) ?? 0);
      push('other_actions', session.actions.filter((a) => !known.has(a)).length);
    }
    if (settings.timing) {
      for (const [name, value] of Object.entries(referenceTiming(session.times))) push(name, value);
    }
    if (settings.bigrams !== false) {
      const pairs = new Map<string, number>();
      for (let i = 1; i < session.actions.length; i++) {
        const key = `${session.actions[i - 1]}>${session.actions[i]}`;
        pairs.set(key, (pairs.get(key) ?? 0) + 1);
      }
      for (const [a, b] of settings.bigrams) push(`${a}>${b}`, pairs.get(`${a}>${b}`) ?? 0);
    }
    if (settings.shares) {
      for (const code of settings.vocabulary)
        push(`share_${code}`, session.actions.length === 0 ? 0 : (counts.get(code) ?? 0) / session.actions.length);
    }
  }
  return out;
}

/** The ten timing features of one session, from their documented definitions. */
export function referenceTiming(times: readonly number[]): Record<string, number> {
  const n = times.length;
  if (n === 0) {
    return {
      event_count: 0,
      duration_s: 0,
      gap_mean_s: 0,
      gap_median_s: 0,
      gap_min_s: 0,
      gap_max_s: 0,
      gap_std_s: 0,
      gap_cv: 0,
      share_gaps_under_1s: 0,
      events_per_minute: 0,
    };
  }
  const gaps = times.slice(1).map((t, i) => (t - times[i]!) / 1000);
  const m = gaps.length;
  const duration = (times[n - 1]! - times[0]!) / 1000;
  const mean = m === 0 ? 0 : gaps.reduce((sum, g) => sum + g, 0) / m;
  const std = m === 0 ? 0 : Math.sqrt(gaps.reduce((sum, g) => sum + (g - mean) * (g - mean), 0) / m);
  const sorted = [...gaps].sort((a, b) => a - b);
  const median = m === 0 ? 0 : m % 2 === 1 ? sorted[(m - 1) / 2]! : (sorted[m / 2 - 1]! + sorted[m / 2]!) / 2;
  return {
    event_count: n,
    duration_s: duration,
    gap_mean_s: mean,
    gap_median_s: median,
    gap_min_s: m === 0 ? 0 : Math.min(...gaps),
    gap_max_s: m === 0 ? 0 : Math.max(...gaps),
    gap_std_s: std,
    gap_cv: mean > 0 ? std / mean : 0,
    share_gaps_under_1s: m === 0 ? 0 : gaps.filter((g) => g < 1).length / m,
    events_per_minute: (60 * n) / Math.max(duration, 1),
  };
}

/** The top-K bigrams of a log by the documented rule: count descending, then vocabulary order of the pair. */
export function referenceBigrams(log: EventLog, vocabulary: readonly string[], topK: number): [string, string][] {
  const rank = new Map(vocabulary.map((c, i) => [c, i]));
  const counts = new Map<string, { a: string; b: string; n: number }>();
  for (const session of plainSessions(log)) {
    for (let i = 1; i < session.actions.length; i++) {
      const a = session.actions[i - 1]!;
      const b = session.actions[i]!;
      if (!rank.has(a) || !rank.has(b)) continue;
      const entry = counts.get(`${a}\u0000${b}`) ?? { a, b, n: 0 };
      entry.n++;
      counts.set(`${a}\u0000${b}`, entry);
    }
  }
  return [...counts.values()]
    .sort((x, y) => y.n - x.n || rank.get(x.a)! - rank.get(y.a)! || rank.get(x.b)! - rank.get(y.b)!)
    .slice(0, topK)
    .map((e) => [e.a, e.b]);
}
