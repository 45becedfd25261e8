import { describe, expect, it } from 'vitest';
import { float32FromBits, float32Hex } from '../../src/model/float32.js';
import { logisticGradient, logisticGradientPairs } from '../../src/model/logistic-gradient.js';

// logisticGradientPairs repeats glibc expf's arithmetic inline (for speed); logisticGradient calls
// the expf port that test/model/predict-float32.test.ts checks against glibc itself. The two must
// give the same float32 bits for every margin training can meet: every 1021st float32 bit pattern
// from −128 to 128 (2.2 million margins), a 2^-10 grid over [−1, 1] with its neighbours, the
// edges of expf's range, ±0, ±Infinity and NaN, with and without weights and scale_pos_weight.

/** mulberry32: a small seeded generator for the test's own data. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function margins(): Float32Array {
  const out: number[] = [0, -0, Infinity, -Infinity, Number.NaN, 88.7, -88.7, 103.97207, 103.97208, 1e-30, -1e-30];
  // Every 1021st float32 bit pattern over [−128, 128] (both signs).
  for (const sign of [0, 0x80000000]) {
    for (let bits = 0; bits <= 0x43000000; bits += 1021) out.push(float32FromBits((bits | sign) >>> 0));
  }
  // Every float32 in [−1, 1] on a 2^-10 grid and its neighbours.
  for (let k = -1024; k <= 1024; k++) {
    const v = Math.fround(k / 1024);
    out.push(v, Math.fround(v + 2 ** -30), Math.fround(v - 2 ** -30));
  }
  return Float32Array.from(out);
}

describe('logisticGradientPairs', () => {
  const m = margins();
  const n = m.length;
  const u = rng(3);
  const labels = Float32Array.from({ length: n }, () => (u() < 0.3 ? 1 : u() < 0.1 ? u() : 0));
  const weights = Float32Array.from({ length: n }, () => (u() < 0.1 ? 0 : Math.fround(u() * 4)));
  const everyRow = Uint32Array.from({ length: n }, (_, i) => i);

  for (const [title, scalePosWeight, w] of [
    ['unweighted', 1, undefined],
    ['with scale_pos_weight 7.5', 7.5, undefined],
    ['with instance weights and scale_pos_weight 3', 3, weights],
  ] as const) {
    it(`gives the bits of the expf-based logisticGradient for ${n.toLocaleString('en-US')} margins, ${title}`, () => {
      const grad = new Float32Array(n);
      const hess = new Float32Array(n);
      logisticGradient(m, labels, scalePosWeight, grad, hess, w);
      const gh = new Float64Array(2 * n);
      logisticGradientPairs(m, labels, scalePosWeight, gh, w, everyRow, n);
      // Float32 bits side by side: the pairs narrowed to float32 (exact: they hold float32 values).
      const pairs = new Uint32Array(Float32Array.from(gh).buffer);
      const gBits = new Uint32Array(grad.buffer);
      const hBits = new Uint32Array(hess.buffer);
      const mismatches: string[] = [];
      for (let r = 0; r < n && mismatches.length < 5; r++) {
        if (pairs[2 * r] !== gBits[r] || pairs[2 * r + 1] !== hBits[r]) {
          mismatches.push(`margin ${float32Hex(m[r]!)}: (${gh[2 * r]}, ${gh[2 * r + 1]}) vs (${grad[r]}, ${hess[r]})`);
        }
      }
      expect(mismatches).toEqual([]);
      // The pairs hold float32 values (the histograms sum exactly these).
      expect(gh.every((v) => Number.isNaN(v) || Math.fround(v) === v)).toBe(true);
    });
  }

  it('writes only the rows it is given, at 2r and 2r + 1', () => {
    const gh = new Float64Array(8).fill(-7);
    logisticGradientPairs(
      Float32Array.of(0, 0, 0, 0),
      Float32Array.of(0, 1, 0, 1),
      1,
      gh,
      undefined,
      Uint32Array.of(1, 3),
      2,
    );
    expect(Array.from(gh)).toEqual([-7, -7, -0.5, 0.25, -7, -7, -0.5, 0.25]);
  });
});
