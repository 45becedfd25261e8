import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, ParseError } from '../../src/errors.js';
import { parseCsv, readCsv } from '../../src/frame/csv-read.js';
import { csvChunks, formatCsv, writeCsv } from '../../src/frame/csv-write.js';
import { Frame } from '../../src/frame/frame.js';
import type { DanfoLikeFrame } from '../../src/frame/frame-input.js';
import { parseNumberBytes } from '../../src/frame/parse-number.js';
import { SourceReadError } from '../../src/frame/text-source.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sessionsentry-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseCsv / readCsv', () => {
  it('infers numeric columns as Float64Array and the rest as dictionary-encoded strings', () => {
    const frame = parseCsv('id,score,n\na,0.5,1\nb,1e-3,2\na,-2,3\n');
    expect(frame.columnNames).toEqual(['id', 'score', 'n']);
    expect(frame.kind('id')).toBe('string');
    expect(frame.codes('id')).toEqual({ codes: new Int32Array([0, 1, 0]), dictionary: ['a', 'b'] });
    expect(frame.numbers('score')).toEqual(new Float64Array([0.5, 0.001, -2]));
    expect(frame.numbers('n')).toEqual(new Float64Array([1, 2, 3]));
  });

  it('reads a column as strings when any field is not a number, keeping the text as written', () => {
    const frame = parseCsv('code\n007\n1.50\nx\n');
    expect(frame.strings('code')).toEqual(['007', '1.50', 'x']);
  });

  it('reads an empty field as NaN in a numeric column, null in a string column, and "" as the empty string', () => {
    const frame = parseCsv('x,s\n1,a\n,\n3,""\n');
    expect(frame.numbers('x')).toEqual(new Float64Array([1, Number.NaN, 3]));
    expect(frame.strings('s')).toEqual(['a', null, '']);
  });

  it('parses numbers as JavaScript Number does (correctly rounded), NaN and ±Infinity included', () => {
    const frame = parseCsv('x\n0.1\n9007199254740993\n-0\n1E+300\nNaN\n-inf\nInfinity\n');
    expect(Array.from(frame.numbers('x'))).toEqual([0.1, 9007199254740992, -0, 1e300, Number.NaN, -Infinity, Infinity]);
    expect(Object.is(frame.number('x', 2), -0)).toBe(true);
  });

  it('does not take whitespace, thousands separators or hex for numbers', () => {
    for (const text of [' 1', '1,000', '0x1A', '1e', '.', '+', '--1']) {
      const bytes = Buffer.from(text);
      expect(parseNumberBytes(bytes, 0, bytes.length), text).toBeUndefined();
    }
  });

  it('honours explicit column types, and a non-number in a number column is a ParseError at its cell', () => {
    const frame = parseCsv('SessionNo,x\n001,1\n002,2\n', { columnTypes: { SessionNo: 'string' } });
    expect(frame.strings('SessionNo')).toEqual(['001', '002']);
    expect(() => parseCsv({ text: 'a,x\n1,2\n2,oops\n', name: 'f.csv' }, { columnTypes: { x: 'number' } })).toThrow(
      "f.csv:3:2: column x is not a number \"oops\" (expected a number (the column's type is 'number'))",
    );
  });

  it('rejects a column type for a column the file does not have', () => {
    expect(() => parseCsv('a\n1\n', { columnTypes: { b: 'number' } })).toThrow(InvalidArgumentError);
    expect(() => parseCsv('a\n1\n', { columnTypes: { b: 'number' } })).toThrow(
      'columnTypes.b must be a column of <string> (columns: a)',
    );
  });

  it('reads without a header, naming columns column1… or as given', () => {
    expect(parseCsv('1,x\n2,y\n', { header: false }).columnNames).toEqual(['column1', 'column2']);
    const named = parseCsv('1,x\n2,y\n', { header: false, names: ['n', 's'] });
    expect(named.toRows()).toEqual([
      { n: 1, s: 'x' },
      { n: 2, s: 'y' },
    ]);
  });

  it('fails on a row with the wrong number of fields, naming file, line and the expected columns', () => {
    expect(() => parseCsv({ text: 'a,b\n1,2\n\n3\n', name: 'short.csv' })).toThrow(ParseError);
    expect(() => parseCsv({ text: 'a,b\n1,2\n\n3\n', name: 'short.csv' })).toThrow(
      'short.csv:4: wrong field count: 1 fields "3" (expected 2 fields (a, b))',
    );
  });

  it('fails on duplicate header names and on empty input', () => {
    expect(() => parseCsv('a,b,a\n1,2,3\n')).toThrow(
      '<string>:1:3: duplicate column name "a" (also column 1) (expected distinct column names)',
    );
    expect(() => parseCsv('')).toThrow('<string>:1: the input is empty (expected a header line with column names)');
  });

  it('reads a file, a gzip file, and a stream to the same frame', async () => {
    const text = 'id\tv\nx\t1\ny\t2\n';
    const plain = path.join(dir, 'f.tsv');
    const gz = path.join(dir, 'f.tsv.gz');
    writeFileSync(plain, text);
    writeFileSync(gz, gzipSync(text));
    const expected = [
      { id: 'x', v: 1 },
      { id: 'y', v: 2 },
    ];
    expect((await readCsv(plain)).toRows()).toEqual(expected);
    expect((await readCsv({ path: gz })).toRows()).toEqual(expected);
    expect(
      (await readCsv(Readable.from([Buffer.from(text.slice(0, 5)), Buffer.from(text.slice(5))]))).toRows(),
    ).toEqual(expected);
  });

  it('names a missing file in a SourceReadError', async () => {
    const missing = path.join(dir, 'nope.csv');
    await expect(readCsv(missing)).rejects.toThrow(SourceReadError);
    await expect(readCsv(missing)).rejects.toThrow(`${missing}: no such file`);
  });
});

describe('writeCsv / formatCsv', () => {
  const frame = Frame.fromColumns(
    {
      id: ['a', 'b,c', 'say "hi"', 'two\nlines', '', null],
      x: new Float64Array([1, 0.1 + 0.2, -0, Number.NaN, 1e-7, 123456789.125]),
    },
    ['id', 'x'],
  );

  it('quotes only what needs it, writes NaN and null as empty fields, numbers as String(x)', () => {
    expect(formatCsv(frame)).toBe(
      'id,x\na,1\n"b,c",0.30000000000000004\n"say ""hi""",-0\n"two\nlines",\n"",1e-7\n,123456789.125\n',
    );
  });

  it('round-trips through readCsv to identical values, doubles bit for bit', () => {
    const back = parseCsv(formatCsv(frame));
    expect(back.strings('id')).toEqual(frame.strings('id'));
    const a = back.numbers('x');
    const b = frame.numbers('x');
    for (let i = 0; i < a.length; i++) expect(Object.is(a[i], b[i])).toBe(true);
  });

  it('round-trips random doubles exactly (shortest round-trip formatting, ECMAScript Number::toString)', () => {
    let seed = 42;
    const next = (): number => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const values = Float64Array.from({ length: 2000 }, () => (next() - 0.5) * 10 ** Math.floor(next() * 40 - 20));
    const back = parseCsv(formatCsv(Frame.fromColumns({ v: values }))).numbers('v');
    expect(back).toEqual(values);
  });

  it('writes tab-separated text without a header, with CRLF, or quoting every string', () => {
    const small = Frame.fromColumns({ s: ['a'], n: [1] }, ['s', 'n']);
    expect(formatCsv(small, { delimiter: '\t', header: false })).toBe('a\t1\n');
    expect(formatCsv(small, { lineEnd: '\r\n' })).toBe('s,n\r\na,1\r\n');
    expect(formatCsv(small, { quote: 'always' })).toBe('s,n\n"a",1\n');
    expect(formatCsv(small, { columns: ['n'] })).toBe('n\n1\n');
  });

  it('writes a one-column missing value as "" so the row is not read back as a blank line', () => {
    const one = Frame.fromColumns({ x: new Float64Array([1, Number.NaN, 2]) });
    expect(parseCsv(formatCsv(one)).numbers('x')).toEqual(new Float64Array([1, Number.NaN, 2]));
  });

  it('streams in chunks of a few thousand rows rather than one string', () => {
    const big = Frame.fromColumns({ v: new Float64Array(10_000).map((_, i) => i) });
    const chunks = [...csvChunks(big)];
    expect(chunks.length).toBeGreaterThan(4);
    expect(chunks.join('')).toBe(formatCsv(big));
  });

  it('writes views in their row order', () => {
    expect(formatCsv(frame.take([2, 0]).select(['x']))).toBe('x\n-0\n1\n');
  });

  it('writes to a file, a .gz file (gzip-compressed) and a stream', async () => {
    const file = path.join(dir, 'out.csv');
    const gz = path.join(dir, 'out.csv.gz');
    await writeCsv(frame, file);
    await writeCsv(frame, gz);
    expect(readFileSync(file, 'utf8')).toBe(formatCsv(frame));
    expect(gunzipSync(readFileSync(gz)).toString('utf8')).toBe(formatCsv(frame));
    expect((await readCsv(gz)).strings('id')).toEqual(frame.strings('id'));

    const sink = new PassThrough();
    const received: Buffer[] = [];
    sink.on('data', (c: Buffer) => received.push(c));
    await writeCsv(frame, sink, { delimiter: '\t' });
    expect(Buffer.concat(received).toString('utf8')).toBe(formatCsv(frame, { delimiter: '\t' }));
  });

  it('writes a danfo DataFrame as it writes the equivalent Frame (danfojs-node, recognised structurally)', async () => {
    const dfd = (await import('danfojs-node')) as unknown as { DataFrame: new (data: object) => object };
    const df = new dfd.DataFrame({ id: ['a', 'b,c'], x: [1, 0.5] });
    expect(formatCsv(df as DanfoLikeFrame)).toBe('id,x\na,1\n"b,c",0.5\n');
  });

  it('rejects a delimiter that cannot be written unambiguously', () => {
    expect(() => formatCsv(frame, { delimiter: '"' })).toThrow(
      'writeCsv: delimiter must be one character other than a quote or line break, got "\\""',
    );
  });
});
