import { describe, expect, it } from 'vitest';
import {
  equalWords,
  I_LABEL,
  ID_BYTES,
  SessionRecords,
  storeWords,
  wordsOf,
} from '../../src/events/session-records.js';
import { hashBytes } from '../../src/frame/byte-dictionary.js';

const viewOf = (bytes: Buffer): DataView => new DataView(bytes.buffer, bytes.byteOffset, bytes.length);

describe('SessionRecords: the reader per-session state and its index by session id', () => {
  const ids = Array.from({ length: 5000 }, (_, s) => Buffer.from(`session-${s * 7919}`));

  it('finds every indexed session by its id bytes and hash, through the growth of the table and the records', () => {
    const records = new SessionRecords(3);
    ids.forEach((id, s) => {
      records.ensure(s + 1);
      records.i32[s * records.stride + I_LABEL] = s % 2;
      records.index(s, viewOf(id), 0, id.length, hashBytes(id, 0, id.length));
    });
    expect(records.capacity).toBeGreaterThanOrEqual(ids.length);
    ids.forEach((id, s) => {
      expect(records.find(viewOf(id), 0, id.length, hashBytes(id, 0, id.length))).toBe(s);
      expect(records.i32[s * records.stride + I_LABEL]).toBe(s % 2);
    });
  });

  it('answers -1 for an id never indexed, one differing in a byte or in length, and one whose hash collides', () => {
    const records = new SessionRecords(0);
    records.ensure(1);
    const id = Buffer.from('abc-17');
    const h = hashBytes(id, 0, id.length);
    records.index(0, viewOf(id), 0, id.length, h);
    const other = Buffer.from('abc-18');
    expect(records.find(viewOf(other), 0, other.length, hashBytes(other, 0, other.length))).toBe(-1);
    expect(records.find(viewOf(other), 0, other.length, h)).toBe(-1);
    expect(records.find(viewOf(id), 0, id.length - 1, h)).toBe(-1);
    // The same bytes inside a longer buffer are the same id.
    const row = Buffer.from('x\tabc-17\ty');
    expect(records.find(viewOf(row), 2, 6, h)).toBe(0);
  });

  it(`does not index an id longer than ${ID_BYTES} bytes (the reader looks it up in its dictionary instead)`, () => {
    const records = new SessionRecords(1);
    records.ensure(1);
    const long = Buffer.from('x'.repeat(ID_BYTES + 1));
    const h = hashBytes(long, 0, long.length);
    records.index(0, viewOf(long), 0, long.length, h);
    expect(records.find(viewOf(long), 0, long.length, h)).toBe(-1);
  });
});

describe('storeWords / equalWords: bytes compared four at a time', () => {
  it('tells every byte string of 0 to 13 bytes from the same string with any one byte changed', () => {
    const row = Buffer.from('\tabcdefghijklm\t');
    for (let length = 0; length <= 13; length++) {
      const words = new Int32Array(wordsOf(length));
      storeWords(viewOf(row), 1, length, words, 0);
      expect(equalWords(viewOf(row), 1, length, words, 0)).toBe(true);
      for (let i = 0; i < length; i++) {
        const changed = Buffer.from(row);
        changed[1 + i] = changed[1 + i]! ^ 0x20;
        expect(equalWords(viewOf(changed), 1, length, words, 0)).toBe(false);
      }
    }
  });
});
