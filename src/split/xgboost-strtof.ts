/**
 * Reads a number the way XGBoost 1.7.4 reads a CSV field: `dmlc::strtof` (`ParseFloat<float>` in
 * dmlc-core's `strtonum.h`), emulated step by step in float32 arithmetic. That parser is fast but
 * not correctly rounded: the integer part, the fraction (at most 19 digits, divided in double)
 * and the power of ten (built by float32 multiplications) are each rounded to float32 and then
 * combined, so `"1.2202834e-32"` reads as a different float32 than C's `strtof` gives. The CSV
 * writer uses this to choose text that XGBoost reads back exactly. Returns `NaN` for text it
 * would not read as a number.
 *
 * @example
 * ```ts
 * xgboostStrtof('0.1') === Math.fround(0.1);            // true
 * xgboostStrtof('1.2202834e-32') === Math.fround(1.2202834e-32); // false: XGBoost reads the float32 below
 * ```
 */
export function xgboostStrtof(text: string): number {
  const plain = plainDecimal(text);
  if (plain !== undefined) return plain;
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?)(\d+))?$/.exec(text);
  if (match === null || (match[2] === '' && (match[3] ?? '') === '')) return Number.NaN;
  const [, sign, intDigits, fracDigits = '', expSign, expDigits] = match;
  // uint64 accumulation (wrapping past 2^64); up to 15 digits a double holds it exactly.
  const integer =
    intDigits === '' ? 0 : intDigits!.length <= 15 ? Number(intDigits) : Number(BigInt.asUintN(64, BigInt(intDigits!)));
  let value = Math.fround(integer);
  if (fracDigits !== '') {
    const kept = fracDigits.slice(0, 19);
    // uint64 → double rounds to nearest like Number() of the digit string.
    const val2 = kept === '' ? 0 : Number(kept);
    const pow10 = 10 ** kept.length;
    value = Math.fround(value + Math.fround(val2 / pow10));
  }
  if (expDigits !== undefined) {
    const expon = Math.min(Number(expDigits), 38);
    const frac = expSign === '-';
    if (expon === 38 && ((!frac && value > Math.fround(3.402823466)) || (frac && value < Math.fround(1.175494351)))) {
      value = frac ? Math.fround(1.175494351) : Math.fround(3.402823466);
    }
    const scale = xgboostPowerOfTen(expon);
    value = Math.fround(frac ? value / scale : value * scale);
  }
  return sign === '-' ? -value : value;
}

/**
 * The power of ten XGBoost's CSV parser scales by for an exponent `k` (0 to 38): built in float32
 * by multiplying by 1e8 while `k >= 8`, then by 10, so it is inexact above 10^10.
 *
 * @example
 * ```ts
 * xgboostPowerOfTen(3);  // 1000
 * xgboostPowerOfTen(20) === Math.fround(1e20); // false: the float32 product chain drifts
 * ```
 */
export function xgboostPowerOfTen(k: number): number {
  let expon = k;
  let scale = 1;
  while (expon >= 8) {
    scale = Math.fround(scale * 1e8);
    expon -= 8;
  }
  while (expon > 0) {
    scale = Math.fround(scale * 10);
    expon -= 1;
  }
  return scale;
}

/**
 * {@link xgboostStrtof} of unsigned positional text (`619.4566`, `12`), the CSV writer's usual case, without the
 * regular expression: the same steps on the same digits. `undefined` for any other text.
 */
function plainDecimal(text: string): number | undefined {
  const length = text.length;
  let point = -1;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 && point < 0) point = i;
    else if (c < 48 || c > 57) return undefined;
  }
  if (length === 0 || point === 0 || point === length - 1) return undefined;
  const intDigits = point < 0 ? text : text.slice(0, point);
  if (intDigits.length > 15) return undefined;
  let value = Math.fround(Number(intDigits));
  if (point > 0) {
    const kept = text.slice(point + 1, point + 20);
    value = Math.fround(value + Math.fround(Number(kept) / 10 ** kept.length));
  }
  return value;
}
