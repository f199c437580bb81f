import { codecError, CodecErrorCode } from '../errors.js';
import { alignTo8 } from './byte-layout.js';

/**
 * Reads fixed little-endian fields and length-prefixed sections from untrusted bytes. Every read is
 * bounds-checked against the bytes actually present and fails with a codec error naming the field, so
 * callers never index past the end or allocate from a length they have not checked.
 */
export class ByteReader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #what: string;
  #pos = 0;

  /** `what` names the encoding in error messages (`Shareable envelope`). */
  constructor(bytes: Uint8Array, what: string) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#what = what;
  }

  /** Offset of the next byte to read. */
  get position(): number {
    return this.#pos;
  }

  /** Bytes not read yet. */
  get remaining(): number {
    return this.#bytes.length - this.#pos;
  }

  /** One unsigned byte. */
  u8(field: string): number {
    this.#need(1, field);
    return this.#view.getUint8(this.#pos++);
  }

  /** An unsigned 16-bit little-endian integer. */
  u16(field: string): number {
    this.#need(2, field);
    const value = this.#view.getUint16(this.#pos, true);
    this.#pos += 2;
    return value;
  }

  /** An unsigned 32-bit little-endian integer. */
  u32(field: string): number {
    this.#need(4, field);
    const value = this.#view.getUint32(this.#pos, true);
    this.#pos += 4;
    return value;
  }

  /** An unsigned 64-bit little-endian integer; values above 2^53 - 1 cannot be real sizes and are refused. */
  u64(field: string): number {
    this.#need(8, field);
    const value = this.#view.getBigUint64(this.#pos, true);
    this.#pos += 8;
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      const message = `${this.#what} declares ${field} ${value}, far beyond the ${this.#bytes.length} bytes given`;
      throw codecError(CodecErrorCode.TRUNCATED, message, { context: { field, declared: value.toString(), available: this.#bytes.length } });
    }
    return Number(value);
  }

  /** The next `length` bytes as a view (no copy). */
  take(length: number, field: string): Uint8Array {
    this.#need(length, field);
    const out = this.#bytes.subarray(this.#pos, this.#pos + length);
    this.#pos += length;
    return out;
  }

  /** Skips the zero bytes that pad the position to a multiple of 8; any other byte there is corruption. */
  skipPadding(field: string): void {
    const end = alignTo8(this.#pos);
    this.#need(end - this.#pos, field);
    for (; this.#pos < end; this.#pos++) {
      if (this.#bytes[this.#pos] !== 0) {
        throw codecError(CodecErrorCode.INVALID_HEADER, `${this.#what} has a non-zero padding byte at offset ${this.#pos} after ${field}`, {
          context: { field, offset: this.#pos },
        });
      }
    }
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
