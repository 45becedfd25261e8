import { describe, expect, it } from 'vitest';
import { ParseError } from '../../src/errors.js';
import { countCsvRows, parseInvokeOutput, splitCsvPayload } from '../../src/sagemaker/invoke-output.js';

describe('parseInvokeOutput', () => {
  it('reads the 1.7-1 real-time text/csv answer: one score per line with a trailing newline (csv.writer, lineterminator "\\n")', () => {
    expect(Array.from(parseInvokeOutput('0.12\n0.87\n'))).toEqual([0.12, 0.87]);
  });

  it('reads the comma-separated answer of older images and multi-model endpoints (",".join)', () => {
    expect(Array.from(parseInvokeOutput('0.12,0.87,0.5'))).toEqual([0.12, 0.87, 0.5]);
  });

  it('reads CRLF line endings and bytes', () => {
    expect(Array.from(parseInvokeOutput(new TextEncoder().encode('0.25\r\n0.75\r\n')))).toEqual([0.25, 0.75]);
  });

  it('reads application/json {"predictions":[{"score":p},…]} as the container writes it', () => {
    const body = '{"predictions": [{"score": 0.273698687}, {"score": 0.108240425}]}';
    expect(Array.from(parseInvokeOutput(body, { contentType: 'application/json' }))).toEqual([0.273698687, 0.108240425]);
    expect(Array.from(parseInvokeOutput(body))).toEqual([0.273698687, 0.108240425]);
  });

  it('reads application/jsonlines, one {"score":p} per line', () => {
    expect(Array.from(parseInvokeOutput('{"score":0.1}\n{"score":0.9}\n', { contentType: 'application/jsonlines' }))).toEqual([0.1, 0.9]);
  });

  it('reads Python\'s exponent notation and nan', () => {
    const scores = parseInvokeOutput('1e-05\nnan\n1.0\n');
    expect(scores[0]).toBe(0.00001);
    expect(Number.isNaN(scores[1])).toBe(true);
    expect(scores[2]).toBe(1);
  });

  it('answers nothing for an empty body', () => {
    expect(parseInvokeOutput('')).toHaveLength(0);
  });

  it('rejects a non-number with a ParseError naming the source, line and text', () => {
    expect(() => parseInvokeOutput('0.1\nbad\n', { source: 'InvokeEndpoint ep-1' })).toThrow(ParseError);
    expect(() => parseInvokeOutput('0.1\nbad\n', { source: 'InvokeEndpoint ep-1' })).toThrow(/InvokeEndpoint ep-1:2: is not a number "bad"/);
  });

  it('rejects an empty line between scores instead of skipping it', () => {
    expect(() => parseInvokeOutput('0.1\n\n0.2\n')).toThrow(/:2: is not a number/);
  });

  it('rejects several values per line (multi-class output) instead of guessing', () => {
    expect(() => parseInvokeOutput('0.1,0.9\n0.2,0.8\n')).toThrow(/:1: has several values on one line/);
  });

  it('rejects JSON without a predictions array or with a non-numeric score', () => {
    expect(() => parseInvokeOutput('{"scores":[1]}', { contentType: 'application/json' })).toThrow(/no predictions array/);
    expect(() => parseInvokeOutput('{"predictions":[{"score":"x"}]}', { contentType: 'application/json' })).toThrow(/predictions\[0\] has no numeric score/);
  });
});

describe('countCsvRows and splitCsvPayload', () => {
  it('counts non-empty lines, with or without a final newline', () => {
    expect(countCsvRows('1,2\n3,4\n')).toBe(2);
    expect(countCsvRows('1,2\n3,4')).toBe(2);
    expect(countCsvRows('\n\n')).toBe(0);
  });

  it('splits at line boundaries into pieces of at most maxBytes, keeping every row in order', () => {
    const rows = Array.from({ length: 100 }, (_, i) => `${i},${i * 2},${i % 7}`);
    const pieces = splitCsvPayload(`${rows.join('\n')}\n`, 64);
    expect(pieces.length).toBeGreaterThan(1);
    for (const piece of pieces) expect(Buffer.byteLength(piece)).toBeLessThanOrEqual(64);
    expect(pieces.join('').split('\n').filter(Boolean)).toEqual(rows);
  });

  it('counts UTF-8 bytes, not characters', () => {
    expect(splitCsvPayload('é\né\n', 3)).toEqual(['é\n', 'é\n']);
  });
});
