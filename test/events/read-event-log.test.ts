import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { EventLog } from '../../src/events/event-log.js';
import { SEED_LOG_HEADER } from '../../src/events/log-schema.js';
import { parseEventLog, readEventLog } from '../../src/events/read-event-log.js';
import { parseCsv } from '../../src/frame/csv-read.js';

const HEADER = SEED_LOG_HEADER.join('\t');
const dir = mkdtempSync(path.join(os.tmpdir(), 'sessionsentry-events-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The session ids, action sequences and labels of a log, session by session. */
function sessions(log: EventLog): { id: string; actions: string[]; label: number }[] {
  return log.sessionIds.map((id, s) => {
    const actions: string[] = [];
    for (let p = log.offsets[s]!; p < log.offsets[s + 1]!; p++) actions.push(log.actionAt(p));
    return { id, actions, label: log.labels[s]! };
  });
}

const SEED = [
  HEADER,
  '20\t2019-07-01 12:00:05.000\tC1\tG1\tP1\t201\t0',
  '10\t2019-07-01 12:00:01.500\tC2\tG2\tP2\t111\t1',
  '20\t2019-07-01 12:00:01.000\tC1\tG1\tP1\t111\t0',
  '10\t2019-07-01 12:00:01.500\tC2\tG2\tP2\t401\t1',
  '10\t2019-07-01 12:00:00.250\tC2\tG2\t\t111\t1',
].join('\n');

describe('readEventLog on the product schema (SessionNo LogTime CustID GroupID ProfID Act BadActor)', () => {
  const log = parseEventLog({ text: SEED, name: 'mixed-1.txt' });

  it('groups events by session in order of first appearance, ordered by time within a session', () => {
    expect(sessions(log)).toEqual([
      { id: '20', actions: ['111', '201'], label: 0 },
      { id: '10', actions: ['111', '111', '401'], label: 1 },
    ]);
    expect(log.offsets).toEqual(new Uint32Array([0, 2, 5]));
    expect(log.eventCount).toBe(5);
    expect(log.positiveCount).toBe(1);
  });

  it('keeps file order for events at the same time (stable sort)', () => {
    // Session 10 has two events at 12:00:01.500: 111 (line 3) before 401 (line 5).
    expect(sessions(log)[1]!.actions.slice(1)).toEqual(['111', '401']);
  });

  it('stores times as epoch milliseconds, naive timestamps read as UTC (same as Date.UTC)', () => {
    expect(Array.from(log.times!)).toEqual([
      Date.UTC(2019, 6, 1, 12, 0, 1, 0),
      Date.UTC(2019, 6, 1, 12, 0, 5, 0),
      Date.UTC(2019, 6, 1, 12, 0, 0, 250),
      Date.UTC(2019, 6, 1, 12, 0, 1, 500),
      Date.UTC(2019, 6, 1, 12, 0, 1, 500),
    ]);
  });

  it('dictionary-encodes action codes in order of first appearance', () => {
    expect(log.actionDictionary).toEqual(['201', '111', '401']);
    expect(Array.from(log.actions, (a) => log.actionDictionary[a])).toEqual(['111', '201', '111', '111', '401']);
  });

  it('keeps CustID, GroupID and ProfID as dictionary-encoded extras in event order, empty as missing (-1)', () => {
    expect(Object.keys(log.extras)).toEqual(['CustID', 'GroupID', 'ProfID']);
    const prof = log.extras.ProfID!;
    expect(prof.kind).toBe('string');
    if (prof.kind !== 'string') return;
    expect(Array.from(prof.codes, (c) => (c < 0 ? null : prof.dictionary[c]))).toEqual(['P1', 'P1', null, 'P2', 'P2']);
  });

  it("takes each event's kept values from its own row: changed, longer, shorter or empty within a session, and in a second file with those columns in another order", () => {
    const first = [
      HEADER,
      '7\t2019-07-01 12:00:00.000\tC1\tG1\tP1\t111\t0',
      '8\t2019-07-01 12:00:00.000\tC1\tG1\tP1\t111\t0',
      '7\t2019-07-01 12:00:01.000\tC1\tG1\tP1\t201\t0',
      '7\t2019-07-01 12:00:02.000\tC1\tG1\tP10\t201\t0',
      '7\t2019-07-01 12:00:03.000\tC1\t\tP10\t201\t0',
      '8\t2019-07-01 12:00:01.000\tC1\tG1\tP\t201\t0',
      '7\t2019-07-01 12:00:04.000\tC1\tG1\tP1\t201\t0',
      '7\t2019-07-01 12:00:05.000\tC1\tG1\tP1\t201\t0',
    ].join('\n');
    const second = [
      'SessionNo\tLogTime\tProfID\tGroupID\tCustID\tAct\tBadActor',
      '7\t2019-07-01 12:00:06.000\tC1\tG1\tP1\t111\t0',
      '7\t2019-07-01 12:00:07.000\tC1\tG1\tP1\t111\t0',
    ].join('\n');
    const read = parseEventLog([
      { text: first, name: 'a.txt' },
      { text: second, name: 'b.txt' },
    ]);
    // The reference: each line split at its tabs, the columns found by name in its file's header,
    // events grouped by session in order of first appearance (every time differs within a session).
    const expected: string[][] = [];
    for (const text of [first, second]) {
      const [header, ...lines] = text.split('\n').map((line) => line.split('\t'));
      for (const fields of lines) {
        const at = (name: string): string => fields[header!.indexOf(name)]!;
        expected.push([at('SessionNo'), at('LogTime'), at('CustID'), at('GroupID'), at('ProfID')]);
      }
    }
    const order = ['7', '8'];
    expected.sort((x, y) => order.indexOf(x[0]!) - order.indexOf(y[0]!) || x[1]!.localeCompare(y[1]!));
    const value = (name: string, e: number): string => {
      const column = read.extras[name]!;
      if (column.kind !== 'string') throw new Error(`${name} is not a string column`);
      const code = column.codes[e]!;
      return code < 0 ? '' : column.dictionary[code]!;
    };
    const sessionOf = (e: number): string =>
      read.sessionIds[Array.from(read.offsets).findIndex((start) => start > e) - 1]!;
    const actual = Array.from({ length: read.eventCount }, (_, e) => [
      sessionOf(e),
      new Date(read.times![e]!).toISOString().slice(0, 23).replace('T', ' '),
      value('CustID', e),
      value('GroupID', e),
      value('ProfID', e),
    ]);
    expect(actual).toEqual(expected);
  });

  it('records the source of every event and reports nothing skipped', () => {
    expect(log.sourceNames).toEqual(['mixed-1.txt']);
    expect(Array.from(log.sources)).toEqual([0, 0, 0, 0, 0]);
    expect(log.skipped).toEqual({ total: 0, byReason: {}, examples: [] });
    expect(log.eventIndex).toBeNull();
  });

  it('reads comma-separated files with the same header (delimiter detected from the header line)', () => {
    const csv = parseEventLog(SEED.replaceAll('\t', ','));
    expect(sessions(csv)).toEqual(sessions(log));
  });

  it('handles a BOM, CRLF line ends, quoted fields, blank lines and a missing final newline', () => {
    const messy = `\uFEFF${HEADER}\r\n\r\n"20"\t"2019-07-01 12:00:05.000"\tC1\tG1\tP1\t201\t0\r\n20\t2019-07-01 12:00:01.000\t"C ""1"""\tG1\tP1\t111\t0`;
    const read = parseEventLog(messy);
    expect(sessions(read)).toEqual([{ id: '20', actions: ['111', '201'], label: 0 }]);
    const cust = read.extras.CustID!;
    expect(cust.kind === 'string' && cust.dictionary).toEqual(['C1', 'C "1"']);
  });
});

describe('readEventLog sources', () => {
  const a =
    [HEADER, '1\t2019-07-01 00:00:02.000\tC\tG\tP\t111\t0', '2\t2019-07-01 00:00:00.000\tC\tG\tP\t111\t1'].join('\n') +
    '\n';
  const b =
    [HEADER, '1\t2019-07-01 00:00:02.000\tC\tG\tP\t201\t0', '3\t2019-07-01 00:00:00.000\tC\tG\tP\t401\t0'].join('\n') +
    '\n';

  it('reads several files into one log, keeping the file of origin per event and merging a session id found in both', async () => {
    const fileA = path.join(dir, 'a.txt');
    const fileB = path.join(dir, 'b.txt.gz');
    writeFileSync(fileA, a);
    writeFileSync(fileB, gzipSync(b));
    const log = await readEventLog([fileA, fileB]);
    expect(log.sourceNames).toEqual([fileA, fileB]);
    expect(sessions(log)).toEqual([
      { id: '1', actions: ['111', '201'], label: 0 },
      { id: '2', actions: ['111'], label: 1 },
      { id: '3', actions: ['401'], label: 0 },
    ]);
    // Session 1's two events tie on time: file order (a before b) is kept.
    expect(Array.from(log.sources)).toEqual([0, 1, 0, 1]);
  });

  it('takes paths, { path }, { text, name }, bare text, Buffers, gzip Buffers and streams alike', async () => {
    const file = path.join(dir, 'same.txt');
    writeFileSync(file, a);
    const expected = sessions(parseEventLog(a));
    const inputs = [
      file,
      { path: file },
      { text: a, name: 'inline' },
      a,
      Buffer.from(a),
      gzipSync(a),
      { bytes: gzipSync(a), name: 'a.gz' },
      Readable.from([Buffer.from(a.slice(0, 7)), Buffer.from(a.slice(7))]),
      { stream: Readable.from([a]), name: 'piped' },
    ];
    for (const input of inputs) expect(sessions(await readEventLog(input))).toEqual(expected);
    expect((await readEventLog({ text: a, name: 'inline' })).sourceNames).toEqual(['inline']);
    expect((await readEventLog(a)).sourceNames).toEqual(['<string>']);
  });

  it('reads a file of several MiB (many read chunks, plain and gzip) to the same log as the text in memory', async () => {
    const lines = [HEADER];
    for (let i = 0; i < 70_000; i++) {
      const s = (i * 7919) % 1201;
      lines.push(
        `${s}\t2019-07-0${1 + (i % 3)} 1${i % 10}:${String(i % 60).padStart(2, '0')}:00.${String(i % 1000).padStart(3, '0')}\tC${s % 31}\tG${s % 7}\t"P ${s}"\t${100 + (i % 41)}\t${s % 97 === 0 ? 1 : 0}`,
      );
    }
    const text = lines.join('\n') + '\n';
    expect(text.length).toBeGreaterThan(3 * 2 ** 20);
    const plain = path.join(dir, 'big.txt');
    const gz = path.join(dir, 'big.txt.gz');
    writeFileSync(plain, text);
    writeFileSync(gz, gzipSync(text));
    const expected = parseEventLog(text);
    for (const file of [plain, gz]) {
      const log = await readEventLog(file);
      expect(log.sessionIds).toEqual(expected.sessionIds);
      expect(log.actions).toEqual(expected.actions);
      expect(log.times).toEqual(expected.times);
      expect(log.extras).toEqual(expected.extras);
      expect(log.offsets).toEqual(expected.offsets);
    }
    // And the in-memory reading agrees with the text itself: 1,201 sessions, every line an event.
    expect([expected.sessionCount, expected.eventCount]).toEqual([1201, 70_000]);
  });

  it('reads a stream produced chunk by chunk (rows split across chunks) to the same log as the whole text', async () => {
    const lines = [HEADER];
    for (let i = 0; i < 3000; i++)
      lines.push(
        `${i % 97}\t2019-07-01 00:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.000\tC${i % 5}\tG\tP\t${100 + (i % 13)}\t0`,
      );
    const text = lines.join('\n');
    async function* chunks(): AsyncGenerator<Buffer> {
      const bytes = Buffer.from(text);
      for (let at = 0; at < bytes.length; at += 1000) yield bytes.subarray(at, at + 1000);
    }
    const streamed = await readEventLog({ stream: chunks(), name: 'gen' });
    const whole = parseEventLog(text);
    expect(sessions(streamed)).toEqual(sessions(whole));
    expect(streamed.times).toEqual(whole.times);
  });
});

describe('readEventLog column mapping', () => {
  it('reads a log without times, ordering by a sequence column', () => {
    const text = 'BlockId,seq,EventId,Label\nb1,1,E2,0\nb2,0,E5,1\nb1,0,E1,0\nb1,2,E3,0\n';
    const log = parseEventLog(text, {
      schema: { session: 'BlockId', action: 'EventId', label: 'Label', order: 'seq' },
    });
    expect(log.times).toBeNull();
    expect(sessions(log)).toEqual([
      { id: 'b1', actions: ['E1', 'E2', 'E3'], label: 0 },
      { id: 'b2', actions: ['E5'], label: 1 },
    ]);
  });

  it('keeps file order within a session when there is neither time nor order', () => {
    const log = parseEventLog('s,a\nx,3\nx,1\nx,2\n', { schema: { session: 's', action: 'a' } });
    expect(sessions(log)).toEqual([{ id: 'x', actions: ['3', '1', '2'], label: 0 }]);
  });

  it('reads labels given as named values', () => {
    const log = parseEventLog('s,a,L\nx,1,Normal\ny,1,Anomaly\n', {
      schema: { session: 's', action: 'a', label: 'L', labelValues: { positive: ['Anomaly'], negative: ['Normal'] } },
    });
    expect(Array.from(log.labels)).toEqual([0, 1]);
  });

  it('reads labels given as true/false in any case, and 0/1', () => {
    const log = parseEventLog('s,a,L\nx,1,TRUE\ny,1,false\nz,1,1\nw,1,0\n', {
      schema: { session: 's', action: 'a', label: 'L' },
    });
    expect(Array.from(log.labels)).toEqual([1, 0, 1, 0]);
  });

  it('keeps the extra columns asked for and ignores the rest', () => {
    const log = parseEventLog('s,a,user,noise\nx,1,u1,zz\n', { schema: { session: 's', action: 'a', keep: ['user'] } });
    expect(Object.keys(log.extras)).toEqual(['user']);
  });

  it('reads ISO-8601 times with T, Z and offsets, and numeric epoch times in ms or s', () => {
    const iso = parseEventLog('s,t,a\nx,2019-07-01T14:00:00+02:00,1\nx,2019-07-01T11:59:59.5Z,2\n', {
      schema: { session: 's', time: 't', action: 'a' },
    });
    expect(Array.from(iso.times!)).toEqual([
      Date.parse('2019-07-01T11:59:59.500Z'),
      Date.parse('2019-07-01T12:00:00Z'),
    ]);
    const seconds = parseEventLog('s,t,a\nx,1561982400,1\n', {
      schema: { session: 's', time: 't', action: 'a' },
      timeUnit: 's',
    });
    expect(Array.from(seconds.times!)).toEqual([Date.UTC(2019, 6, 1, 12)]);
  });
});

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const hdfsDir = path.resolve(repoRoot, '../shared/data/hdfs100k');
const hdfsPresent = existsSync(path.join(hdfsDir, 'hdfs100k_events_long.csv'));
if (!hdfsPresent)
  console.warn(
    `skipping the HDFS_100k mapping test: ${hdfsDir} is absent (the shared data folder is not in this checkout)`,
  );

describe.skipIf(!hdfsPresent)('readEventLog on HDFS_100k (loghub/loglizer, ../shared/data/hdfs100k)', () => {
  it('reads the long event file with a mapping: 104,815 events, 7,940 sessions, 313 anomalous, 19 EventIds', async () => {
    const log = await readEventLog(path.join(hdfsDir, 'hdfs100k_events_long.csv'), {
      schema: { session: 'BlockId', action: 'EventId', label: 'Label', order: 'seq' },
    });
    expect(log.eventCount).toBe(104_815);
    expect(log.sessionCount).toBe(7_940);
    expect(log.positiveCount).toBe(313);
    expect(log.actionDictionary).toHaveLength(19);
    expect(log.times).toBeNull();

    // The dataset's own per-block file: same blocks in first-appearance order, same sequences and labels.
    const blocks = parseCsv(readFileSync(path.join(hdfsDir, 'hdfs100k_sessions.csv')), {
      columnTypes: { BlockId: 'string' },
    });
    expect(log.sessionIds).toEqual(blocks.strings('BlockId'));
    expect(Array.from(log.labels, (l) => (l === 1 ? 'Anomaly' : 'Normal'))).toEqual(blocks.strings('Label'));
    const expectedSequences = blocks.strings('EventIdSequence');
    const ours = sessions(log).map((s) => s.actions.join(' '));
    expect(ours).toEqual(expectedSequences);
  });
});
