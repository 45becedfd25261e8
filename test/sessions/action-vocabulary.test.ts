import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { ActionVocabulary, compareActionCodes } from '../../src/sessions/action-vocabulary.js';
import { FeatureSchemaError } from '../../src/sessions/session-errors.js';
import { Truncators } from '../../src/sessions/truncators.js';
import { generateEvents, makeLog } from './make-log.js';

describe('ActionVocabulary', () => {
  it('holds the distinct codes of every given log in a stable order: decimal codes by value, then the rest by code units', () => {
    const a = makeLog([
      { session: 's1', action: '401', time: 1 },
      { session: 's1', action: '111', time: 2 },
      { session: 's2', action: 'E5', time: 1 },
    ]);
    const b = makeLog([
      { session: 't1', action: '12', time: 1 },
      { session: 't1', action: 'E10', time: 2 },
      { session: 't1', action: '012', time: 3 },
    ]);
    expect(ActionVocabulary.fromLogs([a, b]).codes).toEqual(['12', '111', '401', '012', 'E10', 'E5']);
    expect(ActionVocabulary.fromLogs([b, a]).codes).toEqual(ActionVocabulary.fromLogs([a, b]).codes);
  });

  it('sorts decimal codes numerically even beyond the safe-integer range', () => {
    const codes = ['90071992547409930', '90071992547409921', '9', '100'];
    expect([...codes].sort(compareActionCodes)).toEqual(['9', '100', '90071992547409921', '90071992547409930']);
  });

  it('counts only codes that occur in the sessions of a log, so a truncated log gives the codes it still holds', () => {
    const log = makeLog([
      { session: 's1', action: '101', time: 1 },
      { session: 's1', action: '999', time: 2 },
    ]);
    expect(ActionVocabulary.fromLogs(Truncators.apply(log, Truncators.firstN(1))).codes).toEqual(['101']);
  });

  it('agrees with a Set over every event of a generated log', () => {
    const events = generateEvents({ seed: 3, sessions: 400 });
    const expected = [...new Set(events.map((e) => e.action))].sort((x, y) => Number(x) - Number(y));
    expect(ActionVocabulary.fromLogs(makeLog(events)).codes).toEqual(expected);
  });

  it('maps a log dictionary to columns with -1 for codes it lacks, and answers indexOf/has', () => {
    const vocabulary = ActionVocabulary.fromCodes(['201', '111']);
    expect([...vocabulary.mapDictionary(['111', '999', '201'])]).toEqual([0, -1, 1]);
    expect(vocabulary.indexOf('201')).toBe(1);
    expect(vocabulary.has('999')).toBe(false);
    expect(vocabulary.union(ActionVocabulary.fromCodes(['5'])).codes).toEqual(['5', '111', '201']);
  });

  it('round-trips through JSON', () => {
    const vocabulary = ActionVocabulary.fromCodes(['401', '111', 'E7']);
    const back = ActionVocabulary.fromJSON(JSON.parse(JSON.stringify(vocabulary)));
    expect(back.codes).toEqual(['111', '401', 'E7']);
  });

  it('rejects malformed JSON and codes with typed errors naming the field', () => {
    expect(() => ActionVocabulary.fromJSON({ version: 2, codes: [] })).toThrow(FeatureSchemaError);
    expect(() => ActionVocabulary.fromJSON({ version: 1, codes: ['401', '111'] })).toThrow(
      /vocabulary.codes\[1\] must come after "401"/,
    );
    expect(() => ActionVocabulary.fromJSON({ version: 1, codes: ['1', 2] })).toThrow(
      /vocabulary.codes\[1\] must be a non-empty string, got 2/,
    );
    expect(() => ActionVocabulary.fromCodes(['111', ''])).toThrow(InvalidArgumentError);
    expect(() => ActionVocabulary.fromCodes(['111', ''])).toThrow(/codes\[1\] must be a non-empty string, got ""/);
  });
});
