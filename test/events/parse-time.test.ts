import { describe, expect, it } from 'vitest';
import { daysFromCivil, parseTime } from '../../src/events/parse-time.js';

// Expected values come from ECMAScript's own Date (Date.UTC / Date.parse of ISO strings with a zone).
describe('parseTime', () => {
  it("reads the log's YYYY-MM-DD HH:MM:SS.mmm as UTC", () => {
    expect(parseTime('2019-07-01 12:34:56.789')).toBe(Date.UTC(2019, 6, 1, 12, 34, 56, 789));
    expect(parseTime('1999-12-31 23:59:59.999')).toBe(Date.UTC(1999, 11, 31, 23, 59, 59, 999));
    expect(parseTime('2020-02-29 00:00:00.000')).toBe(Date.UTC(2020, 1, 29));
  });

  it('agrees with Date.parse on ISO-8601 with T, Z and offsets over many random instants', () => {
    let seed = 7;
    const next = (): number => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    for (let i = 0; i < 2000; i++) {
      const ms = Math.floor((next() - 0.3) * 4e12);
      const iso = new Date(ms).toISOString(); // e.g. 2019-07-01T12:34:56.789Z
      expect(parseTime(iso), iso).toBe(Date.parse(iso));
      expect(parseTime(iso.replace('T', ' ').replace('Z', '')), iso).toBe(ms);
      const offset = iso.replace('Z', '+05:30');
      expect(parseTime(offset), offset).toBe(Date.parse(offset));
      const compact = iso.replace('Z', '-0800');
      expect(parseTime(compact), compact).toBe(Date.parse(iso.replace('Z', '-08:00')));
    }
  });

  it('reads shorter and longer forms: minutes only, no fraction, microseconds, date only', () => {
    expect(parseTime('2019-07-01 12:34')).toBe(Date.UTC(2019, 6, 1, 12, 34));
    expect(parseTime('2019-07-01 12:34:56')).toBe(Date.UTC(2019, 6, 1, 12, 34, 56));
    expect(parseTime('2019-07-01T12:34:56.5Z')).toBe(Date.UTC(2019, 6, 1, 12, 34, 56, 500));
    expect(parseTime('2019-07-01 12:34:56.789123')).toBeCloseTo(Date.UTC(2019, 6, 1, 12, 34, 56, 789) + 0.123, 6);
    expect(parseTime('2019-07-01')).toBe(Date.UTC(2019, 6, 1));
  });

  it('reads numbers as epoch milliseconds, or seconds with a scale', () => {
    expect(parseTime('1561984496789')).toBe(1561984496789);
    expect(parseTime('1561984496.5', 1000)).toBe(1561984496500);
  });

  it('returns NaN for impossible dates and times instead of rolling them over', () => {
    for (const text of [
      '2019-02-29 00:00:00.000',
      '2019-13-01 00:00:00.000',
      '2019-04-31',
      '2019-07-01 24:00:00.000',
      '2019-07-01 12:60:00',
      '2019-07-01 12:00:60.000',
    ]) {
      expect(parseTime(text), text).toBeNaN();
    }
  });

  it('returns NaN for text that is not a time', () => {
    for (const text of [
      '',
      'yesterday',
      '2019-07-01x',
      '2019-07-01 12',
      '2019-07-01 12:34:56.',
      '2019-07-01T12:34:56+5',
      '07/01/2019',
      'NaN',
      'Infinity',
    ]) {
      expect(parseTime(text), text).toBeNaN();
    }
  });

  it('counts days like the proleptic Gregorian calendar of Date.UTC, before 1970 too', () => {
    for (const [y, m, d] of [
      [1970, 1, 1],
      [1969, 12, 31],
      [1600, 2, 29],
      [2000, 3, 1],
      [2100, 2, 28],
      [1, 1, 1],
    ] as const) {
      const utc = new Date(0);
      utc.setUTCFullYear(y, m - 1, d);
      expect(daysFromCivil(y, m, d) * 86_400_000, `${y}-${m}-${d}`).toBe(utc.getTime());
    }
  });
});
