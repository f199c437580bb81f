import { codecError, CodecErrorCode } from '../errors.js';
import { alignTo8 } from './byte-layout.js';
import { memorySource } from './byte-source.js';
import type { ByteSource } from './byte-source.js';

/**
 * Reads fixed little-endian fields and length-prefixed sections from untrusted bytes. Every read is
 * bounds-checked against the bytes actually present and fails with a codec error naming the field, so
 * callers never index past the end or allocate from a length they have not checked.
 */
export class ByteReader {
  readonly #source: ByteSource;
  readonly #what: string;
  #pos: number;

  /**
   * Reads `bytes` (or a {@link ByteSource}, such as a file) from `start`. `what` names the encoding in
   * error messages (`Shareable envelope`).
   */
  constructor(bytes: Uint8Array | ByteSource, what: string, start = 0) {
    this.#source = bytes instanceof Uint8Array ? memorySource(bytes) : bytes;
    this.#what = what;
    this.#pos = start;
  }

  /** Offset of the next byte to read. */
  get position(): number {
    return this.#pos;
  }

  /** Bytes not read yet. */
  get remaining(): number {
    return this.#source.byteLength - this.#pos;
  }

  /** One unsigned byte. */
  u8(field: string): number {
    return this.#field(1, field).getUint8(0);
  }

  /** An unsigned 16-bit little-endian integer. */
  u16(field: string): number {
    return this.#field(2, field).getUint16(0, true);
  }

  /** An unsigned 32-bit little-endian integer. */
  u32(field: string): number {
    return this.#field(4, field).getUint32(0, true);
  }

  /** An unsigned 64-bit little-endian integer; values above 2^53 - 1 cannot be real sizes and are refused. */
  u64(field: string): number {
    const value = this.#field(8, field).getBigUint64(0, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      const available = this.#source.byteLength;
      const message = `${this.#what} declares ${field} ${value}, far beyond the ${available} bytes given`;
      throw codecError(CodecErrorCode.TRUNCATED, message, { context: { field, declared: value.toString(), available } });
    }
    return Number(value);
  }

  /** The next `length` bytes: a view (no copy) when reading memory, a copy when reading a file. */
  take(length: number, field: string): Uint8Array {
    this.#need(length, field);
    const out = this.#source.bytes(this.#pos, length);
    this.#pos += length;
    return out;
  }

  /** Steps over the next `length` bytes without reading them (the data of a tensor left in a file). */
  skip(length: number, field: string): void {
    this.#need(length, field);
    this.#pos += length;
  }

  /** Skips the zero bytes that pad the position to a multiple of 8; any other byte there is corruption. */
  skipPadding(field: string): void {
    const start = this.#pos;
    const padding = this.take(alignTo8(start) - start, field);
    const nonZero = padding.findIndex((b) => b !== 0);
    if (nonZero >= 0) {
      const offset = start + nonZero;
      throw codecError(CodecErrorCode.INVALID_HEADER, `${this.#what} has a non-zero padding byte at offset ${offset} after ${field}`, {
        context: { field, offset },
      });
    }
  }

  #field(length: number, field: string): DataView {
    const bytes = this.take(length, field);
    return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  #need(length: number, field: string): void {
    if (length > this.remaining) {
      throw codecError(
        CodecErrorCode.TRUNCATED,
        `${this.#what} is truncated: ${field} needs ${length} bytes at offset ${this.#pos}, only ${this.remaining} remain`,
        { context: { field, offset: this.#pos, needed: length, available: this.remaining } },
      );
    }
  }
}
