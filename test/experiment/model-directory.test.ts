import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chooseOperatingPoint } from '../../src/eval/operating-point.js';
import {
  isModelDirectory,
  ModelDirectoryError,
  readModelDirectory,
  readModelManifest,
  writeModelDirectory,
  type ModelDirectoryContents,
} from '../../src/experiment/model-directory.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../../src/package-info.js';
import { SEED_HYPERPARAMETERS } from '../../src/train/default-hyperparameters.js';
import { liveFixture } from '../serve/live-fixture.js';

const root = mkdtempSync(path.join(tmpdir(), 'ss-model-dir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let count = 0;
const fresh = (): string => path.join(root, `m${count++}`);

const fixture = liveFixture({ seed: 5, sessions: 400, features: { timing: true }, rounds: 5 });
const scores = fixture.booster.predict(fixture.flattener.flatten(fixture.log).select(fixture.flattener.featureNames));
const labels = fixture.log.labels;
const contents: ModelDirectoryContents = {
  name: 'first10',
  model: fixture.booster.toTarGz(),
  schema: fixture.schema,
  truncation: { kind: 'firstN', n: 10 },
  hyperparameters: { ...SEED_HYPERPARAMETERS, tree_method: 'hist' },
  operatingPoints: [
    chooseOperatingPoint(labels, scores, { maxFalsePositiveRate: 0.05 }),
    chooseOperatingPoint(labels, scores, { maxFalsePositiveRate: 0 }),
  ],
  data: { files: ['mixed-1.txt'], seeds: { split: 42 } },
};

async function rejected(promise: Promise<unknown>): Promise<ModelDirectoryError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelDirectoryError);
  expect((err as ModelDirectoryError).code).toBe('ERR_MODEL_DIRECTORY');
  return err as ModelDirectoryError;
}

describe('writeModelDirectory and readModelDirectory', () => {
  it('write the agreed layout: model.tar.gz, features.json, operating-points.json and a version-1 manifest naming them', async () => {
    const dir = fresh();
    await writeModelDirectory(dir, { ...contents, createdAt: new Date('2026-01-02T03:04:05.000Z') });
    expect(readdirSync(dir).sort()).toEqual([
      'features.json',
      'manifest.json',
      'model.tar.gz',
      'operating-points.json',
    ]);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    expect(manifest).toEqual({
      format: 'sessionsentry-model',
      version: 1,
      name: 'first10',
      truncation: { kind: 'firstN', n: 10 },
      hyperparameters: { ...SEED_HYPERPARAMETERS, tree_method: 'hist' },
      files: { model: 'model.tar.gz', features: 'features.json', operatingPoints: 'operating-points.json' },
      createdAt: '2026-01-02T03:04:05.000Z',
      package: { name: 'sessionsentry', version: PACKAGE_VERSION },
      data: { files: ['mixed-1.txt'], seeds: { split: 42 } },
    });
    expect(isModelDirectory(dir)).toBe(true);
  });

  it('read back the same model (identical predictions), schema, truncation, hyperparameters and thresholds', async () => {
    const dir = fresh();
    await writeModelDirectory(dir, contents);
    const model = await readModelDirectory(dir);
    expect(model.name).toBe('first10');
    expect(model.truncation).toEqual({ kind: 'firstN', n: 10 });
    expect(model.hyperparameters.num_round).toBe('50');
    expect(model.schema).toEqual(fixture.schema);
    expect(
      Array.from(model.booster.predict(fixture.flattener.flatten(fixture.log).select(fixture.flattener.featureNames))),
    ).toEqual(Array.from(scores));
    expect(model.operatingPoints.map((p) => p.threshold)).toEqual(contents.operatingPoints!.map((p) => p.threshold));
    expect(model.operatingPoints[0]!.validation.fp).toBe(contents.operatingPoints![0]!.validation.fp);
    expect(model.livePolicy).toBeUndefined();
  });

  it('record whole sessions as truncation null and read them back as { kind: none }', async () => {
    const dir = fresh();
    await writeModelDirectory(dir, { ...contents, truncation: { kind: 'none' } });
    expect((await readModelManifest(dir)).truncation).toBeNull();
    expect((await readModelDirectory(dir)).truncation).toEqual({ kind: 'none' });
  });

  it('save an Infinity threshold (flag nothing) as null and read it back as Infinity, not as a default', async () => {
    const dir = fresh();
    const never = { ...contents.operatingPoints![0]!, threshold: Infinity };
    await writeModelDirectory(dir, { ...contents, operatingPoints: [never] });
    expect(JSON.parse(readFileSync(path.join(dir, 'operating-points.json'), 'utf8'))[0].threshold).toBeNull();
    expect((await readModelDirectory(dir)).operatingPoints[0]!.threshold).toBe(Infinity);
  });

  it("keep a live policy and extra JSON files through the manifest, parsed by the caller's validator", async () => {
    const dir = fresh();
    await writeModelDirectory(dir, {
      ...contents,
      livePolicy: { threshold: 0.9, sustain: 2 },
      extraFiles: { detector: { file: 'detector.json', content: { members: ['first10'] } } },
    });
    expect(JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')).files).toEqual({
      model: 'model.tar.gz',
      features: 'features.json',
      operatingPoints: 'operating-points.json',
      livePolicy: 'live-policy.json',
      detector: 'detector.json',
    });
    const model = await readModelDirectory(dir, {
      parseLivePolicy: (json) => json as { threshold: number; sustain: number },
    });
    expect(model.livePolicy).toEqual({ threshold: 0.9, sustain: 2 });
    expect(model.extras).toEqual({ detector: { members: ['first10'] } });
    const err = await rejected(
      readModelDirectory(dir, {
        parseLivePolicy: () => {
          throw new Error('sustain must be ≥ 1');
        },
      }),
    );
    expect(err.message).toBe(`${path.join(dir, 'live-policy.json')}: sustain must be ≥ 1`);
  });

  it('refuse to replace a model directory unless overwrite is set', async () => {
    const dir = fresh();
    await writeModelDirectory(dir, contents);
    const err = await rejected(writeModelDirectory(dir, contents));
    expect(err.message).toMatch(/already holds a model/);
    await writeModelDirectory(dir, { ...contents, name: 'again' }, { overwrite: true });
    expect((await readModelManifest(dir)).name).toBe('again');
  });

  it("refuse to write a schema whose width is not the model's, before writing anything", async () => {
    const dir = fresh();
    const narrow = liveFixture({ seed: 5, sessions: 200, features: { timing: false }, rounds: 2 });
    const err = await rejected(writeModelDirectory(dir, { ...contents, schema: narrow.schema }));
    expect(err.message).toMatch(/has \d+ features but the model takes \d+/);
    expect(existsSync(dir)).toBe(false);
  });

  it("record how training ended (trees, best round, early stopping's metric and best score) and read it back", async () => {
    const dir = fresh();
    const training = {
      trees: 5,
      bestIteration: 4,
      earlyStopping: { rounds: 3, metric: 'validation-auc', bestScore: 0.9734, roundsTrained: 8 },
    };
    await writeModelDirectory(dir, { ...contents, training });
    expect(JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')).training).toEqual(training);
    const model = await readModelDirectory(dir);
    expect(model.training).toEqual(training);
    expect(model.manifest.version).toBe(1);
  });

  it('read a version-1 manifest without a training record (written before it existed) as before', async () => {
    const dir = fresh();
    await writeModelDirectory(dir, contents);
    expect('training' in JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'))).toBe(false);
    expect((await readModelDirectory(dir)).training).toBeUndefined();
  });

  it("refuse a training record that does not describe the model's trees, before writing anything", async () => {
    const dir = fresh();
    const err = await rejected(writeModelDirectory(dir, { ...contents, training: { trees: 9, bestIteration: 8 } }));
    expect(err.key).toBe('training.trees');
    expect(err.message).toMatch(/manifest\.json: training\.trees must be the model's 5 trees, got 9/);
    expect(existsSync(dir)).toBe(false);
  });

  it('refuse a bad truncation or hyperparameter before writing anything', async () => {
    const dir = fresh();
    const t = await rejected(writeModelDirectory(dir, { ...contents, truncation: { kind: 'firstN', n: 0 } }));
    expect(t.key).toBe('truncation');
    expect(t.message).toMatch(/manifest\.json: truncation firstN\.n must be an integer ≥ 1, got 0/);
    const h = await rejected(writeModelDirectory(dir, { ...contents, hyperparameters: { eta: Number.NaN } }));
    expect(h.key).toBe('hyperparameters');
    expect(existsSync(dir)).toBe(false);
  });
});

describe('readModelDirectory fails closed', () => {
  async function corrupt(edit: (dir: string) => void): Promise<ModelDirectoryError> {
    const dir = fresh();
    await writeModelDirectory(dir, contents);
    edit(dir);
    return rejected(readModelDirectory(dir));
  }
  const editManifest = (dir: string, change: (m: Record<string, unknown>) => void): void => {
    const file = path.join(dir, 'manifest.json');
    const m = JSON.parse(readFileSync(file, 'utf8'));
    change(m);
    writeFileSync(file, JSON.stringify(m));
  };

  it('names the missing manifest of a folder from an older version and says what to do', async () => {
    const err = await corrupt((dir) => rmSync(path.join(dir, 'manifest.json')));
    expect(err.message).toMatch(
      /manifest\.json: does not exist: not a model directory \(a model folder from an older sessionsentry/,
    );
  });

  it('refuses a manifest from a newer version by its version number', async () => {
    const err = await corrupt((dir) =>
      editManifest(dir, (m) => {
        m.version = 2;
      }),
    );
    expect(err.message).toMatch(/manifest\.json: version is 2: written by a newer sessionsentry/);
  });

  it('refuses a file name that leaves the directory (path traversal)', async () => {
    const err = await corrupt((dir) =>
      editManifest(dir, (m) => {
        (m.files as Record<string, string>).model = '../../etc/passwd';
      }),
    );
    expect(err.key).toBe('files.model');
    expect(err.message).toMatch(/must be a plain file name inside the directory/);
  });

  it('refuses a manifest truncation that is not a truncation, naming the field', async () => {
    const err = await corrupt((dir) =>
      editManifest(dir, (m) => {
        m.truncation = { kind: 'lastN', n: -3 };
      }),
    );
    expect(err.message).toMatch(/truncation lastN\.n must be an integer ≥ 1, got -3/);
  });

  it('refuses a malformed training record, naming the field', async () => {
    const err = await corrupt((dir) =>
      editManifest(dir, (m) => {
        m.training = {
          trees: 5,
          bestIteration: 4,
          earlyStopping: { rounds: 3, metric: 'validation-auc', bestScore: 'high', roundsTrained: 8 },
        };
      }),
    );
    expect(err.key).toBe('training.earlyStopping.bestScore');
    expect(err.message).toMatch(/must be a finite number, got "high"/);
    const beyond = await corrupt((dir) =>
      editManifest(dir, (m) => {
        m.training = { trees: 5, bestIteration: 5 };
      }),
    );
    expect(beyond.key).toBe('training.bestIteration');
    expect(beyond.message).toMatch(/must be an integer in \[0, 4\] \(a round of the 5 trees\), got 5/);
  });

  it('names the file of invalid JSON (with line:column when the runtime gives a position)', async () => {
    const err = await corrupt((dir) => writeFileSync(path.join(dir, 'operating-points.json'), '[\n  {"rule": }\n]'));
    expect(err.file).toMatch(/operating-points\.json(:2:\d+)?$/);
    expect(err.message).toMatch(/is not valid JSON/);
  });

  it("refuses a features.json whose width differs from the model's", async () => {
    const narrow = liveFixture({ seed: 5, sessions: 200, features: { timing: false }, rounds: 2 });
    const err = await corrupt((dir) => writeFileSync(path.join(dir, 'features.json'), JSON.stringify(narrow.schema)));
    expect(err.message).toMatch(/features\.json: has \d+ features but the model takes \d+/);
  });

  it('refuses a truncated model.tar.gz with the file named', async () => {
    const err = await corrupt((dir) => {
      const file = path.join(dir, 'model.tar.gz');
      writeFileSync(file, readFileSync(file).subarray(0, 40));
    });
    expect(err.message).toMatch(/model\.tar\.gz: is not a readable model\.tar\.gz/);
  });

  it('refuses a missing model file and an operating point without a rule', async () => {
    expect((await corrupt((dir) => rmSync(path.join(dir, 'model.tar.gz')))).message).toMatch(
      /model\.tar\.gz: the model cannot be read: the file is missing/,
    );
    const err = await corrupt((dir) =>
      writeFileSync(
        path.join(dir, 'operating-points.json'),
        JSON.stringify([{ threshold: 0.5, chosenOn: 'validation', validation: {} }]),
      ),
    );
    expect(err.key).toBe('[0].rule');
  });
});

describe('package-info', () => {
  it('states the name and version package.json states', () => {
    const pkg = JSON.parse(readFileSync(path.join(__dirname, '../../package.json'), 'utf8'));
    expect([PACKAGE_NAME, PACKAGE_VERSION]).toEqual([pkg.name, pkg.version]);
  });
});
