import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseExperimentConfig } from '../../src/experiment/experiment-config.js';
import { runPartialSessionExperiment } from '../../src/experiment/partial-session-experiment.js';
import { generateLogs } from '../../src/synth/generate-logs.js';

describe('an experiment job of session prefixes', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ss-prefix-job-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('splits by session, trains with its row weights (csv_weights=1) and gets a live policy', async () => {
    generateLogs({ seed: 6, scale: 0.1, outDir: path.join(dir, 'data') });
    const spec = parseExperimentConfig(
      {
        data: { dir: 'data' },
        truncations: [
          'drop0',
          { name: 'pre10', truncation: { kind: 'prefixes', min: 1, max: 10, weight: 'perSession' } },
        ],
        hyperparameters: { num_round: 5, tree_method: 'hist' },
        backend: { kind: 'local', workers: 1 },
        live: { maxFalseAlertsPer10k: 500 },
        output: 'out',
      },
      { baseDir: dir },
    );
    const result = await runPartialSessionExperiment(spec);
    expect(result.failed).toEqual([]);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'out', 'csv', 'pre10', 'manifest.json'), 'utf8')) as {
      weight: string | null;
      featureNames: string[];
      format: { weightColumn: number | null };
      mode: { kind: string };
    };
    expect([manifest.weight, manifest.format.weightColumn, manifest.mode.kind]).toEqual(['weight', 1, 'grouped']);
    // Every row of the train channel is label, weight, then the features.
    const first = readFileSync(path.join(dir, 'out', 'csv', 'pre10', 'train.csv'), 'utf8')
      .split('\n')[0]!
      .split(',');
    expect(first).toHaveLength(2 + manifest.featureNames.length);
    expect(Number(first[1])).toBeGreaterThan(0);
    expect(Number(first[1])).toBeLessThanOrEqual(1);
    const pre10 = result.jobs.find((j) => j.name === 'pre10')!;
    const drop0 = result.jobs.find((j) => j.name === 'drop0')!;
    expect(pre10.rows.train).toBeGreaterThan(drop0.rows.train);
    // The live detector is calibrated on the whole-session job's validation sessions.
    expect(result.live!.detector.validation.sessions).toBe(drop0.rows.validation);
    const hyperparameters = JSON.parse(
      readFileSync(path.join(dir, 'out', 'models', 'pre10', 'manifest.json'), 'utf8'),
    ) as { truncation: { kind: string } };
    expect(hyperparameters.truncation.kind).toBe('prefixes');
    const live = JSON.parse(readFileSync(path.join(dir, 'out', 'models', 'pre10', 'live-policy.json'), 'utf8')) as {
      policy: { models: { name: string }[] };
      validation: { sessions: number };
    };
    expect(live.policy.models[0]!.name).toBe('pre10');
    // Calibrated on each validation session once, not once per prefix row.
    const validationIds = readFileSync(path.join(dir, 'out', 'scores', 'pre10.validation.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',')[0]);
    expect(validationIds.length).toBeGreaterThan(new Set(validationIds).size);
    expect(live.validation.sessions).toBe(new Set(validationIds).size);
  }, 120_000);
});
