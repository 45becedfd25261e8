import { InvalidArgumentError, ParseError } from '../errors.js';
import { InputLimitError } from './input-limit-error.js';
import { gunzipBytes, openSource, toBuffer, type TextSource } from './text-source.js';

const LF = 0x0a;
/** Bytes handed to the tokenizer per call when the whole input is in memory. */
const TEXT_SLICE = 1 << 20;
const CR = 0x0d;
const TAB = 0x09;
const COMMA = 0x2c;
const QUOTE = 0x22;
/** Most bytes of a row that {@link DelimitedRow.raw} quotes. */
const RAW_BYTES = 200;

/** Default {@link TokenizerOptions.maxLineBytes}: 16 MiB. */
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;
/** Default {@link TokenizerOptions.maxFieldBytes}: 16 MiB. */
export const DEFAULT_MAX_FIELD_BYTES = 16 * 1024 * 1024;

/** States of the scan that looks for the end of an unfinished row (see `DelimitedTokenizer.#pendingComplete`). */
const AT_FIELD = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const AFTER_QUOTE = 3;
const AFTER_QUOTE_CR = 4;
const BAD_QUOTE = 5;
/** Bytes an 'unexpected character after a closing quote' message quotes from that character on. */
const BAD_QUOTE_EXCERPT = 10;

/** Field flag: the field was quoted in the source. */
export const FIELD_QUOTED = 1;
/** Field flag: the quoted field contains doubled quotes (`""`), so its bytes need unescaping. */
export const FIELD_ESCAPED = 2;

/**
 * One row of delimited text as found by {@link DelimitedTokenizer}: field boundaries into `bytes`,
 * without copying and without a string per field. The object is reused for the next row, so a
 * consumer copies out what it keeps. Quoted fields exclude their quotes; `FIELD_ESCAPED` fields
 * still hold doubled quotes in `bytes` (use {@link DelimitedRow.text}).
 */
export interface DelimitedRow {
  /** The buffer that holds this row's bytes. */
  readonly bytes: Buffer;
  /** Number of fields in the row. */
  readonly count: number;
  /** Start offset in `bytes` of each field (first `count` entries are valid). */
  readonly starts: Int32Array;
  /** End offset (exclusive) in `bytes` of each field. */
  readonly ends: Int32Array;
  /** `FIELD_QUOTED` / `FIELD_ESCAPED` bits per field. */
  readonly flags: Uint8Array;
  /** 1-based line of the row's first byte in the source (the header is line 1). */
  readonly line: number;
  /**
   * True when some field of the row has `FIELD_ESCAPED` (so a byte-level consumer can skip per-field checks otherwise).
   */
  readonly escaped: boolean;
  /** Offsets in `bytes` of the whole row, for error messages. */
  readonly rowStart: number;
  readonly rowEnd: number;
  /** The text of field `i`, unquoted and unescaped. */
  text(i: number): string;
  /**
   * The row as it appears in the source (without its line break), for error messages: at most its first 200 bytes, then
   * `…`.
   */
  raw(): string;
}

class RowCursor implements DelimitedRow {
  bytes: Buffer = Buffer.alloc(0);
  count = 0;
  starts = new Int32Array(16);
  ends = new Int32Array(16);
  flags = new Uint8Array(16);
  line = 0;
  rowStart = 0;
  rowEnd = 0;
  escaped = false;

  text(i: number): string {
    const s = this.bytes.toString('utf8', this.starts[i]!, this.ends[i]!);
    return (this.flags[i]! & FIELD_ESCAPED) !== 0 ? s.replaceAll('""', '"') : s;
  }

  raw(): string {
    let end = this.rowEnd;
    while (end > this.rowStart && (this.bytes[end - 1] === LF || this.bytes[end - 1] === CR)) end--;
    if (end - this.rowStart <= RAW_BYTES) return this.bytes.toString('utf8', this.rowStart, end);
    // An error message quotes a bounded excerpt, cut at a character boundary.
    let cut = this.rowStart + RAW_BYTES;
    while (cut > this.rowStart && (this.bytes[cut]! & 0xc0) === 0x80) cut--;
    return `${this.bytes.toString('utf8', this.rowStart, cut)}…`;
  }

  grow(): void {
    const n = this.starts.length * 2;
    const starts = new Int32Array(n);
    starts.set(this.starts);
    const ends = new Int32Array(n);
    ends.set(this.ends);
    const flags = new Uint8Array(n);
    flags.set(this.flags);
    this.starts = starts;
    this.ends = ends;
    this.flags = flags;
  }
}

/**
 * A consumer's own path for common rows, which {@link DelimitedTokenizer} tries at the start of
 * every row before its general one: `take` consumes complete one-line rows from `buf[pos..n)`
 * (delimiter `delimiter`, the first on line `line`), as many as it will judge, and returns the
 * offset after the line break of the last one (`pos` when none), their count in `taken`. It leaves
 * a row it does not take (quoted fields, incomplete rows, blank lines, anything it will not judge)
 * to the general tokenizer, and must not change any state for that row.
 */
export interface FastRows {
  take(buf: Buffer, pos: number, n: number, delimiter: number, line: number): number;
  /** How many rows the last `take` consumed. */
  taken: number;
}

/** Options of {@link DelimitedTokenizer}. */
export interface TokenizerOptions {
  /** Name of the source, for error messages. */
  readonly file: string;
  /**
   * The field delimiter, one character, or `'auto'` (default): tab when the first line contains a
   * tab, else comma when it contains a comma, else `fallback`.
   */
  readonly delimiter?: string;
  /** Delimiter used by `'auto'` when the first line has neither tab nor comma. Default `','`. */
  readonly fallback?: string;
  /**
   * Longest row accepted, in bytes before its line break (a quoted field's line breaks count):
   * a longer one is an {@link InputLimitError}, found in time and memory bounded by the limit.
   * Default {@link DEFAULT_MAX_LINE_BYTES} (16 MiB).
   */
  readonly maxLineBytes?: number;
  /** Longest field accepted, in bytes (quotes included). Default {@link DEFAULT_MAX_FIELD_BYTES} (16 MiB). */
  readonly maxFieldBytes?: number;
}

/**
 * A streaming tokenizer for delimited text (CSV, TSV, any one-character delimiter) working on bytes.
 * Feed it chunks with {@link DelimitedTokenizer.push} and call {@link DelimitedTokenizer.end}; it
 * calls `onRow` once per row, header included, with field boundaries into the chunk (no per-field
 * strings). It follows RFC 4180: quoted fields may hold delimiters, doubled quotes and line breaks;
 * it also skips a UTF-8 BOM, accepts CRLF or LF line ends and a missing final line break, and skips
 * blank lines while keeping line numbers true. A quote inside an unquoted field is kept literally;
 * anything but a delimiter or line end after a closing quote, and an unterminated quote, are
 * {@link ParseError}s naming the file and line.
 *
 * Only the bytes of one unfinished row are carried from chunk to chunk (copied, so the caller may
 * reuse a chunk's memory once `push` returns), so memory stays bounded by the chunk size (plus the
 * longest row, at most `maxLineBytes`), whatever the size of the input. An unfinished row is
 * scanned once, carrying the scan's state from chunk to chunk, so a row spread over many chunks
 * costs time linear in its length.
 *
 * @example
 * ```ts
 * const rows: string[][] = [];
 * const tokenizer = new DelimitedTokenizer({ file: 'x.csv' }, (row) => {
 *   rows.push(Array.from({ length: row.count }, (_, i) => row.text(i)));
 * });
 * tokenizer.push(Buffer.from('a,"b, c"\n1,"say ""hi"""\r\n'));
 * tokenizer.end();
 * // rows: [['a', 'b, c'], ['1', 'say "hi"']]
 * ```
 */
export class DelimitedTokenizer {
  readonly file: string;
  #delimiter: number;
  readonly #fallback: number;
  readonly #onRow: (row: DelimitedRow) => void;
  readonly #row = new RowCursor();
  /** Holds the bytes of the unfinished row between chunks (and the next chunk after them); reused. */
  #work: Buffer = Buffer.allocUnsafe(0);
  #pendingLength = 0;
  #line = 1;
  #started = false;
  #ended = false;
  readonly #maxLine: number;
  readonly #maxField: number;
  /** How far the unfinished row in `#work` was scanned for its end, and the scan's state there. */
  #scanned = 0;
  #scanState = AT_FIELD;
  #scanFields = 0;
  #scanFieldStart = 0;
  #badQuoteAt = 0;
  /** An optional consumer's own path for common rows, tried first at the start of every row (see {@link FastRows}). */
  fastRows: FastRows | null = null;

  constructor(options: TokenizerOptions, onRow: (row: DelimitedRow) => void) {
    const {
      file,
      delimiter = 'auto',
      fallback = ',',
      maxLineBytes = DEFAULT_MAX_LINE_BYTES,
      maxFieldBytes = DEFAULT_MAX_FIELD_BYTES,
    } = options;
    this.file = file;
    this.#maxLine = byteLimit(maxLineBytes, 'maxLineBytes');
    this.#maxField = byteLimit(maxFieldBytes, 'maxFieldBytes');
    this.#delimiter = delimiter === 'auto' ? -1 : delimiterByte(delimiter, 'delimiter');
    this.#fallback = delimiterByte(fallback, 'fallback');
    this.#onRow = onRow;
  }

  /** The delimiter in use, once known (`'auto'` decides on the first line). */
  get delimiter(): string | undefined {
    return this.#delimiter < 0 ? undefined : String.fromCharCode(this.#delimiter);
  }

  /** Number of lines started so far (the next row's line number). */
  get line(): number {
    return this.#line;
  }

  /** Feeds the next chunk of bytes. */
  push(chunk: Uint8Array): void {
    if (this.#ended)
      throw new InvalidArgumentError(
        'DelimitedTokenizer.push',
        'chunk',
        'a chunk after end()',
        'no more chunks once end() was called',
      );
    if (chunk.length === 0) return;
    let buf = toBuffer(chunk);
    const pending = this.#pendingLength;
    if (pending > 0) {
      const total = pending + buf.length;
      if (total > this.#work.length) {
        const work = Buffer.allocUnsafe(Math.max(total, this.#work.length * 2));
        this.#work.copy(work, 0, 0, pending);
        this.#work = work;
      }
      buf.copy(this.#work, pending);
      this.#pendingLength = total;
      // Parse only once the unfinished row is complete: re-parsing it from its start on every chunk
      // would cost time quadratic in its length.
      if (!this.#pendingComplete(total)) return;
      buf = this.#work.subarray(0, total);
      this.#pendingLength = 0;
    }
    this.#consume(buf, false);
  }

  /**
   * Scans the new bytes of the unfinished row held in `#work[0..total)` from where the last scan
   * stopped; true when the row is complete (or has an error the parser will report), false when
   * more input is needed. Enforces the line and field limits on rows that span chunks.
   */
  #pendingComplete(total: number): boolean {
    const work = this.#work;
    let p = this.#scanned;
    if (!this.#started || this.#delimiter < 0) {
      // The first line: the delimiter is decided on it, and the BOM check needs 3 bytes.
      if (!this.#started && total < 3) return false;
      const lf = work.subarray(0, total).indexOf(LF, p);
      if (lf >= 0) return true;
      this.#scanned = total;
      if (total > this.#maxLine)
        throw new InputLimitError({ file: this.file, line: this.#line }, 'maxLineBytes', this.#maxLine);
      return false;
    }
    const D = this.#delimiter;
    const maxField = this.#maxField;
    let state = this.#scanState;
    let fields = this.#scanFields;
    let fieldStart = this.#scanFieldStart;
    for (; p < total; p++) {
      const c = work[p]!;
      if (state === UNQUOTED || state === AT_FIELD) {
        if (c === D || c === LF) {
          if (p - fieldStart > maxField) throw this.#fieldLimit(fields);
          if (c === LF) return this.#lineEnd(p);
          fields++;
          fieldStart = p + 1;
          state = AT_FIELD;
        } else {
          state = state === AT_FIELD && c === QUOTE ? QUOTED : UNQUOTED;
        }
      } else if (state === QUOTED) {
        if (c === QUOTE) state = AFTER_QUOTE;
      } else if (state === AFTER_QUOTE) {
        if (c === QUOTE) {
          state = QUOTED;
        } else if (c === D || c === LF) {
          if (p - fieldStart > maxField) throw this.#fieldLimit(fields);
          if (c === LF) return this.#lineEnd(p);
          fields++;
          fieldStart = p + 1;
          state = AT_FIELD;
        } else if (c === CR) {
          state = AFTER_QUOTE_CR;
        } else {
          state = BAD_QUOTE;
          this.#badQuoteAt = p;
          break;
        }
      } else if (state === AFTER_QUOTE_CR) {
        if (c === LF) return this.#lineEnd(p);
        state = BAD_QUOTE;
        this.#badQuoteAt = p - 1;
        break;
      } else {
        break;
      }
    }
    // The parser reports a bad closing quote with the bytes that follow it: complete once they are here.
    if (state === BAD_QUOTE) return total >= this.#badQuoteAt + BAD_QUOTE_EXCERPT;
    this.#scanned = total;
    this.#scanState = state;
    this.#scanFields = fields;
    this.#scanFieldStart = fieldStart;
    if (total > this.#maxLine)
      throw new InputLimitError({ file: this.file, line: this.#line }, 'maxLineBytes', this.#maxLine);
    if (total - fieldStart > maxField) throw this.#fieldLimit(fields);
    return false;
  }

  #lineEnd(lf: number): boolean {
    if (lf > this.#maxLine)
      throw new InputLimitError({ file: this.file, line: this.#line }, 'maxLineBytes', this.#maxLine);
    return true;
  }

  #fieldLimit(index: number): InputLimitError {
    return new InputLimitError(
      { file: this.file, line: this.#line, column: index + 1 },
      'maxFieldBytes',
      this.#maxField,
    );
  }

  /** Signals the end of input: parses the last row (which may lack a line break). */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    const buf = this.#work.subarray(0, this.#pendingLength);
    this.#pendingLength = 0;
    this.#consume(buf, true);
  }

  #consume(buf: Buffer, final: boolean): void {
    let pos = 0;
    if (!this.#started) {
      if (buf.length < 3 && !final) {
        this.#keep(buf, 0);
        return;
      }
      this.#started = true;
      if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) pos = 3;
    }
    if (this.#delimiter < 0) {
      const lineEnd = buf.indexOf(LF, pos);
      if (lineEnd < 0 && !final) {
        this.#keep(buf, pos);
        return;
      }
      this.#delimiter = detectDelimiter(buf, pos, lineEnd < 0 ? buf.length : lineEnd, this.#fallback);
    }
    const stop = this.#rows(buf, pos, final);
    if (stop < buf.length) this.#keep(buf, stop);
  }

  /**
   * Copies `buf[from..]` (an unfinished row) to the start of the work buffer, so the caller may
   * reuse the chunk's memory once `push` returns. `Buffer.copy` handles the overlap when `buf` is
   * the work buffer itself.
   */
  #keep(buf: Buffer, from: number): void {
    const length = buf.length - from;
    this.#scanned = 0;
    this.#scanState = AT_FIELD;
    this.#scanFields = 0;
    this.#scanFieldStart = 0;
    if (length > this.#work.length) {
      const work = Buffer.allocUnsafe(Math.max(length, 2 * this.#work.length, 4096));
      buf.copy(work, 0, from);
      this.#work = work;
    } else {
      buf.copy(this.#work, 0, from);
    }
    this.#pendingLength = length;
  }

  /** Parses complete rows from `pos`; returns where the first incomplete row starts (or `buf.length`). */
  #rows(buf: Buffer, pos: number, final: boolean): number {
    const n = buf.length;
    const D = this.#delimiter;
    const high = D > LF ? D : LF;
    const row = this.#row;
    row.bytes = buf;
    let starts = row.starts;
    let ends = row.ends;
    let flags = row.flags;
    while (pos < n) {
      const rowStart = pos;
      let c = buf[pos]!;
      if (c === LF) {
        this.#line++;
        pos++;
        continue;
      }
      if (c === CR) {
        if (pos + 1 >= n) {
          if (!final) return rowStart;
          pos++;
          continue;
        }
        if (buf[pos + 1] === LF) {
          this.#line++;
          pos += 2;
          continue;
        }
      }
      const fast = this.fastRows;
      if (fast !== null) {
        const next = fast.take(buf, pos, n, D, this.#line);
        if (next > pos) {
          this.#line += fast.taken;
          pos = next;
          continue;
        }
      }
      let count = 0;
      let innerLines = 0;
      let escaped = false;
      let complete = false;
      for (;;) {
        if (count === starts.length) {
          row.grow();
          starts = row.starts;
          ends = row.ends;
          flags = row.flags;
        }
        if (pos < n && buf[pos] === 0x22) {
          let p = pos + 1;
          let fieldFlags = FIELD_QUOTED;
          for (;;) {
            if (p >= n) {
              if (!final) return rowStart;
              throw new ParseError(
                { file: this.file, line: this.#line, column: count + 1 },
                'quoted field is not closed before the end of the input',
                { value: buf.toString('utf8', pos, Math.min(n, pos + 60)), expected: 'a closing quote (")' },
              );
            }
            c = buf[p]!;
            if (c === 0x22) {
              if (p + 1 < n) {
                if (buf[p + 1] === 0x22) {
                  fieldFlags |= FIELD_ESCAPED;
                  escaped = true;
                  p += 2;
                  continue;
                }
              } else if (!final) {
                return rowStart;
              }
              break;
            }
            if (c === LF) innerLines++;
            p++;
          }
          if (p + 1 - pos > this.#maxField) throw this.#fieldLimit(count);
          starts[count] = pos + 1;
          ends[count] = p;
          flags[count] = fieldFlags;
          count++;
          p++;
          if (p >= n) {
            if (!final) return rowStart;
            pos = p;
            complete = true;
            break;
          }
          c = buf[p]!;
          if (c === D) {
            pos = p + 1;
            continue;
          }
          if (c === LF) {
            pos = p + 1;
            complete = true;
            break;
          }
          if (c === CR) {
            if (p + 1 >= n) {
              if (!final) return rowStart;
              pos = p + 1;
              complete = true;
              break;
            }
            if (buf[p + 1] === LF) {
              pos = p + 2;
              complete = true;
              break;
            }
          }
          // The message quotes bytes past the closing quote: wait for them, so a stream cut anywhere reads the same.
          if (!final && p + BAD_QUOTE_EXCERPT > n) return rowStart;
          throw new ParseError(
            { file: this.file, line: this.#line + innerLines, column: count },
            'unexpected character after a closing quote',
            {
              value: buf.toString('utf8', row.starts[count - 1]! - 1, Math.min(n, p + 10)),
              expected: 'a delimiter or the end of the line after a quoted field',
            },
          );
        }
        let p = pos;
        // Most bytes are above both the delimiter and LF: one comparison rejects them.
        while (p < n) {
          c = buf[p]!;
          if (c <= high && (c === D || c === LF)) break;
          p++;
        }
        if (p >= n && !final) return rowStart;
        if (p - pos > this.#maxField) throw this.#fieldLimit(count);
        let end = p;
        if ((p >= n || buf[p] === LF) && end > pos && buf[end - 1] === CR) end--;
        starts[count] = pos;
        ends[count] = end;
        flags[count] = 0;
        count++;
        if (p >= n) {
          pos = n;
          complete = true;
          break;
        }
        pos = p + 1;
        if (buf[p] === LF) {
          complete = true;
          break;
        }
      }
      if (complete) {
        if (pos - rowStart > this.#maxLine && (pos - rowStart - 1 > this.#maxLine || buf[pos - 1] !== LF)) {
          throw new InputLimitError({ file: this.file, line: this.#line }, 'maxLineBytes', this.#maxLine);
        }
        row.count = count;
        row.escaped = escaped;
        row.line = this.#line;
        row.rowStart = rowStart;
        row.rowEnd = pos;
        this.#line += 1 + innerLines;
        this.#onRow(row);
      }
    }
    return n;
  }
}

function detectDelimiter(buf: Buffer, start: number, end: number, fallback: number): number {
  let tabs = 0;
  let commas = 0;
  for (let i = start; i < end; i++) {
    const c = buf[i];
    if (c === TAB) tabs++;
    else if (c === COMMA) commas++;
  }
  if (tabs > 0) return TAB;
  if (commas > 0) return COMMA;
  return fallback;
}

function byteLimit(value: number, argument: string): number {
  if (!(Number.isInteger(value) && value > 0))
    throw new InvalidArgumentError('DelimitedTokenizer', argument, value, 'a positive integer (bytes)');
  return value;
}

function delimiterByte(delimiter: string, argument: string): number {
  if (
    delimiter.length !== 1 ||
    delimiter === '"' ||
    delimiter === '\n' ||
    delimiter === '\r' ||
    delimiter.charCodeAt(0) > 0x7f
  ) {
    throw new InvalidArgumentError(
      'DelimitedTokenizer',
      argument,
      delimiter,
      "one ASCII character other than a quote or line break, or 'auto'",
    );
  }
  return delimiter.charCodeAt(0);
}

/**
 * Tokenizes a whole `TextSource` (path, text, bytes or stream, gzip included) chunk by chunk,
 * calling `onRow` for every row, header included. Returns the source's name and the delimiter used.
 *
 * @example
 * ```ts
 * let rows = 0;
 * await tokenizeSource({ path: 'mixed-1.txt' }, { delimiter: '\t' }, () => rows++);
 * ```
 */
export async function tokenizeSource(
  source: TextSource,
  options: Omit<TokenizerOptions, 'file'>,
  onRow: (row: DelimitedRow, tokenizer: DelimitedTokenizer) => void,
  where = 'read',
): Promise<{ name: string; delimiter: string | undefined; lines: number }> {
  const { name, chunks } = openSource(source, where);
  const tokenizer: DelimitedTokenizer = new DelimitedTokenizer({ ...options, file: name }, (row) =>
    onRow(row, tokenizer),
  );
  for await (const chunk of chunks) tokenizer.push(chunk);
  tokenizer.end();
  return { name, delimiter: tokenizer.delimiter, lines: tokenizer.line - 1 };
}

/**
 * Tokenizes text or bytes already in memory, synchronously (gzip bytes are decompressed first).
 * The same rules as {@link DelimitedTokenizer}; returns the delimiter used.
 *
 * @example
 * ```ts
 * tokenizeText('a\tb\n1\t2\n', { file: 'inline.tsv' }, (row) => console.log(row.count)); // 2, 2
 * ```
 */
export function tokenizeText(
  input: string | Uint8Array,
  options: TokenizerOptions,
  onRow: (row: DelimitedRow, tokenizer: DelimitedTokenizer) => void,
): { delimiter: string | undefined; lines: number } {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : gunzipBytes(toBuffer(input), options.file);
  const tokenizer: DelimitedTokenizer = new DelimitedTokenizer(options, (row) => onRow(row, tokenizer));
  // Slices as a file would be read: many short calls optimize better than one long-running loop.
  for (let at = 0; at < bytes.length; at += TEXT_SLICE) tokenizer.push(bytes.subarray(at, at + TEXT_SLICE));
  tokenizer.end();
  return { delimiter: tokenizer.delimiter, lines: tokenizer.line - 1 };
}
