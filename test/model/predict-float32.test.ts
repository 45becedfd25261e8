/**
 * Float32 semantics against their outside references: glibc's own `expf` (called through Python
 * ctypes), XGBoost 1.7.4's sigmoid, base margin, threshold comparison and JSON float text, and C's
 * `printf("%.9g")` (Python's % operator). Each part skips with a message when its reference is
 * missing.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseMarginF32, expf, logf, sigmoidF32 } from '../../src/model/expf.js';
import { float32FromBits, float32Hex, formatFloat32, formatFloat32G9, parseFloat32 } from '../../src/model/float32.js';
import { Booster } from '../../src/model/booster.js';
import type { BoosterModel, RegTree } from '../../src/model/model-types.js';
import { writeModelJSON } from '../../src/model/model-json.js';
import { numpyUnavailable, runPython, xgboostUnavailable } from './model-fixture-helpers.js';

/** A seeded xorshift for test inputs. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

/** Float32 test values: random bit patterns of finite floats, plus edges and exact decimal ties. */
function interestingFloats(n: number, seed: number): number[] {
  const r = rng(seed);
  const out = [
    0.5,
    1,
    3,
    0.1,
    0.3,
    1e-5,
    16777216,
    3.4028234663852886e38,
    1.1754943508222875e-38,
    1.401298464324817e-45,
    1.31640625,
    5.55078125,
    -0.12000000476837158,
    2 ** -20,
    123456792,
  ];
  while (out.length < n) {
    const u = Math.floor(r() * 2 ** 32);
    const v = float32FromBits(u);
    if (Number.isFinite(v)) out.push(v);
    out.push(Math.fround((Math.floor(r() * 20000) - 10000) / 256)); // k/256: many ties at 8 digits
  }
  return out.map((v) => Math.fround(v));
}

describe.skipIf(numpyUnavailable() !== null)('expf: bit-exact with glibc (the C library XGBoost calls)', () => {
  it('matches glibc expf on 60 000 float32 inputs across the range, NaN, ±inf, overflow and underflow', () => {
    const r = rng(7);
    const inputs: number[] = [
      0,
      -0,
      1,
      -1,
      88.72283172607422,
      88.72284,
      -103.97207641601562,
      -103.973,
      -87.33654,
      1e-8,
      -1e-8,
      Infinity,
      -Infinity,
      Number.NaN,
    ];
    while (inputs.length < 60_000) {
      const range = inputs.length % 3 === 0 ? 10 : inputs.length % 3 === 1 ? 90 : 110;
      inputs.push(Math.fround((r() * 2 - 1) * range));
    }
    const hex = inputs.map(float32Hex).join('\n');
    const script = [
      'import sys, ctypes, struct',
      "libm = ctypes.CDLL('libm.so.6')",
      'libm.expf.restype = ctypes.c_float',
      'libm.expf.argtypes = [ctypes.c_float]',
      'out = []',
      'for h in sys.stdin.read().split():',
      "    x = struct.unpack('<f', struct.pack('<I', int(h, 16)))[0]",
      "    out.append('%08x' % struct.unpack('<I', struct.pack('<f', libm.expf(x)))[0])",
      "print('\\n'.join(out))",
    ].join('\n');
    const glibc = runPython(script, [], hex).trim().split('\n');
    const ours = inputs.map((x) => float32Hex(expf(x)));
    const mismatches = ours
      .map((h, i) => (h === glibc[i] ? null : `${inputs[i]}: ours ${h} glibc ${glibc[i]}`))
      .filter((m) => m !== null);
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(glibc).toHaveLength(inputs.length);
  });
});

describe.skipIf(numpyUnavailable() !== null)(
  'logf: bit-exact with glibc (XGBoost takes the base margin with it)',
  () => {
    it('matches glibc logf on the odds 1/bs − 1 of 99 999 base scores and on 50 000 random float32 values', () => {
      const inputs: number[] = [
        1,
        0.5,
        2,
        Number.MIN_VALUE,
        1.1754942106924411e-38,
        3.4028234663852886e38,
        0,
        Infinity,
      ];
      for (let k = 1; k < 100_000; k++) {
        const bs = Math.fround(k / 100_000);
        inputs.push(Math.fround(Math.fround(1 / bs) - 1));
      }
      const r = rng(13);
      while (inputs.length < 150_000) {
        const v = float32FromBits(Math.floor(r() * 0x7f800000)); // positive finite, subnormals included
        inputs.push(v);
      }
      const script = [
        'import sys, ctypes, struct',
        "libm = ctypes.CDLL('libm.so.6')",
        'libm.logf.restype = ctypes.c_float',
        'libm.logf.argtypes = [ctypes.c_float]',
        'out = []',
        'for h in sys.stdin.read().split():',
        "    x = struct.unpack('<f', struct.pack('<I', int(h, 16)))[0]",
        "    out.append('%08x' % struct.unpack('<I', struct.pack('<f', libm.logf(x)))[0])",
        "print('\\n'.join(out))",
      ].join('\n');
      const glibc = runPython(script, [], inputs.map(float32Hex).join('\n')).trim().split('\n');
      const mismatches = inputs
        .map((x, i) =>
          float32Hex(logf(x)) === glibc[i] ? null : `${x}: ours ${float32Hex(logf(x))} glibc ${glibc[i]}`,
        )
        .filter((m) => m !== null);
      expect(mismatches.slice(0, 5)).toEqual([]);
      // The correctly rounded log is not what glibc (and so XGBoost) computes for some base scores.
      const naive = inputs
        .slice(8, 100_007)
        .filter((x, i) => float32Hex(Math.fround(Math.log(x))) !== glibc[i + 8]).length;
      expect(naive).toBeGreaterThan(0);
    });
  },
);

describe.skipIf(numpyUnavailable() !== null)('formatFloat32G9: C printf %.9g (as get_dump prints)', () => {
  it('matches Python % formatting (C printf semantics) on 20 000 float32 values', () => {
    const values = interestingFloats(20_000, 3).filter((v) => v !== 0);
    const script = "import sys\nprint('\\n'.join('%.9g' % float(x) for x in sys.stdin.read().split()))";
    const expected = runPython(script, [], values.map((v) => v.toPrecision(17)).join('\n'))
      .trim()
      .split('\n');
    expect(values.map(formatFloat32G9)).toEqual(expected);
  });
});

/** A one-tree model whose leaf k is reached by x0 = k: a comb of splits x0 < k + 0.5. */
function combModel(leafValues: readonly number[], baseScore: number, thresholds?: readonly number[]): BoosterModel {
  const leaves = leafValues.length;
  const n = 2 * leaves - 1;
  const left = new Int32Array(n).fill(-1);
  const right = new Int32Array(n).fill(-1);
  const parents = new Int32Array(n);
  const split = new Uint32Array(n);
  const cond = new Float32Array(n);
  const dl = new Uint8Array(n);
  parents[0] = 2147483647;
  // Internal node i (0..leaves-2) at slot 2i: left child is leaf i at slot 2i+1, right is next internal 2i+2.
  for (let i = 0; i < leaves - 1; i++) {
    const node = 2 * i;
    left[node] = node + 1;
    right[node] = node + 2;
    parents[node + 1] = node;
    parents[node + 2] = node;
    cond[node] = thresholds?.[i] ?? i + 0.5;
    dl[node] = 1;
    cond[node + 1] = leafValues[i]!;
  }
  cond[n - 1] = leafValues[leaves - 1]!;
  const zeros = new Float32Array(n);
  const tree: RegTree = {
    numNodes: n,
    numDeleted: 0,
    numFeature: 1,
    leftChildren: left,
    rightChildren: right,
    parents,
    splitIndices: split,
    splitConditions: cond,
    defaultLeft: dl,
    baseWeights: cond,
    lossChanges: zeros,
    sumHessian: zeros,
  };
  return {
    version: [1, 7, 4],
    objective: 'binary:logistic',
    scalePosWeight: 1,
    baseScore: Math.fround(baseScore),
    boostFromAverage: false,
    numFeature: 1,
    trees: [tree],
    treeInfo: new Int32Array(1),
    attributes: {},
    featureNames: [],
    featureTypes: [],
  };
}

/** Loads each job's model with XGBoost, predicts its rows, and saves the model again as XGBoost writes it. */
const PREDICT = [
  'import sys, os, numpy as np, xgboost as xgb',
  'for d in sys.argv[1:]:',
  "    b = xgb.Booster(model_file=os.path.join(d, 'm.json'))",
  "    x = np.fromfile(os.path.join(d, 'x.f64'), dtype=np.float64).reshape(-1, 1)",
  '    m = xgb.DMatrix(x, missing=np.nan, nthread=1)',
  "    np.concatenate([b.predict(m, output_margin=True), b.predict(m)]).astype(np.float32).tofile(os.path.join(d, 'p.f32'))",
  "    open(os.path.join(d, 'saved.json'), 'wb').write(b.save_raw('json'))",
].join('\n');

// 0.02179 and 0.03492: base scores whose margin a correctly rounded log gets 1 ulp wrong (glibc's logf is not).
const BASE_SCORES = [0.5, 0.3, 0.1, 0.73, 0.9, 0.01, 0.02179, 0.03492];
const sigmoidLeaves = ((): number[] => {
  const r = rng(11);
  return Array.from({ length: 400 }, (_, i) =>
    Math.fround(
      i < 10 ? [0, -0, 88.7, -88.7, 90, -90, 1e-7, 17.5, -17.5, 36.7][i]! : (r() * 2 - 1) * (i % 2 ? 20 : 90),
    ),
  );
})();
const THRESHOLDS = [0.1, 0.3, 1 / 3, 2.5, 1e-3, 123.456];
const thresholdLeaves = Array.from({ length: THRESHOLDS.length + 1 }, (_, i) => Math.fround(i / 10 - 0.3));
const thresholdInputs = ((): Float64Array => {
  const x: number[] = [];
  for (const t of THRESHOLDS) {
    const t32 = Math.fround(t);
    x.push(
      t,
      t32,
      t - 1e-10,
      t + 1e-10,
      t32 - 2 ** -60,
      nextDown(t32),
      nextUp(t32),
      (t32 + nextDown(t32)) / 2,
      (t32 + nextUp(t32)) / 2,
    );
  }
  x.push(Number.NaN, 0.0999999999);
  return Float64Array.from(x);
})();
const formatValues = interestingFloats(6_000, 5);

/** Every model XGBoost is asked about, run in one Python process. */
const JOBS: { name: string; model: BoosterModel; x: Float64Array }[] = [
  ...BASE_SCORES.map((bs) => ({
    name: `sigmoid-${bs}`,
    model: combModel(sigmoidLeaves, bs),
    x: Float64Array.from(sigmoidLeaves, (_, i) => i),
  })),
  { name: 'thresholds', model: combModel(thresholdLeaves, 0.5, THRESHOLDS), x: thresholdInputs },
  { name: 'format', model: combModel(formatValues, 0.5), x: new Float64Array([0]) },
];

describe.skipIf(xgboostUnavailable() !== null)('float32 prediction semantics against XGBoost 1.7.4', () => {
  let dir = '';
  const reference = new Map<string, { margin: Float32Array; prob: Float32Array; json: string }>();
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'predict-float32-'));
    const dirs = JOBS.map((job) => {
      const d = path.join(dir, job.name);
      mkdirSync(d);
      writeFileSync(path.join(d, 'm.json'), writeModelJSON(job.model));
      writeFileSync(path.join(d, 'x.f64'), job.x);
      return d;
    });
    runPython(PREDICT, dirs);
    JOBS.forEach((job, i) => {
      const b = readFileSync(path.join(dirs[i]!, 'p.f32'));
      const all = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
      const json = readFileSync(path.join(dirs[i]!, 'saved.json'), 'utf8');
      reference.set(job.name, { margin: all.subarray(0, job.x.length), prob: all.subarray(job.x.length), json });
    });
  }, 60_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('sigmoid and base margin equal XGBoost for 400 margins across ±90 under each of eight base scores', () => {
    const x = Float64Array.from(sigmoidLeaves, (_, i) => i);
    for (const bs of BASE_SCORES) {
      const booster = new Booster(combModel(sigmoidLeaves, bs));
      const ref = reference.get(`sigmoid-${bs}`)!;
      expect(
        Array.from(booster.predictMargin({ data: x, rows: x.length, columns: 1 }), float32Hex),
        `margins, base_score ${bs}`,
      ).toEqual(Array.from(ref.margin, float32Hex));
      expect(
        Array.from(booster.predict({ data: x, rows: x.length, columns: 1 }), float32Hex),
        `probabilities, base_score ${bs}`,
      ).toEqual(Array.from(ref.prob, float32Hex));
      expect(float32Hex(booster.predictRowMargin([Number.NaN]))).toBe(
        float32Hex(Math.fround(baseMarginF32(bs) + sigmoidLeaves[0]!)),
      );
    }
    expect(float32Hex(sigmoidF32(0))).toBe(float32Hex(0.5));
  });

  it('compares float64 inputs as float32 against float32 thresholds: 0.0999999999 goes right of 0.1 (§2.6)', () => {
    const data = thresholdInputs;
    const booster = new Booster(combModel(thresholdLeaves, 0.5, THRESHOLDS));
    const ref = reference.get('thresholds')!;
    expect(Array.from(booster.predictMargin({ data, rows: data.length, columns: 1 }), float32Hex)).toEqual(
      Array.from(ref.margin, float32Hex),
    );
    data.forEach((v, i) =>
      expect(float32Hex(booster.predictRowMargin([v])), `x = ${v}`).toBe(float32Hex(ref.margin[i]!)),
    );
    // The stump example of XGBOOST_COMPAT §2.6: fround(0.0999999999) = 0.1f is not < 0.1f, so right.
    expect(booster.predictRowMargin([0.0999999999])).toBe(thresholdLeaves[1]);
  });

  it('writes floats as XGBoost 1.7.4 does (shortest float32, capital E): 6 000 values re-saved by XGBoost', () => {
    expect(writeModelJSON(combModel(formatValues, 0.5))).toBe(reference.get('format')!.json); // the whole document, byte for byte
    formatValues.forEach((v) => expect(parseFloat32(formatFloat32(v))).toBe(v));
  });
});

describe('float32 text', () => {
  it('formats base_score 0.5 as XGBoost 1.7.4 writes it in model.json: 5E-1', () => {
    expect(formatFloat32(0.5)).toBe('5E-1');
    expect(formatFloat32(-0)).toBe('-0E0');
    expect(formatFloat32(3)).toBe('3E0');
  });
});

function nextUp(x: number): number {
  const b = new Float64Array([x]);
  const u = new BigUint64Array(b.buffer);
  u[0] = x >= 0 ? u[0]! + 1n : u[0]! - 1n;
  return b[0]!;
}

function nextDown(x: number): number {
  return -nextUp(-x);
}
