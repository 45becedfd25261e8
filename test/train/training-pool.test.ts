/**
 * Training on worker threads: the TypeScript worker really starts under vitest (through tsx),
 * jobs run on distinct threads, and a model trained on a worker is byte-identical to one trained
 * in-process on the same CSV and hyperparameters.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Booster } from '../../src/model/booster.js';
import { SEED_HYPERPARAMETERS } from '../../src/train/default-hyperparameters.js';
import { RunAbortedError, TrainingJobError } from '../../src/train/train-errors.js';
import { TrainingPool } from '../../src/train/training-pool.js';
import { makeTempDir, writeCsvSet } from './make-csv.js';

const root = makeTempDir('pool');
const setA = writeCsvSet(root, 'a', 11);
const setB = writeCsvSet(root, 'b', 21);

afterAll(() => rmSync(root, { recursive: true, force: true }));

function task(name: string, train: string, extra: Record<string, string> = {}, validation?: string) {
  return {
    jobName: name,
    channels: validation === undefined ? { train } : { train, validation },
    hyperparameters: { ...SEED_HYPERPARAMETERS, ...extra },
    outputDir: path.join(root, 'work', name, 'output'),
  };
}

describe('TrainingPool', () => {
  it('trains on worker threads, two jobs on two different threads', async () => {
    const pool = new TrainingPool({ size: 2 });
    try {
      const [a, b] = await Promise.all([pool.run(task('w-a', setA.train)), pool.run(task('w-b', setB.train))]);
      expect(pool.mode).toBe('worker');
      expect(pool.fallbackReason).toBeUndefined();
      expect(a.threadId).toBeGreaterThan(0);
      expect(b.threadId).toBeGreaterThan(0);
      expect(a.threadId).not.toBe(b.threadId);
      expect(a.trees).toBe(50);
      expect(a.trainRows).toBe(300);
    } finally {
      await pool.close();
    }
  });

  it('prestarts its workers idle and trains the next tasks on those threads, starting none beyond its size', async () => {
    const pool = new TrainingPool({ size: 2 });
    try {
      pool.prestart();
      expect(pool.threads).toBe(2);
      pool.prestart();
      expect(pool.threads).toBe(2);
      const [a, b] = await Promise.all([pool.run(task('p-a', setA.train)), pool.run(task('p-b', setB.train))]);
      expect(pool.threads).toBe(2);
      expect(new Set([a.threadId, b.threadId]).size).toBe(2);
      expect(a.trees).toBe(50);
    } finally {
      await pool.close();
    }
    expect(pool.threads).toBe(0);
    pool.prestart();
    expect(pool.threads).toBe(0);
  });

  it('writes byte-identical models on a worker and in-process', async () => {
    const workers = new TrainingPool({ size: 1 });
    const inProcess = new TrainingPool({ mode: 'in-process' });
    try {
      const extra = { seed: '3' };
      const onWorker = await workers.run(task('same-w', setA.train, extra, setA.validation));
      const here = await inProcess.run(task('same-p', setA.train, extra, setA.validation));
      expect(onWorker.threadId).toBeGreaterThan(0);
      expect(here.threadId).toBe(0);
      expect(readFileSync(onWorker.modelJson, 'utf8')).toBe(readFileSync(here.modelJson, 'utf8'));
      expect(Buffer.compare(readFileSync(onWorker.artifact), readFileSync(here.artifact))).toBe(0);
      expect(onWorker.finalMetrics).toEqual(here.finalMetrics);
      expect(Object.keys(here.finalMetrics)).toEqual(['train', 'validation']);
    } finally {
      await Promise.all([workers.close(), inProcess.close()]);
    }
  });

  it('writes model.tar.gz and model.json holding the same model', async () => {
    const pool = new TrainingPool({ size: 1 });
    try {
      const result = await pool.run(task('artifacts', setB.train));
      expect(result.artifact).toBe(path.join(root, 'work', 'artifacts', 'output', 'model.tar.gz'));
      const fromTar = Booster.fromTarGz(readFileSync(result.artifact));
      const fromJson = Booster.load(readFileSync(result.modelJson));
      const input = { data: Float64Array.from(setB.testMatrix.flat()), rows: setB.testMatrix.length, columns: 5 };
      expect(Array.from(fromTar.predict(input))).toEqual(Array.from(fromJson.predict(input)));
    } finally {
      await pool.close();
    }
  });

  it('rejects a malformed channel with its file, line and column, and keeps working', async () => {
    const pool = new TrainingPool({ size: 1 });
    const bad = path.join(root, 'bad.csv');
    writeFileSync(bad, '1,2,3\n0,x,3\n');
    try {
      const error = await pool.run(task('bad', bad)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TrainingJobError);
      expect((error as Error).message).toContain(`${bad}:2:2: field is not a number "x"`);
      const ok = await pool.run(task('after-bad', setA.train));
      expect(ok.trees).toBe(50);
    } finally {
      await pool.close();
    }
  });

  it('drops a queued job on abort and terminates the worker of a running one', async () => {
    const pool = new TrainingPool({ size: 1 });
    try {
      const running = new AbortController();
      const queued = new AbortController();
      const slow = pool.run(task('slow', setA.train, { num_round: '100000' }), running.signal);
      const waiting = pool.run(task('queued', setB.train), queued.signal);
      queued.abort();
      await expect(waiting).rejects.toBeInstanceOf(RunAbortedError);
      // The running job holds the one worker (started when the limiter let it through).
      expect(pool.threads).toBe(1);
      running.abort();
      await expect(slow).rejects.toBeInstanceOf(RunAbortedError);
      expect(pool.threads).toBe(0);
      const after = await pool.run(task('after-abort', setB.train));
      expect(after.trees).toBe(50);
    } finally {
      await pool.close();
    }
  });

  it('rejects an invalid size', () => {
    expect(() => new TrainingPool({ size: 0 })).toThrow(/size must be a positive integer, got 0/);
  });
});
