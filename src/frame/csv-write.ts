import { createWriteStream } from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { InvalidArgumentError } from '../errors.js';
import { asFrame, type FrameInput } from './frame-input.js';
import { formatNumber } from './parse-number.js';

/** Options of {@link writeCsv}, `formatCsv` and `csvChunks`. */
export interface WriteCsvOptions {
  /** Field delimiter, one character. Default `','`. */
  readonly delimiter?: string;
  /** Whether to write a header line of column names. Default `true`. */
  readonly header?: boolean;
  /**
   * `'needed'` (default) quotes a string only when it holds the delimiter, a quote, a line break,
   * or is empty (so an empty string reads back as `''`, not missing); `'always'` quotes every
   * string value. Numbers are never quoted.
   */
  readonly quote?: 'needed' | 'always';
  /** Line terminator. Default `'\n'`. */
  readonly lineEnd?: '\n' | '\r\n';
  /** Columns to write, in this order. Default: all, in frame order. */
  readonly columns?: readonly string[];
}

/** Where {@link writeCsv} writes: a file path (gzip-compressed when it ends in `.gz`), or a writable stream. */
export type CsvDestination = string | { readonly path: string } | Writable;

/** Rows per generated chunk: large enough for fast writes, small enough never to build a giant string. */
const ROWS_PER_CHUNK = 2048;

/**
 * Writes a {@link Frame} (or a danfo DataFrame, converted structurally) as delimited text, streaming in chunks (never
 * one giant string), with backpressure. Numbers are written in their shortest round-trip form (`String(x)`), so
 * {@link readCsv} reads back exactly the same doubles; `NaN` and missing strings are empty fields.
 * (A one-column frame writes a missing value as `""`, since an empty line would read as blank.)
 * A path ending in `.gz` is gzip-compressed. A stream destination is ended when done unless
 * `end: false` is given.
 *
 * @example
 * ```ts
 * await writeCsv(frame, 'features.csv');
 * await writeCsv(frame, 'features.tsv.gz', { delimiter: '\t' });
 * await writeCsv(frame, process.stdout, { end: false });
 * ```
 */
export async function writeCsv(
  frame: FrameInput,
  destination: CsvDestination,
  options: WriteCsvOptions & { readonly end?: boolean } = {},
): Promise<void> {
  const { end = true, ...rest } = options;
  const chunks = Readable.from(csvChunks(frame, rest), { objectMode: false });
  if (
    typeof destination === 'string' ||
    (typeof destination === 'object' &&
      destination !== null &&
      'path' in destination &&
      typeof destination.path === 'string' &&
      !('write' in destination))
  ) {
    const file = typeof destination === 'string' ? destination : destination.path;
    if (file.endsWith('.gz')) await pipeline(chunks, createGzip(), createWriteStream(file));
    else await pipeline(chunks, createWriteStream(file));
    return;
  }
  const stream = destination as Writable;
  if (typeof stream.write !== 'function') {
    throw new InvalidArgumentError('writeCsv', 'destination', destination, 'a file path or a writable stream');
  }
  await pipeline(chunks, stream, { end });
}

/**
 * Formats a {@link Frame} as one CSV string: for small frames and tests; {@link writeCsv} streams.
 *
 * @example
 * ```ts
 * formatCsv(Frame.fromColumns({ id: ['a', 'b,c'], x: [1, 0.5] }));
 * // 'id,x\na,1\n"b,c",0.5\n'
 * ```
 */
export function formatCsv(frame: FrameInput, options: WriteCsvOptions = {}): string {
  let out = '';
  for (const chunk of csvChunks(frame, options)) out += chunk;
  return out;
}

/**
 * The delimited text of a {@link Frame} as a sequence of string chunks of a few thousand rows each.
 *
 * @example
 * ```ts
 * for (const chunk of csvChunks(frame, { delimiter: '\t' })) socket.write(chunk);
 * ```
 */
export function* csvChunks(input: FrameInput, options: WriteCsvOptions = {}): Generator<string> {
  const frame = asFrame(input, 'frame', 'writeCsv');
  const { delimiter = ',', header = true, quote = 'needed', lineEnd = '\n', columns = frame.columnNames } = options;
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new InvalidArgumentError(
      'writeCsv',
      'delimiter',
      delimiter,
      'one character other than a quote or line break',
    );
  }
  if (quote !== 'needed' && quote !== 'always')
    throw new InvalidArgumentError('writeCsv', 'quote', quote, "'needed' or 'always'");
  if (lineEnd !== '\n' && lineEnd !== '\r\n')
    throw new InvalidArgumentError('writeCsv', 'lineEnd', lineEnd, "'\\n' or '\\r\\n'");
  const escape = (text: string, always: boolean): string => {
    const needs =
      always ||
      text === '' ||
      text.includes(delimiter) ||
      text.includes('"') ||
      text.includes('\n') ||
      text.includes('\r');
    return needs ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const writers = columns.map((name) => {
    const { column, index } = frame.columnData(name);
    if (column.kind === 'number') {
      const values = column.values;
      return (row: number): string => formatNumber(values[index === null ? row : index[row]!]!);
    }
    const formatted = column.dictionary.map((value) => escape(value, quote === 'always'));
    const codes = column.codes;
    return (row: number): string => {
      const code = codes[index === null ? row : index[row]!]!;
      return code < 0 ? '' : formatted[code]!;
    };
  });
  if (header) yield columns.map((name) => escape(name, false)).join(delimiter) + lineEnd;
  const width = writers.length;
  for (let start = 0; start < frame.rowCount; start += ROWS_PER_CHUNK) {
    const stop = Math.min(frame.rowCount, start + ROWS_PER_CHUNK);
    let chunk = '';
    for (let r = start; r < stop; r++) {
      let line = width > 0 ? writers[0]!(r) : '';
      for (let j = 1; j < width; j++) line += delimiter + writers[j]!(r);
      // An empty line would read back as a blank line and be skipped: quote the lone empty field.
      if (line === '' && width === 1) line = '""';
      chunk += line + lineEnd;
    }
    yield chunk;
  }
}
