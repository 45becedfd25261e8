import { type FileHandle, open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip, gunzipSync } from 'node:zlib';
import { InvalidArgumentError, SessionSentryError } from '../errors.js';

/**
 * Where delimited text comes from. Reading functions accept any of these:
 *
 * - `{ path, name? }`: a file; `.gz` files (by extension or by their magic bytes) are decompressed.
 * - `{ text, name? }`: text already in memory.
 * - `{ bytes, name? }`: UTF-8 bytes in memory (a `Buffer` or `Uint8Array`), gzip detected by magic bytes.
 * - `{ stream, name? }`: a Node `Readable` or any async iterable of byte or string chunks.
 * - a bare `Uint8Array`/`Buffer` or `Readable`: as `{ bytes }` / `{ stream }`.
 * - a bare string: **content when it contains a newline or a tab, otherwise a path**. Prefer the
 *   explicit `{ text }` or `{ path }` objects when the string comes from outside.
 *
 * `name` is what error messages and `EventLog.sourceNames` call the source; it defaults to the path
 * as given, `<string>`, `<bytes>` or `<stream>`.
 *
 * @example
 * ```ts
 * await readCsv('data/sessions.csv');                       // a path
 * await readCsv({ text: 'a,b\n1,2\n', name: 'inline.csv' }); // content, named for errors
 * await readCsv({ stream: process.stdin, name: 'stdin' });
 * ```
 */
export type TextSource =
  | string
  | Uint8Array
  | Readable
  | { readonly path: string; readonly name?: string }
  | { readonly text: string; readonly name?: string }
  | { readonly bytes: Uint8Array; readonly name?: string }
  | { readonly stream: AsyncIterable<Uint8Array | string>; readonly name?: string };

/** A source opened for reading: its display name and its bytes, chunk by chunk, decompressed. */
export interface OpenedSource {
  readonly name: string;
  readonly chunks: AsyncIterable<Uint8Array>;
}

/**
 * A file could not be opened or read (missing, unreadable, corrupt gzip). `cause` holds the system error.
 *
 * @example
 * ```ts
 * try { await readEventLog('mixed-9.txt'); }
 * catch (err) { if (err instanceof SourceReadError) console.error(err.file, err.message); } // mixed-9.txt: no such file …
 * ```
 */
export class SourceReadError extends SessionSentryError {
  declare readonly code: 'ERR_SOURCE_READ';
  readonly file: string;
  /** What went wrong, without the file name or the hint for library callers (`no such file`). */
  readonly problem: string;

  constructor(file: string, problem: string, options?: { cause?: unknown; hint?: string }) {
    super('ERR_SOURCE_READ', `${file}: ${problem}${options?.hint === undefined ? '' : ` (${options.hint})`}`, options);
    this.file = file;
    this.problem = problem;
  }
}

/** Bytes read from a file per chunk: large enough that per-chunk work is negligible, small enough to stream. */
const FILE_CHUNK = 1 << 20;

/**
 * Describes a `TextSource` without opening it: its display name and, for in-memory sources,
 * its bytes (gunzipped when they are gzip data).
 *
 * @example
 * ```ts
 * describeSource('a\tb\n1\t2\n');            // { name: '<string>', bytes: Buffer }
 * describeSource({ path: 'logs/x.txt.gz' });  // { name: 'logs/x.txt.gz', path: 'logs/x.txt.gz' }
 * ```
 */
export function describeSource(
  source: TextSource,
  where = 'read',
): { name: string; bytes?: Buffer; path?: string; stream?: AsyncIterable<Uint8Array | string> } {
  if (typeof source === 'string') {
    if (source.includes('\n') || source.includes('\t')) return { name: '<string>', bytes: Buffer.from(source, 'utf8') };
    if (source.length === 0)
      throw new InvalidArgumentError(
        where,
        'source',
        source,
        'a path, text with a newline, or a { text } / { path } object',
      );
    return { name: source, path: source };
  }
  if (source instanceof Uint8Array) return { name: '<bytes>', bytes: gunzipBytes(toBuffer(source), '<bytes>') };
  if (isAsyncIterable(source)) return { name: '<stream>', stream: source as AsyncIterable<Uint8Array | string> };
  if (typeof source === 'object' && source !== null) {
    const named = source as { name?: unknown };
    const name = typeof named.name === 'string' ? named.name : undefined;
    if ('path' in source && typeof source.path === 'string') return { name: name ?? source.path, path: source.path };
    if ('text' in source && typeof source.text === 'string')
      return { name: name ?? '<string>', bytes: Buffer.from(source.text, 'utf8') };
    if ('bytes' in source && source.bytes instanceof Uint8Array) {
      const label = name ?? '<bytes>';
      return { name: label, bytes: gunzipBytes(toBuffer(source.bytes), label) };
    }
    if ('stream' in source && isAsyncIterable(source.stream))
      return { name: name ?? '<stream>', stream: source.stream };
  }
  throw new InvalidArgumentError(
    where,
    'source',
    source,
    'a path, text, Buffer, Readable stream, or { path | text | bytes | stream, name? }',
  );
}

/**
 * Opens a `TextSource` as a stream of byte chunks, decompressing gzip (by `.gz` extension or
 * by magic bytes) on the fly, so memory stays bounded by the chunk size whatever the file size.
 * A chunk is valid until the next one is requested (files are read into one reused buffer):
 * copy what you keep.
 *
 * @example
 * ```ts
 * const { name, chunks } = openSource({ path: 'mixed-1.txt.gz' });
 * for await (const chunk of chunks) total += chunk.length;
 * ```
 */
export function openSource(source: TextSource, where = 'read'): OpenedSource {
  // Gzip bytes in memory are decompressed as a stream too, so a reader that stops early (a line
  // over its limit) never holds the whole expansion of a small, hostile input.
  const packed = source instanceof Uint8Array ? { bytes: source, name: '<bytes>' } : bytesSource(source);
  if (packed !== undefined && packed.bytes.length >= 2 && packed.bytes[0] === 0x1f && packed.bytes[1] === 0x8b) {
    const bytes = toBuffer(packed.bytes);
    return {
      name: packed.name,
      chunks: streamChunks(
        (async function* () {
          yield bytes;
        })(),
        packed.name,
      ),
    };
  }
  const described = describeSource(source, where);
  const { name } = described;
  if (described.bytes !== undefined) {
    const bytes = described.bytes;
    return {
      name,
      chunks: (async function* () {
        yield bytes;
      })(),
    };
  }
  if (described.path !== undefined) {
    const file = described.path;
    return { name, chunks: fileChunks(file, name) };
  }
  return { name, chunks: streamChunks(described.stream!, name) };
}

/** The bytes and display name of a `{ bytes, name? }` source, else undefined. */
function bytesSource(source: TextSource): { bytes: Uint8Array; name: string } | undefined {
  if (typeof source !== 'object' || source === null || !('bytes' in source) || !(source.bytes instanceof Uint8Array))
    return undefined;
  const name = (source as { name?: unknown }).name;
  return { bytes: source.bytes, name: typeof name === 'string' ? name : '<bytes>' };
}

/**
 * Reads a file into one reused buffer: no allocation per chunk, so reading a big file does not
 * pile up external memory for the garbage collector. Each chunk is valid until the next one is
 * requested (the tokenizer copies what it carries over).
 */
async function* fileChunks(file: string, name: string): AsyncGenerator<Uint8Array> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw wrapReadError(error, name);
  }
  try {
    const buffer = Buffer.allocUnsafe(FILE_CHUNK);
    const reads = async function* (): AsyncGenerator<Buffer> {
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, FILE_CHUNK, null);
        if (bytesRead === 0) return;
        yield buffer.subarray(0, bytesRead);
      }
    };
    yield* maybeGunzip(reads(), name);
  } catch (error) {
    throw wrapReadError(error, name);
  } finally {
    await handle.close();
  }
}

async function* streamChunks(stream: AsyncIterable<Uint8Array | string>, name: string): AsyncGenerator<Uint8Array> {
  try {
    yield* maybeGunzip(stream, name);
  } catch (error) {
    throw wrapReadError(error, name);
  }
}

/**
 * Yields the chunks of `input` as bytes, through gunzip when it is gzip data. The magic bytes decide,
 * not the extension, so a `.gz` file that holds plain text (or a gzip file without the extension) reads too.
 */
async function* maybeGunzip(input: AsyncIterable<Uint8Array | string>, name: string): AsyncGenerator<Uint8Array> {
  const iterator = input[Symbol.asyncIterator]();
  let first: Buffer | undefined;
  // Read until there are two bytes to look at (or the input ends).
  while (first === undefined || first.length < 2) {
    const next = await iterator.next();
    if (next.done) break;
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value, 'utf8') : toBuffer(next.value);
    // A copy: the next read may reuse the chunk's memory.
    first = first === undefined ? Buffer.from(chunk) : Buffer.concat([first, chunk]);
  }
  if (first === undefined) return;
  const gzip = first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b;
  if (!gzip) {
    yield first;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield typeof next.value === 'string' ? Buffer.from(next.value, 'utf8') : toBuffer(next.value);
    }
  }
  // zlib may hold on to input chunks after asking for the next: give it copies, since a file
  // reader reuses its buffer.
  const rest = (async function* () {
    yield Buffer.from(first);
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield typeof next.value === 'string' ? Buffer.from(next.value, 'utf8') : Buffer.from(next.value);
    }
  })();
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  const decompressed = Readable.from(rest, { objectMode: false }).pipe(gunzip);
  try {
    for await (const chunk of decompressed) yield chunk as Buffer;
  } catch (error) {
    throw new SourceReadError(name, `cannot decompress gzip data (${(error as Error).message})`, { cause: error });
  } finally {
    decompressed.destroy();
  }
}

function wrapReadError(error: unknown, name: string): unknown {
  if (error instanceof SessionSentryError) return error;
  const err = error as NodeJS.ErrnoException;
  if (err.code === 'ENOENT')
    return new SourceReadError(name, 'no such file', {
      cause: error,
      hint: 'expected a readable file; to pass text, use { text } or include a newline',
    });
  if (err.code === 'EISDIR') return new SourceReadError(name, 'is a directory (expected a file)', { cause: error });
  if (err.code === 'EACCES') return new SourceReadError(name, 'permission denied', { cause: error });
  return new SourceReadError(name, `cannot read (${err.message})`, { cause: error });
}

/**
 * `bytes` gunzipped when they start with the gzip magic bytes, else `bytes` itself; corrupt gzip
 * data is a {@link SourceReadError} naming `name`.
 *
 * @example
 * ```ts
 * gunzipBytes(gzipSync('a,b\n'), 'x.csv.gz').toString(); // 'a,b\n'
 * ```
 */
export function gunzipBytes(bytes: Buffer, name: string): Buffer {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (error) {
    throw new SourceReadError(name, `cannot decompress gzip data (${(error as Error).message})`, { cause: error });
  }
}

/**
 * A Buffer view of the same memory (no copy).
 *
 * @example
 * ```ts
 * toBuffer(new Uint8Array([104, 105])).toString(); // 'hi'
 * ```
 */
export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
  );
}
