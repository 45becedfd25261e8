import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { ACTION_INDEX } from '../../src/synth/action-codes.js';
import { ATTACKER_PROFILES } from '../../src/synth/attacker-profiles.js';
import { DEFAULT_ATTACKER_STYLES, DEFAULT_HELD_OUT_STYLES } from '../../src/synth/generate-events.js';
import { type LogFileName, generateLogs } from '../../src/synth/generate-logs.js';
import { generateTestWeek } from '../../src/synth/generate-week.js';
import { SESSION_PROFILE_NAMES, type SyntheticLog } from '../../src/synth/synthetic-log.js';

const TRAINING: readonly LogFileName[] = ['known-attacker.txt', 'mixed-1.txt', 'mixed-2.txt', 'mixed-3.txt'];

/** Attacker sessions per style. */
function styles(log: SyntheticLog): Record<string, number> {
  const out: Record<string, number> = {};
  for (let s = 0; s < log.sessionCount; s++) {
    if (log.sessionLabel[s] !== 1) continue;
    const name = SESSION_PROFILE_NAMES[log.sessionProfile[s]!]!;
    out[name] = (out[name] ?? 0) + 1;
  }
  return out;
}

describe('generateLogs: an attacker style held out of the training files', () => {
  const held = generateLogs({ seed: 5, scale: 0.6 });
  const none = generateLogs({ seed: 5, scale: 0.6, heldOutStyles: [] });

  it("holds the chapter harvester out by default: absent from every training file, a third of the test day's attackers", () => {
    expect(DEFAULT_HELD_OUT_STYLES).toEqual(['chapter-harvester']);
    expect(Object.keys(DEFAULT_ATTACKER_STYLES)).not.toContain('chapter-harvester');
    for (const name of TRAINING) expect(styles(held.files[name].log)['chapter-harvester']).toBeUndefined();
    const day = styles(held.files['single.txt'].log);
    const attackers = Object.values(day).reduce((a, b) => a + b, 0);
    expect(attackers).toBe(6); // round(10 · 0.6)
    expect(day['chapter-harvester']).toBe(2); // round(6 / 3)
    // The summaries say so too.
    expect(held.files['single.txt'].summary.heldOutAttackerSessions).toBe(2);
    expect(held.files['single.txt'].summary.attackerSessionsByStyle).toEqual(day);
    for (const name of TRAINING) {
      expect(held.files[name].summary.heldOutAttackerSessions).toBe(0);
      expect(held.files[name].summary.attackerSessionsByStyle).toEqual(styles(held.files[name].log));
    }
  });

  it('leaves the training files byte-identical whatever the held-out options; without held-out styles the test day has only training styles', () => {
    const half = generateLogs({ seed: 5, scale: 0.6, heldOutShare: 0.5 });
    for (const name of TRAINING) {
      expect(none.files[name].text).toBe(held.files[name].text);
      expect(half.files[name].text).toBe(held.files[name].text);
    }
    expect(styles(none.files['single.txt'].log)['chapter-harvester']).toBeUndefined();
    expect(styles(half.files['single.txt'].log)['chapter-harvester']).toBe(3);
    expect(held.files['single.txt'].text).not.toBe(none.files['single.txt'].text);
  });

  it('can hold out a training style instead: bulk harvesters only on the test day', () => {
    const logs = generateLogs({ seed: 5, scale: 0.6, heldOutStyles: ['bulk-harvester'], heldOutShare: 0.5 });
    for (const name of TRAINING) expect(styles(logs.files[name].log)['bulk-harvester']).toBeUndefined();
    expect(styles(logs.files['known-attacker.txt'].log)['stealthy-harvester']).toBeGreaterThan(100);
    expect(styles(logs.files['single.txt'].log)['bulk-harvester']).toBe(3);
  });

  it('gives the chapter harvester downloads through other codes than the article PDFs the training styles favour', () => {
    const log = held.files['single.txt'].log;
    const codes = { chapter: new Map<number, number>(), others: new Map<number, number>() };
    for (let i = 0; i < log.eventCount; i++) {
      const s = log.eventSession[i]!;
      if (log.sessionLabel[s] !== 1) continue;
      const target =
        SESSION_PROFILE_NAMES[log.sessionProfile[s]!] === 'chapter-harvester' ? codes.chapter : codes.others;
      target.set(log.eventAction[i]!, (target.get(log.eventAction[i]!) ?? 0) + 1);
    }
    const pdf = ACTION_INDEX['401'];
    const total = (m: Map<number, number>): number => [...m.values()].reduce((a, b) => a + b, 0);
    expect((codes.chapter.get(pdf) ?? 0) / total(codes.chapter)).toBeLessThan(0.05);
    expect(ATTACKER_PROFILES['chapter-harvester'].preference['402']).toBeGreaterThan(
      ATTACKER_PROFILES['chapter-harvester'].preference['401']!,
    );
  });

  it('rejects unknown or repeated held-out styles, a share outside [0, 1], and holding out every training style', () => {
    expect(() => generateLogs({ seed: 1, scale: 0.1, heldOutStyles: ['ghost' as never] })).toThrow(
      /heldOutStyles\[0\] must be one of bulk-harvester, stealthy-harvester, chapter-harvester/,
    );
    expect(() => generateLogs({ seed: 1, scale: 0.1, heldOutStyles: ['bulk-harvester', 'bulk-harvester'] })).toThrow(
      /heldOutStyles\[1\] must be a style not already listed/,
    );
    expect(() => generateLogs({ seed: 1, scale: 0.1, heldOutShare: 1.5 })).toThrow(
      /heldOutShare must be a fraction in \[0, 1\], got 1.5/,
    );
    expect(() =>
      generateLogs({ seed: 1, scale: 0.1, heldOutStyles: ['bulk-harvester', 'stealthy-harvester'] }),
    ).toThrow(InvalidArgumentError);
    expect(() =>
      generateLogs({ seed: 1, scale: 0.1, heldOutStyles: ['bulk-harvester', 'stealthy-harvester'] }),
    ).toThrow(/to leave at least one style of attackerStyles/);
  });
});

describe('generateTestWeek: a realistic week of test traffic', () => {
  it('has 64,600 sessions (~600K events), 70 attacker sessions of which 23 of the held-out style, over seven whole days', () => {
    const week = generateTestWeek({ seed: 42 });
    expect(week.sessionCount).toBe(64_600);
    expect(week.eventCount).toBeGreaterThan(540_000);
    expect(week.eventCount).toBeLessThan(660_000);
    const byStyle = styles(week);
    expect(Object.values(byStyle).reduce((a, b) => a + b, 0)).toBe(70);
    expect(byStyle['chapter-harvester']).toBe(23);
    expect(week.eventTime[0]).toBeGreaterThanOrEqual(Date.UTC(2019, 7, 19));
    expect(week.eventTime[week.eventCount - 1]).toBeLessThan(Date.UTC(2019, 7, 26));
    // Its session numbers come after those of the generateLogs set of the same seed (a later time).
    const single = generateLogs({ seed: 42, scale: 0.05 }).files['single.txt'].log;
    expect(week.sessionNo[0]).toBeGreaterThan(single.sessionNo[single.sessionCount - 1]!);
  });

  it('is deterministic by seed, follows its options, and checks them', () => {
    const a = generateTestWeek({ seed: 3, sessions: 3000, attackers: 12, days: 2 });
    const b = generateTestWeek({ seed: 3, sessions: 3000, attackers: 12, days: 2 });
    const c = generateTestWeek({ seed: 4, sessions: 3000, attackers: 12, days: 2 });
    expect(Array.from(a.eventTime)).toEqual(Array.from(b.eventTime));
    expect(Array.from(a.eventAction)).toEqual(Array.from(b.eventAction));
    expect(Array.from(a.eventTime)).not.toEqual(Array.from(c.eventTime));
    expect(styles(a)['chapter-harvester']).toBe(4);
    expect(a.eventTime[a.eventCount - 1]).toBeLessThan(Date.UTC(2019, 7, 21));
    expect(
      styles(generateTestWeek({ seed: 3, sessions: 3000, attackers: 12, heldOutStyles: [] }))['chapter-harvester'],
    ).toBeUndefined();
    expect(() => generateTestWeek({ seed: 1, sessions: 10, attackers: 20 })).toThrow(
      /sessions must be an integer ≥ 20, got 10/,
    );
    expect(() => generateTestWeek({ seed: 1, days: 0 })).toThrow(/days must be an integer ≥ 1/);
    expect(() => generateTestWeek({ seed: 1, start: 'next monday' })).toThrow(InvalidArgumentError);
  });
});
