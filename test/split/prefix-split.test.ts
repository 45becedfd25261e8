import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { ActionVocabulary } from '../../src/sessions/action-vocabulary.js';
import { PREFIX_LENGTH_COLUMN, WEIGHT_COLUMN } from '../../src/sessions/flatten-prefixes.js';
import { SessionFlattener } from '../../src/sessions/session-flattener.js';
import { Truncators } from '../../src/sessions/truncators.js';
import { featureColumns, FrameSplitter, NON_FEATURE_COLUMNS } from '../../src/split/frame-splitter.js';
import { generateEvents, makeLog } from '../sessions/make-log.js';

const log = makeLog(generateEvents({ seed: 41, sessions: 1200, attackerShare: 0.04 }));
const flattener = new SessionFlattener({ vocabulary: ActionVocabulary.fromLogs(log) });
const prefixes = flattener.flatten(log, { truncation: Truncators.prefixes({ max: 40 }) });
const splitter = new FrameSplitter({ label: 'BadActor', drop: ['SessionNo'] });

describe('Splitting a frame of session prefixes', () => {
  it('leaves prefix_length and weight out of the features by default, and keeps them in the parts', () => {
    expect(NON_FEATURE_COLUMNS).toEqual([PREFIX_LENGTH_COLUMN, WEIGHT_COLUMN]);
    expect(splitter.featureNames(prefixes)).toEqual(flattener.featureNames);
    expect(featureColumns(prefixes, { label: 'BadActor', drop: ['SessionNo'] })).toEqual(flattener.featureNames);
    const split = splitter.split(prefixes, { train: 0.7, validation: 0.15, test: 0.15, seed: 3, groupBy: 'SessionNo' });
    expect(split.featureNames).toEqual(flattener.featureNames);
    expect(split.drop).toEqual(['SessionNo', PREFIX_LENGTH_COLUMN, WEIGHT_COLUMN]);
    expect(split.train.columnNames).toContain(WEIGHT_COLUMN);
    expect(splitter.features(split.train).columnNames).toEqual(flattener.featureNames);
  });

  it('treats them as features when nonFeatures is []', () => {
    const all = new FrameSplitter({ label: 'BadActor', drop: ['SessionNo'], nonFeatures: [] });
    expect(all.featureNames(prefixes)).toEqual([PREFIX_LENGTH_COLUMN, WEIGHT_COLUMN, ...flattener.featureNames]);
  });

  it('refuses a shuffled split without groupBy, which would put prefixes of one session in two parts', () => {
    expect(() => splitter.split(prefixes, { train: 0.8, validation: 0.2, test: 0, seed: 1 })).toThrow(
      InvalidArgumentError,
    );
    expect(() => splitter.split(prefixes, { train: 0.8, validation: 0.2, test: 0, seed: 1 })).toThrow(
      /groupBy must be the session id column/,
    );
  });

  it('grouped by session id, keeps every prefix of a session in one part, stratified by the session label', () => {
    for (const seed of [1, 2, 3]) {
      const split = splitter.split(prefixes, { train: 0.7, validation: 0.15, test: 0.15, seed, groupBy: 'SessionNo' });
      expect(split.mode).toEqual({ kind: 'grouped', groupBy: 'SessionNo', stratified: true });
      const partOf = new Map<string, string>();
      const sessionsIn = { train: new Set<string>(), validation: new Set<string>(), test: new Set<string>() };
      const attackersIn = { train: new Set<string>(), validation: new Set<string>(), test: new Set<string>() };
      let rows = 0;
      for (const part of ['train', 'validation', 'test'] as const) {
        const frame = split[part];
        const ids = frame.strings('SessionNo');
        const labels = frame.numbers('BadActor');
        rows += frame.rowCount;
        ids.forEach((id, r) => {
          const seen = partOf.get(id!);
          if (seen !== undefined && seen !== part) throw new Error(`session ${id} is in ${seen} and ${part}`);
          partOf.set(id!, part);
          sessionsIn[part].add(id!);
          if (labels[r] === 1) attackersIn[part].add(id!);
        });
      }
      expect(rows).toBe(prefixes.rowCount);
      expect(partOf.size).toBe(log.sessionCount);
      // Attacker sessions are split as their own stratum: each part holds close to its fraction of them.
      const attackers = log.positiveCount;
      expect(attackers).toBeGreaterThan(30);
      const expected = { train: 0.7, validation: 0.15, test: 0.15 };
      for (const part of ['train', 'validation', 'test'] as const) {
        expect(attackersIn[part].size).toBeGreaterThan(0);
        // Within a few sessions of the fraction: the cut falls at the middle of a session's rows.
        expect(Math.abs(attackersIn[part].size - expected[part] * attackers)).toBeLessThan(0.06 * attackers + 2);
      }
    }
  });
});
