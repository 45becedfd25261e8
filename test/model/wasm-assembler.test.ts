import { describe, expect, it } from 'vitest';
import {
  I32_ADD,
  functionBody,
  functionType,
  get,
  instantiate,
  kernelModule,
  lazyModule,
  uleb,
} from '../../src/model/wasm-assembler.js';

describe('wasm-assembler: what the WebAssembly training kernels share', () => {
  it('encodes unsigned LEB128 as the WebAssembly binary format specifies (its example: 624485 → e5 8e 26)', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
  });

  it('assembles a module the engine validates and runs, compiled once and instantiated over its own memory', () => {
    let assembled = 0;
    const compiled = lazyModule(() => {
      assembled++;
      return kernelModule(
        [functionType(2, 1)],
        [{ name: 'add', type: 0, body: functionBody([], [...get(0), ...get(1), I32_ADD]) }],
      );
    });
    expect(lazyModule(() => kernelModule([functionType(2, 1)], []))()).not.toBeNull();
    const first = instantiate(compiled(), 100_000);
    const second = instantiate(compiled(), 16);
    expect(assembled).toBe(1);
    if (first === undefined || second === undefined) throw new Error('WebAssembly is available in Node 20');
    expect((first.exports.add as (a: number, b: number) => number)(2, 3)).toBe(5);
    expect(first.buffer.byteLength).toBe(2 * 65536);
    expect(second.buffer.byteLength).toBe(65536);
  });

  it('gives no instance, so that the caller runs its JavaScript kernel, without a module or past 2 GiB', () => {
    const broken = lazyModule(() => Uint8Array.from([0, 1, 2]));
    expect(broken()).toBeNull();
    expect(instantiate(broken(), 16)).toBeUndefined();
    const compiled = lazyModule(() => kernelModule([functionType(0, 0)], []));
    expect(instantiate(compiled(), 2 ** 31)).toBeUndefined();
  });
});
