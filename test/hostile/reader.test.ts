import { linkSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, ParseError } from '../../src/errors.js';
import { isRepeatedEvent } from '../../src/events/duplicate-events.js';
import type { EventLog } from '../../src/events/event-log.js';
import { SEED_LOG_HEADER } from '../../src/events/log-schema.js';
import {
  DEFAULT_LOG_MAX_FIELD_BYTES,
  DEFAULT_LOG_MAX_LINE_BYTES,
  parseEventLog,
  readEventLog,
  type ReadEventLogOptions,
} from '../../src/events/read-event-log.js';
import { DelimitedTokenizer } from '../../src/frame/delimited-parser.js';
import { InputLimitError } from '../../src/frame/input-limit-error.js';

// Hostile and careless input to the log reader (issue 14, points 6 to 10): every case gets a typed
// answer, in bounded time and memory, and the good rows around it are not lost.

const HEADER = SEED_LOG_HEADER.join('\t');
const T0 = Date.UTC(2019, 6, 1, 12, 0, 0);
const stamp = (ms: number): string => new Date(T0 + ms).toISOString().slice(0, 23).replace('T', ' ');
const good = (session: string, ms: number, act = '111', label = '0'): string =>
  `${session}\t${stamp(ms)}\tC1\tG1\tP1\t${act}\t${label}`;
const GOOD_ROWS = [good('7', 0), good('7', 1000, '201'), good('8', 500, '401', '1')];
const tsv = (...lines: string[]): string => [HEADER, ...lines].join('\n') + '\n';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sessionsentry-hostile-reader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The error `fn` throws (sync or async), for assertions on class, code and fields. */
async function failure(fn: () => unknown): Promise<Error & { code?: string }> {
  try {
    await fn();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected an error');
}

/** What matters of a log for "nothing good lost": its sessions, labels, actions and times in order. */
function eventsOf(log: EventLog): string[] {
  const out: string[] = [];
  for (let s = 0; s < log.sessionCount; s++) {
    for (let p = log.offsets[s]!; p < log.offsets[s + 1]!; p++)
      out.push(`${log.sessionIds[s]} ${log.labels[s]} ${log.actionAt(p)} ${log.times?.[log.event(p)]}`);
  }
  return out;
}
const CLEAN = eventsOf(parseEventLog(tsv(...GOOD_ROWS)));

/** A stream of `total` bytes of `byte` in 64 KiB chunks, counting what was pulled from it. */
function endless(byte: number, total: number): { stream: Readable; pulled: () => number } {
  let pulled = 0;
  const chunk = Buffer.alloc(64 * 1024, byte);
  const stream = Readable.from(
    (function* () {
      while (pulled < total) {
        pulled += chunk.length;
        yield chunk;
      }
    })(),
  );
  return { stream, pulled: () => pulled };
}

function cpuMs<T>(fn: () => T): { value: T; ms: number } {
  const start = process.cpuUsage();
  const value = fn();
  const used = process.cpuUsage(start);
  return { value, ms: (used.user + used.system) / 1000 };
}

describe('long lines: linear parsing and line/field limits (point 6)', () => {
  it(`a 1 GiB line with no line break fails with InputLimitError after about maxLineBytes (default ${DEFAULT_LOG_MAX_LINE_BYTES} bytes) read`, async () => {
    const { stream, pulled } = endless(0x61, 1 << 30);
    const started = performance.now();
    const error = await failure(() => readEventLog({ stream, name: 'endless.txt' }));
    expect(error).toBeInstanceOf(InputLimitError);
    expect(error.code).toBe('ERR_INPUT_LIMIT');
    expect(error.message).toBe(
      `endless.txt:1: line is longer than ${DEFAULT_LOG_MAX_LINE_BYTES} bytes (the maxLineBytes limit; raise it with the maxLineBytes option if such input is expected)`,
    );
    // Memory is bounded by what was pulled: the limit plus the read-ahead of a few chunks.
    expect(pulled()).toBeLessThan(DEFAULT_LOG_MAX_LINE_BYTES + (1 << 20));
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('reading /dev/zero (NUL bytes, no line break) stops at the line limit', async () => {
    const error = await failure(() => readEventLog('/dev/zero'));
    expect(error).toBeInstanceOf(InputLimitError);
    expect((error as InputLimitError).limit).toBe('maxLineBytes');
  });

  it('an event row whose Act is larger than maxFieldBytes is an InputLimitError naming line and field; a raised limit reads it', () => {
    const big = 'A'.repeat(DEFAULT_LOG_MAX_FIELD_BYTES + 1);
    const text = tsv(GOOD_ROWS[0]!, `7\t${stamp(5)}\tC1\tG1\tP1\t${big}\t0`);
    const error = (() => {
      try {
        parseEventLog({ text, name: 'big-act.txt' });
      } catch (e) {
        return e as InputLimitError;
      }
      throw new Error('expected an error');
    })();
    expect(error).toBeInstanceOf(InputLimitError);
    expect(error).toMatchObject({
      code: 'ERR_INPUT_LIMIT',
      file: 'big-act.txt',
      line: 3,
      column: 6,
      limit: 'maxFieldBytes',
      bytes: DEFAULT_LOG_MAX_FIELD_BYTES,
    });
    const log = parseEventLog({ text, name: 'big-act.txt' }, { maxFieldBytes: 2 * DEFAULT_LOG_MAX_FIELD_BYTES });
    expect(log.actionDictionary).toContain(big);
  });

  it('a row spread over many chunks costs linear time: a 32 MB quoted field takes at most ~10x the CPU of an 8 MB one (not 16x)', () => {
    const time = (mb: number): number => {
      const field = Buffer.alloc(mb * 1024 * 1024, 0x62);
      const tokenizer = new DelimitedTokenizer(
        { file: 'long.csv', delimiter: ',', maxLineBytes: 64 << 20, maxFieldBytes: 64 << 20 },
        (row) => {
          rows.push(row.ends[1]! - row.starts[1]!);
        },
      );
      const rows: number[] = [];
      const { ms } = cpuMs(() => {
        tokenizer.push(Buffer.from('a,b\nx,"'));
        for (let at = 0; at < field.length; at += 64 * 1024) tokenizer.push(field.subarray(at, at + 64 * 1024));
        tokenizer.push(Buffer.from('"\n'));
        tokenizer.end();
      });
      expect(rows).toEqual([1, field.length]);
      return ms;
    };
    time(1); // warm-up
    const small = Math.min(time(8), time(8));
    const large = Math.min(time(32), time(32));
    expect(large / Math.max(small, 1)).toBeLessThan(10);
  });

  it('the limits are checked as options: positive integers', () => {
    expect(() => parseEventLog(tsv(...GOOD_ROWS), { maxLineBytes: 0 })).toThrow(InvalidArgumentError);
    expect(() => parseEventLog(tsv(...GOOD_ROWS), { maxFieldBytes: 1.5 })).toThrow(
      /maxFieldBytes must be a positive integer/,
    );
  });
});

describe('error messages quote a bounded excerpt (point 7)', () => {
  it('5 MB of garbage on one line (limits raised): the message stays under 1 KB', () => {
    const garbage = Array.from({ length: 5 << 20 }, (_, i) => String.fromCharCode(0x21 + (i % 90))).join('');
    const error = (() => {
      try {
        parseEventLog({ text: `${garbage}\n`, name: 'garbage.txt' }, { maxLineBytes: 8 << 20, maxFieldBytes: 8 << 20 });
      } catch (e) {
        return e as ParseError;
      }
      throw new Error('expected an error');
    })();
    expect(error).toBeInstanceOf(ParseError);
    expect(error.code).toBe('ERR_PARSE');
    expect(error.message).toMatch(/^garbage\.txt:1: header is missing columns/);
    expect(error.message.length).toBeLessThan(1000);
    expect(error.value!.length).toBeLessThan(1000);
  });

  it('a 4 MB CR-only log (no line feed) fails at the line limit with a short message', () => {
    const error = (() => {
      try {
        parseEventLog({ text: '\r'.repeat(4 << 20), name: 'cr.txt' });
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected an error');
    })();
    expect(error).toBeInstanceOf(InputLimitError);
    expect(error.message.length).toBeLessThan(200);
  });

  it('a wrong field count on a 500 KB row quotes at most 200 bytes of it', () => {
    const error = (() => {
      try {
        parseEventLog(tsv(GOOD_ROWS[0]!, 'x\t'.repeat(250_000)));
      } catch (e) {
        return e as ParseError;
      }
      throw new Error('expected an error');
    })();
    expect(error.message).toMatch(/^<string>:3: wrong field count: 250001 fields/);
    expect(error.value!.length).toBeLessThanOrEqual(201);
    expect(error.message.length).toBeLessThan(400);
  });
});

describe('invalid UTF-8 and NUL bytes (point 8)', () => {
  const bytes = (...lines: (string | Buffer)[]): Buffer =>
    Buffer.concat(lines.flatMap((l) => [Buffer.isBuffer(l) ? l : Buffer.from(l), Buffer.from('\n')]));
  const rowWith = (session: Buffer | string, act: Buffer | string, ms = 3): Buffer =>
    Buffer.concat([
      Buffer.from(session),
      Buffer.from(`\t${stamp(ms)}\tC1\tG1\tP1\t`),
      Buffer.from(act),
      Buffer.from('\t0'),
    ]);
  const FF1 = Buffer.from([0xff, 0x31]);
  const FE1 = Buffer.from([0xfe, 0x31]);

  it('an action code that is not UTF-8 is a ParseError naming file:line:column, by default', async () => {
    const error = await failure(() =>
      readEventLog({ bytes: bytes(HEADER, GOOD_ROWS[0]!, rowWith('7', FF1)), name: 'bad.txt' }),
    );
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({ code: 'ERR_PARSE', file: 'bad.txt', line: 3, column: 6, columnName: 'Act' });
    expect(error.message).toMatch(/^bad\.txt:3:6: column Act is not valid UTF-8 "\ufffd1" \(expected UTF-8 text/);
  });

  it('a session id that is not UTF-8 too, even inside quotes', () => {
    const text = bytes(
      HEADER,
      GOOD_ROWS[0]!,
      Buffer.concat([Buffer.from('"a""'), FE1, Buffer.from(`"\t${stamp(3)}\tC1\tG1\tP1\t111\t0`)]),
    );
    expect(() => parseEventLog(text)).toThrow(/<bytes>:3:1: column SessionNo is not valid UTF-8/);
  });

  it("invalidUtf8: 'replace' reads the rows with U+FFFD and counts the fields it changed", () => {
    const log = parseEventLog(
      bytes(HEADER, ...GOOD_ROWS, rowWith('9', FF1), rowWith('9', FE1, 4), rowWith(FF1, '111')),
      { invalidUtf8: 'replace' },
    );
    expect(log.replacedText).toBe(3);
    // Replacement merges the two codes, which is why it is not the default.
    expect(log.actionDictionary.filter((a) => a === '\ufffd1')).toHaveLength(1);
    expect(log.sessionIds).toContain('\ufffd1');
    expect(parseEventLog(bytes(HEADER, ...GOOD_ROWS)).replacedText).toBe(0);
  });

  it("under onBadRow: 'skip' an invalid row is counted as 'invalid text' and every good row is kept", () => {
    const log = parseEventLog(
      bytes(
        HEADER,
        GOOD_ROWS[0]!,
        rowWith('7', FF1),
        GOOD_ROWS[1]!,
        rowWith(FE1, '111'),
        rowWith('8', Buffer.from('a\0b')),
        GOOD_ROWS[2]!,
      ),
      {
        onBadRow: 'skip',
      },
    );
    expect(log.skipped.byReason).toEqual({ 'invalid text': 3 });
    expect(eventsOf(log)).toEqual(CLEAN);
    // Nothing of the rejected rows stays behind in the dictionaries.
    expect(log.actionDictionary).toEqual(['111', '201', '401']);
  });

  it('a NUL byte in a session id, action or kept id is refused, also in replace mode', () => {
    for (const [line, column] of [
      [rowWith('a\0b', '111'), 'SessionNo'],
      [rowWith('7', 'x\0'), 'Act'],
      [Buffer.from(`7\t${stamp(3)}\tC\0\tG1\tP1\t111\t0`), 'CustID'],
    ] as const) {
      for (const invalidUtf8 of ['error', 'replace'] as const) {
        expect(() =>
          parseEventLog({ text: bytes(HEADER, line).toString('latin1'), name: 'nul.txt' }, { invalidUtf8 }),
        ).toThrow(new RegExp(`^nul\\.txt:2:\\d: column ${column} contains a NUL byte`));
      }
    }
  });
});

describe('duplicated input (point 9)', () => {
  const file = path.join(dir, 'single.txt');
  writeFileSync(file, tsv(...GOOD_ROWS));

  it('the same file twice is an InvalidArgumentError, by the same path, another path, a symlink or a hard link', async () => {
    symlinkSync(file, path.join(dir, 'link.txt'));
    linkSync(file, path.join(dir, 'hard.txt'));
    for (const second of [
      file,
      path.join(dir, '.', 'single.txt'),
      path.join(dir, 'link.txt'),
      { path: path.join(dir, 'hard.txt') },
    ]) {
      const error = await failure(() => readEventLog([file, second]));
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error.code).toBe('ERR_INVALID_ARGUMENT');
      expect(error.message).toMatch(
        /^readEventLog: sources must be each file once \(.* is the same file as .*: its events would count twice\)/,
      );
    }
  });

  it('two different files with the same content are two sources (a copy is not detected)', async () => {
    const copy = path.join(dir, 'copy.txt');
    writeFileSync(copy, tsv(good('9', 0)));
    expect((await readEventLog([file, copy])).sourceNames).toEqual([file, copy]);
  });

  const repeated = tsv(
    GOOD_ROWS[0]!,
    GOOD_ROWS[0]!,
    GOOD_ROWS[1]!,
    GOOD_ROWS[2]!,
    GOOD_ROWS[1]!.replace('\tC1\t', '\tC2\t'),
  );

  it("a repeated event (same session, time and action as the session's previous one) is dropped and counted by default", () => {
    const log = parseEventLog(repeated);
    expect(eventsOf(log)).toEqual(CLEAN);
    expect(log.skipped).toEqual({ total: 2, byReason: { 'duplicate event': 2 }, examples: [] });
    // The repeat's other values leave nothing behind.
    expect((log.extras.CustID as { dictionary: readonly string[] }).dictionary).toEqual(['C1']);
  });

  it("duplicates: 'keep' reads every row as an event; without a time column nothing is a repeat", () => {
    expect(parseEventLog(repeated, { duplicates: 'keep' }).eventCount).toBe(5);
    expect(parseEventLog(repeated, { schema: { session: 'SessionNo', action: 'Act' } }).eventCount).toBe(5);
    expect(() => parseEventLog(repeated, { duplicates: 'twice' as never })).toThrow(InvalidArgumentError);
  });

  it('the live scorer can apply the same rule with isRepeatedEvent', () => {
    expect(isRepeatedEvent(T0, '111', T0, '111')).toBe(true);
    expect(isRepeatedEvent(T0, '111', T0 + 1, '111')).toBe(false);
    expect(isRepeatedEvent(T0, 3, T0, 4)).toBe(false);
  });

  it('a repeat that is not the previous event of its session is an event (the same rule as live)', () => {
    const log = parseEventLog(tsv(good('7', 0), good('7', 1000, '201'), good('7', 0)));
    expect(log.eventCount).toBe(3);
  });
});

describe('implausible times (point 10)', () => {
  const at = (time: string, options?: ReadEventLogOptions): EventLog =>
    parseEventLog(tsv(`7\t${time}\tC1\tG1\tP1\t111\t0`), options);

  it('10-digit epoch seconds are read as seconds and 13-digit milliseconds as milliseconds, by default', () => {
    expect(at('1561982400').times![0]).toBe(T0);
    expect(at('1561982400000').times![0]).toBe(T0);
    expect(at('1561982400.5').times![0]).toBe(T0 + 500);
  });

  it('mixed formats in one session give the true duration, not 1.56e9 seconds', () => {
    const log = parseEventLog(
      tsv(good('7', 0), `7\t1561982460\tC1\tG1\tP1\t201\t0`, `7\t1561982520000\tC1\tG1\tP1\t401\t0`),
    );
    expect(Array.from(log.times!)).toEqual([T0, T0 + 60_000, T0 + 120_000]);
  });

  for (const value of [
    '0',
    '-1',
    '-1e20',
    '1e300',
    '1561982400000000',
    '1969-12-31 23:59:59.000',
    '2100-01-01 00:00:00.000',
  ]) {
    it(`${value} is outside the plausible range: a ParseError naming file:line:column`, () => {
      const error = (() => {
        try {
          parseEventLog({ text: tsv(GOOD_ROWS[0]!, `7\t${value}\tC1\tG1\tP1\t111\t0`), name: 'times.txt' });
        } catch (e) {
          return e as ParseError;
        }
        throw new Error('expected an error');
      })();
      expect(error).toBeInstanceOf(ParseError);
      expect(error).toMatchObject({ code: 'ERR_PARSE', line: 3, column: 2, columnName: 'LogTime' });
      expect(error.message).toBe(
        `times.txt:3:2: column LogTime is outside the plausible time range ${JSON.stringify(value)} (expected a time from 2000-01-01T00:00:00.000Z to before 2100-01-01T00:00:00.000Z (the timeRange option); epoch numbers below 1e11 are read as seconds, others as milliseconds (the timeUnit option))`,
      );
    });
  }

  it("timeUnit: 'ms' reads 10-digit numbers as milliseconds, which the range then refuses", () => {
    expect(() => at('1561982400', { timeUnit: 'ms' })).toThrow(
      /is outside the plausible time range "1561982400" .*epoch numbers are read as milliseconds/,
    );
  });

  it('the range is configurable, or off with timeRange: null', () => {
    expect(
      at('1990-01-01 00:00:00.000', { timeRange: { min: Date.UTC(1980, 0, 1), max: Date.UTC(2000, 0, 1) } }).times![0],
    ).toBe(Date.UTC(1990, 0, 1));
    expect(at('-1', { timeRange: null, timeUnit: 'ms' }).times![0]).toBe(-1);
    expect(() => at('1', { timeRange: { min: 5, max: 1 } })).toThrow(InvalidArgumentError);
  });

  it("under onBadRow: 'skip' implausible rows are counted and the good rows kept", () => {
    const log = parseEventLog(
      tsv(GOOD_ROWS[0]!, `7\t0\tC1\tG1\tP1\t111\t0`, GOOD_ROWS[1]!, `8\t1e300\tC1\tG1\tP1\t111\t1`, GOOD_ROWS[2]!),
      { onBadRow: 'skip' },
    );
    expect(log.skipped.byReason).toEqual({ 'implausible time': 2 });
    expect(eventsOf(log)).toEqual(CLEAN);
  });
});

describe('compressed long lines (point 6)', () => {
  it('64 MiB of one line in 64 KB of gzip bytes stops at the line limit without expanding it all', async () => {
    const packed = gzipSync(Buffer.alloc(64 << 20, 0x61));
    expect(packed.length).toBeLessThan(128 * 1024);
    const started = performance.now();
    const before = process.memoryUsage().arrayBuffers;
    const error = await failure(() => readEventLog({ bytes: packed, name: 'bomb.txt.gz' }));
    expect(error).toBeInstanceOf(InputLimitError);
    expect(error.message).toMatch(/^bomb\.txt\.gz:1: line is longer than/);
    expect(performance.now() - started).toBeLessThan(5_000);
    // The expansion never existed at once: far less than its 64 MiB is held.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 << 20);
  });
});
