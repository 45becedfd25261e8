import { InvalidArgumentError, ParseError } from '../errors.js';
import { ByteDictionary } from './byte-dictionary.js';
import type { Column } from './column.js';
import { type DelimitedRow, FIELD_ESCAPED, FIELD_QUOTED, tokenizeSource, tokenizeText } from './delimited-parser.js';
import { Frame } from './frame.js';
import { parseNumberBytes } from './parse-number.js';
import type { TextSource } from './text-source.js';

/** How a CSV column is stored: `'number'` (Float64Array) or `'string'` (dictionary-encoded). */
export type CsvColumnType = 'number' | 'string';

/** Options of {@link readCsv} and {@link parseCsv}. */
export interface ReadCsvOptions {
  /** Field delimiter, one character, or `'auto'` (default): tab if the first line has one, else comma. */
  readonly delimiter?: string;
  /** Whether the first row is a header of column names. Default `true`. */
  readonly header?: boolean;
  /**
   * Column names. With `header: true` they replace the header's names (same count); with
   * `header: false` they name the columns, which default to `column1`, `column2`, …
   */
  readonly names?: readonly string[];
  /**
   * Storage type per column name. Columns not listed are inferred: numeric when every non-empty
   * field is a number (see `parseNumberBytes`), otherwise strings. A field that is not a number in
   * a column declared `'number'` is a {@link ParseError}.
   */
  readonly columnTypes?: Readonly<Record<string, CsvColumnType>>;
}

/**
 * Reads delimited text (CSV, TSV) into a {@link Frame}, streaming chunk by chunk from a path
 * (`.gz` decompressed), text, bytes or a stream (see `TextSource`). Numeric columns become
 * `Float64Array`s, the others dictionary-encoded string columns. Missing values: an empty field is
 * `NaN` in a numeric column and `null` in a string column, while a quoted empty field (`""`) is
 * the empty string. RFC 4180 quoting, a BOM, CRLF, blank lines and a missing final newline are
 * handled; a row with the wrong number of fields, a duplicate header name or a non-number in a
 * `'number'` column is a {@link ParseError} naming file, line, column and value.
 *
 * @example
 * ```ts
 * const frame = await readCsv('features.csv', { columnTypes: { SessionNo: 'string' } });
 * frame.numbers('BadActor');
 * const tsv = await readCsv({ text: 'a\tb\n1\tx\n', name: 'inline' }); // a: number, b: string
 * ```
 */
export async function readCsv(source: TextSource, options: ReadCsvOptions = {}): Promise<Frame> {
  const sink = new CsvFrameSink(options);
  const { name } = await tokenizeSource(
    source,
    { delimiter: options.delimiter ?? 'auto', fallback: ',' },
    (row, tokenizer) => sink.row(row, tokenizer.file),
    'readCsv',
  );
  return sink.finish(name);
}

/**
 * Parses delimited text already in memory into a {@link Frame}, synchronously; the same rules as
 * {@link readCsv}. `input` is always content (a string, UTF-8 bytes, gzip bytes, or `{ text, name }`).
 *
 * @example
 * ```ts
 * const frame = parseCsv('id,score\na,0.5\nb,1e-3\n');
 * frame.numbers('score'); // Float64Array [0.5, 0.001]
 * ```
 */
export function parseCsv(
  input: string | Uint8Array | { readonly text: string; readonly name?: string },
  options: ReadCsvOptions = {},
): Frame {
  const named = typeof input === 'object' && !(input instanceof Uint8Array);
  const file = named ? (input.name ?? '<string>') : typeof input === 'string' ? '<string>' : '<bytes>';
  const sink = new CsvFrameSink(options);
  tokenizeText(named ? input.text : input, { file, delimiter: options.delimiter ?? 'auto', fallback: ',' }, (row) =>
    sink.row(row, file),
  );
  return sink.finish(file);
}

interface ColumnBuilder {
  readonly name: string;
  readonly declared: CsvColumnType | undefined;
  numeric: boolean;
  numbers: Float64Array;
  codes: Int32Array;
  readonly dictionary: ByteDictionary;
}

class CsvFrameSink {
  #file = '';
  readonly #header: boolean;
  readonly #names: readonly string[] | undefined;
  readonly #types: Readonly<Record<string, CsvColumnType>>;
  #columns: ColumnBuilder[] | null = null;
  #rows = 0;
  #capacity = 0;

  constructor(options: ReadCsvOptions) {
    const { header = true, names, columnTypes = {} } = options;
    this.#header = header;
    this.#names = names;
    this.#types = columnTypes;
  }

  row(row: DelimitedRow, file: string): void {
    if (this.#columns === null) {
      this.#file = file;
      this.#start(row);
      if (this.#header) return;
    }
    const columns = this.#columns!;
    if (row.count !== columns.length) {
      throw new ParseError({ file: this.#file, line: row.line }, `wrong field count: ${row.count} fields`, {
        value: row.raw(),
        expected: `${columns.length} fields (${columns.map((c) => c.name).join(', ')})`,
      });
    }
    if (this.#rows === this.#capacity) this.#grow();
    const r = this.#rows;
    const bytes = row.bytes;
    for (let i = 0; i < columns.length; i++) {
      const column = columns[i]!;
      const start = row.starts[i]!;
      const end = row.ends[i]!;
      const flags = row.flags[i]!;
      if (column.numeric) {
        if (start === end) {
          column.numbers[r] = Number.NaN;
        } else {
          const value = (flags & FIELD_ESCAPED) === 0 ? parseNumberBytes(bytes, start, end) : undefined;
          if (value !== undefined) column.numbers[r] = value;
          else if (column.declared === 'number') {
            throw new ParseError(
              { file: this.#file, line: row.line, column: i + 1, columnName: column.name },
              'is not a number',
              {
                value: row.text(i),
                expected: "a number (the column's type is 'number')",
              },
            );
          } else column.numeric = false;
        }
        if (column.declared === 'number') continue;
      }
      if (start === end) column.codes[r] = (flags & FIELD_QUOTED) !== 0 ? column.dictionary.internString('') : -1;
      else if ((flags & FIELD_ESCAPED) !== 0) column.codes[r] = column.dictionary.internString(row.text(i));
      else column.codes[r] = column.dictionary.intern(bytes, start, end);
    }
    this.#rows = r + 1;
  }

  finish(file: string): Frame {
    if (this.#columns === null) {
      this.#file = file;
      if (this.#header) {
        throw new ParseError({ file: this.#file, line: 1 }, 'the input is empty', {
          expected: 'a header line with column names',
        });
      }
      return Frame.fromColumns({});
    }
    const n = this.#rows;
    const columns = new Map<string, Column>();
    for (const column of this.#columns) {
      if (column.numeric) columns.set(column.name, { kind: 'number', values: column.numbers.slice(0, n) });
      else
        columns.set(column.name, {
          kind: 'string',
          codes: column.codes.slice(0, n),
          dictionary: column.dictionary.values(),
        });
    }
    return Frame.fromColumns(columns);
  }

  #start(row: DelimitedRow): void {
    let names: string[];
    if (this.#header) {
      names = Array.from({ length: row.count }, (_, i) => row.text(i));
      if (this.#names !== undefined) {
        if (this.#names.length !== names.length) {
          throw new InvalidArgumentError(
            'readCsv',
            'names',
            this.#names,
            `${names.length} names, one per header column (${names.join(', ')}) in ${this.#file}`,
          );
        }
        names = [...this.#names];
      }
    } else {
      names =
        this.#names !== undefined ? [...this.#names] : Array.from({ length: row.count }, (_, i) => `column${i + 1}`);
    }
    const seen = new Map<string, number>();
    names.forEach((name, i) => {
      if (name === '') names[i] = `column${i + 1}`;
      const before = seen.get(names[i]!);
      if (before !== undefined) {
        throw new ParseError(
          { file: this.#file, line: row.line, column: i + 1 },
          `duplicate column name ${JSON.stringify(names[i])} (also column ${before + 1})`,
          {
            expected: 'distinct column names',
          },
        );
      }
      seen.set(names[i]!, i);
    });
    for (const [name, type] of Object.entries(this.#types)) {
      if (!seen.has(name)) {
        throw new InvalidArgumentError(
          'readCsv',
          `columnTypes.${name}`,
          type,
          `a column of ${this.#file} (columns: ${names.join(', ')})`,
        );
      }
      if (type !== 'number' && type !== 'string')
        throw new InvalidArgumentError('readCsv', `columnTypes.${name}`, type, "'number' or 'string'");
    }
    this.#columns = names.map((name) => {
      const declared = this.#types[name];
      return {
        name,
        declared,
        numeric: declared !== 'string',
        numbers: new Float64Array(0),
        codes: new Int32Array(0),
        dictionary: new ByteDictionary(),
      };
    });
  }

  #grow(): void {
    const capacity = Math.max(1024, this.#capacity * 2);
    for (const column of this.#columns!) {
      if (column.declared !== 'string') column.numbers = grownFloat(column.numbers, capacity, this.#rows);
      if (column.declared !== 'number') column.codes = grownInt(column.codes, capacity, this.#rows);
    }
    this.#capacity = capacity;
  }
}

function grownFloat(array: Float64Array, capacity: number, used: number): Float64Array {
  const out = new Float64Array(capacity);
  out.set(array.subarray(0, used));
  return out;
}

function grownInt(array: Int32Array, capacity: number, used: number): Int32Array {
  const out = new Int32Array(capacity);
  out.set(array.subarray(0, used));
  return out;
}
