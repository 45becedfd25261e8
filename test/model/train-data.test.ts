import { describe, expect, it } from 'vitest';
import { ColumnNotFoundError, InvalidArgumentError, ParseError } from '../../src/errors.js';
import { Frame } from '../../src/frame/frame.js';
import { TrainingData } from '../../src/model/training-data.js';

describe('TrainingData', () => {
  it('reads SageMaker CSV: no header, label first, an empty field is missing, values become float32', () => {
    const data = TrainingData.fromCsv('1,3,0.1\n0,,2\r\n0,5,-1e3\n');
    expect([data.rows, data.columns]).toEqual([3, 2]);
    expect(Array.from(data.labels)).toEqual([1, 0, 0]);
    expect(data.value(0, 0)).toBe(3);
    expect(data.value(0, 1)).toBe(Math.fround(0.1));
    expect(data.value(1, 0)).toBeNaN();
    expect(data.value(2, 1)).toBe(-1000);
    expect(data.featureNames).toEqual([]);
  });

  it('names the file, line and column of a field that is not a number', () => {
    expect(() => TrainingData.fromCsv('1,3,4\n0,x7,2\n', { file: 'train.csv' })).toThrow(ParseError);
    try {
      TrainingData.fromCsv('1,3,4\n0,x7,2\n', { file: 'train.csv' });
    } catch (err) {
      const e = err as ParseError;
      expect([e.file, e.line, e.column]).toEqual(['train.csv', 2, 2]);
      expect(e.message).toContain('"x7"');
    }
  });

  it('rejects rows with a different field count and labels outside [0, 1]', () => {
    expect(() => TrainingData.fromCsv('1,3,4\n0,2\n')).toThrow(/train|<string>:2/);
    expect(() => TrainingData.fromCsv('2,3\n')).toThrow(/label out of range/);
    expect(() => TrainingData.fromCsv(',3\n')).toThrow(/label is empty/);
  });

  it('takes a Frame: the label column and every other numeric column in frame order, NaN as missing', () => {
    const frame = Frame.fromColumns({
      session: ['a', 'b', 'c'],
      '111': new Float64Array([3, Number.NaN, 1]),
      BadActor: new Uint8Array([0, 1, 0]),
      '201': new Float64Array([0, 2, 5]),
    });
    const data = TrainingData.fromFrame(frame, { label: 'BadActor' });
    expect(data.featureNames).toEqual(['111', '201']);
    expect(Array.from(data.labels)).toEqual([0, 1, 0]);
    expect(Array.from(data.toRowMajor())).toEqual([3, 0, Number.NaN, 2, 1, 5]);
    expect(() => TrainingData.fromFrame(frame, { label: 'Bad' })).toThrow(ColumnNotFoundError);
    expect(() => TrainingData.fromFrame(frame, { label: 'BadActor', features: ['session'] })).toThrow(InvalidArgumentError);
  });

  it('stores row-major and column-major input identically', () => {
    const a = TrainingData.fromRowMajor([1, 2, 3, 4, 5, 6], 2, [0, 1, 0]);
    const b = TrainingData.fromColumnMajor([1, 3, 5, 2, 4, 6], [0, 1, 0]);
    expect(Array.from(a.values)).toEqual(Array.from(b.values));
    expect(() => TrainingData.fromRowMajor([1, 2, 3], 2, [0, 1])).toThrow(InvalidArgumentError);
    expect(() => TrainingData.fromColumnMajor([1, 2], [0, 1.5])).toThrow(/labels\[1\]/);
  });
});
