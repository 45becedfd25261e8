import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { ActionVocabulary } from '../../src/sessions/action-vocabulary.js';
import { JOB_GRID, ORIGINAL_JOB_NAMES, standardJobs } from '../../src/sessions/job-grid.js';
import { prepareJobs, prepareTestJobs, truncateLike } from '../../src/sessions/prepare-jobs.js';
import { SessionFlattener } from '../../src/sessions/session-flattener.js';
import { Truncators } from '../../src/sessions/truncators.js';
import { generateEvents, makeLog } from './make-log.js';
import { referenceFeatures } from './reference-features.js';

const train = makeLog(generateEvents({ seed: 31, sessions: 600 }));
const testEvents = generateEvents({ seed: 32, sessions: 300, codes: 39 });
const test = makeLog(testEvents);
const vocabulary = ActionVocabulary.fromLogs(train);

describe('job grid', () => {
  it("names the user's six variants and the planned ones, with their truncations", () => {
    expect(JOB_GRID.map((j) => j.name)).toEqual([
      'drop0',
      'drop20',
      'drop40',
      'drop60',
      'first5',
      'first10',
      'first20',
      'last5',
      'last10',
      'last20',
      'middle10',
      'firstPct25',
      'firstPct50',
      'min10first10',
      'min10last10',
    ]);
    const byName = new Map(JOB_GRID.map((j) => [j.name, j.truncation]));
    expect(byName.get('drop0')).toEqual({ kind: 'none' });
    expect(byName.get('drop20')).toEqual({ kind: 'dropPercent', p: 0.2, seed: 0 });
    expect(byName.get('last10')).toEqual({ kind: 'lastN', n: 10 });
    expect(byName.get('min10first10')).toEqual({
      kind: 'compose',
      steps: [
        { kind: 'minLength', n: 10 },
        { kind: 'firstN', n: 10 },
      ],
    });
  });

  it('picks jobs by name in the order given, seeds dropPercent jobs, and rejects unknown names', () => {
    expect(standardJobs({ names: ORIGINAL_JOB_NAMES }).map((j) => j.name)).toEqual([...ORIGINAL_JOB_NAMES]);
    expect(standardJobs({ seed: 9, names: ['drop40'] })[0]!.truncation).toEqual({
      kind: 'dropPercent',
      p: 0.4,
      seed: 9,
    });
    expect(() => standardJobs({ names: ['first7'] })).toThrow(InvalidArgumentError);
    expect(() => standardJobs({ names: ['first7'] })).toThrow(/names\[0\] must be one of drop0, drop20/);
  });
});

describe('prepareJobs', () => {
  it('returns one feature frame per job, in job order, each equal to the reference on the truncated log', () => {
    const jobs = standardJobs({ names: ORIGINAL_JOB_NAMES, seed: 4 });
    const flattener = new SessionFlattener({ vocabulary });
    const frames = prepareJobs(train, jobs, flattener);
    expect([...frames.keys()]).toEqual([...ORIGINAL_JOB_NAMES]);
    for (const job of jobs) {
      const frame = frames.get(job.name)!;
      expect(frame.columnNames.slice(2)).toEqual(flattener.featureNames);
      const expected = referenceFeatures(Truncators.apply(train, job.truncation), {
        vocabulary: vocabulary.codes,
        counts: true,
        timing: true,
        bigrams: false,
        shares: false,
      });
      for (const [name, values] of expected) expect(Array.from(frame.numbers(name))).toEqual(values);
    }
    expect(Math.max(...frames.get('first5')!.numbers('event_count'))).toBe(5);
  });

  it('drops the short sessions of minLength jobs', () => {
    const frames = prepareJobs(train, standardJobs({ names: ['min10first10'] }), new SessionFlattener({ vocabulary }));
    const lengths = train.sessionIds.map((_, s) => train.sessionLength(s));
    expect(frames.get('min10first10')!.rowCount).toBe(lengths.filter((n) => n >= 10).length);
  });

  it('rejects duplicate job names and bad truncations before doing any work', () => {
    const flattener = new SessionFlattener({ vocabulary });
    const twice = [...standardJobs({ names: ['first5'] }), ...standardJobs({ names: ['first5'] })];
    expect(() => prepareJobs(train, twice, flattener)).toThrow(
      /prepareJobs: jobs\[1\].name must be a name no other job has, got "first5"/,
    );
    expect(() => prepareJobs(train, [{ name: 'bad', truncation: { kind: 'firstN', n: 0 } }], flattener)).toThrow(
      /jobs\[0\].truncation: firstN.n must be an integer ≥ 1, got 0/,
    );
  });
});

describe('honest partial-session evaluation', () => {
  it("truncateLike applies the job's truncation to the test log, as for training", () => {
    const [job] = standardJobs({ names: ['first10'] });
    const cut = truncateLike(job!, test);
    for (let s = 0; s < cut.sessionCount; s++) expect(cut.sessionLength(s)).toBe(Math.min(10, test.sessionLength(s)));
    expect(truncateLike(Truncators.lastN(2), test).eventCount).toBe(
      test.sessionIds.reduce((n, _, s) => n + Math.min(2, test.sessionLength(s)), 0),
    );
  });

  it("prepareTestJobs flattens each job's test data truncated the same way, with dropPercent chosen per (seed, session id)", () => {
    const jobs = standardJobs({ names: ['drop20', 'last5'], seed: 12 });
    const flattener = new SessionFlattener({ vocabulary });
    const frames = prepareTestJobs(test, jobs, flattener);
    for (const job of jobs) {
      const expected = referenceFeatures(Truncators.apply(test, job.truncation), {
        vocabulary: vocabulary.codes,
        counts: true,
        timing: true,
        bigrams: false,
        shares: false,
      });
      for (const [name, values] of expected) expect(Array.from(frames.get(job.name)!.numbers(name))).toEqual(values);
    }
    // A test session that also occurs in the training data loses the same events in both.
    const shared = makeLog([
      ...generateEvents({ seed: 31, sessions: 600 }).filter((e) => e.session === train.sessionIds[7]),
    ]);
    const inTrain = Truncators.apply(train, jobs[0]!.truncation);
    const inTest = truncateLike(jobs[0]!, shared);
    const s = train.sessionIds.indexOf(shared.sessionIds[0]!);
    const actions = (log: typeof train, k: number): string[] =>
      Array.from({ length: log.sessionLength(k) }, (_, i) => log.actionAt(log.offsets[k]! + i));
    expect(actions(inTest, 0)).toEqual(actions(inTrain, s));
  });

  it("reports the test data's unseen action codes per job", () => {
    const reports: [string, number][] = [];
    const unknownCodes = new Set(testEvents.map((e) => e.action).filter((a) => !vocabulary.has(a)));
    prepareTestJobs(test, standardJobs({ names: ['drop0', 'first5'] }), new SessionFlattener({ vocabulary }), {
      onReport: (job, u) => reports.push([job, u.events]),
    });
    expect(unknownCodes.size).toBeGreaterThan(0);
    expect(reports.map(([job]) => job)).toEqual(['drop0', 'first5']);
    expect(reports[0]![1]).toBe(testEvents.filter((e) => unknownCodes.has(e.action)).length);
  });
});
