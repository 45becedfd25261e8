/**
 * Rows to `text/csv` payloads under SageMaker's 6 MiB InvokeEndpoint limit, and hyperparameters to
 * the strings `CreateTrainingJob` carries (HyperParameters: at most 100 entries, keys and values at
 * most 256 characters — the limits in the `@aws-sdk/client-sagemaker` request shape).
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { Frame } from '../../src/frame/frame.js';
import { parseCsvPayload } from '../../src/serve/parse-payload.js';
import { SEED_HYPERPARAMETERS } from '../../src/train/default-hyperparameters.js';
import { toHyperparameterStrings } from '../../src/train/hyperparameters.js';
import { countRows, toCsvPayloads } from '../../src/train/invoke-rows.js';
import { makeRows } from './make-csv.js';

describe('toCsvPayloads', () => {
  it('writes missing values as empty fields, which the endpoint reads back as missing', () => {
    const [payload] = toCsvPayloads([
      [1, Number.NaN, 3.25],
      [0.1, 5, 6],
    ]);
    expect(payload).toBe('1,,3.25\n0.1,5,6\n');
    const parsed = parseCsvPayload(payload as string);
    expect(Number.isNaN(parsed.data[1])).toBe(true);
    expect(parsed.data[3]).toBe(Math.fround(0.1));
  });

  it('splits rows across payloads at line boundaries, each within the byte limit, losing none', () => {
    const { rows } = makeRows(500, 6, 9);
    const whole = toCsvPayloads(rows)[0] as string;
    const payloads = toCsvPayloads(rows, { maxBytes: 1000 });
    expect(payloads.length).toBeGreaterThan(5);
    for (const p of payloads) {
      expect(Buffer.byteLength(p)).toBeLessThanOrEqual(1000);
      expect(p.endsWith('\n')).toBe(true);
    }
    expect(payloads.join('')).toBe(whole);
  });

  it('keeps everything in one payload under 6 MiB', () => {
    const { rows } = makeRows(2000, 40, 4);
    expect(toCsvPayloads(rows)).toHaveLength(1);
  });

  it('takes a Frame, a matrix, arrays of rows and CSV text alike', () => {
    const rows = [
      [1, 2],
      [3, Number.NaN],
    ];
    const frame = Frame.fromColumns({ a: new Float64Array([1, 3]), b: new Float64Array([2, Number.NaN]) });
    const expected = ['1,2\n3,\n'];
    expect(toCsvPayloads(rows)).toEqual(expected);
    expect(toCsvPayloads(frame)).toEqual(expected);
    expect(toCsvPayloads({ data: new Float32Array([1, 2, 3, Number.NaN]), rows: 2, columns: 2 })).toEqual(expected);
    expect(toCsvPayloads('1,2\n3,\n')).toEqual(expected);
    expect([rows, frame, '1,2\n3,\n'].map((r) => countRows(r as never))).toEqual([2, 2, 2]);
  });

  it('refuses infinite values, ragged rows, string columns and a row larger than a payload', () => {
    expect(() => toCsvPayloads([[1, Infinity]])).toThrow(/row 1 column 2 must be a finite number or NaN/);
    expect(() => toCsvPayloads([[1, 2], [3]])).toThrow(InvalidArgumentError);
    expect(() => toCsvPayloads(Frame.fromColumns({ a: ['x', 'y'] }))).toThrow(/numeric columns only/);
    expect(() => toCsvPayloads('1,2,3,4,5,6,7,8\n', { maxBytes: 8 })).toThrow(/at most 8 bytes per payload/);
  });
});

describe('toHyperparameterStrings', () => {
  it('writes the seed hyperparameters as SageMaker strings and merges overrides over them', () => {
    expect(toHyperparameterStrings(SEED_HYPERPARAMETERS, { eta: 0.1, num_round: 100, verbosity: 0 })).toEqual({
      max_depth: '5',
      eta: '0.1',
      gamma: '4',
      min_child_weight: '6',
      subsample: '0.7',
      objective: 'binary:logistic',
      num_round: '100',
      verbosity: '0',
    });
  });

  it("enforces CreateTrainingJob's limits and finite numbers, naming the hyperparameter", () => {
    expect(() => toHyperparameterStrings({ eta: Number.POSITIVE_INFINITY })).toThrow(
      /eta must be a finite number, got Infinity/,
    );
    expect(() => toHyperparameterStrings({ note: 'x'.repeat(257) })).toThrow(/note must be at most 256 characters/);
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`p${i}`, i]));
    expect(() => toHyperparameterStrings(many)).toThrow(/at most 100 entries/);
  });
});
