/**
 * The library's typed errors. Every error thrown on purpose is a {@link SessionSentryError} with a
 * literal `code`, so callers can branch on `err.code` without string matching, and `cause` set
 * when another error led to it.
 *
 * @example
 * ```ts
 * try {
 *   await readEventLog('mixed-1.txt');
 * } catch (err) {
 *   if (err instanceof ParseError) console.error(err.file, err.line, err.column, err.message);
 * }
 * ```
 */
export class SessionSentryError extends Error {
  /** A stable, machine-readable identifier of the failure, e.g. `ERR_PARSE`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
    Object.defineProperty(this, ERROR_BRAND, { value: brandNames(new.target) });
  }

  /**
   * `err instanceof ParseError` holds for a `ParseError` thrown by either build of the package: a
   * notebook that loads the CommonJS build meets errors thrown by ESM code, whose classes are other
   * objects. Every error carries the names of its classes under a brand shared through
   * `Symbol.for`, and a class recognises an error whose brand names it.
   *
   * @example
   * ```ts
   * const esm = await import('sessionsentry');
   * const cjs = createRequire(import.meta.url)('sessionsentry');
   * esm.parseEventLog('SessionNo\tAct\nx\t\n') // throws
   * // … caught as err: err instanceof cjs.ParseError === true, err instanceof cjs.SessionSentryError === true
   * ```
   */
  static override [Symbol.hasInstance]<T>(this: abstract new (...args: never[]) => T, value: unknown): value is T {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class on the right of `instanceof`, a subclass inheriting this method
    return isBranded(this, value);
  }
}

/** The brand every {@link SessionSentryError} carries: shared by the ESM and CommonJS builds. */
const ERROR_BRAND = Symbol.for('sessionsentry.error');

type AnyClass = abstract new (...args: never[]) => unknown;

/** Whether `value` is an instance of `target` here, or carries a brand that names `target` (another build's error). */
function isBranded(target: AnyClass, value: unknown): boolean {
  if (Function.prototype[Symbol.hasInstance].call(target, value)) return true;
  if (typeof value !== 'object' || value === null) return false;
  const names = (value as { [ERROR_BRAND]?: unknown })[ERROR_BRAND];
  return Array.isArray(names) && names.includes(target.name);
}

/** The names of an error class and of its bases, down to `SessionSentryError`. */
function brandNames(target: AnyClass): readonly string[] {
  const names: string[] = [];
  for (
    let c: AnyClass | null = target;
    c !== null && c !== Error && c !== Function.prototype;
    c = Object.getPrototypeOf(c) as AnyClass | null
  ) {
    names.push(c.name);
  }
  return Object.freeze(names);
}

/**
 * An argument or option has a value the function cannot accept. The message names the argument,
 * the value and what was expected.
 *
 * @example
 * ```ts
 * throw new InvalidArgumentError('firstN', 'n', -1, 'a positive integer');
 * // firstN: n must be a positive integer, got -1
 * ```
 */
export class InvalidArgumentError extends SessionSentryError {
  declare readonly code: 'ERR_INVALID_ARGUMENT';
  readonly argument: string;

  constructor(where: string, argument: string, value: unknown, expected: string, options?: { cause?: unknown }) {
    super('ERR_INVALID_ARGUMENT', `${where}: ${argument} must be ${expected}, got ${describeValue(value)}`, options);
    this.argument = argument;
  }
}

/** Where in a text source a problem was found. Lines and columns count from 1. */
export interface SourcePosition {
  /** File name (or `<string>` / `<stream>` for in-memory sources). */
  readonly file: string;
  /** 1-based line number in the source, counting the header line. */
  readonly line: number;
  /** 1-based column (field) number, when the problem belongs to one field. */
  readonly column?: number;
  /** Column name from the header, when known. */
  readonly columnName?: string;
}

/**
 * Text input could not be read as the expected table: a missing header column, a wrong field
 * count, an empty or unparseable value. The message reads like
 * `mixed-1.txt:1042:6: column Act is empty (expected an action code)`.
 */
export class ParseError extends SessionSentryError {
  declare readonly code: 'ERR_PARSE';
  readonly file: string;
  readonly line: number;
  readonly column: number | undefined;
  readonly columnName: string | undefined;
  readonly value: string | undefined;
  readonly expected: string;

  constructor(
    position: SourcePosition,
    problem: string,
    details: { value?: string; expected: string },
    options?: { cause?: unknown },
  ) {
    const where = `${position.file}:${position.line}${position.column !== undefined ? `:${position.column}` : ''}`;
    const col = position.columnName !== undefined ? `column ${position.columnName} ` : '';
    const value = details.value !== undefined ? ` ${JSON.stringify(truncate(details.value, 80))}` : '';
    super('ERR_PARSE', `${where}: ${col}${problem}${value} (expected ${details.expected})`, options);
    this.file = position.file;
    this.line = position.line;
    this.column = position.column;
    this.columnName = position.columnName;
    this.value = details.value;
    this.expected = details.expected;
  }
}

/** A named column does not exist in a frame or file. */
export class ColumnNotFoundError extends SessionSentryError {
  declare readonly code: 'ERR_COLUMN_NOT_FOUND';
  readonly column: string;

  constructor(column: string, available: readonly string[], where?: string) {
    super(
      'ERR_COLUMN_NOT_FOUND',
      `${where ? `${where}: ` : ''}no column ${JSON.stringify(column)} (columns: ` +
        `${available.map((c) => JSON.stringify(c)).join(', ') || 'none'})`,
    );
    this.column = column;
  }
}

/** Describes a value for an error message without dumping huge objects. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(truncate(value, 80));
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined)
    return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return typeof value === 'object' ? `an object (${Object.prototype.toString.call(value).slice(8, -1)})` : typeof value;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
