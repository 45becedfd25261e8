import { describe, expect, it } from 'vitest';
import { countCsvRows, splitCsvPayload } from '../../src/sagemaker/csv-payload.js';

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
