import { closeSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
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

function openError(path: string, err: unknown): never {
  throw codecError(CodecErrorCode.IO, `could not open ${path}: ${(err as Error).message}`, { context: { path }, cause: err });
}

function shortFile(what: string, at: number, missing: number): never {
  throw codecError(CodecErrorCode.TRUNCATED, `${what} ended after ${at} bytes, ${missing} more were expected`, { context: { position: at } });
}

/** Runs `use` on `path` opened for reading, closing it afterwards; an open failure becomes an IO error. */
export function withOpenFile<T>(path: string, use: (fd: number) => T): T {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    openError(path, err);
  }
  try {
    return use(fd);
  } finally {
    closeSync(fd);
  }
}

/** {@link withOpenFile} without blocking the event loop. */
export async function withOpenFileAsync<T>(path: string, use: (file: FileHandle) => Promise<T>): Promise<T> {
  const file = await open(path, 'r').catch((err: unknown) => openError(path, err));
  try {
    return await use(file);
  } finally {
    await file.close();
  }
}

/** Fills `into` from the open file `fd` at `position`; a short file is reported as TRUNCATED. */
export function readFully(fd: number, into: Uint8Array, position: number, what: string): void {
  let done = 0;
  while (done < into.byteLength) {
    const count = readSync(fd, into, done, Math.min(into.byteLength - done, MAX_READ_BYTES), position + done);
    if (count === 0) shortFile(what, position + done, into.byteLength - done);
    done += count;
  }
}

/** {@link readFully} without blocking the event loop. */
export async function readFullyAsync(file: FileHandle, into: Uint8Array, position: number, what: string): Promise<void> {
  let done = 0;
  while (done < into.byteLength) {
    const { bytesRead } = await file.read(into, done, Math.min(into.byteLength - done, MAX_READ_BYTES), position + done);
    if (bytesRead === 0) shortFile(what, position + done, into.byteLength - done);
    done += bytesRead;
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
