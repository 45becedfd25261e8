import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { compileFeatureLayout, SessionState } from '../../src/serve/session-state.js';
import { actionGroupColumns, actionGroupNames, actionGroupOf } from '../../src/sessions/action-groups.js';
import { ActionVocabulary } from '../../src/sessions/action-vocabulary.js';
import { parseFeatureSchema } from '../../src/sessions/feature-schema.js';
import { FeatureSchemaError } from '../../src/sessions/session-errors.js';
import { SessionFlattener } from '../../src/sessions/session-flattener.js';
import { makeLog, plainSessions, type TestEvent } from './make-log.js';

/** A log of hierarchical codes; '407' and '702' are left out of the vocabulary below. */
const EVENTS: TestEvent[] = [
  { session: 'a', action: '111', time: 0 },
  { session: 'a', action: '201', time: 1000 },
  { session: 'a', action: '301', time: 2000 },
  { session: 'a', action: '401', time: 3000 },
  { session: 'a', action: '407', time: 4000 },
  { session: 'a', action: '407', time: 5000 },
  { session: 'b', action: '502', time: 100 },
  { session: 'b', action: '601', time: 200 },
  { session: 'b', action: '702', time: 300 },
  { session: 'c', action: '201', time: 50, label: 1 },
];
const log = makeLog(EVENTS);
const vocabulary = ActionVocabulary.fromCodes(['111', '201', '301', '401', '502', '601']);

/** The obvious reference: per session, events by first character of the code, and each count / length. */
function reference(groups: readonly string[], groupOf: (code: string) => string | null): number[][] {
  return plainSessions(log).map((s) => {
    const counts = groups.map((g) => s.actions.filter((a) => groupOf(a) === g).length);
    return [...counts, ...counts.map((c) => c / s.actions.length)];
  });
}

describe('action-group features', () => {
  it("group by the code's first digit by default: 1xx sign-in, 2xx search, 3xx view, 4xx download, 5xx account, 6xx other", () => {
    expect(actionGroupOf('401', 'firstDigit')).toBe('4');
    expect(actionGroupNames(vocabulary.codes, 'firstDigit')).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(actionGroupColumns(['407', '111', '702'], 'firstDigit', ['1', '4'])).toEqual(Int32Array.from([1, 0, -1]));
  });

  it('writes group_<g> counts (codes the vocabulary lacks included) and group_share_<g> after every other feature', () => {
    const flattener = new SessionFlattener({ vocabulary, features: { actionGroups: { by: 'firstDigit' } } });
    const frame = flattener.flatten(log);
    const groups = ['1', '2', '3', '4', '5', '6'];
    const names = [...groups.map((g) => `group_${g}`), ...groups.map((g) => `group_share_${g}`)];
    expect(flattener.featureNames.slice(-12)).toEqual(names);
    expect(flattener.toSchema().groups).toEqual(groups);
    const rows = [0, 1, 2].map((r) => names.map((n) => frame.number(n, r)));
    expect(rows).toEqual(reference(groups, (code) => code[0]!));
    // Session a downloads through 407, a code training never saw: the download group still counts it.
    expect(frame.number('group_4', 0)).toBe(3);
    expect(frame.number('other_actions', 0)).toBe(2);
  });

  it('takes an explicit code → group map; unlisted codes are in no group', () => {
    const by = { '401': 'download', '407': 'download', '201': 'search', '111': 'session' };
    const flattener = new SessionFlattener({
      vocabulary,
      features: { counts: false, timing: false, actionGroups: { by } },
    });
    expect(flattener.featureNames).toEqual([
      'group_download',
      'group_search',
      'group_session',
      'group_share_download',
      'group_share_search',
      'group_share_session',
    ]);
    const frame = flattener.flatten(log);
    const rows = [0, 1, 2].map((r) => flattener.featureNames.map((n) => frame.number(n, r)));
    expect(rows).toEqual(
      reference(['download', 'search', 'session'], (code) => (by as Record<string, string>)[code] ?? null),
    );
  });

  it('the live SessionState counts the same groups, unseen codes included, through layout.columnOf', () => {
    const schema = new SessionFlattener({ vocabulary, features: { actionGroups: { by: 'firstDigit' } } }).toSchema();
    const frame = SessionFlattener.fromSchema(schema).flatten(log);
    const layout = compileFeatureLayout(schema);
    expect(layout.columnOf('407')).toBe(-2 - 3); // group '4' is the fourth group
    expect(layout.columnOf('702')).toBe(-1); // no group '7' in the schema
    plainSessions(log).forEach((session, s) => {
      const state = new SessionState(session.id, layout);
      session.actions.forEach((action, i) => state.add(layout.columnOf(action), session.times[i]!));
      expect(Array.from(state.row)).toEqual(schema.featureNames.map((n) => frame.number(n, s)));
    });
  });

  it('travels in the schema JSON and is checked when read; schemas without it read as before', () => {
    const schema = new SessionFlattener({ vocabulary, features: { actionGroups: { by: 'firstDigit' } } }).toSchema();
    const json = JSON.parse(JSON.stringify(schema));
    expect(json.features.actionGroups).toEqual({ by: 'firstDigit' });
    expect(parseFeatureSchema(json)).toEqual(schema);
    expect(() => parseFeatureSchema({ ...json, groups: ['1', '2'] })).toThrow(FeatureSchemaError);
    expect(() => parseFeatureSchema({ ...json, features: { ...json.features, actionGroups: { by: 7 } } })).toThrow(
      /features.actionGroups must be false or/,
    );
    const plain = new SessionFlattener({ vocabulary }).toSchema();
    expect('actionGroups' in plain.features).toBe(false);
    expect('groups' in plain).toBe(false);
    expect(() => parseFeatureSchema({ ...JSON.parse(JSON.stringify(plain)), groups: ['1'] })).toThrow(
      FeatureSchemaError,
    );
  });

  it('treats a code named "__proto__" in a mapping read from JSON as an ordinary code', () => {
    const by = JSON.parse('{"__proto__": "odd", "401": "download"}') as Record<string, string>;
    const flattener = new SessionFlattener({
      vocabulary,
      features: { counts: false, timing: false, actionGroups: { by } },
    });
    expect(flattener.toSchema().groups).toEqual(['download', 'odd']);
    const stored = flattener.toSchema().features.actionGroups as { by: Record<string, string> };
    expect(actionGroupOf('__proto__', stored.by)).toBe('odd');
    expect(parseFeatureSchema(JSON.parse(JSON.stringify(flattener.toSchema())))).toEqual(flattener.toSchema());
  });

  it('rejects a malformed mapping, naming it', () => {
    expect(
      () => new SessionFlattener({ vocabulary, features: { actionGroups: { by: 'lastDigit' as never } } }),
    ).toThrow(InvalidArgumentError);
    expect(() => new SessionFlattener({ vocabulary, features: { actionGroups: { by: { '401': '' } } } })).toThrow(
      /features.actionGroups.by\["401"\] must be a non-empty group name/,
    );
    expect(() => new SessionFlattener({ vocabulary, features: { actionGroups: { by: {} } } })).toThrow(
      /a mapping of at least one code/,
    );
  });
});
