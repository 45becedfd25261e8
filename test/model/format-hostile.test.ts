/**
 * Untrusted model files: truncated, corrupt or hostile input fails with a typed error (a
 * SessionSentryError with a literal code), before allocating anything the file cannot back, and
 * never hangs, overflows the stack or predicts from a broken tree.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SessionSentryError } from '../../src/errors.js';
import { Booster } from '../../src/model/booster.js';
import { InvalidModelError, ModelFormatError } from '../../src/model/model-errors.js';
import { readModelBinary } from '../../src/model/model-binary.js';
import { readModelJSON } from '../../src/model/model-json.js';
import { decodeUBJSON, writeModelUBJSON } from '../../src/model/model-ubjson.js';
import { createRandom } from '../../src/random/random.js';
import { fixtureBytes, fixturePath, thrown } from './model-fixture-helpers.js';

const binary = fixtureBytes('hist_basic', 'xgboost-model');
const jsonText = readFileSync(fixturePath('hist_basic', 'model.json'), 'utf8');
const HEADER = 4 + 136 + 8 + 15 + 8 + 6; // binf, LearnerModelParam, objective, booster (XGBOOST_COMPAT §3)
const TREE0 = HEADER + 160; // first TreeParam
const NODES0 = TREE0 + 148; // first node of tree 0

function patched(bytes: Uint8Array, at: number, write: (v: DataView) => void): Uint8Array {
  const copy = bytes.slice();
  write(new DataView(copy.buffer, at));
  return copy;
}

/** Loads, and when the load succeeds, predicts: either way only typed errors may escape. */
function loadAndPredict(bytes: Uint8Array | string): 'loaded' | 'rejected' {
  try {
    const booster = Booster.load(bytes);
    booster.predict({ data: new Float64Array(booster.numFeature * 3).fill(1), rows: 3, columns: booster.numFeature });
    booster.predictRow(new Float64Array(booster.numFeature));
    return 'loaded';
  } catch (err) {
    if (err instanceof SessionSentryError) return 'rejected';
    throw err;
  }
}

describe('legacy binary: truncated and corrupt files', () => {
  it('rejects every truncation of a valid file (all 6343 prefixes) with ModelFormatError', () => {
    for (let n = 0; n < binary.length; n++) {
      const err = thrown(() => readModelBinary(binary.subarray(0, n)));
      expect(err, `prefix of ${n} bytes`).toBeInstanceOf(ModelFormatError);
    }
  });

  it('rejects trailing bytes after the model (every byte must be consumed)', () => {
    const longer = new Uint8Array(binary.length + 3);
    longer.set(binary);
    expect(thrown(() => readModelBinary(longer))).toMatchObject({
      code: 'ERR_MODEL_FORMAT',
      message: expect.stringContaining('3 bytes follow'),
    });
  });

  it('rejects an absurd num_nodes (2^31 − 1) by checking it against the bytes left, before allocating', () => {
    const hostile = patched(binary, TREE0 + 4, (v) => v.setInt32(0, 0x7fffffff, true));
    const err = thrown(() => readModelBinary(hostile)) as ModelFormatError;
    expect(err).toBeInstanceOf(ModelFormatError);
    expect(err.message).toMatch(/num_nodes is 2147483647 but only \d+ bytes remain/);
    expect(err.where).toBe(`byte ${TREE0 + 4}`);
  });

  it('rejects negative or zero counts: num_nodes −1 and 0, num_trees −5, num_deleted −1', () => {
    for (const [at, value] of [
      [TREE0 + 4, -1],
      [TREE0 + 4, 0],
      [HEADER, -5],
      [TREE0 + 8, -1],
    ] as const) {
      expect(
        thrown(() => readModelBinary(patched(binary, at, (v) => v.setInt32(0, value, true)))),
        `${value} at ${at}`,
      ).toBeInstanceOf(ModelFormatError);
    }
  });

  it('rejects an absurd num_trees (2^31 − 1) before allocating', () => {
    const err = thrown(() => readModelBinary(patched(binary, HEADER, (v) => v.setInt32(0, 0x7fffffff, true))));
    expect(err).toMatchObject({ code: 'ERR_MODEL_FORMAT', message: expect.stringMatching(/num_trees is 2147483647/) });
  });

  it('rejects u64 string lengths beyond the file (objective name length 2^63 and 2^40)', () => {
    for (const length of [2n ** 63n, 2n ** 40n, BigInt(binary.length)]) {
      const err = thrown(() => readModelBinary(patched(binary, 140, (v) => v.setBigUint64(0, length, true))));
      expect(err, String(length)).toMatchObject({
        code: 'ERR_MODEL_FORMAT',
        message: expect.stringContaining('objective name length'),
      });
    }
  });

  it('rejects an absurd attribute count before allocating', () => {
    const view = new DataView(binary.buffer, binary.byteOffset);
    // The attribute count precedes the first key's u64 length and the key "best_iteration".
    const at = Buffer.from(binary).indexOf('best_iteration') - 16;
    expect(view.getBigUint64(at, true)).toBe(3n); // best_iteration, best_ntree_limit, objective
    const err = thrown(() => readModelBinary(patched(binary, at, (v) => v.setBigUint64(0, 2n ** 50n, true))));
    expect(err).toMatchObject({ code: 'ERR_MODEL_FORMAT' });
  });

  it('rejects a child id out of range with InvalidModelError naming the tree and node', () => {
    const hostile = patched(binary, NODES0 + 4, (v) => v.setInt32(0, 9999, true)); // node 0 left child
    const err = thrown(() => Booster.load(hostile)) as InvalidModelError;
    expect(err).toBeInstanceOf(InvalidModelError);
    expect(err.tree).toBe(0);
    expect(err.message).toBe('tree 0: node 0 has left child 9999 (expected a node id in [1, 15))');
  });

  it('rejects a cycle back to the root and a node reachable twice', () => {
    const cycle = patched(binary, NODES0 + 20 + 4, (v) => v.setInt32(0, 0, true)); // node 1 left → 0
    expect(thrown(() => Booster.load(cycle))).toBeInstanceOf(InvalidModelError);
    const twice = patched(binary, NODES0 + 8, (v) => v.setInt32(0, 1, true)); // node 0 right → 1 (= left)
    expect(thrown(() => Booster.load(twice))).toMatchObject({
      code: 'ERR_INVALID_MODEL',
      message: expect.stringContaining('reachable twice'),
    });
    const ancestor = patched(binary, NODES0 + 3 * 20 + 4, (v) => v.setInt32(0, 1, true)); // node 3 left → its parent 1
    expect(thrown(() => Booster.load(ancestor))).toBeInstanceOf(InvalidModelError);
  });

  it('rejects a split on a feature beyond num_feature', () => {
    const hostile = patched(binary, NODES0 + 12, (v) => v.setUint32(0, 7, true));
    expect(thrown(() => Booster.load(hostile))).toMatchObject({
      code: 'ERR_INVALID_MODEL',
      message: expect.stringContaining('feature 7'),
    });
  });

  it('survives 3 000 random corruptions: each file either loads and predicts, or fails with a typed error', () => {
    const r = createRandom(42).uniformSource;
    const outcomes = { loaded: 0, rejected: 0 };
    for (let i = 0; i < 3000; i++) {
      const copy = binary.slice();
      const flips = 1 + Math.floor(r() * 4);
      for (let k = 0; k < flips; k++) copy[Math.floor(r() * copy.length)] = Math.floor(r() * 256);
      outcomes[loadAndPredict(copy)]++;
    }
    expect(outcomes.rejected).toBeGreaterThan(0);
    expect(outcomes.loaded + outcomes.rejected).toBe(3000);
  });
});

describe('JSON: hostile and malformed documents', () => {
  const doc = (): {
    learner: {
      learner_model_param: Record<string, unknown>;
      objective: { name: string };
      gradient_booster: { model: { trees: Record<string, unknown>[]; gbtree_model_param: Record<string, unknown> } };
    };
  } => JSON.parse(jsonText);

  it('rejects text that is not JSON, and JSON that is not a model, naming what is missing', () => {
    expect(thrown(() => readModelJSON('{"learner": '))).toMatchObject({ code: 'ERR_MODEL_FORMAT', where: 'text' });
    expect(thrown(() => readModelJSON('[]'))).toMatchObject({ code: 'ERR_MODEL_FORMAT', where: '$' });
    expect(thrown(() => readModelJSON('{"version":[1,7,4]}'))).toMatchObject({
      where: '$.learner',
      message: expect.stringContaining('missing'),
    });
  });

  it('rejects num_nodes 2147483647 with short arrays instead of allocating for it', () => {
    const d = doc();
    d.learner.gradient_booster.model.trees[0]!.tree_param = { num_nodes: '2147483647' };
    const err = thrown(() => readModelJSON(d)) as ModelFormatError;
    expect(err.where).toMatch(/trees\[0\]\.parents$/);
    expect(err.message).toContain('expected num_nodes = 2147483647');
  });

  it('rejects children beyond int32, non-integer ids and wrong types, naming the JSON path', () => {
    const d1 = doc();
    (d1.learner.gradient_booster.model.trees[0]!.left_children as number[])[0] = 2 ** 40;
    expect(thrown(() => readModelJSON(d1))).toMatchObject({
      where: '$.learner.gradient_booster.model.trees[0].left_children[0]',
    });
    const d2 = doc();
    (d2.learner.gradient_booster.model.trees[0]!.split_indices as unknown[])[1] = 'x';
    expect(thrown(() => readModelJSON(d2))).toMatchObject({
      where: '$.learner.gradient_booster.model.trees[0].split_indices[1]',
    });
    const d3 = doc();
    d3.learner.learner_model_param.num_feature = 'four';
    expect(thrown(() => readModelJSON(d3))).toMatchObject({ where: '$.learner.learner_model_param.num_feature' });
  });

  it('rejects a JSON tree with a cycle or a shared child with InvalidModelError', () => {
    const d = doc();
    (d.learner.gradient_booster.model.trees[2]!.right_children as number[])[1] = 1;
    expect(thrown(() => Booster.fromJSON(d))).toMatchObject({ code: 'ERR_INVALID_MODEL', tree: 2 });
  });

  it('rejects unsupported models: another objective, categorical splits, duplicate tree ids, num_trees ≠ trees', () => {
    const d1 = doc();
    d1.learner.objective.name = 'reg:squarederror';
    expect(thrown(() => readModelJSON(d1))).toMatchObject({ message: expect.stringContaining('"binary:logistic"') });
    const d2 = doc();
    (d2.learner.gradient_booster.model.trees[0]!.split_type as number[])[0] = 1;
    expect(thrown(() => readModelJSON(d2))).toMatchObject({ message: expect.stringContaining('categorical') });
    const d3 = doc();
    d3.learner.gradient_booster.model.trees[1]!.id = 0;
    expect(thrown(() => readModelJSON(d3))).toMatchObject({ message: expect.stringContaining('again') });
    const d4 = doc();
    d4.learner.gradient_booster.model.gbtree_model_param.num_trees = '3';
    expect(thrown(() => readModelJSON(d4))).toBeInstanceOf(ModelFormatError);
  });

  it('keeps an attribute named __proto__ as plain data, in JSON and through the binary format', () => {
    const d = JSON.parse(jsonText) as { learner: { attributes: Record<string, string> } };
    const text = JSON.stringify(d).replace('"attributes":{', '"attributes":{"__proto__":"polluted",');
    const model = readModelJSON(text);
    expect(Object.keys(model.attributes)).toContain('__proto__');
    expect(Object.getPrototypeOf(model.attributes)).toBe(Object.prototype);
    // biome-ignore lint/suspicious/noProto: the test reads back an own property named __proto__ from a hostile model
    expect(readModelBinary(new Booster(model).toLegacyBinary()).attributes.__proto__).toBe('polluted');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('survives 2 000 random text corruptions with typed errors only', () => {
    const r = createRandom(7).uniformSource;
    const alphabet = '0123456789-.,:[]{}"eE ';
    let rejected = 0;
    for (let i = 0; i < 2000; i++) {
      const chars = jsonText.split('');
      for (let k = 0; k < 3; k++) chars[Math.floor(r() * chars.length)] = alphabet[Math.floor(r() * alphabet.length)]!;
      if (loadAndPredict(chars.join('')) === 'rejected') rejected++;
    }
    expect(rejected).toBeGreaterThan(0);
  });
});

describe('UBJSON: hostile documents', () => {
  const ubj = writeModelUBJSON(Booster.fromJSON(jsonText).model);

  it('rejects every truncation of a valid document with ModelFormatError', () => {
    for (let n = 0; n < ubj.length; n += 1) {
      expect(
        thrown(() => decodeUBJSON(ubj.subarray(0, n))),
        `prefix of ${n} bytes`,
      ).toBeInstanceOf(ModelFormatError);
    }
  });

  it('rejects a typed-array count of 2^40 before allocating, and negative lengths', () => {
    const huge = new Uint8Array([0x5b, 0x24, 0x64, 0x23, 0x4c, 0, 0, 1, 0, 0, 0, 0, 0]); // [$d#L 2^40
    expect(thrown(() => decodeUBJSON(huge))).toMatchObject({
      code: 'ERR_MODEL_FORMAT',
      message: expect.stringContaining('1099511627776'),
    });
    const negative = new Uint8Array([0x53, 0x69, 0xfe, 0x61]); // S i -2
    expect(thrown(() => decodeUBJSON(negative))).toMatchObject({ message: expect.stringContaining('-2') });
    const stringTooLong = new Uint8Array([0x53, 0x6c, 0x7f, 0xff, 0xff, 0xff, 0x61]); // S l 2^31-1 'a'
    expect(thrown(() => decodeUBJSON(stringTooLong))).toBeInstanceOf(ModelFormatError);
  });

  it('rejects nesting 100 000 deep without overflowing the stack', () => {
    const deep = new Uint8Array(100_000).fill(0x5b);
    expect(thrown(() => decodeUBJSON(deep))).toMatchObject({
      message: expect.stringContaining('nested deeper than 64'),
    });
  });

  it('rejects unknown markers and trailing bytes', () => {
    expect(thrown(() => decodeUBJSON(new Uint8Array([0x51])))).toMatchObject({
      message: expect.stringContaining("'Q'"),
    });
    expect(thrown(() => decodeUBJSON(new Uint8Array([0x7b, 0x7d, 0x7b])))).toMatchObject({
      message: expect.stringContaining('1 bytes follow'),
    });
  });

  it('survives 2 000 random byte corruptions with typed errors only', () => {
    const r = createRandom(9).uniformSource;
    let rejected = 0;
    for (let i = 0; i < 2000; i++) {
      const copy = ubj.slice();
      for (let k = 0; k < 2; k++) copy[1 + Math.floor(r() * (copy.length - 1))] = Math.floor(r() * 256);
      if (loadAndPredict(copy) === 'rejected') rejected++;
    }
    expect(rejected).toBeGreaterThan(0);
  });
});

describe('models deep enough to defeat recursion', () => {
  it('predicts with a 100 000-node chain tree without overflowing the stack', () => {
    const n = 100_001;
    const left = new Int32Array(n).fill(-1);
    const right = new Int32Array(n).fill(-1);
    const parents = new Int32Array(n);
    const cond = new Float32Array(n);
    parents[0] = 2147483647;
    for (let i = 0; i + 2 < n; i += 2) {
      left[i] = i + 1;
      right[i] = i + 2;
      parents[i + 1] = i;
      parents[i + 2] = i;
      cond[i] = 0.5;
      cond[i + 1] = 0.25;
    }
    cond[n - 1] = -1;
    const z = new Float32Array(n);
    const booster = new Booster({
      version: [1, 7, 4],
      objective: 'binary:logistic',
      scalePosWeight: 1,
      baseScore: 0.5,
      boostFromAverage: false,
      numFeature: 1,
      trees: [
        {
          numNodes: n,
          numDeleted: 0,
          numFeature: 1,
          leftChildren: left,
          rightChildren: right,
          parents,
          splitIndices: new Uint32Array(n),
          splitConditions: cond,
          defaultLeft: new Uint8Array(n),
          baseWeights: z,
          lossChanges: z,
          sumHessian: z,
        },
      ],
      treeInfo: new Int32Array(1),
      attributes: {},
      featureNames: [],
      featureTypes: [],
    });
    expect(booster.predictRowMargin([1])).toBe(-1); // right all the way down
    expect(booster.predictRowMargin([0])).toBe(0.25);
    expect(Array.from(booster.predictMargin({ data: new Float64Array([1, 0]), rows: 2, columns: 1 }))).toEqual([
      -1, 0.25,
    ]);
  });
});
