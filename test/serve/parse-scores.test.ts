import { describe, expect, it } from 'vitest';
import { ParseError } from '../../src/errors.js';
import { parseScores } from '../../src/serve/parse-scores.js';

describe('parseScores: the one parser of endpoint and batch transform output', () => {
  it('reads the 1.7-1 real-time text/csv answer: one score per line with a trailing newline (csv.writer, lineterminator "\\n")', () => {
    expect(Array.from(parseScores('0.12\n0.87\n'))).toEqual([0.12, 0.87]);
  });

  it('reads the comma-separated answer of older images and multi-model endpoints (",".join)', () => {
    expect(Array.from(parseScores('0.12,0.87,0.5'))).toEqual([0.12, 0.87, 0.5]);
  });

  it('reads CRLF line endings and bytes', () => {
    expect(Array.from(parseScores(new TextEncoder().encode('0.25\r\n0.75\r\n')))).toEqual([0.25, 0.75]);
  });

  it('reads application/json {"predictions":[{"score":p},…]} as the container writes it', () => {
    const body = '{"predictions": [{"score": 0.273698687}, {"score": 0.108240425}]}';
    expect(Array.from(parseScores(body, { contentType: 'application/json' }))).toEqual([0.273698687, 0.108240425]);
    expect(Array.from(parseScores(body))).toEqual([0.273698687, 0.108240425]);
  });

  it('reads application/jsonlines, one {"score":p} per line', () => {
    expect(Array.from(parseScores('{"score":0.1}\n{"score":0.9}\n', { contentType: 'application/jsonlines' }))).toEqual(
      [0.1, 0.9],
    );
  });

  it("reads Python's exponent notation, nan and inf (str() of a float)", () => {
    const scores = parseScores('1e-05\nnan\n1.0\ninf\n-inf\n');
    expect(scores[0]).toBe(0.00001);
    expect(Number.isNaN(scores[1])).toBe(true);
    expect(Array.from(scores.subarray(2))).toEqual([1, Infinity, -Infinity]);
  });

  it('answers nothing for an empty body', () => {
    expect(parseScores('')).toHaveLength(0);
  });

  it('rejects a non-number with a ParseError naming the source, line and text', () => {
    expect(() => parseScores('0.1\nbad\n', { source: 'InvokeEndpoint ep-1' })).toThrow(ParseError);
    expect(() => parseScores('0.1\nbad\n', { source: 'InvokeEndpoint ep-1' })).toThrow(
      /InvokeEndpoint ep-1:2: is not a number "bad"/,
    );
  });

  it('rejects an empty line between scores instead of skipping it', () => {
    expect(() => parseScores('0.1\n\n0.2\n')).toThrow(/:2: is not a number/);
  });

  it('names the line and column of a bad value in a comma-separated answer', () => {
    expect(() => parseScores('0.1,x,0.3', { source: 'endpoint e1' })).toThrow(/^endpoint e1:1:2: is not a number "x"/);
  });

  it('rejects several values per line (multi-class output) instead of guessing', () => {
    expect(() => parseScores('0.1,0.9\n0.2,0.8\n')).toThrow(/:1: has several values on one line/);
  });

  it('rejects JSON without a predictions array or with a non-numeric score', () => {
    expect(() => parseScores('{"scores":[1]}', { contentType: 'application/json' })).toThrow(/no predictions array/);
    expect(() => parseScores('{"predictions":[{"score":"x"}]}', { contentType: 'application/json' })).toThrow(
      /predictions\[0\] has no numeric score/,
    );
  });
});
