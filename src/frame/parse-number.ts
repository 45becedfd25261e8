/**
 * Parses a decimal number from `bytes[start..end)` without creating a string in the common case
 * (integers of up to 15 digits), returning `undefined` when the bytes are not a number. Accepted:
 * an optional sign, digits with an optional decimal point, an optional exponent (`1.5e-3`), and
 * the special values `NaN`/`nan`, `Infinity`/`inf` (either sign). Whitespace, thousands separators,
 * hexadecimal and empty input are not numbers. Decimal text converts exactly as `Number(text)`
 * does (correctly rounded), so values written with `String(x)` read back identical.
 *
 * @example
 * ```ts
 * const b = Buffer.from('42,-0.1,1e3,x');
 * parseNumberBytes(b, 0, 2);   // 42
 * parseNumberBytes(b, 3, 7);   // -0.1
 * parseNumberBytes(b, 8, 11);  // 1000
 * parseNumberBytes(b, 12, 13); // undefined
 * ```
 */
export function parseNumberBytes(bytes: Uint8Array, start: number, end: number): number | undefined {
  if (start >= end) return undefined;
  let i = start;
  let negative = false;
  const first = bytes[i]!;
  if (first === 0x2d || first === 0x2b) {
    negative = first === 0x2d;
    i++;
    if (i === end) return undefined;
  }
  // Fast path: a plain integer that fits exactly in a double without rounding concerns.
  if (end - i <= 15) {
    let value = 0;
    let j = i;
    for (; j < end; j++) {
      const d = bytes[j]! - 0x30;
      if (d < 0 || d > 9) break;
      value = value * 10 + d;
    }
    if (j === end) return negative ? -value : value;
  }
  return parseSlow(bytes, start, i, end, negative);
}

function parseSlow(bytes: Uint8Array, start: number, i: number, end: number, negative: boolean): number | undefined {
  let digits = 0;
  let j = i;
  while (j < end && isDigit(bytes[j]!)) {
    j++;
    digits++;
  }
  if (j < end && bytes[j] === 0x2e) {
    j++;
    while (j < end && isDigit(bytes[j]!)) {
      j++;
      digits++;
    }
  }
  if (digits > 0) {
    if (j < end && (bytes[j] === 0x65 || bytes[j] === 0x45)) {
      j++;
      if (j < end && (bytes[j] === 0x2b || bytes[j] === 0x2d)) j++;
      let expDigits = 0;
      while (j < end && isDigit(bytes[j]!)) {
        j++;
        expDigits++;
      }
      if (expDigits === 0) return undefined;
    }
    if (j !== end) return undefined;
    return Number(Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1'));
  }
  const word = Buffer.from(bytes.buffer, bytes.byteOffset + i, end - i)
    .toString('latin1')
    .toLowerCase();
  if (word === 'nan') return Number.NaN;
  if (word === 'inf' || word === 'infinity') return negative ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  return undefined;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * Formats a number so that {@link parseNumberBytes} (and `Number`) read back exactly the same
 * double: the shortest round-trip form `String(x)` (and `-0` for negative zero); `NaN` (a missing
 * value) is the empty string.
 *
 * @example
 * ```ts
 * formatNumber(0.1 + 0.2); // '0.30000000000000004'
 * formatNumber(NaN);       // ''
 * ```
 */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return '';
  return Object.is(value, -0) ? '-0' : String(value);
}
