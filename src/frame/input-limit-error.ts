import { SessionSentryError } from '../errors.js';

/** Which limit of delimited input was exceeded. */
export type InputLimit = 'maxLineBytes' | 'maxFieldBytes';

/**
 * A line or a field of delimited input is longer than the reader accepts (see the `maxLineBytes`
 * and `maxFieldBytes` options of the tokenizer and of `readEventLog`). Reading stops there, in
 * time and memory bounded by the limit, instead of buffering an endless line. The message names
 * the file, the line (and the field, for a field), the limit and how to raise it.
 *
 * @example
 * ```ts
 * try { await readEventLog('dump.bin'); }
 * catch (err) { if (err instanceof InputLimitError) console.error(err.limit, err.bytes); } // 'maxLineBytes', 1048576
 * ```
 */
export class InputLimitError extends SessionSentryError {
  declare readonly code: 'ERR_INPUT_LIMIT';
  readonly file: string;
  /** 1-based line on which the over-long line or field starts. */
  readonly line: number;
  /** 1-based field number, for `maxFieldBytes`. */
  readonly column: number | undefined;
  readonly limit: InputLimit;
  /** The limit's value in bytes. */
  readonly bytes: number;

  constructor(position: { file: string; line: number; column?: number }, limit: InputLimit, bytes: number) {
    const where = `${position.file}:${position.line}${position.column !== undefined ? `:${position.column}` : ''}`;
    const what =
      limit === 'maxLineBytes' ? 'line is longer' : `field ${position.column ?? ''} is longer`.replace('  ', ' ');
    super(
      'ERR_INPUT_LIMIT',
      `${where}: ${what} than ${bytes} bytes (the ${limit} limit; raise it with the ${limit} option if such input ` +
        `is expected)`,
    );
    this.file = position.file;
    this.line = position.line;
    this.column = position.column;
    this.limit = limit;
    this.bytes = bytes;
  }
}
