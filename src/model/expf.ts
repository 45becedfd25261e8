/**
 * Bit-exact float32 transcendental functions as XGBoost 1.7.4 sees them on glibc ≥ 2.28 (x86-64):
 * `expf` ported from glibc / ARM optimized-routines (32-entry table, degree-3 polynomial, double
 * arithmetic, no FMA), a correctly rounded `logf`, XGBoost's `common::Sigmoid`, and the base margin
 * of `binary:logistic`.
 */

/** Parses C99 hex-float text (`0x1.8p+52`) exactly; JavaScript has no hex-float literal. */
function hexFloat(text: string): number {
  const match = /^(-?)0x([0-9a-f]+)(?:\.([0-9a-f]*))?p([+-]?\d+)$/i.exec(text);
  if (match === null) throw new Error(`bad hex float ${text}`);
  const fraction = match[3] ?? '';
  const mantissa = Number(BigInt(`0x${match[2]}${fraction}`));
  const value = mantissa * 2 ** (Number(match[4]) - 4 * fraction.length);
  return match[1] === '-' ? -value : value;
}

const N = 32;
// Exported for the one loop that repeats expf's arithmetic inline (logisticGradientPairs).
/** 32/ln 2. */
export const INV_LN2_N = hexFloat('0x1.71547652b82fep+0') * N;
/** 1.5·2^52: `z + SHIFT − SHIFT` rounds z to an integer. */
export const SHIFT = hexFloat('0x1.8p+52');
/** The polynomial's coefficients, scaled for r = z − round(z). */
export const C0 = hexFloat('0x1.c6af84b912394p-5') / N / N / N;
export const C1 = hexFloat('0x1.ebfce50fac4f3p-3') / N / N;
export const C2 = hexFloat('0x1.62e42ff0c52d6p-1') / N;
const OVERFLOW = hexFloat('0x1.62e42ep6');
/** Below this expf is 0. */
export const UNDERFLOW = -hexFloat('0x1.9fe368p6');

/**
 * 2^(j/32) for j = 0..31: glibc's `__exp2f_data.tab` (which stores each entry with `j << 47`
 * subtracted from its bits) with that adjustment undone.
 */
export const EXP2_TABLE = new Float64Array(N);
/** 2^e for e = −160..159, indexed by e + 160. */
export const POW2 = new Float64Array(320);
{
  const TAB = [
    0x3ff0000000000000n,
    0x3fefd9b0d3158574n,
    0x3fefb5586cf9890fn,
    0x3fef9301d0125b51n,
    0x3fef72b83c7d517bn,
    0x3fef54873168b9aan,
    0x3fef387a6e756238n,
    0x3fef1e9df51fdee1n,
    0x3fef06fe0a31b715n,
    0x3feef1a7373aa9cbn,
    0x3feedea64c123422n,
    0x3feece086061892dn,
    0x3feebfdad5362a27n,
    0x3feeb42b569d4f82n,
    0x3feeab07dd485429n,
    0x3feea47eb03a5585n,
    0x3feea09e667f3bcdn,
    0x3fee9f75e8ec5f74n,
    0x3feea11473eb0187n,
    0x3feea589994cce13n,
    0x3feeace5422aa0dbn,
    0x3feeb737b0cdc5e5n,
    0x3feec49182a3f090n,
    0x3feed503b23e255dn,
    0x3feee89f995ad3adn,
    0x3feeff76f2fb5e47n,
    0x3fef199bdd85529cn,
    0x3fef3720dcef9069n,
    0x3fef5818dcfba487n,
    0x3fef7c97337b9b5fn,
    0x3fefa4afa2a490dan,
    0x3fefd0765b6e4540n,
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
 * `expf(x)` exactly as glibc ≥ 2.28 computes it on x86-64 (the C library XGBoost 1.7.4 calls),
 * for a float32 argument; the result is a float32. glibc's `expf` is not correctly rounded, so
 * `Math.fround(Math.exp(x))` differs in the last bit for about 0.07% of inputs; this port does not.
 * glibc adds `k << 47` to the table entry's bits; here the same scale is a product of two exact
 * powers of two, which gives the same double and is several times faster in V8.
 *
 * @example
 * ```ts
 * expf(1);   // 2.7182817459106445 (0x402df854)
 * expf(-88); // 6.0546676e-39
 * ```
 */
export function expf(x: number): number {
  x = Math.fround(x);
  if (x !== x) return x;
  if (x > OVERFLOW) return Infinity;
  if (x < UNDERFLOW) return 0;
  const z = INV_LN2_N * x;
  const kd = z + SHIFT - SHIFT; // z rounded to an integer (ties to even) in the low mantissa bits
  const r = z - kd;
  const k = kd | 0;
  const s = EXP2_TABLE[k & (N - 1)]! * POW2[(k >> 5) + 160]!;
  const y = (C0 * r + C1) * (r * r) + (C2 * r + 1);
  return Math.fround(y * s);
}

/** 1/c and log(c) for the 16 subintervals of [0x1.66p-1, 0x1.66p0), as glibc's `__logf_data.tab`. */
const LOG_INVC = [
  '0x1.661ec79f8f3bep+0',
  '0x1.571ed4aaf883dp+0',
  '0x1.49539f0f010bp+0',
  '0x1.3c995b0b80385p+0',
  '0x1.30d190c8864a5p+0',
  '0x1.25e227b0b8eap+0',
  '0x1.1bb4a4a1a343fp+0',
  '0x1.12358f08ae5bap+0',
  '0x1.0953f419900a7p+0',
  '0x1p+0',
  '0x1.e608cfd9a47acp-1',
  '0x1.ca4b31f026aap-1',
  '0x1.b2036576afce6p-1',
  '0x1.9c2d163a1aa2dp-1',
  '0x1.886e6037841edp-1',
  '0x1.767dcf5534862p-1',
].map(hexFloat);
const LOG_LOGC = [
  '-0x1.57bf7808caadep-2',
  '-0x1.2bef0a7c06ddbp-2',
  '-0x1.01eae7f513a67p-2',
  '-0x1.b31d8a68224e9p-3',
  '-0x1.6574f0ac07758p-3',
  '-0x1.1aa2bc79c81p-3',
  '-0x1.a4e76ce8c0e5ep-4',
  '-0x1.1973c5a611cccp-4',
  '-0x1.252f438e10c1ep-5',
  '0x0p+0',
  '0x1.aa5aa5df25984p-5',
  '0x1.c5e53aa362eb4p-4',
  '0x1.526e57720db08p-3',
  '0x1.bc2860d22477p-3',
  '0x1.1058bc8a07ee1p-2',
  '0x1.4043057b6ee09p-2',
].map(hexFloat);
const LN2 = hexFloat('0x1.62e42fefa39efp-1');
const LOG_A0 = hexFloat('-0x1.00ea348b88334p-2');
const LOG_A1 = hexFloat('0x1.5575b0be00b6ap-2');
const LOG_A2 = hexFloat('-0x1.ffffef20a4123p-2');
const LOG_OFF = 0x3f330000;

const bits32 = new Float32Array(1);
const word32 = new Uint32Array(bits32.buffer);

/**
 * `logf(x)` exactly as glibc ≥ 2.28 computes it on x86-64 (the `std::log(float)` XGBoost 1.7.4
 * uses for the base margin): x = 2^k·z, a 16-entry table of 1/c and log c, a degree-3 polynomial in
 * double arithmetic. glibc's `logf` is not correctly rounded: `Math.fround(Math.log(x))` differs
 * for about 0.5% of base scores.
 *
 * @example
 * ```ts
 * logf(Math.fround(1 / 0.3 - 1)); // 0.8472978472709656
 * ```
 */
export function logf(x: number): number {
  bits32[0] = x;
  let ix = word32[0]!;
  if (ix === 0x3f800000) return 0;
  if ((ix - 0x00800000) >>> 0 >= 0x7f800000 - 0x00800000) {
    // Zero, subnormal, negative, infinite or NaN.
    if ((ix & 0x7fffffff) === 0) return -Infinity;
    if (ix === 0x7f800000) return Infinity;
    if (ix >= 0x80000000 || ix >= 0x7f800000) return Number.NaN;
    bits32[0] = Math.fround(bits32[0] * 2 ** 23); // normalise a subnormal
    ix = word32[0]! - (23 << 23);
  }
  const tmp = (ix - LOG_OFF) >>> 0;
  const i = (tmp >>> 19) & 15;
  const k = (tmp | 0) >> 23;
  word32[0] = (ix - ((tmp & 0xff800000) >>> 0)) >>> 0;
  const z = bits32[0];
  const r = z * LOG_INVC[i]! - 1;
  const y0 = LOG_LOGC[i]! + k * LN2;
  const r2 = r * r;
  let y = LOG_A1 * r + LOG_A2;
  y = LOG_A0 * r2 + y;
  y = y * r2 + (y0 + r);
  return Math.fround(y);
}

const MAX_EXP_ARG = Math.fround(88.7);
const EPS = Math.fround(1e-16);

/**
 * XGBoost 1.7.4's `common::Sigmoid` in float32: `1 / (expf(min(−m, 88.7f)) + 1 + 1e-16f)`, the
 * probability `binary:logistic` gives for a margin.
 *
 * @example
 * ```ts
 * sigmoidF32(0);                  // 0.5
 * sigmoidF32(-0.6966292262077332); // 0.3325600028038025 (0x3eaa454e)
 * ```
 */
export function sigmoidF32(margin: number): number {
  const x = Math.min(-Math.fround(margin), MAX_EXP_ARG);
  const denominator = Math.fround(Math.fround(expf(x) + 1) + EPS);
  return Math.fround(1 / denominator);
}

/**
 * The starting margin of `binary:logistic` for a float32 `base_score` (a probability):
 * `−logf(1/bs − 1)` with `1/bs − 1` in float32. Zero for 0.5.
 *
 * @example
 * ```ts
 * baseMarginF32(0.5); // 0
 * ```
 */
export function baseMarginF32(baseScore: number): number {
  const bs = Math.fround(baseScore);
  const odds = Math.fround(Math.fround(1 / bs) - 1);
  return Math.fround(-logf(odds));
}
