import { stat } from 'node:fs/promises';
import { InvalidArgumentError, ParseError } from '../errors.js';
import { ByteDictionary, finishHash } from '../frame/byte-dictionary.js';
import type { StringColumn } from '../frame/column.js';
import {
  type DelimitedRow,
  type DelimitedTokenizer,
  FIELD_ESCAPED,
  type FastRows,
  tokenizeSource,
  tokenizeText,
} from '../frame/delimited-parser.js';
import { parseNumberBytes } from '../frame/parse-number.js';
import type { TextSource } from '../frame/text-source.js';
import { DEFAULT_DUPLICATE_POLICY, type DuplicatePolicy } from './duplicate-events.js';
import { buildEventLog } from './event-log-builder.js';
import type { EventLog, SkippedRows } from './event-log.js';
import {
  boundedList,
  type LogSchema,
  type ResolvedColumns,
  resolveColumns,
  SEED_LOG_SCHEMA,
  schemaColumns,
  validateSchema,
} from './log-schema.js';
import { parseFixed, parseTimeBytes } from './parse-time.js';
import {
  F_LAST_KEY,
  F_LAST_TIME,
  I_KEEP,
  I_LABEL,
  I_LAST_ACTION,
  I_SPAN_LENGTH,
  I_SPAN_TAG,
  I_UNSORTED,
  I_EVENTS,
  SessionRecords,
  SPAN_BYTES,
  equalWords,
  storeWords,
} from './session-records.js';
import { openS3Sources, type S3ReadOptions } from './s3-source.js';
import { READER_SPARES } from './spare-buffers.js';

/** Default {@link ReadEventLogOptions.timeRange}: from 2000-01-01 (inclusive) to 2100-01-01 (exclusive), UTC. */
export const DEFAULT_TIME_RANGE: { readonly min: number; readonly max: number } = Object.freeze({
  min: Date.UTC(2000, 0, 1),
  max: Date.UTC(2100, 0, 1),
});
/** Default {@link ReadEventLogOptions.maxLineBytes}: 1 MiB (an event row is usually under 100 bytes). */
export const DEFAULT_LOG_MAX_LINE_BYTES = 1 << 20;
/** Default {@link ReadEventLogOptions.maxFieldBytes}: 64 KiB. */
export const DEFAULT_LOG_MAX_FIELD_BYTES = 1 << 16;

/** Options of {@link readEventLog} and {@link parseEventLog}. */
export interface ReadEventLogOptions {
  /**
   * Which columns hold what. Default {@link SEED_LOG_SCHEMA} (`SessionNo LogTime CustID GroupID ProfID Act BadActor`).
   */
  readonly schema?: LogSchema;
  /**
   * Field delimiter, or `'auto'` (default): per file, tab if its header has one, else comma if it has one, else tab.
   */
  readonly delimiter?: string;
  /**
   * What to do with a bad row (wrong field count, empty session or action, unparseable or
   * implausible time, invalid order value or label, invalid text): `'error'` (default) throws a
   * {@link ParseError}; `'skip'` leaves the row out and counts it in `log.skipped` by reason, with
   * the first few messages as examples. A session whose events disagree on the label is an error
   * under `'error'`; under `'skip'` the whole session is dropped and its events counted under
   * `'session labels disagree'`. Broken quoting (an unterminated quote) and a line or field over
   * its limit are always errors, since rows cannot be told apart after them.
   */
  readonly onBadRow?: 'error' | 'skip';
  /**
   * Unit of numeric (epoch) times: `'auto'` (default) reads a number of magnitude below 1e11 as
   * seconds and any other as milliseconds (the two never meet within `timeRange`), so 10-digit
   * epoch seconds are not taken for milliseconds in 1970; `'ms'` or `'s'` fix the unit. Text
   * timestamps are unaffected.
   */
  readonly timeUnit?: 'auto' | 'ms' | 's';
  /**
   * Plausible event times, epoch milliseconds, `min` inclusive and `max` exclusive: a time outside
   * is a bad row (`'implausible time'`), so `0`, `-1` or `1e300` never reach features. Default
   * `DEFAULT_TIME_RANGE` (years 2000 to 2099); `null` accepts any finite time.
   */
  readonly timeRange?: { readonly min: number; readonly max: number } | null;
  /**
   * Repeated events (same session, time and action as the session's previous event; see
   * {@link DuplicatePolicy}, the rule the live scorer follows too): `'drop'` (default) leaves them
   * out and counts them in `log.skipped.byReason['duplicate event']`; `'keep'` reads every row.
   */
  readonly duplicates?: DuplicatePolicy;
  /**
   * Session ids, action codes and kept columns that are not valid UTF-8: `'error'` (default) is a
   * bad row (`'invalid text'`) naming file:line:column, since decoding would merge different byte
   * strings (`\xff1` and `\xfe1` both become `\ufffd1`); `'replace'` decodes them with U+FFFD
   * and counts the fields it changed in `log.replacedText`. A NUL byte in those fields is a bad
   * row either way.
   */
  readonly invalidUtf8?: 'error' | 'replace';
  /**
   * Longest row accepted, in bytes; a longer one is an `InputLimitError`. Default `DEFAULT_LOG_MAX_LINE_BYTES` (1 MiB).
   */
  readonly maxLineBytes?: number;
  /**
   * Longest field accepted, in bytes; a longer one is an `InputLimitError`. Default `DEFAULT_LOG_MAX_FIELD_BYTES` (64
   * KiB).
   */
  readonly maxFieldBytes?: number;
  /** How many example messages `log.skipped.examples` keeps. Default 5. */
  readonly maxExamples?: number;
  /** How `s3://` sources are reached: the S3 client to use (default: one from the AWS environment). */
  readonly s3?: S3ReadOptions;
}

/** Reasons under which rows are counted in `log.skipped.byReason`. */
export type SkipReason =
  | 'wrong field count'
  | 'empty session'
  | 'empty action'
  | 'unparseable time'
  | 'implausible time'
  | 'invalid order value'
  | 'invalid label'
  | 'invalid text'
  | 'session labels disagree'
  | 'duplicate event';

/**
 * Reads one or several event logs into one {@link EventLog}, strictly and fast. Sources are paths
 * (`.gz` decompressed), text, bytes or streams (see `TextSource`: a bare string is content
 * when it contains a newline or tab, else a path; `{ text, name }` and `{ path }` say it
 * explicitly), or S3 URIs: `s3://bucket/key` (one object) or `s3://bucket/prefix/` (every object
 * under it, in key order), plain or gzip like files, streamed from S3 and named by their URI in
 * errors and `sourceNames`; a missing object, an empty prefix or an access error is an
 * `S3SourceError` before any reading (see `options.s3` for the client). Files are streamed chunk by chunk on bytes, so memory grows with the events kept,
 * not with the files; the same file given twice (by any path) is an {@link InvalidArgumentError}.
 *
 * The result: sessions in order of first appearance (across the sources, in the order given;
 * the same session id in two files is one session), events ordered by session then time (or the
 * schema's `order` column), with a stable sort so ties keep file order; action codes and the
 * `keep` columns dictionary-encoded; times as epoch milliseconds (**naive timestamps are UTC**;
 * see `parseTime`); one label per session; the source of every event in `sources`/`sourceNames`.
 * Repeated events are dropped and counted (see `duplicates`).
 *
 * Every problem is a {@link ParseError} naming file, line (header = 1), column number and name,
 * value (a bounded excerpt) and expectation: missing header columns, wrong field count, empty
 * session or action, unparseable or implausible time, a label that is not 0/1 (or one of
 * `labelValues`), invalid UTF-8 or a NUL byte in an id or code, a session whose events disagree on
 * the label (both lines named), an empty file. See `onBadRow` to skip and count instead. A line
 * or field over its limit is an `InputLimitError`.
 *
 * @example
 * ```ts
 * const log = await readEventLog(['mixed-1.txt', 'mixed-2.txt.gz']);
 * log.sessionCount; log.positiveCount; log.sourceNames; // ['mixed-1.txt', 'mixed-2.txt.gz']
 *
 * const hdfs = await readEventLog('hdfs100k_events_long.csv', {
 *   schema: { session: 'BlockId', action: 'EventId', label: 'Label', order: 'seq' },
 * });
 *
 * const fromS3 = await readEventLog(['s3://my-bucket/logs/2019-07/', 's3://my-bucket/single.txt.gz']);
 *
 * const lenient = await readEventLog({ path: 'messy.txt' }, { onBadRow: 'skip' });
 * lenient.skipped; // { total: 3, byReason: { 'unparseable time': 2, 'empty action': 1 }, examples: [...] }
 * ```
 */
export async function readEventLog(
  sources: TextSource | readonly TextSource[],
  options: ReadEventLogOptions = {},
): Promise<EventLog> {
  const list = Array.isArray(sources) ? (sources as readonly TextSource[]) : [sources as TextSource];
  if (list.length === 0) throw new InvalidArgumentError('readEventLog', 'sources', list, 'at least one source');
  const reader = new EventLogReader(options, 'readEventLog');
  const s3 = await openS3Sources(list, options.s3, 'readEventLog');
  try {
    reader.reserve((await checkDistinctFiles(s3.sources)) + s3.plainBytes);
    for (const source of s3.sources) {
      const { name } = await tokenizeSource(
        source,
        reader.tokenizerOptions,
        (row, t) => reader.row(row, t.file, t),
        'readEventLog',
      );
      reader.endSource(name);
    }
  } finally {
    s3.close();
  }
  return reader.finish();
}

/**
 * Parses event-log text already in memory, synchronously; the same rules and result as
 * {@link readEventLog}. Inputs are always content: strings, UTF-8 (or gzip) bytes, or
 * `{ text, name }` (the name appears in errors and `sourceNames`).
 *
 * @example
 * ```ts
 * const log = parseEventLog({
 *   name: 'tiny.txt',
 *   text: 'SessionNo\tLogTime\tCustID\tGroupID\tProfID\tAct\tBadActor\n' +
 *         '7\t2019-07-01 12:00:01.000\tc1\tg1\tp1\t201\t0\n' +
 *         '7\t2019-07-01 12:00:00.000\tc1\tg1\tp1\t111\t0\n',
 * });
 * log.actionAt(0); // '111' (ordered by time)
 * ```
 */
export function parseEventLog(
  inputs:
    | string
    | Uint8Array
    | { readonly text: string; readonly name?: string }
    | readonly (string | Uint8Array | { readonly text: string; readonly name?: string })[],
  options: ReadEventLogOptions = {},
): EventLog {
  const list = Array.isArray(inputs) ? inputs : [inputs];
  if (list.length === 0) throw new InvalidArgumentError('parseEventLog', 'inputs', list, 'at least one input');
  const reader = new EventLogReader(options, 'parseEventLog');
  let bytes = 0;
  for (const input of list as readonly (string | Uint8Array | { readonly text: string; readonly name?: string })[]) {
    bytes += typeof input === 'string' ? input.length : input instanceof Uint8Array ? input.length : input.text.length;
  }
  reader.reserve(bytes);
  for (const input of list as readonly (string | Uint8Array | { readonly text: string; readonly name?: string })[]) {
    const named = typeof input === 'object' && !(input instanceof Uint8Array);
    const file = named ? (input.name ?? '<string>') : typeof input === 'string' ? '<string>' : '<bytes>';
    tokenizeText(named ? input.text : input, { ...reader.tokenizerOptions, file }, (row, t) =>
      reader.row(row, file, t),
    );
    reader.endSource(file);
  }
  return reader.finish();
}

/** The path of a source that names a file, else undefined (see `TextSource`). */
function pathOf(source: TextSource): string | undefined {
  if (typeof source === 'string')
    return source.length > 0 && !source.includes('\n') && !source.includes('\t') ? source : undefined;
  if (
    typeof source === 'object' &&
    source !== null &&
    !(source instanceof Uint8Array) &&
    'path' in source &&
    typeof source.path === 'string'
  )
    return source.path;
  return undefined;
}

/**
 * Throws when two sources are the same file (same device and inode: another path, a link, `./x`
 * and `x`); returns the bytes of the plain (not gzip) files, to size the reader's arrays.
 */
async function checkDistinctFiles(list: readonly TextSource[]): Promise<number> {
  const seen = new Map<string, string>();
  let bytes = 0;
  for (const source of list) {
    const file = pathOf(source);
    if (file === undefined) continue;
    // A file that cannot be read is reported by the reading itself, with the reason.
    const info = await stat(file).catch(() => undefined);
    if (info === undefined || !info.isFile()) continue;
    const key = `${info.dev}:${info.ino}`;
    const before = seen.get(key);
    if (before !== undefined) {
      throw new InvalidArgumentError(
        'readEventLog',
        'sources',
        file,
        `each file once (${JSON.stringify(file)} is the same file as ${JSON.stringify(before)}: its events would ` +
          `count twice)`,
      );
    }
    seen.set(key, file);
    if (!file.endsWith('.gz')) bytes += info.size;
  }
  return bytes;
}

const MAX_SOURCES = 0xffff;
/** The bytes of a fixed-width `YYYY-MM-DD HH:MM:SS.mmm` timestamp. */
const FIXED_TIME_BYTES: readonly number[] = [...Buffer.from('0123456789-: .')];
/** Most bytes of a row or field an error message quotes. */
const EXCERPT_BYTES = 200;

/** `bytes[start..end)` decoded, cut to {@link EXCERPT_BYTES} (at a character boundary, marked with `…`). */
function excerpt(bytes: Buffer, start: number, end: number): string {
  if (end - start <= EXCERPT_BYTES) return bytes.toString('utf8', start, end);
  let cut = start + EXCERPT_BYTES;
  while (cut > start && (bytes[cut]! & 0xc0) === 0x80) cut--;
  return `${bytes.toString('utf8', start, cut)}…`;
}

/** Field `i` of `row` as an error message quotes it: unquoted, unescaped, bounded. */
function fieldExcerpt(row: DelimitedRow, i: number): string {
  const text = excerpt(row.bytes, row.starts[i]!, row.ends[i]!);
  return (row.flags[i]! & FIELD_ESCAPED) !== 0 ? text.replaceAll('""', '"') : text;
}

/** The row as an error message quotes it: without its line break, bounded. */
function rowExcerpt(row: DelimitedRow): string {
  return row.rowEnd - row.rowStart <= EXCERPT_BYTES ? row.raw() : excerpt(row.bytes, row.rowStart, row.rowEnd);
}

/**
 * A row of the general tokenizer as the validate-and-store path takes it: its first `width` fields
 * copied into arrays of the reader's own, so that path's property accesses stay monomorphic.
 */
class RowView implements DelimitedRow {
  bytes: Buffer = Buffer.alloc(0);
  count = 0;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly flags: Uint8Array;
  line = 0;
  escaped = false;
  rowStart = 0;
  rowEnd = 0;

  constructor(width: number) {
    this.starts = new Int32Array(width);
    this.ends = new Int32Array(width);
    this.flags = new Uint8Array(width);
  }

  /** Takes the general tokenizer's `row` (its first `width` fields; the count as it is). */
  load(row: DelimitedRow): this {
    const width = this.starts.length;
    const n = Math.min(row.count, width);
    this.bytes = row.bytes;
    this.count = row.count;
    for (let i = 0; i < n; i++) {
      this.starts[i] = row.starts[i]!;
      this.ends[i] = row.ends[i]!;
      this.flags[i] = row.flags[i]!;
    }
    this.line = row.line;
    this.escaped = row.escaped;
    this.rowStart = row.rowStart;
    this.rowEnd = row.rowEnd;
    return this;
  }

  text(i: number): string {
    const s = this.bytes.toString('utf8', this.starts[i]!, this.ends[i]!);
    return (this.flags[i]! & FIELD_ESCAPED) !== 0 ? s.replaceAll('""', '"') : s;
  }

  raw(): string {
    let end = this.rowEnd;
    while (end > this.rowStart && (this.bytes[end - 1] === 0x0a || this.bytes[end - 1] === 0x0d)) end--;
    return this.bytes.toString('utf8', this.rowStart, end);
  }
}

/** What each field of a row is to {@link EventLogReader.#take}. */
const ROLE_OTHER = 0;
const ROLE_SESSION = 1;
const ROLE_TIME = 2;
const ROLE_KEEP = 3;

/** A source's columns as the reader's own row path takes them, with that path's scratch arrays. */
class FastPlan {
  /** Index of the last field. */
  readonly last: number;
  readonly session: number;
  readonly action: number;
  readonly time: number;
  readonly label: number;
  readonly order: number;
  readonly keep: readonly number[];
  /** Per field, its `ROLE_…`. */
  readonly roles: Uint8Array;
  /** Per field, its index in `keep` (for kept columns). */
  readonly keepOf: Int32Array;
  /** Longest row taken (line break included): the smaller of the field and line limits. */
  readonly limit: number;
  /** Per field, where it starts and ends in the row's buffer, and the code of a kept value predicted (else -1). */
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly codes: Int32Array;
  /**
   * The kept columns as one run of fields (`spanFirst..spanLast`), compared with the session's
   * last event in one pass: when they are adjacent and not the last field; else -1.
   */
  readonly spanFirst: number;
  readonly spanLast: number;
  /** The source's tag in session records' spans: spans copied from another source's rows are not compared. */
  readonly tag: number;
  /** The delimiter the rows use, and whether a fixed-width time can be taken without scanning its field. */
  delimiter = -1;
  skipTime = false;

  constructor(columns: ResolvedColumns, limit: number, tag: number) {
    const width = columns.width;
    this.last = width - 1;
    this.session = columns.session;
    this.action = columns.action;
    this.time = columns.time;
    this.label = columns.label;
    this.order = columns.order;
    this.keep = columns.keep;
    this.limit = limit;
    this.roles = new Uint8Array(width).fill(ROLE_OTHER);
    this.keepOf = new Int32Array(width).fill(-1);
    columns.keep.forEach((i, k) => {
      this.roles[i] = ROLE_KEEP;
      this.keepOf[i] = k;
    });
    this.roles[columns.session] = ROLE_SESSION;
    if (columns.time >= 0) this.roles[columns.time] = ROLE_TIME;
    this.starts = new Int32Array(width);
    this.ends = new Int32Array(width);
    this.codes = new Int32Array(width).fill(-1);
    this.tag = tag;
    const first = columns.keep.length > 0 ? Math.min(...columns.keep) : -1;
    const lastKept = columns.keep.length > 0 ? Math.max(...columns.keep) : -1;
    const adjacent = lastKept - first + 1 === columns.keep.length;
    this.spanFirst = adjacent && first >= 0 && lastKept < width - 1 ? first : -1;
    this.spanLast = this.spanFirst >= 0 ? lastKept : -1;
  }

  useDelimiter(delimiter: number): void {
    this.delimiter = delimiter;
    this.skipTime = this.time >= 0 && !FIXED_TIME_BYTES.includes(delimiter);
  }
}

/** Accumulates validated rows from any number of sources into growable typed arrays. */
class EventLogReader {
  readonly #schema: LogSchema;
  readonly #skip: boolean;
  readonly #epochScale: number;
  readonly #minTime: number;
  readonly #maxTime: number;
  readonly #timeExpectation: string;
  readonly #dropDuplicates: boolean;
  readonly #lossy: boolean;
  readonly #maxField: number;
  readonly #maxLine: number;
  readonly #maxExamples: number;
  readonly #labelDescription: string;
  /** Options of the tokenizer for every source. */
  readonly tokenizerOptions: {
    readonly delimiter: string;
    readonly fallback: string;
    readonly maxLineBytes: number;
    readonly maxFieldBytes: number;
  };

  readonly #sessionDict = new ByteDictionary({ text: true });
  readonly #actionDict = new ByteDictionary({ text: true });
  readonly #keepDicts: ByteDictionary[];
  readonly #labelDict = new ByteDictionary();
  #labelOfCode = new Int8Array(16);

  #columns: ResolvedColumns | null = null;
  /** The general tokenizer's rows copied into the reader's own shape. */
  #general: RowView | null = null;
  /** The current source's columns as {@link EventLogReader.#take} takes them. */
  #plan: FastPlan | null = null;
  /**
   * The `YYYY-MM-DD HH:MM` of the last fixed-width time the row path parsed, as four words (see
   * `storeWords`), and its epoch milliseconds (NaN before any).
   */
  readonly #minute = new Int32Array(4);
  /** A view of the buffer the row path last read, and that buffer. */
  #view: DataView = new DataView(new ArrayBuffer(0));
  #viewOf: Buffer | null = null;
  #minuteMs = Number.NaN;
  /** The reader's own row path, as the tokenizer calls it. */
  readonly #fastRows: FastRows = {
    taken: 0,
    take: (buf, begin, n, D, line) => this.#take(buf, begin, n, D, line),
  };
  #sourceNames: string[] = [];

  #n = 0;
  #capacity = 0;
  #sessions = new Int32Array(0);
  /** Per event, its index among its session's events (see `EventColumns.eventRanks`). */
  #ranks = new Uint32Array(0);
  #actions = new Int32Array(0);
  #times: Float64Array | null;
  #keys: Float64Array | null;
  #sources = new Uint16Array(0);
  #keep: Int32Array[];
  readonly #keepCount: number;
  /**
   * Codes of the current row's kept values, and each kept dictionary's size before the row (to roll back a rejected
   * row).
   */
  readonly #rowKeep: Int32Array;
  readonly #keepSizes: Int32Array;
  #unescaped: Buffer = Buffer.alloc(256);

  #sessionCapacity = 0;
  #sessionLine = new Int32Array(0);
  #sessionSource = new Uint16Array(0);
  #sessionBad = new Uint8Array(0);
  #sessionCount = 0;
  /** What rows need of each session, one record per session (see {@link SessionRecords}). */
  readonly #records: SessionRecords;
  #lastSession = -1;
  #badSessions = 0;

  #skippedTotal = 0;
  readonly #byReason: Record<string, number> = {};
  readonly #examples: string[] = [];
  #replaced = 0;
  #rowReplaced = 0;

  constructor(options: ReadEventLogOptions, where: string) {
    const {
      schema = SEED_LOG_SCHEMA,
      onBadRow = 'error',
      timeUnit = 'auto',
      timeRange = DEFAULT_TIME_RANGE,
      duplicates = DEFAULT_DUPLICATE_POLICY,
      invalidUtf8 = 'error',
      maxLineBytes = DEFAULT_LOG_MAX_LINE_BYTES,
      maxFieldBytes = DEFAULT_LOG_MAX_FIELD_BYTES,
      maxExamples = 5,
      delimiter = 'auto',
    } = options;
    this.#schema = validateSchema(schema, where);
    if (onBadRow !== 'error' && onBadRow !== 'skip')
      throw new InvalidArgumentError(where, 'onBadRow', onBadRow, "'error' or 'skip'");
    if (timeUnit !== 'auto' && timeUnit !== 'ms' && timeUnit !== 's')
      throw new InvalidArgumentError(where, 'timeUnit', timeUnit, "'auto', 'ms' or 's'");
    if (
      timeRange !== null &&
      !(
        typeof timeRange === 'object' &&
        Number.isFinite(timeRange.min) &&
        Number.isFinite(timeRange.max) &&
        timeRange.min < timeRange.max
      )
    ) {
      throw new InvalidArgumentError(
        where,
        'timeRange',
        timeRange,
        '{ min, max } epoch milliseconds with min < max, or null',
      );
    }
    if (duplicates !== 'drop' && duplicates !== 'keep')
      throw new InvalidArgumentError(where, 'duplicates', duplicates, "'drop' or 'keep'");
    if (invalidUtf8 !== 'error' && invalidUtf8 !== 'replace')
      throw new InvalidArgumentError(where, 'invalidUtf8', invalidUtf8, "'error' or 'replace'");
    for (const [name, value] of [
      ['maxLineBytes', maxLineBytes],
      ['maxFieldBytes', maxFieldBytes],
    ] as const) {
      if (!(Number.isInteger(value) && value > 0))
        throw new InvalidArgumentError(where, name, value, 'a positive integer (bytes)');
    }
    if (!Number.isInteger(maxExamples) || maxExamples < 0)
      throw new InvalidArgumentError(where, 'maxExamples', maxExamples, 'a non-negative integer');
    this.#skip = onBadRow === 'skip';
    this.#epochScale = timeUnit === 's' ? 1000 : timeUnit === 'ms' ? 1 : 0;
    this.#minTime = timeRange === null ? Number.NEGATIVE_INFINITY : timeRange.min;
    this.#maxTime = timeRange === null ? Number.POSITIVE_INFINITY : timeRange.max;
    this.#timeExpectation =
      timeRange === null
        ? ''
        : `a time from ${new Date(timeRange.min).toISOString()} to before ${new Date(timeRange.max).toISOString()} ` +
          `(the timeRange option); ` +
          (timeUnit === 'auto'
            ? 'epoch numbers below 1e11 are read as seconds, others as milliseconds (the timeUnit option)'
            : `epoch numbers are read as ${timeUnit === 's' ? 'seconds' : 'milliseconds'} (the timeUnit option)`);
    this.#dropDuplicates = duplicates === 'drop';
    this.#lossy = invalidUtf8 === 'replace';
    this.#maxField = maxFieldBytes;
    this.#maxLine = maxLineBytes;
    this.#maxExamples = maxExamples;
    this.tokenizerOptions = { delimiter, fallback: '\t', maxLineBytes, maxFieldBytes };
    const keep = schema.keep ?? [];
    this.#keepDicts = keep.map(() => new ByteDictionary({ text: true }));
    this.#records = new SessionRecords(keep.length);
    this.#keepCount = keep.length;
    this.#keep = keep.map(() => new Int32Array(0));
    this.#rowKeep = new Int32Array(keep.length);
    this.#keepSizes = new Int32Array(keep.length);
    this.#times = typeof schema.time === 'string' ? new Float64Array(0) : null;
    this.#keys = typeof schema.order === 'string' ? new Float64Array(0) : null;
    this.#labelOfCode.fill(-2);
    const values = schema.labelValues;
    this.#labelDescription = values
      ? `one of ${values.positive.map((v) => JSON.stringify(v)).join(', ')} (positive) or ` +
        `${values.negative.map((v) => JSON.stringify(v)).join(', ')} (negative)`
      : '0 or 1 (or true/false)';
  }

  /**
   * Sizes the event arrays for about `bytes` of input (an event row is rarely under 48 bytes), so
   * they do not grow and copy while reading; capacity nothing writes to costs no resident memory.
   */
  reserve(bytes: number): void {
    const events = Math.ceil(bytes / 48);
    if (events > this.#capacity) this.#grow(events);
  }

  /** Takes one row from the general tokenizer: the header of a source, or an event row. */
  row(row: DelimitedRow, file: string, tokenizer?: DelimitedTokenizer): void {
    if (this.#columns === null) {
      this.#startSource(row, file, tokenizer);
      return;
    }
    this.#accept(this.#general!.load(row), file);
  }

  /**
   * The one row contract: checks a tokenized row (from the general tokenizer, or from the fast
   * split with its hints) and stores its event, or reports the first problem (an error,
   * or a count under `onBadRow: 'skip'`). A rejected row changes nothing.
   */
  #accept(row: RowView, file: string): void {
    const columns = this.#columns!;
    if (row.count !== columns.width) {
      this.#bad(
        'wrong field count',
        new ParseError({ file, line: row.line }, `wrong field count: ${row.count} field${row.count === 1 ? '' : 's'}`, {
          value: rowExcerpt(row),
          expected: `${columns.width} fields (${boundedList(columns.header, ', ')})`,
        }),
      );
      return;
    }
    const bytes = row.bytes;
    const starts = row.starts;
    const ends = row.ends;
    const iSession = columns.session;
    const iAction = columns.action;
    if (starts[iSession] === ends[iSession]) {
      this.#bad('empty session', this.#fieldError(row, file, iSession, 'is empty', 'a session id'));
      return;
    }
    if (starts[iAction] === ends[iAction]) {
      this.#bad('empty action', this.#fieldError(row, file, iAction, 'is empty', 'an action code'));
      return;
    }
    let time = 0;
    const iTime = columns.time;
    if (iTime >= 0) {
      time =
        (row.flags[iTime]! & FIELD_ESCAPED) === 0
          ? parseTimeBytes(bytes, starts[iTime]!, ends[iTime]!, this.#epochScale)
          : Number.NaN;
      if (Number.isNaN(time)) {
        const empty = starts[iTime] === ends[iTime];
        this.#bad(
          'unparseable time',
          this.#fieldError(
            row,
            file,
            iTime,
            empty ? 'is empty' : 'is not a time',
            'a timestamp like 2019-07-01 12:34:56.789, ISO-8601 (with T, Z or ±hh:mm), or epoch milliseconds',
          ),
        );
        return;
      }
      if (!(time >= this.#minTime && time < this.#maxTime)) {
        this.#bad(
          'implausible time',
          this.#fieldError(row, file, iTime, 'is outside the plausible time range', this.#timeExpectation),
        );
        return;
      }
    }
    let key = 0;
    const iOrder = columns.order;
    if (iOrder >= 0) {
      const value = parseNumberBytes(bytes, starts[iOrder]!, ends[iOrder]!);
      if (value === undefined || Number.isNaN(value)) {
        this.#bad(
          'invalid order value',
          this.#fieldError(
            row,
            file,
            iOrder,
            starts[iOrder] === ends[iOrder] ? 'is empty' : 'is not a number',
            'a number to order the events of a session by',
          ),
        );
        return;
      }
      key = value;
    }
    let label = 0;
    const iLabel = columns.label;
    if (iLabel >= 0) {
      label = this.#label(row, iLabel);
      if (label < 0) {
        this.#bad(
          'invalid label',
          this.#fieldError(
            row,
            file,
            iLabel,
            starts[iLabel] === ends[iLabel] ? 'is empty' : 'is not a label',
            this.#labelDescription,
          ),
        );
        return;
      }
    }

    // Ids and codes: interned (new values checked as text); a rejected row rolls back what it added.
    this.#rowReplaced = 0;
    const plain = !row.escaped;
    const actionDict = this.#actionDict;
    const actionsBefore = actionDict.size;
    let action = plain ? actionDict.intern(bytes, starts[iAction]!, ends[iAction]!) : -1;
    if (action < 0) action = this.#code(actionDict, row, iAction, plain);
    if (action < 0) {
      this.#bad('invalid text', this.#textError(row, file, iAction));
      return;
    }
    const dict = this.#sessionDict;
    const sessionsBefore = dict.size;
    // Consecutive events often belong to one session: check the previous row's session before hashing.
    const previous = this.#lastSession;
    const session =
      plain && previous >= 0 && dict.matches(previous, bytes, starts[iSession]!, ends[iSession]!)
        ? previous
        : this.#code(dict, row, iSession, plain);
    if (session < 0) {
      actionDict.rollback(actionsBefore);
      this.#bad('invalid text', this.#textError(row, file, iSession));
      return;
    }
    const known = session < this.#sessionCount;
    const keep = columns.keep;
    const rowKeep = this.#rowKeep;
    if (keep.length > 0) {
      const keepDicts = this.#keepDicts;
      const lastKeep = known ? session * this.#records.stride + I_KEEP : -1;
      const sizes = this.#keepSizes;
      for (let k = 0; k < keep.length; k++) {
        const i = keep[k]!;
        const start = starts[i]!;
        const end = ends[i]!;
        let code = -1;
        if (start !== end) {
          const keepDict = keepDicts[k]!;
          sizes[k] = keepDict.size;
          // Customer, group and profile ids rarely change within a session: try the session's last value first.
          const last = known ? this.#records.i32[lastKeep + k]! : -1;
          code = plain
            ? last >= 0 && keepDict.matches(last, bytes, start, end)
              ? last
              : keepDict.intern(bytes, start, end)
            : -1;
          if (code < 0) code = this.#code(keepDict, row, i, plain);
          if (code < 0) {
            this.#rollback(k, actionsBefore, sessionsBefore);
            this.#bad('invalid text', this.#textError(row, file, i));
            return;
          }
        } else {
          sizes[k] = keepDicts[k]!.size;
        }
        rowKeep[k] = code;
      }
    }
    if (!known) {
      this.#addSession(session, label, row.line);
    } else {
      const records = this.#records;
      const at = session * records.stride;
      if (records.i32[at + I_LABEL] !== label && iLabel >= 0) this.#disagree(row, file, session, label);
      if (
        this.#dropDuplicates &&
        iTime >= 0 &&
        records.f64[(at >> 1) + F_LAST_TIME] === time &&
        records.i32[at + I_LAST_ACTION] === action
      ) {
        // A repeat (see DuplicatePolicy): its action and session exist already; a new kept value is undone.
        this.#rollback(keep.length, actionsBefore, sessionsBefore);
        this.#count('duplicate event', 1);
        return;
      }
    }
    this.#lastSession = session;
    this.#replaced += this.#rowReplaced;
    const e = this.#appendEvent(session, action, time, key);
    if (keep.length > 0) {
      const keepCodes = this.#keep;
      const i32 = this.#records.i32;
      const at = session * this.#records.stride;
      // The record's span no longer holds these values' bytes.
      i32[at + I_SPAN_TAG] = 0;
      for (let k = 0; k < keep.length; k++) {
        const code = rowKeep[k]!;
        keepCodes[k]![e] = code;
        i32[at + I_KEEP + k] = code;
      }
    }
  }

  /**
   * The code of field `i` in `dict` (a text dictionary): -1 when it is not valid text and cannot be (or may not be)
   * repaired.
   */
  #code(dict: ByteDictionary, row: DelimitedRow, i: number, plain: boolean): number {
    let code =
      plain || (row.flags[i]! & FIELD_ESCAPED) === 0
        ? dict.intern(row.bytes, row.starts[i]!, row.ends[i]!)
        : this.#internEscaped(dict, row, i);
    if (code < 0 && this.#lossy && !this.#hasNul(row, i)) {
      // U+FFFD for the invalid bytes; the repaired text is valid, so it interns.
      code = dict.internString(row.text(i));
      this.#rowReplaced++;
    }
    return code;
  }

  /** Interns a quoted field that holds doubled quotes, unescaped at the byte level (no decoding). */
  #internEscaped(dict: ByteDictionary, row: DelimitedRow, i: number): number {
    const bytes = row.bytes;
    const start = row.starts[i]!;
    const end = row.ends[i]!;
    if (this.#unescaped.length < end - start) this.#unescaped = Buffer.alloc(2 * (end - start));
    const out = this.#unescaped;
    let w = 0;
    for (let p = start; p < end; p++) {
      out[w++] = bytes[p]!;
      if (bytes[p] === 0x22) p++;
    }
    return dict.intern(out, 0, w);
  }

  #hasNul(row: DelimitedRow, i: number): boolean {
    const at = row.bytes.indexOf(0, row.starts[i]!);
    return at >= 0 && at < row.ends[i]!;
  }

  #textError(row: DelimitedRow, file: string, i: number): ParseError {
    return this.#hasNul(row, i)
      ? this.#fieldError(row, file, i, 'contains a NUL byte', 'an id or code without NUL bytes')
      : this.#fieldError(
          row,
          file,
          i,
          'is not valid UTF-8',
          "UTF-8 text (invalidUtf8: 'replace' reads it with U+FFFD for the invalid bytes, counted in log.replacedText)",
        );
  }

  /** Undoes what a rejected row added to the action, session and first `keepCount` kept dictionaries. */
  #rollback(keepCount: number, actions: number, sessions: number): void {
    this.#actionDict.rollback(actions);
    this.#sessionDict.rollback(sessions);
    for (let k = 0; k <= keepCount && k < this.#keepDicts.length; k++)
      this.#keepDicts[k]!.rollback(this.#keepSizes[k]!);
  }

  /**
   * The reader's own path for common rows: takes complete rows from `buf[begin..n)`, one line of
   * unquoted fields each, the right count, every check passed, and returns the offset after the
   * last one taken (`begin` when none), their count in `#fastRows.taken`. It splits, checks and
   * stores a row in one pass over its bytes: a fixed-width time is parsed in place without scanning
   * its field, the session id is hashed while it is scanned and found in the session records' index,
   * and the kept fields are compared with the session's last event as one run of bytes. It stops at
   * the first row it does not take (blank, quoted, incomplete, over a limit, with a problem to
   * report, a repeat, a label disagreement, a value new to a dictionary that is not valid text),
   * having changed nothing for it: the general tokenizer and {@link EventLogReader.#accept} take that
   * row, so every error, count and code comes from that one path.
   */
  #take(buf: Buffer, begin: number, n: number, D: number, firstLine: number): number {
    const plan = this.#plan;
    this.#fastRows.taken = 0;
    if (plan === null) return begin;
    if (plan.delimiter !== D) plan.useDelimiter(D);
    const last = plan.last;
    const roles = plan.roles;
    const keepOf = plan.keepOf;
    const starts = plan.starts;
    const ends = plan.ends;
    const codes = plan.codes;
    const skipTime = plan.skipTime;
    const spanFirst = plan.spanFirst;
    const high = D > 0x0a ? D : 0x0a;
    const sessionDict = this.#sessionDict;
    const keepDicts = this.#keepDicts;
    const records = this.#records;
    const stride = records.stride;
    // Session ids and kept fields are compared four bytes at a time (see storeWords). The view is
    // kept for the next call on the same buffer (after each row the general path takes).
    if (this.#viewOf !== buf) {
      this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      this.#viewOf = buf;
    }
    const view = this.#view;
    const minute = this.#minute;
    let minuteMs = this.#minuteMs;
    // What every row reads, held in locals for the loop (typed arrays read from fields on each row
    // cost more than the stores themselves); the records' and the event arrays' views are read again
    // where they can be replaced (a session added, the event arrays grown).
    const spanLast = plan.spanLast;
    const spanAt = records.spanAt;
    const tag = plan.tag;
    const limit = plan.limit;
    const iSession = plan.session;
    const iAction = plan.action;
    const iTime = plan.time;
    const iOrder = plan.order;
    const iLabel = plan.label;
    const keep = plan.keep;
    const keepCount = keep.length;
    const minTime = this.#minTime;
    const maxTime = this.#maxTime;
    const epochScale = this.#epochScale;
    const dropDuplicates = this.#dropDuplicates && iTime >= 0;
    const actionDict = this.#actionDict;
    const rowKeep = this.#rowKeep;
    const sizes = this.#keepSizes;
    const source = this.#sourceNames.length;
    let i32 = records.i32;
    let f64 = records.f64;
    let e = this.#n;
    let capacity = this.#capacity;
    let eventSessions = this.#sessions;
    let eventActions = this.#actions;
    let eventRanks = this.#ranks;
    let eventSources = this.#sources;
    let eventTimes = this.#times;
    let eventKeys = this.#keys;
    let eventKeep = this.#keep;
    let pos = begin;
    let line = firstLine;
    rows: while (pos < n) {
      // Blank lines and rows starting with a carriage return are the tokenizer's.
      const first = buf[pos]!;
      if (first === 0x0a || first === 0x0d) break;
      // The session's code once its field is split, when already known (-1 otherwise), and its hash.
      let session = -1;
      let sessionHash = 0;
      let hashed = false;
      // True when the session was looked up in the dictionary, not found in the records' index.
      let unindexed = false;
      // True when the kept fields are the bytes of the session's last event (its record's span).
      let spanHit = false;
      let time = Number.NaN;
      let p = pos;
      for (let i = 0; ; i++) {
        if (p >= n) break rows;
        const start = p;
        let c = buf[p]!;
        if (c === 0x22) break rows;
        const role = roles[i]!;
        starts[i] = start;
        if (role === ROLE_KEEP) {
          codes[i] = -1;
          if (session >= 0) {
            const at = session * stride;
            if (i === spanFirst && i32[at + I_SPAN_TAG] === tag) {
              // The kept fields as one run of bytes, delimiters included, against the session's last event.
              const length = i32[at + I_SPAN_LENGTH]!;
              const end = start + length;
              let same = end < n && buf[end] === D;
              if (same) {
                // equalWords, inline: the words before the last four bytes, then those.
                const words = at + spanAt;
                if (length < 4) {
                  same = equalWords(view, start, length, i32, words);
                } else {
                  const full = (length - 1) >> 2;
                  for (let j = 0; j < full && same; j++) same = view.getInt32(start + 4 * j, true) === i32[words + j];
                  same = same && view.getInt32(end - 4, true) === i32[words + full];
                }
              }
              if (same) {
                spanHit = true;
                p = end + 1;
                i = spanLast;
                continue;
              }
            }
            if (i < last) {
              const k = keepOf[i]!;
              const code = i32[at + I_KEEP + k]!;
              if (code >= 0 && keepDicts[k]!.matchesField(code, buf, start, n, D)) {
                codes[i] = code;
                p = start + keepDicts[k]!.lengthOf(code);
                ends[i] = p++;
                continue;
              }
            }
          }
        } else if (role === ROLE_TIME && skipTime && i < last && start + 23 < n && buf[start + 23] === D) {
          // A fixed-width timestamp holds only digits and '-: .', never the delimiter or a line break:
          // when one parses and the delimiter follows, the field is known without scanning it.
          // Consecutive events mostly share their minute: when the field starts with the last fixed-width
          // time's `YYYY-MM-DD HH:MM` (checked then), only its seconds and milliseconds are read.
          if (
            view.getInt32(start, true) === minute[0] &&
            view.getInt32(start + 4, true) === minute[1] &&
            view.getInt32(start + 8, true) === minute[2] &&
            view.getInt32(start + 12, true) === minute[3] &&
            buf[start + 16] === 0x3a &&
            buf[start + 19] === 0x2e
          ) {
            const s0 = buf[start + 17]! - 48;
            const s1 = buf[start + 18]! - 48;
            const f0 = buf[start + 20]! - 48;
            const f1 = buf[start + 21]! - 48;
            const f2 = buf[start + 22]! - 48;
            time =
              s0 >>> 0 > 5 || s1 >>> 0 > 9 || f0 >>> 0 > 9 || f1 >>> 0 > 9 || f2 >>> 0 > 9
                ? Number.NaN
                : minuteMs + (s0 * 10 + s1) * 1000 + f0 * 100 + f1 * 10 + f2;
          } else {
            time = parseFixed(buf, start);
            if (time === time) {
              minute[0] = view.getInt32(start, true);
              minute[1] = view.getInt32(start + 4, true);
              minute[2] = view.getInt32(start + 8, true);
              minute[3] = view.getInt32(start + 12, true);
              minuteMs =
                time -
                ((buf[start + 17]! - 48) * 10000 +
                  (buf[start + 18]! - 48) * 1000 +
                  (buf[start + 20]! - 48) * 100 +
                  (buf[start + 21]! - 48) * 10 +
                  (buf[start + 22]! - 48));
            }
          }
          if (time === time) {
            p = start + 23;
            ends[i] = p++;
            continue;
          }
        }
        if (role === ROLE_SESSION) {
          let h = 0;
          while (p < n) {
            c = buf[p]!;
            if (c <= high && (c === D || c === 0x0a)) break;
            h = ((h << 5) - h + c) | 0;
            p++;
          }
          if (p < n && c === D && p > start) {
            sessionHash = finishHash(h, p - start);
            hashed = true;
            // A session not in the index is new, or was read by the general path: the dictionary tells, below.
            session = records.find(view, start, p - start, sessionHash);
            unindexed = session < 0;
          }
        } else {
          while (p < n) {
            c = buf[p]!;
            if (c <= high && (c === D || c === 0x0a)) break;
            p++;
          }
        }
        if (p >= n) break rows;
        if (c === 0x0a) {
          if (i !== last) break rows;
          ends[i] = p > start && buf[p - 1] === 0x0d ? p - 1 : p;
          p++;
          break;
        }
        if (i === last) break rows;
        ends[i] = p++;
      }
      // The general tokenizer checks the limits of a long row.
      if (p - pos > limit) break;

      // The checks of #accept, in its order; a row failing one is left to it.
      if (starts[iSession] === ends[iSession] || starts[iAction] === ends[iAction]) break;
      if (iTime >= 0) {
        if (time !== time) time = parseTimeBytes(buf, starts[iTime]!, ends[iTime]!, epochScale);
        if (!(time >= minTime && time < maxTime)) break;
      } else {
        time = 0;
      }
      let key = 0;
      if (iOrder >= 0) {
        const value = parseNumberBytes(buf, starts[iOrder]!, ends[iOrder]!);
        if (value === undefined || value !== value) break;
        key = value;
      }
      let label = 0;
      if (iLabel >= 0) {
        label = this.#labelOfBytes(buf, starts[iLabel]!, ends[iLabel]!);
        if (label < 0) break;
      }

      // Ids and codes: a value new to its dictionary is checked as text there; a failure undoes the row.
      const actionsBefore = actionDict.size;
      const action = actionDict.intern(buf, starts[iAction]!, ends[iAction]!);
      if (action < 0) break;
      const sessionsBefore = sessionDict.size;
      if (session < 0) {
        session = hashed
          ? sessionDict.internHashed(buf, starts[iSession]!, ends[iSession]!, sessionHash)
          : sessionDict.intern(buf, starts[iSession]!, ends[iSession]!);
        if (session < 0) {
          actionDict.rollback(actionsBefore);
          break;
        }
      }
      const known = session < this.#sessionCount;
      const at = session * stride;
      if (spanHit) {
        // The kept values are those of the session's last event: no kept dictionary changes for this row.
        for (let k = 0; k < keepCount; k++) rowKeep[k] = i32[at + I_KEEP + k]!;
      } else {
        for (let k = 0; k < keepCount; k++) {
          const keepDict = keepDicts[k]!;
          sizes[k] = keepDict.size;
          const i = keep[k]!;
          const start = starts[i]!;
          const end = ends[i]!;
          let code = -1;
          if (start !== end) {
            code = codes[i]!;
            if (code < 0) {
              const previous = known ? i32[at + I_KEEP + k]! : -1;
              code =
                previous >= 0 && keepDict.matches(previous, buf, start, end)
                  ? previous
                  : keepDict.intern(buf, start, end);
              if (code < 0) {
                this.#rollback(k, actionsBefore, sessionsBefore);
                break rows;
              }
            }
          }
          rowKeep[k] = code;
        }
      }
      if (known) {
        if (
          (iLabel >= 0 && i32[at + I_LABEL] !== label) ||
          (dropDuplicates && f64[(at >> 1) + F_LAST_TIME] === time && i32[at + I_LAST_ACTION] === action)
        ) {
          // Under a span hit no kept dictionary took a value (and the sizes are not this row's).
          this.#rollback(spanHit ? -1 : keepCount, actionsBefore, sessionsBefore);
          break;
        }
      } else {
        this.#addSession(session, label, line);
        // Adding a session may have grown the records.
        i32 = records.i32;
        f64 = records.f64;
      }
      this.#lastSession = session;
      if (unindexed) records.index(session, view, starts[iSession]!, ends[iSession]! - starts[iSession]!, sessionHash);

      // The event (as #appendEvent stores it), into the arrays held in locals.
      if (e === capacity) {
        this.#n = e;
        this.#grow();
        capacity = this.#capacity;
        eventSessions = this.#sessions;
        eventActions = this.#actions;
        eventRanks = this.#ranks;
        eventSources = this.#sources;
        eventTimes = this.#times;
        eventKeys = this.#keys;
        eventKeep = this.#keep;
      }
      eventSessions[e] = session;
      eventActions[e] = action;
      if (eventTimes !== null) eventTimes[e] = time;
      if (eventKeys !== null) eventKeys[e] = key;
      const sortKey = eventKeys !== null ? key : eventTimes !== null ? time : 0;
      const f = at >> 1;
      if (sortKey < f64[f + F_LAST_KEY]!) i32[at + I_UNSORTED] = 1;
      f64[f + F_LAST_KEY] = sortKey;
      f64[f + F_LAST_TIME] = time;
      i32[at + I_LAST_ACTION] = action;
      const rank = i32[at + I_EVENTS]!;
      i32[at + I_EVENTS] = rank + 1;
      eventRanks[e] = rank;
      eventSources[e] = source;
      for (let k = 0; k < keepCount; k++) eventKeep[k]![e] = rowKeep[k]!;
      e++;
      if (keepCount > 0 && !spanHit) {
        for (let k = 0; k < keepCount; k++) i32[at + I_KEEP + k] = rowKeep[k]!;
        // The kept fields' bytes, for the session's next row to compare with.
        i32[at + I_SPAN_TAG] = 0;
        if (spanFirst >= 0) {
          const from = starts[spanFirst]!;
          const length = ends[spanLast]! - from;
          if (length <= SPAN_BYTES) {
            storeWords(view, from, length, i32, at + spanAt);
            i32[at + I_SPAN_LENGTH] = length;
            i32[at + I_SPAN_TAG] = tag;
          }
        }
      }
      pos = p;
      line++;
    }
    this.#n = e;
    this.#minuteMs = minuteMs;
    this.#fastRows.taken = line - firstLine;
    return pos;
  }

  endSource(file: string): void {
    if (this.#columns === null) {
      throw new ParseError({ file, line: 1 }, 'the file is empty', {
        expected: `a header line with the columns ${schemaColumns(this.#schema).join(', ')}`,
      });
    }
    if (this.#sourceNames.length >= MAX_SOURCES)
      throw new InvalidArgumentError(
        'readEventLog',
        'sources',
        `${MAX_SOURCES + 1} sources`,
        `at most ${MAX_SOURCES} sources`,
      );
    this.#sourceNames.push(file);
    this.#columns = null;
  }

  finish(): EventLog {
    let n = this.#n;
    let sessions = this.#sessions.subarray(0, n);
    let actions = this.#actions.subarray(0, n);
    let times = this.#times?.subarray(0, n) ?? null;
    let keys = this.#keys?.subarray(0, n) ?? null;
    let sources = this.#sources.subarray(0, n);
    let keep = this.#keep.map((codes) => codes.subarray(0, n));
    let sessionIds = this.#sessionDict.values();
    let ranks = this.#ranks.subarray(0, n);
    let unsorted = new Uint8Array(this.#sessionCount);
    let labels = new Uint8Array(this.#sessionCount);
    let lengths = new Uint32Array(this.#sessionCount);
    const { i32, stride } = this.#records;
    for (let s = 0; s < labels.length; s++) {
      labels[s] = i32[s * stride + I_LABEL]! > 0 ? 1 : 0;
      unsorted[s] = i32[s * stride + I_UNSORTED]!;
      lengths[s] = i32[s * stride + I_EVENTS]!;
    }

    if (this.#badSessions > 0) {
      // Drop sessions whose events disagree on the label, whole, and count their events.
      const remap = new Int32Array(this.#sessionCount);
      let kept = 0;
      for (let s = 0; s < this.#sessionCount; s++) remap[s] = this.#sessionBad[s] ? -1 : kept++;
      let w = 0;
      let dropped = 0;
      for (let e = 0; e < n; e++) {
        const s = remap[sessions[e]!]!;
        if (s < 0) {
          dropped++;
          continue;
        }
        sessions[w] = s;
        actions[w] = actions[e]!;
        if (times !== null) times[w] = times[e]!;
        if (keys !== null) keys[w] = keys[e]!;
        sources[w] = sources[e]!;
        ranks[w] = ranks[e]!;
        for (const codes of keep) codes[w] = codes[e]!;
        w++;
      }
      this.#count('session labels disagree', dropped);
      n = w;
      sessions = sessions.subarray(0, n);
      actions = actions.subarray(0, n);
      times = times?.subarray(0, n) ?? null;
      keys = keys?.subarray(0, n) ?? null;
      sources = sources.subarray(0, n);
      ranks = ranks.subarray(0, n);
      keep = keep.map((codes) => codes.subarray(0, n));
      sessionIds = sessionIds.filter((_, s) => remap[s]! >= 0);
      unsorted = unsorted.filter((_, s) => remap[s]! >= 0);
      labels = labels.filter((_, s) => remap[s]! >= 0);
      lengths = lengths.filter((_, s) => remap[s]! >= 0);
    }

    const extras: Record<string, StringColumn> = {};
    (this.#schema.keep ?? []).forEach((name, k) => {
      extras[name] = { kind: 'string', codes: keep[k]!, dictionary: this.#keepDicts[k]!.values() };
    });
    const skipped: SkippedRows = {
      total: this.#skippedTotal,
      byReason: { ...this.#byReason },
      examples: [...this.#examples],
    };
    const log = buildEventLog({
      sessions,
      sessionIds,
      labels,
      actions,
      actionDictionary: this.#actionDict.values(),
      times,
      sortKeys: keys ?? times,
      unsortedSessions: unsorted,
      eventRanks: ranks,
      sessionLengths: lengths,
      sources,
      sourceNames: [...this.#sourceNames],
      extras,
      skipped,
      replacedText: this.#replaced,
    });
    // The working arrays go back to the spares for the next read, except those the log holds.
    const held = new Set<ArrayBufferLike>([log.actions.buffer, log.sources.buffer]);
    if (log.times !== null) held.add(log.times.buffer);
    for (const column of Object.values(log.extras))
      held.add(column.kind === 'string' ? column.codes.buffer : column.values.buffer);
    const working = [this.#sessions, this.#ranks, this.#actions, this.#times, this.#keys, this.#sources, ...this.#keep];
    for (const array of working) {
      if (array !== null && !held.has(array.buffer) && array.buffer instanceof ArrayBuffer)
        READER_SPARES.give(array.buffer);
    }
    this.#records.release();
    return log;
  }

  #startSource(row: DelimitedRow, file: string, tokenizer: DelimitedTokenizer | undefined): void {
    const header = Array.from({ length: row.count }, (_, i) => row.text(i));
    const columns = resolveColumns(this.#schema, header, file, row.line);
    this.#columns = columns;
    this.#general = new RowView(columns.width);
    this.#plan = null;
    if (tokenizer !== undefined) {
      this.#plan = new FastPlan(columns, Math.min(this.#maxField, this.#maxLine), this.#sourceNames.length + 1);
      tokenizer.fastRows = this.#fastRows;
    }
  }

  #intern(dict: ByteDictionary, row: DelimitedRow, i: number): number {
    if ((row.flags[i]! & FIELD_ESCAPED) !== 0) return dict.internString(row.text(i));
    return dict.intern(row.bytes, row.starts[i]!, row.ends[i]!);
  }

  /** The label (0/1) of field `i`, or -1 when it is not a valid label. */
  #label(row: DelimitedRow, i: number): number {
    if ((row.flags[i]! & FIELD_ESCAPED) !== 0) return this.#labelOfInterned(this.#labelDict.internString(row.text(i)));
    return this.#labelOfBytes(row.bytes, row.starts[i]!, row.ends[i]!);
  }

  /** The label (0/1) of the unescaped value `bytes[start..end)`, or -1 when it is not a valid label. */
  #labelOfBytes(bytes: Buffer, start: number, end: number): number {
    if (end - start === 1 && this.#schema.labelValues === undefined) {
      const c = bytes[start];
      if (c === 0x30) return 0;
      if (c === 0x31) return 1;
    }
    return this.#labelOfInterned(this.#labelDict.intern(bytes, start, end));
  }

  #labelOfInterned(code: number): number {
    if (code >= this.#labelOfCode.length) {
      const grown = new Int8Array(this.#labelOfCode.length * 2).fill(-2);
      grown.set(this.#labelOfCode);
      this.#labelOfCode = grown;
    }
    let label = this.#labelOfCode[code]!;
    if (label === -2) {
      label = this.#labelOf(this.#labelDict.get(code));
      this.#labelOfCode[code] = label;
    }
    return label;
  }

  #labelOf(text: string): number {
    const values = this.#schema.labelValues;
    if (values !== undefined) {
      if (values.positive.includes(text)) return 1;
      if (values.negative.includes(text)) return 0;
      return -1;
    }
    const lower = text.toLowerCase();
    if (text === '1' || lower === 'true') return 1;
    if (text === '0' || lower === 'false') return 0;
    return -1;
  }

  /**
   * Stores one event's columns and returns its index; tracks per-session order as events arrive, so building the log
   * sorts only sessions that need it.
   */
  #appendEvent(session: number, action: number, time: number, key: number): number {
    if (this.#n === this.#capacity) this.#grow();
    const e = this.#n++;
    this.#sessions[e] = session;
    this.#actions[e] = action;
    const times = this.#times;
    if (times !== null) times[e] = time;
    const keys = this.#keys;
    if (keys !== null) keys[e] = key;
    const sortKey = keys !== null ? key : times !== null ? time : 0;
    const records = this.#records;
    const at = session * records.stride;
    const f64 = records.f64;
    if (sortKey < f64[(at >> 1) + F_LAST_KEY]!) records.i32[at + I_UNSORTED] = 1;
    f64[(at >> 1) + F_LAST_KEY] = sortKey;
    f64[(at >> 1) + F_LAST_TIME] = time;
    const i32 = records.i32;
    i32[at + I_LAST_ACTION] = action;
    const rank = i32[at + I_EVENTS]!;
    i32[at + I_EVENTS] = rank + 1;
    this.#ranks[e] = rank;
    this.#sources[e] = this.#sourceNames.length;
    return e;
  }

  #addSession(session: number, label: number, line: number): void {
    if (session === this.#sessionCapacity) {
      const capacity = Math.max(1024, this.#sessionCapacity * 2);
      this.#sessionLine = grow(this.#sessionLine, capacity, Int32Array);
      this.#sessionSource = grow(this.#sessionSource, capacity, Uint16Array);
      this.#sessionBad = grow(this.#sessionBad, capacity, Uint8Array);
      this.#sessionCapacity = capacity;
    }
    const records = this.#records;
    records.ensure(session + 1);
    const at = session * records.stride;
    const i32 = records.i32;
    i32[at + I_LABEL] = label;
    i32[at + I_UNSORTED] = 0;
    i32[at + I_EVENTS] = 0;
    i32[at + I_SPAN_TAG] = 0;
    for (let k = 0; k < this.#keepCount; k++) i32[at + I_KEEP + k] = -1;
    records.f64[(at >> 1) + F_LAST_KEY] = Number.NEGATIVE_INFINITY;
    this.#sessionLine[session] = line;
    this.#sessionSource[session] = this.#sourceNames.length;
    this.#sessionCount = session + 1;
  }

  #disagree(row: DelimitedRow, file: string, session: number, label: number): void {
    const firstSource = this.#sessionSource[session]!;
    const firstFile = firstSource === this.#sourceNames.length ? file : this.#sourceNames[firstSource]!;
    const firstLine = this.#sessionLine[session]!;
    const iLabel = this.#columns!.label;
    const error = new ParseError(
      { file, line: row.line, column: iLabel + 1, columnName: this.#columns!.header[iLabel] },
      `of session ${JSON.stringify(this.#sessionDict.get(session))} is ${label} here but ` +
        `${this.#records.i32[session * this.#records.stride + I_LABEL]} on its first event at ${firstFile}:${firstLine}; value`,
      { value: fieldExcerpt(row, iLabel), expected: 'one label for all events of a session' },
    );
    if (!this.#skip) throw error;
    if (this.#sessionBad[session] === 0) {
      this.#sessionBad[session] = 1;
      this.#badSessions++;
      if (this.#examples.length < this.#maxExamples) this.#examples.push(error.message);
    }
  }

  #fieldError(row: DelimitedRow, file: string, i: number, problem: string, expected: string): ParseError {
    return new ParseError({ file, line: row.line, column: i + 1, columnName: this.#columns!.header[i] }, problem, {
      value: fieldExcerpt(row, i),
      expected,
    });
  }

  #bad(reason: SkipReason, error: ParseError): void {
    if (!this.#skip) throw error;
    this.#count(reason, 1);
    if (this.#examples.length < this.#maxExamples) this.#examples.push(error.message);
  }

  #count(reason: SkipReason, rows: number): void {
    if (rows === 0) return;
    this.#skippedTotal += rows;
    this.#byReason[reason] = (this.#byReason[reason] ?? 0) + rows;
  }

  #grow(atLeast = 0): void {
    const capacity = Math.max(4096, this.#capacity * 2, atLeast);
    const used = this.#n;
    // Event arrays are read at the events written only, so reused (not zeroed) buffers serve.
    this.#sessions = regrow(this.#sessions, capacity, Int32Array, used);
    this.#ranks = regrow(this.#ranks, capacity, Uint32Array, used);
    this.#actions = regrow(this.#actions, capacity, Int32Array, used);
    if (this.#times !== null) this.#times = regrow(this.#times, capacity, Float64Array, used);
    if (this.#keys !== null) this.#keys = regrow(this.#keys, capacity, Float64Array, used);
    this.#sources = regrow(this.#sources, capacity, Uint16Array, used);
    this.#keep = this.#keep.map((codes) => regrow(codes, capacity, Int32Array, used));
    this.#capacity = capacity;
  }
}

/**
 * `array`'s first `used` values in an array of `capacity` on a buffer from the reader's spares (its
 * values past `used` unspecified); `array`'s buffer goes back to the spares.
 */
function regrow<T extends Uint16Array | Int32Array | Uint32Array | Float64Array>(
  array: T,
  capacity: number,
  Ctor: { new (buffer: ArrayBuffer, offset: number, length: number): T; readonly BYTES_PER_ELEMENT: number },
  used: number,
): T {
  const out = new Ctor(READER_SPARES.take(capacity * Ctor.BYTES_PER_ELEMENT), 0, capacity);
  out.set(array.subarray(0, used) as never);
  if (array.buffer instanceof ArrayBuffer) READER_SPARES.give(array.buffer);
  return out;
}

function grow<T extends Int8Array | Uint8Array | Uint16Array | Int32Array | Uint32Array | Float64Array>(
  array: T,
  capacity: number,
  Ctor: new (n: number) => T,
  used = array.length,
): T {
  const out = new Ctor(capacity);
  out.set(array.subarray(0, used) as never);
  return out;
}
