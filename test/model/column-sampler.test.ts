import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ColumnSampler, colSample, stdShuffle, uniformIntBelow } from '../../src/model/column-sampler.js';
import { Mt19937 } from '../../src/model/mt19937.js';

// Expected values: std_shuffle_reference.cpp beside the fixtures, compiled by Debian's g++ 12.2
// (libstdc++ 12, the library python3-xgboost 1.7.4 was built against) and run; its output is
// std_shuffle_reference.json. The program is XGBoost 1.7.4's ColumnSampler::ColSample
// (src/common/random.cc) on std::mt19937 and std::shuffle.
const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/xgboost/colsample');
const reference = JSON.parse(readFileSync(path.join(dir, 'std_shuffle_reference.json'), 'utf8')) as {
  shuffles: { seed: number; n: number; head: number[]; nextOutput: number }[];
  colsamples: {
    seed: number;
    columns: number;
    bytree: number;
    bylevel: number;
    bynode: number;
    tree: number[];
    level: number[];
    node: number[];
  }[];
};

describe('std::shuffle as libstdc++ 12 draws it', () => {
  it.each(reference.shuffles.map((c) => [c.seed, c.n, c] as const))(
    'permutes 0..n-1 for seed %i, n = %i exactly as g++ 12 does, consuming the same number of mt19937 outputs',
    (seed, n, c) => {
      const rng = new Mt19937(seed);
      const values = Uint32Array.from({ length: n }, (_, i) => i);
      stdShuffle(values, rng);
      expect(Array.from(values.subarray(0, c.head.length))).toEqual(c.head);
      expect(rng.next()).toBe(c.nextOutput);
    },
  );

  it('keeps an empty range untouched and draws nothing', () => {
    const rng = new Mt19937(5489);
    stdShuffle(new Uint32Array(0), rng);
    expect(rng.next()).toBe(3499211612);
  });
});

describe('uniform_int_distribution over a 32-bit range (Lemire, as libstdc++ 12)', () => {
  it('stays below the range and rejects the biased low products', () => {
    const rng = new Mt19937(11);
    for (const range of [1, 2, 3, 7, 1000, 2 ** 31 + 1, 4294967295]) {
      for (let i = 0; i < 200; i++) {
        const x = uniformIntBelow(rng, range);
        expect(Number.isInteger(x) && x >= 0 && x < range).toBe(true);
      }
    }
  });

  it('maps a draw x to ⌊x·range / 2^32⌋ when no rejection happens (the high word of the 64-bit product)', () => {
    const a = new Mt19937(3);
    const b = new Mt19937(3);
    for (let i = 0; i < 100; i++) {
      const range = 1 + i * 40_000_003;
      const x = a.next();
      const expected = Number((BigInt(x) * BigInt(range)) >> 32n);
      const low = Number((BigInt(x) * BigInt(range)) & 0xffffffffn);
      if (low >= (2 ** 32 - range) % range) expect(uniformIntBelow(b, range)).toBe(expected);
      else break;
    }
  });
});

describe('ColumnSampler (XGBoost 1.7.4 common::ColumnSampler without feature weights)', () => {
  it.each(reference.colsamples.map((c) => [c.seed, c.columns, c.bytree, c.bylevel, c.bynode, c] as const))(
    'seed %i, %i columns, bytree %s, bylevel %s, bynode %s: the tree, level and node sets equal the C++ reference',
    (seed, columns, bytree, bylevel, bynode, c) => {
      const rng = new Mt19937(seed);
      const all = Uint32Array.from({ length: columns }, (_, i) => i);
      const tree = colSample(all, Math.fround(bytree), rng);
      const level = colSample(tree, Math.fround(bylevel), rng);
      const node = colSample(level, Math.fround(bynode), rng);
      expect([Array.from(tree), Array.from(level), Array.from(node)]).toEqual([c.tree, c.level, c.node]);
      // The sampler object takes the same draws: Init (by tree), then depth 0 (by level, then by node).
      const sampler = new ColumnSampler(seed);
      sampler.init(columns, Math.fround(bynode), Math.fround(bylevel), Math.fround(bytree));
      expect(Array.from(sampler.featureSet(0))).toEqual(c.node);
    },
  );

  it('keeps at least one column and truncates colsample·n in float32 (0.3 of 5 columns is 1)', () => {
    const rng = new Mt19937(1);
    const all = Uint32Array.from({ length: 5 }, (_, i) => i);
    expect(colSample(all, Math.fround(0.3), rng).length).toBe(1);
    expect(colSample(all, Math.fround(0.01), rng).length).toBe(1);
    expect(colSample(all, Math.fround(0.8), rng).length).toBe(4);
  });

  it('returns the whole set without drawing when colsample is 1', () => {
    const sampler = new ColumnSampler(9);
    sampler.init(4, 1, 1, 1);
    expect(sampler.samples).toBe(false);
    expect(Array.from(sampler.featureSet(3))).toEqual([0, 1, 2, 3]);
  });

  it('samples a level once per depth and a node at every call, from the tree set of the last init', () => {
    const sampler = new ColumnSampler(21);
    sampler.init(30, 1, Math.fround(0.5), Math.fround(0.8));
    const level = Array.from(sampler.featureSet(2));
    expect(Array.from(sampler.featureSet(2))).toEqual(level);
    expect(level.length).toBe(12);
    const byNode = new ColumnSampler(21);
    byNode.init(30, Math.fround(0.5), 1, 1);
    const first = Array.from(byNode.featureSet(1));
    const second = Array.from(byNode.featureSet(1));
    expect(first.length).toBe(15);
    expect(second).not.toEqual(first);
  });
});
