import { describe, expect, it } from 'vitest';
import { TrainAbortedError, pythonFloatRepr, train, trainAsync } from '../../src/model/train.js';
import { TrainingData } from '../../src/model/training-data.js';

function dataset(seed: number, rows = 600): TrainingData {
  let s = seed >>> 0;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  const values: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < rows; i++) {
    const a = Math.floor(next() * 6);
    const b = Math.floor(next() * 20);
    const c = next() < 0.1 ? Number.NaN : next() * 4;
    values.push(a, b, c);
    labels.push(a + (Number.isNaN(c) ? 1 : c) + next() * 3 > 6 ? 1 : 0);
  }
  return TrainingData.fromRowMajor(values, 3, labels);
}

describe('train: determinism and control', () => {
  const data = dataset(1);
  for (const tree_method of ['exact', 'hist'] as const) {
    it(`${tree_method}: the same seed gives the same model, byte for byte`, () => {
      const params = { tree_method, subsample: 0.7, seed: 11, max_depth: 4, num_round: 8 };
      expect(train(data, params).booster.toJSON()).toBe(train(data, params).booster.toJSON());
    });

    it(`${tree_method}: another seed draws other rows and so grows other trees`, () => {
      const a = train(data, { tree_method, subsample: 0.7, seed: 11, num_round: 3 }).booster.toJSON();
      const b = train(data, { tree_method, subsample: 0.7, seed: 12, num_round: 3 }).booster.toJSON();
      expect(a).not.toBe(b);
    });
  }

  it('trainAsync yields between rounds and returns the same model as train', async () => {
    const params = { tree_method: 'hist', subsample: 0.8, num_round: 5 };
    const sync = train(data, params).booster.toJSON();
    expect((await trainAsync(data, params)).booster.toJSON()).toBe(sync);
  });

  it('stops with TrainAbortedError when its signal is aborted, reporting the finished rounds', async () => {
    const controller = new AbortController();
    const run = trainAsync(
      data,
      { num_round: 1000 },
      {
        signal: controller.signal,
        onIteration: ({ iteration }) => {
          if (iteration === 2) controller.abort(new Error('enough'));
        },
      },
    );
    await expect(run).rejects.toBeInstanceOf(TrainAbortedError);
    await run.catch((err: TrainAbortedError) => {
      expect(err.code).toBe('ERR_ABORTED');
      expect(err.completedRounds).toBe(3);
    });
  });

  it('records best_iteration = rounds − 1 and best_ntree_limit = rounds without early stopping, as xgb.train 1.7 does', () => {
    const { booster, bestIteration, bestNtreeLimit, bestScore } = train(data, { num_round: 4 });
    expect(booster.model.attributes).toEqual({ best_iteration: '3', best_ntree_limit: '4' });
    expect([bestIteration, bestNtreeLimit, bestScore]).toEqual([3, 4, undefined]);
  });

  it('refuses early stopping without an evaluation set and eval sets of another width', () => {
    expect(() => train(data, { early_stopping_rounds: 3 })).toThrow(/at least one eval set/);
    expect(() => train(data, {}, { evals: [{ name: 'v', data: TrainingData.fromCsv('1,2\n') }] })).toThrow(/columns/);
  });
});

describe('pythonFloatRepr', () => {
  it.each([
    [0.15333333333333332, '0.15333333333333332'],
    [1, '1.0'],
    [100, '100.0'],
    [0.0001, '0.0001'],
    [1e-5, '1e-05'],
    [2.5e-7, '2.5e-07'],
    [1e16, '1e+16'],
    [123456789012345680, '1.2345678901234568e+17'],
    [-0.5, '-0.5'],
  ])('writes %s as Python 3 repr() does: %s', (x, text) => {
    expect(pythonFloatRepr(x)).toBe(text);
  });
});
