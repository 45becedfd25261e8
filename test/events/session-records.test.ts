import { describe, expect, it } from 'vitest';
import { I_LABEL, ID_BYTES, SessionRecords } from '../../src/events/session-records.js';
import { hashBytes } from '../../src/frame/byte-dictionary.js';

describe('SessionRecords: the reader per-session state and its index by session id', () => {
  const ids = Array.from({ length: 5000 }, (_, s) => Buffer.from(`session-${s * 7919}`));

  it('finds every indexed session by its id bytes and hash, through the growth of the table and the records', () => {
    const records = new SessionRecords(3);
    ids.forEach((id, s) => {
      records.ensure(s + 1);
      records.i32[s * records.stride + I_LABEL] = s % 2;
      records.index(s, id, 0, id.length, hashBytes(id, 0, id.length));
    });
    expect(records.capacity).toBeGreaterThanOrEqual(ids.length);
    ids.forEach((id, s) => {
      expect(records.find(id, 0, id.length, hashBytes(id, 0, id.length))).toBe(s);
      expect(records.i32[s * records.stride + I_LABEL]).toBe(s % 2);
    });
  });

  it('answers -1 for an id never indexed, one differing in a byte or in length, and one whose hash collides', () => {
    const records = new SessionRecords(0);
    records.ensure(1);
    const id = Buffer.from('abc-17');
    const h = hashBytes(id, 0, id.length);
    records.index(0, id, 0, id.length, h);
    const other = Buffer.from('abc-18');
    expect(records.find(other, 0, other.length, hashBytes(other, 0, other.length))).toBe(-1);
    expect(records.find(other, 0, other.length, h)).toBe(-1);
    expect(records.find(id, 0, id.length - 1, h)).toBe(-1);
    // The same bytes inside a longer buffer are the same id.
    const row = Buffer.from('x\tabc-17\ty');
    expect(records.find(row, 2, 8, h)).toBe(0);
  });

  it(`does not index an id longer than ${ID_BYTES} bytes (the reader looks it up in its dictionary instead)`, () => {
    const records = new SessionRecords(1);
    records.ensure(1);
    const long = Buffer.from('x'.repeat(ID_BYTES + 1));
    const h = hashBytes(long, 0, long.length);
    records.index(0, long, 0, long.length, h);
    expect(records.find(long, 0, long.length, h)).toBe(-1);
  });
});
