import type { Random } from '../random/random.js';
import { ACTION_CODES, ACTION_INDEX, type ActionCode } from './action-codes.js';
import { type BehaviourProfile, dwellFactors, navigationWeights } from './behaviour.js';

const N = ACTION_CODES.length;
const NAVIGATION = navigationWeights();
const DWELL = dwellFactors();
const LOGOUT = ACTION_INDEX['112'];
const DENIED = ACTION_INDEX['901'];
const NOT_FOUND = ACTION_INDEX['902'];
const RATE_LIMITED = ACTION_INDEX['903'];
const DOWNLOADS = new Set([ACTION_INDEX['401'], ACTION_INDEX['402'], ACTION_INDEX['403']]);

/** The server's rate limit: more than this many events in the last minute may draw a 903 warning. */
const RATE_LIMIT_EVENTS = 25;
const RATE_LIMIT_WINDOW_MS = 60_000;

/** A profile turned into arrays for the hot loop. */
export interface CompiledProfile {
  readonly profile: BehaviourProfile;
  readonly entry: Float64Array;
  readonly preference: Float64Array;
}

/** Precomputes a profile's entry and preference arrays, indexed like `ACTION_CODES`. */
export function compileProfile(profile: BehaviourProfile): CompiledProfile {
  const entry = new Float64Array(N);
  const preference = new Float64Array(N).fill(profile.otherPreference);
  for (const [code, w] of Object.entries(profile.entry)) entry[ACTION_INDEX[code as ActionCode]] = w;
  for (const [code, w] of Object.entries(profile.preference)) preference[ACTION_INDEX[code as ActionCode]] = w;
  // Errors are never chosen by taste: they happen to a session (denied downloads, rate limits).
  preference[DENIED] = 0;
  preference[RATE_LIMITED] = 0;
  preference[LOGOUT] = 0;
  preference[NOT_FOUND] = Math.min(preference[NOT_FOUND]!, 0.01);
  return { profile, entry, preference };
}

/** Where simulated events go: action index and epoch milliseconds, in session order. */
export interface EventSink {
  push(action: number, timeMs: number): void;
}

/**
 * Walks one session of `compiled`'s profile from `startMs`, pushing its events to `sink`, and
 * returns the number of events. Length, entry, transitions, per-session tilt, gaps, sub-second
 * bursts, denied downloads, rate-limit warnings and the closing log-out follow
 * {@link BehaviourProfile}. `maxEvents` caps the length (for attack budgets); events at or after
 * `endMs` are not emitted (the session is cut where a log extract ends).
 */
export function simulateSession(
  rng: Random,
  compiled: CompiledProfile,
  startMs: number,
  sink: EventSink,
  maxEvents = Infinity,
  endMs = Infinity,
): number {
  const { profile, entry, preference } = compiled;
  const { length, gap } = profile;
  let target = Math.round(rng.lognormal(Math.log(length.median), length.sigma));
  target = Math.min(maxEvents, Math.max(length.min, Math.min(length.max, target)));
  const tilt = new Float64Array(N);
  for (let j = 0; j < N; j++) tilt[j] = preference[j]! * Math.exp(profile.jitter * rng.normal());
  const weights = new Float64Array(N);
  // Event times of the last minute, as a queue (head index) for the rate limit.
  const recent: number[] = [];
  let head = 0;
  let time = Math.round(startMs);
  let action = rng.weightedIndex(entry);
  let count = 0;
  let backOff = 1;
  const emit = (a: number): void => {
    sink.push(a, time);
    count++;
    recent.push(time);
  };
  const advance = (after: number): boolean => {
    let seconds = rng.bernoulli(gap.burst)
      ? rng.lognormal(Math.log(gap.burstMedian), 0.5)
      : rng.lognormal(Math.log(gap.median), gap.sigma) * (gap.dwell ? DWELL[after]! : 1);
    seconds *= backOff;
    backOff = 1;
    time += Math.max(1, Math.round(seconds * 1000));
    return time < endMs;
  };
  emit(action);
  while (count < target) {
    if (DOWNLOADS.has(action) && rng.bernoulli(profile.denied)) {
      if (!advance(action)) return count;
      action = DENIED;
      emit(action);
      continue;
    }
    while (head < recent.length && recent[head]! < time - RATE_LIMIT_WINDOW_MS) head++;
    if (recent.length - head > RATE_LIMIT_EVENTS && rng.bernoulli(0.15)) {
      if (!advance(action)) return count;
      action = RATE_LIMITED;
      emit(action);
      backOff = 15;
      head = recent.length;
      continue;
    }
    const row = action * N;
    let total = 0;
    for (let j = 0; j < N; j++) {
      const w = NAVIGATION[row + j]! * tilt[j]! * (j === action ? profile.repeat : 1);
      weights[j] = w;
      total += w;
    }
    if (!advance(action)) return count;
    let u = rng.next() * total;
    let next = N - 1;
    for (let j = 0; j < N; j++) {
      u -= weights[j]!;
      if (u < 0) {
        next = j;
        break;
      }
    }
    action = next;
    emit(action);
  }
  if (count < maxEvents && rng.bernoulli(profile.logout)) {
    if (!advance(action)) return count;
    emit(LOGOUT);
  }
  return count;
}
