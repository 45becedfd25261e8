import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../src/errors.js';
import {
  DelimitedTokenizer,
  FIELD_ESCAPED,
  FIELD_QUOTED,
  tokenizeSource,
  tokenizeText,
} from '../../src/frame/delimited-parser.js';

type Parsed = { line: number; fields: string[] };

function parse(text: string | Uint8Array, delimiter = 'auto'): Parsed[] {
  const rows: Parsed[] = [];
  tokenizeText(text, { file: 'test.csv', delimiter }, (row) =>
    rows.push({ line: row.line, fields: Array.from({ length: row.count }, (_, i) => row.text(i)) }),
  );
  return rows;
}

/** Feeds `text` in chunks of `size` bytes, so every row boundary and quote lands on a chunk edge somewhere. */
function parseChunked(text: string, size: number, delimiter = 'auto'): Parsed[] {
  const rows: Parsed[] = [];
  const tokenizer = new DelimitedTokenizer({ file: 'test.csv', delimiter }, (row) =>
    rows.push({ line: row.line, fields: Array.from({ length: row.count }, (_, i) => row.text(i)) }),
  );
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; at += size) tokenizer.push(bytes.subarray(at, at + size));
  tokenizer.end();
  return rows;
}

const fields = (rows: Parsed[]): string[][] => rows.map((r) => r.fields);

// RFC 4180 examples (section 2) and the cases around them.
const TRICKY = 'a,b,c\r\n"x, y","say ""hi""",3\r\n"multi\nline",,"\r\n"\r\n\r\nlast,row,"end"';

describe('DelimitedTokenizer (RFC 4180)', () => {
  it('splits fields on the delimiter and rows on LF or CRLF', () => {
    expect(fields(parse('a,b\n1,2\r\n3,4\n'))).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
    ]);
  });

  it('reads quoted fields holding delimiters, doubled quotes and line breaks (RFC 4180 §2.5–2.7)', () => {
    expect(fields(parse(TRICKY))).toEqual([
      ['a', 'b', 'c'],
      ['x, y', 'say "hi"', '3'],
      ['multi\nline', '', '\r\n'],
      ['last', 'row', 'end'],
    ]);
  });

  it('keeps line numbers true across line breaks inside quotes and skipped blank lines', () => {
    // Row 3 spans lines 3–5 (a line break in "multi\nline" and a CRLF inside the last quotes); line 6 is blank.
    expect(parse(TRICKY).map((r) => r.line)).toEqual([1, 2, 3, 7]);
  });

  it('gives the same rows whatever the chunk boundaries', () => {
    const whole = parse(TRICKY);
    for (const size of [1, 2, 3, 5, 7, 16]) expect(parseChunked(TRICKY, size)).toEqual(whole);
  });

  it('accepts a missing final line break and ignores a trailing one', () => {
    expect(fields(parse('a,b\n1,2'))).toEqual(fields(parse('a,b\n1,2\n')));
    expect(fields(parse('a,b\r\n1,2\r\n'))).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('skips a UTF-8 byte order mark, also when it arrives split over chunks', () => {
    const text = '\uFEFFSessionNo\tAct\n1\t111\n';
    expect(fields(parse(text))).toEqual([
      ['SessionNo', 'Act'],
      ['1', '111'],
    ]);
    expect(fields(parseChunked(text, 1))).toEqual([
      ['SessionNo', 'Act'],
      ['1', '111'],
    ]);
  });

  it('reads rows wider than its initial field buffer, quoted fields included', () => {
    const header = Array.from({ length: 70 }, (_, i) => `c${i}`);
    const values = Array.from({ length: 70 }, (_, i) => (i % 9 === 0 ? `"q,${i}"` : String(i)));
    const text = `${header.join(',')}\n${values.join(',')}\n`;
    const expected = [header, values.map((v) => v.replaceAll('"', ''))];
    expect(fields(parse(text))).toEqual(expected);
    expect(fields(parseChunked(text, 13))).toEqual(expected);
  });

  it('keeps empty fields, including a trailing one after the last delimiter', () => {
    expect(fields(parse('a,b,c\n,,\n1,,\n'))).toEqual([
      ['a', 'b', 'c'],
      ['', '', ''],
      ['1', '', ''],
    ]);
  });

  it('marks quoted and escaped fields so byte-level readers can tell "" from an empty field', () => {
    const seen: number[][] = [];
    tokenizeText('a,b,c\n"",,"x""y"\n', { file: 't' }, (row) =>
      seen.push(Array.from(row.flags.subarray(0, row.count))),
    );
    expect(seen[1]).toEqual([FIELD_QUOTED, 0, FIELD_QUOTED | FIELD_ESCAPED]);
  });

  it('keeps a quote inside an unquoted field literally', () => {
    expect(fields(parse('a,b\n5" disk,x\n'))).toEqual([
      ['a', 'b'],
      ['5" disk', 'x'],
    ]);
  });

  it('detects tab or comma from the header line with delimiter "auto"', () => {
    expect(fields(parse('a\tb,c\n1\t2,3\n'))).toEqual([
      ['a', 'b,c'],
      ['1', '2,3'],
    ]);
    expect(fields(parse('a,b\n1,2\n'))).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('uses any one-character delimiter given', () => {
    expect(fields(parse('a;b\n"1;2";3\n', ';'))).toEqual([
      ['a', 'b'],
      ['1;2', '3'],
    ]);
    expect(() => parse('a\n', '::')).toThrow(
      "delimiter must be one ASCII character other than a quote or line break, or 'auto'",
    );
  });

  it('fails on an unterminated quote with file, line and field number', () => {
    expect(() => parse('a,b\n1,"open\n2,3\n')).toThrow(ParseError);
    expect(() => parse('a,b\n1,"open\n2,3\n')).toThrow(
      'test.csv:2:2: quoted field is not closed before the end of the input "\\"open\\n2,3\\n" (expected a closing quote ("))',
    );
  });

  it('fails on text after a closing quote', () => {
    expect(() => parse('a,b\n"x"y,2\n')).toThrow(
      'test.csv:2:1: unexpected character after a closing quote "\\"x\\"y,2\\n" (expected a delimiter or the end of the line after a quoted field)',
    );
  });

  it('decompresses gzip bytes by their magic number', () => {
    expect(fields(parse(gzipSync(Buffer.from('a,b\n1,2\n'))))).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('reads a Node stream chunk by chunk, gzip included', async () => {
    const rows: string[][] = [];
    const gz = gzipSync(Buffer.from(TRICKY));
    const stream = Readable.from([gz.subarray(0, 10), gz.subarray(10)]);
    const result = await tokenizeSource({ stream, name: 'piped.csv.gz' }, {}, (row) =>
      rows.push(Array.from({ length: row.count }, (_, i) => row.text(i))),
    );
    expect(result.name).toBe('piped.csv.gz');
    expect(rows).toEqual(fields(parse(TRICKY)));
  });
});

const PYTHON = '/usr/bin/python3';

describe.skipIf(!existsSync(PYTHON))('DelimitedTokenizer against Python csv (stdlib, RFC 4180 dialect "excel")', () => {
  it('splits a messy CSV into the same rows as csv.reader', () => {
    const text = [
      'id,text,n',
      '1,"a, b",2',
      '2,"line1\nline2",3',
      '3,"quote ""inside""",4',
      '',
      '4,,5',
      '5,"",6',
      '6,tail,"7"',
    ].join('\r\n');
    const py = spawnSync(
      PYTHON,
      [
        '-c',
        'import csv,sys,json,io\ntext=sys.stdin.buffer.read().decode("utf-8")\nprint(json.dumps([r for r in csv.reader(io.StringIO(text, newline="")) if r]))',
      ],
      { input: text, encoding: 'utf8' },
    );
    expect(py.status, py.stderr).toBe(0);
    expect(fields(parse(text))).toEqual(JSON.parse(py.stdout));
  });
});
