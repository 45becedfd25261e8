import { describe, expect, it } from 'vitest';
import { ColumnNotFoundError, InvalidArgumentError } from '../../src/errors.js';
import { Frame } from '../../src/frame/frame.js';
import { FrameSplitter, type FrameSplit } from '../../src/split/frame-splitter.js';
import { createRandom } from '../../src/random/random.js';

/** A feature frame shaped like the SessionFlattener's: session id, label, numeric features. */
function featureFrame(
  n: number,
  positiveRate: number,
  seed: number,
  customers = Math.max(1, Math.floor(n / 4)),
): Frame {
  const random = createRandom(seed).uniformSource;
  const label = new Uint8Array(n);
  const cust = new Float64Array(n);
  const time = new Float64Array(n);
  const f111 = new Float64Array(n);
  const f201 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    label[i] = random() < positiveRate ? 1 : 0;
    cust[i] = Math.floor(random() * customers);
    time[i] = Math.floor(random() * n * 0.7); // many ties on purpose
    f111[i] = Math.floor(random() * 10);
    f201[i] = random();
  }
  return Frame.fromColumns({
    SessionNo: Array.from({ length: n }, (_, i) => `s${i}`),
    CustID: cust,
    FirstTime: time,
    BadActor: label,
    '111': f111,
    '201': f201,
  });
}

const splitter = new FrameSplitter({ label: 'BadActor', drop: ['SessionNo', 'CustID', 'FirstTime'] });
const FRACTIONS = [
  { train: 0.7, validation: 0.15, test: 0.15 },
  { train: 0.6, validation: 0.2, test: 0.2 },
  { train: 0.8, validation: 0, test: 0.2 },
  { train: 0.5, validation: 0.25, test: 0.25 },
];

function sessionIds(part: Frame): string[] {
  return part.strings('SessionNo') as string[];
}

function expectDisjointCovering(frame: Frame, split: FrameSplit): void {
  const all = [...split.indices.train, ...split.indices.validation, ...split.indices.test];
  expect(all.length).toBe(frame.rowCount);
  expect(new Set(all).size).toBe(frame.rowCount);
  for (const part of ['train', 'validation', 'test'] as const) {
    expect(split[part].rowCount).toBe(split.indices[part].length);
    // the part frame is a view of exactly the rows its indices name
    expect(sessionIds(split[part])).toEqual([...split.indices[part]].map((i) => `s${i}`));
  }
}

function countPositives(part: Frame): number {
  return part.numbers('BadActor').reduce((a, b) => a + b, 0);
}

describe('FrameSplitter.split, stratified (the default)', () => {
  it('gives disjoint parts that cover the frame, for many seeds, sizes and fractions', () => {
    for (let trial = 0; trial < 120; trial++) {
      const n = 1 + ((trial * 37) % 400);
      const frame = featureFrame(n, [0.01, 0.05, 0.3][trial % 3]!, trial);
      const split = splitter.split(frame, { ...FRACTIONS[trial % FRACTIONS.length]!, seed: trial });
      expectDisjointCovering(frame, split);
    }
  });

  it('keeps each class within one row of its share in each part, and puts a class of ≥ 3 rows in every non-empty part', () => {
    for (let trial = 0; trial < 120; trial++) {
      const n = 3 + ((trial * 53) % 500);
      const frame = featureFrame(n, [0.005, 0.02, 0.2][trial % 3]!, 1000 + trial);
      const fractions = FRACTIONS[trial % FRACTIONS.length]!;
      const f = [fractions.train, fractions.validation, fractions.test];
      const split = splitter.split(frame, { ...fractions, seed: trial });
      const labels = frame.numbers('BadActor');
      for (const cls of [0, 1]) {
        const total = labels.filter((v) => v === cls).length;
        const nonEmpty = f.filter((x) => x > 0).length;
        const counts = (['train', 'validation', 'test'] as const).map(
          (p) => split[p].numbers('BadActor').filter((v) => v === cls).length,
        );
        counts.forEach((c, p) => {
          if (f[p] === 0) expect(c).toBe(0);
          else if (total >= nonEmpty) expect(c).toBeGreaterThanOrEqual(1);
          // largest remainder: within one row; the at-least-one rule moves at most two more rows
          expect(Math.abs(c - total * f[p]!)).toBeLessThan(f.every((x) => x === 0 || total * x >= 1) ? 1 : 3);
        });
      }
    }
  });

  it('puts a class of exactly 3 positives in train, validation and test', () => {
    const labels = new Uint8Array(200);
    labels[17] = labels[99] = labels[150] = 1;
    const frame = Frame.fromColumns({
      SessionNo: Array.from({ length: 200 }, (_, i) => `s${i}`),
      BadActor: labels,
      x: new Float64Array(200),
    });
    for (let seed = 0; seed < 50; seed++) {
      const split = new FrameSplitter({ label: 'BadActor', drop: ['SessionNo'] }).split(frame, {
        train: 0.7,
        validation: 0.15,
        test: 0.15,
        seed,
      });
      expect([countPositives(split.train), countPositives(split.validation), countPositives(split.test)]).toEqual([
        1, 1, 1,
      ]);
      expect([split.train.rowCount, split.validation.rowCount, split.test.rowCount]).toEqual([139, 31, 30]);
    }
  });

  it('is deterministic for a seed and changes with the seed', () => {
    const frame = featureFrame(300, 0.1, 5);
    const a = splitter.split(frame, { train: 0.7, validation: 0.15, test: 0.15, seed: 11 });
    const b = splitter.split(frame, { train: 0.7, validation: 0.15, test: 0.15, seed: 11 });
    const c = splitter.split(frame, { train: 0.7, validation: 0.15, test: 0.15, seed: 12 });
    expect(b.indices).toEqual(a.indices);
    expect(c.indices.test).not.toEqual(a.indices.test);
    expect(a.seed).toBe(11);
    expect(a.mode).toEqual({ kind: 'stratified' });
  });

  it('without stratify cuts the shuffled rows once, by largest remainder', () => {
    const frame = featureFrame(101, 0.1, 8);
    const split = splitter.split(frame, { train: 0.7, validation: 0.15, test: 0.15, seed: 3, stratify: false });
    expectDisjointCovering(frame, split);
    // 70.7, 15.15, 15.15 → floors 70, 15, 15, the leftover row to train (remainder .7)
    expect([split.train.rowCount, split.validation.rowCount, split.test.rowCount]).toEqual([71, 15, 15]);
    expect(split.mode).toEqual({ kind: 'random' });
  });

  it('keeps every column in the parts and splits out features and labels with the splitter', () => {
    const frame = featureFrame(40, 0.2, 2);
    const split = splitter.split(frame, { train: 0.5, validation: 0.25, test: 0.25, seed: 1 });
    expect(split.train.columnNames).toEqual(frame.columnNames);
    expect(split.featureNames).toEqual(['111', '201']);
    expect(splitter.features(split.test).columnNames).toEqual(['111', '201']);
    expect(splitter.features(split.test).numbers('201')).toEqual(
      Float64Array.from(split.indices.test, (i) => frame.number('201', i)),
    );
    expect(splitter.labels(split.test)).toEqual(
      Uint8Array.from(split.indices.test, (i) => frame.number('BadActor', i)),
    );
  });

  it('handles the empty frame and a one-row frame', () => {
    const empty = featureFrame(0, 0.1, 1);
    const s0 = splitter.split(empty, { train: 0.7, validation: 0.15, test: 0.15, seed: 1 });
    expect([s0.train.rowCount, s0.validation.rowCount, s0.test.rowCount]).toEqual([0, 0, 0]);
    const one = featureFrame(1, 0, 1);
    const s1 = splitter.split(one, { train: 0.7, validation: 0.15, test: 0.15, seed: 1 });
    expect([s1.train.rowCount, s1.validation.rowCount, s1.test.rowCount]).toEqual([1, 0, 0]);
  });
});

describe('FrameSplitter.split with groupBy', () => {
  it('never lets a group straddle two parts, for many seeds and sizes', () => {
    for (let trial = 0; trial < 80; trial++) {
      const n = 10 + ((trial * 71) % 600);
      const frame = featureFrame(n, 0.03, 2000 + trial, 3 + (trial % 40));
      const split = splitter.split(frame, { ...FRACTIONS[trial % FRACTIONS.length]!, seed: trial, groupBy: 'CustID' });
      expectDisjointCovering(frame, split);
      const owner = new Map<number, string>();
      for (const part of ['train', 'validation', 'test'] as const) {
        for (const c of split[part].numbers('CustID')) {
          expect(owner.get(c) ?? part).toBe(part);
          owner.set(c, part);
        }
      }
      expect(split.mode).toEqual({ kind: 'grouped', groupBy: 'CustID', stratified: true });
    }
  });

  it('puts an attacked group in each part when there are at least 3, and follows the fractions by rows', () => {
    for (let trial = 0; trial < 60; trial++) {
      const n = 300 + trial * 10;
      const frame = featureFrame(n, 0.01, 3000 + trial, 60);
      const fractions = FRACTIONS[trial % FRACTIONS.length]!;
      const split = splitter.split(frame, { ...fractions, seed: trial, groupBy: 'CustID' });
      const groupsWithPositive = (part: Frame) => {
        const labels = part.numbers('BadActor');
        const cust = part.numbers('CustID');
        return new Set([...cust].filter((_, i) => labels[i] === 1)).size;
      };
      const attacked = groupsWithPositive(frame);
      const sizes = new Map<number, number>();
      for (const c of frame.numbers('CustID')) sizes.set(c, (sizes.get(c) ?? 0) + 1);
      const biggest = Math.max(...sizes.values());
      for (const part of ['train', 'validation', 'test'] as const) {
        if (fractions[part] === 0) expect(split[part].rowCount).toBe(0);
        else {
          if (attacked >= 3) expect(groupsWithPositive(split[part])).toBeGreaterThanOrEqual(1);
          // half a group at each of two cuts in each of two strata, plus a moved group per stratum
          expect(Math.abs(split[part].rowCount - n * fractions[part])).toBeLessThanOrEqual(4 * biggest);
        }
      }
    }
  });

  it('keeps string group keys together too and is deterministic per seed', () => {
    const base = featureFrame(120, 0.1, 4, 15);
    const frame = base.withColumn(
      'Org',
      base.numbers('CustID').reduce<string[]>((a, c) => [...a, `org-${c}`], []),
    );
    const s = new FrameSplitter({ label: 'BadActor', drop: ['SessionNo', 'CustID', 'FirstTime', 'Org'] });
    const a = s.split(frame, { train: 0.6, validation: 0.2, test: 0.2, seed: 9, groupBy: 'Org' });
    const b = s.split(frame, { train: 0.6, validation: 0.2, test: 0.2, seed: 9, groupBy: 'Org' });
    expect(b.indices).toEqual(a.indices);
    const trainOrgs = new Set(a.train.strings('Org'));
    for (const org of a.test.strings('Org')) expect(trainOrgs.has(org)).toBe(false);
  });
});

describe('FrameSplitter.split with orderBy', () => {
  it('trains on the past and tests on the future: every train time < every validation time < every test time', () => {
    for (let trial = 0; trial < 80; trial++) {
      const n = 5 + ((trial * 29) % 500);
      const frame = featureFrame(n, 0.05, 4000 + trial);
      const split = splitter.split(frame, { ...FRACTIONS[trial % FRACTIONS.length]!, orderBy: 'FirstTime' });
      expectDisjointCovering2(frame, split);
      const parts = (['train', 'validation', 'test'] as const)
        .map((p) => split[p].numbers('FirstTime'))
        .filter((t) => t.length > 0);
      for (const times of parts)
        for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThanOrEqual(times[i - 1]!);
      for (let p = 1; p < parts.length; p++) expect(Math.min(...parts[p]!)).toBeGreaterThan(Math.max(...parts[p - 1]!));
      expect(split.seed).toBeUndefined();
    }
  });

  it('cuts at the documented sizes when there are no ties, and moves a tie run whole into the earlier part', () => {
    const times = Float64Array.from([5, 1, 3, 2, 4, 6, 8, 7, 9, 10]);
    const frame = Frame.fromColumns({ BadActor: new Uint8Array(10), T: times });
    const s = new FrameSplitter({ label: 'BadActor', drop: ['T'] });
    const split = s.split(frame, { train: 0.6, validation: 0.2, test: 0.2, orderBy: 'T' });
    expect(split.train.numbers('T')).toEqual(Float64Array.from([1, 2, 3, 4, 5, 6]));
    expect(split.validation.numbers('T')).toEqual(Float64Array.from([7, 8]));
    expect(split.test.numbers('T')).toEqual(Float64Array.from([9, 10]));
    const tied = Frame.fromColumns({
      BadActor: new Uint8Array(10),
      T: Float64Array.from([1, 2, 3, 4, 5, 6, 6, 6, 9, 10]),
    });
    const t = s.split(tied, { train: 0.6, validation: 0.2, test: 0.2, orderBy: 'T' });
    expect(t.train.numbers('T')).toEqual(Float64Array.from([1, 2, 3, 4, 5, 6, 6, 6]));
    expect(t.validation.rowCount).toBe(0);
    expect(t.test.numbers('T')).toEqual(Float64Array.from([9, 10]));
  });

  it('orders ISO timestamp strings as text', () => {
    const frame = Frame.fromColumns({
      BadActor: new Uint8Array(4),
      LogTime: [
        '2019-07-02 00:00:00.000',
        '2019-07-01 12:34:56.789',
        '2019-07-03 08:00:00.000',
        '2019-07-01 23:59:59.999',
      ],
    });
    const split = new FrameSplitter({ label: 'BadActor', drop: ['LogTime'] }).split(frame, {
      train: 0.5,
      validation: 0.25,
      test: 0.25,
      orderBy: 'LogTime',
    });
    expect([...split.indices.train]).toEqual([1, 3]);
    expect([...split.indices.validation]).toEqual([0]);
    expect([...split.indices.test]).toEqual([2]);
  });
});

function expectDisjointCovering2(frame: Frame, split: FrameSplit): void {
  const all = [...split.indices.train, ...split.indices.validation, ...split.indices.test];
  expect(new Set(all).size).toBe(frame.rowCount);
  expect(all.length).toBe(frame.rowCount);
}

describe('FrameSplitter input checks', () => {
  const frame = featureFrame(20, 0.2, 1);

  it('names a missing label or dropped column', () => {
    expect(() =>
      new FrameSplitter({ label: 'Bad' }).split(frame, { train: 1, validation: 0, test: 0, seed: 1 }),
    ).toThrow(ColumnNotFoundError);
    expect(() =>
      new FrameSplitter({ label: 'BadActor', drop: ['Sess'] }).split(frame, {
        train: 1,
        validation: 0,
        test: 0,
        seed: 1,
      }),
    ).toThrow(/FrameSplitter.split: no column "Sess"/);
  });

  it('rejects a string feature column, telling the caller to drop it', () => {
    expect(() =>
      new FrameSplitter({ label: 'BadActor', drop: ['CustID', 'FirstTime'] }).split(frame, {
        train: 1,
        validation: 0,
        test: 0,
        seed: 1,
      }),
    ).toThrow(/column "SessionNo" must be numeric to be a feature \(add it to drop\)/);
  });

  it('rejects labels other than 0 and 1, naming the row and value', () => {
    const bad = Frame.fromColumns({ BadActor: Float64Array.from([0, 1, 2]), x: new Float64Array(3) });
    expect(() =>
      new FrameSplitter({ label: 'BadActor' }).split(bad, { train: 1, validation: 0, test: 0, seed: 1 }),
    ).toThrow(/BadActor at row 2 must be 0 or 1, got 2/);
    const nan = Frame.fromColumns({ BadActor: Float64Array.from([0, Number.NaN]), x: new Float64Array(2) });
    expect(() =>
      new FrameSplitter({ label: 'BadActor' }).split(nan, { train: 1, validation: 0, test: 0, seed: 1 }),
    ).toThrow(/row 1 must be 0 or 1, got NaN/);
  });

  it('rejects bad fractions, a missing seed, and orderBy combined with groupBy or stratify', () => {
    expect(() => splitter.split(frame, { train: 0.7, validation: 0.2, test: 0.2, seed: 1 })).toThrow(
      InvalidArgumentError,
    );
    expect(() => splitter.split(frame, { train: 0.7, validation: 0.15, test: 0.15 } as never)).toThrow(
      /seed must be an integer seed/,
    );
    expect(() =>
      splitter.split(frame, {
        train: 0.7,
        validation: 0.15,
        test: 0.15,
        orderBy: 'FirstTime',
        groupBy: 'CustID',
      } as never),
    ).toThrow(/groupBy must be absent with orderBy/);
    expect(() =>
      splitter.split(frame, {
        train: 0.7,
        validation: 0.15,
        test: 0.15,
        orderBy: 'FirstTime',
        stratify: true,
      } as never),
    ).toThrow(/stratify/);
  });

  it('rejects a missing time or group value, naming the row', () => {
    const times = frame.numbers('FirstTime');
    times[4] = Number.NaN;
    const f = frame.withColumn('FirstTime', times);
    expect(() => splitter.split(f, { train: 0.7, validation: 0.15, test: 0.15, orderBy: 'FirstTime' })).toThrow(
      /orderBy column FirstTime at row 4/,
    );
    const g = frame.withColumn('CustID', times);
    expect(() => splitter.split(g, { train: 0.7, validation: 0.15, test: 0.15, seed: 1, groupBy: 'CustID' })).toThrow(
      /groupBy column CustID at row 4/,
    );
  });
});

describe('FrameSplitter with a danfo DataFrame', () => {
  it('splits a danfo DataFrame exactly as the equivalent Frame, and writes its CSV text the same', async () => {
    const dfd = await import('danfojs-node');
    const n = 60;
    const data = {
      SessionNo: Array.from({ length: n }, (_, i) => `s${i}`),
      BadActor: Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 1 : 0)),
      '111': Array.from({ length: n }, (_, i) => (i * 3) % 11),
    };
    const df = new dfd.DataFrame(data);
    const frame = Frame.fromColumns(data);
    const s = new FrameSplitter({ label: 'BadActor', drop: ['SessionNo'] });
    const fromDanfo = s.split(df, { train: 0.6, validation: 0.2, test: 0.2, seed: 5 });
    const fromFrame = s.split(frame, { train: 0.6, validation: 0.2, test: 0.2, seed: 5 });
    expect(fromDanfo.indices).toEqual(fromFrame.indices);
    expect(fromDanfo.test.strings('SessionNo')).toEqual(fromFrame.test.strings('SessionNo'));
    expect(s.labels(df)).toEqual(Uint8Array.from(data.BadActor));
    expect(s.features(df).columnNames).toEqual(['111']);
    const { sageMakerCsvChunks } = await import('../../src/split/sagemaker-csv.js');
    expect([...sageMakerCsvChunks(df, { label: 'BadActor', features: ['111'] })].join('')).toBe(
      [...sageMakerCsvChunks(frame, { label: 'BadActor', features: ['111'] })].join(''),
    );
  });

  it('rejects something that is neither a Frame nor a DataFrame, naming the argument', () => {
    expect(() => splitter.split({ rows: [] } as never, { train: 1, validation: 0, test: 0, seed: 1 })).toThrow(
      /FrameSplitter.split: frame must be a Frame or a danfo DataFrame/,
    );
  });
});
