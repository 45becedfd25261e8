import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import type { Frame } from '../../src/frame/frame.js';
import { ActionVocabulary } from '../../src/sessions/action-vocabulary.js';
import { type FeatureSchema, featureNamesOf } from '../../src/sessions/feature-schema.js';
import {
  EventOrderError,
  FeatureSchemaError,
  MissingTimesError,
  NotFittedError,
} from '../../src/sessions/session-errors.js';
import { SessionFlattener } from '../../src/sessions/session-flattener.js';
import { TIMING_FEATURES } from '../../src/sessions/timing-features.js';
import type { Truncation } from '../../src/sessions/truncation.js';
import { Truncators } from '../../src/sessions/truncators.js';
import { generateEvents as generateSynthetic } from '../../src/synth/generate-events.js';
import { syntheticEventLog } from '../../src/synth/synthetic-log.js';
import { type TestEvent, generateEvents, makeLog } from './make-log.js';
import { referenceBigrams, referenceFeatures, referenceTiming } from './reference-features.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const trainEvents = generateEvents({ seed: 101, sessions: 1200 });
const train = makeLog(trainEvents);
const shuffledTrain = makeLog(trainEvents, { shuffledStorage: true, seed: 3 });
const vocabulary = ActionVocabulary.fromLogs(train);

function columnsOf(frame: Frame, names: readonly string[]): Map<string, number[]> {
  return new Map(names.map((name) => [name, Array.from(frame.numbers(name))]));
}

describe('SessionFlattener', () => {
  const truncations: [string, Truncation][] = [
    ['whole sessions', Truncators.none()],
    ['dropPercent(0.2)', Truncators.dropPercent(0.2, { seed: 8 })],
    ['firstN(5)', Truncators.firstN(5)],
    ['lastN(10)', Truncators.lastN(10)],
    ['middleN(3)', Truncators.middleN(3)],
    ['dropPercent(1) (empty sessions)', Truncators.dropPercent(1, { seed: 8 })],
  ];

  describe.each([
    ['stored in session order', train],
    ['stored shuffled behind an eventIndex', shuffledTrain],
  ])('on a generated log %s', (_, log) => {
    it.each(truncations)(
      'writes counts, other_actions and timing equal (exactly) to the obvious reference for %s',
      (_, truncation) => {
        const flattener = new SessionFlattener({ vocabulary });
        const truncated = Truncators.apply(log, truncation);
        const frame = flattener.flatten(truncated);
        const expected = referenceFeatures(truncated, {
          vocabulary: vocabulary.codes,
          counts: true,
          timing: true,
          bigrams: false,
          shares: false,
        });
        expect([...expected.keys()]).toEqual(flattener.featureNames);
        expect(columnsOf(frame, flattener.featureNames)).toEqual(expected);
        expect(frame.strings('SessionNo')).toEqual(truncated.sessionIds);
        expect(Array.from(frame.numbers('BadActor'))).toEqual(Array.from(truncated.labels));
      },
    );

    it('learns the top-K bigrams like the reference and counts them, with shares, exactly', () => {
      const flattener = new SessionFlattener({
        vocabulary,
        features: { counts: true, timing: false, bigrams: { topK: 25 }, shares: true },
      }).fit(log);
      const bigrams = referenceBigrams(log, vocabulary.codes, 25);
      expect(flattener.toSchema().bigrams).toEqual(bigrams);
      const truncated = Truncators.apply(log, Truncators.lastN(7));
      const frame = flattener.flatten(truncated);
      const expected = referenceFeatures(truncated, {
        vocabulary: vocabulary.codes,
        counts: true,
        timing: false,
        bigrams,
        shares: true,
      });
      expect([...expected.keys()]).toEqual(flattener.featureNames);
      expect(columnsOf(frame, flattener.featureNames)).toEqual(expected);
    });
  });

  it('matches the reference on a log of the synthetic generator (attackers and users, events stored in time order), whole and cut to first 10', () => {
    const log = syntheticEventLog(generateSynthetic({ seed: 5, sessions: 1500 }));
    const flattener = new SessionFlattener({
      vocabulary: ActionVocabulary.fromLogs(log),
      features: { bigrams: { topK: 30 }, shares: true },
    }).fit(log);
    const bigrams = flattener.toSchema().bigrams;
    expect(bigrams).toEqual(referenceBigrams(log, flattener.vocabulary.codes, 30));
    expect(log.positiveCount).toBeGreaterThan(0);
    for (const cut of [log, Truncators.apply(log, Truncators.firstN(10))]) {
      const expected = referenceFeatures(cut, {
        vocabulary: flattener.vocabulary.codes,
        counts: true,
        timing: true,
        bigrams,
        shares: true,
      });
      expect(columnsOf(flattener.flatten(cut), flattener.featureNames)).toEqual(expected);
    }
  });

  it('counts bigrams of a vocabulary too large for a dense pair table (2,100 codes) like the reference', () => {
    const big = ActionVocabulary.fromCodes([
      ...vocabulary.codes,
      ...Array.from({ length: 2100 - vocabulary.size }, (_, i) => `X${i}`),
    ]);
    const flattener = new SessionFlattener({
      vocabulary: big,
      features: { counts: false, timing: false, bigrams: { topK: 12 } },
    }).fit(train);
    const bigrams = referenceBigrams(train, big.codes, 12);
    expect(flattener.toSchema().bigrams).toEqual(bigrams);
    const expected = referenceFeatures(train, {
      vocabulary: big.codes,
      counts: false,
      timing: false,
      bigrams,
      shares: false,
    });
    expect(columnsOf(flattener.flatten(train), flattener.featureNames)).toEqual(expected);
  });

  it('writes shares alone (without count columns) equal to the reference', () => {
    const flattener = new SessionFlattener({ vocabulary, features: { counts: false, timing: false, shares: true } });
    const frame = flattener.flatten(train);
    const expected = referenceFeatures(train, {
      vocabulary: vocabulary.codes,
      counts: false,
      timing: false,
      bigrams: false,
      shares: true,
    });
    expect(columnsOf(frame, flattener.featureNames)).toEqual(expected);
  });

  it('orders columns as documented: id, label, counts in vocabulary order, other_actions, timing, bigrams, shares', () => {
    const v = ActionVocabulary.fromCodes(['201', '111', '1000']);
    const log = makeLog([
      { session: 'a', action: '111', time: 0 },
      { session: 'a', action: '201', time: 10 },
    ]);
    const flattener = new SessionFlattener({ vocabulary: v, features: { bigrams: { topK: 5 }, shares: true } }).fit(
      log,
    );
    expect(flattener.flatten(log).columnNames).toEqual([
      'SessionNo',
      'BadActor',
      '111',
      '201',
      '1000',
      'other_actions',
      ...TIMING_FEATURES,
      '111>201',
      'share_111',
      'share_201',
      'share_1000',
    ]);
  });

  it('defines timing features of one-event, zero-duration and empty sessions without NaN', () => {
    const log = makeLog([
      { session: 'one', action: '1', time: 5000 },
      { session: 'burst', action: '1', time: 7000 },
      { session: 'burst', action: '1', time: 7000 },
      { session: 'burst', action: '1', time: 7000 },
      { session: 'gaps', action: '1', time: 0 },
      { session: 'gaps', action: '1', time: 500 },
      { session: 'gaps', action: '1', time: 2500 },
    ]);
    const frame = new SessionFlattener({ vocabulary: ['1'] }).flatten(log);
    const rows = frame.toRows().map((row) => TIMING_FEATURES.map((name) => row[name]));
    // By the documented definitions: no gap → gap features 0 and events_per_minute = 60 · n / max(duration, 1 s).
    expect(rows[0]).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 60]);
    expect(rows[1]).toEqual([3, 0, 0, 0, 0, 0, 0, 0, 1, 180]);
    // Gaps 0.5 s and 2 s: mean 1.25, population std 0.75, cv 0.6, one gap of two under 1 s, 3 events in 2.5 s.
    expect(rows[2]).toEqual([3, 2.5, 1.25, 1.25, 0.5, 2, 0.75, 0.6, 0.5, 72]);
    const empty = new SessionFlattener({ vocabulary: ['1'] }).flatten(
      Truncators.apply(log, Truncators.dropPercent(1, { seed: 0 })),
    );
    expect(empty.rowCount).toBe(3);
    for (const name of empty.columnNames.slice(2)) expect(Array.from(empty.numbers(name))).toEqual([0, 0, 0]);
    expect(referenceTiming([])).toEqual(Object.fromEntries(TIMING_FEATURES.map((n) => [n, 0])));
  });

  it('counts codes the vocabulary lacks in other_actions and reports them per call, without crashing', () => {
    const scoring = makeLog([
      { session: 'x', action: '101', time: 0 },
      { session: 'x', action: '999', time: 1 },
      { session: 'x', action: '999', time: 2 },
      { session: 'y', action: '888', time: 0 },
      { session: 'z', action: '101', time: 0 },
    ]);
    const flattener = new SessionFlattener({ vocabulary, features: { bigrams: false } });
    expect(flattener.lastReport).toBeNull();
    const { frame, unseen } = flattener.flattenWithReport(scoring);
    expect(Array.from(frame.numbers('other_actions'))).toEqual([2, 1, 0]);
    expect(Array.from(frame.numbers('101'))).toEqual([1, 0, 1]);
    expect(unseen).toEqual({ events: 3, sessions: 2, byCode: { '999': 2, '888': 1 } });
    expect(flattener.lastReport).toEqual(unseen);
    flattener.flatten(train);
    expect(flattener.lastReport).toEqual({ events: 0, sessions: 0, byCode: {} });
  });

  it('round-trips its schema through JSON and rebuilds identical columns', () => {
    const flattener = new SessionFlattener({
      vocabulary,
      features: { bigrams: { topK: 10 }, shares: true },
      idColumn: 'id',
      labelColumn: 'y',
    }).fit(train);
    const json = JSON.parse(JSON.stringify(flattener)) as FeatureSchema;
    expect(json.version).toBe(1);
    expect(json.vocabulary).toEqual(vocabulary.codes);
    // Counts (vocabulary, then other_actions), the ten timing features, the learned bigrams, the shares.
    const timing = [
      'event_count',
      'duration_s',
      'gap_mean_s',
      'gap_median_s',
      'gap_min_s',
      'gap_max_s',
      'gap_std_s',
      'gap_cv',
      'share_gaps_under_1s',
      'events_per_minute',
    ];
    expect(json.bigrams).toHaveLength(10);
    expect(json.featureNames).toEqual([
      ...vocabulary.codes,
      'other_actions',
      ...timing,
      ...json.bigrams.map(([a, b]) => `${a}>${b}`),
      ...vocabulary.codes.map((code) => `share_${code}`),
    ]);
    const scorer = SessionFlattener.fromSchema(json);
    expect(scorer.isFitted).toBe(true);
    expect(scorer.featureNames).toEqual(flattener.featureNames);
    const test = makeLog(generateEvents({ seed: 102, sessions: 200, codes: 40 }));
    expect(scorer.flatten(test).toRows()).toEqual(flattener.flatten(test).toRows());
  });

  it.each([
    [
      'a wrong version',
      (s: Record<string, unknown>) => ({ ...s, version: 2 }),
      /feature schema: version must be 1, got 2/,
    ],
    [
      'renamed feature names',
      (s: Record<string, unknown>) => ({ ...s, featureNames: ['x', ...(s.featureNames as string[]).slice(1)] }),
      /featureNames do not match .* at 0: expected "101", got "x"/,
    ],
    [
      'a bigram outside the vocabulary',
      (s: Record<string, unknown>) => ({ ...s, bigrams: [['101', 'nope']] }),
      /bigrams\[0\] must be a pair of vocabulary codes/,
    ],
    [
      'more bigrams than topK',
      (s: Record<string, unknown>) => ({ ...s, features: { ...(s.features as object), bigrams: { topK: 1 } } }),
      /bigrams has 3 pairs \(expected at most 1/,
    ],
    [
      'a non-boolean group',
      (s: Record<string, unknown>) => ({ ...s, features: { ...(s.features as object), timing: 'yes' } }),
      /features.timing must be true or false, got "yes"/,
    ],
    [
      'an unsorted vocabulary',
      (s: Record<string, unknown>) => ({ ...s, vocabulary: [...(s.vocabulary as string[])].reverse() }),
      /vocabulary\[1\] must come after/,
    ],
  ])('rejects a schema with %s as a FeatureSchemaError', (_, mutate, message) => {
    const schema = new SessionFlattener({ vocabulary, features: { bigrams: { topK: 3 } } }).fit(train).toSchema();
    const bad = mutate(JSON.parse(JSON.stringify(schema)) as Record<string, unknown>);
    expect(() => SessionFlattener.fromSchema(bad)).toThrow(FeatureSchemaError);
    expect(() => SessionFlattener.fromSchema(bad)).toThrow(message);
  });

  it('learns its vocabulary in fit when none is given, and refuses to flatten before', () => {
    const flattener = new SessionFlattener({ features: { timing: false } });
    expect(flattener.isFitted).toBe(false);
    expect(() => flattener.flatten(train)).toThrow(NotFittedError);
    expect(() => flattener.featureNames).toThrow(/has not learned its action vocabulary/);
    flattener.fit(train);
    expect(flattener.vocabulary.codes).toEqual(vocabulary.codes);
    const withBigrams = new SessionFlattener({ vocabulary, features: { bigrams: { topK: 4 } } });
    expect(() => withBigrams.flatten(train)).toThrow(/has not learned its top-4 bigrams/);
  });

  it('errors clearly when timing is asked of a log without times, and flattens it with timing off', () => {
    const noTimes = makeLog(generateEvents({ seed: 5, sessions: 50, withTimes: false }));
    expect(() => new SessionFlattener({ vocabulary }).flatten(noTimes)).toThrow(MissingTimesError);
    expect(() => new SessionFlattener({ vocabulary }).flatten(noTimes)).toThrow(
      /no event times.*features: \{ timing: false \}/,
    );
    const frame = new SessionFlattener({ vocabulary, features: { timing: false } }).flatten(noTimes);
    expect(frame.columnNames).not.toContain('event_count');
  });

  it('refuses sessions whose times go backwards or are not finite, naming the session and event', () => {
    const base = makeLog([
      { session: 'a', action: '101', time: 1000 },
      { session: 'a', action: '101', time: 2000 },
      { session: 'a', action: '101', time: 3000 },
    ]);
    const backwards = base.withSessions({
      sessionIds: base.sessionIds,
      labels: base.labels,
      offsets: base.offsets,
      eventIndex: Uint32Array.from([0, 2, 1]),
    });
    expect(() => new SessionFlattener({ vocabulary }).flatten(backwards)).toThrow(EventOrderError);
    expect(() => new SessionFlattener({ vocabulary }).flatten(backwards)).toThrow(
      /session "a" event 2 is at 2000 ms, before the previous event at 3000 ms/,
    );
    const nan = makeLog([{ session: 'b', action: '101', time: Number.NaN }]);
    expect(() => new SessionFlattener({ vocabulary }).flatten(nan)).toThrow(/session "b" event 0 has the time NaN/);
  });

  it('rejects clashing column names and bad options with typed errors', () => {
    expect(() => new SessionFlattener({ vocabulary: ['101', 'event_count'] })).toThrow(
      /the column "event_count" twice/,
    );
    expect(() => new SessionFlattener({ vocabulary: ['BadActor'] })).toThrow(FeatureSchemaError);
    expect(() => new SessionFlattener({ features: { counts: false, timing: false } })).toThrow(
      /at least one feature group/,
    );
    expect(() => new SessionFlattener({ features: { bigrams: { topK: 0 } } })).toThrow(InvalidArgumentError);
    expect(() => new SessionFlattener({ idColumn: '' })).toThrow(/idColumn must be a non-empty column name/);
  });

  const hdfs = path.resolve(repoRoot, '../shared/data/hdfs100k/hdfs100k_events_long.csv');
  it.skipIf(!existsSync(hdfs))(
    'flattens the real HDFS_100k log (no times) into the 7,940 blocks and 17 distinct count vectors its README reports (skipped when ../shared/data is absent)',
    () => {
      const lines = readFileSync(hdfs, 'utf8')
        .split('\n')
        .slice(1)
        .filter((l) => l.length > 0);
      const events: TestEvent[] = lines.map((line) => {
        const [block, , eventId] = line.split(',', 3);
        return { session: block!, action: eventId!, label: Number(line.slice(line.lastIndexOf(',') + 1)) };
      });
      const log = makeLog(events);
      const flattener = new SessionFlattener({ features: { timing: false } }).fit(log);
      const frame = flattener.flatten(log);
      expect(frame.rowCount).toBe(7940);
      expect(flattener.vocabulary.size).toBe(19);
      expect(log.eventCount).toBe(104_815);
      expect(log.positiveCount).toBe(313);
      const { data, columns } = frame.toMatrix(flattener.featureNames);
      const vectors = new Set<string>();
      for (let r = 0; r < frame.rowCount; r++)
        vectors.add(Array.from(data.subarray(r * columns, (r + 1) * columns)).join(','));
      expect(vectors.size).toBe(17);
      expect(() => new SessionFlattener({ vocabulary: flattener.vocabulary }).flatten(log)).toThrow(MissingTimesError);
    },
  );
});

describe('featureNamesOf', () => {
  it('orders the columns counts, other_actions, timing, bigrams (a>b), shares, each group only when on', () => {
    expect(
      featureNamesOf(['111', '201'], { counts: true, timing: false, bigrams: { topK: 1 }, shares: true }, [
        ['111', '201'],
      ]),
    ).toEqual(['111', '201', 'other_actions', '111>201', 'share_111', 'share_201']);
    expect(featureNamesOf(['7'], { counts: false, timing: true, bigrams: false, shares: false }, [['7', '7']])).toEqual(
      [
        'event_count',
        'duration_s',
        'gap_mean_s',
        'gap_median_s',
        'gap_min_s',
        'gap_max_s',
        'gap_std_s',
        'gap_cv',
        'share_gaps_under_1s',
        'events_per_minute',
      ],
    );
  });
});
