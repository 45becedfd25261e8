import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { train } from '../../src/model/train.js';
import { TrainingData } from '../../src/model/training-data.js';

// Evaluation metrics and early stopping compared with real XGBoost 1.7.4 (Debian's python3-xgboost at
// /usr/bin/python3): xgb.train's evals_result, best_iteration / best_ntree_limit / best_score attributes
// and the number of trees kept.
const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import xgboost; print(xgboost.__version__)'], { encoding: 'utf8' });
const version = probe.status === 0 ? probe.stdout.trim() : undefined;
if (version === undefined)
  console.log(`train-evals: SKIPPED — XGBoost is not installed at ${PYTHON} (apt-get install python3-xgboost)`);

const SCRIPT = String.raw`
import contextlib, io, json, sys
import numpy as np, xgboost as xgb
root = sys.argv[1]
def load(name):
    t = np.array([[float(v) if v != '' else np.nan for v in l.rstrip('\n').split(',')] for l in open(root + '/' + name)])
    return xgb.DMatrix(t[:, 1:], label=t[:, 0], missing=np.nan)
dtrain, dvalid = load('train.csv'), load('valid.csv')
out = []
for case in json.loads(sys.argv[2]):
    result = {}
    evals = [(dtrain, 'train'), (dvalid, 'validation')] if case['both'] else [(dvalid, 'validation')]
    params = dict(case['params'], objective='binary:logistic', nthread=1)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        b = xgb.train(params, dtrain, case['rounds'], evals=evals, evals_result=result, verbose_eval=True,
                      early_stopping_rounds=case.get('early'))
    model = json.loads(b.save_raw('json'))
    out.append(dict(history={k: {m: list(v) for m, v in ms.items()} for k, ms in result.items()},
                    printed=[l for l in printed.getvalue().splitlines() if l.startswith('[')],
                    attributes=model['learner']['attributes'],
                    trees=len(model['learner']['gradient_booster']['model']['trees'])))
print(json.dumps(out))
`;

function makeSet(seed: number, rows: number, positives: number): string {
  let s = seed >>> 0;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    const a = Math.floor(next() * 8);
    const b = Math.floor(next() * 30);
    const c = next() < 0.1 ? '' : String(Math.fround(next() * 5 - 1));
    const bad = next() < positives * (a > 4 ? 3 : 0.5);
    lines.push(`${bad ? 1 : 0},${a},${b},${c}`);
  }
  return `${lines.join('\n')}\n`;
}

const CASES = [
  {
    name: 'hist, logloss/auc/error, early stopping on the last metric (error, minimised)',
    params: { tree_method: 'hist', max_depth: 3, eta: 0.3, eval_metric: ['logloss', 'auc', 'error'] },
    rounds: 40,
    early: 4,
    both: true,
  },
  {
    name: 'exact, auc (maximised), early stopping',
    params: { tree_method: 'exact', max_depth: 4, eta: 0.5, gamma: 0.5, subsample: 0.8, seed: 3, eval_metric: 'auc' },
    rounds: 60,
    early: 3,
    both: false,
  },
  {
    name: 'exact, default logloss on two eval sets, no early stopping',
    params: { tree_method: 'exact', max_depth: 2 },
    rounds: 12,
    both: true,
  },
] as const;

describe.skipIf(version === undefined)(
  `evaluation and early stopping agree with xgb.train of XGBoost ${version ?? '(not installed)'}`,
  () => {
    it('gives the same per-round metrics, attributes and tree counts', () => {
      const root = mkdtempSync(path.join(os.tmpdir(), 'sessionsentry-evals-'));
      try {
        const trainCsv = makeSet(1, 1500, 0.05);
        const validCsv = makeSet(2, 700, 0.05);
        writeFileSync(path.join(root, 'train.csv'), trainCsv);
        writeFileSync(path.join(root, 'valid.csv'), validCsv);
        const run = spawnSync(PYTHON, ['-c', SCRIPT, root, JSON.stringify(CASES)], {
          encoding: 'utf8',
          maxBuffer: 1 << 26,
        });
        expect(run.status, run.stderr).toBe(0);
        const theirs = JSON.parse(run.stdout.trim().split('\n').pop()!) as {
          history: Record<string, Record<string, number[]>>;
          printed: string[];
          attributes: Record<string, string>;
          trees: number;
        }[];
        const dtrain = TrainingData.fromCsv(trainCsv);
        const dvalid = TrainingData.fromCsv(validCsv);
        CASES.forEach((c, k) => {
          const lines: string[] = [];
          const evals = c.both
            ? [
                { name: 'train', data: dtrain },
                { name: 'validation', data: dvalid },
              ]
            : [{ name: 'validation', data: dvalid }];
          const ours = train(
            dtrain,
            { ...c.params, num_round: c.rounds },
            {
              evals,
              earlyStoppingRounds: 'early' in c ? c.early : undefined,
              onIteration: (info) => lines.push(info.line),
            },
          );
          const x = theirs[k]!;
          expect(ours.booster.model.trees.length, c.name).toBe(x.trees);
          expect(ours.booster.model.attributes, c.name).toEqual(x.attributes);
          for (const [set, metrics] of Object.entries(x.history)) {
            for (const [metric, values] of Object.entries(metrics)) {
              const mine = (ours.evalHistory[set] as Record<string, readonly number[]>)[metric]!;
              expect(mine.length, `${c.name} ${set}-${metric}`).toBe(values.length);
              // Exactly the double XGBoost reports (AUC NaN for one-class sets compares equal too).
              mine.forEach((v, i) => expect(v, `${c.name} ${set}-${metric}[${i}]`).toBe(values[i]!));
            }
          }
          // Every line xgb.train printed (it skips the last round when early stopping ends training).
          expect(x.printed.length, c.name).toBeGreaterThan(0);
          for (const printed of x.printed) {
            const round = Number(/^\[(\d+)\]/.exec(printed)![1]);
            expect(lines[round], c.name).toBe(printed);
          }
        });
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    }, 120_000);
  },
);

const haveCtypes = spawnSync(PYTHON, ['-c', 'import ctypes, numpy'], { encoding: 'utf8' }).status === 0;
describe.skipIf(!haveCtypes)('glibcLogf', () => {
  it("equals the C library's logf (glibc, through ctypes) bit for bit on random float32 inputs", async () => {
    const { glibcLogf } = await import('../../src/model/metrics.js');
    const n = 20000;
    const xs = new Float32Array(n);
    const bits = new Uint32Array(xs.buffer);
    let s = 99;
    for (let i = 0; i < n; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      bits[i] = 0x00000001 + (s % 0x7f7fffff); // every positive finite float32, subnormals included
    }
    const root = mkdtempSync(path.join(os.tmpdir(), 'sessionsentry-logf-'));
    try {
      writeFileSync(path.join(root, 'x.bin'), Buffer.from(xs.buffer));
      const run = spawnSync(
        PYTHON,
        [
          '-c',
          "import ctypes,numpy as np,sys\nm=ctypes.CDLL('libm.so.6');m.logf.restype=ctypes.c_float;m.logf.argtypes=[ctypes.c_float]\nx=np.fromfile(sys.argv[1],dtype=np.float32)\nprint(' '.join(str(np.float32(m.logf(float(v))).view(np.uint32)) for v in x))",
          path.join(root, 'x.bin'),
        ],
        { encoding: 'utf8', maxBuffer: 1 << 26 },
      );
      expect(run.status, run.stderr).toBe(0);
      const expected = run.stdout.trim().split(' ').map(Number);
      const out = new Float32Array(1);
      const outBits = new Uint32Array(out.buffer);
      const wrong = expected.filter((e, i) => {
        out[0] = glibcLogf(xs[i]!);
        return outBits[0] !== e;
      }).length;
      expect(wrong).toBe(0);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
