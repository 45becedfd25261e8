/**
 * The per-round gradient of `binary:logistic` for every row, XGBoost 1.7.4's float32 arithmetic:
 * `p = sigmoid(m)`, `g = p − y`, `h = max(p·(1 − p), 1e-16)`, positive rows scaled by
 * `scale_pos_weight`. The sigmoid runs glibc's `expf` algorithm (the same results as
 * {@link expf} in `expf.ts`, bit for bit) with the table scale applied as a multiplication by a
 * power of two instead of bit surgery on a shared buffer, which is several times faster in V8 and
 * matters here: it runs once per row per round.
 */

const N = 32;
const INV_LN2_N = 1.4426950408889634 * N; // 0x1.71547652b82fep+0
const SHIFT = 6755399441055744; // 0x1.8p+52
const C0 = 0.05550361559341535 / N / N / N; // 0x1.c6af84b912394p-5
const C1 = 0.2402284522445722 / N / N; // 0x1.ebfce50fac4f3p-3
const C2 = 0.6931471806916203 / N; // 0x1.62e42ff0c52d6p-1
const OVERFLOW = 88.72283172607422; // 0x1.62e42ep6
const UNDERFLOW = -103.97207641601562; // -0x1.9fe368p6

/** 2^(j/32) for j = 0..31: glibc's `__exp2f_data.tab` with its `j << 47` adjustment undone. */
const EXP2_TABLE = new Float64Array(N);
/** 2^e for e = −160..159, indexed by e + 160. */
const POW2 = new Float64Array(320);
{
  const TAB = [
    0x3ff0000000000000n, 0x3fefd9b0d3158574n, 0x3fefb5586cf9890fn, 0x3fef9301d0125b51n,
    0x3fef72b83c7d517bn, 0x3fef54873168b9aan, 0x3fef387a6e756238n, 0x3fef1e9df51fdee1n,
    0x3fef06fe0a31b715n, 0x3feef1a7373aa9cbn, 0x3feedea64c123422n, 0x3feece086061892dn,
    0x3feebfdad5362a27n, 0x3feeb42b569d4f82n, 0x3feeab07dd485429n, 0x3feea47eb03a5585n,
    0x3feea09e667f3bcdn, 0x3fee9f75e8ec5f74n, 0x3feea11473eb0187n, 0x3feea589994cce13n,
    0x3feeace5422aa0dbn, 0x3feeb737b0cdc5e5n, 0x3feec49182a3f090n, 0x3feed503b23e255dn,
    0x3feee89f995ad3adn, 0x3feeff76f2fb5e47n, 0x3fef199bdd85529cn, 0x3fef3720dcef9069n,
    0x3fef5818dcfba487n, 0x3fef7c97337b9b5fn, 0x3fefa4afa2a490dan, 0x3fefd0765b6e4540n,
  ];
  const bits = new BigUint64Array(1);
  const asDouble = new Float64Array(bits.buffer);
  for (let j = 0; j < N; j++) {
    bits[0] = TAB[j]! + (BigInt(j) << 47n);
    EXP2_TABLE[j] = asDouble[0]!;
  }
  for (let e = -160; e < 160; e++) POW2[e + 160] = 2 ** e;
}

/**
 * glibc's `expf` for a float32 argument (result float32), bit-identical to `expf` in `expf.ts`.
 *
 * @example
 * ```ts
 * fastExpf(1); // 2.7182817459106445
 * ```
 */
export function fastExpf(x: number): number {
  x = Math.fround(x);
  if (x !== x) return x;
  if (x > OVERFLOW) return Infinity;
  if (x < UNDERFLOW) return 0;
  const z = INV_LN2_N * x;
  const kd = z + SHIFT - SHIFT; // z rounded to an integer, ties to even
  const r = z - kd;
  const k = kd | 0;
  // 2^(k/32) = 2^((k mod 32)/32) · 2^(k div 32), exact in double over the whole argument range.
  const s = EXP2_TABLE[k & 31]! * POW2[(k >> 5) + 160]!;
  const y = (C0 * r + C1) * (r * r) + (C2 * r + 1);
  return Math.fround(y * s);
}

const MAX_EXP_ARG = Math.fround(88.7);
const EPS = Math.fround(1e-16);

/**
 * Fills `grad` and `hess` for every row from float32 margins and labels, as XGBoost 1.7.4's
 * `LogisticRegression` objective does (`scalePosWeight` multiplies both for rows with label 1).
 *
 * @example
 * ```ts
 * logisticGradient(margins, labels, 1, grad, hess);
 * ```
 */
export function logisticGradient(
  margins: Float32Array,
  labels: Float32Array,
  scalePosWeight: number,
  grad: Float32Array,
  hess: Float32Array,
): void {
  const n = margins.length;
  for (let r = 0; r < n; r++) {
    const e = fastExpf(Math.min(-margins[r]!, MAX_EXP_ARG));
    const p = Math.fround(1 / Math.fround(Math.fround(e + 1) + EPS));
    const y = labels[r]!;
    let g = Math.fround(p - y);
    let h = Math.max(Math.fround(p * Math.fround(1 - p)), EPS);
    if (scalePosWeight !== 1 && y === 1) {
      g = Math.fround(g * scalePosWeight);
      h = Math.fround(h * scalePosWeight);
    }
    grad[r] = g;
    hess[r] = h;
  }
}
