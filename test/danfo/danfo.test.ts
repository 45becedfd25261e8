import { DataFrame } from 'danfojs-node';
import { describe, expect, it } from 'vitest';
import { danfoDtypes, fromDanfo, toDanfo } from '../../src/danfo/index.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { type ColumnInput, encodeStrings } from '../../src/frame/column.js';
import { Frame } from '../../src/frame/frame.js';
import { asFrame } from '../../src/frame/frame-input.js';
import { featureColumns, labelValues } from '../../src/split/frame-splitter.js';

// danfojs-node 1.2.0 is the reference for what a DataFrame holds: its `dtypes`, `columns` and
// `column(name).values` are read through danfo's own API in every expectation below.

function sample(): Frame {
  // A Map keeps the order; an object literal would put the integer-like keys '111' and '201' first.
  return Frame.fromColumns(
    new Map<string, ColumnInput>([
      ['SessionNo', ['s1', 's2', null, 's4']],
      ['201', new Float64Array([0.1, Number.NaN, 2.5, 1e-300])],
      ['111', new Int32Array([3, -1, 0, 2_000_000_000])],
      ['BadActor', new Uint8Array([0, 1, 0, 1])],
      ['score', new Float32Array([0.25, Number.NaN, 1.5, -2])],
      ['big', new Uint32Array([1, 2, 3, 4_000_000_000])],
    ]),
  );
}

function columnValues(frame: Frame, name: string): unknown[] {
  return frame.kind(name) === 'number' ? Array.from(frame.numbers(name)) : frame.strings(name);
}

describe('toDanfo', () => {
  it('keeps column order (numeric-looking names included), values, NaN and null, with danfo dtypes', () => {
    const df = toDanfo(sample());
    expect(df.columns).toEqual(['SessionNo', '201', '111', 'BadActor', 'score', 'big']);
    expect(df.dtypes).toEqual(['string', 'float32', 'int32', 'int32', 'float32', 'float32']);
    expect(df.shape).toEqual([4, 6]);
    expect(df.column('SessionNo').values).toEqual(['s1', 's2', null, 's4']);
    expect(df.column('201').values).toEqual([0.1, Number.NaN, 2.5, 1e-300]);
    expect(df.column('111').values).toEqual([3, -1, 0, 2_000_000_000]);
    expect(df.column('score').values).toEqual([0.25, Number.NaN, 1.5, -2]);
    expect(df.column('big').values).toEqual([1, 2, 3, 4_000_000_000]);
    expect(danfoDtypes(sample())).toEqual(df.dtypes);
  });

  it('materialises row views in view order', () => {
    const view = sample().take([3, 0]);
    const df = toDanfo(view);
    expect(df.column('SessionNo').values).toEqual(['s4', 's1']);
    expect(df.column('111').values).toEqual([2_000_000_000, 3]);
  });

  it('rejects a frame with no columns and input that is no table, naming the argument', () => {
    expect(() => toDanfo(Frame.fromColumns({}))).toThrow(/toDanfo: frame must be at least one column/);
    expect(() => toDanfo({ rows: 3 } as never)).toThrow(InvalidArgumentError);
    expect(() => toDanfo(42 as never)).toThrow(/toDanfo: frame must be a Frame or a danfo DataFrame/);
  });
});

describe('fromDanfo', () => {
  it('round-trips Frame → danfo → Frame with identical values, strings, NaN and the same column kinds', () => {
    const frame = sample();
    const back = fromDanfo(toDanfo(frame), { numberTypes: { BadActor: 'uint8', score: 'float32', big: 'uint32' } });
    expect(back.columnNames).toEqual(frame.columnNames);
    for (const name of frame.columnNames) {
      expect(back.kind(name)).toBe(frame.kind(name));
      expect(columnValues(back, name), name).toEqual(columnValues(frame, name));
      const original = frame.columnData(name).column;
      const restored = back.columnData(name).column;
      if (original.kind === 'number' && restored.kind === 'number')
        expect(restored.values.constructor).toBe(original.values.constructor);
    }
  });

  it('chooses Int32Array for int32 columns and Float64Array for float32 ones by default (danfo keeps doubles)', () => {
    const back = fromDanfo(toDanfo(sample()));
    expect(back.columnData('111').column).toMatchObject({
      kind: 'number',
      values: new Int32Array([3, -1, 0, 2_000_000_000]),
    });
    expect(back.columnData('201').column).toMatchObject({
      kind: 'number',
      values: new Float64Array([0.1, Number.NaN, 2.5, 1e-300]),
    });
    expect(back.columnData('BadActor').column).toMatchObject({ kind: 'number', values: new Int32Array([0, 1, 0, 1]) });
  });

  it('round-trips danfo → Frame → danfo with the same dtypes and values, missing values included', () => {
    const df = new DataFrame({
      name: ['a', null, 'c'],
      x: [1.5, Number.NaN, 3],
      n: [1, 2, 3],
      y: [null, 2.25, undefined],
    });
    expect(df.dtypes).toEqual(['string', 'float32', 'int32', 'float32']);
    const again = toDanfo(fromDanfo(df));
    expect(again.columns).toEqual(df.columns);
    expect(again.dtypes).toEqual(df.dtypes);
    expect(again.column('name').values).toEqual(['a', null, 'c']);
    expect(again.column('x').values).toEqual([1.5, Number.NaN, 3]);
    expect(again.column('n').values).toEqual([1, 2, 3]);
    expect(again.column('y').values).toEqual([Number.NaN, 2.25, Number.NaN]);
  });

  it('round-trips a frame with no rows, dtypes included', () => {
    const empty = Frame.fromColumns({ s: encodeStrings([]), x: new Float64Array(0), n: new Int32Array(0) });
    const df = toDanfo(empty);
    expect(df.shape).toEqual([0, 3]);
    expect(df.dtypes).toEqual(['string', 'float32', 'int32']);
    const back = fromDanfo(df);
    expect(back.rowCount).toBe(0);
    expect(back.columnNames.map((n) => back.kind(n))).toEqual(['string', 'number', 'number']);
  });

  it('turns danfo booleans into 0/1 and keeps missing booleans as NaN', () => {
    const frame = fromDanfo(new DataFrame({ ok: [true, false, true], maybe: [true, null, false] }));
    expect(frame.columnData('ok').column).toMatchObject({ kind: 'number', values: new Uint8Array([1, 0, 1]) });
    expect(Array.from(frame.numbers('maybe'))).toEqual([1, Number.NaN, 0]);
  });

  it('reads DataFrames that danfo operations produced, dropping the row index unless asked to keep it', () => {
    const df = new DataFrame({ SessionNo: ['s1', 's2', 's3', 's4'], count: [5, 1, 7, 2] });
    const busy = df.query(df.column('count').gt(1));
    expect(busy.index).toEqual([0, 2, 3]);
    const frame = fromDanfo(busy);
    expect(frame.toRows()).toEqual([
      { SessionNo: 's1', count: 5 },
      { SessionNo: 's3', count: 7 },
      { SessionNo: 's4', count: 2 },
    ]);
    const withIndex = fromDanfo(busy, { indexColumn: 'row' });
    expect(withIndex.columnNames).toEqual(['row', 'SessionNo', 'count']);
    expect(Array.from(withIndex.numbers('row'))).toEqual([0, 2, 3]);
  });

  it('rejects values that do not fit the storage asked for, and storage for unknown or string columns', () => {
    const df = new DataFrame({ n: [1, 300, 3], s: ['a', 'b', 'c'] });
    expect(() => fromDanfo(df, { numberTypes: { n: 'uint8' } })).toThrow(
      /fromDanfo: df column "n" row 1 must be an integer that fits uint8 storage, got 300/,
    );
    expect(() => fromDanfo(df, { numberTypes: { s: 'int32' } })).toThrow(
      /options\.numberTypes\.s must be storage for a numeric column only/,
    );
    expect(() => fromDanfo(df, { numberTypes: { missing: 'int32' } })).toThrow(
      /options\.numberTypes\.missing must be one of the columns \(n, s\)/,
    );
    expect(() => fromDanfo({ nope: true } as never)).toThrow(/fromDanfo: df must be a danfo DataFrame/);
  });
});

describe('asFrame on danfo DataFrames', () => {
  it('recognises a danfo DataFrame structurally and converts it', () => {
    const df = new DataFrame(
      [
        ['s1', 3, 0],
        ['s2', 0, 1],
      ],
      { columns: ['SessionNo', '111', 'BadActor'] },
    );
    const frame = asFrame(df, 'features');
    expect(frame.columnNames).toEqual(['SessionNo', '111', 'BadActor']);
    expect(frame.toRows()).toEqual([
      { SessionNo: 's1', '111': 3, BadActor: 0 },
      { SessionNo: 's2', '111': 0, BadActor: 1 },
    ]);
  });

  it('returns a Frame unchanged and rejects junk with a typed error naming the argument', () => {
    const frame = sample();
    expect(asFrame(frame)).toBe(frame);
    expect(() => asFrame(new DataFrame({ a: [1] }).column('a') as never, 'features')).toThrow(
      /asFrame: features must be a Frame or a danfo DataFrame/,
    );
  });

  it('lets danfoDtypes, featureColumns and labelValues take a DataFrame as they take a Frame', () => {
    const df = new DataFrame(
      [
        ['s1', 3, 0.5, 0],
        ['s2', 0, 1.5, 1],
      ],
      { columns: ['SessionNo', '111', 'gap', 'BadActor'] },
    );
    expect(danfoDtypes(df)).toEqual(['string', 'int32', 'float32', 'int32']);
    expect(featureColumns(df, { label: 'BadActor', drop: ['SessionNo'] })).toEqual(['111', 'gap']);
    expect(Array.from(labelValues(df, 'BadActor'))).toEqual([0, 1]);
    expect(() => labelValues({ columns: ['BadActor'] } as never, 'BadActor')).toThrow(
      /labelValues: frame must be a Frame or a danfo DataFrame/,
    );
  });
});
