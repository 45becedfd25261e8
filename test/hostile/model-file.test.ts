/**
 * Hostile model files (issue 14, points 2, 4 and 13): a declared feature count that would make
 * scoring allocate gigabytes, non-finite leaves and thresholds that would make every score NaN
 * (fail-open), and files that are empty. Each fails with a typed error naming the file, in bounded
 * time and memory; every golden XGBoost 1.7.4 fixture still loads.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Booster } from '../../src/model/booster.js';
import { InvalidModelError, ModelFormatError } from '../../src/model/model-errors.js';
import { readModelBinary } from '../../src/model/model-binary.js';
import { readModelUBJSON, writeModelUBJSON } from '../../src/model/model-ubjson.js';
import { MAX_NUM_FEATURE } from '../../src/model/model-validate.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { ModelDirectoryError, writeModelDirectory } from '../../src/experiment/model-directory.js';
import { LiveScorer } from '../../src/serve/live-scorer.js';
import { liveFixture } from '../serve/live-fixture.js';
import { handleInvocation } from '../../src/serve/handle-invocation.js';
import {
  FIXTURES,
  fixtureBytes,
  fixturePath,
  runPython,
  thrown,
  xgboostUnavailable,
} from '../model/model-fixture-helpers.js';

const jsonText = readFileSync(fixturePath('hist_basic', 'model.json'), 'utf8');
const binary = fixtureBytes('hist_basic', 'xgboost-model');
const ubjson = new Uint8Array(
  readFileSync(path.join(path.dirname(fixturePath('hist_basic', 'model.json')), '../../xgboost-extra/hist_basic.ubj')),
);
const dir = mkdtempSync(path.join(tmpdir(), 'hostile-model-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const HEADER = 4 + 136 + 8 + 15 + 8 + 6; // binf, LearnerModelParam, objective, booster (XGBOOST_COMPAT §3)
const NODES0 = HEADER + 160 + 148; // first node of tree 0; a node is 20 bytes, its float value at +16

// Text surgery on the fixture, not JSON.parse/stringify: XGBoost's reader tells 1.0 from 1.
const tree0 = JSON.parse(jsonText).learner.gradient_booster.model.trees[0] as { left_children: number[] };
const leaf0 = tree0.left_children.indexOf(-1);

/** The fixture's JSON text with tree 0's `split_conditions[node]` replaced by raw JSON text. */
function jsonWith(node: number, raw: string): string {
  const key = '"split_conditions":[';
  const start = jsonText.indexOf(key) + key.length;
  const end = jsonText.indexOf(']', start);
  const values = jsonText.slice(start, end).split(',');
  values[node] = raw;
  return jsonText.slice(0, start) + values.join(',') + jsonText.slice(end);
}

/** The fixture's JSON text declaring another learner num_feature. */
function jsonWithNumFeature(n: number): string {
  const patched = jsonText.replace(/("learner_model_param":\{[^}]*"num_feature":")\d+"/, `$1${n}"`);
  expect(patched).not.toBe(jsonText);
  return patched;
}

function write(name: string, content: string | Uint8Array): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

/**
 * What XGBoost 1.7.4 makes of model files (one Python run): num_features() and the score for one
 * row of zeros (which reaches tree 0's first leaf, node 7, in this fixture), or null unpredicted.
 */
function xgboostLoads(files: { file: string; predict: boolean }[]): { numFeature: number; score: number | null }[] {
  const script = [
    'import sys, json, numpy as np, xgboost as xgb',
    'out = []',
    'for spec in json.loads(sys.argv[1]):',
    '    b = xgb.Booster(model_file=spec["file"])',
    '    p = b.predict(xgb.DMatrix(np.zeros((1, 4))))[0] if spec["predict"] else None',
    '    out.append({"numFeature": b.num_features(), "score": None if p is None else ("NaN" if np.isnan(p) else float(p))})',
    'print(json.dumps(out))',
  ].join('\n');
  const rows = JSON.parse(runPython(script, [JSON.stringify(files)])) as {
    numFeature: number;
    score: number | 'NaN' | null;
  }[];
  return rows.map((r) => ({ numFeature: r.numFeature, score: r.score === 'NaN' ? Number.NaN : r.score }));
}

describe('num_feature is bounded (point 2)', () => {
  const hostile = jsonWithNumFeature(2147483647);

  it('a 23 KB model declaring num_feature = 2147483647 fails to load with InvalidModelError naming the file and the limit, in bounded time and memory', async () => {
    const file = write('wide.json', hostile);
    const before = process.memoryUsage();
    const start = performance.now();
    const err = (await Booster.loadFile(file).catch((e: unknown) => e)) as InvalidModelError;
    const ms = performance.now() - start;
    expect(err).toBeInstanceOf(InvalidModelError);
    expect(err).toMatchObject({ code: 'ERR_INVALID_MODEL', file });
    expect(err.message).toContain(`${file}: num_feature is 2147483647`);
    expect(err.message).toContain(String(MAX_NUM_FEATURE));
    expect(ms).toBeLessThan(1000);
    const after = process.memoryUsage();
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(16 << 20);
  });

  it('a model at the limit still loads, and a 1-row request against it is answered', () => {
    const booster = Booster.load(jsonWithNumFeature(MAX_NUM_FEATURE));
    expect(booster.numFeature).toBe(MAX_NUM_FEATURE);
    expect(handleInvocation(booster, { body: '1,1,1\n', contentType: 'text/csv' }).status).toBe(200);
  });
});

describe('a model meets its feature schema: the widths must agree (point 2)', () => {
  const { booster, schema } = liveFixture({ seed: 9, sessions: 60, features: { counts: true, timing: true } });
  // The same trees declaring more features than the schema has (a legal model, the wrong schema).
  const wider = new Booster({ ...booster.model, numFeature: schema.featureNames.length + 5 });

  it('the live scorer refuses it with InvalidArgumentError naming numFeature and the schema width', () => {
    const err = thrown(() => new LiveScorer({ model: wider, schema, threshold: 0.5 })) as InvalidArgumentError;
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect(err.message).toContain(`${schema.featureNames.length}, the schema's feature count`);
  });

  it('a model directory refuses it with ModelDirectoryError naming features.json, before writing anything', async () => {
    const target = path.join(dir, 'wider-model');
    const err = (await writeModelDirectory(target, { name: 'wider', model: wider, schema }).catch(
      (e: unknown) => e,
    )) as ModelDirectoryError;
    expect(err).toBeInstanceOf(ModelDirectoryError);
    expect(err.message).toContain(
      `has ${schema.featureNames.length} features but the model takes ${schema.featureNames.length + 5}`,
    );
  });

  it('the matching model is accepted by both', async () => {
    expect(new LiveScorer({ model: booster, schema, threshold: 0.5 }).schema).toBe(schema);
    await expect(
      writeModelDirectory(path.join(dir, 'matching-model'), { name: 'matching', model: booster, schema }),
    ).resolves.toMatchObject({ name: 'matching' });
  });
});

describe('non-finite leaves and thresholds are refused (point 4)', () => {
  it.each([
    ['a leaf of 1e999 (infinite once read)', leaf0, '1e999', 'leaf value Infinity'],
    ['a leaf of -1e999', leaf0, '-1e999', 'leaf value -Infinity'],
    ['a leaf of 1e39 (beyond float32: infinite as XGBoost stores it)', leaf0, '1e39', 'leaf value Infinity'],
    ['a root threshold of 1e999', 0, '1e999', 'split condition Infinity'],
  ])('JSON with %s: InvalidModelError naming tree, node and value', (_label, node, raw, problem) => {
    const err = thrown(() => Booster.load(jsonWith(node, raw), { file: 'model.json' })) as InvalidModelError;
    expect(err).toBeInstanceOf(InvalidModelError);
    expect(err).toMatchObject({ code: 'ERR_INVALID_MODEL', tree: 0, file: 'model.json' });
    expect(err.message).toBe(`model.json: tree 0: node ${node} has ${problem} (expected a finite number)`);
  });

  it.skipIf(xgboostUnavailable() !== null)(
    'XGBoost 1.7.4 loads such files (and num_feature = 2^31 − 1) and scores them 1 or NaN: accepting them would fail open',
    () => {
      const [wide, infinite, nan] = xgboostLoads([
        { file: write('wide-xgb.json', jsonWithNumFeature(2147483647)), predict: false },
        { file: write('inf-leaf.json', jsonWith(leaf0, '1e999')), predict: true },
        { file: write('nan-leaf.json', jsonWith(leaf0, 'NaN')), predict: true },
      ]);
      expect(wide!.numFeature).toBe(2147483647);
      expect(leaf0).toBe(7);
      expect([infinite!.numFeature, nan!.numFeature]).toEqual([4, 4]);
      expect(infinite!.score).toBe(1);
      expect(nan!.score).toBeNaN();
      // Our JSON reader refuses the NaN literal outright (it is not JSON).
      expect(() => Booster.load(jsonWith(leaf0, 'NaN'))).toThrow(ModelFormatError);
    },
  );

  it('a NaN leaf in a legacy binary model: InvalidModelError', () => {
    const copy = binary.slice();
    new DataView(copy.buffer).setFloat32(NODES0 + leaf0 * 20 + 16, Number.NaN, true);
    expect(Number.isNaN(readModelBinary(copy).trees[0]!.splitConditions[leaf0])).toBe(true); // the patch hit the leaf
    expect(thrown(() => Booster.load(copy, { file: 'xgboost-model' }))).toMatchObject({
      code: 'ERR_INVALID_MODEL',
      message: `xgboost-model: tree 0: node ${leaf0} has leaf value NaN (expected a finite number)`,
    });
  });

  it('a NaN leaf in a UBJSON model: InvalidModelError', () => {
    const model = readModelUBJSON(ubjson);
    const trees = model.trees.map((t, i) =>
      i === 1
        ? { ...t, splitConditions: t.splitConditions.map((v, j) => (t.leftChildren[j] === -1 ? Number.NaN : v)) }
        : t,
    );
    const err = thrown(() => Booster.load(writeModelUBJSON({ ...model, trees }))) as InvalidModelError;
    expect(err).toBeInstanceOf(InvalidModelError);
    expect(err).toMatchObject({ code: 'ERR_INVALID_MODEL', tree: 1 });
  });

  it('every golden XGBoost 1.7.4 fixture still loads in all three formats', () => {
    for (const name of FIXTURES) {
      expect(Booster.load(readFileSync(fixturePath(name, 'model.json'), 'utf8')).numTrees, name).toBeGreaterThan(0);
      expect(Booster.load(fixtureBytes(name, 'xgboost-model')).numTrees, name).toBeGreaterThan(0);
      expect(Booster.load(fixtureBytes(name, 'model.tar.gz')).numTrees, name).toBeGreaterThan(0);
    }
    expect(Booster.load(ubjson).numTrees).toBeGreaterThan(0);
  });
});

describe('model file errors name the file (point 13)', () => {
  it('an empty model file says it is empty, naming the file', async () => {
    const file = write('xgboost-model', '');
    const err = (await Booster.loadFile(file).catch((e: unknown) => e)) as ModelFormatError;
    expect(err).toBeInstanceOf(ModelFormatError);
    expect(err.code).toBe('ERR_MODEL_FORMAT');
    expect(err.message).toBe(
      `${file}: model, byte 0: the file is empty (expected an XGBoost JSON, UBJSON or legacy binary model, or a model.tar.gz)`,
    );
    expect(thrown(() => Booster.load('  \n'))).toMatchObject({
      code: 'ERR_MODEL_FORMAT',
      message: expect.stringContaining('empty'),
    });
  });

  it('an inconsistent tree in a model file names the file', async () => {
    const file = write('infinite-leaf.json', jsonWith(leaf0, '1e999'));
    const err = (await Booster.loadFile(file).catch((e: unknown) => e)) as InvalidModelError;
    expect(err).toMatchObject({ code: 'ERR_INVALID_MODEL', file, tree: 0 });
    expect(err.message.startsWith(`${file}: tree 0: `)).toBe(true);
  });
});
