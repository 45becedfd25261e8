import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseExperimentConfig } from '../../src/experiment/experiment-config.js';
import { runPartialSessionExperiment } from '../../src/experiment/partial-session-experiment.js';
import { generateLogs } from '../../src/synth/generate-logs.js';

describe('the experiment file’s tune section', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ss-tune-section-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('searches before training, on every whole-session job’s training part, and every job trains with the best hyperparameters', async () => {
    generateLogs({ seed: 3, scale: 0.1, outDir: path.join(dir, 'data') });
    const spec = parseExperimentConfig(
      {
        data: { dir: 'data' },
        truncations: ['drop0', 'first10'],
        hyperparameters: { num_round: 15, tree_method: 'hist' },
        backend: { kind: 'local', workers: 2 },
        live: false,
        tune: {
          space: { max_depth: { min: 2, max: 4 }, eta: [0.1, 0.3] },
          strategy: 'random',
          trials: 3,
          nfold: 3,
          seed: 1,
        },
        output: 'out',
      },
      { baseDir: dir },
    );
    const stages: string[] = [];
    const result = await runPartialSessionExperiment(spec, { onStage: (stage) => stages.push(stage) });
    expect(stages.slice(0, 5)).toEqual(['read', 'flatten', 'split', 'tune', 'train']);
    expect(result.failed).toEqual([]);
    const tune = result.tune!;
    expect(tune.trials).toHaveLength(3);
    expect(tune.trials.every((t) => t.jobs.map((j) => j.name).join() === 'drop0,first10')).toBe(true);
    const best = tune.bestHyperparameters;
    expect(best.max_depth).toBe(String(tune.best.point.max_depth));
    expect(best.num_round).toBe(String(tune.best.rounds));
    expect(result.spec.hyperparameters).toMatchObject(best);
    for (const job of ['drop0', 'first10']) {
      const manifest = JSON.parse(readFileSync(path.join(dir, 'out', 'models', job, 'manifest.json'), 'utf8')) as {
        hyperparameters: Record<string, string>;
      };
      expect(manifest.hyperparameters, job).toMatchObject(best);
    }
    expect(existsSync(path.join(dir, 'out', 'tune.csv'))).toBe(true);
    expect(readFileSync(path.join(dir, 'out', 'tune.csv'), 'utf8').split('\n')[0]).toBe(
      'trial,max_depth,eta,test-logloss,test-logloss-std,rounds,seconds,error',
    );
  });
});
