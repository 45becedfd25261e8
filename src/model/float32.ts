/**
 * Float32 helpers: rounding, bit patterns and the two ways XGBoost 1.7.4 prints a float32 —
 * shortest round-trip text with a capital `E` exponent in JSON (`5E-1`, `1.2345679E-1`, `-0E0`),
 * and `%.9g`-style text in tree dumps (`0.480000019`, `31.25`).
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * Rounds a number to the nearest float32 (ties to even), as C++ does when storing a `float`.
 *
 * @example
 * ```ts
 * fround(0.1); // 0.10000000149011612
 * ```
 */
export const fround: (x: number) => number = Math.fround;

/**
 * The IEEE-754 bit pattern of `x` as a float32.
 *
 * @example
 * ```ts
 * float32Bits(0.5); // 0x3f000000
 * ```
 */
export function float32Bits(x: number): number {
  f32[0] = x;
  return u32[0]!;
}

/**
 * The float32 whose bit pattern is `bits`.
 *
 * @example
 * ```ts
 * float32FromBits(0x3f000000); // 0.5
 * ```
 */
export function float32FromBits(bits: number): number {
  u32[0] = bits >>> 0;
  return f32[0]!;
}

/**
 * The float32 bit pattern of `x` as 8 lower-case hex digits, the form the fixtures' `predictions.csv`
 * uses.
 *
 * @example
 * ```ts
 * float32Hex(-0.6966292262077332); // 'bf32564b'
 * ```
 */
export function float32Hex(x: number): string {
  return float32Bits(x).toString(16).padStart(8, '0');
}

/**
 * The shortest decimal text that reads back as the same float32, in the format XGBoost 1.7.4's JSON
 * writer uses (Ryu `f2s`): digits, an optional point, a capital `E` and the exponent. Every result
 * contains `E`, so XGBoost reads it as a float, never as an integer.
 *
 * @example
 * ```ts
 * formatFloat32(0.5);       // '5E-1'
 * formatFloat32(20.610792); // '2.0610792E1'
 * formatFloat32(-0);        // '-0E0'
 * formatFloat32(3);         // '3E0'
 * ```
 */
export function formatFloat32(x: number): string {
  const v = Math.fround(x);
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (v === 0) return Object.is(v, -0) ? '-0E0' : '0E0';
  const { digits, exponent } = shortestDigits(v);
  const sign = v < 0 ? '-' : '';
  const mantissa = digits.length === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
  return `${sign}${mantissa}E${exponent}`;
}

/**
 * Parses text written by {@link formatFloat32} (or any decimal) into the nearest float32.
 *
 * @example
 * ```ts
 * parseFloat32('1.20000005E-1'); // 0.12000000476837158
 * ```
 */
export function parseFloat32(text: string): number {
  return Math.fround(Number(text));
}

/**
 * `printf("%.9g", x)` for a float32 value, the text XGBoost's `get_dump` writes for split
 * conditions, leaf values, gains and covers.
 *
 * @example
 * ```ts
 * formatFloat32G9(-0.48000002); // '-0.480000019'
 * formatFloat32G9(31.25);       // '31.25'
 * formatFloat32G9(1e-5);        // '9.99999975e-06'
 * ```
 */
export function formatFloat32G9(x: number): string {
  return formatG(Math.fround(x), 9);
}

/**
 * C's `%.<precision>g` for a finite or non-finite double (exact ties rounded to even, as glibc does).
 *
 * @example
 * ```ts
 * formatG(1e-7, 6);         // '1e-07'
 * formatG(-29.31640625, 9); // '-29.3164062'
 * ```
 */
export function formatG(x: number, precision: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const sign = x < 0 ? '-' : '';
  const abs = Math.abs(x);
  let text = abs.toExponential(precision - 1); // correctly rounded, but ties go away from zero
  const longer = abs.toExponential(precision);
  const at = longer.indexOf('e');
  if (longer[at - 1] === '5' && Number(longer) === abs) {
    const truncated = longer.slice(0, at - 1);
    const last = truncated.replace('.', '').slice(-1);
    if (Number(last) % 2 === 0) text = `${truncated.replace(/\.$/, '')}${longer.slice(at)}`;
  }
  const e = Number(text.slice(text.indexOf('e') + 1));
  const digits = text.slice(0, text.indexOf('e')).replace('.', '');
  if (e < -4 || e >= precision) {
    const mant = `${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ''}`
      .replace(/(\.\d*?)0+$/, '$1')
      .replace(/\.$/, '');
    const abse = Math.abs(e);
    return `${sign}${mant}e${e < 0 ? '-' : '+'}${abse < 10 ? `0${abse}` : abse}`;
  }
  const whole = e >= 0 ? digits.slice(0, e + 1).padEnd(e + 1, '0') : '0';
  const fraction = (e >= 0 ? digits.slice(e + 1) : '0'.repeat(-e - 1) + digits).replace(/0+$/, '');
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
}

/**
 * The shortest significant digits (and decimal exponent of the first digit) that round back to
 * the float32 `v`; among equally short candidates the one nearest `v`, as Ryu chooses.
 */
function shortestDigits(v: number): { digits: string; exponent: number } {
  const abs = Math.abs(v);
  for (let precision = 1; precision <= 9; precision++) {
    const nearest = abs.toExponential(precision - 1);
    const candidates = [nearest];
    if (precision < 9) candidates.push(...neighbours(nearest));
    let best: string | undefined;
    let bestDistance = Infinity;
    // An exact tie (v is halfway between two candidates) goes to the even digit, as in Ryu.
    const longer = abs.toExponential(precision);
    const tie = precision < 9 && Number(longer) === abs && longer[longer.indexOf('e') - 1] === '5';
    for (const text of candidates) {
      const back = Math.fround(Number(text));
      if (back !== abs) continue;
      const lastDigit = Number(text[text.indexOf('e') - 1]);
      const distance = tie ? (lastDigit % 2 === 0 ? 0 : 1) : Math.abs(Number(text) - abs);
      if (distance < bestDistance) {
        best = text;
        bestDistance = distance;
      }
    }
    if (best !== undefined) return splitExponential(best);
  }
  return splitExponential(abs.toExponential(8));
}

/** The decimals one unit in the last digit below and above `text` (`d.ddde±x` form). */
function neighbours(text: string): string[] {
  const at = text.indexOf('e');
  const digits = text.slice(0, at).replace('.', '');
  const exponent = Number(text.slice(at + 1));
  const n = BigInt(digits);
  const out: string[] = [];
  for (const m of [n - 1n, n + 1n]) {
    if (m <= 0n) continue;
    const s = m.toString();
    let e = exponent;
    if (s.length > digits.length) e += 1; // 99 + 1 = 100: carry into a new leading digit
    if (s.length < digits.length) e -= 1;
    out.push(`${s[0]}${s.length > 1 ? `.${s.slice(1)}` : ''}e${e}`);
  }
  return out;
}

function splitExponential(text: string): { digits: string; exponent: number } {
  const at = text.indexOf('e');
  const mant = text.slice(0, at).replace('.', '');
  const exponent = Number(text.slice(at + 1));
  const digits = mant.replace(/0+$/, '') || '0';
  return { digits, exponent };
}
