import { InvalidArgumentError } from '../errors.js';
import { type Random, sampleCumulative } from '../random/random.js';
import { ATTACKER_PROFILES, type AttackerStyle } from './attacker-profiles.js';
import { SESSION_PROFILE_NAMES } from './synthetic-log.js';
import { USER_PROFILE_SHARES, USER_PROFILES, type UserProfileName } from './user-profiles.js';

/** Relative traffic by hour of day (UTC) for a whole-day file: quiet nights, busy working hours. */
export const HOURLY_TRAFFIC: readonly number[] = [
  0.4, 0.3, 0.25, 0.25, 0.3, 0.4, 0.6, 0.9, 1.2, 1.4, 1.5, 1.5,
  1.4, 1.5, 1.6, 1.6, 1.5, 1.3, 1.1, 0.9, 0.8, 0.7, 0.6, 0.5,
];

/** A way of choosing one profile among several by weight. */
export interface ProfileMix {
  /** Indices into {@link SESSION_PROFILE_NAMES}. */
  readonly profiles: readonly number[];
  /** Weight of each. */
  readonly weights: Float64Array;
}

/** The innocent mix, by default {@link USER_PROFILE_SHARES}. */
export function userMix(where: string, shares: Partial<Record<UserProfileName, number>> = USER_PROFILE_SHARES): ProfileMix {
  return mix(where, 'userProfiles', shares, Object.keys(USER_PROFILES));
}

/** An attacker mix over {@link ATTACKER_PROFILES}. */
export function attackerMix(where: string, shares: Partial<Record<AttackerStyle, number>>): ProfileMix {
  return mix(where, 'attackerStyles', shares, Object.keys(ATTACKER_PROFILES));
}

function mix(where: string, argument: string, shares: Readonly<Record<string, number | undefined>>, known: readonly string[]): ProfileMix {
  const profiles: number[] = [];
  const weights: number[] = [];
  for (const [name, share] of Object.entries(shares)) {
    if (!known.includes(name)) throw new InvalidArgumentError(where, `${argument}.${name}`, name, `one of ${known.join(', ')}`);
    if (share === undefined) continue;
    if (!(share >= 0) || !Number.isFinite(share)) throw new InvalidArgumentError(where, `${argument}.${name}`, share, 'a finite number ≥ 0');
    if (share === 0) continue;
    profiles.push(SESSION_PROFILE_NAMES.indexOf(name));
    weights.push(share);
  }
  if (profiles.length === 0) throw new InvalidArgumentError(where, argument, shares, 'at least one positive share');
  return { profiles, weights: Float64Array.from(weights) };
}

/** A profile index drawn from a mix. */
export function pickProfile(mixture: ProfileMix, rng: Random): number {
  return mixture.profiles[rng.weightedIndex(mixture.weights)]!;
}

/**
 * A sampler of start times in `[fromMs, fromMs + hours)`, following hourly weights (repeated
 * day after day) or uniform when none are given.
 */
export function arrivalSampler(fromMs: number, hours: number, hourly?: readonly number[]): (rng: Random) => number {
  if (hourly === undefined) return (rng) => fromMs + Math.floor(rng.next() * hours * 3_600_000);
  const cumulative = new Float64Array(hours);
  let total = 0;
  for (let h = 0; h < hours; h++) cumulative[h] = total += hourly[h % hourly.length]!;
  return (rng) => fromMs + sampleCumulative(rng.uniformSource, cumulative) * 3_600_000 + Math.floor(rng.next() * 3_600_000);
}

/**
 * Parses a start time given as epoch milliseconds or a UTC `YYYY-MM-DD[ HH:MM[:SS]]` string.
 */
export function parseStart(where: string, argument: string, value: number | string): number {
  // LogTime has four-digit years: keep times within 1970–9999.
  const inRange = (ms: number): boolean => Number.isFinite(ms) && ms >= 0 && ms < Date.UTC(9999, 0, 1);
  if (typeof value === 'number') {
    if (inRange(value)) return value;
  } else {
    const match = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(value);
    if (match) {
      const [, y, mo, d, h = '0', mi = '0', s = '0'] = match;
      const ms = Date.UTC(+y!, +mo! - 1, +d!, +h, +mi, +s);
      if (inRange(ms) && new Date(ms).getUTCDate() === +d!) return ms;
    }
  }
  throw new InvalidArgumentError(where, argument, value, "epoch milliseconds or a UTC time like '2019-07-01 08:00:00' (years 1970–9998)");
}
