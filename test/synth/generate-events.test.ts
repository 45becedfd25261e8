import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { parseEventLog, readEventLog } from '../../src/events/read-event-log.js';
import { ACTION_CODES } from '../../src/synth/action-codes.js';
import { generateEvents } from '../../src/synth/generate-events.js';
import { generateLogs } from '../../src/synth/generate-logs.js';
import { formatLogTime, formatLogTsv, syntheticEventLog } from '../../src/synth/synthetic-log.js';

describe('generateEvents: a log of a chosen size', () => {
  const big = generateEvents({ seed: 11 });

  it('defaults to the flattening benchmark size: ~256K events, ~24K sessions, 37+ action codes', () => {
    expect(big.eventCount).toBeGreaterThanOrEqual(256_000);
    expect(big.eventCount).toBeLessThan(256_000 * 1.01);
    expect(big.sessionCount).toBeGreaterThan(20_000);
    expect(big.sessionCount).toBeLessThan(28_000);
    expect(new Set(big.eventAction).size).toBeGreaterThanOrEqual(37);
  });

  it('keeps attacker events near attackerEventShare (default 0.24) at any size', () => {
    let attacker = 0;
    for (let i = 0; i < big.eventCount; i++) attacker += big.sessionLabel[big.eventSession[i]!]!;
    expect(Math.abs(attacker / big.eventCount - 0.24)).toBeLessThan(0.01);
    const small = generateEvents({ seed: 11, sessions: 2_000, attackerEventShare: 0.05 });
    expect(small.sessionCount).toBe(2_000);
    let smallAttacker = 0;
    for (let i = 0; i < small.eventCount; i++) smallAttacker += small.sessionLabel[small.eventSession[i]!]!;
    expect(Math.abs(smallAttacker / small.eventCount - 0.05)).toBeLessThan(0.02);
    const clean = generateEvents({ seed: 11, sessions: 500, attackerEventShare: 0 });
    expect(clean.sessionLabel.every((l) => l === 0)).toBe(true);
  });

  it('orders events by time and numbers sessions by their first event', () => {
    let unsorted = 0;
    for (let i = 1; i < big.eventCount; i++) if (big.eventTime[i - 1]! > big.eventTime[i]!) unsorted++;
    expect(unsorted).toBe(0);
    const firstSeen = new Int32Array(big.sessionCount).fill(-1);
    let order = 0;
    let outOfOrder = 0;
    for (let i = 0; i < big.eventCount; i++) {
      const s = big.eventSession[i]!;
      if (firstSeen[s] === -1) {
        firstSeen[s] = order++;
        if (s !== firstSeen[s]) outOfOrder++;
      }
    }
    expect(outOfOrder).toBe(0);
    let increasing = true;
    for (let s = 1; s < big.sessionCount; s++) if (!(big.sessionNo[s]! > big.sessionNo[s - 1]!)) increasing = false;
    expect(increasing).toBe(true);
  });

  it('is deterministic for a seed and follows the profile mix it is given', () => {
    const a = formatLogTsv(generateEvents({ seed: 5, sessions: 300 }));
    expect(formatLogTsv(generateEvents({ seed: 5, sessions: 300 })) === a).toBe(true);
    expect(formatLogTsv(generateEvents({ seed: 6, sessions: 300 })) === a).toBe(false);
    const admins = generateEvents({ seed: 5, sessions: 300, userProfiles: { admin: 1 }, attackerEventShare: 0 });
    const adminCodes = new Set(['601', '602', '603', '604', '605']);
    let adminEvents = 0;
    for (let i = 0; i < admins.eventCount; i++)
      if (adminCodes.has(ACTION_CODES[admins.eventAction[i]!]!)) adminEvents++;
    expect(adminEvents / admins.eventCount).toBeGreaterThan(0.4);
  });

  it('starts at the given time and spreads sessions over the given hours', () => {
    const log = generateEvents({ seed: 5, sessions: 500, start: '2020-02-29 06:00', hours: 2 });
    expect(formatLogTime(log.eventTime[0]!) >= '2020-02-29 06:00:00.000').toBe(true);
    expect(formatLogTime(log.eventTime[0]!) < '2020-02-29 06:10:00.000').toBe(true);
    // Sessions start within the two hours (they may run a little past the end).
    expect(formatLogTime(log.eventTime[log.eventCount - 1]!) < '2020-02-29 12:00:00.000').toBe(true);
  });

  it('rejects bad options with a typed error naming the option, the value and what was expected', () => {
    expect(() => generateEvents({ seed: 1, events: 0 })).toThrow(
      /generateEvents: events must be an integer ≥ 1, got 0/,
    );
    expect(() => generateEvents({ seed: 1, sessions: 2.5 })).toThrow(/sessions must be an integer ≥ 1, got 2\.5/);
    expect(() => generateEvents({ seed: 1, attackerEventShare: 1 })).toThrow(
      /attackerEventShare must be a number in \[0, 1\), got 1/,
    );
    expect(() => generateEvents({ seed: 1, userProfiles: { hacker: 1 } as never })).toThrow(
      /userProfiles\.hacker must be one of researcher, skimmer/,
    );
    expect(() => generateEvents({ seed: 1, attackerStyles: { 'bulk-harvester': 0 } })).toThrow(
      /attackerStyles must be at least one positive share/,
    );
    expect(() => generateEvents({ seed: 1, start: '2019-02-30' })).toThrow(InvalidArgumentError);
    expect(() => generateEvents({ seed: 1, start: 'yesterday' })).toThrow(
      /start must be epoch milliseconds or a UTC time like '2019-07-01 08:00:00' \(years 1970–9998\), got "yesterday"/,
    );
    expect(() => generateEvents({ seed: 1, start: -1 })).toThrow(/start must be epoch milliseconds.*got -1/);
  });
});

describe('generated logs read back with readEventLog', () => {
  it("syntheticEventLog equals what parseEventLog reads from the same log's TSV", () => {
    const log = generateEvents({ seed: 21, sessions: 3_000 });
    const direct = syntheticEventLog(log, 'synthetic.txt');
    const read = parseEventLog({ text: formatLogTsv(log), name: 'synthetic.txt' });
    expect(read.sessionIds).toEqual(direct.sessionIds);
    expect(Array.from(read.labels)).toEqual(Array.from(direct.labels));
    expect(Array.from(read.offsets)).toEqual(Array.from(direct.offsets));
    const readActions: string[] = [];
    const directActions: string[] = [];
    const readTimes: number[] = [];
    const directTimes: number[] = [];
    const readCust: (string | null)[] = [];
    const directCust: (string | null)[] = [];
    const custOf = (l: typeof read, p: number): string | null => {
      const c = l.extras['CustID']!;
      if (c.kind !== 'string') return null;
      return c.dictionary[c.codes[l.event(p)]!] ?? null;
    };
    for (let p = 0; p < read.eventCount; p++) {
      readActions.push(read.actionAt(p));
      directActions.push(direct.actionAt(p));
      readTimes.push(read.times![read.event(p)]!);
      directTimes.push(direct.times![direct.event(p)]!);
      readCust.push(custOf(read, p));
      directCust.push(custOf(direct, p));
    }
    expect(readActions).toEqual(directActions);
    expect(readTimes).toEqual(directTimes);
    expect(readCust).toEqual(directCust);
    expect(read.skipped.total).toBe(0);
  });

  it('reads the whole generated set strictly: all five files into one log, labels and counts as summarised', async () => {
    const { files, summary } = generateLogs({ seed: 4, scale: 0.1 });
    const names = Object.keys(files) as (keyof typeof files)[];
    const log = await readEventLog(names.map((name) => ({ text: files[name].text, name })));
    expect(log.sourceNames).toEqual(names);
    expect(log.eventCount).toBe(summary.reduce((n, s) => n + s.events, 0));
    expect(log.sessionCount).toBe(summary.reduce((n, s) => n + s.sessions, 0));
    expect(log.positiveCount).toBe(summary.reduce((n, s) => n + s.attackerSessions, 0));
    expect(log.skipped.total).toBe(0);
  });
});
