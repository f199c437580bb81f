import { readSync } from 'node:fs';
import { codecError, CodecErrorCode } from '../errors.js';

/** Where a {@link ByteReader} reads from: bytes in memory, or a file read a section at a time. */
export interface ByteSource {
  readonly byteLength: number;
  /** `length` bytes at `offset`, both within the source: a view for memory, a fresh copy for a file. */
  bytes(offset: number, length: number): Uint8Array;
}

/** Bytes in memory: every section is a view, never a copy. */
export function memorySource(bytes: Uint8Array): ByteSource {
  return { byteLength: bytes.byteLength, bytes: (offset, length) => bytes.subarray(offset, offset + length) };
}

/** The kernel caps one read near 2 GiB; longer reads go in slices of this many bytes. */
const MAX_READ_BYTES = 1 << 30;

/** Fills `into` from the open file `fd` at `position`; a short file is reported as TRUNCATED. */
export function readFully(fd: number, into: Uint8Array, position: number, what: string): void {
  let done = 0;
  while (done < into.byteLength) {
    const count = readSync(fd, into, done, Math.min(into.byteLength - done, MAX_READ_BYTES), position + done);
    if (count === 0) {
      throw codecError(CodecErrorCode.TRUNCATED, `${what} ended after ${position + done} bytes, ${into.byteLength - done} more were expected`, {
        context: { position: position + done },
      });
    }
    done += count;
  }
}

/** An open file of `byteLength` bytes: each section is read into a fresh buffer. */
export function fileSource(fd: number, byteLength: number, what: string): ByteSource {
  return {
    byteLength,
    bytes: (offset, length) => {
      const out = new Uint8Array(length);
      readFully(fd, out, offset, what);
      return out;
    },
  };
}
