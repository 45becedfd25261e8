import { InvalidArgumentError, ParseError } from '../errors.js';
import { ByteDictionary } from '../frame/byte-dictionary.js';
import type { StringColumn } from '../frame/column.js';
import {
  type DelimitedRow,
  type DelimitedTokenizer,
  FIELD_ESCAPED,
  tokenizeSource,
  tokenizeText,
} from '../frame/delimited-parser.js';
import { parseNumberBytes } from '../frame/parse-number.js';
import type { TextSource } from '../frame/text-source.js';
import { buildEventLog } from './event-log-builder.js';
import type { EventLog, SkippedRows } from './event-log.js';
import {
  type LogSchema,
  type ResolvedColumns,
  resolveColumns,
  SEED_LOG_SCHEMA,
  schemaColumns,
  validateSchema,
} from './log-schema.js';
import { parseFixed, parseTimeBytes } from './parse-time.js';

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
   * What to do with a bad row (wrong field count, empty session or action, unparseable time or
   * order value, invalid label): `'error'` (default) throws a {@link ParseError}; `'skip'` leaves
   * the row out and counts it in `log.skipped` by reason, with the first few messages as examples.
   * A session whose events disagree on the label is an error under `'error'`; under `'skip'` the
   * whole session is dropped and its events counted under `'session labels disagree'`.
   * Broken quoting (an unterminated quote) is always an error, since rows cannot be told apart after it.
   */
  readonly onBadRow?: 'error' | 'skip';
  /** Unit of numeric (epoch) times: `'ms'` (default) or `'s'`. Text timestamps are unaffected. */
  readonly timeUnit?: 'ms' | 's';
  /** How many example messages `log.skipped.examples` keeps. Default 5. */
  readonly maxExamples?: number;
}

/** Reasons under which `onBadRow: 'skip'` counts rows in `log.skipped.byReason`. */
export type SkipReason =
  | 'wrong field count'
  | 'empty session'
  | 'empty action'
  | 'unparseable time'
  | 'invalid order value'
  | 'invalid label'
  | 'session labels disagree';

/**
 * Reads one or several event logs into one {@link EventLog}, strictly and fast. Sources are paths
 * (`.gz` decompressed), text, bytes or streams (see {@link TextSource}: a bare string is content
 * when it contains a newline or tab, else a path; `{ text, name }` and `{ path }` say it
 * explicitly). Files are streamed chunk by chunk on bytes, so memory grows with the events kept,
 * not with the files.
 *
 * The result: sessions in order of first appearance (across the sources, in the order given;
 * the same session id in two files is one session), events ordered by session then time (or the
 * schema's `order` column), with a stable sort so ties keep file order; action codes and the
 * `keep` columns dictionary-encoded; times as epoch milliseconds (**naive timestamps are UTC**;
 * see `parseTime`); one label per session; the source of every event in `sources`/`sourceNames`.
 *
 * Every problem is a {@link ParseError} naming file, line (header = 1), column number and name,
 * value and expectation: missing header columns, wrong field count, empty session or action,
 * unparseable time, a label that is not 0/1 (or one of `labelValues`), a session whose events
 * disagree on the label (both lines named), an empty file. See `onBadRow` to skip and count instead.
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
  for (const source of list) {
    const tokenizer = { delimiter: options.delimiter ?? 'auto', fallback: '\t' };
    const { name } = await tokenizeSource(source, tokenizer, (row, t) => reader.row(row, t.file, t), 'readEventLog');
    reader.endSource(name);
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
  for (const input of list as readonly (string | Uint8Array | { readonly text: string; readonly name?: string })[]) {
    const named = typeof input === 'object' && !(input instanceof Uint8Array);
    const file = named ? (input.name ?? '<string>') : typeof input === 'string' ? '<string>' : '<bytes>';
    tokenizeText(
      named ? input.text : input,
      { file, delimiter: options.delimiter ?? 'auto', fallback: '\t' },
      (row, t) => reader.row(row, file, t),
    );
    reader.endSource(file);
  }
  return reader.finish();
}

const MAX_SOURCES = 0xffff;
/** The bytes of a fixed-width `YYYY-MM-DD HH:MM:SS.mmm` timestamp. */
const FIXED_TIME_BYTES: readonly number[] = [...Buffer.from('0123456789-: .')];

/** Accumulates validated rows from any number of sources into growable typed arrays. */
class EventLogReader {
  readonly #schema: LogSchema;
  readonly #skip: boolean;
  readonly #epochScale: number;
  readonly #maxExamples: number;
  readonly #labelDescription: string;

  readonly #sessionDict = new ByteDictionary();
  readonly #actionDict = new ByteDictionary();
  readonly #keepDicts: ByteDictionary[];
  readonly #labelDict = new ByteDictionary();
  #labelOfCode = new Int8Array(16);

  #columns: ResolvedColumns | null = null;
  #sourceNames: string[] = [];

  #n = 0;
  #capacity = 0;
  #sessions = new Int32Array(0);
  #actions = new Int32Array(0);
  #times: Float64Array | null;
  #keys: Float64Array | null;
  #sources = new Uint16Array(0);
  #keep: Int32Array[];

  #sessionCapacity = 0;
  #sessionLabels = new Int8Array(0);
  #sessionLine = new Int32Array(0);
  #sessionSource = new Uint16Array(0);
  #sessionBad = new Uint8Array(0);
  #sessionCount = 0;
  #sessionLastKey = new Float64Array(0);
  #sessionUnsorted = new Uint8Array(0);
  #lastSession = -1;
  #badSessions = 0;
  /** Per kept column, the code of the value each session had on its last event (-1 before any). */
  #sessionLastKeep: Int32Array[] = [];

  #skippedTotal = 0;
  readonly #byReason: Record<string, number> = {};
  readonly #examples: string[] = [];

  constructor(options: ReadEventLogOptions, where: string) {
    const { schema = SEED_LOG_SCHEMA, onBadRow = 'error', timeUnit = 'ms', maxExamples = 5 } = options;
    this.#schema = validateSchema(schema, where);
    if (onBadRow !== 'error' && onBadRow !== 'skip')
      throw new InvalidArgumentError(where, 'onBadRow', onBadRow, "'error' or 'skip'");
    if (timeUnit !== 'ms' && timeUnit !== 's')
      throw new InvalidArgumentError(where, 'timeUnit', timeUnit, "'ms' or 's'");
    if (!Number.isInteger(maxExamples) || maxExamples < 0)
      throw new InvalidArgumentError(where, 'maxExamples', maxExamples, 'a non-negative integer');
    this.#skip = onBadRow === 'skip';
    this.#epochScale = timeUnit === 's' ? 1000 : 1;
    this.#maxExamples = maxExamples;
    this.#keepDicts = (schema.keep ?? []).map(() => new ByteDictionary());
    this.#keep = (schema.keep ?? []).map(() => new Int32Array(0));
    this.#times = typeof schema.time === 'string' ? new Float64Array(0) : null;
    this.#keys = typeof schema.order === 'string' ? new Float64Array(0) : null;
    this.#labelOfCode.fill(-2);
    const values = schema.labelValues;
    this.#labelDescription = values
      ? `one of ${values.positive.map((v) => JSON.stringify(v)).join(', ')} (positive) or ${values.negative.map((v) => JSON.stringify(v)).join(', ')} (negative)`
      : '0 or 1 (or true/false)';
  }

  row(row: DelimitedRow, file: string, tokenizer?: DelimitedTokenizer): void {
    const columns = this.#columns;
    if (columns === null) {
      this.#startSource(row, file);
      if (tokenizer !== undefined) {
        this.#fastStarts = new Int32Array(this.#columns!.width);
        this.#fastEnds = new Int32Array(this.#columns!.width);
        this.#fastCodes = new Int32Array(this.#columns!.width);
        this.#fastKeepSlot = new Int32Array(this.#columns!.width).fill(-1);
        this.#columns!.keep.forEach((i, k) => {
          if (i > this.#columns!.session) this.#fastKeepSlot[i] = k;
        });
        tokenizer.fastRow = this.#fastRow;
      }
      return;
    }
    if (row.count !== columns.width) {
      this.#bad(
        'wrong field count',
        new ParseError({ file, line: row.line }, `wrong field count: ${row.count} field${row.count === 1 ? '' : 's'}`, {
          value: row.raw(),
          expected: `${columns.width} fields (${columns.header.join(', ')})`,
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

    const plain = !row.escaped;
    const sessionStart = starts[iSession]!;
    const sessionEnd = ends[iSession]!;
    const dict = this.#sessionDict;
    // Consecutive events often belong to one session: check the previous row's session before hashing.
    const previous = this.#lastSession;
    const session = !plain
      ? this.#intern(dict, row, iSession)
      : previous >= 0 && dict.matches(previous, bytes, sessionStart, sessionEnd)
        ? previous
        : dict.intern(bytes, sessionStart, sessionEnd);
    this.#lastSession = session;
    if (session >= this.#sessionCount) {
      this.#addSession(session, label, row.line);
    } else if (this.#sessionLabels[session] !== label && iLabel >= 0) {
      this.#disagree(row, file, session, label);
    }
    const action = plain
      ? this.#actionDict.intern(bytes, starts[iAction]!, ends[iAction]!)
      : this.#intern(this.#actionDict, row, iAction);
    const e = this.#appendEvent(session, action, time, key);
    const keep = columns.keep;
    if (keep.length > 0) {
      const keepCodes = this.#keep;
      const keepDicts = this.#keepDicts;
      const lastKeep = this.#sessionLastKeep;
      for (let k = 0; k < keep.length; k++) {
        const i = keep[k]!;
        const start = starts[i]!;
        const end = ends[i]!;
        let code = -1;
        if (start !== end) {
          // Customer, group and profile ids rarely change within a session: try the session's last value first.
          const last = lastKeep[k]![session]!;
          if (plain && last >= 0 && keepDicts[k]!.matches(last, bytes, start, end)) code = last;
          else code = plain ? keepDicts[k]!.intern(bytes, start, end) : this.#intern(keepDicts[k]!, row, i);
          lastKeep[k]![session] = code;
        }
        keepCodes[k]![e] = code;
      }
    }
  }

  #fastStarts = new Int32Array(0);
  #fastEnds = new Int32Array(0);
  /**
   * Per field of the row in {@link EventLogReader.#fastRow}, the code of a kept value predicted and checked while
   * splitting, else -1.
   */
  #fastCodes = new Int32Array(0);
  /** Per field, the index in `keep` of a kept column after the session column, else -1. */
  #fastKeepSlot = new Int32Array(0);

  /**
   * The common case in one pass: a one-line row of unquoted fields, all valid. Splits the row,
   * checks it and appends the event exactly as {@link EventLogReader.row} would; any row it does
   * not accept (quotes, wrong field count, empty or invalid values, a label disagreement, an
   * incomplete row) it leaves untouched (returns -1) for the tokenizer and `row` to handle, errors
   * and skip counting included.
   */
  readonly #fastRow = (buf: Buffer, pos: number, n: number, D: number, line: number): number => {
    const columns = this.#columns;
    if (columns === null) return -1;
    const width = columns.width;
    const starts = this.#fastStarts;
    const ends = this.#fastEnds;
    const high = D > 0x0a ? D : 0x0a;
    const iTime = columns.time;
    // A fixed-width timestamp holds only digits and '-: .', never the delimiter or a line break:
    // when one parses and the delimiter follows, the field is known without scanning it.
    const skipTime = iTime >= 0 && iTime < width - 1 && !FIXED_TIME_BYTES.includes(D);
    let time = 0;
    let timeKnown = false;
    const iSession = columns.session;
    const codes = this.#fastCodes;
    const keepSlot = this.#fastKeepSlot;
    const keepDicts = this.#keepDicts;
    const lastKeep = this.#sessionLastKeep;
    const dict = this.#sessionDict;
    // The session, once its field is split, if already known (-1 otherwise): its last kept values
    // are then predicted, compared and split in one pass.
    let known = -1;
    let p = pos;
    let count = 0;
    for (;;) {
      if (p >= n) return -1;
      if (buf[p] === 0x22 || count === width) return -1;
      const start = p;
      if (known >= 0 && count < width - 1) {
        const k = keepSlot[count]!;
        if (k >= 0) {
          const last = lastKeep[k]![known]!;
          if (last >= 0 && keepDicts[k]!.matchesField(last, buf, start, n, D)) {
            codes[count] = last;
            starts[count] = start;
            p = start + keepDicts[k]!.lengthOf(last);
            ends[count++] = p;
            p++;
            continue;
          }
        }
      }
      codes[count] = -1;
      if (count === iTime && skipTime && start + 23 < n && buf[start + 23] === D) {
        time = parseFixed(buf, start);
        if (time === time) {
          timeKnown = true;
          starts[count] = start;
          ends[count++] = start + 23;
          p = start + 24;
          continue;
        }
        time = 0;
      }
      let c = 0;
      while (p < n) {
        c = buf[p]!;
        if (c <= high && (c === D || c === 0x0a)) break;
        p++;
      }
      if (p >= n) return -1;
      starts[count] = start;
      if (c === 0x0a) {
        ends[count++] = p > start && buf[p - 1] === 0x0d ? p - 1 : p;
        p++;
        break;
      }
      ends[count++] = p;
      p++;
      if (count - 1 === iSession && p - 1 > start) {
        const previous = this.#lastSession;
        known = previous >= 0 && dict.matches(previous, buf, start, p - 1) ? previous : dict.find(buf, start, p - 1);
      }
    }
    if (count !== width) return -1;
    const iAction = columns.action;
    const sessionStart = starts[iSession]!;
    const sessionEnd = ends[iSession]!;
    const actionStart = starts[iAction]!;
    const actionEnd = ends[iAction]!;
    if (sessionStart === sessionEnd || actionStart === actionEnd) return -1;
    if (iTime >= 0 && !timeKnown) {
      time = parseTimeBytes(buf, starts[iTime]!, ends[iTime]!, this.#epochScale);
      if (Number.isNaN(time)) return -1;
    }
    let key = 0;
    const iOrder = columns.order;
    if (iOrder >= 0) {
      const value = parseNumberBytes(buf, starts[iOrder]!, ends[iOrder]!);
      if (value === undefined || Number.isNaN(value)) return -1;
      key = value;
    }
    let label = 0;
    const iLabel = columns.label;
    if (iLabel >= 0) {
      const start = starts[iLabel]!;
      const end = ends[iLabel]!;
      const c = buf[start];
      if (end - start === 1 && this.#schema.labelValues === undefined && (c === 0x30 || c === 0x31)) label = c - 0x30;
      else label = this.#labelBytes(buf, start, end);
      if (label < 0) return -1;
    }
    const previous = this.#lastSession;
    const session =
      known >= 0
        ? known
        : previous >= 0 && dict.matches(previous, buf, sessionStart, sessionEnd)
          ? previous
          : dict.intern(buf, sessionStart, sessionEnd);
    if (session >= this.#sessionCount) {
      this.#addSession(session, label, line);
    } else if (this.#sessionLabels[session] !== label && iLabel >= 0) {
      // Interning an existing session changed nothing: `row` reports the disagreement.
      return -1;
    }
    this.#lastSession = session;
    const e = this.#appendEvent(session, this.#actionDict.intern(buf, actionStart, actionEnd), time, key);
    const keep = columns.keep;
    if (keep.length > 0) {
      const keepCodes = this.#keep;
      // Read again: adding a session may have grown these arrays.
      const sessionLastKeep = this.#sessionLastKeep;
      for (let k = 0; k < keep.length; k++) {
        const i = keep[k]!;
        let code = codes[i]!;
        if (code >= 0) {
          keepCodes[k]![e] = code;
          continue;
        }
        const start = starts[i]!;
        const end = ends[i]!;
        if (start !== end) {
          const last = sessionLastKeep[k]![session]!;
          code =
            last >= 0 && keepDicts[k]!.matches(last, buf, start, end) ? last : keepDicts[k]!.intern(buf, start, end);
          sessionLastKeep[k]![session] = code;
        }
        keepCodes[k]![e] = code;
      }
    }
    return p;
  };

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
    let unsorted = this.#sessionUnsorted.slice(0, this.#sessionCount);
    let labels = new Uint8Array(this.#sessionCount);
    for (let s = 0; s < labels.length; s++) labels[s] = this.#sessionLabels[s]! > 0 ? 1 : 0;

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
      keep = keep.map((codes) => codes.subarray(0, n));
      sessionIds = sessionIds.filter((_, s) => remap[s]! >= 0);
      unsorted = unsorted.filter((_, s) => remap[s]! >= 0);
      labels = labels.filter((_, s) => remap[s]! >= 0);
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
    return buildEventLog({
      sessions,
      sessionIds,
      labels,
      actions,
      actionDictionary: this.#actionDict.values(),
      times,
      sortKeys: keys ?? times,
      unsortedSessions: unsorted,
      sources,
      sourceNames: [...this.#sourceNames],
      extras,
      skipped,
    });
  }

  #startSource(row: DelimitedRow, file: string): void {
    const header = Array.from({ length: row.count }, (_, i) => row.text(i));
    this.#columns = resolveColumns(this.#schema, header, file, row.line);
  }

  #intern(dict: ByteDictionary, row: DelimitedRow, i: number): number {
    if ((row.flags[i]! & FIELD_ESCAPED) !== 0) return dict.internString(row.text(i));
    return dict.intern(row.bytes, row.starts[i]!, row.ends[i]!);
  }

  /** The label (0/1) of field `i`, or -1 when it is not a valid label. */
  #label(row: DelimitedRow, i: number): number {
    const start = row.starts[i]!;
    const end = row.ends[i]!;
    if (end - start === 1 && this.#schema.labelValues === undefined) {
      const c = row.bytes[start];
      if (c === 0x30) return 0;
      if (c === 0x31) return 1;
    }
    return this.#labelOfInterned(this.#intern(this.#labelDict, row, i));
  }

  /** {@link EventLogReader.#label} on the bytes of an unquoted field. */
  #labelBytes(bytes: Buffer, start: number, end: number): number {
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
    if (sortKey < this.#sessionLastKey[session]!) this.#sessionUnsorted[session] = 1;
    this.#sessionLastKey[session] = sortKey;
    this.#sources[e] = this.#sourceNames.length;
    return e;
  }

  #addSession(session: number, label: number, line: number): void {
    if (session === this.#sessionCapacity) {
      const capacity = Math.max(1024, this.#sessionCapacity * 2);
      this.#sessionLabels = grow(this.#sessionLabels, capacity, Int8Array);
      this.#sessionLine = grow(this.#sessionLine, capacity, Int32Array);
      this.#sessionSource = grow(this.#sessionSource, capacity, Uint16Array);
      this.#sessionBad = grow(this.#sessionBad, capacity, Uint8Array);
      this.#sessionUnsorted = grow(this.#sessionUnsorted, capacity, Uint8Array);
      this.#sessionLastKey = grow(this.#sessionLastKey, capacity, Float64Array);
      this.#sessionLastKeep = this.#keep.map((_, k) => {
        const last = new Int32Array(capacity).fill(-1);
        if (k < this.#sessionLastKeep.length) last.set(this.#sessionLastKeep[k]!);
        return last;
      });
      this.#sessionCapacity = capacity;
    }
    this.#sessionLabels[session] = label;
    this.#sessionLastKey[session] = Number.NEGATIVE_INFINITY;
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
      `of session ${JSON.stringify(this.#sessionDict.get(session))} is ${label} here but ${this.#sessionLabels[session]} on its first event at ${firstFile}:${firstLine}; value`,
      { value: row.text(iLabel), expected: 'one label for all events of a session' },
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
      value: row.text(i),
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

  #grow(): void {
    const capacity = Math.max(4096, this.#capacity * 2);
    const used = this.#n;
    this.#sessions = grow(this.#sessions, capacity, Int32Array, used);
    this.#actions = grow(this.#actions, capacity, Int32Array, used);
    if (this.#times !== null) this.#times = grow(this.#times, capacity, Float64Array, used);
    if (this.#keys !== null) this.#keys = grow(this.#keys, capacity, Float64Array, used);
    this.#sources = grow(this.#sources, capacity, Uint16Array, used);
    this.#keep = this.#keep.map((codes) => grow(codes, capacity, Int32Array, used));
    this.#capacity = capacity;
  }
}

function grow<T extends Int8Array | Uint8Array | Uint16Array | Int32Array | Float64Array>(
  array: T,
  capacity: number,
  Ctor: new (n: number) => T,
  used = array.length,
): T {
  const out = new Ctor(capacity);
  out.set(array.subarray(0, used) as never);
  return out;
}
