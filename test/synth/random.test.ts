import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import {
  createRandom,
  mixSeed,
  sampleCumulative,
  samplePoisson,
  sampleWeighted,
  seedState,
  xoshiro128ss,
} from '../../src/random/random.js';

function draws(n: number, draw: () => number): Float64Array {
  return Float64Array.from({ length: n }, draw);
}

function mean(xs: Float64Array): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

function variance(xs: Float64Array): number {
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return s / (xs.length - 1);
}

describe('xoshiro128**', () => {
  it('matches the reference C implementation (Blackman & Vigna, xoshiro128starstar.c) from state {1, 2, 3, 4}', () => {
    // Printed by the authors' xoshiro128starstar.c compiled with gcc, s = {1, 2, 3, 4}.
    const state = Uint32Array.from([1, 2, 3, 4]);
    const out = Array.from({ length: 8 }, () => xoshiro128ss(state));
    expect(out).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849]);
  });

  it('seeds through SplitMix32 to a state that is never all zero, and different for nearby seeds', () => {
    const states = [0, 1, 2, 2 ** 32, 2 ** 40 + 1].map((s) => Array.from(seedState(s)).join(','));
    expect(new Set(states).size).toBe(states.length);
    for (const s of [0, 1, 2 ** 32]) expect(Array.from(seedState(s)).some((v) => v !== 0)).toBe(true);
  });

  it('rejects seeds that are not non-negative safe integers, naming the seed', () => {
    expect(() => createRandom(-1)).toThrow(InvalidArgumentError);
    expect(() => createRandom(1.5)).toThrow(/seed must be a non-negative safe integer, got 1\.5/);
    expect(() => createRandom(Number.NaN)).toThrow(/seed/);
  });
});

describe('Random', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const c = createRandom(43);
    const sa = draws(50, () => a.next());
    expect(Array.from(draws(50, () => b.next()))).toEqual(Array.from(sa));
    expect(Array.from(draws(50, () => c.next()))).not.toEqual(Array.from(sa));
  });

  it('draws uniforms in [0, 1) with mean 1/2 and variance 1/12', () => {
    const rng = createRandom(1);
    const xs = draws(200_000, () => rng.next());
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(mean(xs)).toBeCloseTo(0.5, 2);
    expect(variance(xs)).toBeCloseTo(1 / 12, 3);
  });

  it('draws integers covering [min, maxExclusive) evenly', () => {
    const rng = createRandom(2);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[rng.int(1, 7) - 1]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500); // ~5 standard deviations
    expect(() => rng.int(3, 3)).toThrow(/Random\.int: range must be integers with min < maxExclusive, got "\[3, 3\)"/);
  });

  it('draws normals with the requested mean and standard deviation', () => {
    const rng = createRandom(3);
    const xs = draws(200_000, () => rng.normal(10, 2));
    expect(mean(xs)).toBeCloseTo(10, 1);
    expect(Math.sqrt(variance(xs))).toBeCloseTo(2, 1);
    // About 68.27% within one standard deviation (the normal distribution's 1-sigma mass).
    const inside = xs.filter((x) => Math.abs(x - 10) < 2).length / xs.length;
    expect(Math.abs(inside - 0.6827)).toBeLessThan(0.005);
  });

  it('draws exponentials with mean 1/rate and lognormals with median exp(mu) and mean exp(mu + sigma²/2)', () => {
    const rng = createRandom(4);
    expect(mean(draws(200_000, () => rng.exponential(0.25)))).toBeCloseTo(4, 1);
    const ln = draws(200_001, () => rng.lognormal(Math.log(20), 0.5)).sort();
    expect(ln[100_000]! / 20).toBeCloseTo(1, 1);
    expect(mean(ln) / (20 * Math.exp(0.125))).toBeCloseTo(1, 1);
  });

  it('draws Poisson counts with mean and variance lambda, small (Knuth) and large (PTRS) alike', () => {
    const rng = createRandom(5);
    for (const lambda of [0.7, 4, 29.5, 30, 100, 2500]) {
      const xs = draws(100_000, () => rng.poisson(lambda));
      expect(xs.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
      expect(Math.abs(mean(xs) - lambda)).toBeLessThan(6 * Math.sqrt(lambda / xs.length));
      expect(Math.abs(variance(xs) / lambda - 1)).toBeLessThan(0.03);
    }
    // P(X = 0) = e^-lambda for the Poisson distribution.
    const zeros = draws(100_000, () => rng.poisson(2)).filter((x) => x === 0).length / 100_000;
    expect(Math.abs(zeros - Math.exp(-2))).toBeLessThan(0.005);
    expect(rng.poisson(0)).toBe(0);
    expect(() => samplePoisson(() => 0.5, -1)).toThrow(/samplePoisson: lambda must be a finite number ≥ 0, got -1/);
  });

  it('chooses by weights in proportion to the weights, never a zero weight', () => {
    const rng = createRandom(6);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 100_000; i++) counts[rng.weightedIndex([5, 3, 0, 2])]!++;
    expect(counts[2]).toBe(0);
    expect(counts[0]! / 100_000).toBeCloseTo(0.5, 2);
    expect(counts[1]! / 100_000).toBeCloseTo(0.3, 2);
    expect(counts[3]! / 100_000).toBeCloseTo(0.2, 2);
    expect(rng.choice(['only'], [1])).toBe('only');
    const cumulative = Float64Array.from([5, 8, 8, 10]);
    const viaCumulative = [0, 0, 0, 0];
    for (let i = 0; i < 100_000; i++) viaCumulative[sampleCumulative(rng.uniformSource, cumulative)]!++;
    expect(viaCumulative[2]).toBe(0);
    expect(viaCumulative[0]! / 100_000).toBeCloseTo(0.5, 2);
  });

  it('rejects weights that are negative, NaN or all zero, naming the weight', () => {
    expect(() => sampleWeighted(() => 0.5, [1, -1])).toThrow(
      /sampleWeighted: weights\[1\] must be a finite number ≥ 0, got -1/,
    );
    expect(() => sampleWeighted(() => 0.5, [0, Number.NaN])).toThrow(/weights\[1\].*NaN/);
    expect(() => sampleWeighted(() => 0.5, [0, 0])).toThrow(/at least one positive weight/);
    expect(() => createRandom(1).choice([], [])).toThrow(/Random\.choice: items must be a non-empty array/);
    expect(() => createRandom(1).choice(['a', 'b'], [1])).toThrow(/one weight per item \(2\)/);
  });

  it('shuffles to a permutation, the same one for the same seed', () => {
    const a = createRandom(7).shuffle(Array.from({ length: 100 }, (_, i) => i));
    const b = createRandom(7).shuffle(Array.from({ length: 100 }, (_, i) => i));
    expect(a).toEqual(b);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(a).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
    const typed = createRandom(7).shuffle(Uint32Array.from({ length: 100 }, (_, i) => i));
    expect(Array.from(typed)).toEqual(a);
  });

  it('forks streams that depend on the seed and label, not on how far the parent has drawn', () => {
    const parent = createRandom(9);
    const early = parent.fork('mixed-1.txt').next();
    for (let i = 0; i < 1000; i++) parent.next();
    expect(parent.fork('mixed-1.txt').next()).toBe(early);
    expect(parent.fork('mixed-2.txt').next()).not.toBe(early);
    expect(createRandom(10).fork('mixed-1.txt').next()).not.toBe(early);
    expect(mixSeed(9, 'a')).not.toBe(mixSeed(9, 'b'));
    expect(mixSeed(9, 'a')).toBe(mixSeed(9, 'a'));
  });
});
