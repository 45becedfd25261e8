/**
 * The reader against its own past: 12,000 seeded random event logs (quoting, line ends, bad
 * fields, bad times and labels, label disagreements, several files, both `onBadRow` modes) are read
 * by today's reader and by a frozen copy of the reader as it was before the hardening and speed
 * work of issues 14, 17 and 18 (`frozen-reader/`, taken at commit 1443119). Both must give the same
 * log, column for column, or the same error: class, code, message, file, line and column.
 *
 * Today's reader runs with the options that switch its newer checks off (`LEGACY`), since those
 * deliberately answer some of these inputs differently (implausible times, duplicate events); the
 * same inputs read with the defaults must give the same log or one of those newer answers.
 * Each input is also streamed to today's reader in random small chunks, so chunk boundaries fall
 * everywhere, and must read the same as the frozen reader reading it in one piece.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { EventLog } from '../../src/events/event-log.js';
import type { LogSchema } from '../../src/events/log-schema.js';
import { parseEventLog, readEventLog, type ReadEventLogOptions } from '../../src/events/read-event-log.js';
import { Random } from '../../src/random/random.js';
import type { EventLog as FrozenEventLog } from './frozen-reader/events/event-log.js';
import { parseEventLog as frozenParseEventLog } from './frozen-reader/events/read-event-log.js';

const INPUTS = 12_000;

/** Options that make today's reader answer as the frozen one did. */
const LEGACY: ReadEventLogOptions = { timeRange: null, duplicates: 'keep' };

interface Case {
  readonly inputs: { text: string; name: string }[];
  readonly options: ReadEventLogOptions;
  readonly seed: number;
}

const SEED_SCHEMA: LogSchema = {
  session: 'SessionNo',
  time: 'LogTime',
  action: 'Act',
  label: 'BadActor',
  keep: ['CustID', 'GroupID', 'ProfID'],
};
const HDFS_SCHEMA: LogSchema = {
  session: 'BlockId',
  action: 'EventId',
  label: 'Label',
  labelValues: { positive: ['Anomaly'], negative: ['Normal'] },
  order: 'seq',
  time: null,
};
const SMALL_SCHEMA: LogSchema = { session: 's', action: 'a', time: 't' };

const SESSIONS = ['1', '2', '10', '7', 's1', 'é', 'a b', 'x"y', '1234567890123', ''];
const ACTIONS = ['111', '201', '401', '7', 'X', 'ü1', '', '111 '];
const KEPT = ['C1', 'C2', 'G1', '', 'P 9', '日本'];

function time(rng: Random): string {
  const base = Date.UTC(2019, 6, 1, 12, 0, 0) + rng.int(0, 5) * 1000 + rng.int(0, 3);
  const iso = new Date(base).toISOString();
  const kind = rng.weightedIndex([80, 8, 6, 6, 4, 4, 1, 1, 1, 1, 2, 1]);
  switch (kind) {
    case 0:
      return iso.slice(0, 23).replace('T', ' ');
    case 1:
      return iso;
    case 2:
      return iso.slice(0, 19).replace('T', ' ') + '+02:00';
    case 3:
      return String(base);
    case 4:
      return String(Math.floor(base / 1000));
    case 5:
      return iso.slice(0, 10);
    case 6:
      return '2019-02-30 12:00:00.000';
    case 7:
      return 'yesterday';
    case 8:
      return '';
    case 9:
      return rng.choice(['0', '-1', '1e300', '-1e20', 'NaN', 'Infinity']);
    case 10:
      return iso.slice(0, 16).replace('T', ' ');
    default:
      return '2019-07-01 25:00:00.000';
  }
}

function label(rng: Random, schema: LogSchema, sessionLabel: number): string {
  if (schema.label === undefined || schema.label === null) return '';
  if (rng.bernoulli(0.9)) {
    if (schema.labelValues) return sessionLabel ? 'Anomaly' : 'Normal';
    return rng.bernoulli(0.8) ? String(sessionLabel) : sessionLabel ? 'TRUE' : 'false';
  }
  return rng.choice(['2', '', 'yes', sessionLabel ? '0' : '1', 'Anomaly', 'Normal']);
}

function quote(rng: Random, value: string, delimiter: string): string {
  const r = rng.next();
  if (r < 0.04) return `"${value.replaceAll('"', '""')}"`;
  if (r < 0.05) return `"${value.replaceAll('"', '""')}${delimiter}\n${value.replaceAll('"', '""')}"`;
  if (r < 0.052) return `"${value}`; // unterminated, or closed later by chance
  if (r < 0.054) return `"${value}"junk`;
  return value;
}

function makeFile(
  rng: Random,
  schema: LogSchema,
  name: string,
  labels: Map<string, number>,
  delimiter: string,
): { text: string; name: string } {
  const columns = [
    schema.session,
    schema.time,
    schema.action,
    schema.label,
    schema.order,
    ...(schema.keep ?? []),
  ].filter((c): c is string => typeof c === 'string');
  if (rng.bernoulli(0.2)) columns.push('Extra');
  rng.shuffle(columns);
  if (rng.bernoulli(0.02)) columns.pop();
  if (rng.bernoulli(0.01)) columns.push(columns[0]!);
  const newline = rng.bernoulli(0.2) ? '\r\n' : '\n';
  const lines: string[] = [columns.join(delimiter)];
  const rows = rng.int(0, 12);
  let previous = '';
  for (let r = 0; r < rows; r++) {
    if (previous !== '' && rng.bernoulli(0.08)) {
      lines.push(previous);
      continue;
    }
    if (rng.bernoulli(0.03)) lines.push('');
    const session = rng.choice(SESSIONS, [20, 20, 10, 10, 10, 5, 5, 3, 3, 1]);
    if (!labels.has(session)) labels.set(session, rng.bernoulli(0.3) ? 1 : 0);
    const values = columns.map((column) => {
      let value: string;
      if (column === schema.session) value = session;
      else if (column === schema.action) value = rng.choice(ACTIONS, [30, 30, 20, 5, 5, 3, 2, 1]);
      else if (column === schema.time) value = time(rng);
      else if (column === schema.label) value = label(rng, schema, labels.get(session)!);
      else if (column === schema.order)
        value = rng.bernoulli(0.95) ? String(rng.int(0, 20) - 2) : rng.choice(['x', '', '1.5e1', '-0']);
      else value = rng.choice(KEPT);
      return quote(rng, value, delimiter);
    });
    if (rng.bernoulli(0.03)) values.pop();
    if (rng.bernoulli(0.02)) values.push('more');
    previous = values.join(delimiter);
    lines.push(previous);
  }
  let text = (rng.bernoulli(0.03) ? '\ufeff' : '') + lines.join(newline);
  if (rng.bernoulli(0.85)) text += newline;
  if (rng.bernoulli(0.02)) text += newline + newline;
  return { text, name };
}

function makeCase(seed: number): Case {
  const rng = new Random(seed);
  const schema = rng.choice([SEED_SCHEMA, HDFS_SCHEMA, SMALL_SCHEMA], [6, 2, 2]);
  const labels = new Map<string, number>();
  const files = rng.int(1, 4);
  const delimiter = rng.bernoulli(0.6) ? '\t' : ',';
  const inputs = Array.from({ length: files }, (_, i) =>
    makeFile(rng, schema, `log-${i}.txt`, labels, rng.bernoulli(0.95) ? delimiter : ';'),
  );
  const options: ReadEventLogOptions = {
    schema,
    delimiter: rng.bernoulli(0.7) ? 'auto' : delimiter,
    onBadRow: rng.bernoulli(0.35) ? 'skip' : 'error',
    timeUnit: rng.bernoulli(0.2) ? 's' : 'ms',
    maxExamples: rng.int(0, 4),
  };
  return { inputs, options, seed };
}

type Outcome = { log: Record<string, unknown> } | { error: Record<string, unknown> };

function describeLog(log: EventLog | FrozenEventLog): Record<string, unknown> {
  const extras: Record<string, unknown> = {};
  for (const [name, column] of Object.entries(log.extras)) {
    const c = column as { codes: Int32Array; dictionary: readonly string[] };
    extras[name] = { codes: Array.from(c.codes), dictionary: [...c.dictionary] };
  }
  return {
    sessionIds: [...log.sessionIds],
    labels: Array.from(log.labels),
    offsets: Array.from(log.offsets),
    eventIndex: log.eventIndex === null ? null : Array.from(log.eventIndex),
    actions: Array.from(log.actions),
    actionDictionary: [...log.actionDictionary],
    times: log.times === null ? null : Array.from(log.times),
    sources: Array.from(log.sources),
    sourceNames: [...log.sourceNames],
    extras,
    skipped: { total: log.skipped.total, byReason: { ...log.skipped.byReason }, examples: [...log.skipped.examples] },
  };
}

function describeError(error: unknown): Record<string, unknown> {
  const e = error as Error & { code?: string; file?: string; line?: number; column?: number };
  if (!(error instanceof Error) || typeof e.code !== 'string') throw error; // an untyped failure is a failure of the test
  return { name: e.name, code: e.code, message: e.message, file: e.file, line: e.line, column: e.column };
}

function outcome(read: () => EventLog | FrozenEventLog): Outcome {
  try {
    return { log: describeLog(read()) };
  } catch (error) {
    return { error: describeError(error) };
  }
}

async function outcomeAsync(read: () => Promise<EventLog>): Promise<Outcome> {
  try {
    return { log: describeLog(await read()) };
  } catch (error) {
    return { error: describeError(error) };
  }
}

/** `bytes` cut at random points into chunks of 1 to 64 bytes. */
function chunked(rng: Random, bytes: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; ) {
    const size = rng.int(1, 65);
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

describe('readEventLog against the frozen pre-change reader (12,000 seeded random logs)', () => {
  it('reads every input to the same log or fails with the same error, in one piece and in random chunks', async () => {
    const kinds = { logs: 0, errors: 0, skipping: 0 };
    for (let seed = 1; seed <= INPUTS; seed++) {
      const c = makeCase(seed);
      const expected = outcome(() => frozenParseEventLog(c.inputs, c.options as never));
      const actual = outcome(() => parseEventLog(c.inputs, { ...c.options, ...LEGACY }));
      if (JSON.stringify(actual) !== JSON.stringify(expected)) {
        expect({ seed, inputs: c.inputs, options: c.options, outcome: actual }).toEqual({
          seed,
          inputs: c.inputs,
          options: c.options,
          outcome: expected,
        });
      }
      const rng = new Random(seed ^ 0x5eed);
      const streamed = await outcomeAsync(() =>
        readEventLog(
          c.inputs.map(({ text, name }) => ({ stream: Readable.from(chunked(rng, Buffer.from(text, 'utf8'))), name })),
          { ...c.options, ...LEGACY },
        ),
      );
      if (JSON.stringify(streamed) !== JSON.stringify(expected)) {
        expect({ seed, inputs: c.inputs, options: c.options, streamed }).toEqual({
          seed,
          inputs: c.inputs,
          options: c.options,
          streamed: expected,
        });
      }
      if ('log' in expected) kinds.logs++;
      else kinds.errors++;
      if ('log' in expected && (expected.log.skipped as { total: number }).total > 0) kinds.skipping++;
    }
    // The generator must keep producing both kinds of answer in earnest, or the comparison proves little.
    expect(kinds.logs).toBeGreaterThan(INPUTS / 4);
    expect(kinds.errors).toBeGreaterThan(INPUTS / 4);
    expect(kinds.skipping).toBeGreaterThan(INPUTS / 10);
  });

  it('with the default options, answers as the frozen reader or with one of the newer, deliberate answers', () => {
    let deliberate = 0;
    for (let seed = 1; seed <= INPUTS; seed += 3) {
      const c = makeCase(seed);
      const { timeRange, duplicates, ...defaults } = { ...c.options, ...LEGACY };
      void timeRange;
      void duplicates;
      const legacy = outcome(() => parseEventLog(c.inputs, { ...c.options, ...LEGACY }));
      const current = outcome(() => parseEventLog(c.inputs, defaults));
      if (JSON.stringify(current) === JSON.stringify(legacy)) continue;
      deliberate++;
      expect(isDeliberate(current), `seed ${seed}: ${JSON.stringify(current).slice(0, 500)}`).toBe(true);
    }
    expect(deliberate).toBeGreaterThan(0);
  });
});

/**
 * The answers the defaults give on purpose where the frozen reader accepted the input: an
 * implausible time (an error, or a row skipped), or a repeated event dropped and counted.
 */
function isDeliberate(o: Outcome): boolean {
  if ('error' in o)
    return o.error.code === 'ERR_PARSE' && String(o.error.message).includes('is outside the plausible time range');
  const byReason = (o.log.skipped as { byReason: Record<string, number> }).byReason;
  return (byReason['implausible time'] ?? 0) > 0 || (byReason['duplicate event'] ?? 0) > 0;
}
