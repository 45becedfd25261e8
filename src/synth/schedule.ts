import { InvalidArgumentError } from '../errors.js';
import { type Random, sampleCumulative } from '../random/random.js';
import { ATTACKER_PROFILES, type AttackerStyle } from './attacker-profiles.js';
import { SESSION_PROFILE_NAMES } from './synthetic-log.js';
import { USER_PROFILE_SHARES, USER_PROFILES, type UserProfileName } from './user-profiles.js';

/** Relative traffic by hour of day (UTC) for a whole-day file: quiet nights, busy working hours. */
export const HOURLY_TRAFFIC: readonly number[] = [
  0.4, 0.3, 0.25, 0.25, 0.3, 0.4, 0.6, 0.9, 1.2, 1.4, 1.5, 1.5, 1.4, 1.5, 1.6, 1.6, 1.5, 1.3, 1.1, 0.9, 0.8, 0.7, 0.6,
  0.5,
];

/** A way of choosing one profile among several by weight. */
export interface ProfileMix {
  /** Indices into `SESSION_PROFILE_NAMES`. */
  readonly profiles: readonly number[];
  /** Weight of each. */
  readonly weights: Float64Array;
}

/** The innocent mix, by default `USER_PROFILE_SHARES`. */
export function userMix(
  where: string,
  shares: Partial<Record<UserProfileName, number>> = USER_PROFILE_SHARES,
): ProfileMix {
  return mix(where, 'userProfiles', shares, Object.keys(USER_PROFILES));
}

/** An attacker mix over `ATTACKER_PROFILES`. */
export function attackerMix(where: string, shares: Partial<Record<AttackerStyle, number>>): ProfileMix {
  return mix(where, 'attackerStyles', shares, Object.keys(ATTACKER_PROFILES));
}

function mix(
  where: string,
  argument: string,
  shares: Readonly<Record<string, number | undefined>>,
  known: readonly string[],
): ProfileMix {
  const profiles: number[] = [];
  const weights: number[] = [];
  for (const [name, share] of Object.entries(shares)) {
    if (!known.includes(name))
      throw new InvalidArgumentError(where, `${argument}.${name}`, name, `one of ${known.join(', ')}`);
    if (share === undefined) continue;
    if (!(share >= 0) || !Number.isFinite(share))
      throw new InvalidArgumentError(where, `${argument}.${name}`, share, 'a finite number ≥ 0');
    if (share === 0) continue;
    profiles.push(SESSION_PROFILE_NAMES.indexOf(name));
    weights.push(share);
  }
  if (profiles.length === 0) throw new InvalidArgumentError(where, argument, shares, 'at least one positive share');
  return { profiles, weights: Float64Array.from(weights) };
}

/**
 * The attacker mixes of training and test files: the training mix is `styles` without the
 * held-out ones (at least one positive share must remain); the held-out mix weighs the held-out
 * styles equally (`null` when there are none). Checks the names, duplicates and the share.
 */
export function splitAttackerStyles(
  where: string,
  styles: Partial<Record<AttackerStyle, number>>,
  heldOutStyles: readonly AttackerStyle[],
  heldOutShare: number,
): { training: ProfileMix; heldOut: ProfileMix | null } {
  const known = Object.keys(ATTACKER_PROFILES);
  if (!Array.isArray(heldOutStyles))
    throw new InvalidArgumentError(
      where,
      'heldOutStyles',
      heldOutStyles,
      `an array of attacker styles (${known.join(', ')})`,
    );
  heldOutStyles.forEach((style, i) => {
    if (!known.includes(style))
      throw new InvalidArgumentError(where, `heldOutStyles[${i}]`, style, `one of ${known.join(', ')}`);
    if (heldOutStyles.indexOf(style) !== i)
      throw new InvalidArgumentError(where, `heldOutStyles[${i}]`, style, 'a style not already listed');
  });
  if (typeof heldOutShare !== 'number' || !(heldOutShare >= 0 && heldOutShare <= 1))
    throw new InvalidArgumentError(where, 'heldOutShare', heldOutShare, 'a fraction in [0, 1]');
  mix(where, 'attackerStyles', styles, known); // names and shares checked
  const rest: Partial<Record<AttackerStyle, number>> = {};
  for (const [name, share] of Object.entries(styles)) {
    if (!heldOutStyles.includes(name as AttackerStyle)) rest[name as AttackerStyle] = share;
  }
  if (!Object.values(rest).some((share) => share !== undefined && share > 0)) {
    throw new InvalidArgumentError(
      where,
      'heldOutStyles',
      heldOutStyles,
      `to leave at least one style of attackerStyles (${Object.keys(styles).join(', ')}) for the training files`,
    );
  }
  const training = mix(where, 'attackerStyles', rest, known);
  const heldOut =
    heldOutStyles.length === 0
      ? null
      : mix(where, 'heldOutStyles', Object.fromEntries(heldOutStyles.map((style) => [style, 1])), known);
  return { training, heldOut };
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
  return (rng) =>
    fromMs + sampleCumulative(rng.uniformSource, cumulative) * 3_600_000 + Math.floor(rng.next() * 3_600_000);
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
  throw new InvalidArgumentError(
    where,
    argument,
    value,
    "epoch milliseconds or a UTC time like '2019-07-01 08:00:00' (years 1970–9998)",
  );
}
