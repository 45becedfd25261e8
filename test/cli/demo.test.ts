import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { readCsv } from '../../src/frame/csv-read.js';
import { generateLogs } from '../../src/synth/generate-logs.js';
import { captureIO } from './capture-io.js';

const JOBS = ['drop0', 'drop20', 'first5', 'first10', 'last5', 'last10'];

describe('sessionsentry demo (small scale)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ss-demo-'));
  const io = captureIO(dir);
  let code = -1;
  let seconds = 0;

  beforeAll(async () => {
    const started = performance.now();
    code = await runCli(['demo', '--out', 'd', '--scale', '0.1', '--seed', '5', '--workers', '2'], io);
    seconds = (performance.now() - started) / 1000;
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // How long the demo takes is measured by the benchmarks (bench/RESULTS.md), not asserted here:
  // a wall-clock bound fails on a busy machine and proves nothing on a fast one.
  it('exits 0 with nothing on standard error that reads as an error', () => {
    console.log(`demo at scale 0.1 took ${seconds.toFixed(1)} s`);
    expect(io.err()).not.toMatch(/Error/);
    expect(code).toBe(0);
  });

  it("writes the five files of the user's set with the synthetic generator, byte-identical to generateLogs with the same seed", () => {
    const expected = generateLogs({ seed: 5, scale: 0.1 });
    for (const name of ['known-attacker.txt', 'mixed-1.txt', 'mixed-2.txt', 'mixed-3.txt', 'single.txt'] as const) {
      expect(readFileSync(path.join(dir, 'd', 'data', name), 'utf8')).toBe(expected.files[name].text);
    }
  });

  it('prints one comparison table per operating point (FPR ≤ 5% and ≤ 0.5%), each with the six truncation jobs and the baseline', () => {
    const out = io.out();
    const tables = out.split(/^## /m).filter((s) => s.startsWith('Test day single.txt'));
    expect(tables.map((t) => t.split('\n')[0])).toEqual([
      'Test day single.txt at the operating point FPR ≤ 5% (chosen on validation data)',
      'Test day single.txt at the operating point FPR ≤ 0.5% (chosen on validation data)',
    ]);
    for (const table of tables) {
      const names = table
        .split('\n')
        .slice(3)
        .filter((l) => l.trim() !== '')
        .map((l) => l.split(/\s{2,}/)[0]);
      expect(names).toEqual([...JOBS, 'baseline (no attacks)']);
    }
  });

  it('shows progress on standard error as quiet lines when not on a terminal: every stage and every trained job', () => {
    const err = io.err();
    expect(err).not.toContain('\r');
    for (const stage of ['read', 'flatten', 'split', 'train', 'score', 'report'])
      expect(err).toMatch(new RegExp(`s  ${stage}\\s`));
    for (const job of JOBS)
      expect(err).toMatch(new RegExp(`trained ${job} in [\\d.]+ s, 50 rounds validation-logloss [\\d.]+ \\(\\d/6\\)`));
  });

  it('chooses each operating point on validation data within its false-positive bound', () => {
    for (const job of JOBS) {
      const points = JSON.parse(
        readFileSync(path.join(dir, 'd', 'out', 'models', job, 'operating-points.json'), 'utf8'),
      ) as { rule: { maxFalsePositiveRate: number }; validation: { fp: number; tn: number } }[];
      expect(points.map((p) => p.rule.maxFalsePositiveRate)).toEqual([0.05, 0.005]);
      for (const p of points)
        expect(p.validation.fp / (p.validation.fp + p.validation.tn)).toBeLessThanOrEqual(p.rule.maxFalsePositiveRate);
    }
  });

  it('scores every session of the separate test day for every job, with its labels', async () => {
    const single = generateLogs({ seed: 5, scale: 0.1 }).files['single.txt'].summary;
    for (const job of JOBS) {
      const scores = await readCsv(path.join(dir, 'd', 'out', 'scores', `${job}.test.csv`));
      expect(scores.rowCount).toBe(single.sessions);
      expect(scores.numbers('label').reduce((a, b) => a + b, 0)).toBe(single.attackerSessions);
    }
  });

  it('writes the HTML report with the curves and the saved models', () => {
    const html = readFileSync(path.join(dir, 'd', 'out', 'report.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('<svg');
    for (const job of JOBS) {
      expect(html).toContain(job);
      expect(existsSync(path.join(dir, 'd', 'out', 'models', job, 'model.tar.gz'))).toBe(true);
      expect(existsSync(path.join(dir, 'd', 'out', 'models', job, 'features.json'))).toBe(true);
    }
  });
});
