import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { ACTION_CODES } from '../../src/synth/action-codes.js';
import { type LogFileName, LOG_FILE_NAMES, generateLogs } from '../../src/synth/generate-logs.js';

// The user's description of the private originals (see the foundation issue): these are the targets.
const HEADER = 'SessionNo\tLogTime\tCustID\tGroupID\tProfID\tAct\tBadActor';
const TARGET_EVENTS: Partial<Record<LogFileName, number>> = {
  'mixed-1.txt': 119_000,
  'mixed-2.txt': 44_000,
  'mixed-3.txt': 31_000,
  'known-attacker.txt': 62_000,
};
const MIXED: readonly LogFileName[] = ['mixed-1.txt', 'mixed-2.txt', 'mixed-3.txt'];
const LOG_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/;

interface ParsedFile {
  rows: string[][];
  sessions: Map<string, { label: string; events: number; custIds: Set<string> }>;
}

/** Reads the TSV text independently of the generator: split lines and tabs, nothing else. */
function parse(text: string): ParsedFile {
  const lines = text.split('\n');
  expect(lines[0]).toBe(HEADER);
  expect(lines[lines.length - 1]).toBe('');
  const rows = lines.slice(1, -1).map((line) => line.split('\t'));
  const sessions = new Map<string, { label: string; events: number; custIds: Set<string> }>();
  for (const row of rows) {
    const s = sessions.get(row[0]!) ?? { label: row[6]!, events: 0, custIds: new Set<string>() };
    s.events++;
    s.custIds.add(row[2]!);
    if (s.label !== row[6]) s.label = 'mixed';
    sessions.set(row[0]!, s);
  }
  return { rows, sessions };
}

const full = generateLogs({ seed: 2019 });
const parsed = Object.fromEntries(LOG_FILE_NAMES.map((name) => [name, parse(full.files[name].text)])) as Record<
  LogFileName,
  ParsedFile
>;
const outDir = mkdtempSync(path.join(tmpdir(), 'synth-logs-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe("generateLogs: the user's file set", () => {
  it('writes the exact header and seven tab-separated fields per line, LogTime like 2019-07-01 12:34:56.789', () => {
    const digits = /^\d+$/;
    for (const name of LOG_FILE_NAMES) {
      const bad = parsed[name].rows.filter(
        (row) =>
          row.length !== 7 ||
          !digits.test(row[0]!) ||
          !LOG_TIME.test(row[1]!) ||
          !digits.test(row[2]!) ||
          !digits.test(row[3]!) ||
          !digits.test(row[4]!) ||
          !/^\d{3}$/.test(row[5]!) ||
          !/^[01]$/.test(row[6]!),
      );
      expect(bad.slice(0, 3), name).toEqual([]);
    }
  });

  it('is deterministic: the same seed gives byte-identical files, another seed different ones', () => {
    const a = generateLogs({ seed: 7, scale: 0.2 });
    const b = generateLogs({ seed: 7, scale: 0.2 });
    const c = generateLogs({ seed: 8, scale: 0.2 });
    for (const name of LOG_FILE_NAMES) {
      expect(a.files[name].text === b.files[name].text).toBe(true);
      expect(a.files[name].text === c.files[name].text).toBe(false);
    }
  });

  it('sizes the mixed and known-attacker files within 15% of ~119K/44K/31K/62K events', () => {
    for (const [name, target] of Object.entries(TARGET_EVENTS)) {
      const events = parsed[name as LogFileName].rows.length;
      expect(Math.abs(events - target) / target, name).toBeLessThan(0.15);
    }
  });

  it('puts an attack in every mixed file, with attacker events under 0.5% of the file', () => {
    for (const name of MIXED) {
      const rows = parsed[name].rows;
      const attacker = rows.filter((r) => r[6] === '1').length;
      expect(attacker, name).toBeGreaterThan(0);
      expect(attacker / rows.length, name).toBeLessThan(0.005);
    }
  });

  it('covers whole hours in the mixed files: first event in the first hour, last in the last, nothing outside', () => {
    for (const name of MIXED) {
      const rows = parsed[name].rows;
      const first = rows[0]![1]!;
      const last = rows[rows.length - 1]![1]!;
      expect(first.slice(14), name).toMatch(/^0[0-4]:/); // within minutes of the hour
      expect(last.slice(14), name).toMatch(/^5[5-9]:/);
      expect(first.slice(0, 10)).toBe(last.slice(0, 10));
    }
  });

  it("fills known-attacker.txt with one attacker's sessions spread over about two years, using several stolen customers", () => {
    const { rows, sessions } = parsed['known-attacker.txt'];
    expect(rows.every((r) => r[6] === '1')).toBe(true);
    const first = Date.parse(`${rows[0]![1]!.replace(' ', 'T')}Z`);
    const last = Date.parse(`${rows[rows.length - 1]![1]!.replace(' ', 'T')}Z`);
    const days = (last - first) / 86_400_000;
    expect(days).toBeGreaterThan(600);
    expect(days).toBeLessThanOrEqual(731);
    // Active in every quarter of the two years, not in one burst.
    const quarters = new Set(
      rows.map((r) => Math.floor((Date.parse(`${r[1]!.replace(' ', 'T')}Z`) - first) / ((days * 86_400_000) / 4 + 1))),
    );
    expect(quarters.size).toBe(4);
    const custIds = new Set([...sessions.values()].flatMap((s) => [...s.custIds]));
    expect(custIds.size).toBeGreaterThanOrEqual(3);
    expect(sessions.size).toBeGreaterThan(1000);
  });

  it('makes single.txt a later day of ~9K sessions of which ~10 are attacker sessions', () => {
    const { rows, sessions } = parsed['single.txt'];
    expect(Math.abs(sessions.size - 9_000) / 9_000).toBeLessThan(0.15);
    const attackers = [...sessions.values()].filter((s) => s.label === '1').length;
    expect(attackers).toBeGreaterThanOrEqual(5);
    expect(attackers).toBeLessThanOrEqual(20);
    const day = rows[0]![1]!.slice(0, 10);
    expect(rows.every((r) => r[1]!.startsWith(day))).toBe(true);
    const lastMixed = parsed['mixed-3.txt'].rows.at(-1)![1]!;
    expect(day > lastMixed.slice(0, 10)).toBe(true);
  });

  it('sorts every file by LogTime and interleaves sessions, as a real log is', () => {
    for (const name of LOG_FILE_NAMES) {
      const rows = parsed[name].rows;
      let switches = 0;
      let unsorted = 0;
      for (let i = 1; i < rows.length; i++) {
        if (rows[i - 1]![1]! > rows[i]![1]!) unsorted++;
        if (rows[i - 1]![0] !== rows[i]![0]) switches++;
      }
      expect(unsorted, name).toBe(0);
      if (MIXED.includes(name) || name === 'single.txt') {
        // Far more session changes between consecutive lines than there are sessions: interleaved, not grouped.
        expect(switches, name).toBeGreaterThan(2 * parsed[name].sessions.size);
      }
    }
  });

  it('gives every session one label and one customer account', () => {
    for (const name of LOG_FILE_NAMES) {
      const bad = [...parsed[name].sessions].filter(
        ([, s]) => (s.label !== '0' && s.label !== '1') || s.custIds.size !== 1,
      );
      expect(bad.slice(0, 3), name).toEqual([]);
    }
  });

  it('keeps SessionNo unique within and across files', () => {
    const seen = new Set<string>();
    let total = 0;
    for (const name of LOG_FILE_NAMES) {
      for (const no of parsed[name].sessions.keys()) seen.add(no);
      total += parsed[name].sessions.size;
    }
    expect(seen.size).toBe(total);
  });

  it('uses 37–40 three-digit action codes, and sessions of heavy-tailed lengths', () => {
    const codes = new Set(LOG_FILE_NAMES.flatMap((name) => parsed[name].rows.map((r) => r[5]!)));
    expect(codes.size).toBeGreaterThanOrEqual(37);
    expect(codes.size).toBeLessThanOrEqual(40);
    for (const code of codes) expect(ACTION_CODES).toContain(code);
    const lengths = [...parsed['mixed-1.txt'].sessions.values()].map((s) => s.events).sort((a, b) => a - b);
    const median = lengths[lengths.length >> 1]!;
    const p99 = lengths[Math.floor(lengths.length * 0.99)]!;
    expect(median).toBeGreaterThanOrEqual(2);
    expect(median).toBeLessThanOrEqual(10);
    expect(p99).toBeGreaterThan(8 * median);
  });

  it('gives bulk harvesters sub-second bursts that innocent sessions rarely show', () => {
    const log = full.files['known-attacker.txt'].log;
    const previous = new Float64Array(log.sessionCount).fill(Number.NaN);
    let fast = 0;
    let gaps = 0;
    for (let i = 0; i < log.eventCount; i++) {
      const s = log.eventSession[i]!;
      if (!Number.isNaN(previous[s]!)) {
        gaps++;
        if (log.eventTime[i]! - previous[s]! < 1000) fast++;
      }
      previous[s] = log.eventTime[i]!;
    }
    expect(fast / gaps).toBeGreaterThan(0.05);
  });

  it('returns a summary that matches the text of each file', () => {
    for (const name of LOG_FILE_NAMES) {
      const summary = full.summary.find((s) => s.name === name)!;
      const { rows, sessions } = parsed[name];
      expect(summary.events).toBe(rows.length);
      expect(summary.sessions).toBe(sessions.size);
      expect(summary.attackerEvents).toBe(rows.filter((r) => r[6] === '1').length);
      expect(summary.attackerSessions).toBe([...sessions.values()].filter((s) => s.label === '1').length);
      expect(summary.firstTime).toBe(rows[0]![1]);
      expect(summary.lastTime).toBe(rows.at(-1)![1]);
    }
  });

  it('scales every file with scale, keeping at least one attacker session', () => {
    const small = generateLogs({ seed: 2019, scale: 0.1 });
    for (const [name, target] of Object.entries(TARGET_EVENTS)) {
      const events = small.files[name as LogFileName].summary.events;
      expect(Math.abs(events - target * 0.1) / (target * 0.1), name).toBeLessThan(0.15);
    }
    expect(small.files['single.txt'].summary.sessions).toBe(900);
    expect(small.files['single.txt'].summary.attackerSessions).toBe(1);
    const tiny = generateLogs({ seed: 2019, scale: 0.001 });
    for (const name of MIXED) expect(tiny.files[name].summary.attackerSessions).toBeGreaterThanOrEqual(1);
  });

  it('writes the files to outDir when asked, byte for byte the returned texts', () => {
    const written = generateLogs({ seed: 3, scale: 0.05, outDir });
    for (const name of LOG_FILE_NAMES) {
      const file = written.files[name];
      expect(file.path).toBe(path.join(outDir, name));
      expect(readFileSync(file.path!, 'utf8')).toBe(file.text);
    }
    expect(generateLogs({ seed: 3, scale: 0.05 }).files['mixed-1.txt'].path).toBeUndefined();
  });

  it('rejects a scale that is not a positive number, naming it', () => {
    expect(() => generateLogs({ seed: 1, scale: 0 })).toThrow(InvalidArgumentError);
    expect(() => generateLogs({ seed: 1, scale: Number.NaN })).toThrow(
      /generateLogs: scale must be a number in \(0, 100\], got NaN/,
    );
    expect(() => generateLogs({ seed: -3 })).toThrow(/seed must be a non-negative safe integer, got -3/);
  });
});
