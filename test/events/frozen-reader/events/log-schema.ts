import { InvalidArgumentError, ParseError } from '../errors.js';

/**
 * Named label values, for logs that write labels as words: a value listed in `positive` is an
 * attacker/anomaly (1), one in `negative` innocent/normal (0); anything else is an error.
 *
 * @example
 * ```ts
 * const hdfsLabels: LabelValues = { positive: ['Anomaly'], negative: ['Normal'] };
 * ```
 */
export interface LabelValues {
  readonly positive: readonly string[];
  readonly negative: readonly string[];
}

/**
 * Which columns of a log hold what. Column names are matched exactly against the header.
 *
 * - `session` (required): the session id; events with the same id form one session, across files too.
 * - `action` (required): the action / event code, dictionary-encoded.
 * - `time`: a timestamp column (see `parseTime`); omitted or `null` when the log has none, and
 *   then `EventLog.times` is `null`.
 * - `label`: the per-event label, which must agree within a session; omitted or `null` for an
 *   unlabeled log (every session gets label 0).
 * - `labelValues`: how labels are written. Default: `0`/`1` or `true`/`false` (any case).
 * - `keep`: extra columns kept per event as dictionary-encoded strings in `EventLog.extras`.
 * - `order`: a numeric column to order events by within a session (e.g. a sequence number),
 *   used instead of `time` for sorting when given. Without `order` and `time`, file order is kept.
 *
 * Columns of the file not named here are ignored.
 *
 * @example
 * ```ts
 * const hdfs: LogSchema = {
 *   session: 'BlockId', action: 'EventId', label: 'Label', order: 'seq', time: null,
 * };
 * await readEventLog('hdfs100k_events_long.csv', { schema: hdfs });
 * ```
 */
export interface LogSchema {
  readonly session: string;
  readonly action: string;
  readonly time?: string | null;
  readonly label?: string | null;
  readonly labelValues?: LabelValues;
  readonly keep?: readonly string[];
  readonly order?: string | null;
}

/**
 * The schema of the product's logs: tab-separated `SessionNo LogTime CustID GroupID ProfID Act BadActor`,
 * with `CustID`, `GroupID` and `ProfID` kept as extras. The default of `readEventLog`.
 *
 * @example
 * ```ts
 * await readEventLog('mixed-1.txt', { schema: SEED_LOG_SCHEMA }); // same as the default
 * ```
 */
export const SEED_LOG_SCHEMA: LogSchema = Object.freeze({
  session: 'SessionNo',
  time: 'LogTime',
  action: 'Act',
  label: 'BadActor',
  keep: Object.freeze(['CustID', 'GroupID', 'ProfID']),
});

/**
 * The header of the product's logs, in file order.
 *
 * @example
 * ```ts
 * SEED_LOG_HEADER.join('\t'); // 'SessionNo\tLogTime\tCustID\tGroupID\tProfID\tAct\tBadActor'
 * ```
 */
export const SEED_LOG_HEADER: readonly string[] = Object.freeze([
  'SessionNo',
  'LogTime',
  'CustID',
  'GroupID',
  'ProfID',
  'Act',
  'BadActor',
]);

/**
 * Field positions (0-based) of a schema's columns in one file's header; -1 when not used (see {@link resolveColumns}).
 */
export interface ResolvedColumns {
  readonly width: number;
  readonly header: readonly string[];
  readonly session: number;
  readonly action: number;
  readonly time: number;
  readonly label: number;
  readonly order: number;
  readonly keep: readonly number[];
}

/**
 * Checks a schema's own shape (names are non-empty strings, no column used twice) and fills
 * defaults; throws {@link InvalidArgumentError} naming the bad field.
 *
 * @example
 * ```ts
 * validateSchema({ session: 'BlockId', action: 'EventId' }); // ok: no time, no label
 * validateSchema({ session: '', action: 'Act' });           // throws: schema.session must be a column name
 * ```
 */
export function validateSchema(schema: LogSchema, where = 'readEventLog'): LogSchema {
  if (typeof schema !== 'object' || schema === null)
    throw new InvalidArgumentError(
      where,
      'schema',
      schema,
      'an object like { session, action, time?, label?, keep?, order? }',
    );
  const name = (field: string, value: unknown, optional: boolean): void => {
    if (optional && (value === undefined || value === null)) return;
    if (typeof value !== 'string' || value === '')
      throw new InvalidArgumentError(
        where,
        `schema.${field}`,
        value,
        optional ? 'a column name or null' : 'a column name',
      );
  };
  name('session', schema.session, false);
  name('action', schema.action, false);
  name('time', schema.time, true);
  name('label', schema.label, true);
  name('order', schema.order, true);
  const keep = schema.keep ?? [];
  if (!Array.isArray(keep)) throw new InvalidArgumentError(where, 'schema.keep', keep, 'an array of column names');
  keep.forEach((k, i) => name(`keep[${i}]`, k, false));
  const used = [schema.session, schema.action, schema.time, schema.label, schema.order, ...keep].filter(
    (c): c is string => typeof c === 'string',
  );
  const duplicate = used.find((c, i) => used.indexOf(c) !== i);
  if (duplicate !== undefined)
    throw new InvalidArgumentError(where, 'schema', duplicate, 'each column used for one role only');
  const values = schema.labelValues;
  if (values !== undefined) {
    const ok = (list: unknown): boolean =>
      Array.isArray(list) && list.length > 0 && list.every((v) => typeof v === 'string');
    if (!ok(values.positive) || !ok(values.negative)) {
      throw new InvalidArgumentError(
        where,
        'schema.labelValues',
        values,
        '{ positive: string[], negative: string[] } with at least one value each',
      );
    }
    const clash = values.positive.find((v) => values.negative.includes(v));
    if (clash !== undefined)
      throw new InvalidArgumentError(
        where,
        'schema.labelValues',
        clash,
        'a value listed as positive or negative, not both',
      );
  }
  return schema;
}

/**
 * Finds a schema's columns in a file's header. Missing columns are a {@link ParseError} at the
 * header line listing what is missing and what the header has; so is a needed column that appears
 * twice.
 *
 * @example
 * ```ts
 * resolveColumns(SEED_LOG_SCHEMA, [...SEED_LOG_HEADER], 'mixed-1.txt', 1).action; // 5
 * ```
 */
export function resolveColumns(
  schema: LogSchema,
  header: readonly string[],
  file: string,
  line: number,
): ResolvedColumns {
  const wanted = schemaColumns(schema);
  const missing = wanted.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new ParseError(
      { file, line },
      `header is missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
      {
        value: header.join(' '),
        expected: `the columns ${wanted.join(', ')}; the header has ${header.length > 0 ? header.join(', ') : 'no columns'}`,
      },
    );
  }
  for (const column of wanted) {
    const first = header.indexOf(column);
    const again = header.indexOf(column, first + 1);
    if (again >= 0) {
      throw new ParseError(
        { file, line, column: again + 1, columnName: column },
        `appears twice in the header (fields ${first + 1} and ${again + 1})`,
        {
          expected: 'each needed column once',
        },
      );
    }
  }
  const at = (c: string | null | undefined): number => (typeof c === 'string' ? header.indexOf(c) : -1);
  return {
    width: header.length,
    header,
    session: at(schema.session),
    action: at(schema.action),
    time: at(schema.time),
    label: at(schema.label),
    order: at(schema.order),
    keep: (schema.keep ?? []).map((c) => header.indexOf(c)),
  };
}

/**
 * The columns a schema needs, in a stable order (for messages).
 *
 * @example
 * ```ts
 * schemaColumns({ session: 'BlockId', action: 'EventId', label: 'Label' }); // ['BlockId', 'EventId', 'Label']
 * ```
 */
export function schemaColumns(schema: LogSchema): string[] {
  return [schema.session, schema.time, schema.action, schema.label, schema.order, ...(schema.keep ?? [])].filter(
    (c): c is string => typeof c === 'string',
  );
}
