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
    expect(() => TrainingData.fromFrame(frame, { label: 'BadActor', features: ['session'] })).toThrow(
      InvalidArgumentError,
    );
  });

  it('stores row-major and column-major input identically', () => {
    const a = TrainingData.fromRowMajor([1, 2, 3, 4, 5, 6], 2, [0, 1, 0]);
    const b = TrainingData.fromColumnMajor([1, 3, 5, 2, 4, 6], [0, 1, 0]);
    expect(Array.from(a.values)).toEqual(Array.from(b.values));
    expect(() => TrainingData.fromRowMajor([1, 2, 3], 2, [0, 1])).toThrow(InvalidArgumentError);
    expect(() => TrainingData.fromColumnMajor([1, 2], [0, 1.5])).toThrow(/labels\[1\]/);
  });

  describe('instance weights', () => {
    it('reads the csv_weights=1 layout (label, weight, features) as SageMaker does, weights as float32', () => {
      const data = TrainingData.fromCsv('1,0.1,3,\n0,0,5,2\n1,2.5,,1\n', { csvWeights: true });
      expect([data.rows, data.columns]).toEqual([3, 2]);
      expect(Array.from(data.weights!)).toEqual([Math.fround(0.1), 0, 2.5]);
      expect(Array.from(data.toRowMajor())).toEqual([3, Number.NaN, 5, 2, Number.NaN, 1]);
      expect(TrainingData.fromCsv('1,0.1,3\n').weights).toBeUndefined();
    });

    it('names the file, line and column 2 of a weight that is empty, negative, infinite or not a number', () => {
      for (const [text, reason] of [
        ['1,1,3\n0,,4\n', 'weight is empty'],
        ['1,1,3\n0,-0.5,4\n', 'weight out of range'],
        ['1,1,3\n0,inf,4\n', 'weight out of range'],
        ['1,1,3\n0,nan,4\n', 'weight out of range'],
        ['1,1,3\n0,1e39,4\n', 'weight out of range'], // finite as a double, infinite as float32
      ] as const) {
        try {
          TrainingData.fromCsv(text, { file: 'train.csv', csvWeights: true });
          expect.unreachable(text);
        } catch (err) {
          expect(err, text).toBeInstanceOf(ParseError);
          const e = err as ParseError;
          expect([e.file, e.line, e.column, e.message.includes(reason)], text).toEqual(['train.csv', 2, 2, true]);
        }
      }
      expect(() => TrainingData.fromCsv('1,0.5\n', { csvWeights: true })).toThrow(/no feature field/);
    });

    it("takes weights from a Frame column, which is then never a feature, nor is a prefix frame's prefix_length", () => {
      const frame = Frame.fromColumns({
        '111': new Float64Array([3, 1, 0]),
        prefix_length: new Float64Array([1, 2, 3]),
        weight: new Float64Array([1, 0.5, 0.025]),
        BadActor: new Uint8Array([0, 1, 0]),
        '201': new Float64Array([0, 2, 5]),
      });
      const data = TrainingData.fromFrame(frame, { label: 'BadActor', weight: 'weight' });
      expect(data.featureNames).toEqual(['111', '201']);
      expect(Array.from(data.weights!)).toEqual([1, 0.5, Math.fround(0.025)]);
      const given = TrainingData.fromFrame(frame, {
        label: 'BadActor',
        features: ['111'],
        weight: Float32Array.of(2, 0, 1),
      });
      expect(Array.from(given.weights!)).toEqual([2, 0, 1]);
      expect(() => TrainingData.fromFrame(frame, { label: 'BadActor', weight: 'w' })).toThrow(ColumnNotFoundError);
      expect(() => TrainingData.fromFrame(frame, { label: 'BadActor', weight: 'BadActor' })).toThrow(
        InvalidArgumentError,
      );
      expect(() =>
        TrainingData.fromFrame(frame, { label: 'BadActor', features: ['111', 'weight'], weight: 'weight' }),
      ).toThrow(/weight column/);
    });

    it('rejects weights that are negative, NaN, infinite (also once rounded to float32), of the wrong length or not a typed array', () => {
      const make = (weight: unknown) => () =>
        TrainingData.fromColumnMajor([1, 2, 3], [0, 1, 0], { weight: weight as Float64Array });
      expect(make(Float64Array.of(1, -1, 1))).toThrow(/weight\[1\] must be a finite weight ≥ 0/);
      expect(make(Float64Array.of(1, 1, Number.NaN))).toThrow(/weight\[2\]/);
      expect(make(Float64Array.of(Infinity, 1, 1))).toThrow(/weight\[0\]/);
      expect(make(Float64Array.of(1, 1e39, 1))).toThrow(/weight\[1\]/);
      expect(make(Float64Array.of(1, 1))).toThrow(/weight.length must be 3, one weight per row/);
      expect(make([1, 1, 1])).toThrow(InvalidArgumentError);
      const frame = Frame.fromColumns({
        x: new Float64Array([1, 2]),
        y: new Uint8Array([0, 1]),
        w: new Float64Array([1, -2]),
      });
      expect(() => TrainingData.fromFrame(frame, { label: 'y', weight: 'w' })).toThrow(/column "w"\[1\]/);
      expect(make(Float64Array.of(0, 0, 0))().weights).toEqual(Float32Array.of(0, 0, 0));
    });
  });
});
