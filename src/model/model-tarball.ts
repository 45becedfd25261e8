import { gunzipSync, gzipSync } from 'node:zlib';
import { ModelFormatError, ModelSizeLimitError } from './model-errors.js';

const BLOCK = 512;

/** Limits that keep reading an untrusted `model.tar.gz` within bounded memory. */
export interface TarGzLimits {
  /** Largest decompressed tar stream accepted, in bytes. Default 256 MiB. */
  readonly maxDecompressedBytes?: number;
  /** Largest single member accepted, in bytes. Default 128 MiB. */
  readonly maxMemberBytes?: number;
  /** Most entries (headers) accepted. Default 10 000. */
  readonly maxEntries?: number;
  /** File name for error messages. */
  readonly file?: string;
}

/** A regular file found in a tarball. */
export interface TarMember {
  /** Path inside the archive with any leading `./` removed. */
  readonly name: string;
  readonly data: Uint8Array;
}

/**
 * True when the bytes start with the gzip magic `1f 8b`.
 *
 * @example
 * ```ts
 * isGzip(new Uint8Array([0x1f, 0x8b, 8])); // true
 * ```
 */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decompresses a gzip stream, refusing to produce more than `maxBytes` (a gzip bomb fails with
 * {@link ModelSizeLimitError} after at most that much output, not after exhausting memory).
 *
 * @example
 * ```ts
 * const tar = gunzipLimited(bytes, 256 * 2 ** 20);
 * ```
 */
export function gunzipLimited(bytes: Uint8Array, maxBytes: number, file = 'model.tar.gz'): Uint8Array {
  try {
    const out = gunzipSync(bytes, { maxOutputLength: maxBytes });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (cause) {
    const code = (cause as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || cause instanceof RangeError) {
      throw new ModelSizeLimitError(`${file}: decompressed size`, maxBytes);
    }
    throw new ModelFormatError('tarball', 'gzip stream', `cannot be decompressed (${(cause as Error).message})`, {
      cause,
      file,
    });
  }
}

/**
 * Lists the regular files of an uncompressed ustar / pax / GNU tar archive. Hostile archives fail
 * with a typed error: entries whose path is absolute or contains `..`, symbolic or hard links,
 * device files, bad header checksums, sizes beyond the archive or the member limit, too many
 * entries. Directories are skipped.
 *
 * @example
 * ```ts
 * for (const member of readTar(tarBytes)) console.log(member.name, member.data.length);
 * ```
 */
export function readTar(tar: Uint8Array, limits: TarGzLimits = {}): TarMember[] {
  const { maxMemberBytes = 128 * 2 ** 20, maxEntries = 10_000, file = 'model.tar.gz' } = limits;
  const fail = (at: number, problem: string): never => {
    throw new ModelFormatError('tarball', `tar byte ${at}`, problem, { file });
  };
  const members: TarMember[] = [];
  let offset = 0;
  let entries = 0;
  let pendingName: string | undefined;
  while (offset + BLOCK <= tar.length) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) break; // end-of-archive marker
    if (++entries > maxEntries) fail(offset, `more than ${maxEntries} entries`);
    const stored = parseOctal(header, 148, 8);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
    if (stored !== sum)
      fail(offset, `header checksum is ${stored} but the header sums to ${sum} (corrupt or not a tar archive)`);
    const size = parseSize(header, fail, offset);
    const type = String.fromCharCode(header[156]!);
    const dataAt = offset + BLOCK;
    if (size > tar.length - dataAt)
      fail(offset, `entry size ${size} runs past the end of the archive (${tar.length - dataAt} bytes left)`);
    const data = tar.subarray(dataAt, dataAt + size);
    offset = dataAt + Math.ceil(size / BLOCK) * BLOCK;
    const ustar = cString(header, 257, 6).startsWith('ustar');
    const prefix = ustar ? cString(header, 345, 155) : '';
    const rawName = pendingName ?? (prefix ? `${prefix}/${cString(header, 0, 100)}` : cString(header, 0, 100));
    if (type === 'x' || type === 'L') {
      if (size > 1 << 20)
        fail(dataAt, `a ${type === 'x' ? 'pax' : 'GNU long-name'} header of ${size} bytes (expected under 1 MiB)`);
      pendingName = type === 'L' ? cString(data, 0, data.length) : (paxPath(data) ?? pendingName);
      continue;
    }
    if (type === 'g') continue; // global pax header: nothing we use
    pendingName = undefined;
    const name = checkName(rawName, fail, dataAt - BLOCK);
    if (type === '5') continue;
    if (type === '1' || type === '2')
      fail(
        dataAt - BLOCK,
        `entry ${JSON.stringify(name)} is a ${type === '1' ? 'hard' : 'symbolic'} link (links are refused in ` +
          `model archives)`,
      );
    if (type !== '0' && type !== '\0' && type !== '7')
      fail(
        dataAt - BLOCK,
        `entry ${JSON.stringify(name)} has type ${JSON.stringify(type)} (expected a regular file or directory)`,
      );
    if (size > maxMemberBytes)
      throw new ModelSizeLimitError(`${file}: member ${JSON.stringify(name)} of ${size} bytes`, maxMemberBytes);
    members.push({ name, data });
  }
  return members;
}

/** Rejects absolute paths and `..` components; strips a leading `./`. */
function checkName(raw: string, fail: (at: number, problem: string) => never, at: number): string {
  if (raw.length === 0) fail(at, 'an entry with an empty name');
  if (raw.startsWith('/') || /^[A-Za-z]:[\\/]/.test(raw) || raw.startsWith('\\')) {
    fail(at, `entry ${JSON.stringify(raw)} has an absolute path (refused: path traversal)`);
  }
  const parts = raw.split(/[\\/]+/);
  if (parts.includes('..')) fail(at, `entry ${JSON.stringify(raw)} contains ".." (refused: path traversal)`);
  return parts.filter((p) => p !== '.' && p !== '').join('/');
}

function paxPath(data: Uint8Array): string | undefined {
  const text = new TextDecoder().decode(data);
  let path: string | undefined;
  let at = 0;
  while (at < text.length) {
    const space = text.indexOf(' ', at);
    if (space < 0) break;
    const length = Number(text.slice(at, space));
    if (!Number.isInteger(length) || length <= 0) break;
    const record = text.slice(space + 1, at + length - 1);
    const eq = record.indexOf('=');
    if (eq > 0 && record.slice(0, eq) === 'path') path = record.slice(eq + 1);
    at += length;
  }
  return path;
}

function cString(bytes: Uint8Array, at: number, length: number): string {
  let end = at;
  while (end < at + length && end < bytes.length && bytes[end] !== 0) end++;
  return new TextDecoder().decode(bytes.subarray(at, end));
}

function parseOctal(bytes: Uint8Array, at: number, length: number): number {
  const text = cString(bytes, at, length).trim();
  return text === '' ? 0 : /^[0-7]+$/.test(text) ? Number.parseInt(text, 8) : Number.NaN;
}

function parseSize(header: Uint8Array, fail: (at: number, problem: string) => never, at: number): number {
  if ((header[124]! & 0x80) !== 0) {
    // GNU base-256: big-endian binary in the remaining bits.
    let size = header[124]! & 0x7f;
    for (let i = 125; i < 136; i++) size = size * 256 + header[i]!;
    if (!Number.isSafeInteger(size)) fail(at, 'entry size does not fit in 2^53 bytes');
    return size;
  }
  const size = parseOctal(header, 124, 12);
  if (Number.isNaN(size)) fail(at, `entry size ${JSON.stringify(cString(header, 124, 12))} is not an octal number`);
  return size;
}

/**
 * Names tried, in order, for the model inside a SageMaker `model.tar.gz`.
 *
 * @example
 * ```ts
 * MODEL_MEMBER_NAMES[0]; // 'xgboost-model'
 * ```
 */
export const MODEL_MEMBER_NAMES = [
  'xgboost-model',
  'model.json',
  'model.ubj',
  'xgboost-model.json',
  'xgboost-model.ubj',
] as const;

/**
 * The model file inside a SageMaker `model.tar.gz`: `xgboost-model` (what the 1.3-1 … 1.7-1
 * containers write), else `model.json` / `model.ubj`, else the only regular file. Memory stays
 * bounded by `limits` whatever the archive claims.
 *
 * @example
 * ```ts
 * const { name, data } = extractModelMember(await readFile('model.tar.gz'));
 * ```
 */
export function extractModelMember(bytes: Uint8Array, limits: TarGzLimits = {}): TarMember {
  const { maxDecompressedBytes = 256 * 2 ** 20, file = 'model.tar.gz' } = limits;
  if (!isGzip(bytes))
    throw new ModelFormatError('tarball', 'byte 0', 'does not start with the gzip magic 1f 8b', { file });
  const members = readTar(gunzipLimited(bytes, maxDecompressedBytes, file), limits);
  for (const wanted of MODEL_MEMBER_NAMES) {
    const member = members.find((m) => m.name === wanted);
    if (member !== undefined) return member;
  }
  if (members.length === 1) return members[0]!;
  throw new ModelFormatError(
    'tarball',
    'members',
    `no model file found among ${members.length} files ` +
      `(${members.map((m) => JSON.stringify(m.name)).join(', ') || 'none'}; expected "xgboost-model" or ` +
      `"model.json")`,
    { file },
  );
}

/** Options of {@link writeTarGz}. */
export interface WriteTarGzOptions {
  /** Modification time in seconds since the epoch. Default 0, so the same model gives the same bytes. */
  readonly mtime?: number;
  /** File mode. Default 0o644. */
  readonly mode?: number;
}

/**
 * A gzip-compressed ustar archive holding the given files at its root, written by hand (no tar
 * package): the shape of a SageMaker `model.tar.gz`.
 *
 * @example
 * ```ts
 * writeTarGz([{ name: 'xgboost-model', data: writeModelBinary(model) }]);
 * ```
 */
export function writeTarGz(files: readonly TarMember[], options: WriteTarGzOptions = {}): Uint8Array {
  const { mtime = 0, mode = 0o644 } = options;
  const enc = new TextEncoder();
  let total = 2 * BLOCK;
  for (const f of files) total += BLOCK + Math.ceil(f.data.length / BLOCK) * BLOCK;
  const tar = new Uint8Array(total);
  let offset = 0;
  for (const f of files) {
    const name = enc.encode(f.name);
    if (name.length > 100)
      throw new ModelFormatError('tarball', 'write', `member name ${JSON.stringify(f.name)} is longer than 100 bytes`);
    const h = tar.subarray(offset, offset + BLOCK);
    h.set(name, 0);
    const octal = (at: number, width: number, value: number): void => {
      h.set(enc.encode(`${value.toString(8).padStart(width - 1, '0')}\0`), at);
    };
    octal(100, 8, mode);
    octal(108, 8, 0);
    octal(116, 8, 0);
    octal(124, 12, f.data.length);
    octal(136, 12, Math.floor(mtime));
    h[156] = 0x30; // '0': regular file
    h.set(enc.encode('ustar\0' + '00'), 257);
    h.fill(0x20, 148, 156);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += h[i]!;
    h.set(enc.encode(`${sum.toString(8).padStart(6, '0')}\0 `), 148);
    tar.set(f.data, offset + BLOCK);
    offset += BLOCK + Math.ceil(f.data.length / BLOCK) * BLOCK;
  }
  const gz = gzipSync(tar, { level: 9 });
  return new Uint8Array(gz.buffer, gz.byteOffset, gz.byteLength);
}
