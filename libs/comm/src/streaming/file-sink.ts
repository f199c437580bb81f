import type { HearthError } from '@hearth/core';
import { open, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { commError, CommErrorCode } from '../errors.js';
import { checkInteger } from '../internal/check-integer.js';
import { describeError } from '../internal/describe-error.js';
import type { StreamSink } from './stream-sink.js';

/** Options for {@link FileSink}. */
export interface FileSinkOptions {
  /** Final path of the payload. Chunks go to `<path>.partial` until the transfer completes. */
  readonly path: string;
  /** Payload size, from {@link IncomingStream.totalBytes}. */
  readonly byteLength: number;
  /** Largest payload accepted; a larger declaration fails with LIMIT_EXCEEDED before the file is created. */
  readonly maxBytes: number;
}

/**
 * A sink that writes each chunk at its offset in `<path>.partial`, then fsyncs and renames it to `path`
 * when the transfer completes, so a reader never sees a half-written file and memory stays at one chunk
 * whatever the payload size. An aborted transfer removes the partial file.
 */
export class FileSink implements StreamSink {
  /** The final path, once the file is complete and renamed. */
  readonly result: Promise<string>;
  readonly #path: string;
  readonly #partialPath: string;
  readonly #byteLength: number;
  #handle: FileHandle | undefined;
  #settle: { resolve: (path: string) => void; reject: (error: HearthError) => void } | undefined;

  constructor(options: FileSinkOptions) {
    const maxBytes = checkInteger(options.maxBytes, { name: 'FileSink maxBytes', min: 0, max: Number.MAX_SAFE_INTEGER });
    this.#byteLength = checkInteger(options.byteLength, { name: 'FileSink byteLength', min: 0, max: Number.MAX_SAFE_INTEGER });
    if (typeof options.path !== 'string' || options.path.length === 0) {
      throw commError(CommErrorCode.INVALID_OPTIONS, 'FileSink path must be a non-empty string', { context: { path: options.path } });
    }
    if (this.#byteLength > maxBytes) {
      throw commError(CommErrorCode.LIMIT_EXCEEDED, `payload of ${this.#byteLength} bytes exceeds the receiver's limit of ${maxBytes} bytes`, {
        context: { byteLength: this.#byteLength, maxBytes, path: options.path },
      });
    }
    this.#path = options.path;
    this.#partialPath = `${options.path}.partial`;
    this.result = new Promise<string>((resolve, reject) => {
      this.#settle = { resolve, reject };
    });
    this.result.catch(() => undefined);
  }

  async write(chunk: Uint8Array, offset: number): Promise<void> {
    if (offset < 0 || offset + chunk.byteLength > this.#byteLength) {
      throw commError(CommErrorCode.PROTOCOL_VIOLATION, `chunk [${offset}, ${offset + chunk.byteLength}) lies outside the ${this.#byteLength}-byte payload`, {
        context: { offset, byteLength: chunk.byteLength, path: this.#path },
      });
    }
    const handle = await this.#open();
    let written = 0;
    while (written < chunk.byteLength) {
      const { bytesWritten } = await handle.write(chunk, written, chunk.byteLength - written, offset + written);
      written += bytesWritten;
    }
  }

  async complete(): Promise<void> {
    const handle = await this.#open();
    await handle.truncate(this.#byteLength);
    await handle.sync();
    await handle.close();
    this.#handle = undefined;
    await rename(this.#partialPath, this.#path);
    this.#settle?.resolve(this.#path);
    this.#settle = undefined;
  }

  async abort(error: HearthError): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    await handle?.close().catch(() => undefined);
    await rm(this.#partialPath, { force: true });
    this.#settle?.reject(error);
    this.#settle = undefined;
  }

  async #open(): Promise<FileHandle> {
    if (this.#handle !== undefined) return this.#handle;
    try {
      this.#handle = await open(this.#partialPath, 'w');
    } catch (cause) {
      throw commError(CommErrorCode.TRANSFER_FAILED, `cannot create ${this.#partialPath}: ${describeError(cause, CommErrorCode.TRANSFER_FAILED).message}`, { context: { path: this.#path }, cause });
    }
    return this.#handle;
  }
}
