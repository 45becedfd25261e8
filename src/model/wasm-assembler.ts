/**
 * What the training kernels written in WebAssembly share (src/model/histogram-kernel.ts and
 * src/model/exact-partition-kernel.ts): the engine's WebAssembly API when it has one, a module
 * compiled once per process, an instance over a memory of its own, and the encoding of a module's
 * bytes (WebAssembly core 2.0 binary format: LEB128 numbers, sections, instructions). Each kernel
 * assembles its functions from these in its own file; there is no build step and no binary file.
 *
 * @example
 * ```ts
 * const compiled = lazyModule(() =>
 *   kernelModule([functionType(2, 1)], [{ name: 'add', type: 0, body: functionBody([], [...get(0), ...get(1), I32_ADD]) }]),
 * );
 * const kernel = instantiate(compiled(), 16); // { buffer, exports } or undefined without WebAssembly
 * (kernel?.exports.add as (a: number, b: number) => number)(2, 3); // 5
 * ```
 */

/** The part of the WebAssembly JavaScript API the kernels use (the global, when the engine has one). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => { readonly buffer: ArrayBuffer };
}
const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

const PAGE = 65536;
/** Byte addresses stay below 2 GiB, so i32 arithmetic on them never wraps. */
const MAX_BYTES = 2 ** 31 - PAGE;

/**
 * The module `assemble` gives, compiled on the first call and kept: null when this engine has no
 * WebAssembly or cannot run the module (e.g. no SIMD, `node --jitless`).
 */
export function lazyModule(assemble: () => Uint8Array): () => object | null {
  let compiled: object | null | undefined;
  return () => {
    if (compiled === undefined) {
      try {
        const bytes = assemble();
        compiled = wasmApi?.validate(bytes) === true ? new wasmApi.Module(bytes) : null;
      } catch {
        compiled = null;
      }
    }
    return compiled;
  };
}

/** A kernel's instance and the memory it imports as `env.memory`. */
export interface KernelInstance {
  readonly buffer: ArrayBuffer;
  readonly exports: Record<string, unknown>;
}

/**
 * An instance of `module` over a new memory of at least `bytes`; undefined when there is no module,
 * when `bytes` does not fit 2 GiB or when the engine refuses a memory that size (the caller then
 * uses its JavaScript kernel).
 */
export function instantiate(module: object | null, bytes: number): KernelInstance | undefined {
  if (module === null || wasmApi === undefined || bytes > MAX_BYTES) return undefined;
  try {
    const memory = new wasmApi.Memory({ initial: Math.ceil(bytes / PAGE) });
    const instance = new wasmApi.Instance(module, { env: { memory } });
    return { buffer: memory.buffer, exports: instance.exports };
  } catch {
    return undefined;
  }
}

// ---- a module's bytes ----

export const I32 = 0x7f;
export const V128 = 0x7b;

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

export const vec = (items: readonly number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: readonly number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (s: string): number[] => vec([...s].map((c) => [c.charCodeAt(0)]));

/** A function type of `params` i32 parameters and `results` (0 or 1) i32 results. */
export const functionType = (params: number, results: 0 | 1): number[] => [
  0x60,
  ...vec(Array.from({ length: params }, () => [I32])),
  ...vec(results === 1 ? [[I32]] : []),
];

/** A function's code entry: its locals as (count, type) groups, then its instructions and `end`. */
export function functionBody(locals: readonly (readonly [number, number])[], code: readonly number[]): number[] {
  const body = [...vec(locals.map(([count, type]) => [...uleb(count), type])), ...code, END];
  return [...uleb(body.length), ...body];
}

/**
 * A module that imports its memory as `env.memory` and exports each function by name; `type` is an
 * index into `types`.
 */
export function kernelModule(
  types: readonly number[][],
  functions: readonly { name: string; type: number; body: number[] }[],
): Uint8Array {
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([...types])),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(1)]])),
    ...section(3, vec(functions.map((f) => [f.type]))),
    ...section(7, vec(functions.map((f, index) => [...name(f.name), 0x00, index]))),
    ...section(10, vec(functions.map((f) => f.body))),
  ]);
}

// Instructions (WebAssembly core 2.0 opcodes).
export const get = (local: number) => [0x20, local];
export const set = (local: number) => [0x21, local];
export const tee = (local: number) => [0x22, local];
/** `i32.const v` for 0 ≤ v < 64 (one LEB128 byte, the same signed or unsigned). */
export const i32Const = (v: number) => [0x41, ...uleb(v)];
export const I32_ADD = 0x6a;
export const I32_SUB = 0x6b;
export const I32_MUL = 0x6c;
export const I32_AND = 0x71;
export const I32_SHL = 0x74;
export const I32_SHR_S = 0x75;
export const I32_SHR_U = 0x76;
export const I32_LT_U = 0x49;
export const I32_GE_U = 0x4f;
export const BLOCK = [0x02, 0x40];
export const LOOP = [0x03, 0x40];
export const END = 0x0b;
export const brIf = (depth: number) => [0x0d, depth];
/** `i32.load offset=…` (4-byte aligned). */
export const i32Load = (offset: number) => [0x28, 2, ...uleb(offset)];
/** `i32.store offset=…` (4-byte aligned). */
export const i32Store = (offset: number) => [0x36, 2, ...uleb(offset)];
