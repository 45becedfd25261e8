import { describe, expect, it } from 'vitest';
import { ByteDictionary, hashBytes } from '../../src/frame/byte-dictionary.js';

describe('ByteDictionary', () => {
  it('gives the codes of first appearance, like a Map from string to insertion index', () => {
    let seed = 11;
    const next = (): number => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    // Many short values (cached path), values that differ only in length or by a zero byte, and long ones.
    const pool = [
      '',
      'a',
      'a\u0000',
      '\u0000',
      '\u0000a',
      'ab',
      'abc',
      'abcd',
      '111',
      '1110',
      'é',
      'E22',
      ...Array.from({ length: 3000 }, (_, i) => `s${(i * 7919) % 5003}`),
    ];
    const values = Array.from({ length: 20_000 }, () => pool[Math.floor(next() * pool.length)]!);
    const reference = new Map<string, number>();
    const dict = new ByteDictionary();
    // The same values interned with their hash computed by the caller (as a scanner does on the way).
    const hashed = new ByteDictionary();
    for (const value of values) {
      if (!reference.has(value)) reference.set(value, reference.size);
      const bytes = Buffer.from(`|${value}|`);
      expect(dict.intern(bytes, 1, bytes.length - 1)).toBe(reference.get(value));
      const h = hashBytes(bytes, 1, bytes.length - 1);
      expect(hashed.internHashed(bytes, 1, bytes.length - 1, h)).toBe(reference.get(value));
    }
    expect(dict.size).toBe(reference.size);
    expect(dict.values()).toEqual([...reference.keys()]);
    expect(hashed.values()).toEqual([...reference.keys()]);
  });

  it('checks a guessed code without hashing', () => {
    const dict = new ByteDictionary();
    const code = dict.internString('31177959');
    const bytes = Buffer.from('x31177959 3117795');
    expect(dict.matches(code, bytes, 1, 9)).toBe(true);
    expect(dict.matches(code, bytes, 10, 17)).toBe(false);
  });
});
