/**
 * Golden XGBoost 1.7.4 fixtures (test/fixtures/xgboost, written by `save_model` and `get_dump`):
 * every format reads to the same model, and the writers reproduce XGBoost's files byte for byte.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Booster } from '../../src/model/booster.js';
import { readModelJSON, writeModelJSON } from '../../src/model/model-json.js';
import { readModelBinary, writeModelBinary } from '../../src/model/model-binary.js';
import { readModelUBJSON, writeModelUBJSON } from '../../src/model/model-ubjson.js';
import { detectModelFormat, loadModel, loadModelFile } from '../../src/model/model-format.js';
import { extractModelMember } from '../../src/model/model-tarball.js';
import path from 'node:path';
import {
  FIXTURES,
  expectModelsBitwiseEqual,
  fixtureBytes,
  fixturePath,
  repoRoot,
  runPython,
  xgboostUnavailable,
} from './model-fixture-helpers.js';

describe.each(FIXTURES)('fixture %s (XGBoost 1.7.4)', (name) => {
  const jsonText = readFileSync(fixturePath(name, 'model.json'), 'utf8');
  const binary = fixtureBytes(name, 'xgboost-model');
  const tarball = fixtureBytes(name, 'model.tar.gz');

  it('reads model.json, xgboost-model (legacy binary) and model.tar.gz to the same model, tree by tree, bit for bit', () => {
    const fromJson = readModelJSON(jsonText);
    const fromBinary = readModelBinary(binary);
    const fromTar = loadModel(tarball);
    expectModelsBitwiseEqual(fromBinary, fromJson, 'binary vs json');
    expectModelsBitwiseEqual(fromTar, fromJson, 'tarball vs json');
  });

  it('reads the model parameters XGBoost wrote: binary:logistic, base_score 0.5, 4 features, best_ntree_limit', () => {
    const params = JSON.parse(readFileSync(fixturePath(name, 'params.json'), 'utf8')) as {
      num_boost_round: number;
      params: { base_score: number };
    };
    const booster = Booster.fromJSON(jsonText);
    expect(booster.numFeature).toBe(4);
    expect(booster.numTrees).toBe(params.num_boost_round);
    expect(booster.model.baseScore).toBe(Math.fround(params.params.base_score));
    expect(booster.bestNtreeLimit).toBe(params.num_boost_round); // xgb.train stores rounds when there is no early stopping
    expect(booster.model.attributes.best_iteration).toBe(String(params.num_boost_round - 1));
  });

  it('detects each format from its first bytes as XGBoost does', () => {
    expect(detectModelFormat(new TextEncoder().encode(jsonText))).toBe('json');
    expect(detectModelFormat(binary)).toBe('binary');
    expect(detectModelFormat(binary.subarray(4))).toBe('binary'); // 1.0.x files have no 'binf'
    expect(detectModelFormat(tarball)).toBe('tarball');
  });

  it('reads a legacy binary without the binf header (as XGBoost 1.0.x wrote it) to the same model', () => {
    expectModelsBitwiseEqual(readModelBinary(binary.subarray(4)), readModelBinary(binary), 'headerless');
  });

  it('writes JSON byte-identical to XGBoost 1.7.4 save_model("model.json"), from the JSON and from the binary', () => {
    expect(writeModelJSON(readModelJSON(jsonText))).toBe(jsonText);
    expect(writeModelJSON(readModelBinary(binary))).toBe(jsonText);
  });

  it('writes the legacy binary byte-identical to XGBoost 1.7.4 save_model("xgboost-model"), from the binary and from the JSON', () => {
    expect(Buffer.from(writeModelBinary(readModelBinary(binary))).equals(Buffer.from(binary))).toBe(true);
    expect(Buffer.from(writeModelBinary(readModelJSON(jsonText))).equals(Buffer.from(binary))).toBe(true);
  });

  it('holds xgboost-model at the root of model.tar.gz, as SageMaker 1.7-1 packs it', () => {
    const member = extractModelMember(tarball);
    expect(member.name).toBe('xgboost-model');
    expect(Buffer.from(member.data).equals(Buffer.from(binary))).toBe(true);
  });

  it('reads the UBJSON XGBoost 1.7.4 wrote for it (test/fixtures/xgboost-extra) to the same model, and writes it back byte for byte', () => {
    const ubj = new Uint8Array(readFileSync(path.join(repoRoot, 'test/fixtures/xgboost-extra', `${name}.ubj`)));
    expect(detectModelFormat(ubj)).toBe('ubjson');
    const model = readModelUBJSON(ubj);
    expectModelsBitwiseEqual(model, readModelJSON(jsonText), 'ubjson');
    expect(Buffer.from(writeModelUBJSON(model)).equals(Buffer.from(ubj))).toBe(true);
    expectModelsBitwiseEqual(Booster.load(ubj).model, model, 'Booster.load');
  });

  it('round-trips through its own UBJSON writer and reader unchanged', () => {
    const model = readModelJSON(jsonText);
    const ubj = writeModelUBJSON(model);
    expect(detectModelFormat(ubj)).toBe('ubjson');
    expectModelsBitwiseEqual(readModelUBJSON(ubj), model, 'ubjson');
  });

  it('round-trips through toTarGz and Booster.load', () => {
    const booster = Booster.load(binary);
    expectModelsBitwiseEqual(Booster.load(booster.toTarGz()).model, booster.model, 'tarball');
    expectModelsBitwiseEqual(Booster.fromTarGz(booster.toTarGz()).model, booster.model, 'fromTarGz');
  });

  it('loads every file format from disk with Booster.loadFile', async () => {
    const reference = readModelJSON(jsonText);
    for (const file of ['model.json', 'xgboost-model', 'model.tar.gz']) {
      expectModelsBitwiseEqual((await Booster.loadFile(fixturePath(name, file))).model, reference, file);
      expectModelsBitwiseEqual(await loadModelFile(fixturePath(name, file)), reference, file);
    }
  });

  it('dumps trees exactly as get_dump(with_stats=True) (dump_with_stats.txt)', () => {
    const expected = readFileSync(fixturePath(name, 'dump_with_stats.txt'), 'utf8');
    const dump = Booster.load(binary).dump({ withStats: true });
    expect(dump.map((text, i) => `booster[${i}]:\n${text}`).join('')).toBe(expected);
  });

  it('dumps trees without stats as get_dump() does: the with-stats text minus gain and cover', () => {
    const expected = readFileSync(fixturePath(name, 'dump_with_stats.txt'), 'utf8')
      .replace(/,gain=[^,\n]*/g, '')
      .replace(/,cover=[^,\n]*/g, '');
    const dump = Booster.load(binary).dump();
    expect(dump.map((text, i) => `booster[${i}]:\n${text}`).join('')).toBe(expected);
  });
});

describe('pruned exact trees (exact_gamma1)', () => {
  it('keeps deleted slots as XGBoost does: split index 2147483647, default left, no children, counted in num_deleted', () => {
    const model = readModelBinary(fixtureBytes('exact_gamma1', 'xgboost-model'));
    const tree = model.trees[0]!;
    let deleted = 0;
    for (let i = 0; i < tree.numNodes; i++) {
      if (tree.splitIndices[i] === 2147483647) {
        deleted++;
        expect(tree.defaultLeft[i]).toBe(1);
        expect(tree.leftChildren[i]).toBe(-1);
        expect(tree.rightChildren[i]).toBe(-1);
      }
    }
    expect(deleted).toBe(tree.numDeleted);
    expect(deleted).toBeGreaterThan(0);
  });
});

describe.skipIf(xgboostUnavailable() !== null)(
  'dump with feature names and types, against XGBoost 1.7.4 get_dump',
  () => {
    const TYPES = [
      ['q', 'q', 'q', 'q'],
      ['int', 'int', 'int', 'int'],
      ['i', 'int', 'q', 'i'],
    ];
    const featureNames = ['visits', 'clicks', 'purchases', 'tenure'];
    let expected: Record<string, string[][][]> = {};
    beforeAll(() => {
      const script = [
        'import sys, json, xgboost as xgb',
        'out = {}',
        'for name, path in zip(sys.argv[1::2], sys.argv[2::2]):',
        '    b = xgb.Booster(model_file=path)',
        `    b.feature_names = ${JSON.stringify(featureNames)}`,
        '    out[name] = []',
        `    for types in ${JSON.stringify(TYPES)}:`,
        '        b.feature_types = types',
        '        out[name].append([b.get_dump(with_stats=False), b.get_dump(with_stats=True)])',
        'print(json.dumps(out))',
      ].join('\n');
      expected = JSON.parse(
        runPython(
          script,
          FIXTURES.flatMap((name) => [name, fixturePath(name, 'model.json')]),
        ),
      ) as Record<string, string[][][]>;
    }, 60_000);

    it.each(FIXTURES)('%s with names and q / int / i types, with and without stats', (name) => {
      const model = Booster.load(fixtureBytes(name, 'xgboost-model'));
      TYPES.forEach((featureTypes, k) => {
        expect(model.dump({ featureNames, featureTypes }), `${featureTypes}`).toEqual(expected[name]![k]![0]);
        expect(model.dump({ featureNames, featureTypes, withStats: true }), `${featureTypes} with stats`).toEqual(
          expected[name]![k]![1],
        );
      });
    });
  },
);
