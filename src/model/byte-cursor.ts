import { ModelFormatError, type ModelFormat } from './model-errors.js';

/**
 * A read position in an untrusted model file that checks every length against the bytes left
 * before using it, and fails with a {@link ModelFormatError} naming the format, the byte offset and
 * the file. The binary and UBJSON readers build their decoders on it.
 *
 * @example
 * ```ts
 * const cursor = new ByteCursor(bytes, 'binary', 'xgboost-model');
 * const at = cursor.need(4, 'the magic');  // throws when fewer than 4 bytes are left
 * cursor.view.getInt32(at, true);
 * ```
 */
export class ByteCursor {
  offset = 0;
  readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly format: ModelFormat,
    readonly file: string | undefined,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Bytes not read yet. */
  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  /** Throws a {@link ModelFormatError} about byte `at`. */
  fail(at: number, problem: string, cause?: unknown): never {
    throw new ModelFormatError(
      this.format,
      `byte ${at}`,
      problem,
      cause === undefined ? { file: this.file } : { cause, file: this.file },
    );
  }

  /** Reserves the next `n` bytes for `what` and returns their offset. */
  need(n: number, what: string): number {
    if (n > this.remaining)
      this.fail(this.offset, `${what} needs ${n} bytes but only ${this.remaining} remain (file truncated?)`);
    const at = this.offset;
    this.offset += n;
    return at;
  }
}
