import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import type { EventLog } from '../../src/events/event-log.js';
import type { Frame } from '../../src/frame/frame.js';
import { LiveScorer } from '../../src/serve/live-scorer.js';
import { compileFeatureLayout, SessionState } from '../../src/serve/session-state.js';
import { ActionVocabulary } from '../../src/sessions/action-vocabulary.js';
import type { FeatureGroups, FeatureSchema } from '../../src/sessions/feature-schema.js';
import {
  flattenPrefixes,
  flattenTruncated,
  PREFIX_LENGTH_COLUMN,
  WEIGHT_COLUMN,
} from '../../src/sessions/flatten-prefixes.js';
import { flattenSessions } from '../../src/sessions/flatten-sessions.js';
import { prepareJobs, prepareTestJobs, truncateLike } from '../../src/sessions/prepare-jobs.js';
import { EventOrderError, FeatureSchemaError, MissingTimesError } from '../../src/sessions/session-errors.js';
import { SessionFlattener } from '../../src/sessions/session-flattener.js';
import { describeTruncation, splitPrefixes, truncateLog, validateTruncation } from '../../src/sessions/truncation.js';
import { Truncators } from '../../src/sessions/truncators.js';
import { generateEvents, makeLog, plainSessions } from './make-log.js';

const columnCache = new WeakMap<Frame, Map<string, Float64Array>>();

/** Feature row `row` of a frame, as float64 values. */
function rowOf(frame: Frame, names: readonly string[], row: number): Float64Array {
  let columns = columnCache.get(frame);
  if (columns === undefined) columnCache.set(frame, (columns = new Map()));
  const out = new Float64Array(names.length);
  names.forEach((name, j) => {
    let values = columns.get(name);
    if (values === undefined) columns.set(name, (values = frame.numbers(name)));
    out[j] = values[row]!;
  });
  return out;
}

/** Bit patterns of float64 values, so that 0 and -0 or two NaNs are told apart exactly. */
function bits(values: Float64Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('hex');
}

function schemaFor(log: EventLog, features: Partial<FeatureGroups>, vocabulary?: ActionVocabulary): FeatureSchema {
  return new SessionFlattener({ vocabulary: vocabulary ?? ActionVocabulary.fromLogs(log), features })
    .fit(log)
    .toSchema();
}

/** Codes 101..130 in three groups by hand; 131..137 in none. */
const BY_HAND: Record<string, string> = Object.fromEntries(
  Array.from({ length: 30 }, (_, i) => [String(101 + i), ['x', 'y', 'z'][i % 3]!]),
);

const FEATURE_SETS: readonly Partial<FeatureGroups>[] = [
  {},
  { counts: true, timing: true, bigrams: { topK: 15 }, shares: true, actionGroups: { by: BY_HAND } },
  { counts: false, timing: false, bigrams: false, shares: true },
  { counts: false, timing: true, bigrams: { topK: 5 }, shares: false, actionGroups: { by: 'firstDigit' } },
  { counts: false, timing: false, bigrams: false, shares: false, actionGroups: { by: BY_HAND } },
];

describe('flattenPrefixes: each row is bit-identical to flattening firstN(k) of the same log', () => {
  const logs: [string, EventLog][] = [
    [
      'a generated log (sessions 1–120 events, same-ms events, bursts, pauses)',
      makeLog(generateEvents({ seed: 11, sessions: 400 })),
    ],
    [
      'the same shape stored shuffled behind an eventIndex',
      makeLog(generateEvents({ seed: 12, sessions: 300 }), { shuffledStorage: true }),
    ],
  ];
  for (const [what, log] of logs) {
    for (const features of FEATURE_SETS) {
      it(`${what}, features ${JSON.stringify(features)}, prefixes 1..60 and 3..7`, () => {
        // The vocabulary leaves two codes out, so other_actions and the unseen report are exercised.
        const full = ActionVocabulary.fromLogs(log);
        const vocabulary = ActionVocabulary.fromCodes(full.codes.filter((c) => c !== '103' && c !== '110'));
        const schema = schemaFor(log, features, vocabulary);
        for (const [min, max] of [
          [1, 60],
          [3, 7],
        ] as const) {
          const { frame } = flattenPrefixes(log, schema, { min, max });
          const ids = frame.strings(schema.idColumn);
          const lengths = frame.numbers(PREFIX_LENGTH_COLUMN);
          const labels = frame.numbers(schema.labelColumn);
          // Reference: one whole flatten per k, indexed by session id.
          const byK = new Map<number, Frame>();
          for (let k = min; k <= max; k++)
            byK.set(k, flattenSessions(truncateLog(log, Truncators.firstN(k)), schema).frame);
          const sessionRow = new Map(log.sessionIds.map((id, s) => [id, s]));
          let expectedRows = 0;
          for (let s = 0; s < log.sessionCount; s++)
            expectedRows += log.sessionLength(s) < min ? 0 : Math.min(max, log.sessionLength(s)) - min + 1;
          expect(frame.rowCount).toBe(expectedRows);
          const mismatches: string[] = [];
          for (let r = 0; r < frame.rowCount; r++) {
            const s = sessionRow.get(ids[r]!)!;
            const k = lengths[r]!;
            if (k < min || k > Math.min(max, log.sessionLength(s)))
              mismatches.push(`row ${r}: prefix length ${k} out of range`);
            if (labels[r] !== log.labels[s]) mismatches.push(`row ${r}: label`);
            if (bits(rowOf(frame, schema.featureNames, r)) !== bits(rowOf(byK.get(k)!, schema.featureNames, s)))
              mismatches.push(`row ${r}: session ${ids[r]} prefix ${k}`);
          }
          expect(mismatches).toEqual([]);
        }
      });
    }
  }

  it("sessions longer than 17 gaps take the flattener's selection path for the median, and match", () => {
    const events = [];
    let t = Date.UTC(2019, 6, 1);
    for (let i = 0; i < 50; i++) {
      t += [0, 250, 1000, 3000, 999, 1001, 60_000][(i * 5) % 7]!;
      events.push({ session: 'long', action: String(101 + (i % 4)), time: t });
    }
    const log = makeLog(events);
    const schema = schemaFor(log, {});
    const { frame } = flattenPrefixes(log, schema, { max: 50 });
    for (let k = 1; k <= 50; k++) {
      const reference = flattenSessions(truncateLog(log, Truncators.firstN(k)), schema).frame;
      expect(bits(rowOf(frame, schema.featureNames, k - 1))).toBe(bits(rowOf(reference, schema.featureNames, 0)));
    }
  });

  it('the unseen-code report counts each event read once (the first min(max, length) events of sessions with rows)', () => {
    const log = makeLog([
      { session: 'a', action: '111', time: 0 },
      { session: 'a', action: '999', time: 1 },
      { session: 'a', action: '999', time: 2 },
      { session: 'a', action: '998', time: 3 },
      { session: 'b', action: '999', time: 5 },
    ]);
    const schema = schemaFor(log, {}, ActionVocabulary.fromCodes(['111']));
    const { unseen } = flattenPrefixes(log, schema, { min: 2, max: 3 });
    // Session b (1 event) has no row; session a's 4th event is past max.
    expect(unseen).toEqual({ events: 2, sessions: 1, byCode: { '999': 2 } });
  });
});

describe('flattenPrefixes: equal to the live SessionState after k events', () => {
  it('every prefix row is the live feature vector after the same events, bit for bit (codes the vocabulary lacks included)', () => {
    const log = makeLog(generateEvents({ seed: 21, sessions: 250 }));
    const vocabulary = ActionVocabulary.fromCodes(
      ActionVocabulary.fromLogs(log).codes.filter((c) => c !== '102' && c !== '112' && c !== '135'),
    );
    for (const features of FEATURE_SETS) {
      const schema = schemaFor(log, features, vocabulary);
      const { frame } = flattenPrefixes(log, schema, { max: 40 });
      const layout = compileFeatureLayout(schema);
      const sessions = plainSessions(log);
      const ids = frame.strings(schema.idColumn);
      const lengths = frame.numbers(PREFIX_LENGTH_COLUMN);
      const mismatches: string[] = [];
      let r = 0;
      for (const session of sessions) {
        const state = new SessionState(session.id, layout);
        const read = Math.min(40, session.actions.length);
        for (let i = 0; i < read; i++) {
          state.add(layout.columnOf(session.actions[i]!), session.times[i]!);
          if (
            ids[r] !== session.id ||
            lengths[r] !== i + 1 ||
            bits(rowOf(frame, schema.featureNames, r)) !== bits(state.row)
          ) {
            mismatches.push(`row ${r}: session ${session.id} after ${i + 1} events`);
          }
          r++;
        }
      }
      expect(mismatches).toEqual([]);
      expect(r).toBe(frame.rowCount);
    }
  });
});

describe('flattenPrefixes: equal to what a LiveScorer holds after k events of a session', () => {
  it("replaying the log in time order, every session's live features after k ≤ 40 events are its prefix row k, bit for bit", () => {
    const log = makeLog(generateEvents({ seed: 23, sessions: 300 }));
    const vocabulary = ActionVocabulary.fromCodes(
      ActionVocabulary.fromLogs(log).codes.filter((c) => c !== '104' && c !== '120'),
    );
    for (const features of [FEATURE_SETS[0]!, FEATURE_SETS[1]!]) {
      const schema = schemaFor(log, features, vocabulary);
      const { frame } = flattenPrefixes(log, schema, { max: 40 });
      const rowOfPrefix = new Map<string, number>();
      const ids = frame.strings(schema.idColumn);
      const lengths = frame.numbers(PREFIX_LENGTH_COLUMN);
      for (let r = 0; r < frame.rowCount; r++) rowOfPrefix.set(`${ids[r]}#${lengths[r]}`, r);
      const constant = { numFeature: schema.featureNames.length, predictRow: () => 0 };
      const scorer = new LiveScorer({ model: constant, threshold: 0.5, schema, duplicates: 'keep' });
      const events = plainSessions(log).flatMap((session) =>
        session.actions.map((action, i) => ({ session: session.id, action, time: session.times[i]!, k: i + 1 })),
      );
      // A log file's order: by time, a session's own events in order (a stable sort keeps them so).
      events.sort((a, b) => a.time - b.time);
      const mismatches: string[] = [];
      let compared = 0;
      for (const event of events) {
        scorer.push({ session: event.session, action: event.action, time: event.time });
        if (event.k > 40) continue;
        const view = scorer.session(event.session)!;
        const r = rowOfPrefix.get(`${event.session}#${event.k}`)!;
        if (view.eventsSeen !== event.k || bits(view.features) !== bits(rowOf(frame, schema.featureNames, r)))
          mismatches.push(`${event.session} after ${event.k} events`);
        compared++;
      }
      scorer.close();
      expect(mismatches).toEqual([]);
      expect(compared).toBe(frame.rowCount);
    }
  });
});

describe('flattenPrefixes: columns and row weights', () => {
  const log = makeLog([
    { session: 'a', action: '111', time: 0, label: 1 },
    { session: 'a', action: '201', time: 1000 },
    { session: 'a', action: '401', time: 1500 },
    { session: 'a', action: '401', time: 4000 },
    { session: 'b', action: '111', time: 10 },
    { session: 'c', action: '111', time: 20 },
    { session: 'c', action: '301', time: 30 },
  ]);
  const schema = schemaFor(log, {});

  it('has the id (repeated), label, prefix_length and weight columns before the features, in session then prefix order', () => {
    const { frame } = flattenPrefixes(log, schema, { max: 3 });
    expect(frame.columnNames).toEqual([
      schema.idColumn,
      schema.labelColumn,
      PREFIX_LENGTH_COLUMN,
      WEIGHT_COLUMN,
      ...schema.featureNames,
    ]);
    expect(frame.strings(schema.idColumn)).toEqual(['a', 'a', 'a', 'b', 'c', 'c']);
    expect(Array.from(frame.numbers(schema.labelColumn))).toEqual([1, 1, 1, 0, 0, 0]);
    expect(Array.from(frame.numbers(PREFIX_LENGTH_COLUMN))).toEqual([1, 2, 3, 1, 1, 2]);
    expect(Array.from(frame.numbers('event_count'))).toEqual([1, 2, 3, 1, 1, 2]);
  });

  it("weighs each of a session's r rows 1/r by default, so every session weighs 1 in total", () => {
    const { frame } = flattenPrefixes(log, schema, { max: 3 });
    expect(Array.from(frame.numbers(WEIGHT_COLUMN))).toEqual([1 / 3, 1 / 3, 1 / 3, 1, 1 / 2, 1 / 2]);
  });

  it("weighs every row 1 with weight 'uniform', and as a custom function says", () => {
    expect(
      Array.from(flattenPrefixes(log, schema, { max: 3, weight: 'uniform' }).frame.numbers(WEIGHT_COLUMN)),
    ).toEqual([1, 1, 1, 1, 1, 1]);
    const calls: number[][] = [];
    const custom = flattenPrefixes(log, schema, {
      max: 3,
      weight: (k, rows, length) => {
        calls.push([k, rows, length]);
        return k / rows;
      },
    });
    expect(calls).toEqual([
      [1, 3, 4],
      [2, 3, 4],
      [3, 3, 4],
      [1, 1, 1],
      [1, 2, 2],
      [2, 2, 2],
    ]);
    expect(Array.from(custom.frame.numbers(WEIGHT_COLUMN))).toEqual([1 / 3, 2 / 3, 1, 1, 1 / 2, 1]);
  });

  it('gives no row to a session shorter than min, and stops at max', () => {
    const { frame } = flattenPrefixes(log, schema, { min: 2, max: 2 });
    expect(frame.strings(schema.idColumn)).toEqual(['a', 'c']);
    expect(Array.from(frame.numbers(PREFIX_LENGTH_COLUMN))).toEqual([2, 2]);
    expect(flattenPrefixes(log, schema, { min: 5, max: 9 }).frame.rowCount).toBe(0);
  });

  it('rejects bad options and a weight function returning a bad value, naming them', () => {
    expect(() => flattenPrefixes(log, schema, { min: 0 })).toThrow(
      /flattenPrefixes: min must be an integer ≥ 1, got 0/,
    );
    expect(() => flattenPrefixes(log, schema, { min: 3, max: 2 })).toThrow(/max must be an integer ≥ min \(3\), got 2/);
    expect(() => flattenPrefixes(log, schema, { weight: 'sqrt' as never })).toThrow(InvalidArgumentError);
    expect(() => flattenPrefixes(log, schema, { weight: () => Number.NaN })).toThrow(
      /weight\(1, 4, 4\) for session "a" must be a finite number ≥ 0, got NaN/,
    );
    expect(() => flattenPrefixes(log, schema, { weight: () => -1 })).toThrow(InvalidArgumentError);
  });

  it('refuses a schema with a column named prefix_length or weight', () => {
    const clash = makeLog([{ session: 'a', action: 'weight', time: 0 }]);
    expect(() => flattenPrefixes(clash, schemaFor(clash, {}))).toThrow(FeatureSchemaError);
  });

  it('throws MissingTimesError for timing without times, and the EventOrderError that flattening firstN(k) throws', () => {
    const noTimes = makeLog([{ session: 'a', action: '111' }]);
    expect(() =>
      flattenPrefixes(noTimes, schemaFor(noTimes, { timing: false }, ActionVocabulary.fromCodes(['111'])), {}),
    ).not.toThrow();
    expect(() => flattenPrefixes(noTimes, schema)).toThrow(MissingTimesError);
    const bad = makeLog([
      { session: 'x', action: '111', time: 0 },
      { session: 'x', action: '201', time: 500 },
      { session: 'x', action: '201', time: Number.NaN },
    ]);
    // makeLog sorts by time; NaN compares false, so it stays third.
    const badSchema = schemaFor(bad, {});
    const expected = (() => {
      try {
        flattenSessions(truncateLog(bad, Truncators.firstN(3)), badSchema);
      } catch (error) {
        return error as EventOrderError;
      }
      throw new Error('expected flattenSessions to throw');
    })();
    expect(expected).toBeInstanceOf(EventOrderError);
    expect(() => flattenPrefixes(bad, badSchema, {}, 'flattenSessions')).toThrow(expected.message);
    expect(() => flattenPrefixes(bad, badSchema, { max: 2 })).not.toThrow();
  });
});

describe('Truncators.prefixes: a validated, serialisable truncation applied when flattening', () => {
  it('defaults to min 1, max 40, perSession weights, and survives JSON', () => {
    const spec = Truncators.prefixes();
    expect(spec).toEqual({ kind: 'prefixes', min: 1, max: 40, weight: 'perSession' });
    expect(JSON.parse(JSON.stringify(Truncators.prefixes({ max: 10, min: 2, weight: 'uniform' })))).toEqual({
      kind: 'prefixes',
      min: 2,
      max: 10,
      weight: 'uniform',
    });
    expect(describeTruncation(spec)).toBe('prefixes(1..40)');
    expect(
      describeTruncation(
        Truncators.compose(Truncators.minLength(3), Truncators.prefixes({ max: 5, weight: 'uniform' })),
      ),
    ).toBe('minLength(3) → prefixes(1..5, uniform)');
  });

  it('rejects bad bounds and weights, and prefixes anywhere but last', () => {
    expect(() => Truncators.prefixes({ max: 0 })).toThrow(
      /Truncators.prefixes: prefixes.max must be an integer ≥ 1, got 0/,
    );
    expect(() => Truncators.prefixes({ min: 5, max: 4 })).toThrow(/prefixes.max must be an integer ≥ 5, got 4/);
    expect(() => Truncators.prefixes({ min: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => Truncators.prefixes({ weight: 'none' as never })).toThrow(
      /prefixes.weight must be 'perSession' or 'uniform'/,
    );
    expect(() => Truncators.compose(Truncators.prefixes(), Truncators.firstN(3))).toThrow(/the last step of a compose/);
    expect(() =>
      validateTruncation({
        kind: 'compose',
        steps: [{ kind: 'compose', steps: [Truncators.prefixes()] }, Truncators.none()],
      }),
    ).toThrow(InvalidArgumentError);
    expect(() =>
      validateTruncation({
        kind: 'compose',
        steps: [Truncators.firstN(9), { kind: 'compose', steps: [Truncators.prefixes()] }],
      }),
    ).not.toThrow();
  });

  it('is refused by truncateLog, which keeps one row per session', () => {
    const log = makeLog([{ session: 'a', action: '111', time: 0 }]);
    expect(() => truncateLog(log, Truncators.prefixes())).toThrow(
      /truncateLog: truncation must be a truncation that keeps one row per session/,
    );
  });

  it('splitPrefixes separates the steps before the prefixes from the prefixes step', () => {
    const prefixes = Truncators.prefixes({ max: 5 });
    expect(splitPrefixes(prefixes)).toEqual({ before: { kind: 'none' }, prefixes });
    expect(splitPrefixes(Truncators.compose(Truncators.minLength(2), prefixes))).toEqual({
      before: { kind: 'compose', steps: [{ kind: 'minLength', n: 2 }] },
      prefixes,
    });
    expect(splitPrefixes(Truncators.firstN(3))).toEqual({ before: Truncators.firstN(3), prefixes: null });
  });

  it('SessionFlattener.flatten(log, { truncation }) and flattenTruncated apply the steps before, then expand', () => {
    const log = makeLog(generateEvents({ seed: 31, sessions: 120 }));
    const flattener = new SessionFlattener({ vocabulary: ActionVocabulary.fromLogs(log) });
    const spec = Truncators.compose(Truncators.minLength(3), Truncators.prefixes({ min: 2, max: 6 }));
    const frame = flattener.flatten(log, { truncation: spec });
    const expected = flattenPrefixes(truncateLog(log, Truncators.minLength(3)), flattener.toSchema(), {
      min: 2,
      max: 6,
    }).frame;
    expect(frame.toRows()).toEqual(expected.toRows());
    expect(flattenTruncated(log, flattener.toSchema(), spec).frame.toRows()).toEqual(expected.toRows());
    const custom = flattener.flatten(log, {
      truncation: Truncators.minLength(3),
      prefixes: { max: 6, min: 2, weight: () => 2 },
    });
    expect(new Set(custom.numbers(WEIGHT_COLUMN))).toEqual(new Set([2]));
    expect(() => flattener.flatten(log, { truncation: spec, prefixes: { max: 3 } })).toThrow(InvalidArgumentError);
    expect(flattener.flatten(log, { truncation: Truncators.firstN(4) }).toRows()).toEqual(
      flattener.flatten(truncateLog(log, Truncators.firstN(4))).toRows(),
    );
  });

  it('prepareJobs and prepareTestJobs give a prefixes job one row per prefix, next to ordinary jobs', () => {
    const log = makeLog(generateEvents({ seed: 32, sessions: 80 }));
    const flattener = new SessionFlattener({ vocabulary: ActionVocabulary.fromLogs(log) });
    const jobs = [
      { name: 'whole', truncation: Truncators.none() },
      { name: 'live', truncation: Truncators.prefixes({ max: 10 }) },
    ];
    const frames = prepareJobs(log, jobs, flattener);
    expect(frames.get('whole')!.rowCount).toBe(log.sessionCount);
    expect(frames.get('live')!.toRows()).toEqual(
      flattenPrefixes(log, flattener.toSchema(), { max: 10 }).frame.toRows(),
    );
    expect(prepareTestJobs(log, jobs, flattener).get('live')!.rowCount).toBe(frames.get('live')!.rowCount);
    expect(truncateLike(jobs[1]!, log)).toBe(log);
  });
});
