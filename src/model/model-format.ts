import { readFile, stat } from 'node:fs/promises';
import type { BoosterModel } from './model-types.js';
import { type ModelFormat, ModelFormatError, ModelSizeLimitError } from './model-errors.js';
import { readModelJSON } from './model-json.js';
import { readModelUBJSON } from './model-ubjson.js';
import { hasBinfHeader, readModelBinary } from './model-binary.js';
import { extractModelMember, isGzip, type TarGzLimits } from './model-tarball.js';

/**
 * Tells the model formats apart the way XGBoost's loader does: `binf` → legacy binary; `{` then
 * `"` (after whitespace) → JSON; `{` then a letter → UBJSON; gzip magic → `model.tar.gz`;
 * anything else → legacy binary without the header (1.0.x).
 *
 * @example
 * ```ts
 * detectModelFormat(new TextEncoder().encode('{"learner":{}}')); // 'json'
 * ```
 */
export function detectModelFormat(bytes: Uint8Array): ModelFormat {
  if (hasBinfHeader(bytes)) return 'binary';
  if (isGzip(bytes)) return 'tarball';
  let i = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3; // UTF-8 byte-order mark
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  if (bytes[i] === 0x7b) {
    let j = i + 1;
    while (j < bytes.length && (bytes[j] === 0x20 || bytes[j] === 0x09 || bytes[j] === 0x0a || bytes[j] === 0x0d)) j++;
    if (bytes[j] === 0x22 || bytes[j] === 0x7d) return 'json';
    return 'ubjson';
  }
  return 'binary';
}

/** Options of {@link loadModel} and {@link loadModelFile}. */
export interface LoadModelOptions extends TarGzLimits {
  /** Largest model file read from disk, in bytes. Default 256 MiB. */
  readonly maxFileBytes?: number;
}

/**
 * Decodes a model in any supported format — XGBoost JSON, UBJSON, legacy binary with or without
 * `binf`, or a SageMaker `model.tar.gz` holding one of them. A string is JSON text. The result is
 * not validated; {@link sessionsentry!Booster} validates it.
 *
 * @example
 * ```ts
 * const model = loadModel(new Uint8Array(await readFile('model.tar.gz')));
 * ```
 */
export function loadModel(input: Uint8Array | string, options: LoadModelOptions = {}): BoosterModel {
  if (input.length === 0 || (typeof input === 'string' && input.trim().length === 0)) {
    throw new ModelFormatError(
      'unknown',
      'byte 0',
      'the file is empty (expected an XGBoost JSON, UBJSON or legacy binary model, or a model.tar.gz)',
      { file: options.file },
    );
  }
  if (typeof input === 'string') return readModelJSON(input, options);
  const format = detectModelFormat(input);
  switch (format) {
    case 'json':
      return readModelJSON(decodeText(input, options.file), options);
    case 'ubjson':
      return readModelUBJSON(input, options);
    case 'binary':
      return readModelBinary(input, options);
    case 'tarball':
      return loadTarGzModel(input, options);
  }
}

/**
 * Decodes the model inside a SageMaker `model.tar.gz` (see {@link extractModelMember}); a member
 * that is itself gzip-compressed is refused rather than unpacked again.
 *
 * @example
 * ```ts
 * const model = loadTarGzModel(new Uint8Array(await readFile('model.tar.gz')));
 * ```
 */
export function loadTarGzModel(bytes: Uint8Array, options: LoadModelOptions = {}): BoosterModel {
  const member = extractModelMember(bytes, options);
  if (detectModelFormat(member.data) === 'tarball') {
    throw new ModelFormatError(
      'tarball',
      `member ${member.name}`,
      'is itself gzip-compressed (expected a model file)',
      { file: options.file },
    );
  }
  return loadModel(member.data, { ...options, file: `${options.file ?? 'model.tar.gz'}:${member.name}` });
}

function decodeText(bytes: Uint8Array, file: string | undefined): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new ModelFormatError('json', 'text', 'is not valid UTF-8', { cause, file });
  }
}

/**
 * Reads and decodes a model file in any supported format (see {@link loadModel}), refusing files
 * larger than `maxFileBytes`.
 *
 * @example
 * ```ts
 * const model = await loadModelFile('model.tar.gz');
 * ```
 */
export async function loadModelFile(path: string, options: LoadModelOptions = {}): Promise<BoosterModel> {
  const { maxFileBytes = 256 * 2 ** 20 } = options;
  const info = await stat(path);
  if (info.size > maxFileBytes) throw new ModelSizeLimitError(`${path}: file size ${info.size}`, maxFileBytes);
  const bytes = await readFile(path);
  return loadModel(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
    ...options,
    file: options.file ?? path,
  });
}
