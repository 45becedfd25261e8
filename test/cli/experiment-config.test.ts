import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExperimentConfigError } from '../../src/experiment/experiment-errors.js';
import {
  parseExperimentConfig,
  parseExperimentText,
  readExperimentConfig,
} from '../../src/experiment/experiment-config.js';

describe('experiment configuration', () => {
  it("defaults to the issue's experiment: six truncation jobs, FPR ≤ 5% and ≤ 0.5%, the user's files and the seed hyperparameters", () => {
    const spec = parseExperimentConfig({}, { baseDir: '/data' });
    expect(spec.jobs.map((j) => j.name)).toEqual(['drop0', 'drop20', 'first5', 'first10', 'last5', 'last10']);
    expect(spec.jobs.find((j) => j.name === 'first5')!.truncation).toEqual({ kind: 'firstN', n: 5 });
    expect(spec.operatingPoints).toEqual([{ maxFalsePositiveRate: 0.05 }, { maxFalsePositiveRate: 0.005 }]);
    expect(spec.train.map((f) => path.basename(f))).toEqual([
      'known-attacker.txt',
      'mixed-1.txt',
      'mixed-2.txt',
      'mixed-3.txt',
    ]);
    expect(spec.test).toBe(path.resolve('/data', 'single.txt'));
    // The seed notebook's SageMaker hyperparameters.
    expect(spec.hyperparameters).toMatchObject({
      max_depth: '5',
      eta: '0.2',
      gamma: '4',
      min_child_weight: '6',
      subsample: '0.7',
      objective: 'binary:logistic',
      num_round: '50',
    });
    expect(spec.backend).toEqual({ kind: 'local' });
  });

  it('merges given hyperparameters over the seed ones and resolves data paths against data.dir', () => {
    const spec = parseExperimentConfig(
      { data: { dir: 'logs', train: 'a.txt', test: 'b.txt' }, hyperparameters: { num_round: 20, tree_method: 'hist' } },
      { baseDir: '/exp' },
    );
    expect(spec.train).toEqual([path.resolve('/exp/logs/a.txt')]);
    expect(spec.test).toBe(path.resolve('/exp/logs/b.txt'));
    expect(spec.hyperparameters).toMatchObject({ num_round: 20, tree_method: 'hist', max_depth: '5' });
  });

  it("takes early_stopping_rounds with an eval_metric, and refuses it without one (SageMaker's 1.7-1 container would ignore it)", () => {
    const spec = parseExperimentConfig({ hyperparameters: { eval_metric: 'auc', early_stopping_rounds: 5 } });
    expect(spec.hyperparameters).toMatchObject({ eval_metric: 'auc', early_stopping_rounds: 5 });
    let error: unknown;
    try {
      parseExperimentConfig({ hyperparameters: { early_stopping_rounds: 5 } });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ExperimentConfigError);
    expect((error as Error).message).toMatch(
      /hyperparameters\.early_stopping_rounds.*needs eval_metric: SageMaker's XGBoost 1\.7-1 container ignores it without one/,
    );
  });

  it('accepts custom truncations as { name, truncation } and rejects repeated names', () => {
    const spec = parseExperimentConfig({
      truncations: ['first5', { name: 'mid7', truncation: { kind: 'middleN', n: 7 } }],
    });
    expect(spec.jobs).toEqual([
      { name: 'first5', truncation: { kind: 'firstN', n: 5 } },
      { name: 'mid7', truncation: { kind: 'middleN', n: 7 } },
    ]);
    expect(() => parseExperimentConfig({ truncations: ['first5', 'first5'] })).toThrow(
      /truncations\[1\] repeats the job name "first5"/,
    );
  });

  it.each([
    [{ split: { validation: 2 } }, /split\.validation must be a number in \(0, 1\), got 2/],
    [{ truncations: ['first7'] }, /truncations\[0\] must be a standard job name .* got "first7"/],
    [
      { truncations: [{ name: 'x', truncation: { kind: 'firstN', n: -1 } }] },
      /truncations\[0\]\.truncation is not a truncation/,
    ],
    [
      { backend: { kind: 'sagemaker', bucket: 'b' } },
      /backend\.role must be a non-empty string \(required for sagemaker\)/,
    ],
    [{ backend: 'cloud' }, /backend\.kind must be local or sagemaker, got "cloud"/],
    [{ operatingPoints: [{ maxFalsePositiveRate: 5 }] }, /operatingPoints\[0\] must be/],
    [{ features: { timing: 'no' } }, /features\.timing must be true or false, got "no"/],
    [{ hyperparamters: {} }, /hyperparamters is not a known key/],
    [
      { data: { dir: 's3://Bad_Bucket/logs/' } },
      /data\.dir must be a folder path or an S3 prefix: s3:\/\/Bad_Bucket\/logs\/ is not/,
    ],
    [
      { data: { train: ['mixed-1.txt', 's3://'] } },
      /data\.train\[1\] must be a file path or an S3 URI: s3:\/\/ is not of the form/,
    ],
  ])('rejects %j naming the key, the value and what was expected', (doc, message) => {
    expect(() => parseExperimentConfig(doc)).toThrow(ExperimentConfigError);
    expect(() => parseExperimentConfig(doc)).toThrow(message);
  });

  it('has a live section by default (10 false alerts per 10 000, calibrated on the held-out sessions), off with live: false, out of fold on request', () => {
    expect(parseExperimentConfig({}).live).toEqual({ maxFalseAlertsPer10k: 10, calibration: 'holdout' });
    expect(parseExperimentConfig({ live: false }).live).toBeNull();
    expect(parseExperimentConfig({ live: { maxFalseAlertsPer10k: 5, calibration: { folds: 5 } } }).live).toEqual({
      maxFalseAlertsPer10k: 5,
      calibration: { folds: 5 },
    });
    expect(() => parseExperimentConfig({ live: { maxFalseAlertsPer10k: 0 } })).toThrow(
      /live\.maxFalseAlertsPer10k must be a number of false alerts per 10 000 innocent sessions in \(0, 10 000\], got 0/,
    );
    expect(() => parseExperimentConfig({ live: { calibration: { folds: 1 } } })).toThrow(ExperimentConfigError);
    expect(() => parseExperimentConfig({ live: { budget: 10 } })).toThrow(/live\.budget/);
  });

  it('has no tune section by default; a tune section is checked (space against the trainer, strategy, objective) with defaults filled', () => {
    expect(parseExperimentConfig({}).tune).toBeNull();
    expect(
      parseExperimentConfig({
        tune: {
          space: { max_depth: [3, 5], eta: { min: 0.05, max: 0.3, scale: 'log' } },
          objective: { recallAtFalsePositiveRate: 0.001 },
        },
      }).tune,
    ).toEqual({
      space: { max_depth: [3, 5], eta: { min: 0.05, max: 0.3, scale: 'log' } },
      strategy: undefined,
      trials: undefined,
      objective: { recallAtFalsePositiveRate: 0.001 },
      nfold: 5,
      rounds: undefined,
      earlyStoppingRounds: 10,
      seed: 0,
    });
    expect(() => parseExperimentConfig({ tune: { space: { max_dept: [3] } } })).toThrow(
      /^tune\.space\.max_dept must be no such parameter|tune\.space\.max_dept .*no such parameter/,
    );
    expect(() => parseExperimentConfig({ tune: { space: { eta: { min: 0.1, max: 0.3 } }, strategy: 'grid' } })).toThrow(
      /tune\.space\.eta must be a list of values for strategy grid/,
    );
    expect(() => parseExperimentConfig({ tune: { space: { eta: [0.1] }, objective: 'rmse' } })).toThrow(
      /tune\.objective/,
    );
    expect(() => parseExperimentConfig({ tune: { space: { eta: [0.1] }, nfold: 1 } })).toThrow(
      /tune\.nfold must be an integer ≥ 2/,
    );
    expect(() => parseExperimentConfig({ tune: { space: { eta: [0.1] }, folds: 3 } })).toThrow(
      /tune\.folds is not a known key/,
    );
  });

  it('takes S3 locations for the data: a prefix as data.dir (files below it), or S3 URIs as files', () => {
    const fromPrefix = parseExperimentConfig({
      data: { dir: 's3://logs-bucket/2019-07', train: ['a.txt', 'b.txt.gz'] },
    });
    expect(fromPrefix.train).toEqual(['s3://logs-bucket/2019-07/a.txt', 's3://logs-bucket/2019-07/b.txt.gz']);
    expect(fromPrefix.test).toBe('s3://logs-bucket/2019-07/single.txt');
    const mixed = parseExperimentConfig({ data: { dir: 'data', train: ['s3://logs-bucket/mixed/'], test: 'day.txt' } });
    expect(mixed.train).toEqual(['s3://logs-bucket/mixed/']);
    expect(mixed.test).toBe(path.resolve('data', 'day.txt'));
  });

  it('names the YAML file, line and column of a bad key', () => {
    const text = 'name: trial\ntruncations: [drop0, first10]\nsplit:\n  train: 0.7\n  validation: 1.5\n';
    let error: unknown;
    try {
      parseExperimentText(text, { file: 'exp.yaml' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ExperimentConfigError);
    const e = error as ExperimentConfigError;
    expect(e.code).toBe('ERR_EXPERIMENT_CONFIG');
    expect(e.key).toBe('split.validation');
    expect([e.file, e.line, e.column]).toEqual(['exp.yaml', 5, 15]);
    expect(e.message).toMatch(/^exp\.yaml:5:15: split\.validation must be a number in \(0, 1\), got 1\.5$/);
  });

  it('reports a YAML syntax error with its line', () => {
    expect(() => parseExperimentText('name: a\nsplit: {train: 0.8\n', { file: 'broken.yaml' })).toThrow(
      /^broken\.yaml:\d+:\d+: is not valid YAML\/JSON/,
    );
  });

  it("reads JSON files too, resolving paths against the file's folder", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ss-config-'));
    const file = path.join(dir, 'exp.json');
    writeFileSync(
      file,
      JSON.stringify({ name: 'j1', data: { test: 'day.txt' }, output: 'results', truncations: ['last10'] }, null, 2),
    );
    const spec = await readExperimentConfig(file);
    expect(spec.name).toBe('j1');
    expect(spec.test).toBe(path.join(dir, 'day.txt'));
    expect(spec.outDir).toBe(path.join(dir, 'results'));
    writeFileSync(file, '{\n  "name": "j1",\n  "eventsSeen": [1, 0]\n}\n');
    await expect(readExperimentConfig(file)).rejects.toThrow(
      `${file}:3:21: eventsSeen[1] must be a positive integer, got 0`,
    );
  });
});
