import { parseNumberBytes } from '../frame/parse-number.js';

const DASH = 0x2d;
const COLON = 0x3a;
const DOT = 0x2e;
const MS_PER_DAY = 86_400_000;

/**
 * Parses a timestamp from `bytes[start..end)` into epoch milliseconds, or `NaN` when it is not one.
 * Accepted forms:
 *
 * - the log's own `YYYY-MM-DD HH:MM:SS.mmm` (fast path; any number of fraction digits, or none),
 *   and `YYYY-MM-DD HH:MM`, `YYYY-MM-DD`;
 * - ISO-8601 with `T` instead of the space, and a zone `Z` or `±HH:MM` / `±HHMM` / `±HH`;
 * - a plain number: epoch time in milliseconds, multiplied by `epochScale` (1000 for seconds);
 *   `epochScale` 0 detects the unit per value ({@link EPOCH_SECONDS_BELOW}): a number of magnitude
 *   below 1e11 is seconds (1e11 seconds is the year 5138, 1e11 milliseconds 1973-03-03), else milliseconds.
 *
 * **Time zone rule: a timestamp without a zone is UTC** (not the machine's local zone), so the
 * same file gives the same times everywhere. Fields are range-checked (month 1–12, a real day of
 * that month, hour < 24, minute and second < 60); `2019-02-30` is `NaN`, never rolled over.
 *
 * @example
 * ```ts
 * const b = Buffer.from('2019-07-01 12:34:56.789');
 * parseTimeBytes(b, 0, b.length);                                  // 1561984496789
 * parseTime('2019-07-01T14:34:56.789+02:00');                      // 1561984496789
 * parseTime('1561984496789');                                      // 1561984496789
 * parseTime('1561984496', 1000);                                   // 1561984496000
 * parseTime('1561984496', 0);                                      // 1561984496000 (seconds, detected)
 * ```
 */
export function parseTimeBytes(bytes: Uint8Array, start: number, end: number, epochScale = 1): number {
  if (end - start === 23) {
    const fast = parseFixed(bytes, start);
    if (fast === fast) return fast;
  }
  if (end - start >= 10 && bytes[start + 4] === DASH && bytes[start + 7] === DASH) return parseIso(bytes, start, end);
  const value = parseNumberBytes(bytes, start, end);
  if (value === undefined || !Number.isFinite(value)) return Number.NaN;
  if (epochScale === 0) return Math.abs(value) < EPOCH_SECONDS_BELOW ? value * 1000 : value;
  return value * epochScale;
}

/** With the unit detected (`epochScale` 0), epoch numbers of magnitude below this are seconds, others milliseconds. */
export const EPOCH_SECONDS_BELOW = 1e11;

/**
 * {@link parseTimeBytes} on a string.
 *
 * @example
 * ```ts
 * parseTime('2019-07-01 00:00:00'); // 1561939200000 (UTC)
 * parseTime('yesterday');           // NaN
 * ```
 */
export function parseTime(text: string, epochScale = 1): number {
  const bytes = Buffer.from(text, 'latin1');
  return parseTimeBytes(bytes, 0, bytes.length, epochScale);
}

let cachedDate = -1;
let cachedDayMs = 0;

/**
 * The fixed-width `YYYY-MM-DD HH:MM:SS.mmm` of the product's logs, or NaN to fall back to the
 * general parser. Consecutive events share their date, so the date's milliseconds are cached by
 * its digits packed into one integer.
 */
export function parseFixed(b: Uint8Array, s: number): number {
  if (
    b[s + 4] !== DASH ||
    b[s + 7] !== DASH ||
    b[s + 10] !== 0x20 ||
    b[s + 13] !== COLON ||
    b[s + 16] !== COLON ||
    b[s + 19] !== DOT
  )
    return Number.NaN;
  const y0 = b[s]! - 48,
    y1 = b[s + 1]! - 48,
    y2 = b[s + 2]! - 48,
    y3 = b[s + 3]! - 48;
  const mo0 = b[s + 5]! - 48,
    mo1 = b[s + 6]! - 48,
    d0 = b[s + 8]! - 48,
    d1 = b[s + 9]! - 48;
  const h0 = b[s + 11]! - 48,
    h1 = b[s + 12]! - 48,
    mi0 = b[s + 14]! - 48,
    mi1 = b[s + 15]! - 48;
  const s0 = b[s + 17]! - 48,
    s1 = b[s + 18]! - 48,
    f0 = b[s + 20]! - 48,
    f1 = b[s + 21]! - 48,
    f2 = b[s + 22]! - 48;
  // One unsigned test per digit: a byte below '0' wraps to a large number.
  if (
    y0 >>> 0 > 9 ||
    y1 >>> 0 > 9 ||
    y2 >>> 0 > 9 ||
    y3 >>> 0 > 9 ||
    mo0 >>> 0 > 9 ||
    mo1 >>> 0 > 9 ||
    d0 >>> 0 > 9 ||
    d1 >>> 0 > 9
  )
    return Number.NaN;
  if (
    h0 >>> 0 > 9 ||
    h1 >>> 0 > 9 ||
    mi0 >>> 0 > 9 ||
    mi1 >>> 0 > 9 ||
    s0 >>> 0 > 9 ||
    s1 >>> 0 > 9 ||
    f0 >>> 0 > 9 ||
    f1 >>> 0 > 9 ||
    f2 >>> 0 > 9
  )
    return Number.NaN;
  const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const month = mo0 * 10 + mo1;
  const day = d0 * 10 + d1;
  const date = year * 10000 + month * 100 + day;
  let dayMs: number;
  if (date === cachedDate) {
    dayMs = cachedDayMs;
  } else {
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return Number.NaN;
    dayMs = daysFromCivil(year, month, day) * MS_PER_DAY;
    cachedDate = date;
    cachedDayMs = dayMs;
  }
  const hour = h0 * 10 + h1;
  const minute = mi0 * 10 + mi1;
  const second = s0 * 10 + s1;
  if (hour > 23 || minute > 59 || second > 59) return Number.NaN;
  return dayMs + hour * 3_600_000 + minute * 60_000 + second * 1000 + f0 * 100 + f1 * 10 + f2;
}

function parseIso(b: Uint8Array, s: number, e: number): number {
  const year = digits(b, s, 4);
  const month = digits(b, s + 5, 2);
  const day = digits(b, s + 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return Number.NaN;
  let ms = daysFromCivil(year, month, day) * MS_PER_DAY;
  let p = s + 10;
  if (p === e) return ms;
  const sep = b[p];
  if (sep !== 0x20 && sep !== 0x54 && sep !== 0x74) return Number.NaN;
  p++;
  if (e - p < 5 || b[p + 2] !== COLON) return Number.NaN;
  const hour = digits(b, p, 2);
  const minute = digits(b, p + 3, 2);
  p += 5;
  let second = 0;
  if (p < e && b[p] === COLON) {
    if (e - p < 3) return Number.NaN;
    second = digits(b, p + 1, 2);
    p += 3;
  }
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return Number.NaN;
  ms += hour * 3_600_000 + minute * 60_000 + second * 1000;
  if (p < e && b[p] === DOT) {
    p++;
    let fraction = 0;
    let scale = 1;
    const from = p;
    while (p < e) {
      const d = b[p]! - 0x30;
      if (d < 0 || d > 9) break;
      // Digits beyond microseconds cannot change a double of epoch milliseconds meaningfully.
      if (scale < 1e9) {
        fraction = fraction * 10 + d;
        scale *= 10;
      }
      p++;
    }
    if (p === from) return Number.NaN;
    ms += (fraction * 1000) / scale;
  }
  if (p === e) return ms;
  const zone = b[p];
  if ((zone === 0x5a || zone === 0x7a) && p + 1 === e) return ms;
  if (zone !== 0x2b && zone !== DASH) return Number.NaN;
  p++;
  const zh = digits(b, p, 2);
  p += 2;
  let zm = 0;
  if (p < e && b[p] === COLON) p++;
  if (p < e) {
    zm = digits(b, p, 2);
    p += 2;
  }
  if (p !== e || zh < 0 || zh > 23 || zm < 0 || zm > 59) return Number.NaN;
  const offset = (zh * 60 + zm) * 60_000;
  return zone === 0x2b ? ms - offset : ms + offset;
}

/** The non-negative integer of `count` ASCII digits at `at`, or -1. */
function digits(b: Uint8Array, at: number, count: number): number {
  let value = 0;
  for (let i = 0; i < count; i++) {
    const d = b[at + i]! - 0x30;
    if (!(d >= 0 && d <= 9)) return -1;
    value = value * 10 + d;
  }
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
 *
 * @example
 * ```ts
 * daysFromCivil(2019, 7, 1); // 18078
 * daysFromCivil(1969, 12, 31); // -1
 * ```
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}
