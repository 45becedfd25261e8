import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { parseEventLog } from '../../src/events/read-event-log.js';
import { selectSessions } from '../../src/sessions/select-sessions.js';

const TSV = `SessionNo\tLogTime\tCustID\tGroupID\tProfID\tAct\tBadActor
a\t2019-07-01 00:00:00.000\t1\t1\t1\t111\t0
a\t2019-07-01 00:00:01.000\t1\t1\t1\t201\t0
b\t2019-07-01 00:00:02.000\t2\t2\t2\t111\t1
c\t2019-07-01 00:00:03.000\t3\t3\t3\t401\t0
c\t2019-07-01 00:00:04.000\t3\t3\t3\t402\t0
c\t2019-07-01 00:00:05.000\t3\t3\t3\t403\t0
`;

describe('selectSessions', () => {
  it('keeps the chosen sessions, in the order given, with their labels and events', async () => {
    const log = await parseEventLog(TSV);
    const picked = selectSessions(log, [2, 0]);
    expect(picked.sessionIds).toEqual(['c', 'a']);
    expect(Array.from(picked.labels)).toEqual([0, 0]);
    expect(Array.from(picked.offsets)).toEqual([0, 3, 5]);
    const acts = Array.from({ length: picked.eventCount }, (_, p) => picked.actionAt(p));
    expect(acts).toEqual(['401', '402', '403', '111', '201']);
  });

  it('rejects an index outside the log', async () => {
    const log = await parseEventLog(TSV);
    expect(() => selectSessions(log, [3])).toThrow(InvalidArgumentError);
    expect(() => selectSessions(log, [-1])).toThrow(/indices\[0\]/);
  });
});
