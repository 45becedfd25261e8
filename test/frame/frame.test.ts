import { describe, expect, it } from 'vitest';
import { ColumnNotFoundError, InvalidArgumentError } from '../../src/errors.js';
import { encodeStrings } from '../../src/frame/column.js';
import { concatFrames, Frame } from '../../src/frame/frame.js';

function sample(): Frame {
  return Frame.fromColumns(
    {
      SessionNo: ['s1', 's2', 's3', 's4'],
      BadActor: new Uint8Array([0, 1, 0, 1]),
      '111': new Float64Array([3, 0, 1, 7.25]),
    },
    ['SessionNo', 'BadActor', '111'],
  );
}

describe('Frame construction', () => {
  it('stores typed arrays as numeric columns without copying them', () => {
    const values = new Float64Array([1, 2, 3]);
    const frame = Frame.fromColumns({ x: values });
    expect(frame.kind('x')).toBe('number');
    expect(frame.columnData('x').column).toEqual({ kind: 'number', values });
    expect((frame.columnData('x').column as { values: Float64Array }).values).toBe(values);
  });

  it('dictionary-encodes string arrays in order of first appearance, null as code -1', () => {
    const frame = Frame.fromColumns({ s: ['b', 'a', 'b', null] });
    expect(frame.codes('s')).toEqual({ codes: new Int32Array([0, 1, 0, -1]), dictionary: ['b', 'a'] });
    expect(frame.strings('s')).toEqual(['b', 'a', 'b', null]);
  });

  it('turns plain number arrays into Float64Array columns', () => {
    const frame = Frame.fromColumns({ x: [1, 2.5] });
    expect(frame.columnData('x').column).toEqual({ kind: 'number', values: new Float64Array([1, 2.5]) });
  });

  it('rejects columns of different lengths, naming the column and both lengths', () => {
    expect(() => Frame.fromColumns({ a: [1, 2, 3], b: [1, 2] })).toThrow(InvalidArgumentError);
    expect(() => Frame.fromColumns({ a: [1, 2, 3], b: [1, 2] })).toThrow(
      'columns.b must be 3 rows like the columns before it, got "2 rows"',
    );
  });

  it('keeps the order given by columnNames or a Map, since objects put integer-like keys such as action codes first', () => {
    const columns = { SessionNo: ['a'], '111': [2], '201': [0] };
    expect(Frame.fromColumns(columns).columnNames).toEqual(['111', '201', 'SessionNo']);
    expect(Frame.fromColumns(columns, ['SessionNo', '201', '111']).columnNames).toEqual(['SessionNo', '201', '111']);
    const map = new Map<string, number[] | string[]>([
      ['SessionNo', ['a']],
      ['111', [2]],
    ]);
    expect(Frame.fromColumns(map).columnNames).toEqual(['SessionNo', '111']);
    expect(() => Frame.fromColumns(columns, ['SessionNo', '111'])).toThrow(
      'columnNames must be each of the columns 111,201,SessionNo once, got "SessionNo,111"',
    );
  });

  it('rejects arrays that mix numbers and strings', () => {
    expect(() => Frame.fromColumns({ m: [1, 'a'] as unknown as number[] })).toThrow(
      'columns.m must be all numbers or all strings',
    );
  });

  it('builds from row objects: numbers as Float64Array (missing as NaN), strings encoded', () => {
    const frame = Frame.fromRows([
      { id: 'a', x: 1 },
      { id: 'b', x: null },
    ]);
    expect(frame.columnNames).toEqual(['id', 'x']);
    expect(frame.kind('id')).toBe('string');
    expect(frame.numbers('x')).toEqual(new Float64Array([1, Number.NaN]));
  });

  it('has an empty frame with no columns and no rows', () => {
    const frame = Frame.fromColumns({});
    expect(frame.rowCount).toBe(0);
    expect(frame.columnNames).toEqual([]);
    expect(frame.toRows()).toEqual([]);
  });
});

describe('Frame access', () => {
  it('reads cells by column name and row', () => {
    const frame = sample();
    expect(frame.number('111', 3)).toBe(7.25);
    expect(frame.value('SessionNo', 1)).toBe('s2');
    expect(frame.string('BadActor', 1)).toBe('1');
  });

  it('throws ColumnNotFoundError listing the columns there are', () => {
    const frame = sample();
    expect(() => frame.numbers('nope')).toThrow(ColumnNotFoundError);
    expect(() => frame.numbers('nope')).toThrow('no column "nope" (columns: "SessionNo", "BadActor", "111")');
  });

  it('rejects numeric access to a string column and string codes of a numeric column', () => {
    const frame = sample();
    expect(() => frame.numbers('SessionNo')).toThrow('Frame.numbers: name must be a numeric column, got "SessionNo"');
    expect(() => frame.codes('111')).toThrow('Frame.codes: name must be a string column, got "111"');
    expect(() => frame.number('SessionNo', 0)).toThrow(InvalidArgumentError);
  });

  it('rejects a row outside the frame instead of returning undefined', () => {
    const frame = sample();
    expect(() => frame.value('111', 4)).toThrow('Frame: row must be an integer row in [0, 4), got 4');
    expect(() => frame.number('111', -1)).toThrow(InvalidArgumentError);
    expect(() => frame.head(2).value('111', 2)).toThrow('in [0, 2)');
  });

  it('returns numbers() as a copy that callers may modify', () => {
    const values = new Float64Array([1, 2]);
    const frame = Frame.fromColumns({ x: values });
    const copy = frame.numbers('x');
    copy[0] = 99;
    expect(values[0]).toBe(1);
    expect(frame.number('x', 0)).toBe(1);
  });
});

describe('Frame views (select, drop, take, filter, slice, head)', () => {
  it('select keeps the named columns in the given order and shares their storage', () => {
    const frame = sample();
    const selected = frame.select(['111', 'SessionNo']);
    expect(selected.columnNames).toEqual(['111', 'SessionNo']);
    expect(selected.columnData('111').column).toBe(frame.columnData('111').column);
  });

  it('select rejects a column named twice and unknown columns', () => {
    expect(() => sample().select(['111', '111'])).toThrow(
      'Frame.select: names must be each column named once, got "111"',
    );
    expect(() => sample().select(['x'])).toThrow(ColumnNotFoundError);
  });

  it('drop removes columns and rejects unknown names so typos do not pass', () => {
    expect(sample().drop(['BadActor']).columnNames).toEqual(['SessionNo', '111']);
    expect(() => sample().drop(['Badactor'])).toThrow('no column "Badactor"');
  });

  it('take is a view in the given order: an index over the same columns, no copy', () => {
    const frame = sample();
    const taken = frame.take([3, 0, 3]);
    expect(taken.rowCount).toBe(3);
    expect(taken.strings('SessionNo')).toEqual(['s4', 's1', 's4']);
    const { column, index } = taken.columnData('111');
    expect(column).toBe(frame.columnData('111').column);
    expect(index).toEqual(new Uint32Array([3, 0, 3]));
  });

  it('take of a view maps through to physical rows', () => {
    const view = sample().take([3, 2, 1]).take([2, 0]);
    expect(view.strings('SessionNo')).toEqual(['s2', 's4']);
    expect(view.columnData('SessionNo').index).toEqual(new Uint32Array([1, 3]));
  });

  it('take rejects rows out of range or not integers, naming the position', () => {
    expect(() => sample().take([0, 4])).toThrow('Frame.take: rows[1] must be an integer row in [0, 4), got 4');
    expect(() => sample().take([0.5])).toThrow('rows[0]');
  });

  it('filter keeps the rows for which the predicate holds, as a view', () => {
    const frame = sample();
    const attackers = frame.filter((r, f) => f.number('BadActor', r) === 1);
    expect(attackers.strings('SessionNo')).toEqual(['s2', 's4']);
    expect(attackers.columnData('SessionNo').column).toBe(frame.columnData('SessionNo').column);
  });

  it('slice follows Array.prototype.slice, negative indices included', () => {
    const frame = sample();
    const ids = ['s1', 's2', 's3', 's4'];
    for (const [start, end] of [
      [1, 3],
      [-2, undefined],
      [0, -1],
      [3, 1],
      [-10, 10],
    ] as const) {
      expect(frame.slice(start, end).strings('SessionNo')).toEqual(ids.slice(start, end));
    }
  });

  it('head returns the first n rows (5 by default), or all when there are fewer', () => {
    const big = Frame.fromColumns({ x: new Float64Array(12).map((_, i) => i) });
    expect(big.head().numbers('x')).toEqual(new Float64Array([0, 1, 2, 3, 4]));
    expect(sample().head(10).rowCount).toBe(4);
  });

  it('materialize copies a view into compact columns of the same types', () => {
    const view = sample().take([2, 1]);
    const compact = view.materialize();
    expect(compact.columnData('BadActor').index).toBeNull();
    expect(compact.columnData('BadActor').column).toEqual({ kind: 'number', values: new Uint8Array([0, 1]) });
    expect(compact.toRows()).toEqual(view.toRows());
  });
});

describe('Frame output', () => {
  it('toRows gives plain objects with numbers, strings and null for missing strings', () => {
    const frame = Frame.fromColumns({ id: ['a', null], x: new Float64Array([1, 2]) });
    expect(frame.toRows()).toEqual([
      { id: 'a', x: 1 },
      { id: null, x: 2 },
    ]);
  });

  it('toString prints an aligned table: strings left, numbers right, then the shape', () => {
    const text = sample().toString();
    expect(text).toBe(
      [
        'SessionNo  BadActor   111',
        's1                0     3',
        's2                1     0',
        's3                0     1',
        's4                1  7.25',
        '[4 rows × 3 columns]',
      ].join('\n'),
    );
  });

  it('toString shows at most maxRows rows and maxColumns columns and says what is hidden', () => {
    const text = sample().toString({ maxRows: 2, maxColumns: 2 });
    expect(text.split('\n')).toEqual([
      'SessionNo  BadActor',
      's1                0',
      's2                1',
      '…',
      '[4 rows × 3 columns, 1 not shown]',
    ]);
  });

  it('toString clips long cells and shows line breaks escaped, so rows stay one line', () => {
    const frame = Frame.fromColumns({ t: ['a\nb', 'x'.repeat(100)] });
    const lines = frame.toString({ maxWidth: 10 }).split('\n');
    expect(lines[1]).toBe('a\\nb');
    expect(lines[2]).toBe('xxxxxxxxx…');
    expect(lines).toHaveLength(4);
  });

  it('toMatrix lays numeric columns out row-major, through views too', () => {
    const frame = Frame.fromColumns({ a: [1, 2, 3], b: new Int32Array([4, 5, 6]) });
    expect(frame.toMatrix()).toEqual({ data: new Float64Array([1, 4, 2, 5, 3, 6]), rows: 3, columns: 2 });
    expect(frame.take([2, 0]).toMatrix(['b'])).toEqual({ data: new Float64Array([6, 4]), rows: 2, columns: 1 });
    expect(() => sample().toMatrix()).toThrow('Frame.toMatrix: names must be numeric columns only, got "SessionNo"');
  });
});

describe('Frame derived frames', () => {
  it('withColumn adds or replaces a column given in the view row order', () => {
    const view = sample().take([1, 3]);
    const added = view.withColumn('score', new Float64Array([0.9, 0.8]));
    expect(added.columnNames).toEqual(['SessionNo', 'BadActor', '111', 'score']);
    expect(added.toRows()[1]).toEqual({ SessionNo: 's4', BadActor: 1, '111': 7.25, score: 0.8 });
    expect(() => view.withColumn('x', [1])).toThrow('Frame.withColumn: x must be 2 rows, got "1 rows"');
  });

  it('rename maps names and refuses to create duplicates', () => {
    expect(sample().rename({ '111': 'login' }).columnNames).toEqual(['SessionNo', 'BadActor', 'login']);
    expect(() => sample().rename({ '111': 'BadActor' })).toThrow(
      'Frame.rename: mapping must be a mapping that keeps names unique',
    );
  });
});

describe('concatFrames', () => {
  it('stacks frames, merging string dictionaries and materializing views', () => {
    const a = Frame.fromColumns({ id: ['x', 'y'], v: [1, 2] });
    const b = Frame.fromColumns({ id: encodeStrings(['z', 'x', 'q']), v: [3, 4, 5] }).take([0, 1]);
    const both = concatFrames([a, b]);
    expect(both.toRows()).toEqual([
      { id: 'x', v: 1 },
      { id: 'y', v: 2 },
      { id: 'z', v: 3 },
      { id: 'x', v: 4 },
    ]);
    expect(both.codes('id').dictionary).toEqual(['x', 'y', 'z']);
  });

  it('rejects frames with other columns or another kind of column', () => {
    const a = Frame.fromColumns({ id: ['x'], v: [1] });
    expect(() => concatFrames([a, Frame.fromColumns({ id: ['x'] })])).toThrow(
      'concatFrames: frames must be the columns id,v, got "id"',
    );
    expect(() => concatFrames([a, Frame.fromColumns({ id: ['x'], v: ['1'] })])).toThrow(
      'must be a number column like in the first frame, got "string"',
    );
  });

  it('returns an empty frame for no frames', () => {
    expect(concatFrames([]).rowCount).toBe(0);
  });
});
