import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { chooseOperatingPoint } from '../../src/eval/operating-point.js';
import { generateLogs } from '../../src/synth/generate-logs.js';
import { readScoreFile } from '../../src/cli/score-file.js';
import { captureIO } from './capture-io.js';

describe('sessionsentry run <experiment.yaml>, then report and replay on its results', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ss-run-'));
  const io = captureIO(dir);
  let code = -1;
  beforeAll(async () => {
    generateLogs({ seed: 8, scale: 0.1, outDir: path.join(dir, 'logs') });
    writeFileSync(
      path.join(dir, 'exp.yaml'),
      [
        'name: trial',
        'data:',
        '  dir: logs',
        'truncations: [first5, { name: mid8, truncation: { kind: middleN, n: 8 } }]',
        'features: { bigrams: { topK: 5 } }',
        'split: { train: 0.75, validation: 0.25, seed: 3 }',
        'hyperparameters: { num_round: 12, tree_method: hist, eval_metric: logloss, early_stopping_rounds: 2 }',
        'backend: { kind: local, workers: 1 }',
        'operatingPoints: [{ maxFalsePositiveRate: 0.02 }, { bestF1: true }]',
        'eventsSeen: [1, 5]',
        'live: { maxFalseAlertsPer10k: 200 }',
        'output: results',
        '',
      ].join('\n'),
    );
    code = await runCli(['run', 'exp.yaml'], io);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the jobs the file names with its hyperparameters and operating points, and exits 0', () => {
    expect(io.err()).not.toMatch(/failed|Error/);
    expect(code).toBe(0);
    const summary = JSON.parse(readFileSync(path.join(dir, 'results', 'summary.json'), 'utf8')) as {
      name: string;
      jobs: { name: string }[];
      comparisons: { rule: unknown }[];
    };
    expect(summary.name).toBe('trial');
    expect(summary.jobs.map((j) => j.name)).toEqual(['first5', 'mid8']);
    expect(summary.comparisons.map((c) => c.rule)).toEqual([{ maxFalsePositiveRate: 0.02 }, { bestF1: true }]);
    expect(io.out()).toContain('at the operating point FPR ≤ 2% (chosen on validation data)');
    expect(io.out()).toContain('at the operating point best F1 (chosen on validation data)');
    const features = JSON.parse(readFileSync(path.join(dir, 'results', 'models', 'mid8', 'features.json'), 'utf8')) as {
      bigrams: unknown[];
      featureNames: string[];
    };
    expect(features.bigrams).toHaveLength(5);
    expect(features.featureNames.filter((n) => n.includes('>'))).toHaveLength(5);
  });

  it("stops each job on its validation part as SageMaker's container does and records the best round in the manifest", () => {
    for (const job of ['first5', 'mid8']) {
      const manifest = JSON.parse(readFileSync(path.join(dir, 'results', 'models', job, 'manifest.json'), 'utf8')) as {
        hyperparameters: Record<string, string>;
        training: { trees: number; bestIteration: number; earlyStopping: { metric: string; roundsTrained: number } };
      };
      expect(manifest.hyperparameters.early_stopping_rounds).toBe('2');
      const { trees, bestIteration, earlyStopping } = manifest.training;
      expect(earlyStopping.metric).toBe('validation-logloss');
      expect(trees).toBe(bestIteration + 1);
      expect(earlyStopping.roundsTrained).toBeGreaterThanOrEqual(trees);
      expect(earlyStopping.roundsTrained).toBeLessThanOrEqual(12);
    }
  });

  it('report rebuilds the table at another operating point chosen on the saved validation scores', async () => {
    const rio = captureIO(dir);
    expect(await runCli(['report', 'results', '--max-fpr', '0.1', '--out', 'r.html'], rio)).toBe(0);
    const validation = await readScoreFile(path.join(dir, 'results', 'scores', 'first5.validation.csv'));
    const point = chooseOperatingPoint(validation.labels, validation.scores, { maxFalsePositiveRate: 0.1 });
    const row = rio
      .out()
      .split('\n')
      .find((l) => l.startsWith('first5'))!
      .split(/\s+/);
    expect(Number(row[5])).toBeCloseTo(point.threshold, 5);
    expect(readFileSync(path.join(dir, 'r.html'), 'utf8')).toContain('FPR ≤ 10%');
  });

  it('replay runs the test day through the live scorer at the saved live policy and reports time to first alert', async () => {
    const rio = captureIO(dir);
    expect(await runCli(['replay', '--model', 'results/models/first5', 'logs/single.txt', '--json'], rio)).toBe(0);
    const report = JSON.parse(rio.out()) as {
      threshold: number;
      sustain: number;
      minEvents: number;
      policySource: string;
      sessions: number;
      attackerSessions: number;
      caught: number;
      eventsToFirstAlert: { count: number };
    };
    const saved = JSON.parse(
      readFileSync(path.join(dir, 'results', 'models', 'first5', 'live-policy.json'), 'utf8'),
    ) as {
      chosenOn: string;
      policy: { models: { threshold: number }[]; sustain: number; minEvents: number; maxFalseAlertsPer10k: number };
    };
    expect(saved.chosenOn).toBe('validation');
    expect(saved.policy.maxFalseAlertsPer10k).toBe(200);
    expect([report.threshold, report.sustain, report.minEvents]).toEqual([
      saved.policy.models[0]!.threshold,
      saved.policy.sustain,
      saved.policy.minEvents,
    ]);
    expect(report.policySource).toMatch(/^the saved live policy/);
    const single = generateLogs({ seed: 8, scale: 0.1 }).files['single.txt'].summary;
    expect([report.sessions, report.attackerSessions]).toEqual([single.sessions, single.attackerSessions]);
    expect(report.eventsToFirstAlert.count).toBe(report.caught);
  });

  it('runs the live section: a live policy per job, the live detector, the report and summary figures', async () => {
    const summary = JSON.parse(readFileSync(path.join(dir, 'results', 'summary.json'), 'utf8')) as {
      live: { maxFalseAlertsPer10k: number; detector: string; detectors: { name: string; test: { recall: number } }[] };
    };
    expect(summary.live.maxFalseAlertsPer10k).toBe(200);
    expect(summary.live.detectors.map((d) => d.name)).toEqual(['first5', 'mid8', 'live detector (prefix + whole)']);
    expect(io.out()).toContain('## Live detection on single.txt');
    expect(readFileSync(path.join(dir, 'results', 'report.html'), 'utf8')).toContain('<section id="live">');
    // The detector folder replays as a whole; options cannot change its jointly calibrated policy.
    const rio = captureIO(dir);
    expect(
      await runCli(
        ['replay', '--model', summary.live.detector.replace(/^/, 'results/'), 'logs/single.txt', '--json'],
        rio,
      ),
    ).toBe(0);
    const report = JSON.parse(rio.out()) as { threshold: Record<string, number>; policySource: string; caught: number };
    expect(Object.keys(report.threshold)).toEqual(['prefix', 'whole']);
    expect(report.policySource).toMatch(/^the detector's live policy/);
    expect(report.caught).toBe(
      Math.round(
        summary.live.detectors[2]!.test.recall *
          generateLogs({ seed: 8, scale: 0.1 }).files['single.txt'].summary.attackerSessions,
      ),
    );
    const bad = captureIO(dir);
    expect(
      await runCli(['replay', '--model', 'results/models/live', 'logs/single.txt', '--threshold', '0.5'], bad),
    ).toBe(2);
    expect(bad.err()).toMatch(/does not apply to a live detector/);
  });

  it('fails with exit 1 and the file and line for a bad experiment file', async () => {
    writeFileSync(path.join(dir, 'bad.yaml'), 'name: trial\nsplit:\n  seed: 1.5\n');
    const bio = captureIO(dir);
    expect(await runCli(['run', 'bad.yaml'], bio)).toBe(1);
    expect(bio.err()).toBe(
      `sessionsentry run: error: ${path.join(dir, 'bad.yaml')}:3:9: split.seed must be an integer, got 1.5\n`,
    );
  });
});
