import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseEventLog, readEventLog } from '../../src/events/read-event-log.js';
import { READER_SPARES, SpareBuffers } from '../../src/events/spare-buffers.js';

describe('SpareBuffers: working buffers handed back by one read and reused by the next', () => {
  it('hands out a new zero-filled buffer when none is spare', () => {
    const spares = new SpareBuffers(1 << 20);
    const buffer = spares.take(4096);
    expect(buffer.byteLength).toBe(4096);
    expect(new Uint8Array(buffer).every((b) => b === 0)).toBe(true);
  });

  it('reuses a given buffer for a request it covers, at most twice as large, once', () => {
    const spares = new SpareBuffers(1 << 20);
    const buffer = spares.take(4096);
    spares.give(buffer);
    expect(spares.keptBytes).toBe(4096);
    expect(spares.take(2049)).toBe(buffer);
    expect(spares.keptBytes).toBe(0);
    // Taken: a second request gets a buffer of its own.
    expect(spares.take(2049)).not.toBe(buffer);
  });

  it('does not reuse a buffer too small, or more than twice the request', () => {
    const spares = new SpareBuffers(1 << 20);
    const buffer = spares.take(4096);
    spares.give(buffer);
    expect(spares.take(4097)).not.toBe(buffer);
    expect(spares.take(2047)).not.toBe(buffer);
    expect(spares.take(4096)).toBe(buffer);
  });

  it('picks the smallest spare buffer that covers the request', () => {
    const spares = new SpareBuffers(1 << 20);
    const big = new ArrayBuffer(8000);
    const small = new ArrayBuffer(5000);
    spares.give(big);
    spares.give(small);
    expect(spares.take(4500)).toBe(small);
    expect(spares.take(4500)).toBe(big);
  });

  it('keeps at most maxBytes, drops the smallest first, never keeps a buffer over half the limit or one twice', () => {
    const spares = new SpareBuffers(10_000);
    spares.give(new ArrayBuffer(5001));
    expect(spares.keptBytes).toBe(0);
    const a = new ArrayBuffer(3000);
    spares.give(a);
    spares.give(a);
    expect(spares.keptBytes).toBe(3000);
    spares.give(new ArrayBuffer(4000));
    spares.give(new ArrayBuffer(5000));
    // 3000 + 4000 + 5000 is over 10,000: the 3000-byte buffer was dropped.
    expect(spares.keptBytes).toBe(9000);
    expect(spares.take(2000)).not.toBe(a);
  });

  it('drops every kept buffer on clear, so the next take allocates afresh', () => {
    const spares = new SpareBuffers(10_000);
    const a = new ArrayBuffer(3000);
    spares.give(a);
    spares.clear();
    expect(spares.keptBytes).toBe(0);
    const b = spares.take(3000);
    expect(b).not.toBe(a);
    expect(new Uint8Array(b).every((byte) => byte === 0)).toBe(true);
  });
});

describe('readEventLog with working buffers reused between reads', () => {
  const HEADER = 'SessionNo\tLogTime\tCustID\tGroupID\tProfID\tAct\tBadActor';
  /** `sessions` sessions of `events` events each, in session order and time order (the log can hold the arrays). */
  const ordered = (sessions: number, events: number, action: string): string =>
    [
      HEADER,
      ...Array.from({ length: sessions * events }, (_, i) => {
        const s = Math.floor(i / events);
        const ms = String(i % events).padStart(3, '0');
        return `${100 + s}\t2019-07-01 12:00:00.${ms}\tc${s}\tg${s}\tp${s}\t${action}${i % 7}\t${s % 2}`;
      }),
    ].join('\n');

  it('leaves a log read earlier unchanged by later reads, whether it holds the reader arrays or copies', async () => {
    const first = parseEventLog({ text: ordered(300, 20, 'a'), name: 'first.txt' });
    const snapshot = {
      actions: Array.from(first.actions),
      times: Array.from(first.times!),
      sources: Array.from(first.sources),
      cust: Array.from((first.extras.CustID as { codes: Int32Array }).codes),
      ids: [...first.sessionIds],
    };
    // Interleaved sessions: the log is built from copies, and the reader's arrays go back to the spares.
    const interleaved = [
      HEADER,
      ...Array.from({ length: 4000 }, (_, i) => `${i % 97}\t2019-07-01 12:00:00.000\tx\ty\tz\tb${i % 5}\t0`),
    ];
    for (let r = 0; r < 3; r++) {
      parseEventLog({ text: ordered(300, 20, 'z'), name: 'again.txt' });
      parseEventLog({ text: interleaved.join('\n'), name: 'interleaved.txt' });
      await readEventLog({ text: ordered(250, 30, 'q'), name: 'stream.txt' });
    }
    expect(Array.from(first.actions)).toEqual(snapshot.actions);
    expect(Array.from(first.times!)).toEqual(snapshot.times);
    expect(Array.from(first.sources)).toEqual(snapshot.sources);
    expect(Array.from((first.extras.CustID as { codes: Int32Array }).codes)).toEqual(snapshot.cust);
    expect([...first.sessionIds]).toEqual(snapshot.ids);
    expect(first.actionAt(0)).toBe('a0');
  });

  it('gives reads running at the same time buffers of their own (each log as when read alone)', async () => {
    const texts = ['a', 'b', 'c', 'd'].map((action, k) => ({
      text: ordered(200 + 50 * k, 25, action),
      name: `${action}.txt`,
    }));
    const alone = texts.map((t) => parseEventLog(t));
    // Streams in small chunks, so the four reads interleave and grow their arrays while the others hold theirs.
    const chunked = (text: string): Readable =>
      Readable.from(
        Array.from({ length: Math.ceil(text.length / 4096) }, (_, i) =>
          Buffer.from(text.slice(4096 * i, 4096 * (i + 1))),
        ),
      );
    const together = await Promise.all(texts.map((t) => readEventLog({ stream: chunked(t.text), name: t.name })));
    together.forEach((log, k) => {
      expect(Array.from(log.actions)).toEqual(Array.from(alone[k]!.actions));
      expect(Array.from(log.times!)).toEqual(Array.from(alone[k]!.times!));
      expect([...log.sessionIds]).toEqual([...alone[k]!.sessionIds]);
      expect(Array.from(log.offsets)).toEqual(Array.from(alone[k]!.offsets));
    });
  });

  it('reads the same text to the same log with fresh and with reused buffers', () => {
    const text = [
      HEADER,
      ...Array.from({ length: 6000 }, (_, i) => {
        const s = (i * 7919) % 311;
        return `${s}\t2019-07-01 12:${String(59 - (i % 60)).padStart(2, '0')}:00.000\tc${s % 13}\tg${s % 5}\tp${i % 3}\t${i % 11}\t${s % 2}`;
      }),
    ].join('\n');
    const a = parseEventLog(text);
    expect(READER_SPARES.keptBytes).toBeGreaterThan(0);
    const b = parseEventLog(text);
    expect(Array.from(b.actions)).toEqual(Array.from(a.actions));
    expect(Array.from(b.times!)).toEqual(Array.from(a.times!));
    expect(Array.from(b.offsets)).toEqual(Array.from(a.offsets));
    expect([...b.sessionIds]).toEqual([...a.sessionIds]);
    expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
    for (const name of ['CustID', 'GroupID', 'ProfID'])
      expect(Array.from((b.extras[name] as { codes: Int32Array }).codes)).toEqual(
        Array.from((a.extras[name] as { codes: Int32Array }).codes),
      );
  });
});
