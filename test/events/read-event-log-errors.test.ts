import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ParseError } from '../../src/errors.js';
import { SEED_LOG_HEADER } from '../../src/events/log-schema.js';
import { parseEventLog, readEventLog } from '../../src/events/read-event-log.js';
import { InputLimitError } from '../../src/frame/input-limit-error.js';
import { SourceReadError } from '../../src/frame/text-source.js';

const HEADER = SEED_LOG_HEADER.join('\t');
const GOOD = '7\t2019-07-01 12:00:00.000\tC1\tG1\tP1\t111\t0';
const row = (fields: Partial<Record<(typeof SEED_LOG_HEADER)[number], string>>): string => {
  const base: Record<string, string> = {
    SessionNo: '7',
    LogTime: '2019-07-01 12:00:01.000',
    CustID: 'C1',
    GroupID: 'G1',
    ProfID: 'P1',
    Act: '201',
    BadActor: '0',
  };
  return SEED_LOG_HEADER.map((c) => fields[c] ?? base[c]).join('\t');
};
const file = (...lines: string[]): { text: string; name: string } => ({
  text: [HEADER, GOOD, ...lines].join('\n') + '\n',
  name: 'mixed-1.txt',
});

/** The ParseError thrown by `fn`, for assertions on its fields. */
function parseErrorOf(fn: () => unknown): ParseError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ParseError);
    return error as ParseError;
  }
  throw new Error('expected a ParseError');
}

describe('readEventLog errors (default onBadRow: "error")', () => {
  it('missing header columns: lists what is missing and what the header has', () => {
    const error = parseErrorOf(() =>
      parseEventLog({ text: 'SessionNo\tLogTime\tAct\n1\t2019-07-01\t111\n', name: 'x.txt' }),
    );
    expect(error.message).toBe(
      'x.txt:1: header is missing columns BadActor, CustID, GroupID, ProfID "SessionNo LogTime Act" (expected the columns SessionNo, LogTime, Act, BadActor, CustID, GroupID, ProfID; the header has SessionNo, LogTime, Act)',
    );
    expect(error.line).toBe(1);
    expect(error.code).toBe('ERR_PARSE');
  });

  it('a mapped column missing from another log is named the same way', () => {
    expect(() =>
      parseEventLog('BlockId,EventId\nb,E1\n', { schema: { session: 'BlockId', action: 'EventId', label: 'Label' } }),
    ).toThrow(
      '<string>:1: header is missing column Label "BlockId EventId" (expected the columns BlockId, EventId, Label; the header has BlockId, EventId)',
    );
  });

  it('a needed column twice in the header', () => {
    expect(() => parseEventLog('s,a,s\nx,1,x\n', { schema: { session: 's', action: 'a' } })).toThrow(
      '<string>:1:3: column s appears twice in the header (fields 1 and 3) (expected each needed column once)',
    );
  });

  it('wrong field count: file, line, the row and the expected columns', () => {
    const error = parseErrorOf(() => parseEventLog(file('8\t2019-07-01 12:00:00.000\tC1\tG1\t111\t0')));
    expect(error.message).toBe(
      'mixed-1.txt:3: wrong field count: 6 fields "8\\t2019-07-01 12:00:00.000\\tC1\\tG1\\t111\\t0" (expected 7 fields (SessionNo, LogTime, CustID, GroupID, ProfID, Act, BadActor))',
    );
    expect(error.line).toBe(3);
  });

  it('empty session: file, line, column number and name', () => {
    const error = parseErrorOf(() => parseEventLog(file(row({ SessionNo: '' }))));
    expect(error.message).toBe('mixed-1.txt:3:1: column SessionNo is empty "" (expected a session id)');
    expect([error.line, error.column, error.columnName]).toEqual([3, 1, 'SessionNo']);
  });

  it('empty action', () => {
    expect(() => parseEventLog(file(row({ Act: '' })))).toThrow(
      'mixed-1.txt:3:6: column Act is empty "" (expected an action code)',
    );
  });

  it('unparseable time, and an impossible date rather than a rolled-over one', () => {
    const expected =
      '(expected a timestamp like 2019-07-01 12:34:56.789, ISO-8601 (with T, Z or ±hh:mm), or epoch milliseconds)';
    expect(() => parseEventLog(file(row({ LogTime: 'yesterday' })))).toThrow(
      `mixed-1.txt:3:2: column LogTime is not a time "yesterday" ${expected}`,
    );
    expect(() => parseEventLog(file(row({ LogTime: '2019-02-30 00:00:00.000' })))).toThrow(
      `mixed-1.txt:3:2: column LogTime is not a time "2019-02-30 00:00:00.000"`,
    );
    expect(() => parseEventLog(file(row({ LogTime: '' })))).toThrow('mixed-1.txt:3:2: column LogTime is empty ""');
  });

  it('a time in the same minute as the row before is checked in full (seconds, milliseconds, separators)', () => {
    // GOOD, line 2, is at 2019-07-01 12:00:00.000.
    for (const bad of [
      '2019-07-01 12:00:60.000',
      '2019-07-01 12:00:0x.000',
      '2019-07-01 12:00:01.00x',
      '2019-07-01 12:00:01,000',
      '2019-07-01 12:00 01.000',
    ]) {
      expect(() => parseEventLog(file(row({ LogTime: bad })))).toThrow(
        `mixed-1.txt:3:2: column LogTime is not a time "${bad}"`,
      );
    }
    const log = parseEventLog(file(row({ LogTime: '2019-07-01 12:00:59.999' })));
    expect(Array.from(log.times!)).toEqual([Date.UTC(2019, 6, 1, 12, 0, 0, 0), Date.UTC(2019, 6, 1, 12, 0, 59, 999)]);
  });

  it('label not 0/1', () => {
    expect(() => parseEventLog(file(row({ BadActor: '2' })))).toThrow(
      'mixed-1.txt:3:7: column BadActor is not a label "2" (expected 0 or 1 (or true/false))',
    );
    expect(() => parseEventLog(file(row({ BadActor: '' })))).toThrow('mixed-1.txt:3:7: column BadActor is empty ""');
  });

  it('label not one of the named values', () => {
    expect(() =>
      parseEventLog('s,a,L\nx,1,Normal\ny,1,anomaly\n', {
        schema: { session: 's', action: 'a', label: 'L', labelValues: { positive: ['Anomaly'], negative: ['Normal'] } },
      }),
    ).toThrow(
      '<string>:3:3: column L is not a label "anomaly" (expected one of "Anomaly" (positive) or "Normal" (negative))',
    );
  });

  it('a session whose events disagree on the label names both lines', () => {
    const error = parseErrorOf(() => parseEventLog(file(row({ SessionNo: '9' }), row({ BadActor: '1' }))));
    expect(error.message).toBe(
      'mixed-1.txt:4:7: column BadActor of session "7" is 1 here but 0 on its first event at mixed-1.txt:2; value "1" (expected one label for all events of a session)',
    );
  });

  it('a label disagreement across files names both files', async () => {
    const other = { text: `${HEADER}\n${row({ BadActor: '1' })}\n`, name: 'mixed-2.txt' };
    await expect(readEventLog([file(), other])).rejects.toThrow(
      'mixed-2.txt:2:7: column BadActor of session "7" is 1 here but 0 on its first event at mixed-1.txt:2',
    );
  });

  it('an order value that is not a number', () => {
    expect(() => parseEventLog('s,seq,a\nx,one,1\n', { schema: { session: 's', action: 'a', order: 'seq' } })).toThrow(
      '<string>:2:2: column seq is not a number "one" (expected a number to order the events of a session by)',
    );
  });

  it('empty file (no header)', async () => {
    expect(() => parseEventLog({ text: '', name: 'empty.txt' })).toThrow(
      'empty.txt:1: the file is empty (expected a header line with the columns SessionNo, LogTime, Act, BadActor, CustID, GroupID, ProfID)',
    );
    expect(() => parseEventLog({ text: '\n\r\n', name: 'blank.txt' })).toThrow('blank.txt:1: the file is empty');
  });

  it('a header with no events is an empty log, not an error', () => {
    const log = parseEventLog(`${HEADER}\n`);
    expect([log.sessionCount, log.eventCount]).toEqual([0, 0]);
  });

  it('an ordinary row longer than maxLineBytes is an InputLimitError naming file and line, like any other row', () => {
    const long = row({ Act: 'x'.repeat(50) });
    const input = { text: `${HEADER}\n${GOOD}\n${long}\n`, name: 'mixed-1.txt' };
    expect(long.length).toBeGreaterThan(80);
    expect(() => parseEventLog(input, { maxLineBytes: 80 })).toThrow(InputLimitError);
    expect(() => parseEventLog(input, { maxLineBytes: 80 })).toThrow('mixed-1.txt:3: line is longer than 80 bytes');
    // The limit counts the bytes before the line break.
    expect(parseEventLog(input, { maxLineBytes: long.length }).eventCount).toBe(2);
  });

  it('a missing file is a SourceReadError naming it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sessionsentry-missing-'));
    try {
      await expect(readEventLog(path.join(dir, 'mixed-9.txt'))).rejects.toThrow(SourceReadError);
      await expect(readEventLog(path.join(dir, 'mixed-9.txt'))).rejects.toThrow(
        `${path.join(dir, 'mixed-9.txt')}: no such file`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('corrupt gzip data is a SourceReadError naming the source, from a file or from bytes', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sessionsentry-gz-'));
    try {
      const { gzipSync } = await import('node:zlib');
      const whole = gzipSync(file().text);
      const cut = whole.subarray(0, whole.length - 12);
      const target = path.join(dir, 'cut.txt.gz');
      writeFileSync(target, cut);
      await expect(readEventLog(target)).rejects.toThrow(SourceReadError);
      await expect(readEventLog(target)).rejects.toThrow(`${target}: cannot decompress gzip data`);
      expect(() => parseEventLog(cut)).toThrow('<bytes>: cannot decompress gzip data');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bad options are InvalidArgumentErrors naming the option', async () => {
    await expect(readEventLog([])).rejects.toThrow(
      'readEventLog: sources must be at least one source, got an array of 0',
    );
    expect(() => parseEventLog(file(), { onBadRow: 'ignore' as 'skip' })).toThrow(
      `parseEventLog: onBadRow must be 'error' or 'skip', got "ignore"`,
    );
    expect(() => parseEventLog(file(), { schema: { session: '', action: 'Act' } })).toThrow(
      'parseEventLog: schema.session must be a column name, got ""',
    );
    expect(() => parseEventLog(file(), { schema: { session: 'SessionNo', action: 'SessionNo' } })).toThrow(
      InvalidArgumentError,
    );
  });
});

describe('readEventLog with onBadRow: "skip"', () => {
  const messy = file(
    row({ SessionNo: '' }),
    row({ Act: '' }),
    row({ LogTime: 'soon' }),
    row({ BadActor: 'x' }),
    '7\t2019-07-01 12:00:03.000\tC1\tG1\t111\t0',
    row({ SessionNo: '8', LogTime: '2019-07-01 12:00:09.000' }),
    row({ SessionNo: '9', BadActor: '0', LogTime: '2019-07-01 12:00:10.000' }),
    row({ SessionNo: '9', BadActor: '1', LogTime: '2019-07-01 12:00:11.000' }),
    row({ SessionNo: '9', BadActor: '1', LogTime: '2019-07-01 12:00:12.000' }),
  );

  it('skips bad rows, counts them by reason and keeps the good ones', () => {
    const log = parseEventLog(messy, { onBadRow: 'skip' });
    expect(log.sessionIds).toEqual(['7', '8']);
    expect(log.eventCount).toBe(2);
    expect(log.skipped.byReason).toEqual({
      'empty session': 1,
      'empty action': 1,
      'unparseable time': 1,
      'invalid label': 1,
      'wrong field count': 1,
      'session labels disagree': 3,
    });
    expect(log.skipped.total).toBe(8);
  });

  it('drops a session whose events disagree on the label whole, counting all its events', () => {
    const log = parseEventLog(messy, { onBadRow: 'skip' });
    expect(log.sessionIds).not.toContain('9');
    expect(log.skipped.byReason['session labels disagree']).toBe(3);
  });

  it('keeps the first messages as examples (5 by default, or maxExamples)', () => {
    const log = parseEventLog(messy, { onBadRow: 'skip' });
    expect(log.skipped.examples).toEqual([
      'mixed-1.txt:3:1: column SessionNo is empty "" (expected a session id)',
      'mixed-1.txt:4:6: column Act is empty "" (expected an action code)',
      'mixed-1.txt:5:2: column LogTime is not a time "soon" (expected a timestamp like 2019-07-01 12:34:56.789, ISO-8601 (with T, Z or ±hh:mm), or epoch milliseconds)',
      'mixed-1.txt:6:7: column BadActor is not a label "x" (expected 0 or 1 (or true/false))',
      'mixed-1.txt:7: wrong field count: 6 fields "7\\t2019-07-01 12:00:03.000\\tC1\\tG1\\t111\\t0" (expected 7 fields (SessionNo, LogTime, CustID, GroupID, ProfID, Act, BadActor))',
    ]);
    expect(parseEventLog(messy, { onBadRow: 'skip', maxExamples: 1 }).skipped.examples).toHaveLength(1);
  });

  it('still fails on broken quoting, after which rows cannot be told apart', () => {
    expect(() => parseEventLog(file('"7\t2019'), { onBadRow: 'skip' })).toThrow(
      'mixed-1.txt:3:1: quoted field is not closed before the end of the input',
    );
  });

  it('still fails on an empty file or missing columns', () => {
    expect(() => parseEventLog('', { onBadRow: 'skip' })).toThrow('the file is empty');
    expect(() => parseEventLog('a\tb\n', { onBadRow: 'skip' })).toThrow('header is missing columns');
  });
});

describe('readEventLog error positions in files', () => {
  it('reports the line in a gzip file as in the plain text', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sessionsentry-err-'));
    try {
      const { gzipSync } = await import('node:zlib');
      const target = path.join(dir, 'day.txt.gz');
      writeFileSync(target, gzipSync(file(GOOD, row({ Act: '' })).text));
      await expect(readEventLog(target)).rejects.toThrow(`${target}:4:6: column Act is empty`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
